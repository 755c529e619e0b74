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

#define BUF_INIT {NULL, 0, 0}

void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Returns the string (never NULL); the caller now owns it. The buffer is reset. */
char *buf_detach(struct buf *b);
/* Returns the contents as a C string (never NULL), still owned by the buffer. */
const char *buf_str(struct buf *b);

#endif
