/* bundle_source: support bundles read in place. Archives go through
 * libarchive (tar and zip formats; gzip, bzip2, xz and zstd filters, only
 * those built into the library: none that would run an external program on
 * hostile input); a vCenter zip's host bundles are read from inside the zip
 * through read callbacks that pull the zip member's bytes; folders are
 * walked without following symbolic links. Nothing is extracted.
 *
 * One header of look-ahead joins FRAG parts: at the end of a part the next
 * header is read; when it is not the next part it is kept and walked next.
 * Memory: libarchive's state, a 1 MiB cap on the bytes kept while deciding
 * whether a zip member is a bundle, and per folder its sorted listing. */
#include "source/bundle_source.h"
#include "source/input.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define OPEN_BLOCK (64u * 1024) /* bytes archive_read_open_fd reads at a time */
#define SNIFF_HEAD 512          /* bytes of a zip member checked for an archive signature */
#define SNIFF_MAX (1u << 20)    /* bytes libarchive may take to find an inner first header */
#define MAX_DEPTH 64            /* folder nesting walked */
#define FRAG_SUFFIX ".FRAG-"
#define FRAG_SUFFIX_LEN 6
#define FRAG_DIGITS 5
#define EMPTY_BLOCKS_MAX 65536 /* empty data blocks in a row before a member is called stuck */

/* What a vm-support bundle holds at its root: a first component that is
 * none of these is the bundle's top folder. */
static const char *const bundle_roots[] = {
    "commands", "var",  "etc",     "vmfs",     "usr",         "proc",   "scratch",
    "tmp",      "json", "reports", "bootbank", "altbootbank", "locker", "dev",
    "bin",      "sbin", "lib",     "lib64",    "opt",         "store",  "vmupgrade",
};

static const unsigned char zeros[16384]; /* the holes of sparse members */

struct walker {
    bundle_entry_fn *fn;
    void *arg;
    struct diags *d;
    int stop;    /* the callback's non-zero value: everything stops */
    bool failed; /* an error ended the walk of an archive */
};

/* ---- member names ---- */

/* A member's name taken apart; strings owned (name_release). */
struct name {
    char *shown;        /* as stored, control characters escaped: for messages */
    char *full;         /* normalised ('.' and empty components dropped), top folder
                           kept, FRAG suffix cut: a FRAG set's key */
    char *top;          /* the top folder removed from `path`, or "" */
    const char *path;   /* into `full`, after the top folder */
    const char *unsafe; /* why it is never handed out, or NULL */
    bool in_layout;     /* path's first folder is one of bundle_roots */
    bool frag;          /* `NAME.FRAG-nnnnn` */
    unsigned part;      /* nnnnn */
};

/* Control characters as \xHH, everything else as is. Owned. */
static char *
escape_name(const char *s)
{
    struct buf b = BUF_INIT;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            buf_addf(&b, "\\x%02x", *p);
        else
            buf_addc(&b, (char)*p);
    }
    return buf_detach(&b);
}

static bool
is_bundle_root(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof(bundle_roots) / sizeof(bundle_roots[0]); i++)
        if (strlen(bundle_roots[i]) == n && memcmp(bundle_roots[i], s, n) == 0)
            return true;
    return false;
}

/* Takes `stored` apart (see struct name). */
static void
name_parse(const char *stored, struct name *nm)
{
    memset(nm, 0, sizeof(*nm));
    nm->shown = escape_name(stored);
    if (stored[0] == '/')
        nm->unsafe = "absolute path";
    for (const unsigned char *p = (const unsigned char *)stored; *p && !nm->unsafe; p++)
        if (*p < 0x20 || *p == 0x7f)
            nm->unsafe = "control character in the name";
    struct buf b = BUF_INIT;
    for (const char *p = stored; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (!nm->unsafe)
                nm->unsafe = "'..' component";
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (b.len > 0)
                buf_addc(&b, '/');
            buf_add(&b, p, n);
        }
        p += n;
        p += *p == '/';
    }
    if (b.len == 0 && !nm->unsafe)
        nm->unsafe = "empty name";
    nm->full = buf_detach(&b);
    char *slash = strchr(nm->full, '/');
    if (slash != NULL && !is_bundle_root(nm->full, (size_t)(slash - nm->full))) {
        nm->top = xstrndup(nm->full, (size_t)(slash - nm->full));
        nm->path = slash + 1;
    } else {
        nm->top = xstrdup("");
        nm->path = nm->full;
    }
    const char *in = strchr(nm->path, '/');
    nm->in_layout = in != NULL && is_bundle_root(nm->path, (size_t)(in - nm->path));
    /* NAME.FRAG-nnnnn, NAME not empty */
    const char *last = strrchr(nm->path, '/');
    last = last ? last + 1 : nm->path;
    size_t len = strlen(last), sl = FRAG_SUFFIX_LEN + FRAG_DIGITS;
    if (len > sl && memcmp(last + len - sl, FRAG_SUFFIX, FRAG_SUFFIX_LEN) == 0) {
        const char *dg = last + len - FRAG_DIGITS;
        unsigned part = 0;
        bool digits = true;
        for (int i = 0; i < FRAG_DIGITS; i++) {
            if (dg[i] < '0' || dg[i] > '9')
                digits = false;
            else
                part = part * 10 + (unsigned)(dg[i] - '0');
        }
        if (digits) {
            nm->frag = true;
            nm->part = part;
            *(char *)(last + len - sl) = '\0'; /* `last` points into nm->full */
        }
    }
}

static void
name_release(struct name *nm)
{
    free(nm->shown);
    free(nm->full);
    free(nm->top);
    memset(nm, 0, sizeof(*nm));
}

/* ---- libarchive ---- */

/* Compression filters, each only when libarchive has it built in (it would
 * otherwise run an external program on the bundle's bytes). */
