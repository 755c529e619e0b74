/* log_source: a file's bytes (read(2), or a reader such as a bundle
 * member's) in the caller's blocks, through zlib's inflate when the bytes
 * start with the gzip magic. */
#include "source/log_source.h"
#include "source/input.h"
#include "util/util_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define GZ_IN (256u * 1024) /* compressed bytes read at a time */

struct log_source {
    const char *path;   /* borrowed */
    int64_t written_ms; /* the file's modification time, or 0 */
    struct log_fd file; /* a file opened here (fd -1 for a reader, 0 for stdin) */
    log_raw_fn *raw;    /* where the bytes come from */
    void *raw_ctx;
    bool gzip;
    bool eof;          /* the file has no more bytes */
    bool stream_open;  /* inside a gzip member (between header and trailer) */
    unsigned char *in; /* gzip: compressed bytes, [in_pos, in_len) not yet inflated */
    size_t in_pos, in_len;
    uint64_t in_off; /* compressed bytes consumed before `in` */
    z_stream z;
    /* plain: bytes read to sniff the magic, handed out first */
    unsigned char head[2];
    size_t head_len, head_pos;
};

ssize_t
log_fd_read(void *ctx, void *buf, size_t n, struct diags *d)
{
    struct log_fd *f = ctx;
    ssize_t got;
    do
        got = read(f->fd, buf, n);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        diags_add(d, DIAG_ERROR, f->path, 0, "read error at byte %llu: %s",
                  (unsigned long long)f->off, strerror(errno));
    else
        f->off += (uint64_t)got;
    return got;
}

static ssize_t
read_some(struct log_source *s, void *buf, size_t n, struct diags *d)
{
    return s->raw(s->raw_ctx, buf, n, d);
}

/* Sniffs the gzip magic; frees s and returns NULL on a read error. */
static struct log_source *
start(struct log_source *s, struct diags *d)
{
    /* The magic: up to two bytes (a pipe may give one at a time). */
    while (s->head_len < 2) {
        ssize_t got = read_some(s, s->head + s->head_len, 2 - s->head_len, d);
        if (got < 0) {
            log_source_close(s);
            return NULL;
        }
        if (got == 0) {
            s->eof = true;
            break;
        }
        s->head_len += (size_t)got;
    }
    if (s->head_len == 2 && s->head[0] == 0x1f && s->head[1] == 0x8b) {
        s->gzip = true;
        s->in = xmalloc(GZ_IN);
        memcpy(s->in, s->head, 2);
        s->in_len = 2;
        s->head_len = 0;
    }
    return s;
}

struct log_source *
log_source_open(const char *path, struct diags *d)
{
    struct stat st;
    int fd = input_open(path, INPUT_STDIN, &st, d);
    if (fd < 0)
        return NULL;
    struct log_source *s = xcalloc(1, sizeof(*s));
    s->path = path;
    if (fd != 0 && S_ISREG(st.st_mode)) /* standard input has no date of its own */
        s->written_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    s->file = (struct log_fd){fd, path, 0};
    s->raw = log_fd_read;
    s->raw_ctx = &s->file;
    return start(s, d);
}

struct log_source *
log_source_open_reader(const char *name, log_raw_fn *fn, void *ctx, struct diags *d)
{
    struct log_source *s = xcalloc(1, sizeof(*s));
    s->path = name;
    s->file.fd = -1;
    s->raw = fn;
    s->raw_ctx = ctx;
    return start(s, d);
}

int64_t
log_source_written(const struct log_source *s)
{
    return s->written_ms;
}

void
log_source_set_written(struct log_source *s, int64_t ms)
{
    s->written_ms = ms;
}

bool
log_source_is_gzip(const struct log_source *s)
{
    return s->gzip;
}

static ssize_t
read_plain(struct log_source *s, char *buf, size_t cap, struct diags *d)
{
    size_t n = 0;
    while (s->head_pos < s->head_len && n < cap)
        buf[n++] = (char)s->head[s->head_pos++];
    if (n > 0 || s->eof)
        return (ssize_t)n;
    ssize_t got = read_some(s, buf, cap, d);
    if (got < 0)
        return -1;
    if (got == 0)
        s->eof = true;
    return got;
}

/* Refills the compressed buffer when it is empty. Returns -1 on a read
 * error, else 0 (s->eof tells whether anything is left). */
static int
fill_in(struct log_source *s, struct diags *d)
{
    if (s->in_pos < s->in_len || s->eof)
        return 0;
    s->in_off += s->in_len;
    s->in_pos = s->in_len = 0;
    ssize_t got = read_some(s, s->in, GZ_IN, d);
    if (got < 0)
        return -1;
    if (got == 0)
        s->eof = true;
    s->in_len = (size_t)got;
    return 0;
}

static ssize_t
read_gzip(struct log_source *s, char *buf, size_t cap, struct diags *d)
{
    size_t n = 0;
    while (n < cap) {
        if (fill_in(s, d) < 0)
            return -1;
        if (s->in_pos == s->in_len) { /* end of file */
            if (s->stream_open) {
                diags_add(d, DIAG_ERROR, s->path, 0,
                          "truncated gzip stream: the file ends at byte %llu inside a member",
                          (unsigned long long)s->in_off);
                return -1;
            }
            break;
        }
        if (!s->stream_open) {
            /* Between members: only another gzip header may follow. Trailing
             * zero padding (tape-style) is read as the end. */
            if (s->in[s->in_pos] == 0)
                break;
            if (s->z.state == NULL) {
                if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
                    VT_BUG("inflateInit2 failed");
            } else if (inflateReset(&s->z) != Z_OK) {
                VT_BUG("inflateReset failed");
            }
            s->stream_open = true;
        }
        s->z.next_in = s->in + s->in_pos;
        s->z.avail_in = (uInt)(s->in_len - s->in_pos);
        s->z.next_out = (unsigned char *)buf + n;
        size_t room = cap - n;
        s->z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
        uInt out_before = s->z.avail_out;
        int rc = inflate(&s->z, Z_NO_FLUSH);
        uint64_t at = s->in_off + (uint64_t)(s->z.next_in - s->in);
        s->in_pos = (size_t)(s->z.next_in - s->in);
        n += out_before - s->z.avail_out;
        if (rc == Z_STREAM_END) {
            s->stream_open = false;
        } else if (rc == Z_BUF_ERROR) {
            if (s->z.avail_out == 0)
                break; /* the caller's buffer is full */
            if (s->in_pos < s->in_len) {
                diags_add(d, DIAG_ERROR, s->path, 0, "corrupt gzip data near byte %llu",
                          (unsigned long long)at);
                return -1;
            }
            /* needs more input: the loop refills, or reports truncation */
        } else if (rc != Z_OK) {
            diags_add(d, DIAG_ERROR, s->path, 0, "corrupt gzip data near byte %llu: %s",
                      (unsigned long long)at, s->z.msg ? s->z.msg : "inflate failed");
            return -1;
        }
    }
    return (ssize_t)n;
}

ssize_t
log_source_read(struct log_source *s, char *buf, size_t cap, struct diags *d)
{
    return s->gzip ? read_gzip(s, buf, cap, d) : read_plain(s, buf, cap, d);
}

void
log_source_close(struct log_source *s)
{
    if (s == NULL)
        return;
    if (s->file.fd > 0)
        close(s->file.fd);
    if (s->z.state != NULL)
        inflateEnd(&s->z);
    free(s->in);
    free(s);
}
