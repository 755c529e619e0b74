/* report_fit: column widths, eliding and wrapping for terminals (see
 * report_fit.h). */
#include "report/report_fit.h"
#include "util/util_mem.h"
#include "util/util_term.h"
#include "util/util_utf8.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Columns of one code point: 0 for combining marks, 2 for the East Asian
 * wide and fullwidth blocks (Unicode UAX #11, the common ranges), else 1. */
static size_t
cp_width(unsigned cp)
{
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF)
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
        (cp >= 0x3041 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
        (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
        (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x1F900 && cp <= 0x1F9FF) ||
        (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

/* Length and width of the character at s (a stray byte counts as one). */
static size_t
char_at(const char *s, size_t *w)
{
    unsigned cp;
    size_t n = utf8_decode((const unsigned char *)s, &cp);
    if (n == 0) {
        *w = 1;
        return 1;
    }
    *w = cp_width(cp);
    return n;
}

size_t
fit_width(const char *s)
{
    size_t total = 0, w;
    while (*s) {
        s += char_at(s, &w);
        total += w;
    }
    return total;
}

size_t
fit_width_escaped(const char *s)
{
    struct buf b = BUF_INIT;
    term_escape(&b, s);
    size_t w = fit_width(buf_str(&b));
    buf_release(&b);
    return w;
}

/* Appends s to out, its middle replaced by "..." when it is wider than max
 * columns, so that both ends of a path stay readable. */
static void
fit_elide(struct buf *out, const char *s, size_t max)
{
    size_t total = fit_width(s);
    if (total <= max || max < 8) {
        buf_adds(out, s);
        return;
    }
    size_t keep = max - 3, head_w = keep / 3, tail_w = keep - head_w, w, used = 0;
    const char *p = s;
    while (*p) { /* the head: up to head_w columns */
        size_t n = char_at(p, &w);
        if (used + w > head_w)
            break;
        used += w;
        p += n;
    }
    buf_add(out, s, (size_t)(p - s));
    buf_adds(out, "...");
    size_t skip = total - used - tail_w, skipped = 0; /* columns to drop */
    while (*p && skipped < skip) {
        p += char_at(p, &w);
        skipped += w;
    }
    buf_adds(out, p);
}

void
fit_wrap(FILE *fp, size_t used, const char *indent, const char *text, size_t width)
{
    size_t ind = fit_width(indent), col = used;
    bool line_empty = true;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        size_t len = strcspn(p, " \n\t");
        char *word = xstrndup(p, len);
        size_t w = fit_width(word);
        if ((!line_empty || col > ind) && col + (line_empty ? 0 : 1) + w > width) {
            fputc('\n', fp);
            fputs(indent, fp);
            col = ind;
            line_empty = true;
        }
        if (!line_empty) {
            fputc(' ', fp);
            col++;
        }
        fputs(word, fp);
        col += w;
        line_empty = false;
        free(word);
        p += len;
    }
    fputc('\n', fp);
}

size_t
fit_terminal_width(int fd)
{
    struct winsize ws;
    if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    if (c && *c) {
        char *end;
        long n = strtol(c, &end, 10);
        if (*end == '\0' && n >= 20 && n <= 10000)
            return (size_t)n;
    }
    return 0;
}

void
report_fit_path(FILE *fp, const char *path, size_t width, size_t taken)
{
    struct buf e = BUF_INIT, b = BUF_INIT;
    term_escape(&e, path);
    if (width == 0) {
        fputs(buf_str(&e), fp);
    } else {
        fit_elide(&b, buf_str(&e), width > taken + 20 ? width - taken : 20);
        fputs(buf_str(&b), fp);
    }
    buf_release(&e);
    buf_release(&b);
}
