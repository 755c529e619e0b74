/* record_vm: the rule vocabulary of VM records (vm.*, nic.*, controller.*).
 *
 * Each row names a field, the record kinds that have it, its type, a getter
 * and the .vmx key that is its evidence. Add a field here and every rule can
 * use it; documented in docs/RULES.md. */
#include "record/record_impl.h"

#include "parse/inventory/inv.h"

#include <stdio.h>
#include <string.h>

/* Getters. */
#define VM (r->vm)
static struct fv
g_path(const struct record *r)
{
    return v_str(VM->host_file ? VM->host_file : VM->path);
}
static struct fv
g_name(const struct record *r)
{
    return v_str(VM->name);
}
static struct fv
g_guest_os(const struct record *r)
{
    return v_str(VM->guest_os);
}
static struct fv
g_family(const struct record *r)
{
    return v_str(guest_family_name(VM->family));
}
static struct fv
g_windows_nt(const struct record *r)
{
    return VM->windows_nt ? v_int(VM->windows_nt) : v_null();
}
static struct fv
g_bits(const struct record *r)
{
    return VM->guest ? v_int(VM->guest->bits) : v_null();
}
static struct fv
g_hw(const struct record *r)
{
    return VM->hw_version ? v_int(VM->hw_version) : v_null();
}
static struct fv
g_firmware(const struct record *r)
{
    return v_str(VM->firmware);
}
static struct fv
g_secure_boot(const struct record *r)
{
    return v_bool(VM->secure_boot);
}
static struct fv
g_vhv(const struct record *r)
{
    return v_bool(VM->vhv_enable);
}
static struct fv
g_vhc(const struct record *r)
{
    return v_bool(VM->vhc_enable_key);
}
static struct fv
g_mem(const struct record *r)
{
    return VM->mem_mb >= 0 ? v_int(VM->mem_mb) : v_null();
}
static struct fv
g_mem_min(const struct record *r)
{
    return VM->mem_min_mb >= 0 ? v_int(VM->mem_min_mb) : v_null();
}
static struct fv
g_mem_pin(const struct record *r)
{
    return v_bool(VM->mem_pin);
}
static struct fv
g_mem_full(const struct record *r)
{
    return v_bool(VM->mem_fully_reserved);
}
static struct fv
g_vcpus(const struct record *r)
{
    return v_int(VM->vcpus);
}
static struct fv
g_cps(const struct record *r)
{
    return v_int(VM->cores_per_socket);
}
static struct fv
g_sound(const struct record *r)
{
    return v_bool(VM->sound);
}
static struct fv
g_usb(const struct record *r)
{
    return v_bool(VM->usb);
}
static struct fv
g_floppy(const struct record *r)
{
    return v_bool(VM->floppy);
}
static struct fv
g_serial(const struct record *r)
{
    return v_int(VM->serial_ports);
}
static struct fv
g_parallel(const struct record *r)
{
    return v_int(VM->parallel_ports);
}
static struct fv
g_sync(const struct record *r)
{
    return v_bool(VM->tools_sync_time);
}
static struct fv
g_runs_hv(const struct record *r)
{
    return v_bool(VM->runs_hypervisor);
}
static struct fv
g_nested(const struct record *r)
{
    return v_bool(VM->runs_hypervisor || (r->ctx && r->ctx->profile_nested));
}
static struct fv
g_template(const struct record *r)
{
    return v_bool(VM->is_template);
}
static struct fv
g_nnics(const struct record *r)
{
    long long n = 0;
    for (size_t i = 0; i < VM->nnics; i++)
        n += VM->nics[i].present;
    return v_int(n);
}
static struct fv
g_boot_type(const struct record *r)
{
    const struct vm_controller *c = vm_boot_controller(VM);
    return c ? v_str(c->type) : v_null();
}
static struct fv
g_boot_bus(const struct record *r)
{
    const struct vm_controller *c = vm_boot_controller(VM);
    return c ? v_str(vm_bus_name(c->bus)) : v_null();
}
#define NIC (r->nic)
static struct fv
g_nic_index(const struct record *r)
{
    return v_int(NIC->index);
}
static struct fv
g_nic_present(const struct record *r)
{
    return v_bool(NIC->present);
}
static struct fv
g_nic_type(const struct record *r)
{
    return v_str(NIC->type);
}
static struct fv
g_nic_explicit(const struct record *r)
{
    return v_bool(NIC->type_explicit);
}
static struct fv
g_nic_default(const struct record *r)
{
    return v_str(NIC->type_default);
}
static struct fv
g_nic_network(const struct record *r)
{
    return v_str(NIC->network);
}
static struct fv
g_nic_addr(const struct record *r)
{
    return v_str(NIC->address_type);
}
static struct fv
g_nic_start(const struct record *r)
{
    return v_bool(NIC->start_connected);
}
static struct fv
g_nic_mac(const struct record *r)
{
    return v_str(NIC->mac);
}
#define CTRL (r->ctrl)
static struct fv
g_c_bus(const struct record *r)
{
    return v_str(vm_bus_name(CTRL->bus));
}
static struct fv
g_c_index(const struct record *r)
{
    return v_int(CTRL->index);
}
static struct fv
g_c_present(const struct record *r)
{
    return v_bool(CTRL->present);
}
static struct fv
g_c_type(const struct record *r)
{
    return v_str(CTRL->type);
}
static struct fv
g_c_disks(const struct record *r)
{
    return v_int(CTRL->disks);
}
static struct fv
g_c_boot(const struct record *r)
{
    return v_bool(CTRL->boot);
}