static int (*const filter_adders[])(struct archive *) = {
    archive_read_support_filter_gzip,
    archive_read_support_filter_bzip2,
    archive_read_support_filter_xz,
    archive_read_support_filter_zstd,
};
static pthread_once_t filters_once = PTHREAD_ONCE_INIT;
static unsigned filters_built_in; /* bit i: filter_adders[i] returned ARCHIVE_OK */

static void
probe_filters(void)
{
    for (size_t i = 0; i < sizeof(filter_adders) / sizeof(filter_adders[0]); i++) {
        struct archive *a = archive_read_new();
        if (a == NULL)
            VT_BUG("archive_read_new: out of memory");
        if (filter_adders[i](a) == ARCHIVE_OK)
            filters_built_in |= 1u << i;
        archive_read_free(a);
    }
}

/* A reader for tar and zip (any of the filters), not opened yet. */
static struct archive *
new_reader(void)
{
    pthread_once(&filters_once, probe_filters);
    struct archive *a = archive_read_new();
    if (a == NULL)
        VT_BUG("archive_read_new: out of memory");
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    for (size_t i = 0; i < sizeof(filter_adders) / sizeof(filter_adders[0]); i++)
        if (filters_built_in & (1u << i))
            filter_adders[i](a);
    return a;
}

static const char *
archive_msg(struct archive *a)
{
    const char *s = archive_error_string(a);
    return s && *s ? s : "unknown error";
}

static bool
is_bundle_format(struct archive *a)
{
    int f = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
    return f == ARCHIVE_FORMAT_TAR || f == ARCHIVE_FORMAT_ZIP;
}

/* The first bytes of an archive or of a compressed stream: gzip, bzip2, xz,
 * zstd, tar ("ustar" at 257), zip. */
static bool
has_archive_signature(const unsigned char *p, size_t n)
{
    return (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) || (n >= 3 && memcmp(p, "BZh", 3) == 0) ||
           (n >= 6 && memcmp(p,
                             "\xfd"
                             "7zXZ\0",
                             6) == 0) ||
           (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0) ||
           (n >= 262 && memcmp(p + 257, "ustar", 5) == 0) ||
           (n >= 4 && memcmp(p, "PK\3\4", 4) == 0);
}

/* The bytes of the current member of `a`, block by block, holes of sparse
 * members given as zeros (archive_read_data_block underneath, so that an
 * error never swallows bytes already copied, as archive_read_data can). */
struct pull {
    struct archive *a;
    const unsigned char *p; /* the rest of the current block */
    size_t n;
    int64_t at;   /* member offset of p (> pos: a hole comes first) */
    uint64_t pos; /* bytes given so far */
    int64_t size; /* declared size, -1 when unknown */
    bool sparse;  /* the member has holes */
    bool eof;
    int err; /* a libarchive error met, repeated */
};

static void
pull_start(struct pull *p, struct archive *a, struct archive_entry *ae)
{
    *p = (struct pull){.a = a, .size = -1};
    if (archive_entry_size_is_set(ae) && archive_entry_size(ae) >= 0)
        p->size = archive_entry_size(ae);
    p->sparse = archive_entry_sparse_count(ae) > 0;
}

/* Gives up to `max` (> 0) bytes of the member in *out / *len. Returns 1, 0
 * at its end, or a negative libarchive status (the archive's error string
 * says what). *out stays valid until the next call. */
static int
pull_next(struct pull *p, const void **out, size_t *len, size_t max)
{
    unsigned empty = 0;
    for (;;) {
        if (p->err)
            return p->err;
        if (p->at > 0 && (uint64_t)p->at > p->pos) { /* a hole */
            uint64_t hole = (uint64_t)p->at - p->pos;
            size_t k = sizeof(zeros);
            if (k > max)
                k = max;
            if (k > hole)
                k = (size_t)hole;
            p->pos += k;
            *out = zeros;
            *len = k;
            return 1;
        }
        if (p->n > 0) {
            size_t k = p->n < max ? p->n : max;
            *out = p->p;
            *len = k;
            p->p += k;
            p->n -= k;
            p->at += (int64_t)k;
            p->pos += k;
            return 1;
        }
        if (p->eof)
            return 0;
        const void *blk;
        size_t sz;
        int64_t off;
        int rc = archive_read_data_block(p->a, &blk, &sz, &off);
        if (rc == ARCHIVE_EOF) {
            p->eof = true;
            /* A sparse member's last hole: the offset at EOF is its end.
             * Never past the declared size. */
            if (p->sparse && p->size >= 0 && off > 0 && (uint64_t)off > p->pos && off <= p->size)
                p->at = off;
            continue;
        }
        if (rc < ARCHIVE_OK) {
            p->err = rc;
            return rc;
        }
        if (off < 0 || (uint64_t)off < p->pos) {
            archive_set_error(p->a, EINVAL,
                              "data blocks out of order (block at byte %lld after byte %llu)",
                              (long long)off, (unsigned long long)p->pos);
            p->err = ARCHIVE_FAILED;
            return p->err;
        }
        if (sz == 0 && ++empty > EMPTY_BLOCKS_MAX) {
            archive_set_error(p->a, EINVAL, "member data makes no progress");
            p->err = ARCHIVE_FATAL;
            return p->err;
        }
        p->p = blk;
        p->n = sz;
        p->at = off;
    }
}

/* An archive being walked. */
struct arch {
    struct walker *w;
    struct archive *a;
    const char *label;           /* the bundle's name (borrowed) */
    bool nest;                   /* members that are archives are bundles (a vCenter zip) */
    struct archive_entry *ahead; /* a header read and not walked yet (owned by a) */
    bool at_end;                 /* the archive's end was met */
    bool dead;                   /* an error ended its walk */
    char *last;                  /* the last member met (shown), for errors between members */
    char *skip_key;              /* a broken FRAG set whose later parts are skipped quietly */
    unsigned skip_next;          /* the part of skip_key skipped quietly next */
};

