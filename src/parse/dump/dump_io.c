/* dump_io: what the format readers (dump_kernel.c, dump_mdmp.c) and the
 * culprit index share, below them all: reads through struct dump_input that
 * are checked against the file size before they are made (so a hostile
 * offset or count is an error naming the offset, never a read out of
 * bounds), the errors and notes of one read, and UTF-16LE names to UTF-8.
 * It calls no format reader; dump_read.c calls them. */
#include "parse/dump/dump_io.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void
dump_vadd(struct dump_reader *r, enum diag_level level, const char *fmt, va_list ap)
{
    if (level == DIAG_ERROR)
        r->errors++;
    if (r->mute)
        return;
    struct buf b = BUF_INIT;
    buf_vaddf(&b, fmt, ap);
    diags_add(r->d, level, r->path, 0, "%s", buf_str(&b));
    buf_release(&b);
}

void
dump_error(struct dump_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dump_vadd(r, DIAG_ERROR, fmt, ap);
    va_end(ap);
}

void
dump_note(struct dump_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dump_vadd(r, DIAG_NOTE, fmt, ap);
    va_end(ap);
}

bool
dump_in_file(const struct dump_reader *r, uint64_t off, uint64_t len)
{
    return off <= r->in->size && len <= r->in->size - off;
}

bool
dump_fetch(struct dump_reader *r, uint64_t off, void *buf, size_t len, const char *what, ...)
{
    bool inside = dump_in_file(r, off, len);
    if (inside && (len == 0 || r->in->read(r->in->ctx, off, buf, len) == 0))
        return true;
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, what);
    buf_vaddf(&b, what, ap);
    va_end(ap);
    if (inside)
        dump_error(r, "%s at offset 0x%" PRIx64 " (%zu bytes) could not be read: read error",
                   buf_str(&b), off, len);
    else
        dump_error(r,
                   "%s at offset 0x%" PRIx64 " (%zu bytes) lies past the end of the file (%" PRIu64
                   " bytes)",
                   buf_str(&b), off, len, r->in->size);
    buf_release(&b);
    return false;
}

unsigned char *
dump_fetch_table(struct dump_reader *r, uint64_t off, size_t count, size_t size, size_t *got,
                 const char *what)
{
    *got = 0;
    if (count == 0 || size == 0)
        return NULL;
    size_t fit = count;
    if (!dump_in_file(r, off, (uint64_t)count * size)) {
        fit = off < r->in->size ? (size_t)((r->in->size - off) / size) : 0;
        if (fit > count)
            fit = count;
        dump_error(r,
                   "%s at offset 0x%" PRIx64 " (%zu entries of %zu bytes) runs past the end of the "
                   "file (%" PRIu64 " bytes): %zu entries read",
                   what, off, count, size, r->in->size, fit);
    }
    if (fit == 0)
        return NULL;
    unsigned char *buf = xmalloc(fit * size);
    if (!dump_fetch(r, off, buf, fit * size, "%s", what)) {
        free(buf);
        return NULL;
    }
    *got = fit;
    return buf;
}

/* Appends code point c as UTF-8 (c < 0x110000, not a surrogate). */
static size_t
put_utf8(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | c >> 6);
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | c >> 12);
        o[1] = (char)(0x80 | (c >> 6 & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | c >> 18);
    o[1] = (char)(0x80 | (c >> 12 & 0x3F));
    o[2] = (char)(0x80 | (c >> 6 & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Control characters are replaced too: a name goes to terminals and reports,
 * and no Windows file name holds one. */
char *
dump_utf16_to_utf8(const unsigned char *p, size_t n)
{
    if (n > DUMP_MAX_NAME)
        n = DUMP_MAX_NAME;
    /* a unit gives at most 3 bytes, a surrogate pair (2 units) 4 */
    char *out = xmalloc(3 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = dump_le16(p + 2 * i);
        if (c == 0)
            break;
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
            uint32_t lo = dump_le16(p + 2 * (i + 1));
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            } else {
                c = 0xFFFD;
            }
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            c = 0xFFFD;
        } else if (c < 0x20 || c == 0x7F) {
            c = 0xFFFD;
        }
        o += put_utf8(out + o, c);
    }
    out[o] = '\0';
    return out;
}

void
dump_set_driver_name(struct dump_driver *drv, const unsigned char *utf16, size_t n)
{
    free(drv->path);
    free(drv->name);
    drv->path = dump_utf16_to_utf8(utf16, n);
    const char *slash = strrchr(drv->path, '\\');
    drv->name = xstrdup(slash && slash[1] ? slash + 1 : drv->path);
}

void
dump_set_unknown_name(struct dump_driver *drv)
{
    free(drv->path);
    free(drv->name);
    drv->path = xstrdup("?");
    drv->name = xstrdup("?");
}

bool
dump_read_name(struct dump_reader *r, uint64_t off, size_t nunits, struct dump_driver *drv,
               const char *what)
{
    unsigned char buf[2 * DUMP_MAX_NAME];
    if (nunits > DUMP_MAX_NAME) {
        dump_error(r, "%s at offset 0x%" PRIx64 ": %zu characters, more than the %d allowed", what,
                   off, nunits, DUMP_MAX_NAME);
        dump_set_unknown_name(drv);
        return false;
    }
    if (!dump_fetch(r, off, buf, 2 * nunits, "%s", what)) {
        dump_set_unknown_name(drv);
        return false;
    }
    dump_set_driver_name(drv, buf, nunits);
    return true;
}
