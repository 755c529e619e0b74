/* vm_build: turns the key/value dictionary of a .vmx into a struct vm.
 *
 * Defaults follow libvirt's mapping comment in src/vmx/vmx.c (kb/vmx.md §2):
 * a missing ethernetN.present means absent, numvcpus defaults to 1, a missing
 * firmware key means BIOS. Values are compared ignoring case (kb §1.8).
 * Every number taken from the text is checked: one that is not a whole
 * number, or is out of its range (a negative memSize, a device index past
 * 99, anything past int), is an error naming the line and is read as
 * missing; never clamped or wrapped. */
#include "record/vm.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEV_INDEX 99

static const char *const bus_names[] = {"scsi", "sata", "nvme", "ide"};

const char *
vm_bus_name(enum vm_bus bus)
{
    return bus_names[bus];
}

/* Where problems with the values go: the file and its diagnostics (NULL:
 * not reported, for the rule samples). */
struct vm_errs {
    const char *path;
    struct diags *d;
};

/* Parses `v` as a whole decimal number (an optional sign, then digits) into
 * *n. Returns NULL, or what is wrong with it. */
static const char *
parse_whole(const char *v, long long *n)
{
    const char *p = v;
    bool neg = *p == '-';
    p += *p == '-' || *p == '+';
    if (!isdigit((unsigned char)*p))
        return "not a whole number";
    unsigned long long u = 0;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (u > (ULLONG_MAX - d) / 10 || u * 10 + d > (unsigned long long)LLONG_MAX + neg)
            return "too large";
        u = u * 10 + d;
    }
    if (*p != '\0')
        return "not a whole number";
    *n = neg ? (u == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)u) : (long long)u;
    return NULL;
}

/* The value of `key` as a whole number in [min, max]; `dflt` when absent or
 * empty. Anything else is an error naming the line, and gives `bad`. */
static long
get_num(const struct vmx_doc *doc, const struct vm_errs *errs, const char *key, long dflt, long min,
        long max, long bad)
{
    const struct vmx_entry *e = vmx_find(doc, key);
    if (e == NULL || *e->value == '\0')
        return dflt;
    long long n = 0;
    const char *why = parse_whole(e->value, &n);
    if (why == NULL && (n < min || n > max))
        why = "out of range";
    if (why == NULL)
        return (long)n;
    if (errs->d)
        diags_add(errs->d, DIAG_ERROR, errs->path, e->line,
                  "%s = \"%.40s\": %s (a whole number from %ld to %ld); read as not set", e->key,
                  e->value, why, min, max);
    return bad;
}

/* The device a lower-cased key belongs to: "ethernetN." is a NIC, "<bus>N." a
 * controller and "<bus>N:..." a unit on it, for N <= MAX_DEV_INDEX. */
struct dev_key {
    bool nic;
    enum vm_bus bus; /* when not a NIC */
    int index;       /* N */
    bool unit;       /* "<bus>N:" */
};

/* The rest of `s` after `prefix`, or NULL when s does not start with it. */
static const char *
skip_prefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (*s != *prefix)
            return NULL;
    return s;
}

/* Parses the device prefix of `lkey` into *k: 1 when it has one, 0 when it
 * has none, -1 when it has one whose index is past MAX_DEV_INDEX. Every key
 * of a file comes here, so the first byte picks the one prefix to try. */
static int
parse_dev_key(const char *lkey, struct dev_key *k)
{
    *k = (struct dev_key){.nic = lkey[0] == 'e'};
    switch (lkey[0]) {
    case 'e':
        break;
    case 's':
        k->bus = lkey[1] == 'c' ? BUS_SCSI : BUS_SATA;
        break;
    case 'n':
        k->bus = BUS_NVME;
        break;
    case 'i':
        k->bus = BUS_IDE;
        break;
    default:
        return 0;
    }
    const char *p = skip_prefix(lkey, k->nic ? "ethernet" : bus_names[k->bus]);
    if (p == NULL || !isdigit((unsigned char)*p))
        return 0;
    long n = 0;
    for (; isdigit((unsigned char)*p); p++)
        if (n <= MAX_DEV_INDEX) /* past it the value no longer matters */
            n = n * 10 + (*p - '0');
    k->index = (int)n;
    k->unit = *p == ':';
    if (!(*p == '.' || (k->unit && !k->nic)))
        return 0;
    return n <= MAX_DEV_INDEX ? 1 : -1;
}

struct strpool {
    char **v;
    size_t n, cap;
};