/* Ends the walk of `ar` after an error of libarchive (`what` failed). */
static void
arch_fail(struct arch *ar, const char *what)
{
    ar->dead = true;
    ar->w->failed = true;
    diags_add(ar->w->d, DIAG_ERROR, ar->label, 0, "%s: %s", what, archive_msg(ar->a));
}

/* Reads the next header of the archive. Returns ARCHIVE_OK (ARCHIVE_WARN,
 * a header read with a remark, is OK), ARCHIVE_EOF, or -1 after an error
 * that ends the walk of this archive. */
static int
read_header(struct arch *ar, struct archive_entry **ae)
{
    if (ar->dead)
        return -1;
    if (ar->at_end)
        return ARCHIVE_EOF;
    int rc = archive_read_next_header(ar->a, ae);
    if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN)
        return ARCHIVE_OK;
    if (rc == ARCHIVE_EOF) {
        ar->at_end = true;
        return ARCHIVE_EOF;
    }
    /* ARCHIVE_RETRY and ARCHIVE_FAILED too: a damaged header is where the
     * archive stops being trustworthy. */
    char *what = ar->last ? xasprintf("cannot read the archive after member %s", ar->last)
                          : xstrdup("cannot read the archive");
    arch_fail(ar, what);
    free(what);
    return -1;
}

/* The look-ahead header if there is one, else the next. Same returns. */
static int
next_header(struct arch *ar, struct archive_entry **ae)
{
    if (ar->ahead != NULL) {
        *ae = ar->ahead;
        ar->ahead = NULL;
        return ARCHIVE_OK;
    }
    return read_header(ar, ae);
}

/* A member's name: libarchive's (locale) form, else its UTF-8 form. */
static const char *
entry_name(struct archive_entry *ae)
{
    const char *s = archive_entry_pathname(ae);
    if (s == NULL)
        s = archive_entry_pathname_utf8(ae);
    return s;
}

/* NULL for a regular file, "" for a folder (skipped quietly), else what the
 * member is, for the note that skips it. */
static const char *
entry_kind(struct archive_entry *ae)
{
    if (archive_entry_hardlink(ae) != NULL)
        return "hard link";
    switch (archive_entry_filetype(ae)) {
    case AE_IFREG:
        return NULL;
    case AE_IFDIR:
        return "";
    case AE_IFLNK:
        return "symbolic link";
    case AE_IFCHR:
        return "character device";
    case AE_IFBLK:
        return "block device";
    case AE_IFIFO:
        return "FIFO";
    case AE_IFSOCK:
        return "socket";
    default:
        return "member that is not a regular file";
    }
}

/* ---- the reader handed to callbacks ---- */

struct bundle_reader {
    struct walker *w;
    const char *label; /* the bundle, for errors */
    bool folder;
    bool frag;
    unsigned part; /* the FRAG part being read */
    char *key;     /* the FRAG set's normalised name (owned), for messages and matching */
    char *shown;   /* the part being read, as messages name it (owned) */
    uint64_t off;  /* bytes of the file handed out */
    uint64_t part_off;
    bool done;   /* its end was reached */
    bool failed; /* an error was reported; reads return -1 */
    /* archives */
    struct arch *ar;
    struct pull pull;
    const unsigned char *pre; /* bytes already pulled (a zip member looked at), given first */
    size_t pre_len, pre_pos;
    /* folders */
    int dirfd;       /* the folder holding the parts (borrowed) */
    const char *dir; /* its path relative to the bundle, "" or ending in '/' */
    char *base;      /* the file's name in the folder, without the FRAG suffix (owned) */
    int fd;          /* the open part, or -1 */
    unsigned nparts; /* parts 0 .. nparts-1 are there */
    long beyond;     /* the first part after a missing one, or -1 */
    bool gap_reported;
};

static void
reader_release(struct bundle_reader *r)
{
    if (r->folder && r->fd >= 0)
        close(r->fd);
    free(r->key);
    free(r->shown);
    free(r->base);
}

static void
read_error(struct bundle_reader *r, const char *msg)
{
    diags_add(r->w->d, DIAG_ERROR, r->label, 0, "cannot read member %s at byte %llu: %s", r->shown,
              (unsigned long long)r->part_off, msg);
}

/* Up to cap bytes of the current part of an archive member; 0 at its end. */
static ssize_t
archive_part_read(struct bundle_reader *r, void *buf, size_t cap)
{
    if (r->pre_pos < r->pre_len) {
        size_t k = r->pre_len - r->pre_pos < cap ? r->pre_len - r->pre_pos : cap;
        memcpy(buf, r->pre + r->pre_pos, k);
        r->pre_pos += k;
        return (ssize_t)k;
    }
    const void *p;
    size_t n;
    int rc = pull_next(&r->pull, &p, &n, cap);
    if (rc > 0) {
        memcpy(buf, p, n);
        return (ssize_t)n;
    }
    if (rc == 0)
        return 0;
    read_error(r, archive_msg(r->pull.a));
    if (rc == ARCHIVE_FATAL) {
        r->ar->dead = true;
        r->w->failed = true;
    }
    return -1;
}

/* At the end of a FRAG part: moves to the next part when the next member is
 * it (1), keeps that member as the look-ahead when it is not (0), or
 * reports a missing part (-1). */
