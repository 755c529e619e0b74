/* psod_modules: who makes a VMkernel module, from data/esxi_modules.tsv.
 *
 * The culprit rule (psod_culprit.c) must not send an admin to a driver
 * vendor for a crash in VMware's own code (VMFS, vSAN, the TCP/IP stack,
 * NSX ...): those modules are VMware's, listed with their source in the
 * table. A module not listed is a vendor's driver. The table is also how a
 * crash without a backtrace names its driver from the world it ran in. */
#include "parse/psod/psod_impl.h"
#include "util/embedded.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>

struct module_row {
    const char *name; /* without the trailing '*' of a prefix row */
    size_t len;
    bool prefix, vmware;
};

static struct module_row *rows;
static size_t nrows, cap_rows;
static pthread_once_t rows_once = PTHREAD_ONCE_INIT;

static void
add_row(char **col) /* module, owner, maker, what, source */
{
    if (strcmp(col[0], "module") == 0)
        return; /* the header row */
    size_t len = strlen(col[0]);
    bool prefix = len > 0 && col[0][len - 1] == '*';
    XGROW(rows, cap_rows, nrows + 1);
    rows[nrows++] = (struct module_row){col[0], prefix ? len - 1 : len, prefix,
                                        strcmp(col[1], "vmware") == 0};
}

static void
load_rows(void)
{
    embedded_rows("data/esxi_modules.tsv", 5, add_row);
}

static const struct module_row *
row_of(const char *m, size_t n)
{
    pthread_once(&rows_once, load_rows);
    const struct module_row *hit = NULL;
    for (size_t i = 0; i < nrows; i++) {
        const struct module_row *r = &rows[i];
        if (r->prefix ? n >= r->len && strncasecmp(m, r->name, r->len) == 0
                      : n == r->len && strncasecmp(m, r->name, n) == 0)
            if (hit == NULL || !r->prefix)
                hit = r;
    }
    return hit;
}

bool
psod_module_is_vmware(const char *module)
{
    if (module == NULL || *module == '\0')
        return false;
    const struct module_row *r = row_of(module, strlen(module));
    return r != NULL && r->vmware;
}

char *
psod_vendor_module_of_world(const char *world)
{
    if (world == NULL)
        return NULL;
    pthread_once(&rows_once, load_rows);
    const struct module_row *best = NULL;
    for (size_t i = 0; i < nrows; i++) {
        const struct module_row *r = &rows[i];
        /* a world named after the driver: the name, then nothing, a
         * separator or a digit (`lpfc_path_cl`; `lpfcx` is not lpfc) */
        if (r->vmware || r->len < 3 || strncasecmp(world, r->name, r->len) != 0)
            continue;
        unsigned char next = (unsigned char)world[r->len];
        if (!r->prefix && next != '\0' && next != '_' && next != '-' && next != '.' &&
            next != ' ' && !isdigit(next))
            continue;
        if (best == NULL || r->len > best->len)
            best = r;
    }
    if (best == NULL)
        return NULL;
    if (!best->prefix)
        return xstrdup(best->name);
    size_t n = best->len; /* a prefix row: the module is the world's first word */
    while (isalnum((unsigned char)world[n]))
        n++;
    return xstrndup(world, n);
}

char *
psod_vendor_module_named(const char *s, size_t n)
{
    pthread_once(&rows_once, load_rows);
    for (size_t i = 0; i < nrows; i++) {
        const struct module_row *r = &rows[i];
        if (r->vmware || r->len < 3)
            continue;
        if (!r->prefix && n == r->len && strncasecmp(s, r->name, n) == 0)
            return xstrdup(r->name);
        /* a prefix row (`qla*`): the word is the module, lower-cased */
        if (r->prefix && n > r->len && strncasecmp(s, r->name, r->len) == 0) {
            char *m = xstrndup(s, n);
            for (char *p = m; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            return m;
        }
    }
    return NULL;
}

/* The directory that holds the file of `path` (up to its end at a blank,
 * quote or `:line`): `.../drivers/scsi/lpfc/lpfc_scsi.c` gives lpfc. */
static char *
file_dir(const char *path)
{
    const char *end = path;
    while (*end && *end != ' ' && *end != ':' && *end != '"' && *end != '\'' && *end != ')')
        end++;
    const char *slash = NULL, *prev = NULL;
    for (const char *p = path; p < end; p++)
        if (*p == '/') {
            prev = slash;
            slash = p;
        }
    if (slash == NULL || prev == NULL || slash - prev < 2)
        return NULL;
    return xstrndup(prev + 1, (size_t)(slash - prev - 1));
}

/* `bora/vmkernel/...` names no module: an assertion in the vmkernel's own
 * code is often tripped by a driver (KB 316522: world.c, the iLO driver). */
char *
psod_module_of_path(const char *msg, bool *vmware)
{
    const char *p;
    if (msg == NULL)
        return NULL;
    if ((p = strstr(msg, "bora/modules/vmkernel/")) != NULL) {
        p += strlen("bora/modules/vmkernel/");
        size_t n = strcspn(p, "/ :\"'");
        if (n == 0 || p[n] != '/')
            return NULL;
        *vmware = true;
        return xstrndup(p, n);
    }
    if ((p = strstr(msg, "vmkdrivers/src_")) != NULL) {
        const char *q = strchr(p + strlen("vmkdrivers/src_"), '/');
        if (q == NULL)
            return NULL;
        q++;
        if (strncmp(q, "vmklinux", 8) == 0 || strncmp(q, "include/", 8) == 0) {
            *vmware = true;
            return xstrdup("vmklinux");
        }
        if (strncmp(q, "drivers/", 8) == 0) {
            char *d = file_dir(q);
            if (d != NULL)
                *vmware = psod_module_is_vmware(d);
            return d;
        }
    }
    return NULL;
}
