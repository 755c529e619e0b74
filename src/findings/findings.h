/* findings: what the rules concluded, the only input of the reporters.
 *
 * One finding per rule and subject: a VM path (a rule that matches two NICs
 * of one VM gives one finding listing both devices), a crash ("<file>:<line>"
 * of its first line) or a log file. Strings are owned by the finding; `rule`
 * is borrowed from the ruleset, which must outlive it. */
#ifndef VT_FINDINGS_H
#define VT_FINDINGS_H

#include "rules/rules.h"

#include <stdbool.h>
#include <stdint.h>

struct evidence {
    unsigned long line;
    char *text;    /* the .vmx line as written; a crash's message; a log line */
    char *source;  /* log evidence: the file (owned); NULL when it is the subject */
    char *decoded; /* log evidence: its SCSI status and sense in words (owned), or NULL */
    bool has_time;
    int64_t time_ms; /* log evidence: the line's time (UTC ms) */
};

/* What the lines of a log finding name, each list capped (`more` counts
 * the rest). */
enum involved_kind {
    INV_DEVICE,
    INV_PATH,
    INV_ADAPTER,
    INV_NIC,
    INV_DATASTORE,
    INV_VM,
    INV__COUNT
};
#define INVOLVED_MAX 32

struct name_list {
    char **v; /* owned */
    size_t n;
    size_t more;
};

struct related {
    char *subject;
    char *rule;
};

struct fix {
    const char *tool; /* borrowed from the rule */
    char *text;       /* rendered for this subject */
    bool refused;     /* plan scripts: a value could not be quoted; text is a comment saying so */
};

/* What a crash finding's known issue says about the host's build (fix_status.c). */
enum fix_state {
    FIX_NONE,    /* the rule states no fixed release */
    FIX_LISTED,  /* fixed releases listed; the host's build or line is not known, or not among them
                  */
    FIX_UPGRADE, /* the host's line has a fix in a later build: upgrade */
    FIX_IN_HOST, /* the host runs the fix already: the signature matches, but look further */
};

struct finding {
    const struct rule *rule;
    enum fix_state fix;
    char *fix_note; /* owned: the sentence an admin reads, or NULL with FIX_NONE */
    enum level level;
    char *subject;  /* VM path, "<file>:<line>" of a crash, or a log file */
    char *name;     /* VM display name, or NULL */
    char **devices; /* "ethernet0", "scsi0", ... */
    size_t ndevices;
    struct evidence *ev;
    size_t nev;
    struct fix *fixes;
    size_t nfixes;
    struct fix *scripts; /* the rule's plan scripts (fix --emit), rendered for each matching
                            record in turn, each text once */
    size_t nscripts;
    struct related *rel;
    size_t nrel;
    size_t count;  /* log rules: lines that matched (0 for other rules) */
    bool has_time; /* log rules: some matching line had a time */
    int64_t first_ms, last_ms;
    struct name_list involved[INV__COUNT]; /* log rules */
};

/* "devices", "paths", "adapters", "nics", "datastores", "vms". */
const char *involved_kind_name(enum involved_kind k);

struct findings {
    struct finding *v;
    size_t n, cap;
};

#define FINDINGS_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* True when the rule tests a field the VM's source could not give
 * (vm_field_unknown): the rule is then unknown for that VM, and audit_vm
 * neither reports it nor counts it as passed. */
bool audit_rule_unknown(const struct rule *rule, const struct vm *vm, const struct record_ctx *ctx);
/* Runs every rule over the VM's records and appends the findings (rules
 * unknown for the VM are left out: audit_rule_unknown). */
void audit_vm(const struct ruleset *rs, const struct vm *vm, const struct record_ctx *ctx,
              struct findings *out);
/* Sets f->fix and f->fix_note from the rule's fixed_in and the crash's
 * product and build; FIX_IN_HOST also lowers the level one step (the crash
 * matches a fixed issue: less likely the cause). */
void finding_fix_status(struct finding *f, const char *product, const char *build);
/* The finding's fix for `tool` ("vmx", "govc" ...), or NULL. Borrowed. */
const struct fix *finding_fix(const struct finding *f, const char *tool);
/* "none", "listed", "upgrade", "fixed-in-host" (JSON). */
const char *fix_state_name(enum fix_state s);

/* Fills v->similar with the known issues nearest to the crash (similar.c);
 * for a crash no signature matched. */
void crash_similar(const struct ruleset *rs, struct crash_view *v);

/* Runs the crash rules over one crash (see audit_crash.c); returns how many
 * signature (non-fallback) rules matched. */
size_t audit_crash(const struct ruleset *rs, const struct crash_view *v, struct findings *out);
/* Runs the dump rules over one Windows crash dump (subject: its path);
 * `evidence` is the text the findings show (the bug check line). Returns how
 * many signature rules matched. */
size_t audit_dump(const struct ruleset *rs, const struct dump_view *v, const char *evidence,
                  struct findings *out);
/* Runs the cpu rules over one CPU listing (subject: its path); the evidence
 * is `text` at `line` (the flags or HV Support line). Returns how many rules
 * matched (audit_cpu.c). */
size_t audit_cpu(const struct ruleset *rs, const struct cpu_view *v, unsigned long line,
                 const char *text, struct findings *out);
/* The subject of a crash's findings: "<source>:<line>", owned. */
char *crash_subject(const struct crash_view *v);
/* A new finding of `rule` for `subject` (copied), its remediation rendered
 * for the record `r`. */
struct finding finding_new(const struct rule *rule, const char *subject, const struct record *r);
/* Puts in f->rel each VM that one of f's related rules found among
 * vmf[0..n), once, with the first related rule (in the rule's order) that
 * names it: a crash finding lists the VMs that carry its trigger. */
void findings_link_related(struct finding *f, const struct finding *vmf, size_t n);
/* Moves all findings of `from` to the end of `to`. */
void findings_move(struct findings *to, struct findings *from);
/* Frees the strings of one finding, not the finding itself. */
void finding_release(struct finding *f);
void findings_release(struct findings *f);
/* Highest level among the findings, or -1 when there are none. */
int findings_max_level(const struct findings *f);

#endif