static int
archive_next_part(struct bundle_reader *r)
{
    if (!r->frag)
        return 0;
    struct arch *ar = r->ar;
    struct archive_entry *ae;
    int rc = read_header(ar, &ae);
    if (rc == ARCHIVE_EOF)
        return 0;
    if (rc < 0)
        return -1;
    ar->ahead = ae;
    const char *stored = entry_name(ae);
    if (stored == NULL || entry_kind(ae) != NULL)
        return 0;
    struct name nm;
    name_parse(stored, &nm);
    int ret = 0;
    if (!nm.unsafe && nm.frag && strcmp(nm.full, r->key) == 0) {
        if (nm.part == r->part + 1) {
            ar->ahead = NULL;
            r->part++;
            r->part_off = 0;
            free(r->shown);
            r->shown = nm.shown;
            nm.shown = NULL;
            free(ar->last);
            ar->last = xstrdup(r->shown);
            pull_start(&r->pull, ar->a, ae);
            ret = 1;
        } else if (nm.part > r->part + 1) {
            diags_add(r->w->d, DIAG_ERROR, ar->label, 0,
                      "missing FRAG part %s" FRAG_SUFFIX "%05u (the member after part %05u is %s)",
                      r->key, r->part + 1, r->part, nm.shown);
            /* the parts after the gap are skipped without more errors */
            free(ar->skip_key);
            ar->skip_key = xstrdup(nm.full);
            ar->skip_next = nm.part;
            ret = -1;
        }
    }
    name_release(&nm);
    return ret;
}

/* After the callback: the parts it did not read are skipped (a missing one
 * is still reported). */
static void
archive_drain(struct bundle_reader *r)
{
    while (!r->failed && !r->done) {
        int next = archive_next_part(r);
        if (next < 0)
            r->failed = true;
        if (next <= 0)
            break;
    }
}

/* ---- folders: the reader ---- */

static char *
folder_part_name(const struct bundle_reader *r, unsigned part)
{
    return r->frag ? xasprintf("%s" FRAG_SUFFIX "%05u", r->base, part) : xstrdup(r->base);
}

static ssize_t
folder_part_read(struct bundle_reader *r, void *buf, size_t cap)
{
    if (r->fd < 0) {
        char *name = folder_part_name(r, r->part);
        r->fd = openat(r->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        free(name);
        struct stat st;
        if (r->fd < 0) {
            read_error(r, strerror(errno));
            return -1;
        }
        if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            read_error(r, "not a regular file any more");
            return -1;
        }
    }
    ssize_t got;
    do
        got = read(r->fd, buf, cap);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        read_error(r, strerror(errno));
    return got;
}

static void
folder_gap(struct bundle_reader *r)
{
    r->gap_reported = true;
    diags_add(r->w->d, DIAG_ERROR, r->label, 0,
              "missing FRAG part %s%s" FRAG_SUFFIX "%05u (part %05ld is there)", r->dir, r->base,
              r->nparts, r->beyond);
}

static int
folder_next_part(struct bundle_reader *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    if (!r->frag)
        return 0;
    if (r->part + 1 < r->nparts) {
        r->part++;
        r->part_off = 0;
        free(r->shown);
        r->shown = xasprintf("%s%s" FRAG_SUFFIX "%05u", r->dir, r->base, r->part);
        return 1;
    }
    if (r->beyond >= 0) {
        folder_gap(r);
        return -1;
    }
    return 0;
}

ssize_t
bundle_read(struct bundle_reader *r, void *buf, size_t cap)
{
    if (r->failed)
        return -1;
    if (r->done || cap == 0)
        return 0;
    if (cap > SSIZE_MAX)
        cap = SSIZE_MAX;
    for (;;) {
        ssize_t n = r->folder ? folder_part_read(r, buf, cap) : archive_part_read(r, buf, cap);
        if (n > 0) {
            r->off += (uint64_t)n;
            r->part_off += (uint64_t)n;
            return n;
        }
        if (n < 0) {
            r->failed = true;
            return -1;
        }
        int next = r->folder ? folder_next_part(r) : archive_next_part(r);
        if (next > 0)
            continue;
        if (next < 0) {
            r->failed = true;
            return -1;
        }
        r->done = true;
        return 0;
    }
}

/* ---- archives: the walk ---- */

static int walk_archive(struct arch *ar);

/* Hands the member `ae` (named `nm`) to the callback, reading it through
 * `p` (already started, after the `pre` bytes) or from its start. Returns 0,
 * the callback's value, or -1 when the archive's walk ended. */
static int
hand_out(struct arch *ar, struct archive_entry *ae, struct name *nm, const struct pull *p,
         const unsigned char *pre, size_t pre_len)
{
    struct bundle_reader r = {.w = ar->w,
                              .label = ar->label,
                              .frag = nm->frag,
                              .ar = ar,
                              .pre = pre,
                              .pre_len = pre_len,
                              .fd = -1,
                              .beyond = -1};
    if (p != NULL)
        r.pull = *p;
    else
        pull_start(&r.pull, ar->a, ae);
    r.key = xstrdup(nm->full);
    r.shown = xstrdup(nm->shown);
    char *display = xasprintf("%s:%s", ar->label, nm->shown);
    struct bundle_entry e = {
        .bundle = ar->label,
        .top = nm->top,
        .path = nm->path,
        .display = display,
        .size = r.pull.size > 0 ? (uint64_t)r.pull.size : 0,
        .written_ms = archive_entry_mtime_is_set(ae) ? (int64_t)archive_entry_mtime(ae) * 1000 : 0,
        .frag = nm->frag,
        .in_layout = nm->in_layout};
    int rc = ar->w->fn(ar->w->arg, &e, &r);
    if (rc != 0)
        ar->w->stop = rc;
    else
        archive_drain(&r);
    free(display);
    reader_release(&r);
    if (rc != 0)
        return rc;
    return ar->dead ? -1 : 0;
}

/* A FRAG part other than the first met as a member of its own: skipped,
 * with an error unless it follows a gap already reported. */
