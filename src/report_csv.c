/* report_csv: one row per VM × finding (RFC 4180), for a spreadsheet.
 *
 * A cell that starts with = + - @ (or TAB/CR) gets a leading apostrophe so a
 * spreadsheet never runs a VM name as a formula (OWASP "CSV Injection"). */
#include "report.h"
#include "util_buf.h"
#include "util_term.h"

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

int
report_csv(FILE *fp, const struct report *r)
{
    if (r->has_dumps && !r->has_hosts) /* dump; a bundle lists its findings */
        return report_csv_dumps(fp, r);
    fputs("vm_path,vm_name,rule,level,title,devices,evidence,references\r\n", fp);
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct finding *f = &r->findings.v[i];
        csv_cell(fp, f->subject, false);
        csv_cell(fp, f->name, false);
        csv_cell(fp, f->rule->id, false);
        csv_cell(fp, level_name(f->level), false);
        csv_cell(fp, f->rule->title, false);
        buf_reset(&b);
        for (size_t k = 0; k < f->ndevices; k++)
            buf_addf(&b, "%s%s", k ? " " : "", f->devices[k]);
        csv_cell(fp, buf_str(&b), false);
        buf_reset(&b);
        for (size_t k = 0; k < f->nev; k++)
            buf_addf(&b, "%sline %lu: %s", k ? "\n" : "", f->ev[k].line, f->ev[k].text);
        csv_cell(fp, buf_str(&b), false);
        buf_reset(&b);
        for (size_t k = 0; k < f->rule->nrefs; k++)
            buf_addf(&b, "%s%s", k ? "; " : "", f->rule->refs[k]);
        csv_cell(fp, buf_str(&b), true);
    }
    buf_release(&b);
    return ferror(fp) ? -1 : 0;
}
