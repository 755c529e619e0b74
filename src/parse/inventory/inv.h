/* inv: one VM of an inventory (RVTools export, govc JSON, saved report) as
 * the inventory readers hand it on: the .vmx document its facts stand for,
 * what the export says beyond the .vmx (power state, host), and which facts
 * the export cannot give at all (so that rules reading them say "unknown"
 * instead of reading the .vmx default). Pure data; record/inventory.c builds
 * the struct vm from it. */
#ifndef VT_INV_H
#define VT_INV_H

#include "parse/vmx/vmx_write.h"

#include <stdbool.h>

/* What an inventory cannot give, one bit per group of VM record fields
 * (record/record_vm.c maps field names to these bits). */
enum inv_unknown {
    INV_U_VHV = 1u << 0,         /* vhv.enable, the vhc.enable key */
    INV_U_SYNC = 1u << 1,        /* tools.syncTime */
    INV_U_DEVICES = 1u << 2,     /* sound, USB, floppy, serial and parallel ports */
    INV_U_CTRL = 1u << 3,        /* storage controllers, the boot controller */
    INV_U_NIC_TYPE = 1u << 4,    /* each NIC's adapter type */
    INV_U_NICS = 1u << 5,        /* the NICs themselves */
    INV_U_CPUID = 1u << 6,       /* CPUID masks */
    INV_U_SECURE_BOOT = 1u << 7, /* UEFI secure boot */
    INV_U_MEM_PIN = 1u << 8,     /* sched.mem.pin */
    INV_U_MEM_RES = 1u << 9,     /* the memory reservation */
    INV_U_GUEST = 1u << 10,      /* the guest OS */
    INV_U_HW = 1u << 11,         /* the virtual hardware version */
    INV_U_FIRMWARE = 1u << 12,   /* BIOS or EFI */
    INV_U_MEM = 1u << 13,        /* the memory size */
    INV_U_CPU = 1u << 14,        /* vCPUs and cores per socket */
    INV_U_VMX = 1u << 15,        /* any other .vmx key (vmx.* fields) */
    INV_U_CORES = 1u << 16,      /* cores per socket */
};

/* Words for the bits set in `unknown`, for notes: "vhv.enable, tools.syncTime, ...". */
void inv_unknown_words(unsigned unknown, struct buf *out);
/* The JSON name of bit i (0..INV_U_NBITS-1) of a VM record's "unknown" list
 * ("vhv_enable", "nic_types", ...), and back (0 for a name not known). */
#define INV_U_NBITS 17
const char *inv_unknown_token(unsigned i);
unsigned inv_unknown_from_token(const char *token);

struct inv_vm {
    struct vmx_writer w;  /* the .vmx document */
    char *subject;        /* the VM's inventory path, or "FILE:ROW" */
    char *guest_id;       /* the vSphere guestId ("windows9_64Guest"), or NULL */
    char *guest_text;     /* else the export's words for the guest OS (a guestOS key,
                             or RVTools' "Microsoft Windows Server 2019 (64-bit)") */
    char *power_state;    /* poweredOn, poweredOff, suspended, or NULL */
    char *host, *cluster; /* names, or NULL */
    char *datastore_path; /* "[ds1] vm/vm.vmx", or NULL */
    bool is_template;
    unsigned unknown; /* enum inv_unknown bits */
};

/* Receives each VM; owns it (inv_vm_release). */
typedef void (*inv_vm_fn)(void *arg, struct inv_vm *vm);

void inv_vm_release(struct inv_vm *vm);

/* An adapter type as RVTools ("E1000", "Vmxnet3", "Flexible") or govc
 * ("VirtualE1000e") writes it, as the .vmx virtualDev spells it; NULL when
 * not known (SR-IOV, anything else). Sets *vmxnet2 for Enhanced vmxnet. */
const char *inv_adapter_vmx(const char *s, bool *vmxnet2);

#endif
