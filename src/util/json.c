/* json: the emitter behind every JSON report (scan contract, DESIGN.md). */
#include "util/json.h"
#include "util/util_utf8.h"
#include "util/util_mem.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void
json_init(struct json *j, struct buf *out)
{
    memset(j, 0, sizeof(*j));
    j->out = out;
    j->first[0] = true;
}

static void
sep(struct json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (!j->first[j->depth])
        buf_addc(j->out, ',');
    j->first[j->depth] = false;
}

static void
open_(struct json *j, char c)
{
    sep(j);
    if (j->depth + 1 >= JSON_MAX_DEPTH)
        VT_BUG("JSON nests too deeply");
    buf_addc(j->out, c);
    j->first[++j->depth] = true;
}

static void
close_(struct json *j, char c)
{
    if (j->depth == 0)
        VT_BUG("JSON close without open");
    j->depth--;
    buf_addc(j->out, c);
}

void
json_obj(struct json *j)
{
    open_(j, '{');
}
void
json_obj_end(struct json *j)
{
    close_(j, '}');
    if (j->sink != NULL && j->depth <= 2 && j->out->len >= 64 * 1024) {
        fwrite(j->out->p, 1, j->out->len, j->sink);
        buf_reset(j->out);
    }
}

void
json_sink(struct json *j, FILE *fp)
{
    j->sink = fp;
}
void
json_arr(struct json *j)
{
    open_(j, '[');
}
void
json_arr_end(struct json *j)
{
    close_(j, ']');
}
void
json_kv_strs(struct json *j, const char *key, char *const *v, size_t n)
{
    json_key(j, key);
    json_arr(j);
    for (size_t i = 0; i < n; i++)
        json_str(j, v[i]);
    json_arr_end(j);
}

static bool
is_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

/* True when one of the 8 bytes of w is not plain: the high bit of a byte of
 * (x - 0x01..) & ~x is set only if some byte of x is 0, or below the
 * subtrahend (the has-zero / has-less tricks, exact for "any byte"). */
static bool
word_has_special(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = ones * 0x80;
    uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\'), del = w ^ (ones * 0x7F);
    uint64_t hit = w | ((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
                   ((bslash - ones) & ~bslash) | ((del - ones) & ~del);
    return (hit & highs) != 0;
}

/* Length of the leading run of plain bytes of s[0, len): printable ASCII
 * other than '"' and '\\', which JSON takes as they are. */
static size_t
plain_run(const unsigned char *s, size_t len)
{
    size_t i = 0;
    for (uint64_t w; i + sizeof(w) <= len; i += sizeof(w)) {
        memcpy(&w, s + i, sizeof(w));
        if (word_has_special(w))
            break;
    }
    while (i < len && is_plain(s[i]))
        i++;
    return i;
}

void
json_escape(struct buf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    const unsigned char *end = s + strlen(str);
    while (s < end) {
        /* Copy a run of plain printable ASCII in one append. */
        size_t run = plain_run(s, (size_t)(end - s));
        buf_add(b, s, run);
        s += run;
        if (s == end)
            break;
        unsigned char c = *s;
        if (c == '"' || c == '\\') {
            buf_addc(b, '\\');
            buf_addc(b, (char)c);
            s++;
        } else if (c < 0x20 || c == 0x7F) {
            switch (c) {
            case '\n':
                buf_adds(b, "\\n");
                break;
            case '\r':
                buf_adds(b, "\\r");
                break;
            case '\t':
                buf_adds(b, "\\t");
                break;
            default:
                buf_addf(b, "\\u%04x", c);
                break;
            }
            s++;
        } else {
            unsigned cp;
            size_t n = utf8_decode(s, &cp);
            if (n == 0) {
                buf_adds(b, "\\ufffd");
                s++;
            } else if (utf8_unsafe(cp)) { /* C1, bidi, zero-width: escaped, as in text */
                buf_addf(b, "\\u%04x", cp);
                s += n;
            } else {
                buf_add(b, s, n);
                s += n;
            }
        }
    }
}

void
json_key(struct json *j, const char *key)
{
    sep(j);
    buf_addc(j->out, '"');
    json_escape(j->out, key);
    buf_add(j->out, "\":", 2);
    j->after_key = true;
}

void
json_str(struct json *j, const char *s)
{
    if (s == NULL) {
        json_null(j);
        return;
    }
    sep(j);
    buf_addc(j->out, '"');
    json_escape(j->out, s);
    buf_addc(j->out, '"');
}

void
json_int(struct json *j, long long v)
{
    sep(j);
    buf_add_int(j->out, v);
}

void
json_bool(struct json *j, bool v)
{
    sep(j);
    buf_adds(j->out, v ? "true" : "false");
}

void
json_null(struct json *j)
{
    sep(j);
    buf_adds(j->out, "null");
}

void
json_tri(struct json *j, int v)
{
    if (v == 0 || v == 1)
        json_bool(j, v);
    else
        json_null(j);
}

void
json_raw(struct json *j, const char *text)
{
    sep(j);
    buf_adds(j->out, text);
}

void
json_kv_str(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_str(j, s);
}

void
json_kv_int(struct json *j, const char *key, long long v)
{
    json_key(j, key);
    json_int(j, v);
}

void
json_kv_int_opt(struct json *j, const char *key, bool present, long long v)
{
    json_key(j, key);
    if (present)
        json_int(j, v);
    else
        json_null(j);
}

void
json_kv_bool(struct json *j, const char *key, bool v)
{
    json_key(j, key);
    json_bool(j, v);
}

void
json_kv_tri(struct json *j, const char *key, int v)
{
    json_key(j, key);
    json_tri(j, v);
}

void
json_kv_hex(struct json *j, const char *key, bool has, uint64_t v)
{
    json_key(j, key);
    if (!has) {
        json_null(j);
        return;
    }
    char s[24];
    snprintf(s, sizeof(s), "0x%" PRIx64, v);
    json_str(j, s);
}
