/* test_bundle: the support-bundle source. Every archive is built here with
 * libarchive's writer (tgz, tar, zip) or by hand (a tar header that
 * declares a huge size), every folder in a mkdtemp folder; expected paths,
 * contents and sizes come from what was written. Covered: the top folder,
 * FRAG sets (whole, read across parts in any chunk size, a missing part,
 * parts out of order, a set the callback does not read), a vCenter zip of
 * host tgz files (each entry naming its bundle; a gzip log and a nested tgz
 * stay files), hostile members (notes, never handed out), truncated streams
 * cut at many lengths (an error naming the member, the walk returns -1),
 * sparse members, a folder bundle with links pointing out of it, and
 * bundle_is_archive. */
#include "source/bundle_source.h"
#include "t.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

int test_bundle(void);

/* ---- building archives ---- */

struct member {
    const char *name;
    char type; /* 'f' file, 'd' folder, 'l' symlink, 'h' hard link, 'p' FIFO, 'c' char device */
    const char *data; /* 'f': contents (len bytes); 'l'/'h': the target */
    size_t len;
    bool store; /* zip: stored, not deflated */
};

static la_ssize_t
to_buf(struct archive *a, void *arg, const void *p, size_t n)
{
    (void)a;
    buf_add(arg, p, n);
    return (la_ssize_t)n;
}

/* Writes members as 'z' zip, 'g' ustar+gzip, 'u' ustar, 'p' pax+gzip into *out. */
static void
build(struct buf *out, char kind, const struct member *m, size_t n)
{
    struct archive *a = archive_write_new();
    if (kind == 'z')
        archive_write_set_format_zip(a);
    else if (kind == 'p')
        archive_write_set_format_pax(a);
    else
        archive_write_set_format_ustar(a);
    if (kind == 'g' || kind == 'p')
        archive_write_add_filter_gzip(a);
    archive_write_set_bytes_in_last_block(a, 1);
    buf_reset(out);
    if (archive_write_open(a, out, NULL, to_buf, NULL) != ARCHIVE_OK)
        printf("archive_write_open: %s\n", archive_error_string(a));
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, m[i].name);
        archive_entry_set_mtime(e, 1709528706, 0);
        switch (m[i].type) {
        case 'd':
            archive_entry_set_filetype(e, AE_IFDIR);
            archive_entry_set_perm(e, 0755);
            break;
        case 'l':
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, m[i].data);
            break;
        case 'h':
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_hardlink(e, m[i].data);
            break;
        case 'p':
            archive_entry_set_filetype(e, AE_IFIFO);
            break;
        case 'c':
            archive_entry_set_filetype(e, AE_IFCHR);
            archive_entry_set_rdev(e, 0x0103);
            break;
        default:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_perm(e, 0644);
            archive_entry_set_size(e, (la_int64_t)m[i].len);
        }
        if (kind == 'z' && m[i].store)
            archive_write_zip_set_compression_store(a);
        else if (kind == 'z')
            archive_write_zip_set_compression_deflate(a);
        if (archive_write_header(a, e) != ARCHIVE_OK)
            printf("archive_write_header %s: %s\n", m[i].name, archive_error_string(a));
        if (m[i].type == 'f' && m[i].len > 0 &&
            archive_write_data(a, m[i].data, m[i].len) != (la_ssize_t)m[i].len)
            printf("archive_write_data %s: %s\n", m[i].name, archive_error_string(a));
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
}

/* gzip of bytes, as a log rotated by ESXi (not an archive). */
static void
gzip_bytes(struct buf *out, const char *data, size_t len)
{
    z_stream z = {0};
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    buf_reset(out);
    buf_grow(out, deflateBound(&z, (uLong)len));
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out->p;
    z.avail_out = (uInt)(out->cap - 1);
    deflate(&z, Z_FINISH);
    out->len = z.total_out;
    deflateEnd(&z);
}

/* Text that compresses little (a gzip cut lands in a member's data). */
static char *
noise(size_t len, unsigned seed)
{
    char *s = xmalloc(len + 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = (i % 61 == 60) ? '\n' : (char)(' ' + (x >> 16) % 95);
    }
    s[len] = '\0';
    return s;
}

/* ---- walking ---- */

struct seen_entry {
    char *bundle, *top, *path, *display;
    uint64_t size;
    bool frag;
    struct buf data;
    ssize_t last;  /* bundle_read's last return */
    ssize_t after; /* what one more read returned */
};

struct seen {
    struct seen_entry *v;
    size_t n, cap;
    size_t chunk;    /* bytes per read; 0: nothing read */
    size_t read_max; /* stop reading after this many bytes (0: all) */
    size_t stop_at;  /* return 7 at this entry (1-based; 0: never) */
};

static int
collect(void *arg, const struct bundle_entry *e, struct bundle_reader *r)
{
    struct seen *s = arg;
    XGROW(s->v, s->cap, s->n + 1);
    struct seen_entry *x = &s->v[s->n++];
    *x = (struct seen_entry){xstrdup(e->bundle),
                             xstrdup(e->top),
                             xstrdup(e->path),
                             xstrdup(e->display),
                             e->size,
                             e->frag,
                             BUF_INIT,
                             0,
                             0};
    if (s->chunk > 0) {
        char *buf = xmalloc(s->chunk);
        for (;;) {
            size_t want = s->chunk;
            if (s->read_max && s->read_max - x->data.len < want)
                want = s->read_max - x->data.len;
            if (want == 0)
                break;
            x->last = bundle_read(r, buf, want);
            if (x->last <= 0)
                break;
            buf_add(&x->data, buf, (size_t)x->last);
        }
        if (x->last <= 0)
            x->after = bundle_read(r, buf, s->chunk);
        free(buf);
    }
    return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

static void
seen_release(struct seen *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].bundle);
        free(s->v[i].top);
        free(s->v[i].path);
        free(s->v[i].display);
        buf_release(&s->v[i].data);
    }
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static const struct seen_entry *
find(const struct seen *s, const char *path)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].path, path) == 0)
            return &s->v[i];
    return NULL;
}

/* Diagnostics of `level` whose path is `path` and message contains `needle`. */
static size_t
count_diags(const struct diags *d, enum diag_level level, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].level == level && (needle == NULL || strstr(d->v[i].message, needle)))
            n++;
    return n;
}

