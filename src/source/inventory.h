/* inventory: VM records from the inventories admins already have: an
 * RVTools export (.xlsx workbook or per-sheet CSV), govc's JSON (vm.info,
 * object.collect, device.info) and a saved vmtriage JSON report (its `vms`
 * records: what `fix --from` re-audits). Recognised by content, never by
 * file name. Each VM is built as the struct vm a .vmx scan builds, so every
 * rule reads it unchanged; what the source cannot give stays unknown.
 * Declared here, with the sources, for the commands that take inventories;
 * defined in record/inventory.c, which reads through source/inv_source.c,
 * parses with parse/inventory/ and builds the records. */
#ifndef VT_INVENTORY_H
#define VT_INVENTORY_H

#include "util/diag.h"

struct vm; /* record/vm.h: the reader (record/inventory.c) builds records */

/* Receives each VM in file order and owns it (vm_free). vm->path is the
 * subject findings name (the inventory path, or "FILE:ROW"). */
typedef void (*inventory_vm_fn)(void *arg, struct vm *vm);

/* Reads `path` when it is an inventory. Returns 1 when it was one and was
 * read (problems with single rows are in `d`), 0 when it is none of the
 * forms above (nothing read, nothing added to `d`), -1 when it is one but
 * could not be read (`d` names the file and the line, row or byte offset).
 * `path` may be a folder: one holding RVTools' per-sheet CSV files (found
 * by their header rows) is read as one export; any other folder gives 0.
 * Each read adds one note saying what the input cannot give (its VMs'
 * vm->unknown); a saved report without VM records gives 1, no VM and a
 * note saying so. */
int inventory_read(const char *path, inventory_vm_fn fn, void *arg, struct diags *d);

#endif
