/* vmx_write: the .vmx writer shared by every non-.vmx VM source (see
 * vmx_write.h). */
#include "parse/vmx/vmx_write.h"
#include "util/util_mem.h"
#include "util/util_utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool
vmx_writer_has(const struct vmx_writer *w, const char *key)
{
    for (size_t i = 0; i < w->nkeys; i++)
        if (strcasecmp(w->keys[i], key) == 0)
            return true;
    return false;
}

void
vmx_writer_put(struct vmx_writer *w, const char *key, const char *value)
{
    if (value == NULL || *key == '\0' || vmx_writer_has(w, key))
        return;
    for (const char *k = key; *k; k++) /* a key is one word: anything else would break the line */
        if (*k <= ' ' || *k == '=' || *k == '"' || *k == '#' || *k == 0x7f)
            return;
    XGROW(w->keys, w->cap, w->nkeys + 1);
    w->keys[w->nkeys++] = xstrdup(key);
    buf_adds(&w->b, key);
    buf_adds(&w->b, " = \"");
    bool bad = false;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        unsigned cp;
        size_t n;
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '|' || *p == '#')
            buf_addf(&w->b, "|%02X", *p);
        else if (*p < 0x80)
            buf_addc(&w->b, (char)*p);
        else if ((n = utf8_decode(p, &cp)) == 0) {
            buf_adds(&w->b, "\xef\xbf\xbd"); /* U+FFFD */
            bad = true;
        } else {
            buf_add(&w->b, p, n);
            p += n - 1;
        }
    }
    w->bad_utf8 += bad;
    buf_adds(&w->b, "\"\n");
}

void
vmx_writer_putf(struct vmx_writer *w, const char *value, const char *keyfmt, ...)
{
    char key[128];
    va_list ap;
    va_start(ap, keyfmt);
    int n = vsnprintf(key, sizeof(key), keyfmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof(key))
        vmx_writer_put(w, key, value);
}

char *
vmx_writer_detach(struct vmx_writer *w, size_t *len)
{
    *len = w->b.len;
    char *s = buf_detach(&w->b);
    vmx_writer_release(w);
    return s;
}

void
vmx_writer_release(struct vmx_writer *w)
{
    for (size_t i = 0; i < w->nkeys; i++)
        free(w->keys[i]);
    free(w->keys);
    buf_release(&w->b);
    *w = (struct vmx_writer)VMX_WRITER_INIT;
}

const char *
vmx_bool_text(const char *api)
{
    if (api == NULL)
        return NULL;
    return strcasecmp(api, "true") == 0 || strcmp(api, "1") == 0 ? "TRUE" : "FALSE";
}

static const struct {
    const char *xtype, *vmx;
    bool nic;
} device_map[] = {
    {"VirtualE1000", "e1000", true},
    {"VirtualE1000e", "e1000e", true},
    {"VirtualVmxnet3", "vmxnet3", true},
    {"VirtualVmxnet3Vrdma", "vrdma", true},
    {"VirtualVmxnet2", "vmxnet", true}, /* with features 15: Enhanced vmxnet */
    {"VirtualVmxnet", "vmxnet", true},
    {"VirtualPCNet32", "vlance", true},
    {"ParaVirtualSCSIController", "pvscsi", false},
    {"VirtualLsiLogicController", "lsilogic", false},
    {"VirtualLsiLogicSASController", "lsisas1068", false},
    {"VirtualBusLogicController", "buslogic", false},
    {"VirtualNVMEController", "nvme", false},
    {"VirtualAHCIController", "sata", false},
    {"VirtualIDEController", "ide", false},
};

const char *
vmx_device_class(const char *xtype, bool *nic)
{
    *nic = false;
    for (size_t i = 0; xtype && i < sizeof(device_map) / sizeof(device_map[0]); i++)
        if (strcmp(xtype, device_map[i].xtype) == 0) {
            *nic = device_map[i].nic;
            return device_map[i].vmx;
        }
    return NULL;
}

/* A controller seen in the device list: its key and what the .vmx calls it. */
struct ctl {
    long key;
    const char *bus; /* "scsi", "sata", "nvme", "ide" */
    long number;     /* busNumber */
};

static long
num(const char *s, long dflt)
{
    if (s == NULL || *s == '\0')
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    return *end ? dflt : v;
}

/* What write_device counts across the device list. */
struct dev_counts {
    int nics, floppies, serials, parallels;
    bool sound, usb, xhci;
};

static void
write_nic(struct vmx_writer *w, const struct vmx_dev *v, const char *m, int i)
{
    vmx_writer_putf(w, "TRUE", "ethernet%d.present", i);
    vmx_writer_putf(w, m, "ethernet%d.virtualDev", i);
    if (v->xtype && strcmp(v->xtype, "VirtualVmxnet2") == 0)
        vmx_writer_putf(w, "15", "ethernet%d.features", i);
    const char *at = v->addr_type, *mac = v->mac;
    vmx_writer_putf(w, at, "ethernet%d.addressType", i);
    if (mac && at && strcasecmp(at, "manual") == 0)
        vmx_writer_putf(w, mac, "ethernet%d.address", i);
    else
        vmx_writer_putf(w, mac, "ethernet%d.generatedAddress", i);
    vmx_writer_putf(w, v->network, "ethernet%d.networkName", i);
    vmx_writer_putf(w, vmx_bool_text(v->start), "ethernet%d.startConnected", i);
}