static void
show_diags(const struct diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        printf("  # %s %s: %s\n", d->v[i].level == DIAG_ERROR ? "error" : "note", d->v[i].path,
               d->v[i].message);
}

static bool
same_bytes(const struct buf *b, const char *want, size_t len)
{
    return b->len == len && (len == 0 || memcmp(b->p, want, len) == 0);
}

/* ---- the vm-support tgz ---- */

#define TOP "esx-h1-2024-03-04--05.06-123"

static const char vl_txt[] = "VMware ESXi 6.7.0 build-8169922\nVMware ESXi 6.7.0 GA\n";
static const char vmx_txt[] = ".encoding = \"UTF-8\"\nethernet0.virtualDev = \"e1000\"\n";

static void
test_vm_support(void)
{
    char *vmk = noise(20000, 1);
    char *zd = noise(10000 + 7000 + 1234, 2); /* the FRAG set's whole contents */
    const struct member m[] = {
        {TOP "/", 'd', NULL, 0, false},
        {TOP "/commands/", 'd', NULL, 0, false},
        {TOP "/commands/vmware_-vl.txt", 'f', vl_txt, strlen(vl_txt), false},
        {TOP "/var/run/log/vmkernel.log", 'f', vmk, 20000, false},
        {TOP "/vmfs/volumes/ds1/vm1/vm1.vmx", 'f', vmx_txt, strlen(vmx_txt), false},
        {TOP "/var/core/vmkernel-zdump.1.FRAG-00000", 'f', zd, 10000, false},
        {TOP "/var/core/vmkernel-zdump.1.FRAG-00001", 'f', zd + 10000, 7000, false},
        {TOP "/var/core/vmkernel-zdump.1.FRAG-00002", 'f', zd + 17000, 1234, false},
        {TOP "/README.txt", 'f', "hi\n", 3, false},
        {"./" TOP "/etc/./hosts", 'f', "127.0.0.1 localhost\n", 20, false},
        {"commands/uname_-a.txt", 'f', "VMkernel h1 6.7.0\n", 18, false},
        {"var/log/empty.log", 'f', "", 0, false},
    };
    struct {
        const char *path, *top, *stored, *data;
        size_t len;
        bool frag;
    } want[] = {
        {"commands/vmware_-vl.txt", TOP, TOP "/commands/vmware_-vl.txt", vl_txt, strlen(vl_txt),
         false},
        {"var/run/log/vmkernel.log", TOP, TOP "/var/run/log/vmkernel.log", vmk, 20000, false},
        {"vmfs/volumes/ds1/vm1/vm1.vmx", TOP, TOP "/vmfs/volumes/ds1/vm1/vm1.vmx", vmx_txt,
         strlen(vmx_txt), false},
        {"var/core/vmkernel-zdump.1", TOP, TOP "/var/core/vmkernel-zdump.1.FRAG-00000", zd, 18234,
         true},
        {"README.txt", TOP, TOP "/README.txt", "hi\n", 3, false},
        {"etc/hosts", TOP, "./" TOP "/etc/./hosts", "127.0.0.1 localhost\n", 20, false},
        {"commands/uname_-a.txt", "", "commands/uname_-a.txt", "VMkernel h1 6.7.0\n", 18, false},
        {"var/log/empty.log", "", "var/log/empty.log", "", 0, false},
    };
    size_t nwant = sizeof(want) / sizeof(want[0]);
    struct buf tgz = BUF_INIT;
    build(&tgz, 'g', m, sizeof(m) / sizeof(m[0]));
    static const size_t chunks[] = {1, 7, 4096, 1 << 20};
    for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
        struct seen s = {.chunk = chunks[c]};
        struct diags d = DIAGS_INIT;
        int rc = bundle_walk_memory(tgz.p, tgz.len, "vm.tgz", collect, &s, &d);
        T_EQ_INT(t_fmt("vm-support chunk %zu: walk returns 0", chunks[c]), rc, 0);
        if (!T_EQ_INT(t_fmt("vm-support chunk %zu: no diagnostics", chunks[c]), d.n, 0))
            show_diags(&d);
        T_EQ_INT(t_fmt("vm-support chunk %zu: entries", chunks[c]), s.n, nwant);
        for (size_t i = 0; i < nwant && i < s.n; i++) {
            const struct seen_entry *x = &s.v[i];
            T_EQ_STR(t_fmt("chunk %zu entry %zu path", chunks[c], i), x->path, want[i].path);
            T_EQ_STR(t_fmt("chunk %zu entry %zu top", chunks[c], i), x->top, want[i].top);
            T_EQ_STR(t_fmt("chunk %zu entry %zu bundle", chunks[c], i), x->bundle, "vm.tgz");
            T_EQ_STR(t_fmt("chunk %zu entry %zu display", chunks[c], i), x->display,
                     t_fmt("vm.tgz:%s", want[i].stored));
            T_CHECK(t_fmt("chunk %zu entry %zu (%s) contents", chunks[c], i, want[i].path),
                    same_bytes(&x->data, want[i].data, want[i].len));
            T_EQ_INT(t_fmt("chunk %zu entry %zu ends with 0", chunks[c], i), x->last, 0);
            T_EQ_INT(t_fmt("chunk %zu entry %zu read after the end", chunks[c], i), x->after, 0);
            T_EQ_INT(t_fmt("chunk %zu entry %zu frag", chunks[c], i), x->frag, want[i].frag);
            T_EQ_INT(t_fmt("chunk %zu entry %zu size (the first part's)", chunks[c], i), x->size,
                     want[i].frag ? 10000 : want[i].len);
        }
        seen_release(&s);
        diags_release(&d);
    }

    /* A callback that reads part of each file, or none: the rest is skipped,
     * the next entries are right (also after a FRAG set left mid-part). */
    static const size_t maxes[] = {5, 10005, 17001};
    for (size_t k = 0; k < 3; k++) {
        struct seen s = {.chunk = 4096, .read_max = maxes[k]};
        struct diags d = DIAGS_INIT;
        int rc = bundle_walk_memory(tgz.p, tgz.len, "vm.tgz", collect, &s, &d);
        T_EQ_INT(t_fmt("partial reads of %zu: walk returns 0", maxes[k]), rc, 0);
        T_EQ_INT(t_fmt("partial reads of %zu: entries", maxes[k]), s.n, nwant);
        T_EQ_INT(t_fmt("partial reads of %zu: no diagnostics", maxes[k]), d.n, 0);
        for (size_t i = 0; i < nwant && i < s.n; i++) {
            size_t l = want[i].len < maxes[k] ? want[i].len : maxes[k];
            T_CHECK(t_fmt("partial reads of %zu: %s starts right", maxes[k], want[i].path),
                    same_bytes(&s.v[i].data, want[i].data, l));
        }
        seen_release(&s);
        diags_release(&d);
    }
    struct seen s = {.chunk = 0};
    struct diags d = DIAGS_INIT;
    T_EQ_INT("nothing read: walk returns 0",
             bundle_walk_memory(tgz.p, tgz.len, "vm.tgz", collect, &s, &d), 0);
    T_EQ_INT("nothing read: every entry", s.n, nwant);
    T_EQ_INT("nothing read: no diagnostics", d.n, 0);
    seen_release(&s);
    diags_release(&d);

    /* The callback's non-zero value stops the walk and is returned. */
    struct seen st = {.chunk = 3, .stop_at = 2};
    T_EQ_INT("callback stops the walk",
             bundle_walk_memory(tgz.p, tgz.len, "vm.tgz", collect, &st, &d), 7);
    T_EQ_INT("no entry after the stop", st.n, 2);
    seen_release(&st);
    diags_release(&d);

    /* The same bundle as a pax tar.gz, a plain tar and a zip. */
    static const char kinds[] = {'p', 'u', 'z'};
    for (size_t k = 0; k < sizeof(kinds); k++) {
        struct buf other = BUF_INIT;
        build(&other, kinds[k], m, sizeof(m) / sizeof(m[0]));
        struct seen so = {.chunk = 999};
        T_EQ_INT(t_fmt("format %c: walk returns 0", kinds[k]),
                 bundle_walk_memory(other.p, other.len, "b", collect, &so, &d), 0);
        T_EQ_INT(t_fmt("format %c: entries", kinds[k]), so.n, nwant);
        for (size_t i = 0; i < nwant && i < so.n; i++) {
            T_EQ_STR(t_fmt("format %c entry %zu path", kinds[k], i), so.v[i].path, want[i].path);
            T_CHECK(t_fmt("format %c entry %zu contents", kinds[k], i),
                    same_bytes(&so.v[i].data, want[i].data, want[i].len));
        }
        T_EQ_INT(t_fmt("format %c: no diagnostics", kinds[k]), d.n, 0);
        seen_release(&so);
        diags_release(&d);
        buf_release(&other);
    }
    buf_release(&tgz);
    free(vmk);
    free(zd);
}

