/* fleet: many hosts' reports folded into one summary (`vmtriage merge`).
 *
 * The reports arrive one at a time as report_read events (fleet_callbacks);
 * what is kept is the summary only: one row per host, one per rule, the
 * reports' names, and 128-bit digests of what was counted (so a host read
 * twice, in the same report twice or in two reports, counts once). Nothing
 * here reads files or prints. */
#ifndef VT_FLEET_H
#define VT_FLEET_H

#include "parse/report/report_read.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FLEET_MAX_ERRORS 100 /* input errors of the reports kept as text; the rest counted */

/* A 128-bit digest of bytes (two FNV-1a lanes): the identity of a report's
 * content and of what was counted. Not cryptographic. */
struct fleet_digest {
    uint64_t a, b;
};
void fleet_digest_init(struct fleet_digest *d);
void fleet_digest_add(struct fleet_digest *d, const void *p, size_t n);

/* One host: a host of a bundle or default-run report (its name, else the
 * report's file name), a host named by a vcenter report's VMs, or the report
 * itself for commands that name no host (scan, psod, logs ...). */
struct fleet_host {
    char *name, *build, *version; /* owned; build and version may be NULL */
    char *report;                 /* owned: the first report naming it */
    size_t reports;               /* reports naming it */
    size_t crashes;               /* the most any one report saw */
    size_t findings;              /* distinct findings (rule and subject) */
    size_t vms_at_risk;           /* distinct VMs with a finding at medium or above */
    size_t errors;                /* distinct input errors of its reports */
    int worst;                    /* enum level of its worst finding, -1 for none */
};

/* One rule across the fleet. */
struct fleet_rule {
    char *id, *title, *kb; /* owned; title and kb may be NULL */
    int level;             /* the worst level it was reported at */
    bool crash;            /* a crash's known issue (its findings are crashes) */
    size_t subjects;       /* distinct findings: VMs, crashes, log folders ... */
    size_t vms;            /* of which VMs */
    size_t hosts;          /* distinct hosts */
    size_t hosts_upgrade;  /* crash rules: hosts whose build has the fix only in a later build */
};

struct fleet_report {
    char *path, *command; /* owned; command NULL for a duplicate */
    size_t hosts;         /* host rows it named */
    char *duplicate_of;   /* owned: the earlier report with the same bytes, or NULL */
};

struct fleet_error {
    char *report, *path, *message; /* owned */
};

struct fleet_index; /* private lookup tables */

struct fleet {
    int min_level;  /* findings below it are left out */
    int max_schema; /* the newest report schema understood */
    struct fleet_host *hosts;
    size_t nhosts, hosts_cap;
    struct fleet_rule *rules;
    size_t nrules, rules_cap;
    struct fleet_report *reports;
    size_t nreports, reports_cap;
    size_t duplicates;
    size_t levels[5];           /* distinct findings per level */
    size_t crashes;             /* sum of the hosts' crashes (fleet_end) */
    struct fleet_error *errors; /* the first FLEET_MAX_ERRORS */
    size_t nerrors;             /* all of them */
    struct fleet_index *ix;     /* owned */
};

void fleet_init(struct fleet *f, int min_level, int max_schema);
/* Starts the report at `path` whose bytes have digest `d`. Returns false when
 * an earlier report had the same bytes: it is recorded as a duplicate and
 * must not be read (nothing of it counts). */
bool fleet_report_begin(struct fleet *f, const char *path, const struct fleet_digest *d);
/* The callbacks that fold the current report's events into f. */
struct rr_callbacks fleet_callbacks(struct fleet *f);
/* Ends the current report (after its reader finished without error). */
void fleet_report_end(struct fleet *f);
/* Sorts hosts (worst first, then by name) and rules (worst, widest first)
 * and sums the crashes; call once, after the last report. */
void fleet_end(struct fleet *f);
void fleet_release(struct fleet *f);

#endif
