/* inv_rvtools: RVTools rows to inventory VMs (see inv_rvtools.h). Column
 * names: the default headers and the -DBColumnNames ones listed in
 * kb/vsphere-api-and-peers.md §1.1. */
#include "parse/inventory/inv_rvtools.h"
#include "util/util_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum col {
    C_VM,
    C_UUID,
    C_POWER,
    C_TEMPLATE,
    C_CPUS,
    C_MEM,
    C_FIRMWARE,
    C_HW,
    C_OS,
    C_HOST,
    C_CLUSTER,
    C_PATH,
    C_SECBOOT,
    C_ADAPTER,
    C_NETWORK,
    C_MAC,
    C_MACTYPE,
    C_STARTS,
    C_SIZE,
    C_RESERVATION,
    C_SOCKETS,
    C_CPS,
    C__N
};

/* Header names per column; the first list of each sheet's own DB names. */
static const char *const col_names[C__N][6] = {
    [C_VM] = {"VM", "vInfoVMName", "vNetworkVMName", "vMemoryVMName", "vCPUVMName"},
    [C_UUID] = {"VM UUID", "vInfoUUID", "vNetworkVMUUID", "vMemoryVMUUID", "vCPUVMUUID"},
    [C_POWER] = {"Powerstate", "vInfoPowerstate"},
    [C_TEMPLATE] = {"Template", "vInfoTemplate"},
    [C_CPUS] = {"CPUs", "vInfoCPUs", "vCPUCPUs"},
    [C_MEM] = {"Memory", "vInfoMemory"},
    [C_FIRMWARE] = {"Firmware", "vInfoFirmware"},
    [C_HW] = {"HW version", "vInfoHWVersion"},
    [C_OS] = {"OS according to the configuration file", "vInfoOS"},
    [C_HOST] = {"Host", "vInfoHost"},
    [C_CLUSTER] = {"Cluster", "vInfoCluster"},
    [C_PATH] = {"Path", "vInfoPath"},
    [C_SECBOOT] = {"EFI Secure boot", "vInfoEFISecureBoot"},
    [C_ADAPTER] = {"Adapter", "vNetworkAdapter"},
    [C_NETWORK] = {"Network", "vNetworkName"},
    [C_MAC] = {"Mac Address", "vNetworkMacAddress"},
    [C_MACTYPE] = {"Type", "vNetworkType"},
    [C_STARTS] = {"Starts Connected", "vNetworkStartsConnected"},
    [C_SIZE] = {"Size MiB", "vMemorySizeMiB"},
    [C_RESERVATION] = {"Reservation", "vMemoryReservation"},
    [C_SOCKETS] = {"Sockets", "vCPUSockets"},
    [C_CPS] = {"Cores p/s", "vCPUCoresPerSocket", "Cores per Socket"},
};

/* Column index of each field in the header, or -1. */
static void
map_columns(char *const *hdr, size_t n, int *at)
{
    for (int c = 0; c < C__N; c++) {
        at[c] = -1;
        for (size_t i = 0; i < n && at[c] < 0; i++) {
            const char *h = hdr[i];
            while (*h == ' ')
                h++;
            size_t hl = strlen(h);
            while (hl > 0 && h[hl - 1] == ' ')
                hl--;
            for (size_t k = 0; k < 6 && col_names[c][k]; k++)
                if (strlen(col_names[c][k]) == hl && strncasecmp(h, col_names[c][k], hl) == 0) {
                    at[c] = (int)i;
                    break;
                }
        }
    }
}

enum rvt_sheet
rvt_sheet_of(char *const *cells, size_t n)
{
    int at[C__N];
    map_columns(cells, n, at);
    if (at[C_VM] < 0)
        return RVT_NONE;
    if (at[C_ADAPTER] >= 0)
        return RVT_VNETWORK;
    if (at[C_SIZE] >= 0 && at[C_RESERVATION] >= 0)
        return RVT_VMEMORY;
    if (at[C_SOCKETS] >= 0 && at[C_CPS] >= 0)
        return RVT_VCPU;
    if (at[C_OS] >= 0 && at[C_POWER] >= 0 && (at[C_CPUS] >= 0 || at[C_MEM] >= 0))
        return RVT_VINFO;
    return RVT_NONE;
}

