/* csv_cell: one RFC 4180 cell, below both CSV reporters (report_csv.c for
 * findings, report_dump.c for the dump table): quoted when it must be,
 * formula-like text defused for spreadsheets, control characters escaped as
 * in text output. */
#include "report/csv_cell.h"
#include "util/util_buf.h"
#include "util/util_term.h"

#include <string.h>

void
csv_cell(FILE *fp, const char *in, bool last)
{
    /* control characters, bidi overrides and stray bytes escaped as in text
     * output (util_term.h); line breaks stay, inside the quoted cell */
    struct buf e = BUF_INIT;
    for (const char *p = in ? in : ""; *p;) {
        size_t n = strcspn(p, "\n");
        term_escape_n(&e, p, n);
        p += n;
        if (*p == '\n')
            buf_addc(&e, *p++);
    }
    const char *s = buf_str(&e);
    bool formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', fp);
    if (formula)
        fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    if (quote)
        fputc('"', fp);
    fputs(last ? "\r\n" : ",", fp);
    buf_release(&e);
}
