/* report_csv: one row per VM × finding (RFC 4180), for a spreadsheet.
 *
 * A cell that starts with = + - @ (or TAB/CR) gets a leading apostrophe so a
 * spreadsheet never runs a VM name as a formula (OWASP "CSV Injection"). */
#include "report/csv_cell.h"
#include "report/report.h"
#include "util/util_buf.h"

#include <string.h>

void
report_csv_finding(FILE *fp, const struct finding *f, struct buf *b)
{
    csv_cell(fp, f->subject, false);
    csv_cell(fp, f->name, false);
    csv_cell(fp, f->rule->id, false);
    csv_cell(fp, level_name(f->level), false);
    csv_cell(fp, f->rule->title, false);
    buf_reset(b);
    for (size_t k = 0; k < f->ndevices; k++)
        buf_addf(b, "%s%s", k ? " " : "", f->devices[k]);
    csv_cell(fp, buf_str(b), false);
    buf_reset(b);
    for (size_t k = 0; k < f->nev; k++)
        buf_addf(b, "%sline %lu: %s", k ? "\n" : "", f->ev[k].line, f->ev[k].text);
    csv_cell(fp, buf_str(b), false);
    buf_reset(b);
    for (size_t k = 0; k < f->rule->nrefs; k++)
        buf_addf(b, "%s%s", k ? "; " : "", f->rule->refs[k]);
    csv_cell(fp, buf_str(b), true);
}

void
report_csv_head(FILE *fp)
{
    fputs("vm_path,vm_name,rule,level,title,devices,evidence,references\r\n", fp);
}

int
report_csv(FILE *fp, const struct report *r)
{
    /* diagnose: its walk, node by node (report_diagnose_csv.c); a bundle lists its findings
       (its diagnoses are in the other formats) */
    if (r->has_diagnoses && !r->has_hosts)
        return report_csv_diagnoses(fp, r);
    if (r->has_dumps && !r->has_hosts) /* dump; a bundle lists its findings */
        return report_csv_dumps(fp, r);
    report_csv_head(fp);
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < r->findings.n; i++)
        report_csv_finding(fp, &r->findings.v[i], &b);
    buf_release(&b);
    return ferror(fp) ? -1 : 0;
}
