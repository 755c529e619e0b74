/* inventory: inventory_read (source/inventory.h): recognises the input by its
 * first bytes (a zip archive: an .xlsx workbook; '{': JSON; else a CSV whose
 * header row is an RVTools sheet), streams it through source/inv_source.c
 * into the parsers of parse/inventory/, and builds each VM as a .vmx scan
 * does: the .vmx document the inventory's facts stand for goes through the
 * .vmx reader and the VM builder, then the inventory's own facts (power
 * state, host, what it cannot give) are set on the record. */
#include "source/inventory.h"
#include "parse/inventory/inv_csv.h"
#include "parse/inventory/inv_json.h"
#include "parse/inventory/inv_rvtools.h"
#include "parse/inventory/inv_xlsx.h"
#include "parse/vmx/vmx_parse.h"
#include "record/guestos.h"
#include "record/vm.h"
#include "source/inv_source.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct ictx {
    const char *path;
    inventory_vm_fn fn;
    void *arg;
    struct diags *d;
    size_t vms;
};

/* RVTools writes the guest OS as vSphere's display name ("Microsoft Windows
 * Server 2019 (64-bit)"). The product words name the guestOS key whose
 * family and NT version data/guestos.tsv gives; the first match wins, so
 * longer names come first. */
static const struct {
    const char *words, *key32, *key64;
} guest_words[] = {
    {"Windows Server 2025", NULL, "windows2022srvNext-64"},
    {"Windows Server 2022", NULL, "windows2019srvNext-64"},
    {"Windows Server 2019", NULL, "windows2019srv-64"},
    {"Windows Server 2016", NULL, "windows9srv-64"},
    {"Windows Server 2012", NULL, "windows8srv-64"},
    {"Windows Server 2008 R2", NULL, "windows7srv-64"},
    {"Windows Server 2008", "longhorn", "longhorn-64"},
    {"Windows Server 2003", "winNetStandard", "winNetStandard-64"},
    {"Windows 11", NULL, "windows11-64"},
    {"Windows 10", "windows9", "windows9-64"},
    {"Windows 8", "windows8", "windows8-64"},
    {"Windows 7", "windows7", "windows7-64"},
    {"Windows Vista", "winvista", "winvista-64"},
    {"Windows XP", "winXPPro", "winXPPro-64"},
    {"Windows 2000", "win2000Pro", NULL},
    {"ESXi 9", "vmkernel9", NULL},
    {"ESXi 8", "vmkernel8", NULL},
    {"ESXi 7", "vmkernel7", NULL},
    {"ESXi 6.5", "vmkernel65", NULL},
    {"ESXi 6.7", "vmkernel65", NULL},
    {"ESXi 6", "vmkernel6", NULL},
    {"ESXi 5", "vmkernel5", NULL},
    {"ESX", "vmkernel", NULL},
    {"Linux", "otherlinux", "otherlinux-64"},
    {"CentOS", "otherlinux", "otherlinux-64"},
    {"Red Hat", "otherlinux", "otherlinux-64"},
    {"Ubuntu", "otherlinux", "otherlinux-64"},
    {"Debian", "otherlinux", "otherlinux-64"},
    {"SUSE", "otherlinux", "otherlinux-64"},
    {"Photon", "otherlinux", "otherlinux-64"},
    {"Rocky", "otherlinux", "otherlinux-64"},
    {"AlmaLinux", "otherlinux", "otherlinux-64"},
};

static const struct guestos *
guest_from_words(const char *text)
{
    bool b64 = strstr(text, "64-bit") != NULL;
    for (size_t i = 0; i < sizeof(guest_words) / sizeof(guest_words[0]); i++) {
        const char *at = strcasestr(text, guest_words[i].words);
        if (at == NULL)
            continue;
        /* "Windows 10" is not "Windows 1000"; "ESXi 6" is not "ESXi 6.5" (listed first) */
        char next = at[strlen(guest_words[i].words)];
        if (next >= '0' && next <= '9')
            continue;
        const char *key = b64 && guest_words[i].key64 ? guest_words[i].key64
                          : guest_words[i].key32       ? guest_words[i].key32
                                                       : guest_words[i].key64;
        return guestos_lookup(key);
    }
    return NULL;
}

