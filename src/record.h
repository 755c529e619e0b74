/* record: one thing a rule looks at, and the named fields it exposes.
 *
 * A VM yields one `vm` record and one `nic` / `controller` record per device;
 * a device record also carries its VM's `vm.*` fields, so a selection such as
 * "nic.type e1000 and nic.present" never mixes two NICs (DESIGN.md). The field
 * names are the rule vocabulary: a rule naming another field fails to load. */
#ifndef VT_RECORD_H
#define VT_RECORD_H

#include "vm.h"

#include <stdbool.h>
#include <stddef.h>

enum record_kind { REC_VM, REC_NIC, REC_CONTROLLER, REC__COUNT };

enum fv_type { FV_NULL, FV_BOOL, FV_INT, FV_STR };

struct fv {
    enum fv_type t;
    long long i; /* FV_BOOL (0/1) and FV_INT */
    const char *s; /* FV_STR, borrowed from the record */
};

/* What the caller asked for that changes how a VM is seen. */
struct record_ctx {
    bool profile_nested; /* --profile nested: treat every VM as running a hypervisor */
};

struct record {
    enum record_kind kind;
    const struct vm *vm;
    const struct vm_nic *nic;          /* REC_NIC */
    const struct vm_controller *ctrl;  /* REC_CONTROLLER */
    const struct record_ctx *ctx;
};

/* Steps through the records of r->kind of r->vm: the VM once, or each NIC or
 * controller. Set r->kind, r->vm, r->ctx and *i = 0 first; each true return
 * leaves the next record in *r. */
bool record_next(struct record *r, size_t *i);

struct field_def;

/* Finds a field by name for a record kind. "vmx.<key>" names any raw key of
 * the .vmx (a string, null when absent). Returns NULL when the kind does not
 * have that field. The returned handle is valid for the life of the process
 * for built-in fields; a vmx.* handle must be released with field_release. */
const struct field_def *field_lookup(enum record_kind kind, const char *name);
void field_release(const struct field_def *f);
/* Static type of a field (FV_STR for vmx.*). */
enum fv_type field_type(const struct field_def *f);
const char *field_name(const struct field_def *f);
/* Reads the field of a record. */
struct fv field_get(const struct field_def *f, const struct record *r);
/* The .vmx line that backs the field for this record (for evidence), or NULL. */
const struct vmx_entry *field_source(const struct field_def *f, const struct record *r);

const char *record_kind_name(enum record_kind k);
/* Returns the kind named `name` ("vm", "nic", "controller"), or -1. */
int record_kind_from_name(const char *name);
/* Lists the built-in field names usable with `kind`, NULL-terminated, static. */
void field_list(enum record_kind kind, const char **out, size_t max);

#endif
