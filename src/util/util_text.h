/* util_text: the byte classes every pure text parser needs (vmx, log lines,
 * SCSI status), inline so the hot loops stay tight. ASCII only, no locale. */
#ifndef VT_UTIL_TEXT_H
#define VT_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* The value of a hex digit, or -1. */
static inline int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static inline bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* True when s ends with suffix, ASCII case ignored (s == suffix counts). */
static inline bool
ends_with_ci(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* The first place `needle` (`len` bytes, len > 0) is in `hay`, ASCII case
 * ignored, or NULL: what strcasestr does, without its set-up per call (the
 * rules test short values on short fields, where that set-up was most of
 * the cost). */
static inline const char *
find_ci_n(const char *hay, const char *needle, size_t len)
{
    unsigned char lo = (unsigned char)needle[0], up = lo;
    if (lo >= 'A' && lo <= 'Z')
        lo = (unsigned char)(lo + 32);
    else if (lo >= 'a' && lo <= 'z')
        up = (unsigned char)(lo - 32);
    for (; *hay; hay++)
        if (((unsigned char)*hay == lo || (unsigned char)*hay == up) &&
            strncasecmp(hay, needle, len) == 0)
            return hay;
    return NULL;
}

static inline const char *
find_ci(const char *hay, const char *needle)
{
    return *needle ? find_ci_n(hay, needle, strlen(needle)) : hay;
}

/* The first index >= i of s[0..n) that is not a blank (n when none). */
static inline size_t
skip_blanks(const char *s, size_t n, size_t i)
{
    while (i < n && is_blank(s[i]))
        i++;
    return i;
}

#endif