static void
stray_part(struct arch *ar, const struct name *nm)
{
    if (ar->skip_key && strcmp(ar->skip_key, nm->full) == 0 && nm->part == ar->skip_next) {
        ar->skip_next++;
        return;
    }
    diags_add(ar->w->d, DIAG_ERROR, ar->label, 0,
              "FRAG part out of order, skipped: %s (part %05u of the same file is not just "
              "before it)",
              nm->shown, nm->part - 1);
    free(ar->skip_key);
    ar->skip_key = xstrdup(nm->full);
    ar->skip_next = nm->part + 1;
}

/* The bytes an inner archive reads: the zip member's, through `pull`. Until
 * the inner archive's first header is read every byte is kept in `rec`
 * (at most SNIFF_MAX), so that a member that is no archive after all can
 * be handed out whole. */
struct inner_src {
    struct pull *pull;
    unsigned char *rec;
    size_t rec_len, rec_cap, rec_given;
    bool recording;
    int outer_err; /* the zip member could not be read (libarchive status) */
};

static la_ssize_t
inner_read(struct archive *ia, void *arg, const void **out)
{
    struct inner_src *s = arg;
    if (s->rec_given < s->rec_len) {
        *out = s->rec + s->rec_given;
        size_t n = s->rec_len - s->rec_given;
        s->rec_given = s->rec_len;
        return (la_ssize_t)n;
    }
    size_t max = OPEN_BLOCK;
    if (s->recording) {
        if (s->rec_len >= SNIFF_MAX)
            return 0; /* too far in without a header: not read as an archive */
        max = SNIFF_MAX - s->rec_len;
    }
    const void *p;
    size_t n;
    int rc = pull_next(s->pull, &p, &n, max);
    if (rc < 0) {
        s->outer_err = rc;
        archive_set_error(ia, EIO, "%s", archive_msg(s->pull->a));
        return -1;
    }
    if (rc == 0)
        return 0;
    if (s->recording) {
        XGROW(s->rec, s->rec_cap, s->rec_len + n);
        memcpy(s->rec + s->rec_len, p, n);
        s->rec_len += n;
        s->rec_given = s->rec_len;
    }
    *out = p;
    return (la_ssize_t)n;
}

/* What the first bytes of a zip member say. */
enum sniff {
    SNIFF_FILE,    /* no archive: a file of the zip */
    SNIFF_ARCHIVE, /* a tar, a gzip'd tar or a zip: a bundle, damaged if unreadable */
    SNIFF_MAYBE,   /* bzip2, xz or zstd: a bundle if libarchive finds a tar or zip in it */
    SNIFF_MORE,    /* gzip: more bytes are needed to see the tar header inside */
};

static enum sniff
sniff_head(const unsigned char *p, size_t n)
{
    if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
        return SNIFF_ARCHIVE;
    if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0)
        return SNIFF_ARCHIVE;
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        /* a rotated log is gzip too: only a tar header inside makes a bundle */
        unsigned char out[SNIFF_HEAD];
        z_stream z;
        memset(&z, 0, sizeof(z));
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
            return SNIFF_FILE;
        z.next_in = (unsigned char *)p;
        z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
        z.next_out = out;
        z.avail_out = sizeof(out);
        int rc = inflate(&z, Z_NO_FLUSH);
        size_t got = sizeof(out) - z.avail_out;
        inflateEnd(&z);
        if (got >= 262)
            return memcmp(out + 257, "ustar", 5) == 0 ? SNIFF_ARCHIVE : SNIFF_FILE;
        return rc == Z_OK || rc == Z_BUF_ERROR ? SNIFF_MORE : SNIFF_FILE;
    }
    return has_archive_signature(p, n) ? SNIFF_MAYBE : SNIFF_FILE;
}

/* Adds up to `max` more bytes of the member to s->rec. Returns 1, 0 at the
 * member's end, or a negative libarchive status. */
static int
sniff_more(struct inner_src *s, size_t max)
{
    const void *blk;
    size_t n;
    int rc = pull_next(s->pull, &blk, &n, max);
    if (rc <= 0)
        return rc;
    XGROW(s->rec, s->rec_cap, s->rec_len + n);
    memcpy(s->rec + s->rec_len, blk, n);
    s->rec_len += n;
    return 1;
}

/* Walks the bundle inside the zip member `nm`, read through `s`: its label
 * is "<zip>/<member>". Returns the walk's value; an error in it ends that
 * bundle only. */
static int
walk_inner(struct arch *ar, struct name *nm, struct inner_src *s, enum sniff kind, bool *is_file)
{
    struct archive *ia = new_reader();
    struct archive_entry *first = NULL;
    char *label = xasprintf("%s/%s", ar->label, nm->shown);
    int ret = 0;
    int rc = archive_read_open(ia, s, NULL, inner_read, NULL);
    if (rc == ARCHIVE_OK)
        rc = archive_read_next_header(ia, &first);
    if ((rc == ARCHIVE_OK || rc == ARCHIVE_WARN) && is_bundle_format(ia)) {
        s->recording = false;
        struct arch in = {.w = ar->w, .a = ia, .label = label, .ahead = first};
        ret = walk_archive(&in);
        free(in.last);
        free(in.skip_key);
    } else if (rc == ARCHIVE_EOF && is_bundle_format(ia)) {
        ret = 0; /* an empty archive */
    } else if (kind == SNIFF_MAYBE && s->outer_err == 0) {
        *is_file = true; /* every byte taken is in s->rec, replayed */
    } else {
        diags_add(ar->w->d, DIAG_ERROR, label, 0, "cannot read the archive: %s", archive_msg(ia));
        ar->w->failed = true;
    }
    archive_read_free(ia);
    free(label);
    return ret;
}

