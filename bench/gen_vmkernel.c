/* gen_vmkernel: a synthetic ESXi 7.0 vmkernel.log for `bench/logs.sh`.
 *
 *   gen_vmkernel [-o FILE] [-n NOISE_PCT] SIZE_MB SEED MANIFEST_TSV   (log to FILE or stdout)
 *
 * Writes SIZE_MB MiB of log (at most; the last line that fits ends it) and
 * MANIFEST_TSV, the exact ground truth. Everything is a pure function of
 * SIZE_MB and SEED (own PRNG, no time, no locale), so a file can be rebuilt
 * bit for bit. Memory is constant (one 1 MiB output buffer).
 *
 * Lines follow the real logs of shared corpus/esxi (004 005 006 044 046 049)
 * and kb/esxi-crash-and-logs.md §2.1 and §4: `2024-03-04T05:06:07.123Z
 * cpuN:WORLD)body`, some 7.0 `cpuN:WORLD opID=xxxxxxxx)body`, timestamps
 * increasing (0 ms to a few seconds apart; about four days for 1 GiB),
 * 60-250 bytes. Background noise: World/CpuSched/Sched/VSCSI/NetPort/Net/
 * Uplink/HPP/NMP/ScsiClaimrule/ScsiDevice(IO)/FSS/Vmxnet3/DVFilter/Tcpip/
 * Config/CBT/VMotion/... with varying numbers, naa/eui ids, vmhba paths and
 * VM names. By construction no background line contains an event text (nor
 * any SCSI status, sense data, heartbeat, heap, MCE, panic or frame text);
 * GEN_CHECK=1 also tests every background line against a list of such
 * needles and fails if one is there.
 *
 * Events, one line each (the SCSI ones sometimes in bursts of 2-4 lines),
 * placed at random with a fixed rate per kind (about one per 20k-100k lines,
 * so counts scale with the size). Each matches exactly one rule id of
 * `vmtriage logs` and exactly one ERE of the manifest:
 *   log-scsi-host-error        NMP: nmp_ThrottleLogForDevice ... Failed: H:0x{1,3,5,8,b} D:0x0 ...
 *   log-scsi-check-condition   ScsiDeviceIO ... H:0x0 D:0x2 P:0x0 Valid sense data: 0x2 0x4 0x3
 * (0x4 0x44 0x0, 0x2 0x8 0x0) log-scsi-sense-benign      same, INQUIRY (0x12), Valid sense data:
 * 0x5 0x24 0x0 log-scsi-pdl               same, Valid sense data: 0x5 0x25 0x0 log-apd-start
 * StorageApdHandler: ... has entered All Paths Down state. log-vmfs-heartbeat-timeout HBX: 2313:
 * Waiting for timed out [HB state abcdef02 ...] on vol '...' log-vmfs-heap-exhausted    WARNING:
 * Heap: 2525: Heap vmfs3 already at its maximum size. Cannot expand. log-path-removed WARNING:
 * ScsiPath: 5165: Path vmhbaN:Cc:Tt:Ll is being removed log-nic-watchdog           WARNING: LinNet:
 * netdev_watchdog:3688: NETDEV WATCHDOG: vmnicN: transmit timed out log-pcpu-heartbeat-lockup
 * WARNING: Heartbeat: 961: PCPU N didn't have a heartbeat for ...; *may* be locked up.
 *   log-mce-corrected          MCE: 1278: CMCI on cpuN bankM: Status:0x... Misc:0x... Addr:0x...:
 * Valid.Err enabled. log-scsi-latency           WARNING: ScsiDeviceIO: 1218: Device naa...
 * performance has deteriorated. ... A kind that the random draw left at 0 is written once before
 * the crash, so every kind appears at least once.
 *
 * One purple screen near the end (at about 99.5 % of the size), in
 * vmkernel-log form (every line `TS cpuN:W)`): `@BlueScreen: #PF Exception
 * 14 in world W:vmm0:<vm> IP ... addr ...`, PTEs, `Code start: ... VMK
 * uptime: D:HH:MM:SS.mmm`, 6-10 frames of the E1000PollRxRing signature
 * (kb §1.4, seed 000) with five stack words (6.5+), `base fs=...`, `Coredump
 * to disk.`; then the host reboots (a few minutes' gap, `TSC:` boot lines)
 * and the log goes on.
 *
 * -n NOISE_PCT (0-90, default 0): about that share of the lines are routine
 * storage lines that benign rules match (see "noise" below), the match-dense
 * profile of a busy host; with 0 the file is the same as before -n existed.
 *
 * Manifest (tab separated; `#` lines are comments):
 *   kind  count  ERE       one row per rule id above and `crash` (the
 *                          `@BlueScreen:` line); the ERE works with grep -E
 *                          and rg and matches that kind's event lines and
 *                          no other line of the file
 *   bytes N                the log's size
 *   lines N                its lines
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    return (unsigned)(((next64() >> 32) * (uint64_t)n) >> 32);
}

static int
pm(unsigned per_mille)
{
    return rn(1000) < per_mille;
}

#define NELEM(a) ((unsigned)(sizeof(a) / sizeof((a)[0])))
#define PICK(a) ((a)[rn(NELEM(a))])

/* ---------------------------------------------------------------- output */

static const char *out_path = "(stdout)";
static FILE *out;
static char obuf[1 << 20];
static size_t on;
static uint64_t target, bytes_out, lines_out;
static int check_bg; /* GEN_CHECK=1 */
static size_t len_min = 1000, len_max;

static _Noreturn void
die(const char *what, const char *path)
{
    fprintf(stderr, "gen_vmkernel: %s %s: %s\n", what, path ? path : "", strerror(errno));
    exit(1);
}

static void
flush_out(void)
{
    if (on && fwrite(obuf, 1, on, out) != on)
        die("cannot write", out_path);
    on = 0;
}

/* The line being built. Every template stays far below its size. */
static char L[1024];
static size_t ln;

#define LIT(s) (memcpy(L + ln, s, sizeof(s) - 1), ln += sizeof(s) - 1)

static void
str(const char *s)
{
    size_t k = strlen(s);
    memcpy(L + ln, s, k);
    ln += k;
}

static void
ch(char c)
{
    L[ln++] = c;
}

