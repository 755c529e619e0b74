/* bugcheck: lookup in the embedded bug check tables (see bugcheck.h). */
#include "parse/dump/bugcheck.h"
#include "util/embedded.h"
#include "util/util_mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONTEXT_MODIFIER 0x80000000u /* BUGCHECK_CONTEXT_MODIFIER, SDK bugcodes.h */
#define M_VARIANT 0x10000000u        /* the _M codes (kb windows-crash-dumps.md §3) */

struct name_row {
    uint32_t code;
    const char *name;
};

struct param_row {
    uint32_t code;
    int index;
    const char *meaning;
};

static struct name_row *names;
static size_t nnames;
static struct param_row *params;
static size_t nparams;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint32_t
code_of(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 16);
    if (*end != '\0' || v > UINT32_MAX)
        VT_BUG("bug check table: bad code '%s'", s);
    return (uint32_t)v;
}

static void
add_name(char **col)
{
    static size_t cap;
    XGROW(names, cap, nnames + 1);
    names[nnames++] = (struct name_row){code_of(col[0]), col[1]};
}

static void
add_param(char **col)
{
    static size_t cap;
    int i = atoi(col[1]);
    if (i < 1 || i > 4)
        VT_BUG("data/bugcheck_params.tsv: parameter '%s'", col[1]);
    XGROW(params, cap, nparams + 1);
    params[nparams++] = (struct param_row){code_of(col[0]), i, col[2]};
}

static void
load(void)
{
    embedded_rows("data/bugcheck_codes.tsv", 2, add_name);
    embedded_rows("data/bugcheck_params.tsv", 4, add_param);
}

const char *
bugcheck_name(uint32_t code)
{
    pthread_once(&once, load);
    code &= ~CONTEXT_MODIFIER;
    for (size_t i = 0; i < nnames; i++)
        if (names[i].code == code)
            return names[i].name;
    return NULL;
}

const char *
bugcheck_parameter(uint32_t code, int i)
{
    pthread_once(&once, load);
    code &= ~(CONTEXT_MODIFIER | M_VARIANT);
    for (size_t k = 0; k < nparams; k++)
        if (params[k].code == code && params[k].index == i)
            return params[k].meaning;
    return NULL;
}

long long
bugcheck_code(const char *name)
{
    pthread_once(&once, load);
    for (size_t i = 0; i < nnames; i++)
        if (strcasecmp(names[i].name, name) == 0)
            return names[i].code;
    return -1;
}