/* A member of a vCenter zip: a bundle of its own when it is an archive
 * (read in place, one level: its own archive members are files), else a
 * file of the zip. */
static int
zip_member(struct arch *ar, struct archive_entry *ae, struct name *nm)
{
    struct pull p;
    pull_start(&p, ar->a, ae);
    struct inner_src s = {.pull = &p, .recording = true};
    enum sniff kind = SNIFF_MORE;
    int rc = 1;
    while (rc > 0 && s.rec_len < SNIFF_HEAD)
        rc = sniff_more(&s, SNIFF_HEAD - s.rec_len);
    while (rc >= 0 && (kind = sniff_head(s.rec, s.rec_len)) == SNIFF_MORE) {
        if (rc == 0 || s.rec_len >= SNIFF_MAX) {
            kind = SNIFF_FILE; /* a gzip stream too short to hold a tar header */
            break;
        }
        rc =
            sniff_more(&s, SNIFF_MAX - s.rec_len < OPEN_BLOCK ? SNIFF_MAX - s.rec_len : OPEN_BLOCK);
    }
    if (rc < 0) {
        diags_add(ar->w->d, DIAG_ERROR, ar->label, 0, "cannot read member %s at byte %zu: %s",
                  nm->shown, s.rec_len, archive_msg(ar->a));
        ar->w->failed = true;
        free(s.rec);
        if (rc == ARCHIVE_FATAL)
            ar->dead = true;
        return ar->dead ? -1 : 0;
    }
    bool is_file = kind == SNIFF_FILE;
    int ret = 0;
    if (!is_file)
        ret = walk_inner(ar, nm, &s, kind, &is_file);
    if (is_file)
        ret = hand_out(ar, ae, nm, &p, s.rec, s.rec_len);
    free(s.rec);
    if (ar->w->stop)
        return ar->w->stop;
    if (s.outer_err == ARCHIVE_FATAL)
        ar->dead = true;
    if (ar->dead)
        return -1;
    return ret > 0 ? ret : 0; /* an inner bundle that ended early ended alone */
}

/* One member of the archive. Returns 0, the callback's value, or -1 when
 * the archive's walk ended. */
static int
walk_member(struct arch *ar, struct archive_entry *ae)
{
    const char *stored = entry_name(ae);
    if (stored == NULL) {
        diags_add(ar->w->d, DIAG_NOTE, ar->label, 0,
                  "member skipped: its name cannot be read (after member %s)",
                  ar->last ? ar->last : "none");
        return 0;
    }
    struct name nm;
    name_parse(stored, &nm);
    free(ar->last);
    ar->last = xstrdup(nm.shown);
    int ret = 0;
    const char *kind = entry_kind(ae);
    if (kind != NULL) {
        if (*kind) {
            const char *to = archive_entry_hardlink(ae);
            if (to == NULL)
                to = archive_entry_symlink(ae);
            char *target = to ? escape_name(to) : NULL;
            diags_add(ar->w->d, DIAG_NOTE, ar->label, 0, "%s skipped: %s%s%s", kind, nm.shown,
                      target ? " -> " : "", target ? target : "");
            free(target);
        }
    } else if (nm.unsafe) {
        diags_add(ar->w->d, DIAG_NOTE, ar->label, 0, "unsafe member skipped: %s (%s)", nm.shown,
                  nm.unsafe);
    } else if (nm.frag && nm.part > 0) {
        stray_part(ar, &nm);
    } else if (ar->nest && !nm.frag) {
        ret = zip_member(ar, ae, &nm);
    } else {
        ret = hand_out(ar, ae, &nm, NULL, NULL, 0);
    }
    name_release(&nm);
    return ret;
}

/* Walks the members of `ar` whose first header may be in ar->ahead.
 * Returns 0, the callback's value, or -1 when an error ended it. */
static int
walk_archive(struct arch *ar)
{
    for (;;) {
        struct archive_entry *ae;
        int rc = next_header(ar, &ae);
        if (rc == ARCHIVE_EOF)
            return 0;
        if (rc < 0)
            return -1;
        rc = walk_member(ar, ae);
        if (rc != 0)
            return rc;
    }
}