/* inv_vm_fn: the inventory VM as a struct vm, handed to the caller. */
static void
deliver(void *arg, struct inv_vm *iv)
{
    struct ictx *c = arg;
    const struct guestos *g = NULL;
    const char *key = NULL;
    if (iv->guest_id) {
        g = guestos_lookup_vim(iv->guest_id);
        key = g ? g->key : iv->guest_id;
    } else if (iv->guest_text) {
        g = guestos_lookup(iv->guest_text);
        if (g == NULL)
            g = guestos_lookup_vim(iv->guest_text);
        if (g == NULL)
            g = guest_from_words(iv->guest_text);
        key = g ? g->key : iv->guest_text;
    }
    vmx_writer_put(&iv->w, "guestOS", key);
    size_t len;
    char *text = vmx_writer_detach(&iv->w, &len);
    const char *subject = iv->subject ? iv->subject : c->path;
    struct diags dd = DIAGS_INIT;
    struct vmx_doc *doc = vmx_parse(text, len, subject, &dd);
    free(text);
    if (doc == NULL) {
        diags_move(c->d, &dd);
        diags_release(&dd);
        inv_vm_release(iv);
        return;
    }
    struct vm *vm = vm_from_vmx_checked(doc, subject, &dd);
    diags_move(c->d, &dd);
    diags_release(&dd);
    vm->is_template = iv->is_template;
    vm->unknown = iv->unknown;
    vm->power_state = iv->power_state;
    vm->host = iv->host;
    vm->cluster = iv->cluster;
    vm->datastore_path = iv->datastore_path;
    iv->power_state = iv->host = iv->cluster = iv->datastore_path = NULL;
    /* "[ds1] vm/vm.vmx" is /vmfs/volumes/ds1/vm/vm.vmx in the host's shell */
    const char *dp = vm->datastore_path;
    const char *close = dp && dp[0] == '[' ? strchr(dp, ']') : NULL;
    if (close)
        vm->host_file = xasprintf("/vmfs/volumes/%.*s/%s", (int)(close - dp - 1), dp + 1,
                                  close[1] == ' ' ? close + 2 : close + 1);
    inv_vm_release(iv);
    c->vms++;
    c->fn(c->arg, vm);
}

/* The one note per input: what it cannot give. */
static void
note_unknown(struct ictx *c, const char *what, unsigned unknown)
{
    if (unknown == 0 || c->vms == 0)
        return;
    struct buf b = BUF_INIT;
    inv_unknown_words(unknown, &b);
    diags_add(c->d, DIAG_NOTE, c->path, 0,
              "%s cannot give: %s; rules that test them are unknown for its %zu VM%s (neither a "
              "finding nor passed)",
              what, b.p, c->vms, c->vms == 1 ? "" : "s");
    buf_release(&b);
}

/* --- CSV --- */

struct csv_run {
    struct csv csv;
    struct rvt *r;
    const char *file;
    struct diags *d;
    enum rvt_sheet sheet; /* RVT_NONE until the header */
    bool header_only;     /* stop after the header row (classifying a folder's files) */
    bool header_done, refused, vm_column;
};

static int
csv_row(void *arg, unsigned long line, char **cells, size_t n)
{
    struct csv_run *cr = arg;
    if (!cr->header_done) {
        cr->header_done = true;
        cr->sheet = rvt_sheet_of(cells, n);
        cr->vm_column = rvt_has_vm_column(cells, n) && n >= 3;
        if (cr->sheet == RVT_NONE || cr->header_only)
            return 1;
        if (rvt_begin(cr->r, cr->sheet, cr->file, line, cells, n) < 0) {
            cr->refused = true;
            return 1;
        }
        return 0;
    }
    rvt_row(cr->r, line, cells, n);
    return 0;
}

static int
csv_chunk(void *arg, const unsigned char *p, size_t n)
{
    struct csv_run *cr = arg;
    int rc = csv_feed(&cr->csv, (const char *)p, n, csv_row, cr);
    if (rc < 0) {
        diags_add(cr->d, DIAG_ERROR, cr->file, cr->csv.err_line, "%s; file not read further",
                  cr->csv.err);
        return -1;
    }
    return rc;
}

/* Reads one CSV sheet into r. Returns its sheet kind (RVT_NONE when the
 * header is no RVTools sheet), or -1 on an error. */
