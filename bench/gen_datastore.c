/* gen_datastore: a synthetic ESXi /vmfs/volumes tree for `make bench`.
 *
 *   gen_datastore OUTDIR [NVMS [SEED]]        (defaults: 10000 VMs, seed 1)
 *
 * Creates
 *   OUTDIR/vmfs/volumes/<vmfs-uuid>/<VM>/<VM>.vmx   (a few % are templates: <VM>.vmtx)
 *   OUTDIR/vmfs/volumes/datastore1 -> <vmfs-uuid>   (relative symlinks, as on ESXi)
 *   OUTDIR/vmfs/volumes/datastore2 -> <vmfs-uuid>
 *   OUTDIR/manifest.tsv                              (the exact ground truth)
 * and prints the totals. Everything is a pure function of NVMS and SEED
 * (own PRNG, no time, no locale), so a tree can be rebuilt bit for bit.
 *
 * Bodies are modelled on real ESXi 6.7-8.0 and Workstation .vmx files (key
 * sets, order, sizes of 2-4 KB and 60-150 lines): guest OS mix, e1000 /
 * e1000e / vmxnet3 / vlance / implicit NICs, NICs with present = "FALSE",
 * leftover NIC keys without a present line, commented-out virtualDev lines,
 * annotations that mention e1000, a trailing `# comment` after a value, CRLF
 * files (imported from Windows Workstation), mixed key case and value case.
 * No duplicate keys, so the ground truth does not depend on which duplicate
 * a reader prefers.
 *
 * Ground truth per VM (manifest.tsv, tab separated, '#' lines are comments):
 *   path             relative to OUTDIR, through the uuid folder
 *   e1000_present    NICs with ethernetN.present true and virtualDev exactly
 *                    "e1000" (ignoring case); the number the e1000 PSOD is about
 *   guest_os         the guestOS value as written
 *   kind             vmx or vmtx
 *   nics_present     present NICs of any type
 *   e1000e_present   present NICs with virtualDev e1000e
 *   implicit_present present NICs without virtualDev (type left to the guest OS default)
 *   crlf             1 when the file has CRLF line ends
 *   grep_lines       lines that `grep -i e1000` prints for this file
 *
 * Environment: GEN_SIBLINGS=0 writes only the config files (default 1 also
 * writes the usual neighbours: .vmdk descriptor, -flat.vmdk, .vmsd, .vmxf,
 * .nvram, vmware.log, sometimes a .vmx~, plus the VMFS .sf system files and
 * an ISO folder) so a directory walk sees a realistic number of entries. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "splitmix64.h"

#define GEN_VERSION 1

/* ---------------------------------------------------------------- PRNG */

static uint64_t rng;

static uint64_t
next64(void)
{
    return splitmix64(&rng);
}

static unsigned
rn(unsigned n) /* 0 .. n-1 */
{
    return (unsigned)(next64() % n);
}

static int
pm(unsigned per_mille) /* true with probability per_mille / 1000 */
{
    return rn(1000) < per_mille;
}

#define PICK(arr) (arr[rn((unsigned)(sizeof(arr) / sizeof(arr[0])))])

/* ---------------------------------------------------------------- buffer */

struct buf {
    char *p;
    size_t n, cap;
};

static _Noreturn void
die(const char *what, const char *path)
{
    fprintf(stderr, "gen_datastore: %s %s: %s\n", what, path ? path : "", strerror(errno));
    exit(1);
}

