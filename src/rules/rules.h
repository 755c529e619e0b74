/* rules: the knowledge base, Sigma-style YAML rules loaded into memory.
 *
 * A rule names the record kind it reads (`logsource.category`), selections of
 * field tests, a condition over them, a level, public references and a
 * remediation per tool (docs/RULES.md is the reference). Rules are compiled
 * into the binary from the rules folder and more can be read with --rules DIR. */
#ifndef VT_RULES_H
#define VT_RULES_H

#include "util/diag.h"
#include "record/record.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

enum level { LEVEL_INFORMATIONAL, LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_CRITICAL };

const char *level_name(enum level l);
/* Returns the level called `name`, or -1. */
int level_from_name(const char *name);

struct remedy {
    char *tool; /* vsphere_client, powercli, govc, esxi_shell, guest_windows, guest_linux, vmx */
    char *text; /* may hold {{field}} placeholders, see rule_render */
};

struct rule_sample {
    char *text; /* a .vmx text (vm, nic, controller rules), crash text or log lines */
    unsigned long line;
};

/* The first release of a line with the fix, as the source states it. */
struct fixed_in {
    char *version;   /* "ESXi 7.0 Update 3c" */
    long long build; /* 19193900; 0 when the source gives no build */
};

/* What `vmtriage fix` prints for the rule's findings (docs/RULES.md "plan"):
 * words for the admin, and per tool a script step for one finding that is
 * runnable unattended and changes nothing when run again. All optional but
 * `action`. */
struct rule_plan {
    char *action;       /* "Switch the network adapters from e1000 to VMXNET3" */
    char *before;       /* what the guest needs first, or NULL */
    char *guest_impact; /* what changes for the guest, or NULL */
    char **steps;       /* the order: power off, change, power on, verify */
    size_t nsteps;
    struct remedy *scripts; /* tool: powercli, govc, esxi_shell, ansible (VM rules only) */
    size_t nscripts;
};

struct rule {
    char *id, *title, *description, *status;
    enum level level;
    enum record_kind kind;
    char **refs;
    size_t nrefs;
    struct remedy *remedies;
    size_t nremedies;
    bool fallback;  /* crash rules: only when no other crash rule matched the crash */
    char **related; /* crash/log rules: VM rules whose findings carry this trigger */
    size_t nrelated;
    char **affects; /* releases the source names as affected */
    size_t naffects;
    struct fixed_in *fixed_in;
    size_t nfixed_in;
    char *workaround; /* or NULL */
    char *culprit;    /* crash rules: the module the source names as the cause, or NULL */
    struct rule_plan *plan; /* or NULL */
    struct rule_sample *match, *no_match;
    size_t nmatch, nno_match;
    char *file;             /* where it was loaded from */
    unsigned long line;     /* of the rule's first key */
    bool builtin;           /* static data of the program (kb_rules.h): never freed */
    struct rule_impl *impl; /* selections, condition, compiled regexes */
};

/* cap == 0 with n > 0: v is the program's own array (kb_rules), borrowed;
 * the first rule added after it copies it. */
struct rule_index;
struct ruleset {
    struct rule **v;
    size_t n, cap;
    /* the crash rules' index (rule_index.h) when rules from files are
     * loaded: built on first use, dropped when rules are added */
    struct rule_index *_Atomic crash_index;
};

#define RULESET_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0, NULL                                                                           \
    }

/* Loads every rule document of a YAML text. Problems (bad YAML, unknown keys,
 * unknown fields, a field test whose value does not fit the field's type, a
 * bad regex or condition, a duplicate id) become DIAG_ERROR entries naming
 * `name` and the line; the faulty rule is not added. Returns the number of
 * errors. */
size_t rules_load_text(struct ruleset *rs, const char *name, const char *text, size_t len,
                       struct diags *d);
/* Loads the rules compiled into the binary (kb_rules.h): no work per rule.
 * Returns 0. */
