/* inv_xlsx: an RVTools .xlsx workbook, read with libxml2's SAX push parser
 * from the zip members a source streams to it. First the workbook's sheet
 * list (xl/workbook.xml), its relationships (xl/_rels/workbook.xml.rels)
 * and the shared strings (xl/sharedStrings.xml, held: at most
 * XLSX_MAX_STRINGS_BYTES), then each wanted sheet by NAME (vNetwork,
 * vMemory, vCPU, vInfo), whose rows go to inv_rvtools one at a time. Pure.
 * Built with libxml2 only (the dynamically linked build, VT_VSPHERE). */
#ifndef VT_INV_XLSX_H
#define VT_INV_XLSX_H

#include "parse/inventory/inv_rvtools.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

#define XLSX_MAX_STRINGS_BYTES (256u << 20) /* the shared strings, all together */
#define XLSX_MAX_CELL (1u << 20)            /* one cell's text */
#define XLSX_MAX_COLUMNS 16384              /* Excel's own limit (XFD) */

struct xlsx;

struct xlsx *xlsx_new(const char *file, struct diags *d);
/* Whether a zip member is one of the first pass's. */
bool xlsx_meta_member(const char *name);
/* Feeds a first-pass member's bytes; p == NULL ends the member. Returns 0,
 * or -1 with an error in `d`. */
int xlsx_meta_chunk(struct xlsx *x, const char *member, const unsigned char *p, size_t n);
/* After the first pass: the zip member of sheet `name`, or NULL when the
 * workbook has no such sheet. Borrowed. */
const char *xlsx_sheet_member(struct xlsx *x, const char *name);
/* Starts reading a sheet into `r` as sheet `s`. */
void xlsx_sheet_begin(struct xlsx *x, enum rvt_sheet s, const char *sheet_name, struct rvt *r);
/* Feeds the sheet's bytes; p == NULL ends it. Returns 0, or -1 with an error. */
int xlsx_sheet_chunk(struct xlsx *x, const unsigned char *p, size_t n);
void xlsx_free(struct xlsx *x);

#endif
