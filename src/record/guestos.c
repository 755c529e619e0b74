/* guestos: lookup of guestOS keys in the embedded data/guestos.tsv. */
#include "record/guestos.h"
#include "util/embedded.h"
#include "util/util_mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct guestos *table;
static size_t ntable;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *const family_names[] = {
    [GUEST_UNKNOWN] = "unknown",   [GUEST_WINDOWS] = "windows", [GUEST_LINUX] = "linux",
    [GUEST_VMKERNEL] = "vmkernel", [GUEST_BSD] = "bsd",         [GUEST_SOLARIS] = "solaris",
    [GUEST_DARWIN] = "darwin",     [GUEST_OTHER] = "other",
};

const char *
guest_family_name(enum guest_family f)
{
    return family_names[f];
}

static enum guest_family
family_from_name(const char *s)
{
    for (size_t i = 0; i < sizeof(family_names) / sizeof(family_names[0]); i++)
        if (strcmp(family_names[i], s) == 0)
            return (enum guest_family)i;
    VT_BUG("data/guestos.tsv: unknown family '%s'", s);
}

static void
add_row(char **col)
{
    static size_t cap;
    XGROW(table, cap, ntable + 1);
    table[ntable++] =
        (struct guestos){col[0], col[1], family_from_name(col[3]), atoi(col[4]), atoi(col[5]),
                         strcmp(col[2], "TRUE") == 0};
}

static void
load_table(void)
{
    embedded_rows("data/guestos.tsv", 6, add_row);
}

const struct guestos *
guestos_lookup(const char *key)
{
    if (key == NULL)
        return NULL;
    pthread_once(&once, load_table);
    for (size_t i = 0; i < ntable; i++)
        if (strcasecmp(table[i].key, key) == 0)
            return &table[i];
    return NULL;
}

const struct guestos *
guestos_lookup_vim(const char *vim_id)
{
    if (vim_id == NULL)
        return NULL;
    pthread_once(&once, load_table);
    const struct guestos *any = NULL;
    for (size_t i = 0; i < ntable; i++)
        if (strcmp(table[i].vim_id, vim_id) == 0) {
            if (table[i].reversible)
                return &table[i];
            if (any == NULL)
                any = &table[i];
        }
    return any;
}

enum guest_family
guestos_guess_family(const char *key)
{
    if (key == NULL)
        return GUEST_UNKNOWN;
    if (strncasecmp(key, "win", 3) == 0)
        return GUEST_WINDOWS;
    if (strncasecmp(key, "vmkernel", 8) == 0)
        return GUEST_VMKERNEL;
    if (strcasestr(key, "linux"))
        return GUEST_LINUX;
    return GUEST_UNKNOWN;
}
