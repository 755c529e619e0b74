/* record: the field table, the only place that maps rule vocabulary to C.
 *
 * Each row names a field, the record kinds that have it, its type, a getter
 * and the .vmx key that is its evidence. Add a field here and every rule can
 * use it; documented in docs/RULES.md. */
#include "record.h"
#include "util_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define K_VM (1u << REC_VM)
#define K_NIC (1u << REC_NIC)
#define K_CTRL (1u << REC_CONTROLLER)
#define K_ALL (K_VM | K_NIC | K_CTRL)

typedef struct fv (*getter_fn)(const struct record *r);
typedef const struct vmx_entry *(*source_fn)(const struct record *r);

struct field_def {
    const char *name;
    unsigned kinds;
    enum fv_type type;
    getter_fn get;
    source_fn source;
    char *raw_key; /* vmx.<key> fields only (heap-allocated defs) */
};

static struct fv
v_null(void)
{
    return (struct fv){FV_NULL, 0, NULL};
}

static struct fv
v_str(const char *s)
{
    return s ? (struct fv){FV_STR, 0, s} : v_null();
}

static struct fv
v_int(long long i)
{
    return (struct fv){FV_INT, i, NULL};
}

static struct fv
v_bool(int b)
{
    return b < 0 ? v_null() : (struct fv){FV_BOOL, b != 0, NULL};
}

/* Getters. */
#define VM (r->vm)
static struct fv g_path(const struct record *r) { return v_str(VM->path); }
static struct fv g_name(const struct record *r) { return v_str(VM->name); }
static struct fv g_guest_os(const struct record *r) { return v_str(VM->guest_os); }
static struct fv g_family(const struct record *r) { return v_str(guest_family_name(VM->family)); }
static struct fv g_windows_nt(const struct record *r) { return VM->windows_nt ? v_int(VM->windows_nt) : v_null(); }
static struct fv g_bits(const struct record *r) { return VM->guest ? v_int(VM->guest->bits) : v_null(); }
static struct fv g_hw(const struct record *r) { return VM->hw_version ? v_int(VM->hw_version) : v_null(); }
static struct fv g_firmware(const struct record *r) { return v_str(VM->firmware); }
static struct fv g_secure_boot(const struct record *r) { return v_bool(VM->secure_boot); }
static struct fv g_vhv(const struct record *r) { return v_bool(VM->vhv_enable); }
static struct fv g_vhc(const struct record *r) { return v_bool(VM->vhc_enable_key); }
static struct fv g_mem(const struct record *r) { return VM->mem_mb >= 0 ? v_int(VM->mem_mb) : v_null(); }
static struct fv g_mem_min(const struct record *r) { return VM->mem_min_mb >= 0 ? v_int(VM->mem_min_mb) : v_null(); }
static struct fv g_mem_pin(const struct record *r) { return v_bool(VM->mem_pin); }
static struct fv g_mem_full(const struct record *r) { return v_bool(VM->mem_fully_reserved); }
static struct fv g_vcpus(const struct record *r) { return v_int(VM->vcpus); }
static struct fv g_cps(const struct record *r) { return v_int(VM->cores_per_socket); }
static struct fv g_sound(const struct record *r) { return v_bool(VM->sound); }
static struct fv g_usb(const struct record *r) { return v_bool(VM->usb); }
static struct fv g_floppy(const struct record *r) { return v_bool(VM->floppy); }
static struct fv g_serial(const struct record *r) { return v_int(VM->serial_ports); }
static struct fv g_parallel(const struct record *r) { return v_int(VM->parallel_ports); }
static struct fv g_sync(const struct record *r) { return v_bool(VM->tools_sync_time); }
static struct fv g_runs_hv(const struct record *r) { return v_bool(VM->runs_hypervisor); }
static struct fv g_nested(const struct record *r) { return v_bool(VM->runs_hypervisor || (r->ctx && r->ctx->profile_nested)); }
static struct fv g_template(const struct record *r) { return v_bool(VM->is_template); }
static struct fv g_nnics(const struct record *r)
{
    long long n = 0;
    for (size_t i = 0; i < VM->nnics; i++)
        n += VM->nics[i].present;
    return v_int(n);
}
static struct fv g_boot_type(const struct record *r)
{
    const struct vm_controller *c = vm_boot_controller(VM);
    return c ? v_str(c->type) : v_null();
}
static struct fv g_boot_bus(const struct record *r)
{
    const struct vm_controller *c = vm_boot_controller(VM);
    return c ? v_str(vm_bus_name(c->bus)) : v_null();
}
#define NIC (r->nic)
static struct fv g_nic_index(const struct record *r) { return v_int(NIC->index); }
static struct fv g_nic_present(const struct record *r) { return v_bool(NIC->present); }
static struct fv g_nic_type(const struct record *r) { return v_str(NIC->type); }
static struct fv g_nic_explicit(const struct record *r) { return v_bool(NIC->type_explicit); }
static struct fv g_nic_default(const struct record *r) { return v_str(NIC->type_default); }
static struct fv g_nic_network(const struct record *r) { return v_str(NIC->network); }
static struct fv g_nic_addr(const struct record *r) { return v_str(NIC->address_type); }
static struct fv g_nic_start(const struct record *r) { return v_bool(NIC->start_connected); }
static struct fv g_nic_mac(const struct record *r) { return v_str(NIC->mac); }
#define CTRL (r->ctrl)
static struct fv g_c_bus(const struct record *r) { return v_str(vm_bus_name(CTRL->bus)); }
static struct fv g_c_index(const struct record *r) { return v_int(CTRL->index); }
static struct fv g_c_present(const struct record *r) { return v_bool(CTRL->present); }
static struct fv g_c_type(const struct record *r) { return v_str(CTRL->type); }
static struct fv g_c_disks(const struct record *r) { return v_int(CTRL->disks); }
static struct fv g_c_boot(const struct record *r) { return v_bool(CTRL->boot); }

