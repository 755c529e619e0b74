/* diagnose_parts: what a diagnose walk takes beyond the VM itself, shared by
 * `vmtriage diagnose` (cmd_diagnose.c) and the walks `bundle` and the default
 * run start unasked (diagnose_host.c): the stop code and where it came from
 * (diagnose_stop.c), the ESXi host's build, HV Support and log findings that
 * name the VM (diagnose_host.c). Private to src/cmd. */
#ifndef VT_DIAGNOSE_PARTS_H
#define VT_DIAGNOSE_PARTS_H

#include "cmd/cli.h"

#include <stdbool.h>
#include <stdint.h>

/* A stop code and where it came from. */
struct diag_stop {
    bool has;
    uint32_t code;
    char *from;    /* owned */
    char *subject; /* owned, or NULL when the stop code is a dump's own */
    struct crash_dump dump; /* the dump that holds only the stop code */
    struct dump_view view;
    bool has_view;
};


/* The stop code as a dump that holds only its code, through the dump rules
 * into `out` (their remediation is the fix); problems of the rules' patterns
 * go to `d`. */
void audit_stop(const struct ruleset *rules, struct diag_stop *st, struct findings *out,
                struct diags *d);
/* A stop code read from `where` (owned, taken: also the subject of its findings). */
void stop_set(struct diag_stop *st, uint32_t code, char *where);
/* Releases what *st owns (its view: the walk must be done with its findings). */
void stop_release(struct diag_stop *st);
/* The stop code a Windows guest handed the hypervisor, as the VM's vmware.log
 * recorded it in fs->v[from..] (only the findings of `folder` when it is not
 * NULL): sets *st from the first WinBSOD line and returns true. */
bool log_stop(const struct findings *fs, size_t from, const char *folder, struct diag_stop *st);

/* "VMware ESXi 7.0.3 build 21424296" (owned), or NULL when the facts name
 * neither product nor build. */
char *host_summary(const struct host_facts *h);
/* The host's HV Support (h->hv_support >= 0) as its CPU listing *info, through
 * the cpu rules into `out`; returns the listing's name (owned), the subject of
 * its findings. Release *info with cpu_release. */
char *host_cpu(const struct ruleset *rules, const struct host_facts *h, const char *host,
               struct cpu_info *info, struct findings *out);
/* The log and crash findings of `fs` (but those whose subject is skip[0] or
 * skip[1]: the VM's own folder and .vmx; skip may be NULL) whose lines name
 * the VM: the .vmx path the log reader took from them (its file name), or, in
 * a line, the VM's display name or .vmx file name (3 bytes or more). Marks
 * them in used[] when not NULL. Owned array of borrowed findings; *n of them. */
const struct finding **host_findings_for(const struct findings *fs, const char *const skip[2],
                                         const struct vm *vm, const char *vmx, bool *used,
                                         size_t *n);

#endif