/* Walks the opened archive `a` (freed here) named `label`. */
static int
walk_opened(struct walker *w, struct archive *a, const char *label, int open_rc)
{
    struct archive_entry *first = NULL;
    int rc = open_rc;
    if (rc == ARCHIVE_OK)
        rc = archive_read_next_header(a, &first);
    int ret;
    if (rc == ARCHIVE_EOF) {
        ret = 0;
    } else if ((rc != ARCHIVE_OK && rc != ARCHIVE_WARN) || !is_bundle_format(a)) {
        diags_add(w->d, DIAG_ERROR, label, 0,
                  "cannot read as a support bundle (tar, tgz or zip): %s", archive_msg(a));
        ret = -1;
    } else {
        struct arch ar = {.w = w,
                          .a = a,
                          .label = label,
                          .ahead = first,
                          .nest =
                              (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP};
        ret = walk_archive(&ar);
        free(ar.last);
        free(ar.skip_key);
    }
    archive_read_free(a);
    if (w->stop)
        return w->stop;
    return ret < 0 || w->failed ? -1 : 0;
}

/* ---- folders: the walk ---- */

struct fentry {
    char *name;         /* owned */
    unsigned char type; /* DT_* */
    bool skip;          /* a later FRAG part: read through part 00000 */
    unsigned nparts;    /* part 00000: parts 0 .. nparts-1 are there */
    long beyond;        /* part 00000: the first part after a missing one, or -1 */
    unsigned part;      /* a FRAG part's number */
    size_t base_len;    /* a FRAG part's name without the suffix; 0 when not a part */
};

struct fwalk {
    struct walker *w;
    const char *root; /* the folder given: the bundle's name */
};

static int
cmp_fentry_name(const void *a, const void *b)
{
    return strcmp(((const struct fentry *)a)->name, ((const struct fentry *)b)->name);
}

/* FRAG parts by base name, then part number (pointers into the listing). */
static int
cmp_frag(const void *a, const void *b)
{
    const struct fentry *x = *(struct fentry *const *)a, *y = *(struct fentry *const *)b;
    size_t n = x->base_len < y->base_len ? x->base_len : y->base_len;
    int c = memcmp(x->name, y->name, n);
    if (c != 0)
        return c;
    if (x->base_len != y->base_len)
        return x->base_len < y->base_len ? -1 : 1;
    return x->part < y->part ? -1 : x->part > y->part;
}

static bool
same_base(const struct fentry *x, const struct fentry *y)
{
    return x->base_len == y->base_len && memcmp(x->name, y->name, x->base_len) == 0;
}

/* The FRAG sets of one folder: part 00000 learns how many parts follow it
 * without a gap; later parts are skipped (read through part 00000); a set
 * without part 00000 is an error. */
static void
plan_frags(struct fwalk *fw, struct fentry *v, size_t n, const char *rel)
{
    struct fentry **f = NULL;
    size_t nf = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        v[i].beyond = -1;
        if (v[i].type != DT_REG)
            continue;
        size_t len = strlen(v[i].name), sl = FRAG_SUFFIX_LEN + FRAG_DIGITS;
        if (len <= sl || memcmp(v[i].name + len - sl, FRAG_SUFFIX, FRAG_SUFFIX_LEN) != 0)
            continue;
        unsigned part = 0;
        bool digits = true;
        for (size_t k = len - FRAG_DIGITS; k < len; k++) {
            if (v[i].name[k] < '0' || v[i].name[k] > '9')
                digits = false;
            else
                part = part * 10 + (unsigned)(v[i].name[k] - '0');
        }
        if (!digits)
            continue;
        v[i].part = part;
        v[i].base_len = len - sl;
        XGROW(f, cap, nf + 1);
        f[nf++] = &v[i];
    }
    if (nf > 1)
        qsort(f, nf, sizeof(*f), cmp_frag);
    for (size_t i = 0; i < nf;) {
        size_t j = i;
        while (j < nf && same_base(f[i], f[j]))
            j++;
        for (size_t k = i; k < j; k++)
            f[k]->skip = true;
        if (f[i]->part != 0) {
            diags_add(fw->w->d, DIAG_ERROR, fw->root, 0,
                      "missing FRAG part %s%.*s" FRAG_SUFFIX "00000 (part %05u is there)", rel,
                      (int)f[i]->base_len, f[i]->name, f[i]->part);
        } else {
            unsigned run = 1;
            while (i + run < j && f[i + run]->part == run)
                run++;
            f[i]->skip = false;
            f[i]->nparts = run;
            f[i]->beyond = i + run < j ? (long)f[i + run]->part : -1;
        }
        i = j;
    }
    free(f);
}

