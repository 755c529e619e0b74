/* psod_text: the small lexical pieces the purple-screen decoder is built on.
 *
 * Crash text is read as (pointer, length) spans because a line may hold NUL
 * bytes; nothing here relies on a terminating NUL. KB copies mask numbers
 * (`0x####`, `0xADDRESS1`, `######`, `XXXX`, `<ID>`): the number readers
 * tell such a token apart from a real value so that masked values read as
 * absent rather than as zero. */
#include "parse/psod/psod_impl.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

const char *
pt_find(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (m == 0)
        return s;
    if (m > n)
        return NULL;
    return memmem(s, n, lit, m);
}

bool
pt_starts(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return m <= n && memcmp(s, lit, m) == 0;
}

bool
pt_starts_ci(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return m <= n && strncasecmp(s, lit, m) == 0 && memchr(s, '\0', m) == NULL;
}

bool
pt_eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

size_t
pt_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

void
pt_trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    while (len > 0 && isspace((unsigned char)p[0])) {
        p++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)p[len - 1]))
        len--;
    *s = p;
    *n = len;
}

bool
pt_is_mask(int c)
{
    return c == '#' || c == '*' || c == '?';
}

/* Characters a number token may run over (so `0xADDRESS1` is one token). */
static bool
tok_char(int c)
{
    return isalnum(c) || pt_is_mask(c);
}

bool
pt_all_masked(const char *s, size_t n)
{
    if (n == 0)
        return false;
    bool x_only = true, mask_only = true;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != 'X' && s[i] != 'x')
            x_only = false;
        if (!pt_is_mask((unsigned char)s[i]))
            mask_only = false;
    }
    return mask_only || (x_only && n >= 2);
}

static bool
bracketed(const char *s, size_t n)
{
    return n >= 2 && ((s[0] == '<' && s[n - 1] == '>') || (s[0] == '[' && s[n - 1] == ']') ||
                      (s[0] == '{' && s[n - 1] == '}'));
}

bool
pt_placeholder(const char *s, size_t n)
{
    if (n == 0)
        return false;
    size_t a = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != ':')
            continue;
        const char *c = s + a;
        size_t cn = i - a;
        if (cn >= 2 && c[0] == '(' && c[cn - 1] == ')') {
            c++;
            cn -= 2;
        }
        if (pt_all_masked(c, cn) || bracketed(c, cn))
            return true;
        a = i + 1;
    }
    return false;
}

/* True for letters, digits and '_' only (an identifier-like word). */
bool
pt_is_word(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

int
pt_hex(const char *s, size_t n, size_t *len, uint64_t *v)
{
    *len = 0;
    *v = 0;
    if (n == 0)
        return PT_NONE;
    size_t i;
    if (s[0] == '0' && n >= 2 && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    else if (s[0] == '0' && n >= 2 && pt_is_mask((unsigned char)s[1]))
        i = 1; /* "0####": a KB mask that ate the x */
    else if (pt_is_mask((unsigned char)s[0]))
        i = 0; /* "####" */
    else
        return PT_NONE;
    size_t start = i;
    while (i < n && tok_char((unsigned char)s[i]))
        i++;
    *len = i;
    size_t digits = i - start;
    if (digits == 0)
        return start == 2 ? PT_MASKED : PT_NONE;
    if (start != 2 || digits > 16)
        return PT_MASKED;
    uint64_t val = 0;
    for (size_t k = start; k < i; k++) {
        int c = (unsigned char)s[k];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return PT_MASKED;
        val = val << 4 | (uint64_t)d;
    }
    *v = val;
    return PT_VALUE;
}

int
pt_dec(const char *s, size_t n, size_t *len, long long *v)
{
    *len = 0;
    *v = -1;
    if (n == 0)
        return PT_NONE;
    if (s[0] == '<') { /* <ID>, <world> */
        const char *gt = memchr(s, '>', n < 32 ? n : 32);
        if (gt == NULL)
            return PT_NONE;
        *len = (size_t)(gt - s) + 1;
        return PT_MASKED;
    }
    size_t i = 0;
    bool digits = true, any = false;
    while (i < n && (isdigit((unsigned char)s[i]) || pt_is_mask((unsigned char)s[i]) ||
                     s[i] == 'X' || s[i] == 'x')) {
        if (!isdigit((unsigned char)s[i]))
            digits = false;
        any = true;
        i++;
    }
    if (!any)
        return PT_NONE;
    /* "0x1f" is hex, not a masked decimal */
    if (!digits && i >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && i > 2)
        return PT_NONE;
    *len = i;
    if (!digits || i > 18)
        return PT_MASKED;
    long long val = 0;
    for (size_t k = 0; k < i; k++)
        val = val * 10 + (s[k] - '0');
    *v = val;
    return PT_VALUE;
}

char *
pt_dup(const char *s, size_t n)
{
    pt_trim(&s, &n);
    if (n == 0)
        return NULL;
    if (n > PSOD_MAX_TEXT) {
        n = PSOD_MAX_TEXT;
        /* do not cut a UTF-8 character in two */
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        if (n == 0)
            n = PSOD_MAX_TEXT;
    }
    return xstrndup(s, n); /* stops at a NUL: the reader turns those into blanks */
}
