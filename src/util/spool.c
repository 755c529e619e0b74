/* spool: the external merge sort behind spool.h.
 *
 * On file, a run is a sequence of records, each a size_t length then its
 * bytes; runs follow each other in the one temporary file. Merging reads
 * with pread (one record per cursor in memory) and, when there are more runs
 * than MERGE_FANIN, first merges the oldest ones into one new run at the end
 * of the file, so memory stays bounded however many runs there are. */
#include "util/spool.h"
#include "util/util_mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A run in memory: at most this many records (VT_SPOOL_RUN, a test hook,
 * lowers it to exercise the merges) or bytes. */
#define RUN_RECORDS 4096
#define RUN_BYTES (4u << 20)
/* Runs merged at once (one record each in memory). */
#define MERGE_FANIN 32

struct rec {
    char *p; /* owned */
    size_t len;
    size_t seq; /* order added: equal records keep it */
};

struct run {
    off_t off, end;
};

struct spool {
    spool_cmp_fn *cmp;
    FILE *f;   /* NULL until the first run is written */
    off_t pos; /* end of what was written */
    int err;   /* errno of the first file error; 0 when none */
    struct rec *mem;
    size_t nmem, mem_cap, mem_bytes;
    size_t seq, run_records;
    struct run *runs;
    size_t nruns, runs_cap;
};

/* qsort's comparator has no context argument: the spool being sorted. Only
 * the thread that writes the report sorts. */
static spool_cmp_fn *sorting_cmp;

static int
cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    int c = sorting_cmp(x->p, x->len, y->p, y->len);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

const char *
spool_tmpdir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir == NULL || *dir == '\0' ? "/tmp" : dir;
}

FILE *
spool_tmpfile(void)
{
    char *path = xasprintf("%s/vmtriage-XXXXXX", spool_tmpdir());
    int fd = mkstemp(path);
    FILE *f = NULL;
    if (fd >= 0) {
        unlink(path);
        if ((f = fdopen(fd, "w+")) == NULL) {
            int e = errno;
            close(fd);
            errno = e;
        }
    }
    free(path);
    return f;
}

struct spool *
spool_new(spool_cmp_fn *cmp)
{
    struct spool *s = xcalloc(1, sizeof(*s));
    s->cmp = cmp;
    s->run_records = RUN_RECORDS;
    const char *hook = getenv("VT_SPOOL_RUN");
    if (hook && atoi(hook) > 0 && atoi(hook) < RUN_RECORDS)
        s->run_records = (size_t)atoi(hook);
    return s;
}

size_t
spool_count(const struct spool *s)
{
    return s->seq;
}

static int
fail(struct spool *s, int e)
{
    if (s->err == 0)
        s->err = e ? e : EIO;
    errno = s->err;
    return -1;
}

static int
write_rec(struct spool *s, const char *p, size_t len)
{
    if (fwrite(&len, sizeof(len), 1, s->f) != 1 || (len && fwrite(p, 1, len, s->f) != len))
        return fail(s, errno);
    s->pos += (off_t)(sizeof(len) + len);
    return 0;
}

/* Sorts the records in memory and writes them as a new run. */
static int
flush_run(struct spool *s)
{
    if (s->nmem == 0)
        return 0;
    if (s->f == NULL && (s->f = spool_tmpfile()) == NULL)
        return fail(s, errno);
    sorting_cmp = s->cmp;
    qsort(s->mem, s->nmem, sizeof(*s->mem), cmp_rec);
    struct run r = {s->pos, 0};
    for (size_t i = 0; i < s->nmem; i++) {
        if (s->err == 0)
            write_rec(s, s->mem[i].p, s->mem[i].len);
        free(s->mem[i].p);
    }
    s->nmem = s->mem_bytes = 0;
    if (s->err)
        return fail(s, s->err);
    r.end = s->pos;
    XGROW(s->runs, s->runs_cap, s->nruns + 1);
    s->runs[s->nruns++] = r;
    return 0;
}