/* Lists the folder `fd`, sorted by name (DT_UNKNOWN resolved by lstat). */
static struct fentry *
list_folder(DIR *dp, size_t *n)
{
    struct fentry *v = NULL;
    size_t cap = 0;
    *n = 0;
    for (struct dirent *de; (de = readdir(dp)) != NULL;) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct fentry e = {.type = de->d_type};
        struct stat st;
        if (e.type == DT_UNKNOWN && fstatat(dirfd(dp), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            e.type = IFTODT(st.st_mode);
        e.name = xstrdup(de->d_name);
        XGROW(v, cap, *n + 1);
        v[(*n)++] = e;
    }
    if (*n > 1)
        qsort(v, *n, sizeof(*v), cmp_fentry_name);
    return v;
}

static int walk_folder_fd(struct fwalk *fw, int fd, const char *rel, int depth);

/* Hands the regular file `e` of the folder `fd` (at `rel` in the bundle) to
 * the callback. */
static int
folder_file(struct fwalk *fw, int fd, const char *rel, const struct fentry *e)
{
    struct stat st;
    if (fstatat(fd, e->name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return 0; /* gone or changed since listed */
    char *relname = xasprintf("%s%s", rel, e->name);
    struct name nm;
    name_parse(relname, &nm);
    struct bundle_reader r = {.w = fw->w,
                              .label = fw->root,
                              .folder = true,
                              .frag = nm.frag,
                              .dirfd = fd,
                              .dir = rel,
                              .fd = -1,
                              .nparts = e->nparts,
                              .beyond = e->beyond};
    r.base = nm.frag ? xstrndup(e->name, e->base_len) : xstrdup(e->name);
    r.key = xstrdup(nm.full);
    r.shown = xstrdup(nm.shown);
    size_t rl = strlen(fw->root);
    char *display =
        xasprintf("%s%s%s", fw->root, rl && fw->root[rl - 1] == '/' ? "" : "/", nm.shown);
    struct bundle_entry be = {.bundle = fw->root,
                              .top = nm.top,
                              .path = nm.path,
                              .display = display,
                              .size = (uint64_t)st.st_size,
                              .written_ms = (int64_t)st.st_mtim.tv_sec * 1000,
                              .frag = nm.frag,
                              .in_layout = nm.in_layout};
    int rc = fw->w->fn(fw->w->arg, &be, &r);
    if (rc != 0)
        fw->w->stop = rc;
    else if (r.frag && r.beyond >= 0 && !r.gap_reported && !r.failed)
        folder_gap(&r); /* the callback did not read as far as the gap */
    free(display);
    reader_release(&r);
    name_release(&nm);
    free(relname);
    return rc;
}

static void
folder_note(struct fwalk *fw, int fd, const char *rel, const struct fentry *e, const char *what)
{
    char *shown = escape_name(e->name);
    char *target = NULL;
    if (e->type == DT_LNK) {
        char to[4096];
        ssize_t n = readlinkat(fd, e->name, to, sizeof(to) - 1);
        if (n >= 0) {
            to[n] = '\0';
            target = escape_name(to);
        }
    }
    diags_add(fw->w->d, DIAG_NOTE, fw->root, 0, "%s skipped: %s%s%s%s", what, rel, shown,
              target ? " -> " : "", target ? target : "");
    free(target);
    free(shown);
}

/* One entry of the folder `fd`. */
static int
folder_entry(struct fwalk *fw, int fd, const char *rel, const struct fentry *e, int depth)
{
    for (const unsigned char *p = (const unsigned char *)e->name; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            char *shown = escape_name(e->name);
            diags_add(fw->w->d, DIAG_NOTE, fw->root, 0,
                      "unsafe member skipped: %s%s (control character in the name)", rel, shown);
            free(shown);
            return 0;
        }
    switch (e->type) {
    case DT_REG:
        return e->skip ? 0 : folder_file(fw, fd, rel, e);
    case DT_DIR: {
        char *sub = xasprintf("%s%s/", rel, e->name);
        int rc = 0;
        if (depth >= MAX_DEPTH) {
            diags_add(fw->w->d, DIAG_NOTE, fw->root, 0,
                      "folder nesting deeper than %d, not walked: %s", MAX_DEPTH, sub);
        } else {
            int sfd = openat(fd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sfd < 0)
                diags_add(fw->w->d, DIAG_ERROR, fw->root, 0, "cannot open folder %s: %s", sub,
                          strerror(errno));
            else
                rc = walk_folder_fd(fw, sfd, sub, depth + 1);
        }
        free(sub);
        return rc;
    }
    case DT_LNK:
        folder_note(fw, fd, rel, e, "symbolic link");
        return 0;
    case DT_CHR:
        folder_note(fw, fd, rel, e, "character device");
        return 0;
    case DT_BLK:
        folder_note(fw, fd, rel, e, "block device");
        return 0;
    case DT_FIFO:
        folder_note(fw, fd, rel, e, "FIFO");
        return 0;
    case DT_SOCK:
        folder_note(fw, fd, rel, e, "socket");
        return 0;
    default:
        folder_note(fw, fd, rel, e, "member that is not a regular file");
        return 0;
    }
}

/* Walks the open folder `fd` (closed here) at `rel` ("" or ending in '/'). */
static int
walk_folder_fd(struct fwalk *fw, int fd, const char *rel, int depth)
{
    DIR *dp = fdopendir(fd);
    if (dp == NULL) {
        diags_add(fw->w->d, DIAG_ERROR, fw->root, 0, "cannot open folder %s: %s", *rel ? rel : ".",
                  strerror(errno));
        close(fd);
        return 0;
    }
    size_t n;
    struct fentry *v = list_folder(dp, &n);
    plan_frags(fw, v, n, rel);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = folder_entry(fw, dirfd(dp), rel, &v[i], depth);
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    closedir(dp);
    return rc;
}

/* ---- entry points ---- */

int
bundle_walk(const char *path, bundle_entry_fn *fn, void *arg, struct diags *d)
{
    struct walker w = {.fn = fn, .arg = arg, .d = d};
    struct stat st;
    int fd = input_open(path, INPUT_FOLDER, &st, d);
    if (fd < 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        struct fwalk fw = {&w, path};
        int rc = walk_folder_fd(&fw, fd, "", 0); /* closes fd */
        return rc != 0 ? rc : w.failed ? -1 : 0;
    }
    struct archive *a = new_reader();
    int rc = archive_read_open_fd(a, fd, OPEN_BLOCK);
    rc = walk_opened(&w, a, path, rc);
    close(fd); /* libarchive leaves it open */
    return rc;
}

int
bundle_walk_memory(const void *data, size_t len, const char *name, bundle_entry_fn *fn, void *arg,
                   struct diags *d)
{
    struct walker w = {.fn = fn, .arg = arg, .d = d};
    struct archive *a = new_reader();
    int rc = archive_read_open_memory(a, data, len);
    return walk_opened(&w, a, name, rc);
}

bool
bundle_is_archive(const char *path)
{
    struct diags quiet = DIAGS_INIT; /* "no" is the answer for what cannot be opened */
    struct stat st;
    int fd = input_open(path, 0, &st, &quiet);
    diags_release(&quiet);
    if (fd < 0)
        return false;
    unsigned char *head = NULL;
    size_t n = 0, cap = 0;
    enum sniff kind = SNIFF_FILE;
    {
        size_t want = SNIFF_HEAD;
        for (;;) {
            XGROW(head, cap, want);
            ssize_t got = read(fd, head + n, want - n);
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0)
                n += (size_t)got;
            if (got > 0 && n < want)
                continue;
            kind = sniff_head(head, n);
            if (kind != SNIFF_MORE || got <= 0 || want >= SNIFF_MAX)
                break;
            want = want * 4 < SNIFF_MAX ? want * 4 : SNIFF_MAX;
        }
    }
    free(head);
    if (kind != SNIFF_MAYBE) {
        close(fd);
        return kind == SNIFF_ARCHIVE;
    }
    /* bzip2, xz, zstd: a bundle when libarchive finds a tar or zip inside */
    struct archive *a = new_reader();
    struct archive_entry *ae;
    bool yes = lseek(fd, 0, SEEK_SET) == 0 &&
               archive_read_open_fd(a, fd, OPEN_BLOCK) == ARCHIVE_OK &&
               archive_read_next_header(a, &ae) >= ARCHIVE_WARN && is_bundle_format(a);
    archive_read_free(a);
    close(fd);
    return yes;
}
