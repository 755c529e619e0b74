/* report_stream: scan's report written while the VMs are audited.
 *
 * The whole-report writers (report_json, report_text, report_csv) need every
 * VM and finding in memory at the end; at 100,000 VMs that is hundreds of MB.
 * A stream takes each VM and its findings in walk order as soon as they are
 * made and keeps only counts and a few per-rule values in memory: JSON's
 * "vms" go straight to the output, its "findings" (past 1 MB) to a temporary
 * file copied out after them; the text table's rows go to a spool (spool.h) read back in
 * the table's order; CSV rows go straight out. The bytes are those the
 * whole-report writers print for the same report. */
#ifndef VT_REPORT_STREAM_H
#define VT_REPORT_STREAM_H

#include "report/report.h"

#include <stdio.h>

struct report_stream;

/* Starts the report of `r` (its command and counts; they are read again at
 * the end) on `fp` (borrowed; not closed) in `format` (FMT_JSON, FMT_TEXT or
 * FMT_CSV) and writes what precedes the first VM. Findings below `min_level`
 * are dropped (--min-severity). */
struct report_stream *report_stream_open(FILE *fp, enum report_format format, int min_level,
                                         const struct report *r);
/* Whether report_stream_open can write `format`. */
bool report_stream_can(enum report_format format);
FILE *report_stream_file(const struct report_stream *s);
/* One VM's record as serialised by vm_to_json (JSON only; borrowed). */
void report_stream_vm(struct report_stream *s, const char *vm_json);
/* Takes every finding of `f` (moved or released; `f` is left empty). */
void report_stream_findings(struct report_stream *s, struct findings *f);
/* The highest level of the findings kept, or -1 when none (exit status). */
int report_stream_max_level(const struct report_stream *s);
/* Writes the rest: counts and diagnostics come from `r`. Returns 0, -1 when
 * writing `fp` failed, -2 when a temporary file could not be made, written or
 * read (errno set): the report is then incomplete and must not pass as one. */
int report_stream_finish(struct report_stream *s, const struct report *r,
                         const struct report_opts *o);
void report_stream_free(struct report_stream *s);

#endif
