/* fuzz_bundle: arbitrary bytes as a support bundle through bundle_walk_memory
 * (tar, compressed tar, zip, a zip of bundles), every entry read with chunk
 * sizes the input picks. Checks what bundle_source.h promises: a path is
 * never empty, absolute, nor holds a ".", ".." or empty component or a
 * control character; a top folder is one component; a file's reads end
 * with 0 or -1 and stay there; the walk returns 0 or -1 and reports an
 * error with every -1. Reads stop after 4 MiB per entry (a caller may stop
 * early; a hostile sparse member may declare terabytes), so FRAG joining
 * and holes stay bounded; ASan sees the rest.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "source/bundle_source.h"
#include "util/util_mem.h"

#include <stdint.h>
#include <string.h>

int fuzz_bundle_one(const uint8_t *data, size_t size);

#define FZ_BUNDLE_READ_MAX (4u << 20)

struct fz_bundle {
    uint32_t rng;
    unsigned long entries;
};

static size_t
fz_bundle_chunk(struct fz_bundle *f)
{
    f->rng ^= f->rng << 13;
    f->rng ^= f->rng >> 17;
    f->rng ^= f->rng << 5;
    switch (f->rng % 4) {
    case 0:
        return 1 + f->rng / 4 % 7;
    case 1:
        return 1 + f->rng / 4 % 512;
    case 2:
        return 1 + f->rng / 4 % 70000;
    default:
        return 65536;
    }
}

static void
fz_bundle_check_path(const char *what, const char *p, bool may_be_empty)
{
    if (p == NULL)
        VT_BUG("fuzz_bundle: %s is NULL", what);
    if (*p == '\0') {
        if (!may_be_empty)
            VT_BUG("fuzz_bundle: empty %s", what);
        return;
    }
    if (*p == '/')
        VT_BUG("fuzz_bundle: absolute %s '%s'", what, p);
    for (const char *c = p;;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            VT_BUG("fuzz_bundle: %s '%s' has an empty, '.' or '..' component", what, p);
        c += n;
        if (*c == '\0')
            break;
        c++;
    }
    for (const unsigned char *c = (const unsigned char *)p; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            VT_BUG("fuzz_bundle: control character in %s", what);
}

static int
fz_bundle_entry(void *arg, const struct bundle_entry *e, struct bundle_reader *r)
{
    struct fz_bundle *f = arg;
    f->entries++;
    fz_bundle_check_path("path", e->path, false);
    fz_bundle_check_path("top", e->top, true);
    if (strchr(e->top, '/') != NULL)
        VT_BUG("fuzz_bundle: top '%s' is more than one folder", e->top);
    if (e->bundle == NULL || e->display == NULL || strstr(e->display, e->bundle) != e->display)
        VT_BUG("fuzz_bundle: display does not start with the bundle");
    char buf[70000];
    size_t total = 0;
    ssize_t got;
    /* Some entries are left unread or half read: the rest must be skipped. */
    size_t limit = f->rng % 5 == 0 ? 0 : f->rng % 5 == 1 ? 100 : FZ_BUNDLE_READ_MAX;
    for (;;) {
        size_t want = fz_bundle_chunk(f);
        if (total >= limit)
            return 0;
        got = bundle_read(r, buf, want);
        if (got < -1 || got > (ssize_t)want)
            VT_BUG("fuzz_bundle: bundle_read gave %zd for %zu", got, want);
        if (got <= 0)
            break;
        total += (size_t)got;
    }
    if (bundle_read(r, buf, 10) != got)
        VT_BUG("fuzz_bundle: a read after the end (%zd) changed", got);
    return 0;
}

int
fuzz_bundle_one(const uint8_t *data, size_t size)
{
    struct fz_bundle f = {0x9e3779b9u ^ (uint32_t)size, 0};
    for (size_t i = 0; i < size && i < 16; i++)
        f.rng = f.rng * 31 + data[i];
    if (f.rng == 0)
        f.rng = 1;
    struct diags d = DIAGS_INIT;
    int rc = bundle_walk_memory(data, size, "fuzz.tgz", fz_bundle_entry, &f, &d);
    if (rc != 0 && rc != -1)
        VT_BUG("fuzz_bundle: walk returned %d", rc);
    if (rc == -1 && diags_count(&d, DIAG_ERROR) == 0)
        VT_BUG("fuzz_bundle: walk returned -1 without an error");
    for (size_t i = 0; i < d.n; i++)
        if (d.v[i].path == NULL || d.v[i].message == NULL)
            VT_BUG("fuzz_bundle: diagnostic without path or message");
    diags_release(&d);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_bundle_one(data, size);
}
#endif