/* Evidence sources. */
#define SRC_KEY(fn, key) \
    static const struct vmx_entry *fn(const struct record *r) { return vmx_find(VM->doc, key); }
SRC_KEY(s_guest, "guestOS")
SRC_KEY(s_hw, "virtualHW.version")
SRC_KEY(s_fw, "firmware")
SRC_KEY(s_sb, "uefi.secureBoot.enabled")
SRC_KEY(s_vhv, "vhv.enable")
SRC_KEY(s_vhc, "vhc.enable")
SRC_KEY(s_mem, "memsize")
SRC_KEY(s_memmin, "sched.mem.min")
SRC_KEY(s_pin, "sched.mem.pin")
SRC_KEY(s_vcpus, "numvcpus")
SRC_KEY(s_cps, "cpuid.coresPerSocket")
SRC_KEY(s_sound, "sound.present")
SRC_KEY(s_floppy, "floppy0.present")
SRC_KEY(s_sync, "tools.syncTime")
SRC_KEY(s_name, "displayName")
static const struct vmx_entry *s_usb(const struct record *r)
{
    static const char *const keys[] = {"usb.present", "ehci.present", "usb_xhci.present"};
    for (size_t i = 0; i < 3; i++) {
        const struct vmx_entry *e = vmx_find(VM->doc, keys[i]);
        if (e && vmx_bool(e->value) == 1)
            return e;
    }
    return NULL;
}
static const struct vmx_entry *s_nic_present(const struct record *r) { return vmx_findf(VM->doc, "ethernet%d.present", NIC->index); }
static const struct vmx_entry *s_nic_type(const struct record *r) { return vmx_findf(VM->doc, "ethernet%d.virtualDev", NIC->index); }
static const struct vmx_entry *s_nic_net(const struct record *r) { return vmx_findf(VM->doc, "ethernet%d.networkName", NIC->index); }
static const struct vmx_entry *s_nic_addr(const struct record *r) { return vmx_findf(VM->doc, "ethernet%d.addressType", NIC->index); }
static const struct vmx_entry *s_nic_start(const struct record *r) { return vmx_findf(VM->doc, "ethernet%d.startConnected", NIC->index); }
static const struct vmx_entry *s_c_present(const struct record *r) { return vmx_findf(VM->doc, "%s%d.present", vm_bus_name(CTRL->bus), CTRL->index); }
static const struct vmx_entry *s_c_type(const struct record *r) { return vmx_findf(VM->doc, "%s%d.virtualDev", vm_bus_name(CTRL->bus), CTRL->index); }
static const struct vmx_entry *s_boot(const struct record *r)
{
    const struct vm_controller *c = vm_boot_controller(VM);
    return c ? vmx_findf(VM->doc, "%s%d.virtualDev", vm_bus_name(c->bus), c->index) : NULL;
}