/* Evidence sources. */
#define SRC_KEY(fn, key)                                                                           \
    static const struct vmx_entry *fn(const struct record *r)                                      \
    {                                                                                              \
        return vmx_find(VM->doc, key);                                                             \
    }
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
static const struct vmx_entry *
s_usb(const struct record *r)
{
    static const char *const keys[] = {"usb.present", "ehci.present", "usb_xhci.present"};
    for (size_t i = 0; i < 3; i++) {
        const struct vmx_entry *e = vmx_find(VM->doc, keys[i]);
        if (e && vmx_bool(e->value) == 1)
            return e;
    }
    return NULL;
}
static const struct vmx_entry *
s_nic_present(const struct record *r)
{
    return vmx_findf(VM->doc, "ethernet%d.present", NIC->index);
}
static const struct vmx_entry *
s_nic_type(const struct record *r)
{
    return vmx_findf(VM->doc, "ethernet%d.virtualDev", NIC->index);
}
static const struct vmx_entry *
s_nic_net(const struct record *r)
{
    return vmx_findf(VM->doc, "ethernet%d.networkName", NIC->index);
}
static const struct vmx_entry *
s_nic_addr(const struct record *r)
{
    return vmx_findf(VM->doc, "ethernet%d.addressType", NIC->index);
}
static const struct vmx_entry *
s_nic_start(const struct record *r)
{
    return vmx_findf(VM->doc, "ethernet%d.startConnected", NIC->index);
}
static const struct vmx_entry *
s_c_present(const struct record *r)
{
    return vmx_findf(VM->doc, "%s%d.present", vm_bus_name(CTRL->bus), CTRL->index);
}
static const struct vmx_entry *
s_c_type(const struct record *r)
{
    return vmx_findf(VM->doc, "%s%d.virtualDev", vm_bus_name(CTRL->bus), CTRL->index);
}
static const struct vmx_entry *
s_boot(const struct record *r)
{
    const struct vm_controller *c = vm_boot_controller(VM);
    return c ? vmx_findf(VM->doc, "%s%d.virtualDev", vm_bus_name(c->bus), c->index) : NULL;
}

static struct fv
g_cpuid_hidden(const struct record *r)
{
    return v_list(VM->cpuid_hidden, VM->ncpuid_hidden);
}
static const struct vmx_entry *
s_cpuid_hidden(const struct record *r)
{
    return VM->cpuid_hidden_at;
}