static void
dec(uint64_t v)
{
    char t[24];
    int i = 0;
    do {
        t[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i)
        L[ln++] = t[--i];
}

static void
dec0(unsigned v, int w) /* zero-padded to w digits */
{
    for (int i = w - 1; i >= 0; i--) {
        L[ln + (size_t)i] = (char)('0' + v % 10);
        v /= 10;
    }
    ln += (size_t)w;
}

static const char hx[] = "0123456789abcdef";

static void
hex(uint64_t v) /* lower case, no leading zeros */
{
    char t[20];
    int i = 0;
    do {
        t[i++] = hx[v & 15];
        v >>= 4;
    } while (v);
    while (i)
        L[ln++] = t[--i];
}

static void
hexw(uint64_t v, int w) /* exactly w digits */
{
    for (int i = w - 1; i >= 0; i--) {
        L[ln + (size_t)i] = hx[v & 15];
        v >>= 4;
    }
    ln += (size_t)w;
}

/* ---------------------------------------------------------------- background self-check */

static const char *const needles[] = {
    /* the events and the crash */
    "H:0x", "D:0x", "sense data", "All Paths Down", "APD", "HBX", "Waiting for timed out", "Heap",
    "maximum size", "Cannot expand", "is being removed", "WATCHDOG", "timed out", "heartbeat",
    "Heartbeat", "MCE", "MCA", "CMCI", "deteriorated", "latency increased", "BlueScreen",
    "Exception", "Backtrace", "Panic", "PANIC", "Code start", "uptime", "Coredump", "Dump", ":[0x",
    "#nover", "PTEs", "locked up", "PCPU",
    /* other log rules of rules/log-*.yml and the purple-screen starts of psod_message.c */
    "FW went bad", "queue flush", "Admission failure", "Fastslab", "worldGroup", "qlnativefc",
    "IOCB", "VMNIX", "IOMMU", "Fault Reason", "Uncorrectable", "Machine Check", "Spin count",
    "NOT_IMPLEMENTED", "ASSERT", "NOT REACHED", "LINT1", "NMI", "re-acquire lock", "BUG: failure",
    "PRDA", "CR0", "error", "Error", "ALERT", "permanently", "Lost access"};

static void
check_line(const char *s, size_t n)
{
    char tmp[1100];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    for (unsigned i = 0; i < NELEM(needles); i++)
        if (strstr(tmp, needles[i]) != NULL) {
            fprintf(stderr, "gen_vmkernel: GEN_CHECK: background line %llu has \"%s\": %s",
                    (unsigned long long)lines_out + 1, needles[i], tmp);
            exit(1);
        }
}

/* Ends the line in L and writes it. Returns 0 (nothing written) when it
 * would take the file past the target size. */
static int
emit(int background)
{
    L[ln++] = '\n';
    if (bytes_out + ln > target)
        return 0;
    if (ln > len_max)
        len_max = ln;
    if (ln < len_min)
        len_min = ln;
    if (background && check_bg)
        check_line(L, ln);
    if (on + ln > sizeof obuf)
        flush_out();
    memcpy(obuf + on, L, ln);
    on += ln;
    bytes_out += ln;
    lines_out++;
    return 1;
}

/* ---------------------------------------------------------------- clock */

static unsigned Y, Mo, D, hh, mm, ss, ms;
static uint64_t t_ms;    /* since the first line */
static uint64_t up_base; /* host uptime at t_ms == boot_t, ms */
static uint64_t boot_t;
static uint64_t epoch0;   /* the first line's time, ms since 1970 */
static char tsec[20];     /* "YYYY-MM-DDTHH:MM:SS" */
static unsigned mean_gap; /* ms */
static char first_ts[32], last_ts[32];

static unsigned
mdays(unsigned y, unsigned m)
{
    static const unsigned d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

static void
put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

static void
ts_format(void) /* tsec = "YYYY-MM-DDTHH:MM:SS" */
{
    put2(tsec, Y / 100);
    put2(tsec + 2, Y % 100);
    tsec[4] = '-';
    put2(tsec + 5, Mo);
    tsec[7] = '-';
    put2(tsec + 8, D);
    tsec[10] = 'T';
    put2(tsec + 11, hh);
    tsec[13] = ':';
    put2(tsec + 14, mm);
    tsec[16] = ':';
    put2(tsec + 17, ss);
}

static uint64_t
days_since_1970(unsigned y, unsigned m, unsigned d)
{
    uint64_t n = 0;
    for (unsigned i = 1970; i < y; i++)
        n += 365 + (mdays(i, 2) == 29);
    for (unsigned i = 1; i < m; i++)
        n += mdays(y, i);
    return n + d - 1;
}

static void
advance(uint64_t g)
{
    t_ms += g;
    ms += (unsigned)(g % 1000);
    uint64_t s = g / 1000 + ms / 1000;
    ms %= 1000;
    if (s == 0)
        return;
    s += ss;
    ss = (unsigned)(s % 60);
    uint64_t m = s / 60 + mm;
    mm = (unsigned)(m % 60);
    uint64_t h = m / 60 + hh;
    hh = (unsigned)(h % 24);
    for (uint64_t d = h / 24; d > 0; d--)
        if (++D > mdays(Y, Mo)) {
            D = 1;
            if (++Mo > 12) {
                Mo = 1;
                Y++;
            }
        }
    ts_format();
}

static uint64_t
uptime_ms(void)
{
    return up_base + (t_ms - boot_t);
}

static void
gap(void) /* the time between two unrelated lines */
{
    uint64_t r = next64();
    if ((r & 1) == 0)
        advance((r >> 8) % 3); /* same burst */
    else
        advance((r >> 8) % (4ull * mean_gap + 1));
}

static void
put_ts(void)
{
    memcpy(L + ln, tsec, 19);
    ln += 19;
    ch('.');
    dec0(ms, 3);
    ch('Z');
}

static void
note_ts(char *dst) /* the current timestamp, as put_ts writes it */
{
    memcpy(dst, tsec, 19);
    snprintf(dst + 19, 6, ".%03uZ", ms);
}

/* ---------------------------------------------------------------- the host */

#define NPCPU 48
#define NVM 160
#define NDEV 56
#define NEUI 8
#define NDS 10

struct vm {
    char name[28];
    unsigned vmm, vmx, port, handle, ds, cbt;
    unsigned char mac[3];
};
struct dev {
    char id[40];
    unsigned hba, tgt, lun;
};
struct ds {
    char name[24];
    char uuid[64];
    int vmfs6;
};

static struct vm vms[NVM];
static struct dev devs[NDEV];
static char euis[NEUI][40];
static struct ds dss[NDS];
static unsigned ip_net; /* 10.x.0.0/16 */

static void
hexstr(char *dst, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        dst[i] = hx[rn(16)];
    dst[n] = '\0';
}

static void
make_host(void)
{
    static const char *const base[] = {
        "web",     "db",        "app",         "sql",      "exch",     "dc",
        "file",    "vdi-w10-",  "k8s-worker-", "build",    "jenkins-", "splunk-idx",
        "backup",  "ora-prod",  "citrix-xa",   "vcsa",     "nsx-edge", "mgmt-jump",
        "test-ub", "rhel8-app", "win2019-rds", "sap-hana", "elk-",     "proxy",
        "mail-gw", "wsus",      "print",       "monitor-", "gitlab",   "redis-"};
    unsigned next_world = 2099200 + rn(4000);
    for (unsigned i = 0; i < NVM; i++) {
        struct vm *v = &vms[i];
        snprintf(v->name, sizeof v->name, "%s%02u", PICK(base), 1 + rn(60));
        next_world += 3 + rn(900);
        v->vmx = next_world;
        v->vmm = next_world + 2 + rn(3);
        v->port = 0x4000000u + 5 + rn(200);
        v->handle = 8192 + rn(20000);
        v->ds = rn(NDS);
        v->cbt = 0x200000u + rn(0xdffff);
        v->mac[0] = (unsigned char)(0x80 + rn(0x40));
        v->mac[1] = (unsigned char)rn(256);
        v->mac[2] = (unsigned char)rn(256);
    }
    /* NAA-6 ids of a few array vendors: 32 hex digits after "naa." */
    static const char *const vendor[] = {
        "600508b1001c",        "60050768", "624a9370", "60060e80", "6000d310", "600601",
        "60002ac0000000000000"};
    for (unsigned i = 0; i < NDEV; i++) {
        const char *p = vendor[i % NELEM(vendor)];
        size_t k = strlen(p);
        memcpy(devs[i].id, "naa.", 4);
        memcpy(devs[i].id + 4, p, k);
        hexstr(devs[i].id + 4 + k, (unsigned)(32 - k));
        static const unsigned hbas[] = {1, 2, 3, 4, 64, 64, 2, 3};
        devs[i].hba = PICK(hbas);
        devs[i].tgt = rn(4);
        devs[i].lun = i < 4 ? i : 1 + rn(99);
    }
    for (unsigned i = 0; i < NEUI; i++) {
        memcpy(euis[i], "eui.", 4);
        hexstr(euis[i] + 4, 32);
    }
    for (unsigned i = 0; i < NDS; i++) {
        static const char *const dn[] = {"Datastore%02u", "VMFS-PROD-%02u", "ds-tier1-%02u",
                                         "SAN-LUN%02u"};
        snprintf(dss[i].name, sizeof dss[i].name, dn[i % NELEM(dn)], 1 + i);
        char a[16], b[8];
        hexstr(a, 7);
        hexstr(b, 4);
        char c[16];
        hexstr(c, 12);
        snprintf(dss[i].uuid, sizeof dss[i].uuid, "5%s-%08x-%s-%s", a,
                 (unsigned)(next64() & 0xffffffffu), b, c);
        dss[i].vmfs6 = pm(700);
    }
    ip_net = 10 + rn(200);
}

static unsigned
sysworld(void)
{
    return 2097152 + 1 + rn(1400);
}

static unsigned
cpu(void)
{
    return rn(NPCPU);
}

static void
prefix_op(unsigned c, unsigned world, int opid)
{
    ln = 0;
    put_ts();
    LIT(" cpu");
    dec(c);
    ch(':');
    dec(world);
    if (opid && pm(60)) { /* 7.0: the opID of the vCenter/hostd task, on some lines */
        LIT(" opID=");
        hexw(next64() & 0xffffffffu, 8);
    }
    ch(')');
}

static void
path_of(const struct dev *d)
{
    LIT("vmhba");
    dec(d->hba);
    LIT(":C0:T");
    dec(d->tgt);
    LIT(":L");
    dec(d->lun);
}

static void
mac_of(const struct vm *v)
{
    LIT("00:50:56:");
    hexw(v->mac[0], 2);
    ch(':');
    hexw(v->mac[1], 2);
    ch(':');
    hexw(v->mac[2], 2);
}

static void
ip(void)
{
    dec(10);
    ch('.');
    dec(ip_net);
    ch('.');
    dec(rn(8));
    ch('.');
    dec(2 + rn(250));
}

/* background lines: sometimes with an opID */
#define prefix(c, w) prefix_op((c), (w), 1)
/* events and the crash: without */
#define kprefix(c, w) prefix_op((c), (w), 0)

/* ---------------------------------------------------------------- background */

enum {
    B_VCOPID,
    B_CPUSCHED,
    B_NETPORT_DIS,
    B_NETPORT_EN,
    B_NET_CONN,
    B_UPLINK,
    B_DVFILTER,
    B_VSCSI_DESTROY,
    B_VSCSI_SYNC,
    B_VSCSI_INPUT,
    B_SCHED_ADD,
    B_WORLD_START,
    B_HPP_ADD,
    B_NMP_ACT,
    B_SCSIDEV_REG,
    B_QERR,
    B_SITPUA,
    B_SCAN,
    B_UID,
    B_FSS,
    B_VMX3_RXQ,
    B_VMX3_DELIV,
    B_TCPIP,
    B_CONFIG,
    B_CBT_CREATE,
    B_CBT_DISC,
    B_SVM,
    B_MIGRATE,
    B_VMOTION,
    B_NETSCHED,
    B_NETQBAL,
    B_LVM,
    B_J6,
    B_MEMXFER,
    B_ISCSI,
    B_NETDVS,
    B_SCSIEVENTS,
    B_VMMVMK,
    B_CLAIMRULE,
    B_SATP_OPT,
    B_ALUA_TPG,
    B_LINKUP,
    B__COUNT
};

/* relative frequencies, summing to about 1000 */
static const unsigned short bg_weight[B__COUNT] = {
    [B_VCOPID] = 90,     [B_CPUSCHED] = 50,    [B_NETPORT_DIS] = 25, [B_NETPORT_EN] = 25,
    [B_NET_CONN] = 20,   [B_UPLINK] = 10,      [B_DVFILTER] = 60,    [B_VSCSI_DESTROY] = 30,
    [B_VSCSI_SYNC] = 20, [B_VSCSI_INPUT] = 30, [B_SCHED_ADD] = 30,   [B_WORLD_START] = 20,
    [B_HPP_ADD] = 20,    [B_NMP_ACT] = 30,     [B_SCSIDEV_REG] = 15, [B_QERR] = 15,
    [B_SITPUA] = 15,     [B_SCAN] = 15,        [B_UID] = 15,         [B_FSS] = 10,
    [B_VMX3_RXQ] = 25,   [B_VMX3_DELIV] = 15,  [B_TCPIP] = 20,       [B_CONFIG] = 30,
    [B_CBT_CREATE] = 40, [B_CBT_DISC] = 35,    [B_SVM] = 10,         [B_MIGRATE] = 10,
    [B_VMOTION] = 20,    [B_NETSCHED] = 20,    [B_NETQBAL] = 8,      [B_LVM] = 6,
    [B_J6] = 8,          [B_MEMXFER] = 10,     [B_ISCSI] = 15,       [B_NETDVS] = 30,
    [B_SCSIEVENTS] = 15, [B_VMMVMK] = 20,      [B_CLAIMRULE] = 20,   [B_SATP_OPT] = 20,
    [B_ALUA_TPG] = 20,   [B_LINKUP] = 4,
};
static unsigned char bg_table[1024];

static void
make_bg_table(void)
{
    unsigned total = 0;
    for (unsigned i = 0; i < B__COUNT; i++)
        total += bg_weight[i];
    unsigned k = 0;
    for (unsigned i = 0; i < B__COUNT && k < 1024; i++) {
        unsigned n = (bg_weight[i] * 1024 + total / 2) / total;
        if (n == 0)
            n = 1;
        for (unsigned j = 0; j < n && k < 1024; j++)
            bg_table[k++] = (unsigned char)i;
    }
    while (k < 1024)
        bg_table[k++] = B_VCOPID;
}

static void
bg_line(void)
{
    const struct vm *v = &vms[rn(NVM)];
    const struct dev *d = &devs[rn(NDEV)];
    const struct ds *s = &dss[v->ds];
    switch (bg_table[next64() & 1023]) {
    case B_VCOPID:
        prefix(cpu(), sysworld());
        LIT("World: 12077: VC opID ");
        if (pm(500)) {
            LIT("esxui-");
            hexw(rn(0x10000), 4);
            ch('-');
            hexw(rn(0x10000), 4);
        } else {
            hexw(next64() & 0xffffffff, 8);
            ch('-');
            hexw(rn(256), 2);
            ch('-');
            hexw(rn(256), 2);
            ch('-');
            hexw(rn(0x10000), 4);
        }
        LIT(" maps to vmkernel opID ");
        hexw(next64() & 0xffffffff, 8);
        break;
    case B_CPUSCHED:
        prefix(cpu(), sysworld());
        LIT("CpuSched: 692: user latency of ");
        dec(v->vmm + rn(8));
        if (pm(500)) {
            LIT(" vmx-vcpu-");
            dec(rn(8));
            ch(':');
            str(v->name);
        } else {
            LIT(" vmnic");
            dec(rn(4));
            LIT("-0-tx");
        }
        LIT(" 0 changed by ");
        dec(sysworld());
        LIT(" HELPER_MISC_QUEUE-1-");
        dec(1 + rn(4));
        LIT(" -6");
        break;
    case B_NETPORT_DIS:
        prefix(cpu(), sysworld());
        LIT("NetPort: 1879: disabled port 0x");
        hex(pm(300) ? 0x2000000u + 2 + rn(8) : v->port);
        break;
    case B_NETPORT_EN:
        prefix(cpu(), v->vmx);
        LIT("NetPort: 1660: enabled port 0x");
        hex(v->port);
        LIT(" with mac ");
        mac_of(v);
        break;
    case B_NET_CONN:
        prefix(cpu(), v->vmx);
        LIT("Net: 2524: connected ");
        str(v->name);
        LIT(" eth");
        dec(rn(2));
        LIT(" to ");
        if (pm(500)) {
            LIT("VM Network");
        } else {
            LIT("dvportgroup-");
            dec(1000 + rn(9000));
        }
        LIT(", portID 0x");
        hex(v->port);
        break;
    case B_UPLINK:
        prefix(cpu(), sysworld());
        LIT("Uplink: 9893: enabled port 0x");
        hex(0x2000000u + 2 + rn(8));
        LIT(" with mac ");
        hexw(rn(256) & 0xfe, 2);
        for (int i = 0; i < 5; i++) {
            ch(':');
            hexw(rn(256), 2);
        }
        break;
    case B_DVFILTER:
        prefix(cpu(), sysworld());
        LIT("DVFilter: 5963: Checking disconnected filters for timeouts");
        break;
    case B_VSCSI_DESTROY:
        prefix(cpu(), v->vmm);
        LIT("VSCSI: 6726: handle ");
        dec(v->handle + rn(4));
        LIT("(vscsi0:");
        dec(rn(4));
        LIT("):Destroying Device for world ");
        dec(v->vmm);
        LIT(" (pendCom 0)");
        break;
    case B_VSCSI_SYNC:
        prefix(cpu(), v->vmm);
        LIT("VSCSI: 3810: handle ");
        dec(v->handle + rn(4));
        LIT("(vscsi0:");
        dec(rn(4));
        LIT("):Using sync mode due to sparse disks");
        break;
    case B_VSCSI_INPUT:
        prefix(cpu(), v->vmx);
        LIT("VSCSI: 273: handle ");
        dec(v->handle + rn(4));
        LIT("(vscsi0:");
        dec(rn(4));
        LIT("):Input values: res=0 limit=-2 bw=-1 Shares=");
        dec(pm(800) ? 1000 : 2000);
        break;
    case B_SCHED_ADD:
        prefix(cpu(), v->vmx);
        LIT("Sched: vm ");
        dec(v->vmm);
        LIT(": 6372: Adding world 'vmm");
        dec(rn(4));
        ch(':');
        str(v->name);
        LIT("', group 'host/user', cpu: shares=-3 min=0 minLimit=-1 max=-1, mem: shares=-3 min=0 "
            "minLimit=-1 max=-1");
        break;
    case B_WORLD_START:
        prefix(cpu(), v->vmx);
        LIT("World: vm ");
        dec(v->vmm);
        LIT(": 7076: Starting world vmm");
        dec(rn(4));
        ch(':');
        str(v->name);
        LIT(" of config /vmfs/volumes/");
        str(s->uuid);
        ch('/');
        str(v->name);
        ch('/');
        str(v->name);
        LIT(".vmx");
        break;
    case B_HPP_ADD:
        prefix(cpu(), sysworld());
        LIT("HPP: HppClaimPath:3946: Added path 'vmhba");
        dec(65 + rn(2));
        LIT(":C0:T0:L");
        dec(rn(8));
        LIT("' to logical device '");
        str(euis[rn(NEUI)]);
        LIT("'. Total Path Count ");
        dec(1 + rn(4));
        break;
    case B_NMP_ACT:
        prefix(cpu(), sysworld());
        LIT("NMP: nmp_DeviceUpdatePathStates:547: Activated path \"");
        path_of(d);
        LIT("\" for NMP device \"");
        str(d->id);
        ch('"');
        break;
    case B_SCSIDEV_REG:
        prefix(cpu(), sysworld());
        LIT("ScsiDevice: 4460: Successfully registered device \"");
        str(d->id);
        LIT("\" from plugin \"NMP\" of type 0");
        break;
    case B_QERR:
        prefix(cpu(), sysworld());
        LIT("ScsiDeviceIO: 4326: QErr is correctly set to 0x0 for device ");
        str(d->id);
        ch('.');
        break;
    case B_SITPUA:
        prefix(cpu(), sysworld());
        LIT("ScsiDeviceIO: 5367: Sitpua was correctly set to 1 for device ");
        str(d->id);
        ch('.');
        break;
    case B_SCAN:
        prefix(cpu(), sysworld());
        LIT("ScsiScan: 888: Path ");
        path_of(d);
        LIT(" supports REPORT LUNS 0x11");
        break;
    case B_UID:
        prefix(cpu(), sysworld());
        LIT("ScsiUid: 273: Path '");
        path_of(d);
        LIT("' does not support VPD Device Id page.");
        break;
    case B_FSS:
        prefix(cpu(), v->vmx);
        LIT("FSS: 890: Failed to get object 1 4 ");
        hex(0x8d0000u + rn(0x10000));
        LIT(" 0 0 0 0 0 0 0 0 0 0 0 :Transient file system condition, suggest retry");
        break;
    case B_VMX3_RXQ:
        prefix(cpu(), v->vmx);
        LIT("Vmxnet3: 24930: ");
        str(v->name);
        ch(',');
        mac_of(v);
        LIT(", portID(");
        dec(v->port);
        LIT("): Disable Rx queuing; queue size 512 is larger than Vmxnet3RxQueueLimit limit of "
            "64.");
        break;
    case B_VMX3_DELIV:
        prefix(cpu(), v->vmx);
        LIT("Vmxnet3: 15256: ");
        str(v->name);
        ch(',');
        mac_of(v);
        LIT(", portID(");
        dec(v->port);
        LIT("): Using default queue delivery for vmxnet3 for port 0x");
        hex(v->port);
        break;
    case B_TCPIP:
        prefix(cpu(), sysworld());
        if (pm(500)) {
            LIT("Tcpip_Vmk: 1288: Affinitizing ");
            ip();
            LIT(" to world ");
            dec(sysworld());
            LIT(", Success");
        } else {
            LIT("Tcpip: 1149: arp entry for ");
            ip();
            LIT(" on vmk");
            dec(rn(3));
            LIT(" refreshed, expire in 1200 s");
        }
        break;
    case B_CONFIG: {
        static const char *const key[] = {
            "SIOControlFlag2", "HostLocalSwapDirEnabled", "LogLevel",      "VMOverheadGrowthLimit",
            "MaxQueueDepth",   "SchedNumReqOutstanding",  "DiskMaxIOSize", "UseATSForHBOnVMFS5"};
        prefix(cpu(), sysworld());
        LIT("Config: 703: \"");
        str(PICK(key));
        LIT("\" = ");
        dec(rn(3));
        LIT(", Old Value: ");
        dec(rn(3));
        LIT(", (Status: 0x0)");
        break;
    }
    case B_CBT_CREATE:
        prefix(cpu(), v->vmx);
        LIT("CBT: 1341: Created device ");
        hex(v->cbt + rn(16));
        LIT("-cbt for cbt driver with filehandle ");
        dec(v->cbt * 7u + rn(1000));
        break;
    case B_CBT_DISC:
        prefix(cpu(), v->vmx);
        LIT("CBT: 1053: Disconnecting the cbt device ");
        hex(v->cbt + rn(16));
        LIT("-cbt with filehandle ");
        dec(v->cbt * 7u + rn(1000));
        break;
    case B_SVM:
        prefix(cpu(), v->vmx);
        LIT("SVM: 5164: SkipZero 0, dstFsBlockSize 0, preallocateBlocks 0, vmfsOptimizations 0, "
            "useBitmapCopy 1, destEmpty 0");
        break;
    case B_MIGRATE:
        prefix(cpu(), v->vmx);
        LIT("Migrate: vm ");
        dec(v->vmm);
        LIT(": 3885: Setting VMOTION info: Source ts = ");
        dec((epoch0 + t_ms) * 1000 + rn(1000));
        LIT(", src ip = <");
        ip();
        LIT("> dest ip = <");
        ip();
        LIT("> Dest wid = 0 using SHARED swap, encrypted");
        break;
    case B_VMOTION:
        prefix(cpu(), v->vmx);
        LIT("VMotion: 4812: ");
        dec((epoch0 + t_ms) * 1000 + rn(1000));
        LIT(" S: Stopping pre-copy: only ");
        dec(100 + rn(9000));
        LIT(" pages left to send, which can be sent within the switchover time goal of 0.500 "
            "seconds (network bandwidth ~");
        dec(200 + rn(2000));
        ch('.');
        dec0(rn(1000), 3);
        LIT(" MB/s, ");
        dec(rn(100));
        LIT("% t2d)");
        break;
    case B_NETSCHED:
        prefix(cpu(), sysworld());
        LIT("NetSched: 628: vmnic");
        dec(rn(4));
        LIT("-0-tx: worldID = ");
        dec(sysworld());
        LIT(" exits");
        break;
    case B_NETQBAL:
        prefix(cpu(), sysworld());
        LIT("NetqueueBal: 5032: vmnic");
        dec(rn(4));
        LIT(": device Up notification, reset logical space needed");
        break;
    case B_LVM:
        prefix(cpu(), sysworld());
        LIT("LVM: 16700: File system '[");
        str(s->name);
        LIT(", ");
        str(s->uuid);
        LIT("]' (LV ");
        str(s->uuid);
        LIT(") mounted in 'rw' mode.");
        break;
    case B_J6:
        prefix(cpu(), sysworld());
        str(s->vmfs6 ? "J6: 2651: '" : "J3: 2651: '");
        str(s->name);
        LIT("': Exiting async journal replay manager world");
        break;
    case B_MEMXFER:
        prefix(cpu(), v->vmx);
        LIT("VmMemXfer: vm ");
        dec(v->vmm);
        LIT(": 2465: Evicting VM with path:/vmfs/volumes/");
        str(s->uuid);
        ch('/');
        str(v->name);
        ch('/');
        str(v->name);
        LIT(".vmx");
        break;
    case B_ISCSI:
        prefix(cpu(), sysworld());
        LIT("iscsi_vmk: iscsivmk_ConnNetRegister:2225: socket 0x");
        hex(0x430000000000ull + (next64() & 0xffffffffffull));
        LIT(" network resource pool netsched.pools.persist.iscsi associated");
        break;
    case B_NETDVS:
        prefix(cpu(), v->vmx);
        LIT("WARNING: NetDVS: 660: portAlias is NULL");
        break;
    case B_SCSIEVENTS:
        prefix(cpu(), sysworld());
        LIT("ScsiEvents: 300: EventSubsystem: Device Events, Event Mask: 40, Parameter: 0x");
        hex(0x430000000000ull + (next64() & 0xffffffffffull));
        LIT(", Registered!");
        break;
    case B_VMMVMK:
        prefix(cpu(), v->vmm);
        LIT("VMMVMKCall: 233: Received INIT from world ");
        dec(v->vmm);
        break;
    case B_CLAIMRULE:
        prefix(cpu(), sysworld());
        LIT("ScsiClaimrule: 1872: Plugin NMP specified by claimrule 65535 was not able to claim "
            "path vmhba32:C0:T0:L");
        dec(rn(2));
        LIT(": Not supported");
        break;
    case B_SATP_OPT:
        prefix(cpu(), sysworld());
        LIT("NMP: nmp_SatpMatchClaimOptions:5113: Compared claim opt 'tpgs_on'; result ");
        dec(rn(2));
        ch('.');
        break;
    case B_ALUA_TPG:
        prefix(cpu(), sysworld());
        LIT("VMW_SATP_ALUA: satp_alua_updatePath:1071: Path \"");
        path_of(d);
        LIT("\" is in TPG \"");
        dec(rn(4));
        LIT("\" with state \"");
        str(pm(600) ? "AO" : "ANO");
        ch('"');
        break;
    default: /* B_LINKUP */
        prefix(cpu(), sysworld());
        LIT("<6>vmnic");
        dec(rn(4));
        LIT(" NIC Link is Up ");
        str(pm(500) ? "10000" : "25000");
        LIT(" Mbps Full Duplex, Flow Control: Rx/Tx");
        break;
    }
}

/* ---------------------------------------------------------------- events */

enum {
    E_HOST_ERROR,
    E_CHECK_COND,
    E_SENSE_BENIGN,
    E_PDL,
    E_APD,
    E_HB_TIMEOUT,
    E_HEAP,
    E_PATH_REMOVED,
    E_NIC_WATCHDOG,
    E_PCPU_LOCKUP,
    E_MCE_CORRECTED,
    E_LATENCY,
    E__COUNT
};

static const struct kind {
    const char *rule;
    unsigned every; /* one per this many lines, on average */
    unsigned burst; /* up to this many lines in a row */
    const char *ere;
} kinds[E__COUNT] = {
    [E_HOST_ERROR] = {"log-scsi-host-error", 20000, 4, "H:0x[1-9a-f] D:0x"},
    [E_CHECK_COND] = {"log-scsi-check-condition", 30000, 2,
                      "Valid sense data: 0x(2 0x4 0x3|4 0x44 0x0|2 0x8 0x0)"},
    [E_SENSE_BENIGN] = {"log-scsi-sense-benign", 25000, 1, "Valid sense data: 0x5 0x2[04] 0x0"},
    [E_PDL] = {"log-scsi-pdl", 80000, 1, "Valid sense data: 0x5 0x25 0x0"},
    [E_APD] = {"log-apd-start", 100000, 1, "has entered All Paths Down state"},
    [E_HB_TIMEOUT] = {"log-vmfs-heartbeat-timeout", 50000, 1, "HBX: [0-9]+: Waiting for timed out"},
    [E_HEAP] = {"log-vmfs-heap-exhausted", 100000, 1, "Heap [a-z0-9]+ already at its maximum size"},
    [E_PATH_REMOVED] = {"log-path-removed", 60000, 1,
                        "ScsiPath: [0-9]+: Path [^ ]+ is being removed"},
    [E_NIC_WATCHDOG] = {"log-nic-watchdog", 90000, 1,
                        "NETDEV WATCHDOG: vmnic[0-9]+: transmit timed out"},
    [E_PCPU_LOCKUP] = {"log-pcpu-heartbeat-lockup", 100000, 1,
                       "PCPU [0-9]+ didn.t have a heartbeat"},
    [E_MCE_CORRECTED] = {"log-mce-corrected", 40000, 1,
                         "MCE: [0-9]+: CMCI on cpu[0-9]+ bank[0-9]+"},
    [E_LATENCY] = {"log-scsi-latency", 20000, 1, "performance has deteriorated"},
};
#define CRASH_ERE "@BlueScreen:"

static uint64_t counts[E__COUNT];
static uint32_t ev_cut[E__COUNT]; /* cumulative thresholds on a 32-bit draw */

static void
make_event_table(void)
{
    /* A burst of 1..B lines averages (B + 1) / 2 lines, so a burst starts
     * with probability 2 / (every * (B + 1)) for one event line per `every`. */
    uint64_t c = 0;
    for (unsigned k = 0; k < E__COUNT; k++) {
        c += ((uint64_t)2 << 32) / ((uint64_t)kinds[k].every * (kinds[k].burst + 1));
        ev_cut[k] = (uint32_t)c;
    }
}

static const unsigned opcode_rw[] = {0x28, 0x2a, 0x28, 0x2a, 0x89, 0x8a, 0x88, 0x28};

static void
scsi_devio(const struct dev *d, unsigned op, unsigned world, const char *sense)
{
    LIT("ScsiDeviceIO: ");
    static const unsigned srcline[] = {2962, 3449, 4124, 4124};
    dec(PICK(srcline));
    LIT(": Cmd(0x");
    hex(0x45b800000000ull + ((next64() & 0xfffffffull) << 6));
    LIT(") 0x");
    hexw(op, 2);
    LIT(", CmdSN 0x");
    hex(0x100 + rn(0x10000));
    LIT(" from world ");
    dec(world);
    LIT(" to dev \"");
    str(d->id);
    LIT("\" failed H:0x0 D:0x2 P:0x0 Valid sense data: ");
    str(sense);
    ch('.');
}

/* Writes one event line of kind k; returns what emit returned. */
static int
event_line(unsigned k, const struct dev *d, const struct vm *v)
{
    const struct ds *s = &dss[v->ds];
    switch (k) {
    case E_HOST_ERROR: {
        static const char *const host[] = {"0x1", "0x3", "0x5", "0x8", "0xb", "0xb"};
        static const char *const act[] = {"NONE", "NONE", "NONE", "EVAL"};
        kprefix(cpu(), sysworld());
        LIT("NMP: nmp_ThrottleLogForDevice:");
        dec(pm(500) ? 3867 : 2318);
        LIT(": Cmd 0x");
        hexw(PICK(opcode_rw), 2);
        LIT(" (0x");
        hex(0x45b800000000ull + ((next64() & 0xfffffffull) << 6));
        LIT(", ");
        dec(pm(300) ? 0 : v->vmm);
        LIT(") to dev \"");
        str(d->id);
        LIT("\" on path \"");
        path_of(d);
        LIT("\" Failed: H:");
        str(PICK(host));
        LIT(" D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0. Act:");
        str(PICK(act));
        break;
    }
    case E_CHECK_COND: {
        static const char *const sense[] = {"0x2 0x4 0x3", "0x4 0x44 0x0", "0x2 0x8 0x0"};
        kprefix(cpu(), sysworld());
        scsi_devio(d, PICK(opcode_rw), pm(400) ? 0 : v->vmm, PICK(sense));
        break;
    }
    case E_SENSE_BENIGN:
        kprefix(cpu(), sysworld());
        scsi_devio(d, 0x12, 0, "0x5 0x24 0x0");
        break;
    case E_PDL:
        kprefix(cpu(), sysworld());
        scsi_devio(d, PICK(opcode_rw), pm(500) ? 0 : v->vmm, "0x5 0x25 0x0");
        break;
    case E_APD:
        kprefix(cpu(), sysworld());
        LIT("StorageApdHandler: 1066: Device or filesystem with identifier [");
        str(d->id);
        LIT("] has entered All Paths Down state.");
        break;
    case E_HB_TIMEOUT:
        kprefix(cpu(), pm(500) ? v->vmx : sysworld());
        LIT("HBX: 2313: Waiting for timed out [HB state abcdef02 offset ");
        dec(3964928 + 4096 * rn(64));
        LIT(" gen ");
        dec(1 + rn(200));
        LIT(" stampUS ");
        dec(uptime_ms() * 1000 + rn(1000));
        LIT(" uuid ");
        hexw(0x5089c000u + rn(0x40000), 8);
        ch('-');
        hexw(next64() & 0xffffffff, 8);
        ch('-');
        hexw(rn(0x10000), 4);
        ch('-');
        hexw(next64() & 0xffffffffffffull, 12);
        LIT(" jrnl <FB ");
        dec(pm(500) ? 0 : rn(600000));
        LIT("> drv ");
        str(s->vmfs6 ? "24.82" : "14.81");
        LIT("] on vol '");
        str(s->name);
        ch('\'');
        break;
    case E_HEAP:
        kprefix(cpu(), v->vmx);
        LIT("WARNING: Heap: 2525: Heap vmfs3 already at its maximum size. Cannot expand.");
        break;
    case E_PATH_REMOVED:
        kprefix(cpu(), sysworld());
        LIT("WARNING: ScsiPath: 5165: Path vmhba");
        dec(pm(500) ? 64 : d->hba);
        LIT(":C");
        dec(rn(8));
        LIT(":T");
        dec(d->tgt);
        LIT(":L");
        dec(d->lun);
        LIT(" is being removed");
        break;
    case E_NIC_WATCHDOG:
        kprefix(cpu(), sysworld());
        LIT("WARNING: LinNet: netdev_watchdog:3688: NETDEV WATCHDOG: vmnic");
        dec(rn(4));
        LIT(": transmit timed out");
        break;
    case E_PCPU_LOCKUP: {
        unsigned secs = 5 * (1 + rn(4));
        kprefix(cpu(), sysworld());
        LIT("WARNING: Heartbeat: 961: PCPU ");
        dec(cpu());
        LIT(" didn't have a heartbeat for ");
        dec(secs);
        LIT(" seconds, timeout is 10, ");
        dec(1 + rn(3));
        LIT(" IPIs sent; *may* be locked up.");
        break;
    }
    case E_MCE_CORRECTED: {
        unsigned c = cpu();
        kprefix(c, sysworld());
        LIT("MCE: 1278: CMCI on cpu");
        dec(c);
        LIT(" bank");
        dec(pm(600) ? 9 : rn(22));
        LIT(": Status:0x");
        hexw(0x9000004000000000ull | (next64() & 0x0000000fff0fffffull), 16);
        if (pm(700)) {
            LIT(" Misc:0x0 Addr:0x0: Valid.Err enabled.");
        } else {
            LIT(" Misc:0x");
            hex(0x80 + rn(0x80));
            LIT(" Addr:0x");
            hex(0x100000000ull + (next64() & 0x3fffffffc0ull));
            LIT(": Valid.Err enabled.Misc valid.Addr valid.");
        }
        break;
    }
    default: { /* E_LATENCY */
        unsigned avg = 800 + rn(20000);
        kprefix(cpu(), sysworld());
        LIT("WARNING: ScsiDeviceIO: 1218: Device ");
        str(d->id);
        LIT(" performance has deteriorated. I/O latency increased from average value of ");
        dec(avg);
        LIT(" microseconds to ");
        dec((uint64_t)avg * (20 + rn(60)) + rn(1000));
        LIT(" microseconds.");
        break;
    }
    }
    return emit(0);
}

/* One event (a burst for the SCSI kinds); returns 0 when the file is full. */
static int
event(unsigned k)
{
    const struct dev *d = &devs[rn(NDEV)];
    const struct vm *v = &vms[rn(NVM)];
    unsigned n = kinds[k].burst > 1 ? 1 + rn(kinds[k].burst) : 1;
    for (unsigned i = 0; i < n; i++) {
        if (i)
            advance(rn(2));
        if (!event_line(k, d, v))
            return 0;
        counts[k]++;
    }
    return 1;
}

/* ---------------------------------------------------------------- noise (-n PCT) */

/* Routine lines that rules must still recognise (benign findings), written
 * instead of a background line with probability PCT %. Forms, from public
 * texts (bench/README.md "Noise profile" names them):
 *   - SMART polling: ESXi sends ATA PASS-THROUGH(16) (0x85) to every device
 *     regularly; arrays that do not implement it answer CHECK CONDITION,
 *     ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE (sense 0x5 0x20 0x0),
 *     in the ScsiDeviceIO form and in the NMP throttled form (Pure Storage,
 *     "S.M.A.R.T. Alerts in vmkernel Log"; VMware KB 2133286);
 *   - rescans: INQUIRY (0x12) and MODE SENSE (0x1a) answered with
 *     INVALID FIELD IN CDB (0x5 0x24 0x0) (VMware KB 1010244 / 343525);
 *   - the NMP throttle's "last error status from device ... repeated N
 *     times" (Broadcom KB 435349).
 * The first two are `log-scsi-sense-benign`, the third
 * `log-kb-nmp-error-repeated`; the manifest counts them with the events. */
static unsigned noise_pct;          /* 0: the file is the same as without -n */
static uint64_t noise_sense, noise_repeated;

static int
noise_line(void)
{
    const struct dev *d = &devs[rn(NDEV)];
    unsigned r = rn(100);
    kprefix(cpu(), sysworld());
    if (r < 50) {
        scsi_devio(d, 0x85, 2097152 + 700 + rn(300), "0x5 0x20 0x0");
    } else if (r < 70) {
        LIT("NMP: nmp_ThrottleLogForDevice:3867: Cmd 0x85 (0x");
        hex(0x45b800000000ull + ((next64() & 0xfffffffull) << 6));
        LIT(", ");
        dec(2097152 + 700 + rn(300));
        LIT(") to dev \"");
        str(d->id);
        LIT("\" on path \"");
        path_of(d);
        LIT("\" Failed: H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x20 0x0. Act:NONE");
    } else if (r < 85) {
        scsi_devio(d, pm(700) ? 0x12 : 0x1a, 0, "0x5 0x24 0x0");
    } else {
        LIT("NMP: nmp_ThrottleLogForDevice:3825: last error status from device ");
        str(d->id);
        LIT(" repeated ");
        dec(10u << rn(4));
        LIT(" times");
        if (!emit(0))
            return 0;
        noise_repeated++;
        return 1;
    }
    if (!emit(0))
        return 0;
    noise_sense++;
    return 1;
}
#define REPEATED_ERE "last error status from device [^ ]+ repeated [0-9]+ times"

/* ---------------------------------------------------------------- the purple screen */

static uint64_t crash_line;

static int
crash(void)
{
    /* frames of the E1000PollRxRing screen (kb §1.4, seed 000), 7.x style modules */
    static const struct {
        const char *fn;
        unsigned off;
    } fr[] = {
        {"E1000PollRxRing@vmkernel#nover", 0xdb9},
        {"E1000DevRx@vmkernel#nover", 0x18a},
        {"IOChain_Resume@vmkernel#nover", 0x247},
        {"PortOutput@vmkernel#nover", 0xe3},
        {"EtherswitchForwardLeafPortsQuick@(etherswitch)#<None>", 0xd6},
        {"EtherswitchPortDispatch@(etherswitch)#<None>", 0x13bb},
        {"Port_InputResume@vmkernel#nover", 0x146},
        {"Port_Input_Committed@vmkernel#nover", 0x29},
        {"E1000DevAsyncTx@vmkernel#nover", 0x190},
        {"NetWorldletPerVMCB@vmkernel#nover", 0xae},
    };
    const struct vm *v = &vms[rn(NVM)];
    unsigned c = cpu();
    uint64_t code = 0x420000000000ull + ((uint64_t)(0x100 + rn(0x300)) << 20);
    uint64_t rip0 = code + 0x19c000 + rn(0x4000);
    uint64_t sp = 0x4539a0000000ull + ((next64() & 0xffffffull) << 12) + 0x590;
    unsigned nframes = 6 + rn(5);
    unsigned vmn = rn(4);

    advance(1 + rn(400));
    kprefix(c, v->vmm);
    LIT("@BlueScreen: #PF Exception 14 in world ");
    dec(v->vmm);
    LIT(":vmm");
    dec(vmn);
    ch(':');
    str(v->name);
    LIT(" IP 0x");
    hex(rip0);
    LIT(" addr 0x");
    hex(pm(500) ? 0 : 8 * rn(64));
    crash_line = lines_out + 1;
    if (!emit(0))
        return 0;
    kprefix(c, v->vmm);
    LIT("PTEs:0x");
    hex(0x800000000ull + (next64() & 0x7ffffff000ull) + 0x27);
    LIT(";0x");
    hex(0x100000000ull + (next64() & 0x7ffffff000ull) + 0x27);
    LIT(";0x0;");
    if (!emit(0))
        return 0;
    kprefix(c, v->vmm);
    LIT("Code start: 0x");
    hex(code);
    LIT(" VMK uptime: ");
    uint64_t up = uptime_ms();
    dec(up / 86400000);
    ch(':');
    dec0((unsigned)(up / 3600000 % 24), 2);
    ch(':');
    dec0((unsigned)(up / 60000 % 60), 2);
    ch(':');
    dec0((unsigned)(up / 1000 % 60), 2);
    ch('.');
    dec0((unsigned)(up % 1000), 3);
    if (!emit(0))
        return 0;
    for (unsigned i = 0; i < nframes; i++) {
        kprefix(c, v->vmm);
        LIT("0x");
        hex(sp);
        LIT(":[0x");
        hex(i == 0 ? rip0 : code + 0x100000 + (next64() & 0x3ffff));
        ch(']');
        str(fr[i].fn);
        LIT("+0x");
        hex(fr[i].off);
        LIT(" stack: 0x");
        hex(sp + 0x40 + 0x10 * rn(8));
        for (int w = 0; w < 4; w++) {
            LIT(", 0x");
            hex(pm(300) ? rn(64) : 0x430000000000ull + (next64() & 0xffffffffffull));
        }
        if (!emit(0))
            return 0;
        sp += 0x50 + 0x10 * rn(12);
    }
    kprefix(c, v->vmm);
    LIT("base fs=0x0 gs=0x");
    hex(0x420040000000ull + ((uint64_t)rn(64) << 22));
    LIT(" Kgs=0x0");
    if (!emit(0))
        return 0;
    advance(3 + rn(20));
    kprefix(c, v->vmm);
    LIT("Coredump to disk. Slot 1 of 1 on device mpx.vmhba32:C0:T0:L0:9.");
    if (!emit(0))
        return 0;

    /* the host reboots: the log goes on a few minutes later */
    advance(180000 + rn(300000));
    boot_t = t_ms; /* uptime restarts: about 90 s at the first timestamped line */
    up_base = 80000 + rn(20000);
    ln = 0;
    LIT("TSC: 0 cpu0:0)Boot: 167: Parsing boot option module /useropts.gz");
    if (!emit(0))
        return 0;
    ln = 0;
    LIT("TSC: ");
    dec(400000 + rn(200000));
    LIT(" cpu0:1)BootConfig: 706: allowCoreDumpOnUsbDev = FALSE (FALSE)");
    return emit(0);
}

/* ---------------------------------------------------------------- main */

static void
usage(void)
{
    fprintf(stderr, "usage: gen_vmkernel [-o FILE] [-n NOISE_PCT] SIZE_MB SEED MANIFEST_TSV\n");
    exit(2);
}

static int
parse_u(const char *s, unsigned long long *v)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    *v = strtoull(s, &end, 10);
    return (errno || *end) ? -1 : 0;
}

int
main(int argc, char **argv)
{
    const char *ofile = NULL;
    int a = 1;
    unsigned long long npct = 0;
    for (;;) {
        if (a + 1 < argc && strcmp(argv[a], "-o") == 0) {
            ofile = argv[a + 1];
            a += 2;
        } else if (a + 1 < argc && strcmp(argv[a], "-n") == 0) {
            if (parse_u(argv[a + 1], &npct) || npct > 90)
                usage();
            a += 2;
        } else {
            break;
        }
    }
    noise_pct = (unsigned)npct;
    if (argc - a != 3)
        usage();
    unsigned long long size_mb, seed;
    if (parse_u(argv[a], &size_mb) || size_mb < 1 || size_mb > 1048576 ||
        parse_u(argv[a + 1], &seed))
        usage();
    const char *mpath = argv[a + 2];
    const char *e = getenv("GEN_CHECK");
    check_bg = e && strcmp(e, "1") == 0;

    char otmp[4096];
    if (ofile) {
        snprintf(otmp, sizeof otmp, "%s.tmp", ofile);
        out = fopen(otmp, "wb");
        if (out == NULL)
            die("cannot create", otmp);
        out_path = otmp;
    } else {
        out = stdout;
    }

    rng = seed * 0x2545f4914f6cdd1dull + 0x1234567ull;
    target = size_mb * 1048576ull;
    make_host();
    make_bg_table();
    make_event_table();

    /* about 130 bytes a line: spread the lines over about four days */
    uint64_t est_lines = target / 130;
    uint64_t g = 4ull * 86400000ull / (est_lines ? est_lines : 1);
    mean_gap = (unsigned)(g < 1 ? 1 : g > 2000 ? 2000 : g);
    Y = 2024;
    Mo = 3;
    D = 4 + rn(20);
    hh = rn(24);
    mm = rn(60);
    ss = rn(60);
    ms = rn(1000);
    ts_format();
    epoch0 = days_since_1970(Y, Mo, D) * 86400000ull + hh * 3600000ull + mm * 60000ull +
             ss * 1000ull + ms;
    up_base = 86400000ull * (1 + rn(40)) + rn(86400000);
    note_ts(first_ts);

    uint64_t reserve = target / 200;
    if (reserve < 131072)
        reserve = 131072;
    if (reserve > target / 4)
        reserve = target / 4;
    int crashed = 0;
    for (;;) {
        if (!crashed && bytes_out >= target - reserve) {
            /* every kind at least once, then the purple screen */
            int ok = 1;
            for (unsigned k = 0; k < E__COUNT && ok; k++)
                if (counts[k] == 0) {
                    gap();
                    ok = event(k);
                }
            if (!ok || !crash())
                break;
            crashed = 1;
            continue;
        }
        gap();
        uint32_t u = (uint32_t)(next64() >> 32);
        if (u < ev_cut[E__COUNT - 1]) {
            unsigned k = 0;
            while (u >= ev_cut[k])
                k++;
            if (!event(k))
                break;
            continue;
        }
        if (noise_pct > 0 && rn(100) < noise_pct) {
            if (!noise_line())
                break;
            continue;
        }
        bg_line();
        if (!emit(1))
            break;
    }
    note_ts(last_ts);
    flush_out();
    if (fflush(out) != 0 || (ofile && fclose(out) != 0))
        die("cannot write", out_path);
    if (!crashed) {
        fprintf(stderr, "gen_vmkernel: SIZE_MB too small for the events and the crash\n");
        remove(otmp);
        exit(1);
    }
    if (ofile && rename(otmp, ofile) != 0)
        die("cannot rename to", ofile);

    char mtmp[4096];
    snprintf(mtmp, sizeof mtmp, "%s.tmp", mpath);
    FILE *m = fopen(mtmp, "w");
    if (m == NULL)
        die("cannot create", mtmp);
    counts[E_SENSE_BENIGN] += noise_sense;
    uint64_t total = 1 + noise_repeated;
    for (unsigned k = 0; k < E__COUNT; k++)
        total += counts[k];
    if (noise_pct > 0)
        fprintf(m, "# gen_vmkernel version=%d size_mb=%llu seed=%llu noise=%u\n", GEN_VERSION,
                size_mb, seed, noise_pct);
    else
        fprintf(m, "# gen_vmkernel version=%d size_mb=%llu seed=%llu\n", GEN_VERSION, size_mb,
                seed);
    fprintf(m, "# columns: kind, count (lines), ERE for grep -E and rg that matches exactly those "
               "lines; then bytes and lines of the file\n");
    fprintf(m,
            "# span %s .. %s; @BlueScreen: at line %llu; line lengths %zu-%zu bytes; "
            "%llu event lines in all\n",
            first_ts, last_ts, (unsigned long long)crash_line, len_min, len_max,
            (unsigned long long)total);
    for (unsigned k = 0; k < E__COUNT; k++)
        fprintf(m, "%s\t%llu\t%s\n", kinds[k].rule, (unsigned long long)counts[k], kinds[k].ere);
    if (noise_pct > 0)
        fprintf(m, "log-kb-nmp-error-repeated\t%llu\t%s\n", (unsigned long long)noise_repeated,
                REPEATED_ERE);
    fprintf(m, "crash\t1\t%s\n", CRASH_ERE);
    fprintf(m, "bytes\t%llu\n", (unsigned long long)bytes_out);
    fprintf(m, "lines\t%llu\n", (unsigned long long)lines_out);
    if (fclose(m) != 0)
        die("cannot write", mtmp);
    if (rename(mtmp, mpath) != 0)
        die("cannot rename to", mpath);
    fprintf(
        stderr,
        "gen_vmkernel: %llu bytes, %llu lines, %llu event lines, crash at line %llu, %s .. %s\n",
        (unsigned long long)bytes_out, (unsigned long long)lines_out, (unsigned long long)total,
        (unsigned long long)crash_line, first_ts, last_ts);
    return 0;
}