/* ---- FRAG sets gone wrong ---- */

static void
test_frag_errors(void)
{
    const struct member gap[] = {
        {TOP "/var/a.log.FRAG-00000", 'f', "AAAA", 4, false},
        {TOP "/var/a.log.FRAG-00002", 'f', "CCCC", 4, false},
        {TOP "/var/a.log.FRAG-00003", 'f', "DDDD", 4, false},
        {TOP "/var/b.txt", 'f', "bbb", 3, false},
    };
    struct buf t = BUF_INIT;
    build(&t, 'g', gap, 4);
    for (int read = 0; read < 2; read++) {
        struct seen s = {.chunk = read ? 2 : 0};
        struct diags d = DIAGS_INIT;
        const char *how = read ? "read" : "not read";
        T_EQ_INT(t_fmt("missing part (%s): walk returns 0", how),
                 bundle_walk_memory(t.p, t.len, "g.tgz", collect, &s, &d), 0);
        T_EQ_INT(t_fmt("missing part (%s): two entries", how), s.n, 2);
        T_CHECK(t_fmt("missing part (%s): a.log once, frag", how),
                find(&s, "var/a.log") && find(&s, "var/a.log")->frag);
        T_CHECK(t_fmt("missing part (%s): b.txt after it", how),
                s.n == 2 && strcmp(s.v[1].path, "var/b.txt") == 0);
        if (read) {
            T_CHECK("missing part: what was read stays read",
                    s.n > 0 && same_bytes(&s.v[0].data, "AAAA", 4));
            T_EQ_INT("missing part: bundle_read returns -1", s.n ? s.v[0].last : 0, -1);
            T_EQ_INT("missing part: and -1 again", s.n ? s.v[0].after : 0, -1);
            T_CHECK("missing part: b.txt read whole",
                    s.n == 2 && same_bytes(&s.v[1].data, "bbb", 3));
        }
        if (!T_EQ_INT(t_fmt("missing part (%s): one error", how), d.n, 1))
            show_diags(&d);
        T_EQ_INT(t_fmt("missing part (%s): it names part 00001", how),
                 count_diags(&d, DIAG_ERROR, "missing FRAG part " TOP "/var/a.log.FRAG-00001"), 1);
        seen_release(&s);
        diags_release(&d);
    }

    /* 00000, 00002, 00001; a lone 00001; 00001 before its 00000 */
    const struct member order[] = {
        {"var/c.FRAG-00000", 'f', "c0", 2, false}, {"var/c.FRAG-00002", 'f', "c2", 2, false},
        {"var/c.FRAG-00001", 'f', "c1", 2, false}, {"var/d.FRAG-00001", 'f', "d1", 2, false},
        {"var/e.FRAG-00001", 'f', "e1", 2, false}, {"var/e.FRAG-00000", 'f', "e0", 2, false},
        {"var/z.txt", 'f', "z", 1, false},
    };
    build(&t, 'g', order, sizeof(order) / sizeof(order[0]));
    struct seen s = {.chunk = 64};
    struct diags d = DIAGS_INIT;
    T_EQ_INT("out of order: walk returns 0",
             bundle_walk_memory(t.p, t.len, "o.tgz", collect, &s, &d), 0);
    T_EQ_INT("out of order: c, e and z handed out", s.n, 3);
    const struct seen_entry *c = find(&s, "var/c"), *e = find(&s, "var/e");
    T_CHECK("out of order: c is part 00000 then an error",
            c && same_bytes(&c->data, "c0", 2) && c->last == -1);
    T_CHECK("out of order: e is its part 00000 alone",
            e && same_bytes(&e->data, "e0", 2) && e->last == 0);
    T_CHECK("out of order: d never handed out", find(&s, "var/d") == NULL);
    T_CHECK("out of order: z last", s.n == 3 && same_bytes(&s.v[2].data, "z", 1));
    if (!T_EQ_INT("out of order: four errors", count_diags(&d, DIAG_ERROR, NULL), 4))
        show_diags(&d);
    T_EQ_INT("c's missing part named",
             count_diags(&d, DIAG_ERROR, "missing FRAG part var/c.FRAG-00001"), 1);
    T_EQ_INT("c's late part named",
             count_diags(&d, DIAG_ERROR, "out of order, skipped: var/c.FRAG-00001"), 1);
    T_EQ_INT("d's lone part named",
             count_diags(&d, DIAG_ERROR, "out of order, skipped: var/d.FRAG-00001"), 1);
    T_EQ_INT("e's early part named",
             count_diags(&d, DIAG_ERROR, "out of order, skipped: var/e.FRAG-00001"), 1);
    T_EQ_INT("c's part 00002 not named", count_diags(&d, DIAG_ERROR, "c.FRAG-00002"), 1);
    seen_release(&s);
    diags_release(&d);
    buf_release(&t);
}

