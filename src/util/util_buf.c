/* util_buf: growable NUL-terminated byte strings used by parsers and reporters. */
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A first allocation smaller than this would only be grown again. */
#define BUF_MIN_CAP 64

void
buf_grow(struct buf *b, size_t extra)
{
    if (extra > (size_t)-1 - b->len - 1)
        VT_BUG("buffer overflow");
    size_t want = b->len + extra + 1;
    XGROW(b->p, b->cap, want < BUF_MIN_CAP ? BUF_MIN_CAP : want);
}

void
buf_add(struct buf *b, const void *data, size_t len)
{
    if (len >= b->cap - b->len) /* cap > len but for an empty buffer (0, 0) */
        buf_grow(b, len);
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
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        VT_BUG("bad format '%s'", fmt);
    buf_grow(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

size_t
fmt_decimal(char *out, long long v)
{
    char rev[DECIMAL_MAX];
    size_t n = 0, len = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        rev[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        out[len++] = '-';
    while (n)
        out[len++] = rev[--n];
    return len;
}

void
buf_add_int(struct buf *b, long long v)
{
    char num[DECIMAL_MAX];
    buf_add(b, num, fmt_decimal(num, v));
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
    char *s = b->p;
    if (s == NULL)
        s = xstrdup("");
    else if (b->len + 1 < b->cap) /* detached strings are usually kept: give the slack back */
        s = xreallocarray(s, b->len + 1, 1);
    b->p = NULL;
    b->len = b->cap = 0;
    return s;
}

const char *
buf_str(struct buf *b)
{
    return b->p ? b->p : "";
}