int
spool_add(struct spool *s, const void *rec, size_t len)
{
    if (s->err)
        return fail(s, s->err);
    XGROW(s->mem, s->mem_cap, s->nmem + 1);
    char *p = xmalloc(len ? len : 1);
    if (len)
        memcpy(p, rec, len);
    s->mem[s->nmem++] = (struct rec){p, len, s->seq++};
    s->mem_bytes += len;
    if (s->nmem >= s->run_records || s->mem_bytes >= RUN_BYTES)
        return flush_run(s);
    return 0;
}

/* A reader of one run: its next record. */
struct cursor {
    off_t off, end;
    char *p; /* owned */
    size_t len, cap;
    int live; /* p holds a record */
};

static int
pread_all(int fd, void *p, size_t n, off_t off)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = pread(fd, (char *)p + got, n - got, off + (off_t)got);
        if (r <= 0)
            return r == 0 ? (errno = EIO, -1) : -1;
        got += (size_t)r;
    }
    return 0;
}

static int
advance(struct spool *s, struct cursor *c)
{
    c->live = 0;
    if (c->off >= c->end)
        return 0;
    int fd = fileno(s->f);
    size_t len;
    if (pread_all(fd, &len, sizeof(len), c->off) != 0)
        return fail(s, errno);
    if (len + 1 > c->cap) {
        free(c->p);
        c->cap = len + 1;
        c->p = xmalloc(c->cap);
    }
    if (pread_all(fd, c->p, len, c->off + (off_t)sizeof(len)) != 0)
        return fail(s, errno);
    c->p[len] = '\0';
    c->len = len;
    c->off += (off_t)(sizeof(len) + len);
    c->live = 1;
    return 0;
}

/* Merges runs [0, n) in order into fn (the earliest run wins a tie). */
static int
merge(struct spool *s, size_t n, spool_each_fn *fn, void *arg)
{
    struct cursor *c = xcalloc(n, sizeof(*c));
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        c[i].off = s->runs[i].off;
        c[i].end = s->runs[i].end;
        rc = advance(s, &c[i]);
    }
    while (rc == 0) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (c[i].live &&
                (best == n || s->cmp(c[i].p, c[i].len, c[best].p, c[best].len) < 0))
                best = i;
        if (best == n)
            break;
        rc = fn(arg, c[best].p, c[best].len);
        if (rc == 0)
            rc = advance(s, &c[best]);
    }
    for (size_t i = 0; i < n; i++)
        free(c[i].p);
    free(c);
    return rc;
}

static int
to_file(void *arg, const char *rec, size_t len)
{
    return write_rec(arg, rec, len);
}

int
spool_each(struct spool *s, spool_each_fn *fn, void *arg)
{
    if (s->err)
        return fail(s, s->err);
    if (s->nruns == 0) { /* everything fits in memory: no file at all */
        sorting_cmp = s->cmp;
        if (s->nmem > 1) /* qsort(NULL, 0, ...) is undefined */
            qsort(s->mem, s->nmem, sizeof(*s->mem), cmp_rec);
        for (size_t i = 0; i < s->nmem; i++) {
            int rc = fn(arg, s->mem[i].p, s->mem[i].len);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (flush_run(s) != 0)
        return -1;
    while (s->nruns > MERGE_FANIN) { /* the oldest runs become one, first in order */
        struct run r = {s->pos, 0};
        if (fflush(s->f) != 0)
            return fail(s, errno);
        int rc = merge(s, MERGE_FANIN, to_file, s);
        if (rc != 0)
            return rc;
        r.end = s->pos;
        s->runs[0] = r;
        memmove(s->runs + 1, s->runs + MERGE_FANIN, (s->nruns - MERGE_FANIN) * sizeof(*s->runs));
        s->nruns -= MERGE_FANIN - 1;
    }
    if (fflush(s->f) != 0)
        return fail(s, errno);
    return merge(s, s->nruns, fn, arg);
}

void
spool_free(struct spool *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nmem; i++)
        free(s->mem[i].p);
    free(s->mem);
    free(s->runs);
    if (s->f)
        fclose(s->f);
    free(s);
}
