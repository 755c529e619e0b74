/* util_utf8: decoding UTF-8 and telling which characters must never reach a
 * terminal or a shell raw. Shared by the JSON writer, the terminal escaper
 * and the shell quoting, so that all three agree on what is dangerous. */
#ifndef VT_UTIL_UTF8_H
#define VT_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Decodes the UTF-8 sequence at s, of which `avail` bytes may be read (a NUL
 * also ends it: it is no continuation byte). Returns its length and sets
 * *cp, or returns 0 when the bytes are not valid UTF-8 (overlong, surrogate,
 * past U+10FFFF, cut short). */
static inline size_t
utf8_decode_n(const unsigned char *s, size_t avail, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n;
    unsigned min, c;
    if ((s[0] & 0xE0) == 0xC0)
        n = 2, min = 0x80, c = s[0] & 0x1Fu;
    else if ((s[0] & 0xF0) == 0xE0)
        n = 3, min = 0x800, c = s[0] & 0x0Fu;
    else if ((s[0] & 0xF8) == 0xF0)
        n = 4, min = 0x10000, c = s[0] & 0x07u;
    else
        return 0;
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* The same for a NUL-terminated string. */
static inline size_t
utf8_decode(const unsigned char *s, unsigned *cp)
{
    return utf8_decode_n(s, (size_t)-1, cp);
}

/* Characters that change what a terminal shows or how a line reads, whatever
 * the text around them: C0 controls and DEL (ESC starts terminal commands, CR
 * overwrites a line), C1 controls (U+0080..U+009F; 8-bit terminals take
 * U+009B as CSI), the bidirectional embeddings, overrides and isolates and
 * the marks that reorder text (Unicode UAX #9: U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069), the zero-width characters that hide text
 * (U+200B..U+200D, U+2060, U+FEFF) and the line and paragraph separators
 * U+2028, U+2029. */
static inline bool
utf8_unsafe(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF;
}

/* True when s is valid UTF-8 holding nothing utf8_unsafe() names: text that
 * may stand in a command or on a terminal as it is. */
static inline bool
utf8_pasteable(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        size_t n = utf8_decode(p, &cp);
        if (n == 0 || utf8_unsafe(cp))
            return false;
        p += n;
    }
    return true;
}

#endif
