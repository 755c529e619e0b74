/* vm_vsphere: what one ObjectContent of the vSphere API says about a VM or
 * a host, in the vocabulary of the rest of vmtriage.
 *
 * A VirtualMachine's properties are written out as the .vmx document they
 * stand for (device classes as virtualDev values, guestId as guestOS,
 * config.version as virtualHW.version, nestedHVEnabled as vhv.enable,
 * extraConfig as its own keys), so the same .vmx reader and VM builder make
 * the same struct vm a datastore scan makes, and every rule (vmx.<key> ones
 * too) reads it unchanged. Pure: a parsed tree in, strings out. Built only
 * with the vSphere client (VT_VSPHERE). */
#ifndef VT_VM_VSPHERE_H
#define VT_VM_VSPHERE_H

#include "source/vsphere_xml.h"

#include <stdbool.h>
#include <stddef.h>

/* The properties read of each VirtualMachine, HostSystem and inventory
 * container (Folder, Datacenter, ComputeResource, ClusterComputeResource).
 * The last host path (capability.smpFtCompatibilityIssues, API 6.0) is for
 * servers of API 6.0 or later only: older ones refuse an unknown path. */
extern const char *const vsphere_vm_paths[];
extern const size_t vsphere_vm_npaths;
extern const char *const vsphere_host_paths[];
extern const size_t vsphere_host_npaths;
extern const char *const vsphere_entity_paths[];
extern const size_t vsphere_entity_npaths;

/* One VirtualMachine. Strings owned; NULL when the server gave none. */
struct vsphere_vm {
    char *moref, *name, *parent, *host, *power_state, *vmx_path;
    bool is_template;
    bool has_config; /* config.* came: the record describes the VM */
    int nested_hv;   /* config.nestedHVEnabled: 1, 0 (an explicit false), -1 absent */
    char *vmx;       /* the .vmx document the properties stand for */
    size_t vmx_len;
    char **denied; /* "config.hardware.device: NoPermission" per property not read */
    size_t ndenied;
};

/* Fills *vm from an ObjectContent (`obj`: its obj, propSet*, missingSet*). */
void vsphere_vm_read(const struct vs_node *obj, struct vsphere_vm *vm);
void vsphere_vm_release(struct vsphere_vm *vm);

/* One other inventory object: a container, or a host with its facts. */
struct vsphere_entity {
    char *moref, *type, *name, *parent;
    /* HostSystem */
    char *product, *version, *build, *full_name, *cpu_model, *connection;
    int nested_hv; /* capability.nestedHVSupported: 1, 0, -1 unknown */
    /* esxcli's HV Support as far as the API tells it: 2 (disabled in the
     * BIOS) or 0 (the CPU has none) from the FT compatibility issues
     * cpuHvDisabled / cpuHvUnsupported; -1 when the API says neither (no
     * property carries 3, "enabled and usable") */
    int hv_support;
    char *hv_source; /* "capability.ftCompatibilityIssues: cpuHvDisabled", or NULL */
    char **denied;
    size_t ndenied;
};

void vsphere_entity_read(const struct vs_node *obj, struct vsphere_entity *e);
void vsphere_entity_release(struct vsphere_entity *e);

/* The vSphere class of a device (its xsi:type) as the .vmx spells it: a NIC's
 * virtualDev ("e1000"), a SCSI controller's ("pvscsi"), or the bus of
 * other controllers ("nvme", "sata", "ide"); NULL for anything else. Sets
 * *nic for NICs. */
const char *vsphere_device_vmx(const char *xtype, bool *nic);

#endif
