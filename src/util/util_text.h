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

static inline unsigned char
ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The first place needle[0..m) is in hay[0..n), ASCII case ignored, or NULL
 * (hay when m is 0): what strcasestr does, bounded, and without its set-up
 * per call (the rules test short values on short fields, where that set-up
 * was most of the cost). */
static inline const char *
find_ci_n(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0)
        return hay;
    unsigned char first = ascii_lower((unsigned char)needle[0]);
    for (size_t i = 0; i + m <= n; i++)
        if (ascii_lower((unsigned char)hay[i]) == first && strncasecmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

static inline const char *
find_ci(const char *hay, const char *needle)
{
    return find_ci_n(hay, strlen(hay), needle, strlen(needle));
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
