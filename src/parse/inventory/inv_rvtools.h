/* inv_rvtools: RVTools sheets (vInfo, vNetwork, vMemory, vCPU) read by
 * header name, never by position (sites insert custom-attribute columns
 * between Annotation and Datacenter), in the default headers and the
 * -DBColumnNames ones (kb/vsphere-api-and-peers.md §1.1). The same rows come
 * from the .xlsx workbook and from the per-sheet CSV export.
 *
 * vNetwork, vMemory and vCPU rows must come before vInfo's: they are kept
 * (about 100 bytes per adapter or VM) and joined to each vInfo VM by VM name
 * and, where both sheets have it, VM UUID; each vInfo row then becomes one
 * VM at once. Pure. */
#ifndef VT_INV_RVTOOLS_H
#define VT_INV_RVTOOLS_H

#include "parse/inventory/inv.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

enum rvt_sheet { RVT_NONE, RVT_VINFO, RVT_VNETWORK, RVT_VMEMORY, RVT_VCPU };

/* Which sheet a header row is, by its column names; RVT_NONE when it is
 * none of the four (or no RVTools sheet at all). */
enum rvt_sheet rvt_sheet_of(char *const *cells, size_t n);
const char *rvt_sheet_name(enum rvt_sheet s);
/* Whether a header row has RVTools' VM column ("VM", "vInfoVMName", ...):
 * a table about VMs, whether or not rvt_sheet_of knows the sheet. */
bool rvt_has_vm_column(char *const *cells, size_t n);

struct rvt;

/* VMs go to fn(arg, vm). Problems with single rows go to `d`. */
struct rvt *rvt_new(inv_vm_fn fn, void *arg, struct diags *d);
/* A sheet begins with its header row; `source` names it in subjects and
 * diagnostics ("FILE" for a CSV, "FILE" too for a workbook: rows are then
 * sheet rows). Returns -1 (with a diagnostic at `line`) when a column the
 * sheet needs is missing. */
int rvt_begin(struct rvt *r, enum rvt_sheet s, const char *source, unsigned long line,
              char *const *hdr, size_t n);
/* One data row of the current sheet. */
void rvt_row(struct rvt *r, unsigned long line, char *const *cells, size_t n);
/* Sheets read so far, as a bit set of 1 << enum rvt_sheet. */
unsigned rvt_sheets(const struct rvt *r);
/* VMs made. */
size_t rvt_vms(const struct rvt *r);
/* What the export could not give (enum inv_unknown), over all its VMs. */
unsigned rvt_unknown(const struct rvt *r);
void rvt_free(struct rvt *r);

#endif