/* ---- hostile members ---- */

static void
test_hostile(void)
{
    const struct member m[] = {
        {"../x", 'f', "evil", 4, false},
        {"/etc/passwd", 'f', "root:x:0:0\n", 11, false},
        {TOP "/a/../../b", 'f', "evil", 4, false},
        {TOP "/ok.txt", 'f', "fine", 4, false},
        {TOP "/link", 'l', "/etc/passwd", 0, false},
        {TOP "/hard", 'h', TOP "/ok.txt", 0, false},
        {TOP "/fifo", 'p', NULL, 0, false},
        {TOP "/null", 'c', NULL, 0, false},
        {TOP "/bad\001name", 'f', "evil", 4, false},
        {TOP "/new\nline", 'f', "evil", 4, false},
    };
    static const char *const notes[] = {
        "unsafe member skipped: ../x ('..' component)",
        "unsafe member skipped: /etc/passwd (absolute path)",
        "unsafe member skipped: " TOP "/a/../../b ('..' component)",
        "symbolic link skipped: " TOP "/link -> /etc/passwd",
        "hard link skipped: " TOP "/hard -> " TOP "/ok.txt",
        "FIFO skipped: " TOP "/fifo",
        "character device skipped: " TOP "/null",
        "unsafe member skipped: " TOP "/bad\\x01name (control character in the name)",
        "unsafe member skipped: " TOP "/new\\x0aline (control character in the name)",
    };
    static const char kinds[] = {'g', 'p'};
    for (size_t k = 0; k < 2; k++) {
        struct buf t = BUF_INIT;
        build(&t, kinds[k], m, sizeof(m) / sizeof(m[0]));
        struct seen s = {.chunk = 100};
        struct diags d = DIAGS_INIT;
        T_EQ_INT(t_fmt("hostile %c: walk returns 0", kinds[k]),
                 bundle_walk_memory(t.p, t.len, "h.tgz", collect, &s, &d), 0);
        T_EQ_INT(t_fmt("hostile %c: only ok.txt handed out", kinds[k]), s.n, 1);
        T_CHECK(t_fmt("hostile %c: ok.txt", kinds[k]), s.n == 1 &&
                                                           strcmp(s.v[0].path, "ok.txt") == 0 &&
                                                           same_bytes(&s.v[0].data, "fine", 4));
        T_EQ_INT(t_fmt("hostile %c: no error", kinds[k]), count_diags(&d, DIAG_ERROR, NULL), 0);
        if (!T_EQ_INT(t_fmt("hostile %c: one note each", kinds[k]), d.n,
                      sizeof(notes) / sizeof(notes[0])))
            show_diags(&d);
        for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
            T_EQ_INT(t_fmt("hostile %c note: %s", kinds[k], notes[i]),
                     count_diags(&d, DIAG_NOTE, notes[i]), 1);
        for (size_t i = 0; i < d.n; i++)
            T_EQ_STR("notes name the archive", d.v[i].path, "h.tgz");
        seen_release(&s);
        diags_release(&d);
        buf_release(&t);
    }
}

/* ---- the vCenter zip ---- */

#define H1 "esx-h1-2024-03-04--05.06-1"
#define H2 "esx-h2-2024-03-04--05.07-2"