bool
rvt_has_vm_column(char *const *cells, size_t n)
{
    int at[C__N];
    map_columns(cells, n, at);
    return at[C_VM] >= 0;
}

const char *
rvt_sheet_name(enum rvt_sheet s)
{
    static const char *const names[] = {"none", "vInfo", "vNetwork", "vMemory", "vCPU"};
    return names[s];
}

struct side_nic {
    char *adapter, *network, *mac, *mac_type;
    int starts; /* 1, 0, -1 */
};

/* What the other sheets say about one VM. */
struct side {
    char *name, *uuid;
    struct side_nic *nics;
    size_t nnics, cap;
    long reservation; /* -1 unknown */
    long cps;         /* -1 unknown */
    struct side *next;
};

#define NBUCKETS 4096

struct rvt {
    inv_vm_fn fn;
    void *arg;
    struct diags *d;
    struct side *buckets[NBUCKETS];
    enum rvt_sheet sheet;
    char *source;
    int at[C__N];
    unsigned sheets;
    size_t vms;
    unsigned unknown;
};

struct rvt *
rvt_new(inv_vm_fn fn, void *arg, struct diags *d)
{
    struct rvt *r = xcalloc(1, sizeof(*r));
    r->fn = fn;
    r->arg = arg;
    r->d = d;
    return r;
}

static unsigned
hash(const char *s)
{
    unsigned h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h % NBUCKETS;
}

static const char *
cell(const struct rvt *r, char *const *cells, size_t n, enum col c)
{
    int i = r->at[c];
    return i >= 0 && (size_t)i < n ? cells[i] : NULL;
}

static const char *
nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* The entry of (name, uuid); a UUID on only one side matches any. */
static struct side *
side_find(struct rvt *r, const char *name, const char *uuid, bool create)
{
    unsigned h = hash(name);
    for (struct side *s = r->buckets[h]; s; s = s->next)
        if (strcmp(s->name, name) == 0 && (!uuid || !s->uuid || strcasecmp(s->uuid, uuid) == 0))
            return s;
    if (!create)
        return NULL;
    struct side *s = xcalloc(1, sizeof(*s));
    s->name = xstrdup(name);
    s->uuid = uuid ? xstrdup(uuid) : NULL;
    s->reservation = -1;
    s->cps = -1;
    s->next = r->buckets[h];
    r->buckets[h] = s;
    return s;
}

static const char *const sheet_needs[][3] = {
    [RVT_VINFO] = {"VM", NULL},
    [RVT_VNETWORK] = {"VM", "Adapter", NULL},
    [RVT_VMEMORY] = {"VM", "Reservation", NULL},
    [RVT_VCPU] = {"VM", "Cores p/s", NULL},
};

int
rvt_begin(struct rvt *r, enum rvt_sheet s, const char *source, unsigned long line,
          char *const *hdr, size_t n)
{
    free(r->source);
    r->source = xstrdup(source);
    r->sheet = RVT_NONE;
    map_columns(hdr, n, r->at);
    int need[] = {C_VM, s == RVT_VNETWORK  ? C_ADAPTER
                        : s == RVT_VMEMORY ? C_RESERVATION
                        : s == RVT_VCPU    ? C_CPS
                                           : C_VM};
    for (size_t i = 0; i < 2; i++)
        if (r->at[need[i]] < 0) {
            diags_add(r->d, DIAG_ERROR, source, line,
                      "RVTools %s sheet without a '%s' column (header row); sheet not read",
                      rvt_sheet_name(s), sheet_needs[s][i] ? sheet_needs[s][i] : "VM");
            return -1;
        }
    r->sheet = s;
    r->sheets |= 1u << s;
    return 0;
}

static long
number(const char *s)
{
    if (s == NULL)
        return -1;
    while (*s == ' ')
        s++;
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    double v = strtod(s, &end); /* xlsx numbers can come as 4096.0 */
    while (*end == ' ')
        end++;
    if (*end || v < 0 || v > 2147483647.0)
        return -1;
    return (long)v;
}

