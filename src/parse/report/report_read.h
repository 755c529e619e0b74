/* report_read: a streaming reader of vmtriage's own JSON reports (the
 * contract of src/report/report_json.c), for `vmtriage merge`.
 *
 * Pure: bytes in (in chunks of any size), callbacks out; no I/O, no
 * printing. Built on yajl's event parser, so memory is bounded by the one
 * host, VM, crash, finding or error being read (each of its kept strings
 * capped at RR_MAX_STR bytes) and the longest single JSON token, never by
 * the report. Offsets in errors do not depend on how the input was chunked.
 *
 * What is handed out: the header (schema, command, vmtriage version) once,
 * before anything else; then each element of `hosts`, `vms`, `crashes`,
 * `findings` and `errors` as its object ends, with the few fields a fleet
 * summary needs. Every other key is skipped whatever it holds. */
#ifndef VT_REPORT_READ_H
#define VT_REPORT_READ_H

#include <stdbool.h>
#include <stddef.h>

#define RR_MAX_STR 4096 /* a kept string longer than this is cut there */
#define RR_MAX_DEPTH 64 /* nesting deeper than this is an error */
#define RR_MAX_TOKEN                                                                               \
    (16 << 20) /* one JSON value (a string, a number) longer than this is an error */

/* All strings borrowed for the callback's duration; NULL when absent or null. */
struct rr_header {
    long long schema; /* -1: no "schema" key (or not a whole number) */
    const char *command;
    const char *version;
};

struct rr_host {
    const char *name, *build, *version, *product, *bundle;
    long long crashes; /* -1 when absent */
};

struct rr_vm {
    const char *path, *name, *host; /* host: set by vcenter reports */
};

struct rr_crash {
    const char *source, *product, *build;
};

struct rr_finding {
    const char *rule, *level, *subject; /* never NULL: a finding without them is an error */
    const char *name;                   /* the VM's display name, or NULL */
    const char *title;
    const char *kb;         /* the first reference naming a KB ("VMware KB 2059053"), or NULL */
    const char *fix_status; /* crash findings' fix.status ("upgrade", ...), else NULL */
    bool is_crash;          /* it has a "fix" object: a crash's known issue */
    size_t related;         /* entries of "related" (the VMs carrying its trigger) */
};

struct rr_error {
    const char *path, *severity, *message;
};

/* Each returns NULL to go on, or a message (static or living until the
 * reader is freed) to stop the reading with that error. */
struct rr_callbacks {
    void *ctx;
    const char *(*header)(void *ctx, const struct rr_header *h);
    const char *(*host)(void *ctx, const struct rr_host *h);
    const char *(*vm)(void *ctx, const struct rr_vm *v);
    const char *(*crash)(void *ctx, const struct rr_crash *c);
    const char *(*finding)(void *ctx, const struct rr_finding *f);
    const char *(*error)(void *ctx, const struct rr_error *e);
};

struct report_reader;

/* A reader calling `cb` (copied; any callback may be NULL). Free it with
 * report_reader_free. */
struct report_reader *report_reader_new(const struct rr_callbacks *cb);
/* Feeds the next n bytes. Returns true, or false once the input is known
 * bad (then report_reader_error says why and where; later calls do nothing). */
bool report_reader_feed(struct report_reader *r, const unsigned char *p, size_t n);
/* Ends the input: false when it is not one whole report (truncated, empty,
 * no "findings"), as for feed. */
bool report_reader_finish(struct report_reader *r);
/* The error (a phrase without a final period) and the byte offset in the
 * whole input where it was found; NULL when none. */
const char *report_reader_error(const struct report_reader *r, unsigned long long *offset);
void report_reader_free(struct report_reader *r);

#endif