struct vm_priv {
    struct vm vm;
    struct strpool pool;
    struct vm_errs errs;
};

static const char *
pool_lower(struct strpool *p, const char *s)
{
    if (s == NULL)
        return NULL;
    char *c = xstrdup(s);
    for (char *q = c; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    XGROW(p->v, p->cap, p->n + 1);
    p->v[p->n++] = c;
    return c;
}

/* The adapter an implicit NIC most likely gets. kb/vmx.md marks the per-guest
 * default table UNVERIFIED, so this is only a labelled guess for reports:
 * e1000e for Windows 8 / 2012 and later, vlance ("Flexible") for 32-bit
 * non-Windows guests, e1000 otherwise. */
static const char *
guess_default_nic(const struct vm *vm)
{
    if (vm->family == GUEST_WINDOWS && vm->windows_nt >= 602)
        return "e1000e";
    if (vm->family != GUEST_WINDOWS && vm->guest && vm->guest->bits == 32)
        return "vlance";
    return "e1000";
}

const struct vm_nic *
vm_nic_at(const struct vm *vm, int index)
{
    for (size_t i = 0; i < vm->nnics; i++)
        if (vm->nics[i].index == index)
            return &vm->nics[i];
    return NULL;
}

const struct vm_controller *
vm_controller_at(const struct vm *vm, enum vm_bus bus, int index)
{
    for (size_t i = 0; i < vm->nctrls; i++)
        if (vm->ctrls[i].bus == bus && vm->ctrls[i].index == index)
            return &vm->ctrls[i];
    return NULL;
}

/* Find-or-create while the builder owns the record (hence the casts). */
static struct vm_nic *
nic_at(struct vm *vm, size_t *cap, int index)
{
    struct vm_nic *found = (struct vm_nic *)vm_nic_at(vm, index);
    if (found)
        return found;
    XGROW(vm->nics, *cap, vm->nnics + 1);
    struct vm_nic *n = &vm->nics[vm->nnics++];
    *n = (struct vm_nic){.index = index, .start_connected = -1};
    return n;
}

static struct vm_controller *
ctrl_at(struct vm *vm, size_t *cap, enum vm_bus bus, int index)
{
    struct vm_controller *found = (struct vm_controller *)vm_controller_at(vm, bus, index);
    if (found)
        return found;
    XGROW(vm->ctrls, *cap, vm->nctrls + 1);
    struct vm_controller *c = &vm->ctrls[vm->nctrls++];
    *c = (struct vm_controller){.bus = bus, .index = index};
    return c;
}

static int
cmp_nic(const void *a, const void *b)
{
    return ((const struct vm_nic *)a)->index - ((const struct vm_nic *)b)->index;
}

static int
cmp_ctrl(const void *a, const void *b)
{
    const struct vm_controller *x = a, *y = b;
    if (x->bus != y->bus)
        return (int)x->bus - (int)y->bus;
    return x->index - y->index;
}

/* The keys of one device, "<prefix>N.<field>" or "<prefix>N:M.<field>": the
 * device part is formatted once, then each field is looked up by copying
 * its name after it (a VM has a few hundred such look-ups). */
struct dev_keys {
    char key[64];
    size_t base; /* length of "<prefix>N." or "<prefix>N:M." */
};

/* Appends the decimal n to k->key. */
static void
dev_keys_add_int(struct dev_keys *k, int n)
{
    if (sizeof(k->key) - k->base <= DECIMAL_MAX)
        VT_BUG("device key '%s' too long", k->key);
    k->base += fmt_decimal(k->key + k->base, n);
}

/* `unit` < 0: no ":M". Callers pass prefixes of a few letters. */
static void
dev_keys_init(struct dev_keys *k, const char *prefix, int n, int unit)
{
    size_t pl = strlen(prefix);
    if (pl > sizeof(k->key) / 4)
        VT_BUG("device prefix '%s' too long", prefix);
    memcpy(k->key, prefix, pl);
    k->base = pl;
    dev_keys_add_int(k, n);
    if (unit >= 0) {
        k->key[k->base++] = ':';
        dev_keys_add_int(k, unit);
    }
    k->key[k->base++] = '.';
    k->key[k->base] = '\0';
}

/* The entry "<device part><field>", or NULL. */
static const struct vmx_entry *
dev_find(const struct vmx_doc *doc, struct dev_keys *k, const char *field)
{
    size_t fl = strlen(field);
    if (fl >= sizeof(k->key) - k->base)
        VT_BUG("device field '%s' too long", field);
    memcpy(k->key + k->base, field, fl + 1);
    return vmx_find(doc, k->key);
}

/* The value of dev_find lower-cased into the pool, or NULL. */
static const char *
dev_lower(struct vm_priv *p, struct dev_keys *k, const char *field)
{
    const struct vmx_entry *e = dev_find(p->vm.doc, k, field);
    return e ? pool_lower(&p->pool, e->value) : NULL;
}

/* dev_find's value is a true boolean. */
static bool
dev_true(const struct vmx_doc *doc, struct dev_keys *k, const char *field)
{
    const struct vmx_entry *e = dev_find(doc, k, field);
    return e && vmx_bool(e->value) == 1;
}

/* A device `<bus>N:M` is a hard disk when present and its deviceType names a
 * disk, or when it has no deviceType and its backing file is a .vmdk. */
static bool
is_disk(const struct vmx_doc *doc, const char *bus, int n, int m)
{
    struct dev_keys k;
    dev_keys_init(&k, bus, n, m);
    if (!dev_true(doc, &k, "present"))
        return false;
    const struct vmx_entry *t = dev_find(doc, &k, "deviceType");
    if (t)
        return strcasestr(t->value, "disk") != NULL;
    const struct vmx_entry *f = dev_find(doc, &k, "fileName");
    size_t l = f ? strlen(f->value) : 0;
    return l > 5 && strcasecmp(f->value + l - 5, ".vmdk") == 0;
}

/* Unit numbers M of "<bus>N:M" (SCSI has 0-15 and 0-63 for PVSCSI, SATA 0-29). */
#define MAX_UNIT_INDEX 255

/* True when entry e ("<bus>N:...") is "<bus>N:M.present" of a hard disk. A
 * unit number past MAX_UNIT_INDEX is an error naming the line. */
static bool
is_disk_present_key(const struct vmx_doc *doc, const struct vm_errs *errs,
                    const struct vmx_entry *e, const char *bus, int n)
{
    const char *unit = strchr(e->lkey, ':') + 1, *p = unit;
    long m = 0;
    for (; isdigit((unsigned char)*p); p++)
        if (m <= MAX_UNIT_INDEX)
            m = m * 10 + (*p - '0');
    if (p == unit || strcmp(p, ".present") != 0)
        return false;
    if (m > MAX_UNIT_INDEX) {
        if (errs->d)
            diags_add(errs->d, DIAG_ERROR, errs->path, e->line,
                      "'%s': unit number out of range (0 to %d); key not read", e->key,
                      MAX_UNIT_INDEX);
        return false;
    }
    return is_disk(doc, bus, n, (int)m);
}

/* Fills a NIC found by read_devices from its ethernetN.* keys. */
static void
read_nic(struct vm_priv *p, struct vm_nic *nic)
{
    const struct vmx_doc *doc = p->vm.doc;
    struct dev_keys k;
    dev_keys_init(&k, "ethernet", nic->index, -1);
    const struct vmx_entry *pe = dev_find(doc, &k, "present");
    nic->present = pe && vmx_bool(pe->value) == 1;
    if (pe)
        nic->line = pe->line;
    const struct vmx_entry *t = dev_find(doc, &k, "virtualDev");
    nic->type_explicit = t && *t->value;
    nic->type = nic->type_explicit ? pool_lower(&p->pool, t->value) : NULL;
    nic->type_line = t ? t->line : 0;
    nic->type_default = nic->type_explicit ? NULL : guess_default_nic(&p->vm);
    const struct vmx_entry *f = dev_find(doc, &k, "features");
    nic->vmxnet2 =
        nic->type && strcmp(nic->type, "vmxnet") == 0 && f && strcmp(f->value, "15") == 0;
    const struct vmx_entry *x = dev_find(doc, &k, "networkName");
    nic->network = x ? x->value : NULL;
    nic->connection_type = dev_lower(p, &k, "connectionType");
    nic->address_type = dev_lower(p, &k, "addressType");
    nic->mac = dev_lower(p, &k, "address");
    if (nic->mac == NULL)
        nic->mac = dev_lower(p, &k, "generatedAddress");
    x = dev_find(doc, &k, "startConnected");
    nic->start_connected = x ? vmx_bool(x->value) : -1;
}

/* Fills a controller found by read_devices from its <bus>N.* keys. */
static void
read_controller(struct vm_priv *p, struct vm_controller *c)
{
    const struct vmx_doc *doc = p->vm.doc;
    struct dev_keys k;
    if (c->bus == BUS_IDE) {
        /* IDE channels have no ideN.present key; they exist with their devices. */
        c->present = false;
        for (int m = 0; m <= 1; m++) {
            dev_keys_init(&k, "ide", c->index, m);
            c->present |= dev_true(doc, &k, "present");
        }
        c->type = "ide";
        return;
    }
    dev_keys_init(&k, bus_names[c->bus], c->index, -1);
    const struct vmx_entry *pe = dev_find(doc, &k, "present");
    c->present = pe && vmx_bool(pe->value) == 1;
    if (pe)
        c->line = pe->line;
    if (c->bus == BUS_SCSI) {
        const struct vmx_entry *t = dev_find(doc, &k, "virtualDev");
        c->type = t && *t->value ? pool_lower(&p->pool, t->value) : NULL;
    } else {
        c->type = c->bus == BUS_SATA ? "ahci" : "nvme";
    }
}

static void
read_devices(struct vm_priv *p)
{
    struct vm *vm = &p->vm;
    const struct vmx_doc *doc = vm->doc;
    size_t nic_cap = 0, ctrl_cap = 0;
    for (size_t i = 0; i < vmx_count(doc); i++) {
        const struct vmx_entry *e = vmx_at(doc, i);
        struct dev_key k;
        if (e->first >= 0)
            continue; /* a duplicate: the first occurrence describes the device */
        int r = parse_dev_key(e->lkey, &k);
        if (r < 0 && p->errs.d)
            diags_add(p->errs.d, DIAG_ERROR, p->errs.path, e->line,
                      "'%s': device index out of range (0 to %d); key not read", e->key,
                      MAX_DEV_INDEX);
        if (r <= 0)
            continue;
        if (k.nic) {
            struct vm_nic *nic = nic_at(vm, &nic_cap, k.index);
            if (nic->line == 0 || e->line < nic->line)
                nic->line = e->line;
            continue;
        }
        struct vm_controller *ctl = ctrl_at(vm, &ctrl_cap, k.bus, k.index);
        if (ctl->line == 0 || e->line < ctl->line)
            ctl->line = e->line;
        if (k.unit)
            ctl->disks += is_disk_present_key(doc, &p->errs, e, bus_names[k.bus], k.index);
    }
    for (size_t i = 0; i < vm->nnics; i++)
        read_nic(p, &vm->nics[i]);
    if (vm->nnics > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(vm->nics, vm->nnics, sizeof(*vm->nics), cmp_nic);

    for (size_t i = 0; i < vm->nctrls; i++)
        read_controller(p, &vm->ctrls[i]);
    if (vm->nctrls > 1)
        qsort(vm->ctrls, vm->nctrls, sizeof(*vm->ctrls), cmp_ctrl);
}

/* The boot disk: the first entry of bios.hddOrder ("scsi0:0") when set, else
 * the first present disk in bus order scsi, sata, nvme, ide (a heuristic; the
 * firmware's real order also depends on EFI boot entries). */
static void
mark_boot(struct vm *vm)
{
    const char *order = vmx_get(vm->doc, "bios.hddOrder");
    if (order && *order) {
        for (size_t i = 0; i < vm->nctrls; i++) {
            char want[32];
            int l = snprintf(want, sizeof(want), "%s%d:", vm_bus_name(vm->ctrls[i].bus),
                             vm->ctrls[i].index);
            if (l > 0 && strncasecmp(order, want, (size_t)l) == 0) {
                vm->ctrls[i].boot = true;
                vm->boot_basis = "bios.hddOrder";
                return;
            }
        }
    }
    for (size_t i = 0; i < vm->nctrls; i++)
        if (vm->ctrls[i].present && vm->ctrls[i].disks > 0) {
            vm->ctrls[i].boot = true;
            vm->boot_basis = "first disk";
            return;
        }
}

static int
present_flag(const struct vmx_doc *doc, const char *key)
{
    return vmx_bool(vmx_get(doc, key));
}

/* Counts the present serial and parallel ports 0 to 9: the keys
 * "serialN.present" and "parallelN.present" with a one-digit N, found in one
 * pass over the keys rather than twenty look-ups. */
static void
count_ports(struct vm *vm)
{
    const struct vmx_doc *doc = vm->doc;
    for (size_t i = 0; i < vmx_count(doc); i++) {
        const struct vmx_entry *e = vmx_at(doc, i);
        const char *rest;
        int *count;
        if (e->first >= 0)
            continue; /* a duplicate: the first occurrence counts */
        if ((rest = skip_prefix(e->lkey, "serial")) != NULL)
            count = &vm->serial_ports;
        else if ((rest = skip_prefix(e->lkey, "parallel")) != NULL)
            count = &vm->parallel_ports;
        else
            continue;
        if (isdigit((unsigned char)rest[0]) && strcmp(rest + 1, ".present") == 0)
            *count += vmx_bool(e->value) == 1;
    }
}

struct vm *
vm_from_vmx(struct vmx_doc *doc, const char *path)
{
    return vm_from_vmx_checked(doc, path, NULL);
}

struct vm *
vm_from_vmx_checked(struct vmx_doc *doc, const char *path, struct diags *d)
{
    struct vm_priv *p = xcalloc(1, sizeof(*p));
    struct vm *vm = &p->vm;
    const struct vm_errs *errs = &p->errs;
    p->errs = (struct vm_errs){path, d};
    vm->doc = doc;
    vm->path = xstrdup(path);
    size_t pl = strlen(path);
    vm->is_template = pl > 5 && strcasecmp(path + pl - 5, ".vmtx") == 0;
    vm->name = vmx_get(doc, "displayName");
    vm->guest_os = vmx_get(doc, "guestOS");
    vm->guest = guestos_lookup(vm->guest_os);
    vm->family = vm->guest ? vm->guest->family : guestos_guess_family(vm->guest_os);
    vm->windows_nt = vm->guest ? vm->guest->windows_nt : 0;
    vm->hw_version = (int)get_num(doc, errs, "virtualHW.version", 0, 1, INT_MAX, 0);
    const char *fw = vmx_get(doc, "firmware");
    vm->firmware_explicit = fw && *fw;
    vm->firmware = fw && strcasecmp(fw, "efi") == 0 ? "efi" : "bios";
    vm->secure_boot = present_flag(doc, "uefi.secureBoot.enabled");
    vm->vhv_enable = present_flag(doc, "vhv.enable");
    vm->vhc_enable_key = vmx_find(doc, "vhc.enable") != NULL;
    vm->mem_mb = get_num(doc, errs, "memsize", -1, 1, INT_MAX, -1);
    vm->mem_min_mb = get_num(doc, errs, "sched.mem.min", -1, 0, INT_MAX, -1);
    vm->mem_pin = present_flag(doc, "sched.mem.pin");
    vm->mem_fully_reserved = vm->mem_mb > 0 && vm->mem_min_mb >= vm->mem_mb;
    vm->vcpus = (int)get_num(doc, errs, "numvcpus", 1, 1, INT_MAX, 1);
    vm->cores_per_socket = (int)get_num(doc, errs, "cpuid.coresPerSocket", 1, 1, INT_MAX, 1);
    vm->sound = present_flag(doc, "sound.present");
    int usb = present_flag(doc, "usb.present"), ehci = present_flag(doc, "ehci.present"),
        xhci = present_flag(doc, "usb_xhci.present");
    vm->usb = usb == 1 || ehci == 1 || xhci == 1      ? 1
              : usb == -1 && ehci == -1 && xhci == -1 ? -1
                                                      : 0;
    vm->floppy = present_flag(doc, "floppy0.present");
    count_ports(vm);
    vm->tools_sync_time = present_flag(doc, "tools.syncTime");
    vm->runs_hypervisor = vm->family == GUEST_VMKERNEL || vmx_find(doc, "vhv.enable") != NULL;
    vm->ncpuid_hidden = cpuid_mask_hidden(doc, vm->cpuid_hidden, &vm->cpuid_hidden_at);
    read_devices(p);
    mark_boot(vm);
    return vm;
}

const struct vm_controller *
vm_boot_controller(const struct vm *vm)
{
    for (size_t i = 0; i < vm->nctrls; i++)
        if (vm->ctrls[i].boot)
            return &vm->ctrls[i];
    return NULL;
}

void
vm_free(struct vm *vm)
{
    if (vm == NULL)
        return;
    struct vm_priv *p = (struct vm_priv *)vm;
    for (size_t i = 0; i < p->pool.n; i++)
        free(p->pool.v[i]);
    free(p->pool.v);
    free(vm->nics);
    free(vm->ctrls);
    vmx_doc_free(vm->doc);
    free(vm->path);
    free(vm->datastore_path);
    free(vm->power_state);
    free(vm->host);
    free(vm->cluster);
    free(vm->host_file);
    free(p);
}
