/* vm: the typed record of one virtual machine, built from a parsed .vmx.
 *
 * Holds what rules and reporters need (kb/vmx.md §2): identity, guest OS,
 * hardware version, firmware, nested-virtualization keys, memory and CPU,
 * every NIC and storage controller, legacy devices and time sync. The
 * document stays attached so rules can still read any other key. */
#ifndef VT_VM_H
#define VT_VM_H

#include "record/cpuid_mask.h"
#include "record/guestos.h"
#include "parse/vmx/vmx_parse.h"

#include <stdbool.h>

enum vm_bus { BUS_SCSI, BUS_SATA, BUS_NVME, BUS_IDE };

struct vm_nic {
    int index;                /* N of ethernetN */
    bool present;             /* ethernetN.present is true (missing = absent) */
    const char *type;         /* ethernetN.virtualDev lower-cased, or NULL */
    bool type_explicit;       /* the file names the type */
    const char *type_default; /* when implicit: a guess from the guest OS, NOT verified */
    bool vmxnet2;             /* virtualDev vmxnet + features 15 (Enhanced vmxnet) */
    const char *network;      /* networkName, or NULL */
    const char *connection_type;
    const char *address_type;
    const char *mac;     /* address or generatedAddress */
    int start_connected; /* 1, 0, or -1 when unset */
    unsigned long line;  /* line of ethernetN.present, or of the first ethernetN key */
    unsigned long type_line;
};

struct vm_controller {
    enum vm_bus bus;
    int index;
    bool present;
    const char *type; /* scsiN.virtualDev lower-cased; "ahci", "nvme", "ide"; NULL if unset */
    int disks;        /* present hard disks on it */
    bool boot;        /* holds the boot disk (see vm_from_vmx) */
    unsigned long line;
};

struct vm {
    char *path;          /* owned */
    bool is_template;    /* a .vmtx */
    struct vmx_doc *doc; /* owned */
    const char *name;    /* displayName, or NULL */
    const char *guest_os;
    const struct guestos *guest; /* NULL when the table does not know guest_os */
    enum guest_family family;
    int windows_nt;       /* NT version x100, 0 when not known */
    int hw_version;       /* virtualHW.version, 0 when missing */
    const char *firmware; /* "efi" or "bios" */
    bool firmware_explicit;
    int secure_boot;         /* uefi.secureBoot.enabled: 1, 0, -1 unset */
    int vhv_enable;          /* vhv.enable: 1, 0, -1 unset */
    bool vhc_enable_key;     /* the misspelt vhc.enable key is present */
    long mem_mb;             /* memsize, -1 missing */
    long mem_min_mb;         /* sched.mem.min, -1 missing */
    int mem_pin;             /* sched.mem.pin: 1, 0, -1 */
    bool mem_fully_reserved; /* sched.mem.min >= memsize */
    int vcpus;               /* numvcpus (default 1) */
    int cores_per_socket;    /* cpuid.coresPerSocket (default 1) */
    int sound, usb, floppy;  /* present: 1, 0, -1 unset */
    int serial_ports, parallel_ports;
    int tools_sync_time;    /* tools.syncTime: 1, 0, -1 */
    bool runs_hypervisor;   /* guest vmkernel* or a vhv.enable key */
    const char *cpuid_hidden[CPUID_MASK_FEATURES]; /* features the .vmx CPUID masks hide */
    size_t ncpuid_hidden;
    const struct vmx_entry *cpuid_hidden_at; /* the mask that hides the first, or NULL */
    const char *boot_basis; /* "bios.hddOrder", "first disk" or NULL */
    struct vm_nic *nics;
    size_t nnics;
    struct vm_controller *ctrls;
    size_t nctrls;
    /* A VM read over the vSphere API (vmtriage vcenter); all NULL for a file.
     * Owned, freed by vm_free. `path` is then the inventory path. */
    char *datastore_path; /* "[ds1] vm/vm.vmx" */
    char *power_state;    /* poweredOn, poweredOff, suspended */
    char *host;           /* the host's name */
    char *cluster;        /* its cluster's name, or NULL */
    char *host_file;      /* the .vmx in the host's shell: /vmfs/volumes/ds1/vm/vm.vmx;
                             the field vm.path (fix commands name the file) */
    /* A VM read from an inventory (RVTools, govc JSON, a saved report): the
     * facts it could not give (enum inv_unknown bits; 0 for a .vmx). Fields
     * resting on them are unknown, not their .vmx default: vm_field_unknown. */
    unsigned unknown;
};

/* Builds the record. Takes ownership of `doc` (freed by vm_free); copies
 * `path`. Never fails. */
struct vm *vm_from_vmx(struct vmx_doc *doc, const char *path);
/* The same, and every value that should be a number and is not one, or is
 * out of range (memSize -4, numvcpus past int, ethernet4294967296.present),
 * is appended to `d` as an error with `path` and its line; such a value is
 * read as missing (numvcpus and cpuid.coresPerSocket: their default 1). */
struct vm *vm_from_vmx_checked(struct vmx_doc *doc, const char *path, struct diags *d);
void vm_free(struct vm *vm);

const char *vm_bus_name(enum vm_bus bus);
/* Whether the record field `name` ("vm.vhv_enable", "nic.type", "vmx.KEY")
 * is unknown for this VM: its source could not give it (vm->unknown).
 * Defined with the field table (record_vm.c). */
bool vm_field_unknown(const struct vm *vm, const char *name);
/* The NIC ethernet<index> / the controller <bus><index>, or NULL. Borrowed. */
const struct vm_nic *vm_nic_at(const struct vm *vm, int index);
const struct vm_controller *vm_controller_at(const struct vm *vm, enum vm_bus bus, int index);
/* The controller holding the boot disk, or NULL. */
const struct vm_controller *vm_boot_controller(const struct vm *vm);

#endif