static int
csv_sheet(const char *file, struct rvt *r, bool header_only, struct diags *d)
{
    struct csv_run cr = {.r = r, .file = file, .d = d, .header_only = header_only};
    csv_init(&cr.csv);
    int rc = inv_stream(file, csv_chunk, &cr, d);
    if (rc == 0) {
        rc = csv_finish(&cr.csv, csv_row, &cr);
        if (rc < 0)
            diags_add(d, DIAG_ERROR, file, cr.csv.err_line, "%s", cr.csv.err);
    }
    csv_release(&cr.csv);
    if (rc < 0 || cr.refused)
        return -1;
    return (int)cr.sheet;
}


/* A single CSV file: one sheet. */
static int
read_csv_file(struct ictx *c, const unsigned char *head, size_t hn)
{
    /* classify by the header first: a file that is no RVTools sheet is none */
    struct csv_run probe = {.header_only = true, .file = c->path, .d = c->d};
    csv_init(&probe.csv);
    int prc = csv_feed(&probe.csv, (const char *)head, hn, csv_row, &probe);
    csv_release(&probe.csv);
    if (prc >= 0 && probe.header_done && probe.sheet == RVT_NONE && probe.vm_column) {
        diags_add(c->d, DIAG_ERROR, c->path, 1,
                  "a table with a VM column that is none of the RVTools sheets read here "
                  "(vInfo needs 'VM', 'Powerstate', 'OS according to the configuration file' and "
                  "'CPUs' or 'Memory'; vNetwork 'VM' and 'Adapter'); not read");
        return -1;
    }
    if (prc < 0 || !probe.header_done || probe.sheet == RVT_NONE)
        return 0;
    struct rvt *r = rvt_new(deliver, c, c->d);
    int s = csv_sheet(c->path, r, false, c->d);
    if (s == RVT_VINFO)
        note_unknown(c, "an RVTools vInfo sheet alone", rvt_unknown(r));
    else if (s > 0)
        diags_add(c->d, DIAG_NOTE, c->path, 0,
                  "an RVTools %s sheet alone names no VM to audit: give the folder of the CSV "
                  "export (or the .xlsx workbook)",
                  rvt_sheet_name((enum rvt_sheet)s));
    rvt_free(r);
    return s < 0 ? -1 : 1;
}

/* A folder of RVTools CSV files: the sheets found by their headers; the
 * joined sheets first, vInfo last. */
static int
read_csv_folder(struct ictx *c)
{
    char **files;
    size_t n;
    if (inv_folder_files(c->path, &files, &n, c->d) < 0)
        return -1;
    int *kind = xcalloc(n ? n : 1, sizeof(int));
    bool any_info = false, any = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char head[16384];
        struct diags quiet = DIAGS_INIT;
        long hn = inv_peek(files[i], head, sizeof(head), &quiet);
        diags_release(&quiet);
        kind[i] = RVT_NONE;
        if (hn <= 0 || memchr(head, '\0', (size_t)hn))
            continue; /* unreadable or binary: not a CSV */
        struct csv_run probe = {.header_only = true, .file = files[i], .d = c->d};
        csv_init(&probe.csv);
        if (csv_feed(&probe.csv, (const char *)head, (size_t)hn, csv_row, &probe) >= 0 &&
            probe.header_done)
            kind[i] = probe.sheet;
        csv_release(&probe.csv);
        any |= kind[i] != RVT_NONE;
        any_info |= kind[i] == RVT_VINFO;
    }
    int rc = 0;
    if (any && !any_info) {
        diags_add(c->d, DIAG_ERROR, c->path, 0,
                  "RVTools CSV files without the vInfo sheet (RVTools_tabvInfo.csv): no VM to "
                  "audit");
        rc = -1;
    } else if (any) {
        static const enum rvt_sheet order[] = {RVT_VNETWORK, RVT_VMEMORY, RVT_VCPU, RVT_VINFO};
        struct rvt *r = rvt_new(deliver, c, c->d);
        rc = 1;
        for (size_t o = 0; o < 4; o++)
            for (size_t i = 0; i < n; i++)
                if (kind[i] == (int)order[o] && csv_sheet(files[i], r, false, c->d) < 0)
                    rc = -1;
        note_unknown(c, "an RVTools CSV export", rvt_unknown(r));
        rvt_free(r);
    }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(kind);
    return rc;
}

/* --- JSON --- */