static void
bput(struct buf *b, const char *s, size_t len)
{
    if (b->n + len + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (c < b->n + len + 1)
            c *= 2;
        char *q = realloc(b->p, c);
        if (q == NULL)
            die("out of memory", NULL);
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

static void
bprintf(struct buf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof tmp) {
        fprintf(stderr, "gen_datastore: line too long\n");
        exit(1);
    }
    bput(b, tmp, (size_t)k);
}

/* ---------------------------------------------------------------- one file */

struct file {
    struct buf b;
    const char *eol;
    int key_style; /* 0 as written, 1 hand-edited: some keys lower-cased */
};

static void
write_key(struct file *f, const char *key)
{
    char k[160];
    size_t n = strlen(key);
    if (n >= sizeof k)
        n = sizeof k - 1;
    memcpy(k, key, n);
    k[n] = '\0';
    if (f->key_style == 1 && pm(250)) {
        for (char *q = k; *q; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q = (char)(*q - 'A' + 'a');
    } else if (f->key_style == 1 && pm(30) && k[0] >= 'a' && k[0] <= 'z') {
        k[0] = (char)(k[0] - 'a' + 'A');
    }
    bput(&f->b, k, strlen(k));
}

/* key = "value" */
static void
kv(struct file *f, const char *key, const char *fmt, ...)
{
    char val[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    write_key(f, key);
    bprintf(&f->b, " = \"%s\"%s", val, f->eol);
}

/* A key with a printf index: kvi(f, "ethernet%d.present", 0, "TRUE") */
static void
kvi(struct file *f, const char *keyfmt, int idx, const char *fmt, ...)
{
    char key[160], val[1024];
    snprintf(key, sizeof key, keyfmt, idx);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    write_key(f, key);
    bprintf(&f->b, " = \"%s\"%s", val, f->eol);
}

static void
raw(struct file *f, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    bprintf(&f->b, "%s%s", tmp, f->eol);
}

/* ---------------------------------------------------------------- model */

enum fam { W_NEW, W_OLD, W_LEGACY, LNX, LNX_OLD, VMK, BSD };

struct guest {
    const char *id; /* as written in guestOS */
    enum fam fam;
    unsigned weight;
    int hw_lo, hw_hi;
    int efi_pm; /* per mille with firmware = "efi" */
};

static const struct guest guests[] = {
    {"windows9-64", W_NEW, 90, 13, 20, 700},
    {"windows11-64", W_NEW, 25, 19, 21, 1000},
    {"windows9srv-64", W_NEW, 90, 11, 19, 500},
    {"windows2019srv-64", W_NEW, 170, 14, 20, 600},
    {"windows2019srvNext-64", W_NEW, 80, 17, 21, 800},
    {"windows8srv-64", W_NEW, 70, 9, 17, 300},
    {"windows8-64", W_NEW, 10, 9, 14, 200},
    {"windows7srv-64", W_OLD, 60, 7, 14, 50},
    {"windows7-64", W_OLD, 35, 7, 14, 0},
    {"winNetEnterprise-64", W_LEGACY, 6, 4, 8, 0},
    {"winNetStandard", W_LEGACY, 4, 4, 7, 0},
    {"winxppro", W_LEGACY, 4, 4, 9, 0},
    {"rhel9-64", LNX, 60, 19, 21, 700},
    {"rhel8-64", LNX, 90, 14, 20, 400},
    {"rhel7-64", LNX, 70, 10, 17, 150},
    {"centos7-64", LNX, 50, 10, 17, 100},
    {"oraclelinux8-64", LNX, 20, 14, 19, 300},
    {"rockylinux-64", LNX, 15, 19, 21, 600},
    {"sles15-64", LNX, 20, 14, 20, 400},
    {"ubuntu-64", LNX, 110, 10, 21, 300},
    {"debian11-64", LNX, 30, 17, 20, 200},
    {"debian12-64", LNX, 25, 19, 21, 400},
    {"other4xlinux-64", LNX, 15, 13, 19, 100},
    {"other5xlinux-64", LNX, 15, 17, 21, 300},
    {"rhel6-64", LNX_OLD, 15, 7, 13, 0},
    {"rhel5", LNX_OLD, 5, 4, 8, 0},
    {"ubuntu", LNX_OLD, 4, 4, 9, 0},
    {"other26xlinux-64", LNX_OLD, 8, 7, 11, 0},
    {"vmkernel7", VMK, 20, 17, 19, 800},
    {"vmkernel8", VMK, 15, 20, 21, 900},
    {"vmkernel65", VMK, 8, 13, 15, 500},
    {"freeBSD13-64", BSD, 8, 14, 19, 100},
};

static const struct guest *
pick_guest(void)
{
    unsigned total = 0;
    for (size_t i = 0; i < sizeof guests / sizeof guests[0]; i++)
        total += guests[i].weight;
    unsigned r = rn(total);
    for (size_t i = 0; i < sizeof guests / sizeof guests[0]; i++) {
        if (r < guests[i].weight)
            return &guests[i];
        r -= guests[i].weight;
    }
    return &guests[0];
}

static int
is_windows(enum fam f)
{
    return f == W_NEW || f == W_OLD || f == W_LEGACY;
}

/* The adapter type of one NIC; NULL means no virtualDev line (implicit). */
static const char *
pick_nic_type(const struct guest *g, int hw)
{
    unsigned r = rn(1000);
    switch (g->fam) {
    case W_NEW:
        return r < 560 ? "vmxnet3" : r < 790 ? "e1000e" : r < 990 ? "e1000" : NULL;
    case W_OLD:
        return r < 470 ? "vmxnet3" : r < 920 ? "e1000" : r < 970 ? "e1000e" : NULL;
    case W_LEGACY:
        return hw < 7 ? (r < 500 ? NULL : r < 800 ? "vlance" : "e1000")
                      : (r < 350 ? NULL : r < 750 ? "e1000" : "vmxnet");
    case LNX:
        return r < 640 ? "vmxnet3" : r < 930 ? "e1000" : r < 985 ? "e1000e" : NULL;
    case LNX_OLD:
        return hw < 7 ? (r < 450 ? NULL : r < 750 ? "vlance" : "e1000")
                      : (r < 200 ? NULL : r < 550 ? "e1000" : r < 700 ? "vmxnet" : "vmxnet3");
    case VMK:
        return r < 820 ? "vmxnet3" : r < 990 ? "e1000" : "e1000e";
    case BSD:
        return r < 500 ? "vmxnet3" : "e1000";
    }
    return "vmxnet3";
}

static const char *const name_roles[] = {
    "web", "app", "db", "sql", "dc", "fs", "exch", "ctx", "rds", "k8s-node", "jump", "mon",
    "log", "bkp", "build", "ci-runner", "proxy", "lb", "mq", "cache", "ldap", "dns", "ntp",
    "sap", "erp", "crm", "vdi", "print", "wsus", "sccm", "nsx-edge", "esxi-nested", "splunk",
};
static const char *const name_envs[] = {"prod", "prod", "prod", "stage", "test", "dev", "qa", "dr"};
static const char *const networks[] = {
    "VM Network", "VM Network", "VLAN10-Servers", "VLAN20-DMZ", "VLAN30-Backup",
    "dvPG-Prod-110", "dvPG-Mgmt-100", "iSCSI-A", "vMotion-Lab", "Client LAN",
};
static const char *const people[] = {"mschmidt", "jdoe", "a.weber", "ops-team", "k.nguyen", "svc-deploy"};

static const char *const annot_plain[] = {
    "Owner: %s|0ATicket: CHG%05u",
    "Created by vRA for %s|0ACost center 4%04u",
    "Do not power off - licence server (%s), see CHG%05u",
    "Restored from backup by %s, job %u",
    "Patched monthly (WSUS ring 2) - contact %s, ext %u",
};
static const char *const annot_e1000[] = {
    "NIC changed from e1000 to vmxnet3 by %s (CHG%05u)",
    "TODO %s: replace E1000 adapter (PSOD risk, KB 2059053), ticket %u",
    "e1000 kept on purpose: PXE boot appliance (%s, %u)",
    "Migrated from Workstation; was e1000, now vmxnet3 (%s, %u)",
};

struct vmspec {
    char name[96];
    const struct guest *g;
    int hw;
    int efi;
    int hosted;   /* Workstation-origin (imported) */
    int template; /* .vmtx */
    int crlf;
    unsigned mem, cpus;
    /* truth */
    int e1000_present, e1000e_present, implicit_present, nics_present;
};

/* Copies `pat`, replacing each 'x' by a random lower-case hex digit. */
static void
hexfmt(char *out, const char *pat)
{
    static const char d[] = "0123456789abcdef";
    for (; *pat; pat++)
        *out++ = *pat == 'x' ? d[rn(16)] : *pat;
    *out = '\0';
}

static const char *
tf(int v, int style) /* boolean spelling */
{
    static const char *const t[] = {"TRUE", "true", "True"}, *const f[] = {"FALSE", "false", "False"};
    return v ? t[style] : f[style];
}

/* Builds the body of one VM into f; fills the truth fields of s. */
static void
build_vmx(struct file *f, struct vmspec *s, const char *ds_uuid)
{
    const struct guest *g = s->g;
    int bs = s->hosted ? (int)rn(3) : 0; /* boolean spelling style of this file */
    if (s->hosted && bs != 0 && pm(500))
        bs = 0;
    const char *nm = s->name;
    int winish = is_windows(g->fam);

    /* header */
    if (s->hw <= 7 && pm(500))
        raw(f, "#!/usr/bin/vmware");
    else
        kv(f, ".encoding", s->hosted && pm(300) ? "windows-1252" : "UTF-8");
    kv(f, "config.version", "8");
    kv(f, "virtualHW.version", "%d", s->hw);
    if (s->hosted)
        kv(f, "virtualHW.productCompatibility", "hosted");
    kv(f, "nvram", "%s.nvram", nm);
    if (s->hw >= 7) {
        kv(f, "pciBridge0.present", tf(1, bs));
        for (int i = 4; i <= 7; i++) {
            kvi(f, "pciBridge%d.present", i, tf(1, bs));
            kvi(f, "pciBridge%d.virtualDev", i, "pcieRootPort");
            kvi(f, "pciBridge%d.functions", i, "8");
        }
        kv(f, "vmci0.present", tf(1, bs));
        kv(f, "hpet0.present", tf(1, bs));
    }
    kv(f, "floppy0.present", tf(0, bs));
    kv(f, "svga.vramSize", "%u", s->hw >= 13 ? 8388608u : 4194304u);
    if (s->cpus > 1) {
        kv(f, "numvcpus", "%u", s->cpus);
        kv(f, "cpuid.coresPerSocket", "%u", pm(600) ? s->cpus : 1u);
    }
    kv(f, s->hosted ? "memsize" : "memSize", "%u", s->mem);
    if (s->efi)
        kv(f, "firmware", "efi");
    if (pm(600)) {
        kv(f, "powerType.powerOff", s->hosted ? "soft" : "default");
        kv(f, "powerType.suspend", s->hosted ? "soft" : "default");
        kv(f, "powerType.reset", s->hosted ? "soft" : "default");
    }
    kv(f, "tools.upgrade.policy", pm(800) ? "manual" : "upgradeAtPowerCycle");
    kv(f, "sched.cpu.units", "mhz");
    if (pm(300))
        kv(f, "sched.cpu.affinity", "all");
    kv(f, "sched.cpu.latencySensitivity", "normal");
    kv(f, "vm.createDate", "1%03u%06u%06u", rn(700) + 300, rn(1000000), rn(1000000));

    /* storage */
    const char *scsi = g->fam == W_NEW  ? (pm(500) ? "lsisas1068" : "pvscsi")
                       : winish         ? "lsisas1068"
                       : g->fam == LNX_OLD ? (s->hw < 7 ? "lsilogic" : "buslogic")
                                           : (pm(600) ? "pvscsi" : "lsilogic");
    if (g->fam == W_LEGACY)
        scsi = "lsilogic";
    int nvme = s->hw >= 13 && pm(80);
    const char *bus = nvme ? "nvme0" : "scsi0";
    if (!nvme) {
        kv(f, "scsi0.virtualDev", scsi);
        kv(f, "scsi0.present", tf(1, bs));
    } else {
        kv(f, "nvme0.present", tf(1, bs));
    }
    if (s->hw >= 10)
        kv(f, "sata0.present", tf(1, bs));
    unsigned ndisks = 1 + (pm(350) ? 1 + rn(2) : 0);
    for (unsigned d = 0; d < ndisks; d++) {
        char key[64];
        snprintf(key, sizeof key, "%s:%u.deviceType", bus, d);
        kv(f, key, nvme ? "disk" : "scsi-hardDisk");
        snprintf(key, sizeof key, "%s:%u.fileName", bus, d);
        if (d == 0)
            kv(f, key, "%s.vmdk", nm);
        else
            kv(f, key, "%s_%u.vmdk", nm, d);
        snprintf(key, sizeof key, "sched.%s:%u.shares", bus, d);
        kv(f, key, "normal");
        snprintf(key, sizeof key, "sched.%s:%u.throughputCap", bus, d);
        kv(f, key, "off");
        snprintf(key, sizeof key, "%s:%u.present", bus, d);
        kv(f, key, tf(1, bs));
    }
    const char *cd = s->hw >= 10 ? "sata0:0" : "ide1:0";
    char key[96];
    snprintf(key, sizeof key, "%s.startConnected", cd);
    kv(f, key, tf(0, bs));
    snprintf(key, sizeof key, "%s.deviceType", cd);
    kv(f, key, pm(500) ? "cdrom-image" : "atapi-cdrom");
    snprintf(key, sizeof key, "%s.fileName", cd);
    if (pm(400))
        kv(f, key, "/vmfs/volumes/%s/ISO/%s.iso", ds_uuid, winish ? "SW_DVD9_Win_Server_STD_CORE_2019" : "rhel-8.6-x86_64-dvd");
    else
        kv(f, key, "emptyBackingString");
    snprintf(key, sizeof key, "%s.present", cd);
    kv(f, key, tf(1, bs));

    /* NICs */
    unsigned r = rn(1000);
    int nnics = r < 700 ? 1 : r < 920 ? 2 : 3;
    int idx[3] = {0, 1, 2};
    if (nnics > 1 && pm(60))
        idx[nnics - 1] = nnics; /* a gap: a NIC was removed */
    int leftover = -1;          /* keys of a removed NIC without a present line */
    if (pm(15))
        leftover = idx[nnics - 1] + 1;
    const char *types[4];
    int present[4];
    for (int i = 0; i < nnics; i++) {
        int n = idx[i];
        const char *t = pick_nic_type(g, s->hw);
        types[i] = t;
        present[i] = !pm(55);
        if (t && strcmp(t, "e1000") == 0 && pm(50))
            t = "E1000"; /* upper-case value, as some scripts write it */
        if (pm(40)) {
            /* a commented-out earlier setting, vmbuilder style */
            raw(f, "#ethernet%d.virtualDev = \"e1000\"%s", n, pm(500) ? " # Comment out this line" : "");
        }
        if (s->hosted) {
            kvi(f, "ethernet%d.connectionType", n, pm(700) ? "bridged" : "nat");
        }
        if (t) {
            if (pm(6) && strcmp(types[i], "e1000") != 0) {
                /* a trailing comment after the value (legal, kb/vmx.md 1.1) */
                char k2[64];
                snprintf(k2, sizeof k2, "ethernet%d.virtualDev", n);
                write_key(f, k2);
                bprintf(&f->b, " = \"%s\"   # was e1000 until CHG%05u%s", t, rn(100000), f->eol);
            } else {
                kvi(f, "ethernet%d.virtualDev", n, "%s", t);
            }
        }
        if (!s->hosted)
            kvi(f, "ethernet%d.networkName", n, "%s", PICK(networks));
        int vpx = !s->hosted && pm(800);
        kvi(f, "ethernet%d.addressType", n, vpx ? "vpx" : "generated");
        char mac[32];
        hexfmt(mac, "xx:xx:xx");
        if (vpx)
            kvi(f, "ethernet%d.generatedAddress", n, "00:50:56:%c%s", "89ab"[rn(4)], mac + 1);
        else
            kvi(f, "ethernet%d.generatedAddress", n, "00:0c:29:%s", mac);
        if (t && strcmp(types[i], "vmxnet3") == 0 && pm(700))
            kvi(f, "ethernet%d.uptCompatibility", n, tf(1, bs));
        if (t && strcmp(types[i], "vmxnet") == 0 && pm(500))
            kvi(f, "ethernet%d.features", n, "15");
        if (pm(300))
            kvi(f, "ethernet%d.allowGuestConnectionControl", n, tf(0, bs));
        kvi(f, "ethernet%d.present", n, tf(present[i], bs));
        if (present[i]) {
            s->nics_present++;
            if (t == NULL)
                s->implicit_present++;
            else if (strcmp(types[i], "e1000") == 0)
                s->e1000_present++;
            else if (strcmp(types[i], "e1000e") == 0)
                s->e1000e_present++;
        }
    }
    if (leftover >= 0) {
        kvi(f, "ethernet%d.virtualDev", leftover, pm(600) ? "e1000" : "vmxnet3");
        kvi(f, "ethernet%d.networkName", leftover, "%s", PICK(networks));
        kvi(f, "ethernet%d.addressType", leftover, "generated");
    }

    /* identity */
    kv(f, "displayName", "%s", nm);
    if (pm(40)) {
        kv(f, "annotation", PICK(annot_e1000), PICK(people), rn(100000));
    } else if (pm(160)) {
        kv(f, "annotation", PICK(annot_plain), PICK(people), rn(100000));
    }
    kv(f, "guestOS", "%s", g->id);
    if (s->efi && s->hw >= 13 && pm(600))
        kv(f, "uefi.secureBoot.enabled", tf(1, bs));
    if (g->fam == VMK) {
        kv(f, "vhv.enable", tf(1, bs));
        if (pm(300))
            kv(f, "vpmc.enable", tf(1, bs));
    }
    if (winish && pm(200))
        kv(f, "disk.EnableUUID", tf(1, bs));
    if (s->hosted) {
        kv(f, "sound.present", tf(1, bs));
        kv(f, "sound.virtualDev", "hdaudio");
        kv(f, "usb.present", tf(1, bs));
        kv(f, "ehci.present", tf(1, bs));
        kv(f, "usb_xhci.present", tf(1, bs));
    }
    kv(f, "toolScripts.afterPowerOn", tf(1, bs));
    kv(f, "toolScripts.afterResume", tf(1, bs));
    kv(f, "toolScripts.beforeSuspend", tf(1, bs));
    kv(f, "toolScripts.beforePowerOff", tf(1, bs));
    kv(f, "tools.syncTime", tf(pm(250), bs));
    char u1[64], u2[64], u3[64];
    hexfmt(u1, "42 xx xx xx xx xx xx xx-xx xx xx xx xx xx xx xx");
    hexfmt(u2, "56 4d xx xx xx xx xx xx-xx xx xx xx xx xx xx xx");
    hexfmt(u3, "50 xx xx xx xx xx xx xx-xx xx xx xx xx xx xx xx");
    kv(f, "uuid.bios", "%s", s->hosted ? u2 : u1);
    if (!s->hosted)
        kv(f, "vc.uuid", "%s", u3);
    kv(f, "uuid.location", "%s", u2);
    char h8[16];
    hexfmt(h8, "xxxxxxxx");
    if (!s->hosted)
        kv(f, "migrate.hostLog", "%s-%s.hlog", nm, h8);
    kv(f, "sched.cpu.min", "0");
    kv(f, "sched.cpu.shares", "normal");
    kv(f, "sched.mem.min", "%u", pm(100) ? s->mem : 0u);
    kv(f, "sched.mem.minSize", "%u", pm(100) ? s->mem : 0u);
    kv(f, "sched.mem.shares", "normal");
    if (!s->hosted) {
        kv(f, "migrate.encryptionMode", "opportunistic");
        if (s->hw >= 14)
            kv(f, "ftcpt.ftEncryptionMode", "ftEncryptionOpportunistic");
        char moid[48];
        hexfmt(moid, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
        kv(f, "viv.moid", "%s:vm-%u:%s", moid, 1000 + rn(90000), "OCn73UgW4dBwF0sgk/5SmLb24snLgdgGTDWbdB/O5g4=");
    }
    kv(f, "numa.autosize.cookie", "%u00%u2", s->cpus, s->cpus);
    kv(f, "numa.autosize.vcpu.maxPerVirtualNode", "%u", s->cpus);
    hexfmt(h8, "xxxxxxxx");
    if (pm(500))
        kv(f, "sched.swap.derivedName", "/vmfs/volumes/%s/%s/%s-%s.vswp", ds_uuid, nm, nm, h8);
    else
        kv(f, "sched.swap.derivedName", "%s-%s.vswp", nm, h8);
    if (winish) {
        kv(f, "vm.genid", "%u%09u%09u", 1 + rn(9), rn(1000000000), rn(1000000000));
        kv(f, "vm.genidX", "-%u%09u%09u", 1 + rn(8), rn(1000000000), rn(1000000000));
    }
    if (s->hw >= 7) {
        kv(f, "pciBridge0.pciSlotNumber", "17");
        for (int i = 4; i <= 7; i++)
            kvi(f, "pciBridge%d.pciSlotNumber", i, "%d", 17 + i);
    }
    if (!nvme)
        kv(f, "scsi0.pciSlotNumber", "160");
    static const int slots[] = {192, 224, 256, 1184, 1216};
    for (int i = 0; i < nnics; i++)
        kvi(f, "ethernet%d.pciSlotNumber", idx[i], "%d", s->hw >= 7 ? slots[i] : 32 + i);
    if (s->hw >= 7)
        kv(f, "vmci0.pciSlotNumber", "32");
    if (s->hw >= 10)
        kv(f, "sata0.pciSlotNumber", "33");
    if (!nvme && strcmp(scsi, "lsisas1068") == 0) {
        char w[32];
        hexfmt(w, "50 05 05 6x xx xx xx x0");
        kv(f, "scsi0.sasWWID", "%s", w);
    }
    kv(f, "vmotion.checkpointFBSize", "4194304");
    kv(f, "vmotion.checkpointSVGAPrimarySize", "%u", s->hw >= 13 ? 8388608u : 4194304u);
    if (s->hw >= 14) {
        kv(f, "vmotion.svga.mobMaxSize", "8388608");
        kv(f, "vmotion.svga.graphicsMemoryKB", "8192");
    }
    for (int i = 0; i < nnics; i++)
        if (s->hosted)
            kvi(f, "ethernet%d.generatedAddressOffset", idx[i], "%d", 10 * i);
    kv(f, "vmci0.id", "%s%u", pm(400) ? "-" : "", rn(2000000000));
    kv(f, "monitor.phys_bits_used", "%u", pm(600) ? 45u : 43u);
    kv(f, "cleanShutdown", tf(pm(500), bs));
    kv(f, "softPowerOff", tf(pm(400), bs));
    if (s->hw < 11 && pm(700)) {
        /* ESX 4.x era CPUID masks */
        static const char *const pre[] = {"hostCPUID", "guestCPUID", "userCPUID"};
        static const char *const leaf[] = {"0", "1", "80000001"};
        for (int p = 0; p < 3; p++)
            for (int k = 0; k < 3; k++) {
                char a[40], kk[48];
                hexfmt(a, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
                snprintf(kk, sizeof kk, "%s.%s", pre[p], leaf[k]);
                kv(f, kk, "%s", a);
            }
        kv(f, "evcCompatibilityMode", tf(0, bs));
    }
    kv(f, "tools.remindInstall", tf(pm(300), bs));
    if (pm(600)) {
        kv(f, "toolsInstallManager.lastInstallError", "0");
        kv(f, "toolsInstallManager.updateCounter", "%u", 1 + rn(6));
    }
    kv(f, "extendedConfigFile", "%s.vmxf", nm);
    kv(f, "svga.guestBackedPrimaryAware", tf(1, bs));
    if (pm(450)) {
        if (winish)
            kv(f, "guestInfo.detailed.data",
               "architecture='X86' bitness='64' buildNumber='%u' distroName='Windows' familyName='Windows' "
               "kernelVersion='10.0.%u.%u' prettyName='Microsoft Windows Server, 64-bit (Build %u.%u)'",
               17763 + rn(3000), 17763 + rn(3000), rn(6000), 17763 + rn(3000), rn(6000));
        else
            kv(f, "guestInfo.detailed.data",
               "architecture='X86' bitness='64' distroName='%s' distroVersion='%u.%u' familyName='Linux' "
               "kernelVersion='5.14.0-%u.el9.x86_64' prettyName='%s %u.%u'",
               "Red Hat Enterprise Linux", 8 + rn(2), rn(10), 100 + rn(400), "Red Hat Enterprise Linux",
               8 + rn(2), rn(10));
    }
    if (pm(300)) {
        kv(f, "guestinfo.ovfEnv", "");
        kv(f, "guestinfo.hostname", "%s", nm);
        kv(f, "guestinfo.ipaddress", "10.%u.%u.%u", rn(256), rn(256), 1 + rn(254));
    }
    if (pm(150))
        kv(f, "guestinfo.appInfo",
           "{|0A|22version|22:|221|22, |0A|22updateCounter|22:|22%u|22, |0A|22publishTime|22:|222024-0%u-1%uT0%u:1%u:00.%03uZ|22, "
           "|0A|22applications|22:[|0A{|22a|22:|22sshd|22,|22v|22:|22|22},|0A{|22a|22:|22systemd-journald|22,|22v|22:|22|22}]}",
           1 + rn(40), 1 + rn(9), rn(10), rn(10), rn(10), rn(1000));
    if (s->hosted || pm(100))
        kv(f, "checkpoint.vmState", "");
}

/* ---------------------------------------------------------------- files */

static void
mkdir_or_die(const char *p)
{
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        die("mkdir", p);
}

static void
write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (fp == NULL)
        die("create", path);
    if (len && fwrite(data, 1, len, fp) != len)
        die("write", path);
    if (fclose(fp) != 0)
        die("close", path);
}

/* Formats a path into a PATH_BUF buffer; dies when it does not fit. */
#define PATH_BUF 4096
static void
pathf(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(dst, PATH_BUF, fmt, ap);
    va_end(ap);
    if (k < 0 || k >= PATH_BUF) {
        fprintf(stderr, "gen_datastore: path too long\n");
        exit(1);
    }
}

static unsigned
count_grep_lines(const char *p, size_t n)
{
    unsigned lines = 0;
    const char *end = p + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        for (const char *q = p; q + 5 <= le; q++)
            if ((q[0] == 'e' || q[0] == 'E') && q[1] == '1' && q[2] == '0' && q[3] == '0' && q[4] == '0') {
                lines++;
                break;
            }
        p = nl ? nl + 1 : end;
    }
    return lines;
}

/* A VMFS volume uuid: 8-8-4-12 hex digits; the first word is a timestamp,
 * the last group the MAC of the host that formatted it. */
static void
vmfs_uuid(char *out)
{
    hexfmt(out, "5xxxxxxx-xxxxxxxx-xxxx-0050568xxxxx");
}

int
main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: gen_datastore OUTDIR [NVMS [SEED]]\n");
        return 2;
    }
    const char *out = argv[1];
    long nvms = argc > 2 ? strtol(argv[2], NULL, 10) : 10000;
    unsigned long long seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    if (nvms < 1 || nvms > 10000000) {
        fprintf(stderr, "gen_datastore: NVMS must be 1..10000000\n");
        return 2;
    }
    const char *sib = getenv("GEN_SIBLINGS");
    int siblings = !(sib && strcmp(sib, "0") == 0);
    rng = seed * 0x2545f4914f6cdd1dull + 0x1234567ull;

    char path[PATH_BUF], p2[PATH_BUF];
    pathf(path, "%s/vmfs", out);
    struct stat st;
    if (lstat(path, &st) == 0) {
        fprintf(stderr, "gen_datastore: %s exists; remove it first\n", path);
        return 1;
    }
    mkdir_or_die(out);
    mkdir_or_die(path);
    pathf(path, "%s/vmfs/volumes", out);
    mkdir_or_die(path);

    /* two VMFS datastores plus their name links */
    char ds[2][48];
    const char *dsname[2] = {"datastore1", "datastore2"};
    for (int d = 0; d < 2; d++) {
        vmfs_uuid(ds[d]);
        pathf(path, "%s/vmfs/volumes/%s", out, ds[d]);
        mkdir_or_die(path);
        pathf(p2, "%s/vmfs/volumes/%s", out, dsname[d]);
        if (symlink(ds[d], p2) != 0)
            die("symlink", p2);
        if (siblings) {
            static const char *const sf[] = {".fbb.sf", ".fdc.sf", ".pbc.sf", ".sbc.sf", ".vh.sf", ".pb2.sf", ".sdd.sf", ".jbc.sf"};
            for (size_t i = 0; i < sizeof sf / sizeof sf[0]; i++) {
                pathf(p2, "%s/%s", path, sf[i]);
                write_file(p2, "", 0);
            }
        }
    }
    if (siblings) {
        pathf(path, "%s/vmfs/volumes/%s/ISO", out, ds[1]);
        mkdir_or_die(path);
        static const char *const isos[] = {"SW_DVD9_Win_Server_STD_CORE_2019.iso", "rhel-8.6-x86_64-dvd.iso",
                                           "ubuntu-22.04.3-live-server-amd64.iso", "VMware-VMvisor-Installer-8.0U2.iso"};
        for (size_t i = 0; i < sizeof isos / sizeof isos[0]; i++) {
            pathf(p2, "%s/%s", path, isos[i]);
            write_file(p2, "", 0);
        }
    }

    /* written under a temporary name and renamed when complete, so that a
     * half-built tree is never taken for a finished one */
    pathf(path, "%s/manifest.tsv.tmp", out);
    FILE *man = fopen(path, "w");
    if (man == NULL)
        die("create", path);
    fprintf(man, "# gen_datastore version=%d nvms=%ld seed=%llu siblings=%d\n", GEN_VERSION, nvms, seed, siblings);
    fprintf(man, "# datastore1=%s datastore2=%s\n", ds[0], ds[1]);
    fprintf(man, "#path\te1000_present\tguest_os\tkind\tnics_present\te1000e_present\timplicit_present\tcrlf\tgrep_lines\n");

    long t_vms = 0, t_e1000_vms = 0, t_e1000_nics = 0, t_tmpl = 0, t_crlf = 0, t_implicit_vms = 0;
    long t_e1000e_vms = 0, t_grep_lines_vmx = 0, t_grep_files_vmx = 0, per_ds[2] = {0, 0};
    size_t min_sz = (size_t)-1, max_sz = 0, sum_sz = 0;
    unsigned min_ln = ~0u, max_ln = 0;
    struct file f = {{NULL, 0, 0}, "\n", 0};
    for (long i = 0; i < nvms; i++) {
        struct vmspec s;
        memset(&s, 0, sizeof s);
        s.g = pick_guest();
        s.hw = s.g->hw_lo + (int)rn((unsigned)(s.g->hw_hi - s.g->hw_lo + 1));
        s.efi = s.hw >= 8 && pm((unsigned)s.g->efi_pm);
        s.hosted = pm(is_windows(s.g->fam) || s.g->fam == LNX ? 90 : 40);
        s.template = pm(30);
        s.crlf = s.hosted ? pm(650) : pm(15);
        static const unsigned mems[] = {1024, 2048, 2048, 4096, 4096, 4096, 8192, 8192, 12288, 16384, 32768, 2944, 10000};
        s.mem = PICK(mems);
        static const unsigned cpus[] = {1, 2, 2, 2, 4, 4, 8};
        s.cpus = PICK(cpus);
        int d = pm(600) ? 0 : 1;
        /* names: role-env-NNNNN, a few with spaces (Workstation style), a few naming the NIC */
        if (s.template)
            snprintf(s.name, sizeof s.name, "tmpl-%s-%s-%05ld", s.g->id, PICK(name_envs), i);
        else if (s.hosted && pm(300))
            snprintf(s.name, sizeof s.name, "%s %s (%05ld)", is_windows(s.g->fam) ? "Windows" : "Linux", s.g->id, i);
        else if (pm(3))
            snprintf(s.name, sizeof s.name, "lab-e1000-repro-%05ld", i);
        else
            snprintf(s.name, sizeof s.name, "%s-%s-%05ld", PICK(name_roles), PICK(name_envs), i);

        f.b.n = 0;
        f.eol = s.crlf ? "\r\n" : "\n";
        f.key_style = pm(60) ? 1 : 0;
        build_vmx(&f, &s, ds[d]);

        /* write */
        pathf(path, "%s/vmfs/volumes/%s/%s", out, ds[d], s.name);
        mkdir_or_die(path);
        const char *ext = s.template ? "vmtx" : "vmx";
        pathf(p2, "%s/%s.%s", path, s.name, ext);
        write_file(p2, f.b.p, f.b.n);
        if (siblings) {
            char sp[PATH_BUF];
            struct buf tmp = {NULL, 0, 0};
            pathf(sp, "%s/%s.vmdk", path, s.name);
            bprintf(&tmp,
                    "# Disk DescriptorFile\nversion=1\nencoding=\"UTF-8\"\nCID=%08x\nparentCID=ffffffff\n"
                    "createType=\"vmfs\"\n\n# Extent description\nRW %u VMFS \"%s-flat.vmdk\"\n\n"
                    "# The Disk Data Base\n#DDB\n\nddb.adapterType = \"lsilogic\"\nddb.geometry.cylinders = \"%u\"\n"
                    "ddb.geometry.heads = \"255\"\nddb.geometry.sectors = \"63\"\nddb.thinProvisioned = \"1\"\n"
                    "ddb.virtualHWVersion = \"%d\"\n",
                    (unsigned)next64(), 83886080u, s.name, 5221u, s.hw);
            write_file(sp, tmp.p, tmp.n);
            tmp.n = 0;
            pathf(sp, "%s/%s-flat.vmdk", path, s.name);
            write_file(sp, "", 0);
            pathf(sp, "%s/%s.vmsd", path, s.name);
            write_file(sp, "", 0);
            pathf(sp, "%s/%s.nvram", path, s.name);
            write_file(sp, "", 0);
            pathf(sp, "%s/%s.vmxf", path, s.name);
            bprintf(&tmp, "<?xml version=\"1.0\"?>\n<Foundry>\n<VM>\n<VMId type=\"string\">52 %02x %02x</VMId>\n"
                          "<ClientMetaData>\n<clientMetaDataAttributes/>\n<HistoryEventList/></ClientMetaData>\n"
                          "<vmxPathName type=\"string\">%s.%s</vmxPathName></VM></Foundry>\n",
                    rn(256), rn(256), s.name, ext);
            write_file(sp, tmp.p, tmp.n);
            tmp.n = 0;
            pathf(sp, "%s/vmware.log", path);
            bprintf(&tmp, "2024-0%u-1%uT0%u:12:33.114Z In(05) vmx - Log for VMware ESX pid=%u version=8.0.2 build=build-22380479 option=Release\n"
                          "2024-0%u-1%uT0%u:12:33.114Z In(05) vmx - The host is x86_64.\n",
                    1 + rn(9), rn(10), rn(10), 100000 + rn(900000), 1 + rn(9), rn(10), rn(10));
            write_file(sp, tmp.p, tmp.n);
            free(tmp.p);
            if (!s.template && pm(20)) {
                pathf(sp, "%s/%s.vmx~", path, s.name);
                write_file(sp, f.b.p, f.b.n);
            }
        }

        unsigned gl = count_grep_lines(f.b.p, f.b.n);
        unsigned nl = 0;
        for (size_t k = 0; k < f.b.n; k++)
            nl += f.b.p[k] == '\n';
        if (f.b.n < min_sz)
            min_sz = f.b.n;
        if (f.b.n > max_sz)
            max_sz = f.b.n;
        sum_sz += f.b.n;
        if (nl < min_ln)
            min_ln = nl;
        if (nl > max_ln)
            max_ln = nl;
        fprintf(man, "vmfs/volumes/%s/%s/%s.%s\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t%u\n", ds[d], s.name, s.name, ext,
                s.e1000_present, s.g->id, ext, s.nics_present, s.e1000e_present, s.implicit_present, s.crlf, gl);
        t_vms++;
        per_ds[d]++;
        t_e1000_vms += s.e1000_present > 0;
        t_e1000_nics += s.e1000_present;
        t_e1000e_vms += s.e1000e_present > 0;
        t_implicit_vms += s.implicit_present > 0;
        t_tmpl += s.template;
        t_crlf += s.crlf;
        if (!s.template) {
            t_grep_lines_vmx += gl;
            t_grep_files_vmx += gl > 0;
        }
    }
    free(f.b.p);
    fprintf(man, "# totals vms=%ld e1000_vms=%ld e1000_nics=%ld\n", t_vms, t_e1000_vms, t_e1000_nics);
    if (fclose(man) != 0)
        die("close", "manifest.tsv");
    pathf(path, "%s/manifest.tsv.tmp", out);
    pathf(p2, "%s/manifest.tsv", out);
    if (rename(path, p2) != 0)
        die("rename", p2);

    printf("datastores: datastore1 -> %s (%ld VMs), datastore2 -> %s (%ld VMs)\n", ds[0], per_ds[0], ds[1],
           per_ds[1]);
    printf("VMs: %ld (templates .vmtx: %ld, CRLF: %ld)\n", t_vms, t_tmpl, t_crlf);
    printf("VMs with a present e1000 NIC: %ld\n", t_e1000_vms);
    printf("present e1000 NICs: %ld\n", t_e1000_nics);
    printf("VMs with a present e1000e NIC: %ld; VMs with a present NIC without virtualDev: %ld\n", t_e1000e_vms,
           t_implicit_vms);
    printf("config size: %zu..%zu bytes (mean %zu), %u..%u lines\n", min_sz, max_sz, sum_sz / (size_t)t_vms, min_ln,
           max_ln);
    printf("grep -i e1000 on the .vmx through one datastore path: %ld lines in %ld files\n", t_grep_lines_vmx,
           t_grep_files_vmx);
    return 0;
}