const struct field_def record_vm_fields[] = {
    {"vm.path", K_VMS, FV_STR, g_path, NULL, NULL, NULL},
    {"vm.name", K_VMS, FV_STR, g_name, s_name, NULL, NULL},
    {"vm.guest_os", K_VMS, FV_STR, g_guest_os, s_guest, NULL, NULL},
    {"vm.guest_family", K_VMS, FV_STR, g_family, s_guest, NULL, NULL},
    {"vm.windows_nt", K_VMS, FV_INT, g_windows_nt, s_guest, NULL, NULL},
    {"vm.guest_bits", K_VMS, FV_INT, g_bits, s_guest, NULL, NULL},
    {"vm.hw_version", K_VMS, FV_INT, g_hw, s_hw, NULL, NULL},
    {"vm.firmware", K_VMS, FV_STR, g_firmware, s_fw, NULL, NULL},
    {"vm.secure_boot", K_VMS, FV_BOOL, g_secure_boot, s_sb, NULL, NULL},
    {"vm.vhv_enable", K_VMS, FV_BOOL, g_vhv, s_vhv, NULL, NULL},
    {"vm.vhc_enable_key", K_VMS, FV_BOOL, g_vhc, s_vhc, NULL, NULL},
    {"vm.memory_mb", K_VMS, FV_INT, g_mem, s_mem, NULL, NULL},
    {"vm.mem_reservation_mb", K_VMS, FV_INT, g_mem_min, s_memmin, NULL, NULL},
    {"vm.mem_pin", K_VMS, FV_BOOL, g_mem_pin, s_pin, NULL, NULL},
    {"vm.mem_fully_reserved", K_VMS, FV_BOOL, g_mem_full, s_memmin, NULL, NULL},
    {"vm.vcpus", K_VMS, FV_INT, g_vcpus, s_vcpus, NULL, NULL},
    {"vm.cores_per_socket", K_VMS, FV_INT, g_cps, s_cps, NULL, NULL},
    {"vm.sound_present", K_VMS, FV_BOOL, g_sound, s_sound, NULL, NULL},
    {"vm.usb_present", K_VMS, FV_BOOL, g_usb, s_usb, NULL, NULL},
    {"vm.floppy_present", K_VMS, FV_BOOL, g_floppy, s_floppy, NULL, NULL},
    {"vm.serial_ports", K_VMS, FV_INT, g_serial, NULL, NULL, NULL},
    {"vm.parallel_ports", K_VMS, FV_INT, g_parallel, NULL, NULL, NULL},
    {"vm.tools_sync_time", K_VMS, FV_BOOL, g_sync, s_sync, NULL, NULL},
    {"vm.runs_hypervisor", K_VMS, FV_BOOL, g_runs_hv, s_vhv, NULL, NULL},
    {"vm.nested", K_VMS, FV_BOOL, g_nested, s_vhv, NULL, NULL},
    {"vm.is_template", K_VMS, FV_BOOL, g_template, NULL, NULL, NULL},
    {"vm.cpuid_hidden", K_VMS, FV_LIST, g_cpuid_hidden, s_cpuid_hidden, NULL, NULL},
    {"vm.nics_present", K_VMS, FV_INT, g_nnics, NULL, NULL, NULL},
    {"vm.boot_controller_type", K_VMS, FV_STR, g_boot_type, s_boot, NULL, NULL},
    {"vm.boot_controller_bus", K_VMS, FV_STR, g_boot_bus, s_boot, NULL, NULL},
    {"nic.index", K_NIC, FV_INT, g_nic_index, NULL, NULL, NULL},
    {"nic.present", K_NIC, FV_BOOL, g_nic_present, s_nic_present, NULL, NULL},
    {"nic.type", K_NIC, FV_STR, g_nic_type, s_nic_type, NULL, NULL},
    {"nic.type_explicit", K_NIC, FV_BOOL, g_nic_explicit, s_nic_type, NULL, NULL},
    {"nic.type_default", K_NIC, FV_STR, g_nic_default, NULL, NULL, NULL},
    {"nic.network", K_NIC, FV_STR, g_nic_network, s_nic_net, NULL, NULL},
    {"nic.address_type", K_NIC, FV_STR, g_nic_addr, s_nic_addr, NULL, NULL},
    {"nic.start_connected", K_NIC, FV_BOOL, g_nic_start, s_nic_start, NULL, NULL},
    {"nic.mac", K_NIC, FV_STR, g_nic_mac, NULL, NULL, NULL},
    {"controller.bus", K_CTRL, FV_STR, g_c_bus, s_c_present, NULL, NULL},
    {"controller.index", K_CTRL, FV_INT, g_c_index, NULL, NULL, NULL},
    {"controller.present", K_CTRL, FV_BOOL, g_c_present, s_c_present, NULL, NULL},
    {"controller.type", K_CTRL, FV_STR, g_c_type, s_c_type, NULL, NULL},
    {"controller.disks", K_CTRL, FV_INT, g_c_disks, NULL, NULL, NULL},
    {"controller.boot", K_CTRL, FV_BOOL, g_c_boot, s_c_type, NULL, NULL},
};

