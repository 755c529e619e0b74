/* record: one thing a rule looks at, and the named fields it exposes.
 *
 * A VM yields one `vm` record and one `nic` / `controller` record per device;
 * a device record also carries its VM's `vm.*` fields, so a selection such as
 * "nic.type e1000 and nic.present" never mixes two NICs (DESIGN.md). A decoded
 * purple screen is one `crash` record; a log line is one `log` record; a
 * Windows crash dump is one `dump` record; a CPU listing one `cpu` record. The
 * field names are the rule vocabulary: a rule naming another field fails to
 * load. The tables live in record_vm.c and record_crash.c. */
#ifndef VT_RECORD_H
#define VT_RECORD_H

#include "parse/cpu/cpu.h"
#include "parse/dump/dump.h"
#include "parse/log/log_record.h"
#include "parse/psod/psod.h"
#include "record/vm.h"

#include <stdbool.h>
#include <stddef.h>

enum record_kind {
    REC_VM,
    REC_NIC,
    REC_CONTROLLER,
    REC_CRASH,
    REC_LOG,
    REC_DUMP,
    REC_CPU,
    REC__COUNT
};

/* VM, NIC and controller records come from a VM; the others do not. */
static inline bool
record_kind_is_vm(enum record_kind k)
{
    return k == REC_VM || k == REC_NIC || k == REC_CONTROLLER;
}

/* FV_LIST is a list of texts (the functions of a backtrace): a test holds
 * when it holds for any element; an empty list reads as null. */
enum fv_type { FV_NULL, FV_BOOL, FV_INT, FV_STR, FV_LIST };

struct fv {
    enum fv_type t;
    long long i;             /* FV_BOOL (0/1) and FV_INT; FV_LIST: the element count */
    const char *s;           /* FV_STR, borrowed from the record */
    const char *const *list; /* FV_LIST, borrowed from the record */
};

/* A crash as rules see it: the decoded crash plus the lists rules match on,
 * built once per crash (crash_view_init) and released with it. */
struct crash_view {
    const struct psod_crash *crash; /* borrowed */
    const char *source;             /* borrowed: the file or "-" */
    const char **functions;         /* every frame's function, panicking CPU then saved CPU */
    size_t nfunctions;
    const char **modules; /* frame modules and Module(s) involved, each once */
    size_t nmodules;
    const char **texts; /* the message, notes and Module(s) involved text */
    size_t ntexts;
    const char *product; /* the crash's banner, or one seen elsewhere in the input */
    const char *build;   /* digits; same */
    /* When no signature matches: the known issues whose signatures share the
     * most with this crash (findings/similar.c), best first; borrowed from
     * the rules, which outlive the report. */
    struct crash_similar {
        const char *rule;
        double score; /* 0..1: the share of the signature's features the crash has */
        const char *const *refs;
        size_t nrefs;
    } similar[3];
    size_t nsimilar;
};

void crash_view_init(struct crash_view *v, const struct psod_crash *c, const char *source);
void crash_view_release(struct crash_view *v);

/* A Windows crash dump as rules see it: the dump plus its driver names as
 * lists, built once per dump (dump_view_init) and released with it. */
struct dump_view {
    const struct crash_dump *dump; /* borrowed */
    const char *path;              /* borrowed */
    const char **drivers;          /* every loaded driver's file name */
    size_t ndrivers;
    const char **stack; /* the drivers with an address on the saved stack */
    size_t nstack;
    const char **unloaded; /* unloaded drivers' names */
    size_t nunloaded;
};

void dump_view_init(struct dump_view *v, const struct crash_dump *d, const char *path);
void dump_view_release(struct dump_view *v);

/* A CPU listing as rules see it (both borrowed): the parsed listing and the
 * file it came from ("-" for standard input). */
struct cpu_view {
    const struct cpu_info *info;
    const char *path;
};

/* What the caller asked for that changes how a VM is seen. */
struct record_ctx {
    bool profile_nested; /* --profile nested: treat every VM as running a hypervisor */
};

struct record {
    enum record_kind kind;
    const struct vm *vm;
    const struct vm_nic *nic;         /* REC_NIC */
    const struct vm_controller *ctrl; /* REC_CONTROLLER */
    const struct crash_view *crash;   /* REC_CRASH */
    const struct log_record *log;     /* REC_LOG (log_record.h) */
    const struct dump_view *dump;     /* REC_DUMP */
    const struct cpu_view *cpu;       /* REC_CPU */
    const struct record_ctx *ctx;
};

/* Steps through the records of r->kind of r->vm: the VM once, or each NIC or
 * controller; a crash or log record once. Set r->kind, the source pointer
 * (vm, crash or log), r->ctx and *i = 0 first; each true return leaves the
 * next record in *r. */
bool record_next(struct record *r, size_t *i);

struct field_def;

/* Finds a field by name for a record kind. "vmx.<key>" names any raw key of
 * the .vmx (a string, null when absent). Returns NULL when the kind does not
 * have that field. The returned handle is valid for the life of the process
 * for built-in fields; a vmx.* handle must be released with field_release. */
const struct field_def *field_lookup(enum record_kind kind, const char *name);
void field_release(const struct field_def *f);
/* The pattern every line holds where a log field is not null (see
 * record_log.c), or NULL. */
const char *field_needle(const struct field_def *f);
/* Static type of a field (FV_STR for vmx.*). */
enum fv_type field_type(const struct field_def *f);
const char *field_name(const struct field_def *f);
/* Reads the field of a record. */
struct fv field_get(const struct field_def *f, const struct record *r);
/* The .vmx line that backs the field for this record (for evidence), or NULL
 * (always NULL for crash and log records: their evidence is the crash). */
const struct vmx_entry *field_source(const struct field_def *f, const struct record *r);

const char *record_kind_name(enum record_kind k);
/* Returns the kind named `name` ("vm", "nic", "controller", "crash", "log",
 * "dump", "cpu"), or -1. */
int record_kind_from_name(const char *name);
/* Lists the built-in field names usable with `kind`, NULL-terminated, static. */
void field_list(enum record_kind kind, const char **out, size_t max);

#endif
