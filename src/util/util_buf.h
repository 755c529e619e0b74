/* util_buf: a growable byte string, always NUL-terminated (git strbuf).
 *
 * Use the functions; `p` is valid until the next call that grows the buffer.
 * BUF_INIT is a valid empty buffer; buf_release frees and re-initialises. */
#ifndef VT_UTIL_BUF_H
#define VT_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *p;
    size_t len;
    size_t cap;
};

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Makes room for `extra` more bytes, so that appending them does not
 * reallocate. */
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);

/* Inline: JSON and text output append a byte at a time. */
static inline void
buf_addc(struct buf *b, char c)
{
    if (b->cap - b->len < 2) /* room for c and the NUL; also true for BUF_INIT */
        buf_grow(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Appends v in decimal (what "%lld" gives, without printf's cost). */
void buf_add_int(struct buf *b, long long v);
/* Writes v in decimal to out, which has room for DECIMAL_MAX bytes; no NUL.
 * Returns the length. */
#define DECIMAL_MAX 20
size_t fmt_decimal(char *out, long long v);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Returns the string (never NULL); the caller now owns it. The buffer is reset. */
char *buf_detach(struct buf *b);
/* Returns the contents as a C string (never NULL), still owned by the buffer. */
const char *buf_str(struct buf *b);

#endif
