/* audit_log: log rule matches in, findings and a timeline out.
 *
 * One finding per rule and subject (the folder of the log: a host's log
 * folder, or a VM's folder for its vmware.log), however many files and
 * lines: `count` lines, the `first` and `last` time, what the lines name
 * (devices, paths, NICs, datastores, VMs; INVOLVED_MAX each) and the
 * earliest `examples` lines with file:line, so files read in any order give
 * the same findings (rotated logs merge by time). The timeline counts the
 * matches per hour and rule. Memory: per finding, not per line. */
#ifndef VT_AUDIT_LOG_H
#define VT_AUDIT_LOG_H

#include "findings/findings.h"
#include "rules/log_prefilter.h"
#include "parse/log/log_record.h"

#include <stdbool.h>
#include <stdint.h>

struct log_window {
    bool has_since, has_until;
    int64_t since_ms, until_ms; /* [since, until) */
};

struct timeline_row {
    int64_t hour_ms;  /* start of the hour, UTC */
    const char *kind; /* the rule id (borrowed from the ruleset) or "crash" */
    size_t count;
};

struct timeline {
    struct timeline_row *v;
    size_t n, cap;
};

struct log_audit;

/* `pf` gives the rules by index (must outlive the audit); `examples` lines
 * are kept per finding. */
struct log_audit *log_audit_new(const struct log_prefilter *pf, size_t examples,
                                const struct log_window *w);
/* The subject of the matches that follow (copied). A finding from a VM's
 * vmware.log is named after the VM's folder. */
void log_audit_subject(struct log_audit *a, const char *subject);
/* One match (log_match_fn): counted when inside the window. */
void log_audit_match(void *audit, size_t rule, const struct log_record *rec);
/* Forks: a worker thread folds the matches of one block of a file into a
 * fork of the audit (same rules, window, examples and current subject), and
 * the reading thread joins the forks in block order. The findings are those
 * the same matches give on the audit one by one. A fork is used by one
 * thread at a time; the fork itself only reads what stays fixed while a file
 * is read. log_audit_join frees the fork; log_audit_drop discards one. */
struct log_audit *log_audit_fork(const struct log_audit *a);
void log_audit_join(struct log_audit *a, struct log_audit *fork);
void log_audit_drop(struct log_audit *fork);
/* Counts a crash in the timeline under "crash" (inside the window). */
void log_audit_crash(struct log_audit *a, bool has_time, int64_t time_ms);
/* Whether a time is inside the window; an unknown time is not when the
 * window has a bound. */
bool log_window_holds(const struct log_window *w, bool has_time, int64_t ms);
/* Moves the findings to the end of *out and the timeline rows (sorted by
 * hour, then kind) into *tl; says in `d` how many matches had no time when
 * a window was asked for. Frees the audit. */
void log_audit_finish(struct log_audit *a, struct findings *out, struct timeline *tl,
                      struct diags *d);
void timeline_release(struct timeline *tl);

#endif