static const struct field_def fields[] = {
    {"vm.path", K_ALL, FV_STR, g_path, NULL, NULL},
    {"vm.name", K_ALL, FV_STR, g_name, s_name, NULL},
    {"vm.guest_os", K_ALL, FV_STR, g_guest_os, s_guest, NULL},
    {"vm.guest_family", K_ALL, FV_STR, g_family, s_guest, NULL},
    {"vm.windows_nt", K_ALL, FV_INT, g_windows_nt, s_guest, NULL},
    {"vm.guest_bits", K_ALL, FV_INT, g_bits, s_guest, NULL},
    {"vm.hw_version", K_ALL, FV_INT, g_hw, s_hw, NULL},
    {"vm.firmware", K_ALL, FV_STR, g_firmware, s_fw, NULL},
    {"vm.secure_boot", K_ALL, FV_BOOL, g_secure_boot, s_sb, NULL},
    {"vm.vhv_enable", K_ALL, FV_BOOL, g_vhv, s_vhv, NULL},
    {"vm.vhc_enable_key", K_ALL, FV_BOOL, g_vhc, s_vhc, NULL},
    {"vm.memory_mb", K_ALL, FV_INT, g_mem, s_mem, NULL},
    {"vm.mem_reservation_mb", K_ALL, FV_INT, g_mem_min, s_memmin, NULL},
    {"vm.mem_pin", K_ALL, FV_BOOL, g_mem_pin, s_pin, NULL},
    {"vm.mem_fully_reserved", K_ALL, FV_BOOL, g_mem_full, s_memmin, NULL},
    {"vm.vcpus", K_ALL, FV_INT, g_vcpus, s_vcpus, NULL},
    {"vm.cores_per_socket", K_ALL, FV_INT, g_cps, s_cps, NULL},
    {"vm.sound_present", K_ALL, FV_BOOL, g_sound, s_sound, NULL},
    {"vm.usb_present", K_ALL, FV_BOOL, g_usb, s_usb, NULL},
    {"vm.floppy_present", K_ALL, FV_BOOL, g_floppy, s_floppy, NULL},
    {"vm.serial_ports", K_ALL, FV_INT, g_serial, NULL, NULL},
    {"vm.parallel_ports", K_ALL, FV_INT, g_parallel, NULL, NULL},
    {"vm.tools_sync_time", K_ALL, FV_BOOL, g_sync, s_sync, NULL},
    {"vm.runs_hypervisor", K_ALL, FV_BOOL, g_runs_hv, s_vhv, NULL},
    {"vm.nested", K_ALL, FV_BOOL, g_nested, s_vhv, NULL},
    {"vm.is_template", K_ALL, FV_BOOL, g_template, NULL, NULL},
    {"vm.nics_present", K_ALL, FV_INT, g_nnics, NULL, NULL},
    {"vm.boot_controller_type", K_ALL, FV_STR, g_boot_type, s_boot, NULL},
    {"vm.boot_controller_bus", K_ALL, FV_STR, g_boot_bus, s_boot, NULL},
    {"nic.index", K_NIC, FV_INT, g_nic_index, NULL, NULL},
    {"nic.present", K_NIC, FV_BOOL, g_nic_present, s_nic_present, NULL},
    {"nic.type", K_NIC, FV_STR, g_nic_type, s_nic_type, NULL},
    {"nic.type_explicit", K_NIC, FV_BOOL, g_nic_explicit, s_nic_type, NULL},
    {"nic.type_default", K_NIC, FV_STR, g_nic_default, NULL, NULL},
    {"nic.network", K_NIC, FV_STR, g_nic_network, s_nic_net, NULL},
    {"nic.address_type", K_NIC, FV_STR, g_nic_addr, s_nic_addr, NULL},
    {"nic.start_connected", K_NIC, FV_BOOL, g_nic_start, s_nic_start, NULL},
    {"nic.mac", K_NIC, FV_STR, g_nic_mac, NULL, NULL},
    {"controller.bus", K_CTRL, FV_STR, g_c_bus, s_c_present, NULL},
    {"controller.index", K_CTRL, FV_INT, g_c_index, NULL, NULL},
    {"controller.present", K_CTRL, FV_BOOL, g_c_present, s_c_present, NULL},
    {"controller.type", K_CTRL, FV_STR, g_c_type, s_c_type, NULL},
    {"controller.disks", K_CTRL, FV_INT, g_c_disks, NULL, NULL},
    {"controller.boot", K_CTRL, FV_BOOL, g_c_boot, s_c_type, NULL},
};