static void
test_vcenter_zip(void)
{
    char *log2 = noise(30000, 3);
    const struct member h1[] = {
        {H1 "/commands/vmware_-vl.txt", 'f', vl_txt, strlen(vl_txt), false},
        {H1 "/var/run/log/vmkernel.log", 'f', "h1 log\n", 7, false},
    };
    struct buf inner = BUF_INIT, h1tgz = BUF_INIT, h2tgz = BUF_INIT, gz = BUF_INIT;
    build(&h1tgz, 'g', h1, 2);
    /* h2 holds a tgz of its own: a file, never opened */
    const struct member nested[] = {{"x/y.txt", 'f', "deep", 4, false}};
    build(&inner, 'g', nested, 1);
    const struct member h2[] = {
        {H2 "/commands/vmware_-vl.txt", 'f', "VMware ESXi 8.0.2\n", 18, false},
        {H2 "/var/run/log/hostd.log.FRAG-00000", 'f', log2, 20000, false},
        {H2 "/var/run/log/hostd.log.FRAG-00001", 'f', log2 + 20000, 10000, false},
        {H2 "/var/tmp/inner.tgz", 'f', inner.p, inner.len, false},
    };
    build(&h2tgz, 'g', h2, 4);
    const char *vpxd = "2024-03-04T05:06:07.000Z info vpxd[1] started\n";
    gzip_bytes(&gz, vpxd, strlen(vpxd));
    const struct member zm[] = {
        {H1 ".tgz", 'f', h1tgz.p, h1tgz.len, true},
        {"../evil.tgz", 'f', h1tgz.p, h1tgz.len, true},
        {"link.tgz", 'l', H1 ".tgz", 0, false},
        {H2 ".tgz", 'f', h2tgz.p, h2tgz.len, false},
        {"manifest.txt", 'f', "hosts: 2\n", 9, false},
        {"vpxd-1.log.gz", 'f', gz.p, gz.len, true},
    };
    struct buf zip = BUF_INIT;
    build(&zip, 'z', zm, sizeof(zm) / sizeof(zm[0]));
    struct {
        const char *bundle, *top, *path, *data;
        size_t len;
    } want[] = {
        {"export.zip/" H1 ".tgz", H1, "commands/vmware_-vl.txt", vl_txt, strlen(vl_txt)},
        {"export.zip/" H1 ".tgz", H1, "var/run/log/vmkernel.log", "h1 log\n", 7},
        {"export.zip/" H2 ".tgz", H2, "commands/vmware_-vl.txt", "VMware ESXi 8.0.2\n", 18},
        {"export.zip/" H2 ".tgz", H2, "var/run/log/hostd.log", log2, 30000},
        {"export.zip/" H2 ".tgz", H2, "var/tmp/inner.tgz", inner.p, inner.len},
        {"export.zip", "", "manifest.txt", "hosts: 2\n", 9},
        {"export.zip", "", "vpxd-1.log.gz", gz.p, gz.len},
    };
    size_t nwant = sizeof(want) / sizeof(want[0]);
    static const size_t chunks[] = {1, 333, 65536};
    for (size_t c = 0; c < 3; c++) {
        struct seen s = {.chunk = chunks[c]};
        struct diags d = DIAGS_INIT;
        T_EQ_INT(t_fmt("zip chunk %zu: walk returns 0", chunks[c]),
                 bundle_walk_memory(zip.p, zip.len, "export.zip", collect, &s, &d), 0);
        T_EQ_INT(t_fmt("zip chunk %zu: entries", chunks[c]), s.n, nwant);
        for (size_t i = 0; i < nwant && i < s.n; i++) {
            T_EQ_STR(t_fmt("zip chunk %zu entry %zu bundle", chunks[c], i), s.v[i].bundle,
                     want[i].bundle);
            T_EQ_STR(t_fmt("zip chunk %zu entry %zu top", chunks[c], i), s.v[i].top, want[i].top);
            T_EQ_STR(t_fmt("zip chunk %zu entry %zu path", chunks[c], i), s.v[i].path,
                     want[i].path);
            T_CHECK(t_fmt("zip chunk %zu entry %zu (%s) contents", chunks[c], i, want[i].path),
                    same_bytes(&s.v[i].data, want[i].data, want[i].len));
        }
        if (s.n > 0)
            T_EQ_STR("zip display", s.v[0].display,
                     "export.zip/" H1 ".tgz:" H1 "/commands/vmware_-vl.txt");
        if (!T_EQ_INT(t_fmt("zip chunk %zu: two notes", chunks[c]), d.n, 2))
            show_diags(&d);
        T_EQ_INT("zip: ../evil.tgz skipped",
                 count_diags(&d, DIAG_NOTE, "unsafe member skipped: ../evil.tgz"), 1);
        T_EQ_INT("zip: symbolic link skipped",
                 count_diags(&d, DIAG_NOTE, "symbolic link skipped: link.tgz -> " H1 ".tgz"), 1);
        seen_release(&s);
        diags_release(&d);
    }

    /* A truncated host tgz inside the zip: an error naming it and the
     * member, the other host still walked, the walk returns -1. */
    char *big = noise(200000, 4);
    const struct member hb[] = {
        {H2 "/commands/vmware_-vl.txt", 'f', "VMware ESXi 8.0.2\n", 18, false},
        {H2 "/var/run/log/hostd.log", 'f', big, 200000, false},
    };
    struct buf cut = BUF_INIT, whole = BUF_INIT;
    build(&whole, 'g', hb, 2);
    buf_add(&cut, whole.p, whole.len / 2);
    const struct member zc[] = {
        {H2 ".tgz", 'f', cut.p, cut.len, false},
        {H1 ".tgz", 'f', h1tgz.p, h1tgz.len, true},
    };
    build(&zip, 'z', zc, 2);
    struct seen s = {.chunk = 4096};
    struct diags d = DIAGS_INIT;
    T_EQ_INT("zip with a truncated host: walk returns -1",
             bundle_walk_memory(zip.p, zip.len, "export.zip", collect, &s, &d), -1);
    T_EQ_INT("zip with a truncated host: four entries", s.n, 4);
    T_CHECK("zip with a truncated host: what was read is right",
            s.n == 4 && s.v[1].data.len > 0 && s.v[1].data.len < 200000 &&
                memcmp(s.v[1].data.p, big, s.v[1].data.len) == 0 && s.v[1].last == -1);
    T_CHECK("zip with a truncated host: the other host is walked",
            s.n == 4 && strcmp(s.v[3].bundle, "export.zip/" H1 ".tgz") == 0 &&
                strcmp(s.v[3].path, "var/run/log/vmkernel.log") == 0);
    if (!T_EQ_INT("zip with a truncated host: one error", count_diags(&d, DIAG_ERROR, NULL), 1))
        show_diags(&d);
    T_EQ_INT("the error names the member",
             count_diags(&d, DIAG_ERROR, "cannot read member " H2 "/var/run/log/hostd.log"), 1);
    T_CHECK("the error's path is the inner bundle",
            d.n == 1 && strcmp(d.v[0].path, "export.zip/" H2 ".tgz") == 0);
    seen_release(&s);
    diags_release(&d);
    /* cut so short that no header comes out of it: an error naming it */
    buf_reset(&cut);
    buf_add(&cut, h2tgz.p, h2tgz.len / 2);
    const struct member zs[] = {{H2 ".tgz", 'f', cut.p, cut.len, false}};
    build(&zip, 'z', zs, 1);
    T_EQ_INT("zip with a short host: walk returns -1",
             bundle_walk_memory(zip.p, zip.len, "export.zip", collect, &s, &d), -1);
    T_EQ_INT("zip with a short host: nothing handed out", s.n, 0);
    T_CHECK("zip with a short host: error naming it",
            d.n == 1 && strcmp(d.v[0].path, "export.zip/" H2 ".tgz") == 0 &&
                strstr(d.v[0].message, "cannot read the archive: truncated gzip input"));
    seen_release(&s);
    diags_release(&d);
    buf_release(&whole);
    free(big);
    buf_release(&cut);
    buf_release(&zip);
    buf_release(&inner);
    buf_release(&h1tgz);
    buf_release(&h2tgz);
    buf_release(&gz);
    free(log2);
}