static void
write_device(struct vmx_writer *w, const struct vmx_dev *v, const struct ctl *ctls, size_t nctl,
             struct dev_counts *n, struct vmx_dev_gaps *gaps)
{
    if (v->xtype == NULL) { /* a class the source does not name */
        if (v->mac) {
            gaps->untyped_nics++;
            write_nic(w, v, NULL, n->nics++);
        } else
            gaps->untyped_other++;
        return;
    }
    const char *t = v->xtype;
    bool nic;
    const char *m = vmx_device_class(t, &nic);
    if (nic) {
        write_nic(w, v, m, n->nics++);
        return;
    }
    if (strcmp(t, "VirtualDisk") == 0 || strcmp(t, "VirtualCdrom") == 0) {
        long ck = num(v->controller, -1), unit = num(v->unit, -1);
        const struct ctl *c = NULL;
        for (size_t k = 0; k < nctl; k++)
            if (ctls[k].key == ck)
                c = &ctls[k];
        if (c == NULL || unit < 0 || unit > 255)
            return;
        bool disk = strcmp(t, "VirtualDisk") == 0;
        char unit_key[64];
        snprintf(unit_key, sizeof(unit_key), "%s%ld:%ld.present", c->bus, c->number, unit);
        if (vmx_writer_has(w, unit_key))
            return; /* a unit holds one device */
        vmx_writer_put(w, unit_key, "TRUE");
        vmx_writer_putf(w,
                        disk ? (strcmp(c->bus, "scsi") == 0 ? "scsi-hardDisk" : "ata-hardDisk")
                             : "cdrom-image",
                        "%s%ld:%ld.deviceType", c->bus, c->number, unit);
        vmx_writer_putf(w, v->file, "%s%ld:%ld.fileName", c->bus, c->number, unit);
        return;
    }
    if (!strcmp(t, "VirtualSoundBlaster16") || !strcmp(t, "VirtualEnsoniq1371") ||
        !strcmp(t, "VirtualHdAudioCard"))
        n->sound = true;
    else if (!strcmp(t, "VirtualUSBController"))
        n->usb = true;
    else if (!strcmp(t, "VirtualUSBXHCIController"))
        n->xhci = true;
    else if (!strcmp(t, "VirtualFloppy"))
        vmx_writer_putf(w, "TRUE", "floppy%d.present", n->floppies++);
    else if (!strcmp(t, "VirtualSerialPort"))
        vmx_writer_putf(w, "TRUE", "serial%d.present", n->serials++);
    else if (!strcmp(t, "VirtualParallelPort"))
        vmx_writer_putf(w, "TRUE", "parallel%d.present", n->parallels++);
}

void
vmx_write_devices(struct vmx_writer *w, const struct vmx_dev *devs, size_t n,
                  struct vmx_dev_gaps *gaps)
{
    struct ctl ctls[64];
    size_t nctl = 0;
    *gaps = (struct vmx_dev_gaps){0};
    /* controllers first: disks name theirs by key */
    for (size_t i = 0; i < n; i++) {
        const struct vmx_dev *v = &devs[i];
        bool nic;
        const char *m = vmx_device_class(v->xtype, &nic);
        if (m == NULL || nic || nctl == sizeof(ctls) / sizeof(ctls[0]))
            continue;
        const char *bus = strcmp(m, "nvme") == 0   ? "nvme"
                          : strcmp(m, "sata") == 0 ? "sata"
                          : strcmp(m, "ide") == 0  ? "ide"
                                                   : "scsi";
        long number = num(v->bus, -1);
        if (number < 0 || number > 99)
            continue;
        ctls[nctl++] = (struct ctl){num(v->key, -1), bus, number};
        if (strcmp(bus, "ide") != 0)
            vmx_writer_putf(w, "TRUE", "%s%ld.present", bus, number);
        if (strcmp(bus, "scsi") == 0)
            vmx_writer_putf(w, m, "scsi%ld.virtualDev", number);
    }
    /* then disks before CD-ROMs, so that a unit two devices claim (the
     * simulator puts its disk and CD-ROM both on scsi0:0) is the disk's */
    struct dev_counts c = {0};
    for (size_t i = 0; i < n; i++)
        if (devs[i].xtype == NULL || strcmp(devs[i].xtype, "VirtualCdrom") != 0)
            write_device(w, &devs[i], ctls, nctl, &c, gaps);
    for (size_t i = 0; i < n; i++)
        if (devs[i].xtype && strcmp(devs[i].xtype, "VirtualCdrom") == 0)
            write_device(w, &devs[i], ctls, nctl, &c, gaps);
    if (gaps->untyped_other)
        return; /* an unnamed device may be sound, USB or a floppy: say nothing */
    /* the device list is the whole truth: what it lacks is not there */
    vmx_writer_put(w, "sound.present", c.sound ? "TRUE" : "FALSE");
    vmx_writer_put(w, "usb.present", c.usb ? "TRUE" : "FALSE");
    if (c.xhci)
        vmx_writer_put(w, "usb_xhci.present", "TRUE");
    if (c.floppies == 0)
        vmx_writer_put(w, "floppy0.present", "FALSE");
}
