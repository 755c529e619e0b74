/* vmx_write: writes the .vmx document a VM description stands for.
 *
 * Sources that are not .vmx files (the vSphere API, RVTools exports, govc
 * JSON, saved reports) describe VMs in their own words; each writes them out
 * as .vmx keys here, and the ordinary .vmx reader and VM builder then make
 * the same struct vm a datastore scan makes. Pure: strings in, text out. */
#ifndef VT_VMX_WRITE_H
#define VT_VMX_WRITE_H

#include "util/util_buf.h"

#include <stdbool.h>
#include <stddef.h>

/* The document being written: each key once (the first value wins, as in
 * vmx_find). VMX_WRITER_INIT is empty; release with vmx_writer_release. */
struct vmx_writer {
    struct buf b;
    char **keys;
    size_t nkeys, cap;
    size_t bad_utf8; /* values with bytes that are not UTF-8 (written as U+FFFD) */
};
#define VMX_WRITER_INIT {BUF_INIT, NULL, 0, 0, 0}

bool vmx_writer_has(const struct vmx_writer *w, const char *key);
/* Writes key = "value" with the .vmx escapes (`|XY` for '"', '|', '#' and
 * control bytes); bytes that are not UTF-8 become U+FFFD and are counted in
 * bad_utf8 (the caller says where they were). Nothing when value is NULL,
 * the key is there already or is not one word. */
void vmx_writer_put(struct vmx_writer *w, const char *key, const char *value);
/* The same with the key formatted ("ethernet%d.present"). */
void vmx_writer_putf(struct vmx_writer *w, const char *value, const char *keyfmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The text written (owned by the caller; *len its length); the writer is
 * emptied. */
char *vmx_writer_detach(struct vmx_writer *w, size_t *len);
void vmx_writer_release(struct vmx_writer *w);

/* "TRUE"/"FALSE" for an API boolean ("true", "1", anything else false);
 * NULL for NULL. */
const char *vmx_bool_text(const char *api);

/* The vSphere class of a device ("VirtualE1000", its xsi:type or govc's
 * Type) as the .vmx spells it: a NIC's virtualDev ("e1000"), a SCSI
 * controller's ("pvscsi"), or the bus of other controllers ("nvme", "sata",
 * "ide"); NULL for anything else. Sets *nic for NICs. The mapping follows
 * the vSphere API's VirtualDevice subtypes and the values of kb/vmx.md. */
const char *vmx_device_class(const char *xtype, bool *nic);

/* One virtual device as the vSphere API describes it (a VirtualDevice's
 * class and properties, as text; NULL when not given). */
struct vmx_dev {
    const char *xtype;       /* "VirtualE1000", "ParaVirtualSCSIController", ...; NULL unknown */
    const char *key;         /* its device key */
    const char *controller;  /* controllerKey */
    const char *unit;        /* unitNumber */
    const char *bus;         /* busNumber (controllers) */
    const char *mac;         /* macAddress */
    const char *addr_type;   /* addressType */
    const char *network;     /* backing.deviceName */
    const char *start;       /* connectable.startConnected: "true"/"false" */
    const char *file;        /* backing.fileName */
};

/* What vmx_write_devices could not place. */
struct vmx_dev_gaps {
    int untyped_nics;  /* NICs (a MAC address) of no known class: written without virtualDev */
    int untyped_other; /* devices of no known class (controllers, sound, USB: unknown) */
};

/* Writes the keys a device list stands for: controllers (scsiN.virtualDev,
 * sataN/nvmeN.present), disks and CD-ROMs on their units, NICs, sound, USB,
 * floppies, serial and parallel ports; sound.present, usb.present and
 * floppy0.present are written FALSE when the list has none (the list is
 * the whole truth). */
void vmx_write_devices(struct vmx_writer *w, const struct vmx_dev *devs, size_t n,
                       struct vmx_dev_gaps *gaps);

#endif
