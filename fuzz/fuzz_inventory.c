/* fuzz_inventory: arbitrary bytes through the inventory readers
 * (parse/inventory/): the first byte picks the reader (mod 4: RVTools CSV,
 * govc/report JSON, an .xlsx worksheet, an .xlsx shared-strings part; the
 * workbook's zip layer is libarchive's, fuzzed upstream), the second the
 * size of the pieces it is fed in (a file is read in chunks, split
 * anywhere). Invariants: no crash or hang; every VM a reader emits is a
 * .vmx document the .vmx reader takes without an error; a reader's failure
 * always leaves an error in the diagnostics.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/inventory/inv_csv.h"
#include "parse/inventory/inv_json.h"
#include "parse/inventory/inv_rvtools.h"
#include "parse/vmx/vmx_parse.h"
#include "util/util_mem.h"
#ifdef VT_VSPHERE
#include "parse/inventory/inv_xlsx.h"
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int fuzz_inventory_one(const uint8_t *data, size_t size);

static void
fuzz_inventory_vm(void *arg, struct inv_vm *vm)
{
    (void)arg;
    size_t len;
    char *text = vmx_writer_detach(&vm->w, &len);
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = vmx_parse(text, len, "fuzz", &d);
    if (doc == NULL || diags_count(&d, DIAG_ERROR) != 0)
        VT_BUG("fuzz_inventory: the .vmx written for a VM does not parse cleanly: %s",
               d.n ? d.v[0].message : "(no document)");
    vmx_doc_free(doc);
    diags_release(&d);
    free(text);
    inv_vm_release(vm);
}

struct fuzz_csv {
    struct rvt *r;
    bool header;
};

static int
fuzz_csv_row(void *arg, unsigned long line, char **cells, size_t n)
{
    struct fuzz_csv *f = arg;
    if (!f->header) {
        f->header = true;
        enum rvt_sheet s = rvt_sheet_of(cells, n);
        if (s == RVT_NONE)
            s = RVT_VINFO; /* make the rows count anyway */
        rvt_begin(f->r, s, "fuzz", line, cells, n);
        return 0;
    }
    rvt_row(f->r, line, cells, n);
    return 0;
}

int
fuzz_inventory_one(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int form = data[0] % 4;
    size_t piece = 1 + data[1] % 64;
    data += 2;
    size -= 2;
    struct diags d = DIAGS_INIT;
    if (form == 0) {
        struct fuzz_csv f = {rvt_new(fuzz_inventory_vm, NULL, &d), false};
        struct csv c;
        csv_init(&c);
        int rc = 0;
        for (size_t off = 0; off < size && rc == 0; off += piece)
            rc = csv_feed(&c, (const char *)data + off, size - off < piece ? size - off : piece,
                          fuzz_csv_row, &f);
        if (rc == 0)
            rc = csv_finish(&c, fuzz_csv_row, &f);
        if (rc < 0 && c.err[0] == '\0')
            VT_BUG("fuzz_inventory: a CSV error without a message");
        csv_release(&c);
        rvt_free(f.r);
    } else if (form == 1) {
        struct invj *j = invj_new("fuzz", fuzz_inventory_vm, NULL, &d);
        int rc = 0;
        for (size_t off = 0; off < size && rc == 0; off += piece)
            rc = invj_feed(j, data + off, size - off < piece ? size - off : piece);
        if (rc == 0)
            rc = invj_finish(j);
        if (rc < 0 && diags_count(&d, DIAG_ERROR) == 0)
            VT_BUG("fuzz_inventory: a JSON error without a diagnostic");
        invj_free(j);
    } else {
#ifdef VT_VSPHERE
        struct xlsx *x = xlsx_new("fuzz", &d);
        struct rvt *r = rvt_new(fuzz_inventory_vm, NULL, &d);
        int rc = 0;
        if (form == 3) { /* shared strings, then a small sheet that uses them */
            for (size_t off = 0; off < size && rc == 0; off += piece)
                rc = xlsx_meta_chunk(x, "xl/sharedStrings.xml", data + off,
                                     size - off < piece ? size - off : piece);
            if (rc == 0)
                rc = xlsx_meta_chunk(x, "xl/sharedStrings.xml", NULL, 0);
            static const char sheet[] =
                "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c>"
                "</row><row r=\"2\"><c t=\"s\"><v>2</v></c></row></sheetData></worksheet>";
            xlsx_sheet_begin(x, RVT_VINFO, "vInfo", r);
            if (rc == 0 && xlsx_sheet_chunk(x, (const unsigned char *)sheet, sizeof(sheet) - 1) == 0)
                rc = xlsx_sheet_chunk(x, NULL, 0);
        } else {
            xlsx_sheet_begin(x, RVT_VINFO, "vInfo", r);
            for (size_t off = 0; off < size && rc == 0; off += piece)
                rc = xlsx_sheet_chunk(x, data + off, size - off < piece ? size - off : piece);
            if (rc == 0)
                rc = xlsx_sheet_chunk(x, NULL, 0);
        }
        if (rc < 0 && diags_count(&d, DIAG_ERROR) == 0)
            VT_BUG("fuzz_inventory: an xlsx error without a diagnostic");
        rvt_free(r);
        xlsx_free(x);
#endif
    }
    diags_release(&d);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_inventory_one(data, size);
}
#endif
