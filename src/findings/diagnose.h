/* diagnose: the decision tree of `vmtriage diagnose`, walked for one VM.
 *
 * The tree is data (data/diagnose_tree.tsv: node order, the question, the
 * rules and console messages that answer it, the stop codes that put it
 * first, what to give when nothing answers it). The walk takes what the
 * command read for one VM (its record and findings, the guest's console,
 * CPU listing, dumps and stop code: each optional) and answers every node:
 * the answer, the evidence (file:line, or "not given: ..."), a verdict, the
 * fix of the rules that found the problem (their remediation, already
 * rendered for the VM), then the likely causes ranked with why.
 *
 * It decides from findings the rules already made and from the console
 * events; it reads no file and prints nothing. */
#ifndef VT_DIAGNOSE_H
#define VT_DIAGNOSE_H

#include "findings/findings.h"
#include "parse/console/console.h"
#include "parse/cpu/cpu.h"
#include "parse/dump/dump.h"
#include "record/vm.h"

#include <stdbool.h>
#include <stdint.h>

enum diag_verdict { DV_OK, DV_PROBLEM, DV_UNKNOWN };

/* What one VM's walk may use; everything is borrowed and may be absent. */
struct diag_input {
    const char *vm_path;    /* the VM as given (a .vmx, or its folder) */
    const char *vmx_path;   /* the .vmx read, or NULL */
    const struct vm *vm;    /* NULL when no .vmx could be read */
    const char *vm_folder;  /* subject of its vmware.log findings, or NULL */
    size_t nlogs;           /* vmware*.log files read */
    bool profile_nested;    /* --profile nested */
    const struct console_info *con; /* NULL when not given or not readable */
    const char *con_path;
    const struct cpu_info *cpu; /* the guest's listing; NULL when not given or not readable */
    const char *cpu_path;
    const struct cpu_info *host_cpu; /* the host's (esxcli, or a bare-metal cpuinfo), or NULL */
    const char *host_cpu_path;
    const struct crash_dump *const *dumps; /* the dumps read */
    const char *const *dump_paths;
    size_t ndumps;
    bool has_stop;            /* a stop code from --stop-code, a dump or the console */
    uint32_t stop_code;
    const char *stop_from;    /* where it came from, for people ("--stop-code 0x7B") */
    const char *stop_subject; /* the subject of its dump-rule findings, or NULL */
    const struct findings *findings; /* every finding of the run; the walk picks this VM's */
    const struct findings *own;      /* or NULL: findings made for this walk alone (the .vmx
                                        audited as nested, the host's HV Support, the stop
                                        code); with it, `findings` gives none of the .vmx's */
    const char *started_by;          /* why the walk was started unasked, or NULL */
    const char *host_path;    /* --host as given, or NULL */
    const char *host_summary; /* what the host is ("VMware ESXi 7.0.3 build 21424296"), or NULL */
    size_t host_logs;         /* its log files read: none leaves host-log unknown */
    const struct finding *const *host_findings; /* the host's log findings about this VM */
    size_t nhost_findings;
    /* A VM read from an inventory: the rules unknown for it (audit_rule_unknown:
     * they test what the inventory cannot give); a node resting on them is
     * unknown, not ok. Borrowed ids. */
    const char *const *unknown_rules;
    size_t nunknown_rules;
};

struct diag_fix {
    const char *tool; /* borrowed from the rule */
    char *text;       /* owned: rendered for this VM */
    const char *rule; /* borrowed: the rule it comes from */
};

struct diag_node {
    const char *id, *question; /* borrowed from the tree */
    enum diag_verdict verdict;
    char *answer;    /* owned */
    char **evidence; /* owned: "file:line: text", or "not given: ..." */
    size_t nevidence;
    struct diag_fix *fixes; /* owned */
    size_t nfixes;
    bool on_branch; /* walked first: the stop code or the console led here */
    int score;      /* how strongly the evidence points here (for the causes) */
};

struct diag_cause {
    const char *node; /* borrowed: the node's id */
    char *title;      /* owned */
    char *why;        /* owned */
    int score;
};

struct diagnosis {
    char *vm;        /* owned: the VM as given */
    char *name;      /* owned: displayName, or NULL */
    bool nested;     /* the nested-only nodes applied */
    char *nested_why; /* owned: why it counts as nested, or why not */
    char **evidence; /* owned: what was read for it, one line each */
    size_t nevidence;
    struct diag_node *nodes; /* owned, in walk order */
    size_t nnodes;
    struct diag_cause *causes; /* owned, most likely first */
    size_t ncauses;
    char *rerun; /* owned: the command that would answer the unknown nodes (values quoted
                    for sh), or NULL when none or the path cannot be quoted */
};

/* Whether the VM counts as a nested hypervisor for the walk: --profile nested,
 * a vmkernel guest, a vhv.enable or vhc.enable key, KVM messages (or vhc.enable) on its
 * console, or the stop code 0x20001 HYPERVISOR_ERROR (Hyper-V runs in the
 * guest: rules/dump-windows.yml). *why (owned) says which, or why not. The command audits such a VM
 * with the nested profile so that the nested rules speak for it. */
bool diagnose_nested(const struct vm *vm, bool profile, const struct console_info *con,
                     bool has_stop, uint32_t stop_code, char **why);
/* Walks the tree for one VM. Never fails; the result is owned (diagnosis_free). */
struct diagnosis *diagnose_walk(const struct diag_input *in);
void diagnosis_free(struct diagnosis *d);
/* "ok", "problem", "unknown"; never NULL. */
const char *diag_verdict_name(enum diag_verdict v);
/* The tree's node ids in file order, for tests; *n receives the count. */
const char *const *diagnose_tree_ids(size_t *n);
/* Column `col` (0 id, 1 scope, 2 branch, 3 rules, 4 console, 5 question,
 * 6 how) of node `i` as the data file writes it, for tests; NULL out of range. */
const char *diagnose_tree_field(size_t i, int col);

#endif
