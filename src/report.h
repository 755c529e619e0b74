/* report: everything a command concluded, and the reporters that print it.
 *
 * Reporters only format: they decide nothing (DESIGN.md). Every command fills
 * a struct report; `findings` and `errors` have the same shape everywhere. */
#ifndef VT_REPORT_H
#define VT_REPORT_H

#include "findings.h"
#include "json.h"

#include <stdbool.h>
#include <stdio.h>

enum report_format { FMT_TEXT, FMT_JSON, FMT_CSV };

/* A non-fatal backtrace and the input it came from (both borrowed). */
struct report_backtrace {
    const char *source;
    const struct psod_backtrace *bt;
};

struct report {
    const char *command;
    char **vm_json; /* owned: each VM record already serialised (see vm_to_json);
                       NULL when the report has no `vms` array */
    size_t nvms;
    size_t templates, not_vmware, aliases;
    bool has_crashes;            /* the report has `crashes` (psod, logs, bundle) */
    struct crash_view *crashes;  /* owned views; the crashes they show are borrowed */
    size_t ncrashes;
    struct report_backtrace *backtraces; /* owned array */
    size_t nbacktraces, backtraces_dropped;
    struct findings findings;
    struct diags diags;
};

struct report_opts {
    bool color;
};

void report_release(struct report *r);
/* Writes the report; returns 0, or -1 when the stream failed. */
int report_text(FILE *fp, const struct report *r, const struct report_opts *o);
int report_json(FILE *fp, const struct report *r);
int report_csv(FILE *fp, const struct report *r);

/* Serialises one VM record into the scan contract's `vms[]` shape. */
void vm_to_json(struct json *j, const struct vm *vm);
/* Serialises one finding into the `findings[]` shape. */
void finding_to_json(struct json *j, const struct finding *f);
/* Serialises one crash into the `crashes[]` shape; `fs` gives its signatures. */
void crash_to_json(struct json *j, const struct crash_view *v, const struct findings *fs);
void backtrace_to_json(struct json *j, const struct report_backtrace *b);
/* The text section of the crashes and non-fatal backtraces. */
void report_text_crashes(FILE *fp, const struct report *r, const struct report_opts *o);

#endif