/* ---- truncated streams ---- */

#define GZ_OUT_BLOCK 65536 /* libarchive's gzip filter output block */

/* Decompressed bytes zlib gets out of a gzip prefix. */
static size_t
gunzip_avail(const unsigned char *p, size_t n)
{
    z_stream z = {0};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return 0;
    unsigned char out[16384];
    size_t total = 0;
    z.next_in = (Bytef *)p;
    z.avail_in = (uInt)n;
    for (;;) {
        z.next_out = out;
        z.avail_out = sizeof(out);
        int rc = inflate(&z, Z_NO_FLUSH);
        total += sizeof(out) - z.avail_out;
        if (rc != Z_OK || (z.avail_in == 0 && z.avail_out != 0))
            break;
    }
    inflateEnd(&z);
    return total;
}

static void
test_truncated(void)
{
    enum { NM = 8, SZ = 40000 };
    char *data[NM];
    struct member m[NM];
    char names[NM][64];
    /* ustar: member i's header at hdr[i], data at hdr[i] + 512 */
    size_t hdr[NM], at = 0;
    for (int i = 0; i < NM; i++) {
        data[i] = noise(SZ, 10u + (unsigned)i);
        snprintf(names[i], sizeof(names[i]), TOP "/var/log/f%d.log", i);
        m[i] = (struct member){names[i], 'f', data[i], SZ, false};
        hdr[i] = at;
        at += 512 + (SZ + 511) / 512 * 512;
    }
    size_t tar_end = at; /* then two zero blocks */
    struct buf tgz = BUF_INIT, tar = BUF_INIT;
    build(&tgz, 'g', m, NM);
    build(&tar, 'u', m, NM);

    /* gzip cut at many lengths */
    size_t named = 0, in_data = 0;
    for (size_t cut = 1; cut < tgz.len; cut += cut < 64 ? 7 : 1499) {
        struct seen s = {.chunk = 1000};
        struct diags d = DIAGS_INIT;
        int rc = bundle_walk_memory(tgz.p, cut, "cut.tgz", collect, &s, &d);
        /* libarchive's gzip filter hands out whole 64 KiB blocks: the
         * last partial block before a cut is never seen */
        size_t avail = gunzip_avail((const unsigned char *)tgz.p, cut);
        size_t seen = avail - avail % GZ_OUT_BLOCK;
        if (avail < tar_end) {
            T_EQ_INT(t_fmt("tgz cut at %zu: walk returns -1", cut), rc, -1);
            T_CHECK(t_fmt("tgz cut at %zu: an error naming the archive", cut),
                    count_diags(&d, DIAG_ERROR, NULL) >= 1 &&
                        strcmp(d.v[d.n - 1].path, "cut.tgz") == 0);
        }
        /* what was handed out is a prefix of the members, read right */
        for (size_t i = 0; i < s.n && i < NM; i++) {
            T_EQ_STR(t_fmt("tgz cut at %zu: entry %zu in order", cut, i), s.v[i].path,
                     names[i] + strlen(TOP) + 1);
            size_t l = s.v[i].data.len;
            T_CHECK(t_fmt("tgz cut at %zu: entry %zu bytes right", cut, i),
                    l <= SZ && memcmp(s.v[i].data.p ? s.v[i].data.p : "", data[i], l) == 0);
            T_CHECK(t_fmt("tgz cut at %zu: entry %zu whole or failed", cut, i),
                    (l == SZ && s.v[i].last == 0) || s.v[i].last == -1);
        }
        /* the stream ends inside member k's data: the error names member k
         * and the offset in it where the bytes stopped */
        for (int k = 0; k < NM; k++)
            if (avail < tar_end && seen > hdr[k] + 512 && seen < hdr[k] + 512 + SZ) {
                in_data++;
                size_t n =
                    count_diags(&d, DIAG_ERROR,
                                t_fmt("cannot read member %s at byte %zu: truncated gzip input",
                                      names[k], seen - hdr[k] - 512));
                named += n;
                if (!T_EQ_INT(
                        t_fmt("tgz cut at %zu (%zu bytes of tar): names member %d", cut, avail, k),
                        n, 1))
                    show_diags(&d);
            }
        seen_release(&s);
        diags_release(&d);
    }
    T_CHECK("some gzip cuts fell inside member data", in_data >= 10 && named == in_data);

    /* plain tar cut inside member 2's data: exact bytes and offset */
    struct seen s = {.chunk = 333};
    struct diags d = DIAGS_INIT;
    T_EQ_INT("tar cut: walk returns -1",
             bundle_walk_memory(tar.p, hdr[2] + 512 + 1000, "cut.tar", collect, &s, &d), -1);
    T_EQ_INT("tar cut: three entries", s.n, 3);
    T_CHECK("tar cut: member 2 read up to the cut",
            s.n == 3 && same_bytes(&s.v[2].data, data[2], 1000) && s.v[2].last == -1);
    if (!T_EQ_INT(
            "tar cut: one error at byte 1000 of member 2",
            count_diags(&d, DIAG_ERROR, t_fmt("cannot read member %s at byte 1000: ", names[2])),
            1))
        show_diags(&d);
    seen_release(&s);
    diags_release(&d);
    /* cut inside member 3's header: the error names the member before it */
    struct seen s2 = {.chunk = 0};
    T_EQ_INT("tar cut in a header: walk returns -1",
             bundle_walk_memory(tar.p, hdr[3] + 100, "cut.tar", collect, &s2, &d), -1);
    T_EQ_INT("tar cut in a header: three entries", s2.n, 3);
    if (!T_EQ_INT("tar cut in a header: error after member 2",
                  count_diags(&d, DIAG_ERROR, t_fmt("after member %s", names[2])), 1))
        show_diags(&d);
    seen_release(&s2);
    diags_release(&d);
    /* a truncated gzip read without reading members: still an error */
    struct seen s3 = {.chunk = 0};
    T_EQ_INT("tgz cut, nothing read: walk returns -1",
             bundle_walk_memory(tgz.p, tgz.len / 2, "cut.tgz", collect, &s3, &d), -1);
    T_EQ_INT("tgz cut, nothing read: one error", count_diags(&d, DIAG_ERROR, NULL), 1);
    seen_release(&s3);
    diags_release(&d);
    for (int i = 0; i < NM; i++)
        free(data[i]);
    buf_release(&tgz);
    buf_release(&tar);
}

