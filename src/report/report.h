/* report: everything a command concluded, and the reporters that print it.
 *
 * Reporters only format: they decide nothing (DESIGN.md). Every command fills
 * a struct report; `findings` and `errors` have the same shape everywhere. */
#ifndef VT_REPORT_H
#define VT_REPORT_H

#include "findings/audit_log.h"
#include "parse/host/host_facts.h"
#include "findings/diagnose.h"
#include "findings/findings.h"
#include "util/json.h"

#include <stdbool.h>
#include <stdio.h>

/* The JSON report's "schema": its contract's version (report_json). */
#define REPORT_SCHEMA 1

enum report_format { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_NAGIOS, FMT_HTML };

/* A non-fatal backtrace and the input it came from (both borrowed). */
struct report_backtrace {
    const char *source;
    const struct psod_backtrace *bt;
};

/* One log file read (logs, psod). */
struct report_file {
    char *path;         /* owned */
    const char *format; /* log_format_name of its lines */
    bool gzip;
    unsigned long long bytes, lines; /* bytes of text (after gunzip) */
    bool has_first, has_last;
    int64_t first_ms, last_ms;
};

/* One host of a bundle report: its bundle and what the bundle says of it. */
struct report_host {
    char *bundle;            /* owned: the bundle's name (or "this host") */
    struct host_facts facts; /* owned */
    char *banner;            /* owned: "VMware ESXi 5.5.0", for crashes that print none */
    size_t vmx, log_files, crashes, dumps; /* what was read from it */
};

/* One Windows crash dump read (dump). */
struct report_dump {
    char *path; /* owned */
    enum dump_status status;
    struct crash_dump dump; /* owned */
    struct dump_view view;  /* over dump and path */
};

/* One CPU listing read (cpu). */
struct report_cpu {
    char *path;           /* owned; "-" for standard input */
    struct cpu_info info; /* owned */
    struct cpu_view view; /* over info and path */
    char *verdict;        /* owned: the verdict line (cpu_verdict) */
    int ready;            /* 1, 0, or -1 (not applicable / unknown) */
};

struct report {
    const char *command;
    char **vm_json; /* owned: each VM record already serialised (see vm_to_json);
                       NULL when the report has no `vms` array */
    size_t nvms;
    size_t templates, not_vmware, aliases;
    size_t encrypted; /* encrypted VM configurations: noted, not audited */
    bool has_crashes;           /* the report has `crashes` (psod, logs, bundle) */
    struct crash_view *crashes; /* owned views; the crashes they show are borrowed */
    size_t ncrashes;
    struct report_backtrace *backtraces; /* owned array */
    size_t nbacktraces, backtraces_dropped;
    struct report_file *files; /* owned; logs and psod */
    size_t nfiles;
    bool has_files; /* the report has `files` and `timeline` */
    struct timeline timeline;
    struct psod_result *results; /* owned: the decoded inputs the crashes point into */
    size_t nresults;
    struct report_host *hosts; /* owned; bundle */
    size_t nhosts;
    bool has_hosts;            /* the report has `hosts` */
    struct report_dump *dumps; /* owned; dump, sorted by crash time */
    size_t ndumps;
    bool has_dumps;          /* the report has `dumps` */
    struct report_cpu *cpus; /* owned; cpu, in the order given */
    size_t ncpus;
    bool has_cpus; /* the report has `cpus` */
    struct diagnosis **diagnoses; /* owned; diagnose, one per VM in the order given */
    size_t ndiagnoses;
    bool has_diagnoses; /* the report has `diagnoses` */
    struct findings findings;
    struct diags diags;
    /* owned: scan's report being written as the VMs are audited (report_stream.c);
       then `vm_json` and `findings` stay empty. NULL for every other report. */
    struct report_stream *stream;
};

struct report_opts {
    bool color;
    size_t width; /* terminal columns to fit text to; 0: no limit (piped, files) */
    bool utf8;    /* marks may be UTF-8 (✔ ✘); else ASCII ([ok] [PROBLEM]) */
};

void report_release(struct report *r);
/* Writes the report; returns 0, or -1 when the stream failed. */
int report_text(FILE *fp, const struct report *r, const struct report_opts *o);
int report_json(FILE *fp, const struct report *r);
int report_csv(FILE *fp, const struct report *r);
/* The parts of report_json and report_csv that scan's stream writes in turn:
 * the JSON object's opening keys (schema, command ...); its keys after
 * "findings" (errors, summary) and the closing brace; the CSV head; one CSV
 * row (`b`: scratch). */