static int
tri(const char *s)
{
    if (s == NULL || *s == '\0')
        return -1;
    return strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 ? 1 : 0;
}

static void
side_row(struct rvt *r, unsigned long line, char *const *cells, size_t n)
{
    const char *name = nonempty(cell(r, cells, n, C_VM));
    if (name == NULL) {
        diags_add(r->d, DIAG_ERROR, r->source, line, "RVTools %s row without a VM name; skipped",
                  rvt_sheet_name(r->sheet));
        return;
    }
    struct side *s = side_find(r, name, nonempty(cell(r, cells, n, C_UUID)), true);
    if (r->sheet == RVT_VNETWORK) {
        XGROW(s->nics, s->cap, s->nnics + 1);
        struct side_nic *k = &s->nics[s->nnics++];
        const char *v;
        k->adapter = (v = nonempty(cell(r, cells, n, C_ADAPTER))) ? xstrdup(v) : NULL;
        k->network = (v = nonempty(cell(r, cells, n, C_NETWORK))) ? xstrdup(v) : NULL;
        k->mac = (v = nonempty(cell(r, cells, n, C_MAC))) ? xstrdup(v) : NULL;
        k->mac_type = (v = nonempty(cell(r, cells, n, C_MACTYPE))) ? xstrdup(v) : NULL;
        k->starts = tri(cell(r, cells, n, C_STARTS));
    } else if (r->sheet == RVT_VMEMORY) {
        s->reservation = number(cell(r, cells, n, C_RESERVATION));
    } else if (r->sheet == RVT_VCPU) {
        s->cps = number(cell(r, cells, n, C_CPS));
    }
}