static int
json_chunk(void *arg, const unsigned char *p, size_t n)
{
    struct invj *j = arg;
    int rc = invj_feed(j, p, n);
    return rc == 0 ? 0 : rc < 0 ? -1 : 2;
}

static int
read_json(struct ictx *c)
{
    struct invj *j = invj_new(c->path, deliver, c, c->d);
    int rc = inv_stream(c->path, json_chunk, j, c->d);
    if (rc == 0)
        rc = invj_finish(j);
    int ret = rc == 0 ? 1 : rc < 0 ? -1 : 0;
    if (ret == 0 && invj_vms(j) > 0)
        ret = 1;
    if (ret != 0)
        note_unknown(c, invj_form_name(invj_form_of(j)), invj_unknown(j));
    invj_free(j);
    return ret;
}

/* --- xlsx --- */

#ifdef VT_VSPHERE
struct xlsx_run {
    struct xlsx *x;
    const char *want; /* the member of the sheet being read, or NULL: the first pass */
    const char *member;
    char *cur;        /* the member being streamed */
};

static bool
xlsx_member(void *arg, const char *name)
{
    struct xlsx_run *xr = arg;
    bool want = xr->want ? strcmp(name, xr->want) == 0 : xlsx_meta_member(name);
    if (want) {
        free(xr->cur);
        xr->cur = xstrdup(name);
    }
    return want;
}

static int
xlsx_chunk(void *arg, const unsigned char *p, size_t n)
{
    struct xlsx_run *xr = arg;
    if (xr->want)
        return xlsx_sheet_chunk(xr->x, p, n) < 0 ? -1 : 0;
    return xlsx_meta_chunk(xr->x, xr->cur, p, n) < 0 ? -1 : 0;
}

static int
read_xlsx(struct ictx *c)
{
    struct xlsx_run xr = {.x = xlsx_new(c->path, c->d)};
    int rc = inv_zip_each(c->path, xlsx_member, xlsx_chunk, &xr, c->d);
    if (rc < 0)
        goto out;
    if (xlsx_sheet_member(xr.x, "vInfo") == NULL) {
        diags_add(c->d, DIAG_ERROR, c->path, 0,
                  "an .xlsx workbook without a vInfo sheet: not an RVTools export, or not all of "
                  "it (export all sheets)");
        rc = -1;
        goto out;
    }
    struct rvt *r = rvt_new(deliver, c, c->d);
    static const enum rvt_sheet order[] = {RVT_VNETWORK, RVT_VMEMORY, RVT_VCPU, RVT_VINFO};
    for (size_t o = 0; o < 4 && rc == 0; o++) {
        const char *name = rvt_sheet_name(order[o]);
        xr.want = xlsx_sheet_member(xr.x, name);
        if (xr.want == NULL)
            continue;
        xlsx_sheet_begin(xr.x, order[o], name, r);
        rc = inv_zip_each(c->path, xlsx_member, xlsx_chunk, &xr, c->d);
    }
    note_unknown(c, "an RVTools workbook", rvt_unknown(r));
    rvt_free(r);
out:
    free(xr.cur);
    xlsx_free(xr.x);
    return rc < 0 ? -1 : 1;
}
#else
static int
read_xlsx(struct ictx *c)
{
    diags_add(c->d, DIAG_ERROR, c->path, 0,
              "an .xlsx workbook: this vmtriage is built without libxml2 (the static binary); "
              "export the sheets to CSV (RVTools ExportAll2csv) or use the dynamically linked "
              "build");
    return -1;
}
#endif

int
inventory_read(const char *path, inventory_vm_fn fn, void *arg, struct diags *d)
{
    struct ictx c = {.path = path, .fn = fn, .arg = arg, .d = d};
    if (inv_is_folder(path))
        return read_csv_folder(&c);
    unsigned char head[16384];
    struct diags quiet = DIAGS_INIT;
    long n = inv_peek(path, head, sizeof(head), &quiet);
    diags_release(&quiet);
    if (n <= 0)
        return 0; /* unreadable or empty: the caller's own reader says why */
    if (n >= 4 && memcmp(head, "PK\003\004", 4) == 0)
        return read_xlsx(&c);
    size_t i = 0;
    if (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < (size_t)n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (i < (size_t)n && head[i] == '{')
        return read_json(&c);
    if (memchr(head, '\0', (size_t)n))
        return 0; /* binary */
    return read_csv_file(&c, head, (size_t)n);
}
