/* util_quote: shell quoting for printed fixes (see util_quote.h). */
#include "util/util_quote.h"
#include "util/util_utf8.h"

#include <string.h>

bool
quote_sh(struct buf *b, const char *s)
{
    if (!utf8_pasteable(s))
        return false;
    buf_addc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_adds(b, "'\\''");
        else
            buf_addc(b, *s);
    }
    buf_addc(b, '\'');
    return true;
}

bool
quote_sh_name(struct buf *b, const char *s)
{
    if (strpbrk(s, "*?[]\\") != NULL)
        return false;
    return quote_sh(b, s);
}

size_t
ps_quote_char(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == '\'')
        return 1;
    if (u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9B)
        return 3;
    return 0;
}

static bool
ps_quote(struct buf *b, const char *s, bool wildcards)
{
    if (!utf8_pasteable(s))
        return false;
    buf_addc(b, '\'');
    while (*s) {
        size_t q = ps_quote_char(s);
        if (q) {
            buf_add(b, s, q); /* doubled: PowerShell reads two as one */
            buf_add(b, s, q);
            s += q;
            continue;
        }
        if (wildcards && strchr("*?[]`", *s) != NULL)
            buf_addc(b, '`');
        buf_addc(b, *s++);
    }
    buf_addc(b, '\'');
    return true;
}

bool
quote_ps(struct buf *b, const char *s)
{
    return ps_quote(b, s, false);
}

bool
quote_ps_name(struct buf *b, const char *s)
{
    return ps_quote(b, s, true);
}

bool
quote_cmd(struct buf *b, const char *s)
{
    if (!utf8_pasteable(s) || strpbrk(s, "\"%!") != NULL)
        return false;
    size_t n = strlen(s), tail = 0;
    while (tail < n && s[n - 1 - tail] == '\\')
        tail++;
    buf_addc(b, '"');
    buf_add(b, s, n);
    for (size_t i = 0; i < tail; i++)
        buf_addc(b, '\\');
    buf_addc(b, '"');
    return true;
}

bool
quote_yaml(struct buf *b, const char *s)
{
    if (!utf8_pasteable(s))
        return false;
    buf_adds(b, "!unsafe '");
    for (; *s; s++) {
        if (*s == '\'')
            buf_addc(b, '\''); /* doubled: YAML reads two as one */
        buf_addc(b, *s);
    }
    buf_addc(b, '\'');
    return true;
}

const struct quoting quotings[] = {
    {"sh", QF_SH, quote_sh},    {"sh_name", QF_SH, quote_sh_name},
    {"ps", QF_PS, quote_ps},    {"ps_name", QF_PS, quote_ps_name},
    {"cmd", QF_CMD, quote_cmd}, {"yaml", QF_YAML, quote_yaml},
    {"text", QF_PROSE, NULL},
    {"int", QF_ANY, NULL},      {NULL, QF_ANY, NULL},
};

const struct quoting *
quoting_find(const char *name)
{
    for (const struct quoting *q = quotings; q->name; q++)
        if (strcmp(q->name, name) == 0)
            return q;
    return NULL;
}