const size_t record_vm_nfields = sizeof(record_vm_fields) / sizeof(record_vm_fields[0]);

/* Which inventory gaps (enum inv_unknown) each field rests on. */
static const struct {
    const char *field;
    unsigned bits;
} field_gaps[] = {
    {"vm.guest_os", INV_U_GUEST},
    {"vm.guest_family", INV_U_GUEST},
    {"vm.windows_nt", INV_U_GUEST},
    {"vm.guest_bits", INV_U_GUEST},
    {"vm.hw_version", INV_U_HW},
    {"vm.firmware", INV_U_FIRMWARE},
    {"vm.secure_boot", INV_U_SECURE_BOOT},
    {"vm.vhv_enable", INV_U_VHV},
    {"vm.vhc_enable_key", INV_U_VHV},
    {"vm.memory_mb", INV_U_MEM},
    {"vm.mem_reservation_mb", INV_U_MEM_RES},
    {"vm.mem_pin", INV_U_MEM_PIN},
    {"vm.mem_fully_reserved", INV_U_MEM | INV_U_MEM_RES},
    {"vm.vcpus", INV_U_CPU},
    {"vm.cores_per_socket", INV_U_CORES},
    {"vm.sound_present", INV_U_DEVICES},
    {"vm.usb_present", INV_U_DEVICES},
    {"vm.floppy_present", INV_U_DEVICES},
    {"vm.serial_ports", INV_U_DEVICES},
    {"vm.parallel_ports", INV_U_DEVICES},
    {"vm.tools_sync_time", INV_U_SYNC},
    {"vm.cpuid_hidden", INV_U_CPUID},
    {"vm.nics_present", INV_U_NICS},
    {"vm.boot_controller_type", INV_U_CTRL},
    {"vm.boot_controller_bus", INV_U_CTRL},
    {"nic.", INV_U_NICS},
    {"nic.type", INV_U_NIC_TYPE},
    {"nic.type_explicit", INV_U_NIC_TYPE},
    {"nic.type_default", INV_U_NIC_TYPE},
    {"controller.", INV_U_CTRL},
    {"vmx.", INV_U_VMX},
};

bool
vm_field_unknown(const struct vm *vm, const char *name)
{
    if (vm->unknown == 0)
        return false;
    /* a hypervisor guest is known to run one; else the vhv.enable key would say */
    if (strcmp(name, "vm.runs_hypervisor") == 0 || strcmp(name, "vm.nested") == 0)
        return !vm->runs_hypervisor && (vm->unknown & (INV_U_VHV | INV_U_GUEST)) != 0;
    for (size_t i = 0; i < sizeof(field_gaps) / sizeof(field_gaps[0]); i++) {
        const char *f = field_gaps[i].field;
        size_t l = strlen(f);
        bool hit = f[l - 1] == '.' ? strncmp(name, f, l) == 0 : strcmp(name, f) == 0;
        if (hit && (vm->unknown & field_gaps[i].bits))
            return true;
    }
    return false;
}
