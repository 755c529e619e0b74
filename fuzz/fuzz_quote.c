/* fuzz_quote: arbitrary bytes as a value from input (a VM name, a module, a
 * driver) through every shell quoting and the terminal escaper, checking what
 * util_quote.h and util_term.h promise, so that no input can ever turn a
 * printed fix into another command or reach the terminal raw:
 * - sh / sh_name: the result, read back by POSIX single-quote rules (XCU
 *   2.2.2), is one word equal to the value; it holds no control character;
 *   sh_name refuses * ? [ ] and backslash;
 * - ps / ps_name: read back by PowerShell's verbatim-string rules (quote
 *   characters ' U+2018..U+201B, doubled inside) is the value (for ps_name,
 *   after removing the backtick escapes of * ? [ ] `);
 * - cmd: one "..." word whose inside holds no " % ! and is the value, with a
 *   trailing backslash run doubled;
 * - every quoting refuses a value with a control character, a bidi override
 *   or bytes that are not UTF-8;
 * - term_escape: the output holds no byte below 0x20, no DEL, no C1 or bidi
 *   character, and is valid UTF-8.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c includes it. */
#include "util/util_mem.h"
#include "util/util_quote.h"
#include "util/util_term.h"
#include "util/util_utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fuzz_quote_one(const uint8_t *data, size_t size);

/* POSIX: the words of a line made of single-quoted parts and \' escapes. */
static char *
fuzz_quote_unsh(const char *q)
{
    struct buf b = BUF_INIT;
    while (*q) {
        if (*q == '\'') {
            const char *e = strchr(q + 1, '\'');
            if (e == NULL)
                VT_BUG("fuzz_quote: sh: unterminated quote");
            buf_add(&b, q + 1, (size_t)(e - q - 1));
            q = e + 1;
        } else if (q[0] == '\\' && q[1] == '\'') {
            buf_addc(&b, '\'');
            q += 2;
        } else {
            VT_BUG("fuzz_quote: sh: byte 0x%02x outside quotes", (unsigned char)*q);
        }
    }
    return buf_detach(&b);
}

/* PowerShell: the value of one verbatim string spanning all of q. */
static char *
fuzz_quote_unps(const char *q, bool wildcards)
{
    struct buf b = BUF_INIT;
    size_t n = ps_quote_char(q);
    if (n == 0)
        VT_BUG("fuzz_quote: ps: no opening quote");
    q += n;
    for (;;) {
        if (*q == '\0')
            VT_BUG("fuzz_quote: ps: unterminated string");
        size_t a = ps_quote_char(q);
        if (a) {
            size_t c = ps_quote_char(q + a);
            if (c == 0) {
                if (q[a] != '\0')
                    VT_BUG("fuzz_quote: ps: text after the closing quote");
                break;
            }
            buf_add(&b, q, a);
            q += a + c;
            continue;
        }
        if (wildcards && *q == '`') {
            if (strchr("*?[]`", q[1]) == NULL || q[1] == '\0')
                VT_BUG("fuzz_quote: ps_name: stray backtick");
            q++;
        } else if (wildcards && strchr("*?[]", *q) != NULL) {
            VT_BUG("fuzz_quote: ps_name: unescaped wildcard");
        }
        buf_addc(&b, *q++);
    }
    return buf_detach(&b);
}

int
fuzz_quote_one(const uint8_t *data, size_t size)
{
    char *v = xstrndup((const char *)data, size); /* a value stops at a NUL */
    bool safe = utf8_pasteable(v);
    struct buf b = BUF_INIT;

    bool ok = quote_sh(&b, v);
    if (ok != safe)
        VT_BUG("fuzz_quote: sh %s a value it should %s", ok ? "took" : "refused",
               ok ? "refuse" : "take");
    if (ok) {
        char *back = fuzz_quote_unsh(buf_str(&b));
        if (strcmp(back, v) != 0)
            VT_BUG("fuzz_quote: sh: read back differs");
        free(back);
    }
    buf_reset(&b);
    ok = quote_sh_name(&b, v);
    if (ok != (safe && strpbrk(v, "*?[]\\") == NULL))
        VT_BUG("fuzz_quote: sh_name: wrong refusal");

    for (int w = 0; w < 2; w++) {
        buf_reset(&b);
        ok = w ? quote_ps_name(&b, v) : quote_ps(&b, v);
        if (ok != safe)
            VT_BUG("fuzz_quote: ps: wrong refusal");
        if (ok) {
            char *back = fuzz_quote_unps(buf_str(&b), w);
            if (strcmp(back, v) != 0)
                VT_BUG("fuzz_quote: ps: read back differs");
            free(back);
        }
    }

    buf_reset(&b);
    ok = quote_cmd(&b, v);
    if (ok != (safe && strpbrk(v, "\"%!") == NULL))
        VT_BUG("fuzz_quote: cmd: wrong refusal");
    if (ok) {
        size_t n = b.len, len = strlen(v), tail = 0;
        while (tail < len && v[len - 1 - tail] == '\\')
            tail++;
        if (n != len + tail + 2 || b.p[0] != '"' || b.p[n - 1] != '"' ||
            memcmp(b.p + 1, v, len) != 0 || memchr(b.p + 1, '"', n - 2) != NULL)
            VT_BUG("fuzz_quote: cmd: not one quoted word of the value");
    }

    buf_reset(&b);
    ok = quote_yaml(&b, v);
    if (ok != safe)
        VT_BUG("fuzz_quote: yaml: wrong refusal");
    if (ok) { /* !unsafe '...' with '' for ': read back */
        const char *p = buf_str(&b);
        struct buf back = BUF_INIT;
        if (strncmp(p, "!unsafe '", 9) != 0 || b.len < 10 || p[b.len - 1] != '\'')
            VT_BUG("fuzz_quote: yaml: not one !unsafe single-quoted scalar");
        for (size_t i = 9; i < b.len - 1; i++) {
            if (p[i] == '\'' && p[i + 1] != '\'')
                VT_BUG("fuzz_quote: yaml: a lone quote inside the scalar");
            buf_addc(&back, p[i]);
            i += p[i] == '\'';
        }
        if (strcmp(buf_str(&back), v) != 0)
            VT_BUG("fuzz_quote: yaml: read back differs");
        buf_release(&back);
    }

    buf_reset(&b);
    term_escape_n(&b, (const char *)data, size);
    if (!utf8_pasteable(buf_str(&b)) || strlen(buf_str(&b)) != b.len)
        VT_BUG("fuzz_quote: term_escape let a control character or a stray byte through");
    buf_release(&b);
    free(v);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_quote_one(data, size);
}
#endif
