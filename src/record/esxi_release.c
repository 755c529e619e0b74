/* esxi_release: the ESXi build table and release lines (esxi_release.h). */
#include "record/esxi_release.h"
#include "util/embedded.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct esxi_release *table;
static size_t ntable, cap_table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void
add_row(char **col) /* version, name, build, release_date, source */
{
    XGROW(table, cap_table, ntable + 1);
    table[ntable++] = (struct esxi_release){col[0], col[1], strtoll(col[2], NULL, 10)};
}

static void
load_table(void)
{
    embedded_rows("data/esxi_builds.tsv", 5, add_row);
}

bool
esxi_release_of_build(long long build, struct esxi_release *out)
{
    pthread_once(&table_once, load_table);
    size_t lo = 0, hi = ntable; /* the rows are sorted by build (t-builds checks it) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid].build < build)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < ntable && table[lo].build == build) {
        *out = table[lo];
        return true;
    }
    return false;
}

bool
esxi_line_of_text(const char *s, int *major, int *minor)
{
    for (const char *p = s; *p; p++) {
        /* a version number "M.N" that starts a word: after ESXi/ESX or alone */
        if (!isdigit((unsigned char)*p) ||
            (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.')))
            continue;
        char *end;
        long ma = strtol(p, &end, 10);
        if (*end != '.' || !isdigit((unsigned char)end[1]) || ma < 3 || ma > 20)
            continue;
        long mi = strtol(end + 1, &end, 10);
        if (mi < 0 || mi > 9)
            continue;
        *major = (int)ma;
        *minor = (int)mi;
        return true;
    }
    return false;
}