/* ---- odd input ---- */

/* A ustar header by hand: `size` as 11 octal digits. */
static void
ustar_header(unsigned char h[512], const char *name, unsigned long long size)
{
    memset(h, 0, 512);
    snprintf((char *)h, 100, "%s", name);
    memcpy(h + 100, "0000644", 8);
    memcpy(h + 108, "0000000", 8);
    memcpy(h + 116, "0000000", 8);
    snprintf((char *)h + 124, 12, "%011llo", size);
    memcpy(h + 136, "14572173202", 12);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
}

static void
test_odd(void)
{
    struct seen s = {.chunk = 100};
    struct diags d = DIAGS_INIT;
    const char *text = "just some text, no archive\n";
    T_EQ_INT("plain text: -1", bundle_walk_memory(text, strlen(text), "t.txt", collect, &s, &d),
             -1);
    T_EQ_INT("plain text: one error",
             count_diags(&d, DIAG_ERROR, "cannot read as a support bundle"), 1);
    T_EQ_INT("plain text: nothing handed out", s.n, 0);
    diags_release(&d);
    struct buf gz = BUF_INIT;
    gzip_bytes(&gz, text, strlen(text));
    T_EQ_INT("gzip log: -1", bundle_walk_memory(gz.p, gz.len, "t.gz", collect, &s, &d), -1);
    T_EQ_INT("gzip log: one error", count_diags(&d, DIAG_ERROR, "cannot read as a support bundle"),
             1);
    diags_release(&d);
    T_EQ_INT("empty input: -1", bundle_walk_memory("", 0, "e", collect, &s, &d), -1);
    T_EQ_INT("empty input: one error", count_diags(&d, DIAG_ERROR, NULL), 1);
    diags_release(&d);

    /* A header declaring 8 GiB with 1000 bytes behind it: only a number. */
    unsigned char big[512 + 1000];
    ustar_header(big, TOP "/var/core/huge", 077777777777ull);
    memset(big + 512, 'x', 1000);
    T_EQ_INT("huge size: -1", bundle_walk_memory(big, sizeof(big), "big.tar", collect, &s, &d), -1);
    T_CHECK("huge size: handed out with its declared size",
            s.n == 1 && s.v[0].size == 077777777777ull && s.v[0].data.len == 1000 &&
                s.v[0].last == -1);
    T_EQ_INT("huge size: one error naming it",
             count_diags(&d, DIAG_ERROR, "cannot read member " TOP "/var/core/huge at byte 1000"),
             1);
    seen_release(&s);
    diags_release(&d);

    /* A sparse member (pax): holes read as zeros, the last one too. */
    struct buf t = BUF_INIT;
    struct archive *a = archive_write_new();
    archive_write_set_format_pax(a);
    archive_write_set_bytes_in_last_block(a, 1);
    archive_write_open(a, &t, NULL, to_buf, NULL);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "var/core/sparse");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, 100000);
    archive_entry_sparse_add_entry(e, 1000, 10);
    archive_entry_sparse_add_entry(e, 50000, 10);
    char *want = xcalloc(100000, 1);
    memcpy(want + 1000, "0123456789", 10);
    memcpy(want + 50000, "abcdefghij", 10);
    archive_write_header(a, e);
    archive_write_data(a, want, 100000); /* the writer drops the holes' bytes */
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    T_CHECK("sparse: the tar holds the data only", t.len < 10000);
    s.chunk = 4000;
    T_EQ_INT("sparse: walk returns 0", bundle_walk_memory(t.p, t.len, "s.tar", collect, &s, &d), 0);
    T_CHECK("sparse: one entry of 100000 bytes", s.n == 1 && s.v[0].data.len == 100000);
    T_CHECK("sparse: holes are zeros, data in place",
            s.n == 1 && same_bytes(&s.v[0].data, want, 100000));
    if (!T_EQ_INT("sparse: no diagnostics", d.n, 0))
        show_diags(&d);
    free(want);
    seen_release(&s);
    diags_release(&d);
    buf_release(&t);
    buf_release(&gz);
}

/* ---- folders and files on disk ---- */

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void
put(const char *dir, const char *rel, const char *data, size_t len)
{
    char *path = xasprintf("%s/%s", dir, rel);
    for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *fp = fopen(path, "wb");
    if (fp) {
        fwrite(data, 1, len, fp);
        fclose(fp);
    }
    free(path);
}

