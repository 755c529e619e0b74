/* inv_json: VMs from JSON inventories, streamed with yajl, memory bounded by
 * one VM object:
 *   - govc vm.info -json: {"VirtualMachines": [...]} (govc < 0.31,
 *     PascalCase) or {"virtualMachines": [...]} (camelCase);
 *   - govc object.collect -json: a stream of objects ({Obj, ChangeSet:
 *     [{Name, Op, Val}]}, either case; newer govc wraps values as
 *     {"_typeName", "_value"}); only VirtualMachine objects are VMs;
 *   - govc device.info -json: {"Devices": [...]} of one VM (which the
 *     output does not name: its subject is the file);
 *   - a saved vmtriage JSON report: "schema" first ("schema": 1 is read,
 *     any other is refused), its "vms" records as vm_to_json writes them.
 * Keys compare without case. Pure: bytes in, inventory VMs out. */
#ifndef VT_INV_JSON_H
#define VT_INV_JSON_H

#include "parse/inventory/inv.h"
#include "util/diag.h"

#include <stddef.h>

enum invj_form { INVJ_UNKNOWN, INVJ_VMINFO, INVJ_COLLECT, INVJ_DEVICES, INVJ_REPORT, INVJ_NONE };

/* Caps: one VM object's values, one string, nesting. */
#define INVJ_MAX_VALUES 8192
#define INVJ_MAX_STRING (64u << 10)
#define INVJ_MAX_DEPTH 64

struct invj;

/* `file` names subjects and diagnostics. */
struct invj *invj_new(const char *file, inv_vm_fn fn, void *arg, struct diags *d);
/* Feeds bytes. Returns 0 to go on, 1 when the input is JSON but none of the
 * forms above (stop: nothing was emitted), -1 on an error (a diagnostic
 * names the file and the byte offset). */
int invj_feed(struct invj *j, const unsigned char *p, size_t n);
/* Ends the input; same returns. */
int invj_finish(struct invj *j);
enum invj_form invj_form_of(const struct invj *j);
/* "govc vm.info", "govc object.collect", "govc device.info", "a vmtriage report". */
const char *invj_form_name(enum invj_form f);
/* What the input could not give (enum inv_unknown), over all its VMs. */
unsigned invj_unknown(const struct invj *j);
size_t invj_vms(const struct invj *j);
void invj_free(struct invj *j);

#endif