size_t rules_load_builtin(struct ruleset *rs, struct diags *d);
/* Loads every *.yml / *.yaml file of a directory, in name order. */
size_t rules_load_dir(struct ruleset *rs, const char *dir, struct diags *d);
const struct rule *rules_find(const struct ruleset *rs, const char *id);
/* True when rs holds the built-in rules alone, as rules_load_builtin gave
 * them (what build-time tables such as the log prefilter's were made for). */
bool ruleset_is_builtin(const struct ruleset *rs);
void ruleset_release(struct ruleset *rs);

/* True when the rule's condition holds for the record (of the rule's kind). */
bool rule_match(const struct rule *rule, const struct record *r);

/* Compiles every |re pattern of the rule now (matching compiles them on first
 * use; the built-in rules are not compiled at load). Returns NULL when all
 * compile, else the first pattern that does not (borrowed), with PCRE2's
 * reason in `why`. */
const char *rule_bad_regex(const struct rule *rule, char *why, size_t whylen);
/* True when pred(field name, arg) holds for a field the rule tests: a rule
 * resting on a field a VM's source could not give is unknown for it. */
bool rule_tests_any(const struct rule *rule, bool (*pred)(const char *field, const void *arg),
                    const void *arg);

/* True when the rule matches a record built from its sample text (see
 * rules_sample.c). Problems with the text go to `d`. */
bool rule_sample_hits(const struct rule *rule, const char *text, struct diags *d);

/* The .vmx lines that back the fields the rule tests, for this record, in
 * line order. Fills at most `max` entries; returns how many. */
size_t rule_evidence(const struct rule *rule, const struct record *r, const struct vmx_entry **out,
                     size_t max);

/* The literal prefilter of `logs` (rules_prefilter.c): patterns such that
 * any log line a log rule matches holds at least one of them, so a whole
 * block of lines can be searched for them at once and only the lines that
 * hold one are read as records. Patterns are in PCRE/hyperscan syntax,
 * caseless when `caseless`. */
struct rule_pattern {
    char *expr; /* owned */
    bool caseless;
};

struct rule_patterns {
    struct rule_pattern *v;
    size_t n, cap;
};

/* Appends the rule's patterns to *out. Returns false (appending nothing)
 * when some record could match without holding any pattern: a condition
 * that is only `not ...`, or tests only on fields that no fixed text backs
 * (log.level, log.cpu ...). Such a rule must be run on every line. */
bool rule_prefilter(const struct rule *rule, struct rule_patterns *out);
void rule_patterns_release(struct rule_patterns *p);
/* The same reading of the condition for an index (rule_index.h): keys (in
 * `expr`, lower-cased) such that a record the rule matches has one of them
 * as the value, or an element of the value, of `field` ("crash.functions"),
 * ASCII case ignored. False when the rule can match without. */
bool rule_keys(const struct rule *rule, const char *field, struct rule_patterns *out);
/* `s` as a pattern that matches it literally: every byte that is not a
 * letter or digit written as \xHH. Owned. */
char *pattern_escape_literal(const char *s);

/* Expands the {{field|quoting}} placeholders of a remediation text for
 * `tool` with the record's values, each quoted as its placeholder says
 * (util_quote.h); a line whose value cannot be quoted safely is replaced by a
 * comment saying so. Returns an owned string. */
char *rule_render(const struct rule *rule, const char *tool, const char *text,
                  const struct record *r);
/* The same; *refused tells whether some line was left out. */
char *rule_render_ex(const struct rule *rule, const char *tool, const char *text,
                     const struct record *r, bool *refused);
/* The literal values (not regexes) the rule's selections test on `field`
 * ("crash.functions"), each once (ASCII case ignored), at most max; borrowed
 * from the rule. */
size_t rule_literals(const struct rule *r, const char *field, const char **out, size_t max);
/* Whether `tool` is a remediation tool (vsphere_client, powercli, ...). */
bool remedy_tool_known(const char *tool);
/* Checks a remediation template: every placeholder names a field of `kind`
 * and a quoting that fits the tool's shell (rules_render.c). Returns false
 * with the reason appended to *why. */
struct buf;
bool template_check(const char *tool, const char *text, enum record_kind kind, struct buf *why);

#endif