static char *
dup_nonempty(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

static void
info_row(struct rvt *r, unsigned long line, char *const *cells, size_t n)
{
    const char *name = nonempty(cell(r, cells, n, C_VM));
    if (name == NULL) {
        diags_add(r->d, DIAG_ERROR, r->source, line, "RVTools vInfo row without a VM name; skipped");
        return;
    }
    struct inv_vm v = {.w = VMX_WRITER_INIT};
    unsigned u = INV_U_VHV | INV_U_SYNC | INV_U_DEVICES | INV_U_CTRL | INV_U_CPUID |
                 INV_U_MEM_PIN | INV_U_VMX;
    v.subject = xasprintf("%s:%lu", r->source, line);
    struct vmx_writer *w = &v.w;
    vmx_writer_put(w, "config.version", "8");
    vmx_writer_put(w, "displayName", name);
    v.guest_text = dup_nonempty(cell(r, cells, n, C_OS));
    if (v.guest_text == NULL)
        u |= INV_U_GUEST;
    const char *hw = cell(r, cells, n, C_HW);
    if (hw && strncasecmp(hw, "vmx-", 4) == 0)
        hw += 4;
    long hwn = number(hw);
    char num[32];
    if (hwn > 0) {
        snprintf(num, sizeof(num), "%ld", hwn);
        vmx_writer_put(w, "virtualHW.version", num);
    } else
        u |= INV_U_HW;
    const char *fw = nonempty(cell(r, cells, n, C_FIRMWARE));
    if (fw && (strcasecmp(fw, "efi") == 0 || strcasecmp(fw, "bios") == 0))
        vmx_writer_put(w, "firmware", strcasecmp(fw, "efi") == 0 ? "efi" : "bios");
    else
        u |= INV_U_FIRMWARE;
    int sb = tri(cell(r, cells, n, C_SECBOOT));
    if (sb >= 0)
        vmx_writer_put(w, "uefi.secureBoot.enabled", sb ? "TRUE" : "FALSE");
    else
        u |= INV_U_SECURE_BOOT;
    long mem = number(cell(r, cells, n, C_MEM));
    if (mem > 0) {
        snprintf(num, sizeof(num), "%ld", mem);
        vmx_writer_put(w, "memsize", num);
    } else
        u |= INV_U_MEM;
    long cpus = number(cell(r, cells, n, C_CPUS));
    if (cpus > 0) {
        snprintf(num, sizeof(num), "%ld", cpus);
        vmx_writer_put(w, "numvcpus", num);
    } else
        u |= INV_U_CPU;
    const struct side *s = side_find(r, name, nonempty(cell(r, cells, n, C_UUID)), false);
    if (s && s->reservation >= 0) {
        snprintf(num, sizeof(num), "%ld", s->reservation);
        vmx_writer_put(w, "sched.mem.min", num);
    } else
        u |= INV_U_MEM_RES;
    if (s && s->cps > 0) {
        snprintf(num, sizeof(num), "%ld", s->cps);
        vmx_writer_put(w, "cpuid.coresPerSocket", num);
    } else
        u |= INV_U_CORES;
    if (!(r->sheets & (1u << RVT_VNETWORK)))
        u |= INV_U_NICS;
    for (size_t i = 0; s && i < s->nnics; i++) {
        const struct side_nic *k = &s->nics[i];
        bool vmxnet2;
        const char *dev = inv_adapter_vmx(k->adapter, &vmxnet2);
        vmx_writer_putf(w, "TRUE", "ethernet%zu.present", i);
        if (dev)
            vmx_writer_putf(w, dev, "ethernet%zu.virtualDev", i);
        else
            u |= INV_U_NIC_TYPE;
        if (vmxnet2)
            vmx_writer_putf(w, "15", "ethernet%zu.features", i);
        vmx_writer_putf(w, k->network, "ethernet%zu.networkName", i);
        vmx_writer_putf(w, k->mac_type, "ethernet%zu.addressType", i);
        vmx_writer_putf(w, k->mac, "ethernet%zu.%s", i,
                        k->mac_type && strcasecmp(k->mac_type, "manual") == 0 ? "address"
                                                                               : "generatedAddress");
        if (k->starts >= 0)
            vmx_writer_putf(w, k->starts ? "TRUE" : "FALSE", "ethernet%zu.startConnected", i);
    }
    v.power_state = dup_nonempty(cell(r, cells, n, C_POWER));
    v.host = dup_nonempty(cell(r, cells, n, C_HOST));
    v.cluster = dup_nonempty(cell(r, cells, n, C_CLUSTER));
    v.datastore_path = dup_nonempty(cell(r, cells, n, C_PATH));
    v.is_template = tri(cell(r, cells, n, C_TEMPLATE)) == 1;
    if (w->bad_utf8)
        diags_add(r->d, DIAG_ERROR, r->source, line,
                  "%zu value%s of this row %s not UTF-8 text (read with U+FFFD; save the export "
                  "as UTF-8)",
                  w->bad_utf8, w->bad_utf8 == 1 ? "" : "s", w->bad_utf8 == 1 ? "is" : "are");
    v.unknown = u;
    r->unknown |= u;
    r->vms++;
    r->fn(r->arg, &v);
}

void
rvt_row(struct rvt *r, unsigned long line, char *const *cells, size_t n)
{
    if (r->sheet == RVT_VINFO)
        info_row(r, line, cells, n);
    else if (r->sheet != RVT_NONE)
        side_row(r, line, cells, n);
}

unsigned
rvt_sheets(const struct rvt *r)
{
    return r->sheets;
}

size_t
rvt_vms(const struct rvt *r)
{
    return r->vms;
}

unsigned
rvt_unknown(const struct rvt *r)
{
    return r->unknown;
}

void
rvt_free(struct rvt *r)
{
    if (r == NULL)
        return;
    for (size_t b = 0; b < NBUCKETS; b++)
        for (struct side *s = r->buckets[b], *next; s; s = next) {
            next = s->next;
            for (size_t i = 0; i < s->nnics; i++) {
                free(s->nics[i].adapter);
                free(s->nics[i].network);
                free(s->nics[i].mac);
                free(s->nics[i].mac_type);
            }
            free(s->nics);
            free(s->name);
            free(s->uuid);
            free(s);
        }
    free(r->source);
    free(r);
}
