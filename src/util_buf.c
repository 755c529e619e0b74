/* util_buf: growable NUL-terminated byte strings used by parsers and reporters. */
#include "util_buf.h"
#include "util_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
buf_reserve(struct buf *b, size_t extra)
{
    if (extra > (size_t)-1 - b->len - 1)
        VT_BUG("buffer overflow");
    XGROW(b->p, b->cap, b->len + extra + 1);
}

void
buf_add(struct buf *b, const void *data, size_t len)
{
    buf_reserve(b, len);
    if (len)
        memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
    if (b->len + 2 > b->cap)
        buf_reserve(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        VT_BUG("bad format '%s'", fmt);
    buf_reserve(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void
buf_release(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *
buf_detach(struct buf *b)
{
    char *s = b->p ? b->p : xstrdup("");
    b->p = NULL;
    b->len = b->cap = 0;
    return s;
}

const char *
buf_str(struct buf *b)
{
    return b->p ? b->p : "";
}