static void
test_folder(void)
{
    char tmpl[] = "/tmp/vt-bundle-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!T_CHECK("mkdtemp", dir != NULL))
        return;
    char *zd = noise(5000, 7);
    put(dir, TOP "/commands/vmware_-vl.txt", vl_txt, strlen(vl_txt));
    put(dir, TOP "/var/run/log/vmkernel.log", "k\n", 2);
    put(dir, TOP "/var/core/z.FRAG-00000", zd, 2000);
    put(dir, TOP "/var/core/z.FRAG-00001", zd + 2000, 2000);
    put(dir, TOP "/var/core/z.FRAG-00002", zd + 4000, 1000);
    put(dir, TOP "/var/core/m.FRAG-00000", "m0", 2);
    put(dir, TOP "/var/core/m.FRAG-00002", "m2", 2);
    put(dir, TOP "/var/core/n.FRAG-00001", "n1", 2);
    put(dir, TOP "/bad\001name", "evil", 4);
    char *p = xasprintf("%s/" TOP "/var/passwd", dir);
    T_CHECK("symlink out made", symlink("/etc/passwd", p) == 0);
    free(p);
    p = xasprintf("%s/" TOP "/var/up", dir);
    T_CHECK("symlink to a folder out made", symlink("../..", p) == 0);
    free(p);
    p = xasprintf("%s/" TOP "/var/fifo", dir);
    T_CHECK("fifo made", mkfifo(p, 0644) == 0);
    free(p);

    for (int read = 0; read < 2; read++) {
        struct seen s = {.chunk = read ? 777 : 0};
        struct diags d = DIAGS_INIT;
        T_EQ_INT(t_fmt("folder (%s): walk returns 0", read ? "read" : "not read"),
                 bundle_walk(dir, collect, &s, &d), 0);
        T_EQ_INT("folder: four files", s.n, 4);
        const struct seen_entry *vl = find(&s, "commands/vmware_-vl.txt"),
                                *z = find(&s, "var/core/z"), *m = find(&s, "var/core/m");
        T_CHECK("folder: vmware -vl, top removed",
                vl && strcmp(vl->top, TOP) == 0 && strcmp(vl->bundle, dir) == 0);
        T_EQ_STR("folder: display is the file's path", vl ? vl->display : NULL,
                 t_fmt("%s/" TOP "/commands/vmware_-vl.txt", dir));
        T_CHECK("folder: vmkernel.log", find(&s, "var/run/log/vmkernel.log") != NULL);
        T_CHECK("folder: FRAG set once", z && z->frag && z->size == 2000);
        T_CHECK("folder: no part handed out",
                find(&s, "var/core/z.FRAG-00001") == NULL && find(&s, "var/core/n") == NULL);
        if (read) {
            T_CHECK("folder: FRAG parts joined in order", z && same_bytes(&z->data, zd, 5000));
            T_CHECK("folder: vmware -vl read", vl && same_bytes(&vl->data, vl_txt, strlen(vl_txt)));
            T_CHECK("folder: gap: part 00000 then -1",
                    m && same_bytes(&m->data, "m0", 2) && m->last == -1);
        }
        if (!T_EQ_INT("folder: four notes", count_diags(&d, DIAG_NOTE, NULL), 4))
            show_diags(&d);
        T_EQ_INT(
            "folder: link to a file out",
            count_diags(&d, DIAG_NOTE, "symbolic link skipped: " TOP "/var/passwd -> /etc/passwd"),
            1);
        T_EQ_INT("folder: link to a folder out",
                 count_diags(&d, DIAG_NOTE, "symbolic link skipped: " TOP "/var/up -> ../.."), 1);
        T_EQ_INT("folder: FIFO", count_diags(&d, DIAG_NOTE, "FIFO skipped: " TOP "/var/fifo"), 1);
        T_EQ_INT("folder: control character",
                 count_diags(&d, DIAG_NOTE, "unsafe member skipped: " TOP "/bad\\x01name"), 1);
        if (!T_EQ_INT("folder: two errors", count_diags(&d, DIAG_ERROR, NULL), 2))
            show_diags(&d);
        T_EQ_INT("folder: the missing part",
                 count_diags(&d, DIAG_ERROR, "missing FRAG part " TOP "/var/core/m.FRAG-00001"), 1);
        T_EQ_INT("folder: the set without part 00000",
                 count_diags(&d, DIAG_ERROR, "missing FRAG part " TOP "/var/core/n.FRAG-00000"), 1);
        seen_release(&s);
        diags_release(&d);
    }

    /* The bundle folder itself given: no top folder. */
    char *host = xasprintf("%s/" TOP, dir);
    struct seen s = {.chunk = 0};
    struct diags d = DIAGS_INIT;
    bundle_walk(host, collect, &s, &d);
    const struct seen_entry *vl = find(&s, "commands/vmware_-vl.txt");
    T_CHECK("bundle folder given: paths from it, top empty", vl && strcmp(vl->top, "") == 0);
    seen_release(&s);
    diags_release(&d);

    /* Archives on disk, and bundle_is_archive by content. */
    const struct member m[] = {
        {TOP "/commands/vmware_-vl.txt", 'f', vl_txt, strlen(vl_txt), false}};
    struct buf b = BUF_INIT;
    build(&b, 'g', m, 1);
    put(dir, "files/bundle.bin", b.p, b.len);
    build(&b, 'z', m, 1);
    put(dir, "files/bundle.zip.renamed", b.p, b.len);
    build(&b, 'u', m, 1);
    put(dir, "files/plain.tar", b.p, b.len);
    gzip_bytes(&b, "a log\n", 6);
    put(dir, "files/vmkernel.0.gz", b.p, b.len);
    put(dir, "files/notes.txt", "text\n", 5);
    struct {
        const char *rel;
        bool archive;
    } files[] = {{"files/bundle.bin", true}, {"files/bundle.zip.renamed", true},
                 {"files/plain.tar", true},  {"files/vmkernel.0.gz", false},
                 {"files/notes.txt", false}, {"files", false},
                 {"files/missing", false}};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *path = xasprintf("%s/%s", dir, files[i].rel);
        T_EQ_INT(t_fmt("bundle_is_archive %s", files[i].rel), bundle_is_archive(path),
                 files[i].archive);
        if (files[i].archive) {
            struct seen sa = {.chunk = 50};
            T_EQ_INT(t_fmt("%s walked", files[i].rel), bundle_walk(path, collect, &sa, &d), 0);
            T_CHECK(t_fmt("%s: the file, its bundle named by the path", files[i].rel),
                    sa.n == 1 && strcmp(sa.v[0].bundle, path) == 0 &&
                        strcmp(sa.v[0].path, "commands/vmware_-vl.txt") == 0 &&
                        same_bytes(&sa.v[0].data, vl_txt, strlen(vl_txt)));
            seen_release(&sa);
        }
        free(path);
    }
    T_EQ_INT("archives on disk: no diagnostics", d.n, 0);
    diags_release(&d);
    char *missing = xasprintf("%s/files/missing", dir);
    T_EQ_INT("missing path: -1", bundle_walk(missing, collect, &s, &d), -1);
    T_EQ_INT("missing path: one error", count_diags(&d, DIAG_ERROR, "cannot open"), 1);
    diags_release(&d);
    free(missing);
    buf_release(&b);
    free(host);
    free(zd);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
test_bundle(void)
{
    int before = t_failed;
    test_vm_support();
    test_frag_errors();
    test_hostile();
    test_vcenter_zip();
    test_truncated();
    test_odd();
    test_folder();
    return t_failed - before;
}