void report_json_head(struct json *j, const struct report *r);
void report_json_tail(struct json *j, const struct report *r, size_t nfindings);
void report_csv_head(FILE *fp);
void report_csv_finding(FILE *fp, const struct finding *f, struct buf *b);
/* The findings worst first (then by rule and subject): an owned array of
 * r->findings.n borrowed pointers (free it). */
const struct finding **report_sorted_findings(const struct report *r);
/* "OK", "WARNING", "CRITICAL", "UNKNOWN" for exit status 0-3 (the plugin API's states). */
const char *report_state_name(int status);
/* The self-contained HTML page (report_html.c); `status` as for report_nagios. */
int report_html(FILE *fp, const struct report *r, int status);
/* A monitoring-plugin check result; `status` is the exit status (0-3) the
 * command returns, which names the state (report_nagios.c). */
int report_nagios(FILE *fp, const struct report *r, int status);

/* Serialises one VM record into the scan contract's `vms[]` shape. */
void vm_to_json(struct json *j, const struct vm *vm);
/* Serialises one finding into the `findings[]` shape. */
void finding_to_json(struct json *j, const struct finding *f);
/* Serialises one crash into the `crashes[]` shape; `fs` gives its signatures. */
void crash_to_json(struct json *j, const struct crash_view *v, const struct findings *fs);
void backtrace_to_json(struct json *j, const struct report_backtrace *b);
/* `key`: "YYYY-MM-DDTHH:MM:SS.mmmZ", or null when !has. */
void json_kv_time(struct json *j, const char *key, bool has, int64_t ms);
/* The `involved` object of a log finding: {"devices": [...], ...}. */
void involved_to_json(struct json *j, const struct finding *f);
/* "files": [...] and "timeline": [...] of logs (report_log.c). */
void files_to_json(struct json *j, const struct report *r);
/* "2012-11-01 04:12:00" (seconds are enough in a terminal), or "-" when !has. */
void report_short_time(char out[25], bool has, int64_t ms);
/* The text sections of the files read and the timeline. */
void report_text_logs(FILE *fp, const struct report *r, const struct report_opts *o);
/* "hosts": [...] of bundle, and its text section (report_host.c). */
void hosts_to_json(struct json *j, const struct report *r);
void report_text_hosts(FILE *fp, const struct report *r, const struct report_opts *o);
/* "dumps": [...] of dump (report_dump.c). */
void dumps_to_json(struct json *j, const struct report *r);
/* The text sections of dump: a table of the dumps, then each one. */
void report_text_dumps(FILE *fp, const struct report *r, const struct report_opts *o);
/* dump --format csv: one row per dump (BlueScreenView's columns). */
int report_csv_dumps(FILE *fp, const struct report *r);
/* "cpus": [...] of cpu (report_cpu.c). */
void cpus_to_json(struct json *j, const struct report *r);
/* The text section of cpu: per listing its verdict line, what it is, and the
 * table of the checked capabilities. */
void report_text_cpus(FILE *fp, const struct report *r, const struct report_opts *o);
/* The text section of the crashes and non-fatal backtraces. */
void report_text_crashes(FILE *fp, const struct report *r, const struct report_opts *o);

/* "diagnoses": [...] of diagnose, and its text section: per VM the walk as
 * an indented tree with verdict marks, then the likely causes (report_diagnose.c). */
void diagnoses_to_json(struct json *j, const struct report *r);
void report_text_diagnoses(FILE *fp, const struct report *r, const struct report_opts *o);
/* The page's "#diagnoses" section: per VM the tree as an inline SVG diagram,
 * the nodes' details and the likely causes (report_diagnose_html.c). */
void report_html_diagnoses(struct buf *b, const struct report *r);
/* Its CSS, added to the page's only when the report has diagnoses. */
extern const char report_html_diagnoses_style[];
/* diagnose --format csv: one row per VM and node, then per VM and cause
 * (report_diagnose_csv.c). */
int report_csv_diagnoses(FILE *fp, const struct report *r);
/* Counts of the nodes of every diagnosis by verdict (c[DV_OK], c[DV_PROBLEM], c[DV_UNKNOWN]). */
void diagnoses_count(const struct report *r, size_t c[3]);
/* The page's head and the opening <body> (the shared style plus extra_style), for
 * "vmtriage COMMAND" (report_html.c; also merge's page). */
void report_html_head(struct buf *b, const char *command, const char *extra_style);
/* Appends s with & < > " escaped for HTML (report_html.c: every string from input). */
void html_esc(struct buf *b, const char *s);

#endif
