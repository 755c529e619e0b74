/* report_text's parts, shared by the whole-report writer (report_text.c) and
 * scan's streamed one (report_stream.c), so both print the same bytes.
 * Everything writes to `fp`; errors show in ferror(fp). */
#ifndef VT_REPORT_TEXT_H
#define VT_REPORT_TEXT_H

#include "report/report.h"

/* The findings table's column widths: level, rule, subject label (whole lines). */
struct text_table {
    size_t wl, wr, wv;
};

/* The summary line; `n` findings, counts[level] at each level. -1 when no
 * memory stream could be opened. */
int text_summary(FILE *fp, const struct report *r, size_t n, const size_t counts[5],
                 const struct report_opts *o);
/* The sections of other commands between the summary and the table (hosts, files, crashes ...). */
void text_sections(FILE *fp, const struct report *r, const struct report_opts *o);
/* "VM", or "SUBJECT" when the report has crashes, dumps or CPU listings. */
const char *text_subject_head(const struct report *r);
/* The widths of the heads alone; then widen them to fit each finding
 * (`lab`: scratch). */
void text_table_init(struct text_table *t, const char *subject_head);
void text_table_measure(struct text_table *t, const struct finding *f, struct buf *lab);
void text_table_head(FILE *fp, const struct text_table *t, const char *subject_head,
                     const struct report_opts *o);
/* One finding's row; `name` may be NULL, `detail` is text_detail's. */
void text_table_row(FILE *fp, const struct text_table *t, enum level level, const char *rule,
                    const char *subject, const char *name, const char *detail,
                    struct buf *scratch, const struct report_opts *o);
/* The table's DETAIL of a finding (owned). */
char *text_detail(const struct finding *f);
/* A rule's section after the table, for its first finding v[0]; v[0..nv)
 * give the example lines of log findings; `affected` findings in all. */
void text_rule_section(FILE *fp, const struct report *r, const struct finding *const *v, size_t nv,
                       size_t affected, const struct report_opts *o);

#endif