static const char *const kind_names[] = {"vm", "nic", "controller"};

bool
record_next(struct record *r, size_t *i)
{
    switch (r->kind) {
    case REC_VM:
        return (*i)++ == 0;
    case REC_NIC:
        if (*i >= r->vm->nnics)
            return false;
        r->nic = &r->vm->nics[(*i)++];
        return true;
    case REC_CONTROLLER:
        if (*i >= r->vm->nctrls)
            return false;
        r->ctrl = &r->vm->ctrls[(*i)++];
        return true;
    default:
        return false;
    }
}

const char *
record_kind_name(enum record_kind k)
{
    return kind_names[k];
}

int
record_kind_from_name(const char *name)
{
    for (int k = 0; k < REC__COUNT; k++)
        if (strcmp(kind_names[k], name) == 0)
            return k;
    return -1;
}

static struct fv
g_raw(const struct record *r)
{
    (void)r;
    VT_BUG("raw fields are read through field_get");
}

const struct field_def *
field_lookup(enum record_kind kind, const char *name)
{
    if (strncmp(name, "vmx.", 4) == 0 && name[4] != '\0') {
        struct field_def *f = xcalloc(1, sizeof(*f));
        *f = (struct field_def){xstrdup(name), K_ALL, FV_STR, g_raw, NULL, xstrdup(name + 4)};
        return f;
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (strcmp(fields[i].name, name) == 0)
            return fields[i].kinds & (1u << kind) ? &fields[i] : NULL;
    return NULL;
}

void
field_release(const struct field_def *f)
{
    if (f && f->raw_key) {
        free((char *)f->name);
        free(f->raw_key);
        free((struct field_def *)f);
    }
}

enum fv_type
field_type(const struct field_def *f)
{
    return f->type;
}

const char *
field_name(const struct field_def *f)
{
    return f->name;
}

struct fv
field_get(const struct field_def *f, const struct record *r)
{
    if (f->raw_key)
        return v_str(vmx_get(r->vm->doc, f->raw_key));
    return f->get(r);
}

const struct vmx_entry *
field_source(const struct field_def *f, const struct record *r)
{
    if (f->raw_key)
        return vmx_find(r->vm->doc, f->raw_key);
    return f->source ? f->source(r) : NULL;
}

void
field_list(enum record_kind kind, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && n + 1 < max; i++)
        if (fields[i].kinds & (1u << kind))
            out[n++] = fields[i].name;
    out[n] = NULL;
}
