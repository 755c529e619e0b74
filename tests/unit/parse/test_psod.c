/* test_psod: the purple-screen decoder (src/parse/psod/psod_*.c) against the real crash
 * texts of the shared corpus, read in place from corpus/esxi/ and seeds/
 * (never copied), and against small texts written here for the forms that
 * kb/esxi-crash-and-logs.md §1 quotes but the local corpus lacks.
 *
 * Expected values are read off the source texts themselves (line numbers,
 * world ids, addresses and frames as the file prints them) and off
 * PROVENANCE.tsv (which files hold a purple screen: `kind` says "PSOD"),
 * never from what the decoder printed. Where a text is ambiguous the
 * choice is written next to the row. */
#include "parse/psod/psod.h"
#include "parse/psod/psod_impl.h"
#include "t.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "source/walk.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NOFF (-1LL) /* frame without an offset */
#define ANY (-2)    /* a field not checked in this row */

struct wframe {
    const char *fn, *mod, *ver;
    long long off;
};

struct wcrash {
    const char *file; /* "002.txt", or "seed" for seeds/000_*.txt */
    size_t idx;
    unsigned long line;
    enum psod_type type;
    int exc;
    long long world;
    const char *wname;
    int cpu;               /* ANY: not checked */
    const char *ip, *addr; /* "0x.." or NULL = absent */
    const char *uptime, *build;
    size_t nframes;
    struct wframe first, last;
    size_t nsaved;
    int saved_pcpu;
    const char *module; /* first Module(s) involved, NULL = none */
    enum psod_culprit_kind ck;
    const char *cmod, *cfn;
};

/* Files whose PROVENANCE kind names a purple screen, with their crash count
 * and non-fatal backtrace count. 004 and 023 are there to prove that a
 * non-fatal backtrace and heartbeat warnings are not crashes. */
static const struct {
    const char *file;
    size_t ncrashes, nbacktraces;
} files[] = {
    {"002.txt", 1, 0}, {"003.txt", 1, 0}, {"004.txt", 0, 1}, {"008.txt", 1, 0}, {"009.txt", 1, 0},
    {"011.txt", 1, 0}, {"012.txt", 1, 0}, {"013.txt", 1, 0}, {"015.txt", 1, 0}, {"016.txt", 3, 0},
    {"018.txt", 1, 0}, {"019.txt", 2, 0}, {"020.txt", 1, 0}, {"021.txt", 3, 0}, {"023.txt", 0, 0},
    {"024.txt", 1, 0}, {"026.txt", 1, 0}, {"027.txt", 1, 0}, {"029.txt", 1, 0}, {"031.txt", 1, 0},
    {"035.txt", 1, 0}, {"050.txt", 1, 0}, {"seed", 1, 0},
};

/* clang-format off */
static const struct wcrash want[] = {
    /* 002: a bare backtrace under "Here is the actual backtrace:" (PROVENANCE: PSOD backtrace);
     * blog escape '@'; be2net frames have the unnamed module `@#`. */
    {"002.txt", 0, 4, PSOD_UNKNOWN, -1, -1, NULL, -1, NULL, NULL, NULL, NULL,
     16, {"Util_Udelay", "vmkernel", "nover", 0x2f}, {"gate_entry", "vmkernel", "nover", 0x72},
     0, -1, NULL, CULPRIT_DRIVER, "", "be_mcc_mailbox_notify_and_wait"},
    /* 003: be_char_ioctl@<None> called through LinuxCharIoctl@com.vmware.driverAPI */
    {"003.txt", 0, 4, PSOD_UNKNOWN, -1, -1, NULL, -1, NULL, NULL, NULL, NULL,
     10, {"be_char_ioctl", NULL, NULL, 0xc8}, {"User_LinuxSyscallHandler", "vmkernel", "nover", 0x1c},
     0, -1, NULL, CULPRIT_DRIVER, NULL, "be_char_ioctl"},
    /* 008: ESX 3.x Lost heartbeat; world and cpu from `*0:1024/console`, ip from `ip=` */
    {"008.txt", 0, 1, PSOD_LOST_HEARTBEAT, -1, 1024, "console", 0, "0xc014b306", NULL,
     "42:14:03:58.308", "123630",
     1, {"blk_dev", NULL, NULL, 0xbd8524a5}, {"blk_dev", NULL, NULL, 0xbd8524a5},
     0, -1, NULL, CULPRIT_NONE, NULL, NULL},
    /* 009: ESX 3.x PCPU locked up; `*0:1037/helper1-4` */
    {"009.txt", 0, 1, PSOD_LOCKUP, -1, 1037, "helper1-4", 0, "0x625e94", NULL,
     "7:05:43:45.014", "98103",
     7, {"Panic", NULL, NULL, 0x17}, {"blk_dev", NULL, NULL, 0xfd76461f},
     0, -1, NULL, CULPRIT_VMKERNEL, NULL, "TLBDoInvalidate"},
    /* 011: banner + MCE; PCPUXX masked */
    {"011.txt", 0, 1, PSOD_MCE, -1, 111111, "idle51", -1, NULL, NULL, NULL, "22348816",
     0, {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
     0, -1, NULL, CULPRIT_HARDWARE, NULL, NULL},
    /* 012: one MCE shown in two forms ("Alternative MCE message"): one crash; ip from `frame=... ip=` */
    {"012.txt", 0, 1, PSOD_MCE, -1, -1, "nsx-appctl", -1, "0x428034c17872", NULL, NULL, NULL,
     0, {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
     0, -1, NULL, CULPRIT_HARDWARE, NULL, NULL},
    /* 013: `- @BlueScreen: Hardware (Machine) Error` mid-line, `****:idle*` (id masked, name kept) */
    {"013.txt", 0, 3, PSOD_MCE, -1, -1, "idle*", -1, NULL, NULL, NULL, NULL,
     0, {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
     0, -1, NULL, CULPRIT_HARDWARE, NULL, NULL},
    /* 015: message inside prose; `<ID>` masked; two e-mail-obfuscated frames */
    {"015.txt", 0, 1, PSOD_EXCEPTION, 14, -1, "vmnic#-pollW", -1, "0x4200055dde0c",
     "0x432acd353000", NULL, NULL,
     10, {"PhysMemFireTracesSlow", "vmkernel", "nover", 0x5c},
     {"Port_InputResume", "vmkernel", "nover", 0x1bf},
     0, -1, NULL, CULPRIT_VMKERNEL, "vmkernel", "PhysMemFireTracesSlow"},
    /* 016: three patterns, three crashes, gdb-style stacks */
    {"016.txt", 0, 3, PSOD_EXCEPTION, 14, 2102584, "res3HelperQu", -1, "0x4200135590e2",
     "0x100000008", NULL, NULL,
     10, {"DLM_free", NULL, NULL, NOFF}, {"Res3FlushHelperVMFS6", NULL, NULL, NOFF},
     0, -1, NULL, CULPRIT_VMKERNEL, NULL, "DLM_free"},
    {"016.txt", 1, 19, PSOD_EXCEPTION, 14, 2097977, "FSUnmapManag", -1, "0x4200019591ac",
     "0xe1800000010", NULL, NULL,
     8, {"DLM_free", NULL, NULL, NOFF}, {"UnmapManager", NULL, NULL, NOFF},
     0, -1, NULL, CULPRIT_VMKERNEL, NULL, "DLM_free"},
    {"016.txt", 2, 34, PSOD_EXCEPTION, 14, 3189220, "fssAIO", -1, "0x420005158097", "0x10",
     NULL, NULL,
     8, {"tmalloc_large", NULL, NULL, NOFF}, {"Res6_MemLockRC", NULL, NULL, NOFF},
     0, -1, NULL, CULPRIT_VMKERNEL, NULL, "tmalloc_large"},
    /* 018: the message line alone */
    {"018.txt", 0, 1, PSOD_EXCEPTION, 14, 2098009, "OCFlush", -1, "0x4200389489c4", "0x350",
     NULL, NULL,
     0, {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
     0, -1, NULL, CULPRIT_NONE, NULL, NULL},
    /* 019: the KB lists two PSOD messages (ambiguous: one issue, two screens); read as two
     * crashes; the backtrace under the second (cpu/world from its `Backtrace for` line) */
    {"019.txt", 0, 3, PSOD_NOT_IMPLEMENTED, -1, -1, NULL, -1, NULL, NULL, NULL, NULL,
     0, {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
     0, -1, NULL, CULPRIT_NONE, NULL, NULL},
    {"019.txt", 1, 4, PSOD_NMI_IPI, -1, 2097296, NULL, 8, NULL, NULL, NULL, NULL,
     9, {"PanicvPanicInt", "vmkernel", "nover", 0x1f5},
     {"World_TryReap", "vmkernel", "nover", 0x3d3},
     0, -1, NULL, CULPRIT_VMKERNEL, "vmkernel", "World_DestroyHeap"},
    /* 020: 4.0 log with uptime prefixes; cpu1:4553 from the `Code start` line */
    {"020.txt", 0, 1, PSOD_ASSERT, -1, 4553, NULL, 1, NULL, NULL, "0:01:39:57.763", NULL,
     8, {"Panic", NULL, NULL, 0xa9}, {NULL, NULL, NULL, NOFF},
     0, -1, NULL, CULPRIT_VMKERNEL, NULL, "VmMemMigrateAddPageDirToDest"},
    /* 021: three screens: 4.0 #GP header, 3.x #PF header, full 4.0 #GP sample whose
     * `@BlueScreen: #GP Exception(13) in world 4130:h` repeats its message */
    {"021.txt", 0, 1, PSOD_EXCEPTION, 13, 4130, "helper13-0", -1, "0x41803399e303", NULL, NULL,
     "164009",
     0, {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
     0, -1, NULL, CULPRIT_NONE, NULL, NULL},
    {"021.txt", 1, 3, PSOD_EXCEPTION, 14, 1024, "console", -1, "0x67f0ae", NULL, NULL, "123630",
     0, {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
     0, -1, NULL, CULPRIT_NONE, NULL, NULL},
    {"021.txt", 2, 7, PSOD_EXCEPTION, 13, 4130, "helper13-0", 1, "0x41803399e303", NULL, NULL,
     "164009",
     0, {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
     0, -1, NULL, CULPRIT_NONE, NULL, NULL},
    /* 024: a whole log excerpt on one line, every number masked */
    {"024.txt", 0, 1, PSOD_EXCEPTION, 14, -1, "prealloc-1", -1, NULL, NULL, NULL, NULL,
     5, {"VmMemPf_PreallocRange", "vmkernel", "nover", 0x45},
     {"Debug_IsInitialized", "vmkernel", "nover", 0xc},
     0, -1, NULL, CULPRIT_VMKERNEL, "vmkernel", "VmMemPf_PreallocRange"},
    /* 026: bare frames `0xnnnnnnnn :[ 0xnnnnnnnn ]` */
    {"026.txt", 0, 1, PSOD_UNKNOWN, -1, -1, NULL, -1, NULL, NULL, NULL, NULL,
     6, {"Panic_Exception", "vmkernel", "nover", 0x258},
     {"CpuSched_StartWorld", "vmkernel", "nover", 0xa2},
     0, -1, NULL, CULPRIT_VMKERNEL, "vmkernel", "VmkDrv_WakeupAllWaiters"},
    /* 027: the 5.x screen of seed 000 */
    {"027.txt", 0, 1, PSOD_EXCEPTION, 14, 63406, "vmast.63405", -1, "0x41801cd9c266", "0x0",
     "1:08:27:56.829", NULL,
     19, {"E1000PollRxRing", "vmkernel", "nover", 0xdb9}, {NULL, NULL, NULL, NOFF},
     0, -1, NULL, CULPRIT_VMKERNEL, "vmkernel", "E1000PollRxRing"},
    /* 029: `Panic Message:` summary + `Backtrace:` */
    {"029.txt", 0, 1, PSOD_EXCEPTION, 14, 19435391, "NetWorld-VM-", -1, "0x4200188bcaed",
     "0x270", NULL, NULL,
     4, {"Vmxnet3VMKDev_AsyncTx", "vmkernel", "nover", 0x1d},
     {"Debug_IsInitialized", "vmkernel", "nover", 0xc},
     0, -1, NULL, CULPRIT_VMKERNEL, "vmkernel", "Vmxnet3VMKDev_AsyncTx"},
    /* 031: World: register lines + `Backtrace for current CPU` (no @BlueScreen kept by the KB);
     * the top frame's module is hidden by the web copy (version v2_3_0_0, not the vmkernel's):
     * the faulting module cannot be named (the KB's cause is NSX, VMware's own) */
    {"031.txt", 0, 1, PSOD_UNKNOWN, -1, 33537, NULL, 24, NULL, NULL, NULL, NULL,
     11, {NULL, NULL, "v2_3_0_0", 0x3b}, {"PortOutput", "vmkernel", "nover", 0xae},
     0, -1, NULL, CULPRIT_NONE, NULL, NULL},
    /* 035: placeholder addresses; PCIEDPC_EDRHandler in the frames makes it a PCIe error */
    {"035.txt", 0, 1, PSOD_PCIE_ERROR, -1, -1, NULL, -1, NULL, NULL, NULL, NULL,
     9, {"PanicvPanicInt", "vmkernel", "nover", 0x202},
     {"Debug_IsInitialized", "vmkernel", "nover", 0xc},
     0, -1, NULL, CULPRIT_HARDWARE, NULL, NULL},
    /* 050: vmkernel-log.1 CrashMe; `0:01:14:16.524>` (a stray `>` after the uptime) */
    {"050.txt", 0, 1, PSOD_MANUAL, -1, 47209, NULL, 3, NULL, NULL, "0:01:14:16.524", NULL,
     1, {"PanicvPanicInt", "vmkernel", "nover", 0x575},
     {"PanicvPanicInt", "vmkernel", "nover", 0x575},
     0, -1, NULL, CULPRIT_NONE, NULL, NULL},
    /* seed 000: the 027 screen on one line (line 2) inside German prose */
    {"seed", 0, 2, PSOD_EXCEPTION, 14, 63406, "vmast.63405", -1, "0x41801cd9c266", "0x0",
     "1:08:27:56.829", NULL,
     19, {"E1000PollRxRing", "vmkernel", "nover", 0xdb9}, {NULL, NULL, NULL, NOFF},
     0, -1, NULL, CULPRIT_VMKERNEL, "vmkernel", "E1000PollRxRing"},
};
/* clang-format on */

#define NWANT (sizeof(want) / sizeof(want[0]))

static const char *
hexs(bool has, uint64_t v)
{
    return has ? t_fmt("0x%llx", (unsigned long long)v) : NULL;
}

static void
check_frame(const char *what, const struct psod_frame *f, const struct wframe *w)
{
    T_EQ_STR(t_fmt("%s function", what), f->function, w->fn);
    T_EQ_STR(t_fmt("%s module", what), f->module, w->mod);
    T_EQ_STR(t_fmt("%s version", what), f->version, w->ver);
    if (w->off == NOFF)
        T_CHECK(t_fmt("%s has no offset", what), !f->has_offset);
    else if (T_CHECK(t_fmt("%s has an offset", what), f->has_offset))
        T_EQ_INT(t_fmt("%s offset", what), (long long)f->offset, w->off);
}

static void
check_crash(const char *what, const struct psod_crash *c, const struct wcrash *w)
{
    T_EQ_INT(t_fmt("%s line", what), c->line, w->line);
    T_EQ_INT(t_fmt("%s type", what), c->type, w->type);
    T_EQ_INT(t_fmt("%s exception", what), c->exception, w->exc);
    T_EQ_INT(t_fmt("%s world id", what), c->world_id, w->world);
    T_EQ_STR(t_fmt("%s world name", what), c->world_name, w->wname);
    if (w->cpu != ANY)
        T_EQ_INT(t_fmt("%s cpu", what), c->cpu, w->cpu);
    T_EQ_STR(t_fmt("%s ip", what), hexs(c->has_ip, c->ip), w->ip);
    T_EQ_STR(t_fmt("%s address", what), hexs(c->has_address, c->address), w->addr);
    T_EQ_STR(t_fmt("%s uptime", what), c->uptime, w->uptime);
    T_EQ_STR(t_fmt("%s build", what), c->build, w->build);
    T_EQ_INT(t_fmt("%s frames", what), c->frames.n, w->nframes);
    if (w->nframes > 0 && c->frames.n > 0) {
        check_frame(t_fmt("%s first frame", what), &c->frames.v[0], &w->first);
        check_frame(t_fmt("%s last frame", what), &c->frames.v[c->frames.n - 1], &w->last);
    }
    T_EQ_INT(t_fmt("%s saved frames", what), c->saved.n, w->nsaved);
    T_EQ_INT(t_fmt("%s saved pcpu", what), c->saved_pcpu, w->saved_pcpu);
    T_EQ_STR(t_fmt("%s module involved", what),
             c->nmodules_involved ? c->modules_involved[0] : NULL, w->module);
    T_EQ_STR(t_fmt("%s culprit kind", what), psod_culprit_kind_name(c->culprit_kind),
             psod_culprit_kind_name(w->ck));
    T_EQ_STR(t_fmt("%s culprit module", what), c->culprit_module, w->cmod);
    T_EQ_STR(t_fmt("%s culprit function", what), c->culprit_function, w->cfn);
    T_CHECK(t_fmt("%s culprit why", what), c->culprit_why != NULL);
    T_CHECK(t_fmt("%s lines in order", what), c->last_line >= c->line);
}

/* ---- the corpus ---- */

static char *
seed_path(void)
{
    char *dir = xasprintf("%s/seeds", t_shared);
    DIR *dp = opendir(dir);
    char *path = NULL;
    if (dp != NULL) {
        for (struct dirent *de; (de = readdir(dp)) != NULL;)
            if (strncmp(de->d_name, "000_", 4) == 0 && path == NULL)
                path = xasprintf("%s/%s", dir, de->d_name);
        closedir(dp);
    }
    free(dir);
    return path;
}

static bool
decode_file(const char *path, struct psod_result *res, struct diags *d)
{
    char *data = NULL;
    size_t len = 0;
    if (!T_CHECK(t_fmt("%s readable", path), read_small_file(path, 1u << 22, &data, &len, d) == 0))
        return false;
    psod_decode(data, len, path, res, d);
    free(data);
    T_EQ_INT(t_fmt("%s: no errors", path), diags_count(d, DIAG_ERROR), 0);
    return true;
}

/* The same text fed line by line through a reader, split differently
 * (CRLF), must decode the same. */
static void
check_stream_same(const char *path, const struct psod_result *a)
{
    char *data = NULL;
    size_t len = 0;
    struct diags d = DIAGS_INIT;
    if (read_small_file(path, 1u << 22, &data, &len, &d) != 0) {
        diags_release(&d);
        return;
    }
    struct buf crlf = BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n')
            buf_addc(&crlf, '\r');
        buf_addc(&crlf, data[i]);
    }
    struct psod_result b;
    psod_decode(crlf.p ? crlf.p : "", crlf.len, path, &b, &d);
    T_EQ_INT(t_fmt("%s: CRLF copy crashes", path), b.ncrashes, a->ncrashes);
    for (size_t i = 0; i < a->ncrashes && i < b.ncrashes; i++) {
        T_EQ_INT(t_fmt("%s: CRLF crash %zu line", path, i), b.crashes[i].line, a->crashes[i].line);
        T_EQ_INT(t_fmt("%s: CRLF crash %zu frames", path, i), b.crashes[i].frames.n,
                 a->crashes[i].frames.n);
    }
    psod_result_release(&b);
    buf_release(&crlf);
    diags_release(&d);
    free(data);
}

/* Every PROVENANCE row: a "PSOD" kind is in the table above; any other kind
 * (hostd, vobd, plain vmkernel logs) decodes to no crash. */
static void
check_provenance(const char *dir)
{
    char *prov = xasprintf("%s/PROVENANCE.tsv", dir);
    char *text = NULL;
    size_t len = 0;
    struct diags d = DIAGS_INIT;
    if (!T_CHECK(t_fmt("%s readable", prov),
                 read_small_file(prov, 1u << 20, &text, &len, &d) == 0)) {
        free(prov);
        diags_release(&d);
        return;
    }
    int rows = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *col[4];
        size_t n = t_split_tabs(line, col, 4);
        if (n < 4 || strcmp(col[0], "file") == 0)
            continue;
        rows++;
        bool listed = false;
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
            listed |= strcmp(files[i].file, col[0]) == 0;
        if (strstr(col[2], "PSOD") != NULL) {
            T_CHECK(t_fmt("%s (kind '%s') has expected values here", col[0], col[2]), listed);
            continue;
        }
        if (listed)
            continue; /* 004, 023: checked with the table */
        char *path = xasprintf("%s/%s", dir, col[0]);
        struct psod_result res;
        struct diags dd = DIAGS_INIT;
        if (decode_file(path, &res, &dd)) {
            T_EQ_INT(t_fmt("%s (kind '%s'): no crash", col[0], col[2]), res.ncrashes, 0);
            psod_result_release(&res);
        }
        diags_release(&dd);
        free(path);
    }
    T_CHECK("PROVENANCE.tsv has rows", rows > 0);
    free(text);
    free(prov);
    diags_release(&d);
}

static void
test_corpus_files(void)
{
    char *dir = xasprintf("%s/corpus/esxi", t_shared);
    if (!t_have_shared(dir, "psod corpus/esxi files")) {
        free(dir);
        return;
    }
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *path = strcmp(files[i].file, "seed") == 0 ? seed_path()
                                                        : xasprintf("%s/%s", dir, files[i].file);
        if (path == NULL && strcmp(files[i].file, "seed") == 0) {
            t_have_shared(t_fmt("%s/seeds/000_*.txt", t_shared), "seed 000");
            continue;
        }
        if (!T_CHECK(t_fmt("%s found", files[i].file), path)) {
            continue;
        }
        struct psod_result res;
        struct diags d = DIAGS_INIT;
        if (!decode_file(path, &res, &d)) {
            diags_release(&d);
            free(path);
            continue;
        }
        const char *f = files[i].file;
        T_EQ_INT(t_fmt("%s crashes", f), res.ncrashes, files[i].ncrashes);
        T_EQ_INT(t_fmt("%s non-fatal backtraces", f), res.nbacktraces, files[i].nbacktraces);
        for (size_t k = 0; k < NWANT; k++) {
            if (strcmp(want[k].file, f) != 0)
                continue;
            if (T_CHECK(t_fmt("%s has crash %zu", f, want[k].idx), want[k].idx < res.ncrashes))
                check_crash(t_fmt("%s crash %zu", f, want[k].idx), &res.crashes[want[k].idx],
                            &want[k]);
        }
        check_stream_same(path, &res);

        /* facts of single files not in the table's columns */
        if (strcmp(f, "004.txt") == 0 && res.nbacktraces == 1) {
            const struct psod_backtrace *bt = &res.backtraces[0];
            T_EQ_INT("004 backtrace line (its WARNING)", bt->line, 3);
            T_EQ_STR("004 backtrace header", bt->header,
                     "WARNING: at vmkdrivers/src_92/vmklinux_92/vmware/linux_net.c:3717/"
                     "netdev_watchdog() (inside vmklinux)");
            T_EQ_INT("004 backtrace frames", bt->frames.n, 5);
            struct wframe w0 = {"vmk_LogBacktraceMessage", "vmkernel", "nover", 0x29};
            struct wframe w4 = {"CpuSched_StartWorld", "vmkernel", "nover", 0x99};
            if (bt->frames.n == 5) {
                check_frame("004 first frame", &bt->frames.v[0], &w0);
                check_frame("004 last frame", &bt->frames.v[4], &w4);
            }
        }
        if (strcmp(f, "015.txt") == 0 && res.ncrashes == 1 && res.crashes[0].frames.n == 10) {
            const struct psod_frame *h = &res.crashes[0].frames.v[7];
            struct wframe w = {NULL, NULL, "1.0.0", 0x9c};
            check_frame("015 obfuscated frame", h, &w);
            T_CHECK("015 obfuscated frame: module hidden", h->module_hidden);
            T_EQ_STR("015 frame 6", res.crashes[0].frames.v[6].function, "vmk_PortOutput");
        }
        if (strcmp(f, "020.txt") == 0 && res.ncrashes == 1) {
            const struct psod_crash *c = &res.crashes[0];
            T_EQ_INT("020 ends at `Coredump to disk.`", c->last_line, 13);
            T_EQ_STR("020 code start", hexs(c->has_code_start, c->code_start), "0x41800be00000");
            T_EQ_STR("020 message", c->message, "ASSERT bora/vmkernel/main/pframe_int.h:527");
            if (c->frames.n == 8)
                T_EQ_STR("020 <unknown> frame ip", hexs(c->frames.v[7].has_ip, c->frames.v[7].ip),
                         "0xfffffffffc22633b");
        }
        if (strcmp(f, "027.txt") == 0 && res.ncrashes == 1 && res.crashes[0].frames.n == 19) {
            const struct psod_crash *c = &res.crashes[0];
            const struct psod_frame *l = &c->frames.v[18];
            T_CHECK("027 `[0x0] stack: 0x0`: ip 0", l->has_ip && l->ip == 0);
            T_EQ_STR("027 code start", hexs(c->has_code_start, c->code_start), "0x41801cc00000");
            T_EQ_STR("027 unnamed module `@#`", c->frames.v[4].module, "");
            T_EQ_STR("027 PTEs kept as a note", c->nnotes ? c->notes[0] : NULL,
                     "PTEs:0x8442d5027;0x383f35027;0x0;");
        }
        if (strcmp(f, "029.txt") == 0 && res.ncrashes == 1) {
            bool seen = false;
            for (size_t k = 0; k < res.crashes[0].nnotes; k++)
                seen |= strstr(res.crashes[0].notes[k], "Admission failure in path") != NULL;
            T_CHECK("029 the vmkernel.log line is a note", seen);
        }
        if (strcmp(f, "031.txt") == 0 && res.ncrashes == 1)
            T_EQ_STR("031 timestamp of its first line", res.crashes[0].timestamp,
                     "2016-10-15T02:44:04.401Z");
        if (strcmp(f, "050.txt") == 0 && res.ncrashes == 1) {
            T_EQ_STR("050 timestamp", res.crashes[0].timestamp, "2015-12-17T20:34:03.603Z");
            T_EQ_STR("050 message", res.crashes[0].message, "CrashMe");
        }
        if (strcmp(f, "008.txt") == 0 && res.ncrashes == 1)
            T_EQ_STR("008 product", res.crashes[0].product, "VMware ESX Server");
        if (strcmp(f, "011.txt") == 0 && res.ncrashes == 1)
            T_EQ_STR("011 product (masked version left out)", res.crashes[0].product,
                     "VMware ESXi");
        psod_result_release(&res);
        diags_release(&d);
        free(path);
    }
    check_provenance(dir);
    free(dir);
}

/* ---- texts written here ---- */

static struct psod_result
decode(const char *what, const char *text)
{
    struct psod_result res;
    struct diags d = DIAGS_INIT;
    psod_decode(text, strlen(text), what, &res, &d);
    T_EQ_INT(t_fmt("%s: no errors", what), diags_count(&d, DIAG_ERROR), 0);
    diags_release(&d);
    return res;
}

/* Modelled on kb §1.3 (KB 303440 screen, KB 2012404 frame `WorldNewInt+0xa3`). */
static const char esx40_gp[] =
    "VMware ESX [Releasebuild-164009 X86_64]\n"
    "#GP Exception(13) in world 4130:helper13-0 @ 0x41803399e303\n"
    "frame=0x4100c0117d78 ip=0x41803399e303 cr2=0x0 cr3=0xcff94000\n"
    "err=0 rflags=0x10246 cr4=0x16c\n"
    "rax=0x0 rbx=0x417ff492dbe0 rcx=0x417ff386cc80\n"
    "0:4096/console *1:4130/helper13- 2:4098/idle2 3:4099/idle3\n"
    "@BlueScreen: #GP Exception(13) in world 4130:h\n"
    "0x4100c7ff7d08:[0x41803399e303]WorldNewInt+0xa3 stack: 0x4100a30e4bf0\n"
    "0x4100c7ff7d88:[0x41803399e8a1]World_New+0x1d0 stack: 0x0\n";

/* Modelled on kb §1.3 (4.1, KB 328805): message without parens, uptime
 * prefix, module separated by ':' (`hid_free_buffers@esx:nover+0x20`,
 * `DLM_free@vmkernel:nover+0x10a`). */
static const char esx41_gp[] =
    "@BlueScreen: #GP Exception 13 in world 4376:usb @ 0x418029c15c43\n"
    "53:22:52:05.325 cpu35:4376)Code start: 0x418029c00000 VMK uptime: 53:22:52:05.325\n"
    "53:22:52:05.326 cpu35:4376)0x41221c5c7d48:[0x418029c15c43]hid_free_buffers@esx:nover+0x20 "
    "stack: 0x41221c5c7d78\n"
    "53:22:52:05.326 cpu35:4376)0x41221c5c7d78:[0x418029c1aa61]usb_disconnect@esx:nover+0x14e "
    "stack: 0x0\n"
    "53:22:52:05.327 cpu35:4376)0x41221c5c7e00:[0x418029b7d6a1]DLM_free@vmkernel:nover+0x10a "
    "stack: 0x0\n";

/* Modelled on kb §1.2 (ESX 3.x, KB 1004250 screen; #PF header of KB 303440). */
static const char esx3_pf[] = "VMware ESX Server [Releasebuild-123630]\n"
                              "#PF Exception type 14 in world 1024:console @ 0x67f0ae\n"
                              "frame=0x1f4fa34 ip=0x67f0ae cr2=0x8 cr3=0x34401000 cr4=0x6f0\n"
                              "es=0xc02a0068 ds=0x690068 fs=0x0 gs=0x0\n"
                              "*0:1024/console 1:1367/vmware-vm\n"
                              "0x3a37f70:[0x67f0ae]XMapForceFlush+0x64 stack: 0x0, 0x4d3a, 0x0\n"
                              "0x3a37ffc:[0x750902]CpuSched_StartWorld+0x109 stack: 0x0, 0x0, 0x0\n"
                              "VMK uptime: 7:05:43:45.014 TSC: 1751259712918392\n"
                              "Starting coredump to disk Dumping using slot 1 of 1\n";

/* Modelled on kb §1.4 (ESXi 5.1 log form, corpus/esxi/001; kb §3 #6 frames). */
static const char esx51_spin[] =
    "2015-08-17T14:19:25.710Z cpu2:1075473)@BlueScreen: Spin count exceeded (!) - possible "
    "deadlock\n"
    "2015-08-17T14:19:25.710Z cpu2:1075473)Code start: 0x418014a00000 VMK uptime: "
    "25:06:19:56.440\n"
    "2015-08-17T14:19:25.711Z cpu2:1075473)0x4122e445b4d8:[0x418014a7b71a]PanicvPanicInt@vmkernel"
    "#nover+0x61 stack: 0x3000000008\n"
    "2015-08-17T14:19:25.711Z cpu2:1075473)0x4122e445b5b8:[0x418014a7b95d]Panic_NoSave@vmkernel"
    "#nover+0x49 stack: 0x4122e445b618\n"
    "2015-08-17T14:19:25.712Z cpu2:1075473)0x4122e445b618:[0x418014a3c2e1]SP_WaitLock@vmkernel"
    "#nover+0x1fc stack: 0x0\n"
    "2015-08-17T14:19:25.712Z cpu2:1075473)0x4122e445b690:[0x418014c9a0f4]NetSchedFIFOInput@"
    "vmkernel#nover+0x8a stack: 0x1\n"
    "2015-08-17T14:19:25.713Z cpu2:1075473)0x4122e445b700:[0x4180150f13a6]TeamES_Output@#+0x16b "
    "stack: 0x0\n";

/* Modelled on kb §1.5 / KB 367534 (corpus/esxi/014): World: register lines,
 * the backtrace, the ANSI banner (real ESC bytes), the message, the
 * backtrace printed again. */
static const char esx70_ansi[] =
    "2020-10-07T13:07:07.242Z cpu36:1001599386)World: ResetToVMKOnPanic:3185: PRDA "
    "0x420049000000 ss 0x0 ds 0xf50 es 0xf50 fs 0x0 gs 0x0\n"
    "2020-10-07T13:07:07.242Z cpu36:1001599386)World: ResetToVMKOnPanic:3187: TR 0xf68 GDT "
    "0xfffffffffca01000 (0xffff) IDT 0xfffffffffc408000 (0xffff)\n"
    "2020-10-07T13:07:07.242Z cpu36:1001599386)World: ResetToVMKOnPanic:3188: CR0 0x8005003f CR3 "
    "0x19ae97000 CR4 0x142660\n"
    "2020-10-07T13:07:09.864Z cpu36:1001599386)Backtrace for current CPU #36, "
    "worldID=1001599386, fp=0x430874608c80\n"
    "2020-10-07T13:07:09.874Z cpu36:1001599386)0x4538da49aeb0:[0x420017c7c1d2]LibAIODoAsyncIO@"
    "vmkernel#nover+0x12a stack: 0x0, 0x0, 0x2710, 0x4308745d4be8, 0x4308745d4ba0\n"
    "2020-10-07T13:07:09.888Z cpu36:1001599386)0x4538da49af00:[0x420017d2494c]HelperQueueFunc@"
    "vmkernel#nover+0x875 stack: 0x0, 0x4308734c1f4c, 0x4308734c1ea8, 0xb72f4fd0e5c0\n"
    "2020-10-07T13:07:09.904Z cpu36:1001599386)0x4538da49afd0:[0x42001810f88c]"
    "CpuSched_StartWorld@vmkernel#nover+0xf9 stack: 0x0, 0x0, 0x0, 0x420017d0bb9c, 0x0\n"
    "2020-10-07T13:07:09.954Z cpu36:1001599386)\x1b[45m\x1b[33;1mVMware ESXi 7.0.1 "
    "[build-16850804 x86_64]\x1b[0m\n"
    "#PF Exception 14 in world 1001599386:fdsAIO IP 0x420017c7c1d2 addr 0xe8\n"
    "PTEs:0x0;\n"
    "2020-10-07T13:07:09.990Z cpu36:1001599386)Backtrace for current CPU #36, "
    "worldID=1001599386, fp=0x430874608c80\n"
    "2020-10-07T13:07:09.991Z cpu36:1001599386)0x4538da49aeb0:[0x420017c7c1d2]LibAIODoAsyncIO@"
    "vmkernel#nover+0x12a stack: 0x0, 0x0, 0x2710, 0x4308745d4be8, 0x4308745d4ba0\n"
    "2020-10-07T13:07:09.992Z cpu36:1001599386)0x4538da49af00:[0x420017d2494c]HelperQueueFunc@"
    "vmkernel#nover+0x875 stack: 0x0, 0x4308734c1f4c, 0x4308734c1ea8, 0xb72f4fd0e5c0\n";

/* The same 7.x banner as a KB page stores it: `^[[45m` as text, and the
 * backtrace before the banner with no register lines (kb §1.5). */
static const char esx70_caret[] =
    "2020-10-07T13:07:09.864Z cpu36:1001599386)Backtrace for current CPU #36, "
    "worldID=1001599386, fp=0x430874608c80\n"
    "2020-10-07T13:07:09.874Z cpu36:1001599386)0x4538da49aeb0:[0x420017c7c1d2]LibAIODoAsyncIO@"
    "vmkernel#nover+0x12a stack: 0x0, 0x0, 0x2710, 0x4308745d4be8, 0x4308745d4ba0\n"
    "2020-10-07T13:07:09.954Z cpu36:1001599386)^[[45m^[[33;1mVMware ESXi 7.0.1 "
    "[build-16850804 x86_64]^[[0m\n"
    "#PF Exception 14 in world 1001599386:fdsAIO IP 0x420017c7c1d2 addr 0xe8\n"
    "PTEs:0x0;\n";

/* Modelled on kb §1.5 (KB 380520 LogEFI lines, `Module(s) involved`, `*PCPU14:`). */
static const char esx80_logefi[] =
    "2024-07-01T10:20:30.888Z In(14) LogEFI: cpu14:2098398)VMware ESXi 8.0.3 "
    "[Releasebuild-24022510 x86_64]\n"
    "2024-07-01T10:20:30.953Z In(14) LogEFI[2098777]: #PF Exception 14 in world "
    "2098398:tq:tcpip4 IP 0x420021b84d25 addr 0x134\n"
    "2024-07-01T10:20:30.953Z In(14) LogEFI[2098777]: PTEs:0x806a8bf023;0x806a8fb023;"
    "0x806a8dc023;0x0;\n"
    "2024-07-01T10:20:30.953Z In(14) LogEFI[2098777]:\n"
    "2024-07-01T10:20:30.953Z In(14) LogEFI[2098777]: Module(s) involved in panic: [tcpip4 Built "
    "on: Jun 11 2024]\n"
    "2024-07-01T10:20:30.889Z In(14) LogEFI: cpu14:2098398)cr0=0x8001003d cr2=0x134 cr3=0x60d000 "
    "cr4=0x14216c\n"
    "2024-07-01T10:20:30.889Z In(14) LogEFI: cpu14:2098398)FMS=06/6a/6 uCode=0xd0003e7\n"
    "2024-07-01T10:20:30.889Z In(14) LogEFI: cpu14:2098398)frame=0x4539a429bde0 "
    "ip=0x420021b84d25 err=0x2 rflags=0x10206\n"
    "2024-07-01T10:20:30.953Z In(14) LogEFI[2098777]: *PCPU14:2098398/tq:tcpip4\n"
    "2024-07-01T10:20:30.953Z In(14) LogEFI[2098777]: PCPU  #: SVVSUVVUVVVUVVSVVVUVVVVVSVVVVSVV\n"
    "2024-07-01T10:20:30.954Z In(14) LogEFI: cpu14:2098398)Code start: 0x420020c00000 VMK "
    "uptime: 12:03:14:15.926\n"
    "2024-07-01T10:20:30.954Z In(14) LogEFI: cpu14:2098398)0x4539a429bde0:[0x420021b84d25]"
    "tcp_timer_keep@(tcpip4)#<None>+0x45 stack: 0x0\n"
    "2024-07-01T10:20:30.954Z In(14) LogEFI: cpu14:2098398)0x4539a429be60:[0x420020f1a0b4]"
    "HelperQueueFunc@vmkernel#nover+0x1d2 stack: 0x0\n";

/* Modelled on kb §1.5 and §2.1 (8.0 vmkernel.log `In(182) vmkernel: cpuN:W)`). */
static const char esx80_vmkernel[] =
    "2024-07-01T10:20:31.000Z In(182) vmkernel: cpu14:2098398)@BlueScreen: #PF Exception 14 in "
    "world 2098398:tq:tcpip4 IP 0x420021b84d25 addr 0x134\n"
    "2024-07-01T10:20:31.001Z In(182) vmkernel: cpu14:2098398)0x4539a429bde0:[0x420021b84d25]"
    "tcp_timer_keep@(tcpip4)#<None>+0x45 stack: 0x0\n";

/* Modelled on kb §1.5 (`[lpfc 900.14.4.390.20-36vmw.901.0.24957456 (External)]`) with
 * the masks of its KB 426284 copy (`YYYY-MM-DDTHH:MM:SS`, `####`, `0####`). */
static const char lpfc_masked[] =
    "YYYY-MM-DDTHH:MM:SS In(14) LogEFI[####]: #PF Exception 14 in world #####:lpfc_path_cl IP "
    "0#### addr 0####\n"
    "YYYY-MM-DDTHH:MM:SS In(14) LogEFI[####]: PTEs:0####;0####;0x0;\n"
    "YYYY-MM-DDTHH:MM:SS In(14) LogEFI[####]: Module(s) involved in panic: [lpfc "
    "900.14.4.390.20-36vmw.901.0.24957456 (External)]\n"
    "YYYY-MM-DDTHH:MM:SS In(14) LogEFI: cpu#:####)frame=0#### ip=0#### err=0x0 rflags=0####\n"
    "YYYY-MM-DDTHH:MM:SS In(14) LogEFI[#####]: *PCPU#:####/lpfc_path_claim-#-#\n"
    "YYYY-MM-DDTHH:MM:SS In(14) LogEFI: cpu#:####)Code start: 0#### VMK uptime: ##:##:##:##\n"
    "YYYY-MM-DDTHH:MM:SS In(14) LogEFI: cpu#:####)####:[0x####]lpfc_path_claim_handler@(lpfc)"
    "#<None>+0####stack: 0####\n"
    "YYYY-MM-DDTHH:MM:SS In(14) LogEFI: cpu#:####)####:[0x####]lpfc_pathclaim_event@(lpfc)"
    "#<None>+0#### stack: 0x####\n"
    "YYYY-MM-DDTHH:MM:SS In(14) LogEFI: cpu#:####)####:[0x####]vmkWorldFunc@vmkernel#nover+0#### "
    "stack: 0####\n";

/* Verbatim lines of kb §1.5 (KB 385615), completed from its §3 #12 frames. */
static const char heartbeat_nmi[] =
    "<YYYY-MM-DD>T<time>Z cpu78:2098897)Panic: 589: Panic from another CPU (cpu 78, world "
    "2098897): ip=0x420002796b20 randomOff=0x2400000:\n"
    "PCPU 118: no heartbeat (3/3 IPIs received)\n"
    "<YYYY-MM-DD>T<time>Z cpu78:2098897)Panic: 767: Saved backtrace: pcpu 118 Heartbeat NMI\n"
    "<YYYY-MM-DD>T<time>Z cpu78:2098897)pcpu 118 Heartbeat NMI: 0x453bb891bda8:[0x420002512369]"
    "Timer_GetCycles@vmkernel#nover+0x2 stack: 0x95d6ead3470ec8, 0x431c228173a8\n"
    "<YYYY-MM-DD>T<time>Z cpu78:2098897)pcpu 118 Heartbeat NMI: 0x453bb891bdb0:[0x42000250913c]"
    "SP_WaitReadLock@vmkernel#nover+0x9d stack: 0x431c228173a8\n"
    "<YYYY-MM-DD>T<time>Z cpu78:2098897)pcpu 118 Heartbeat NMI: 0x453bb891bdf0:[0x4200025091f6]"
    "SPAcqWriteLockWork@vmkernel#nover+0x33 stack: 0x41ffd480b760\n"
    "<YYYY-MM-DD>T<time>Z cpu78:2098897)pcpu 118 Heartbeat NMI: 0x453bb891be10:[0x420003b6e914]"
    "rw_wlock@(tcpip4)#<None>+0x8d stack: 0x45cbd479ed00\n"
    "<YYYY-MM-DD>T<time>Z cpu78:2098897)pcpu 118 Heartbeat NMI: 0x453bb891be20:[0x420003bca135]"
    "tcp_input@(tcpip4)#<None>+0x1f6 stack: 0x45dbdcfde900\n";

/* Modelled on kb §1.5 / §3 #9 (8.0 NMI IPI `PC .., SP ..`, `Backtrace for Saved/Locked
 * CPU - 0:`, `ilo_isr@(ilo)`, module form `(vmkusb)#<None>`); frames without a stack
 * column as KB 429117 shows them. The vmkusb interrupt runs on top of ilo_isr: the
 * culprit is below the interrupt entry. */
static const char nmi_ipi_pc[] =
    "@BlueScreen: NMI IPI: Panic requested by another PCPU. PC 0x420019a7c3b0, SP "
    "0x453a0f51be40 (Src 0x4, CPU0)\n"
    "Backtrace for Saved/Locked CPU - 0:\n"
    "0x453a0f51bcf0:[0x42001a9e0026]ehci_filter@(vmkusb)#<None>+0x26\n"
    "0x453a0f51bd10:[0x420019e4c5a1]IntrCookie_DoInterrupt@vmkernel#nover+0x5a1\n"
    "0x453a0f51bd80:[0x420019e4c038]IDT_IntrHandler@vmkernel#nover+0x97\n"
    "0x453a0f51bdc0:[0x420019e410a7]gate_entry@vmkernel#nover+0xa7\n"
    "0x453a0f51be40:[0x42001ab8c098]ilo_isr@(ilo)#<None>+0x98\n";

/* Modelled on kb §1.5 (7.x `RIPOFF(base):RBP:CS [0xc42ce(0x418002400000):...]`) with a
 * `Saved backtrace from:` header and log prefixes. */
static const char nmi_ipi_ripoff[] =
    "2021-10-20T03:11:41.679Z cpu0:2352732)@BlueScreen: NMI IPI: Panic requested by another "
    "PCPU. RIPOFF(base):RBP:CS [0xc42ce(0x418002400000):0x43190b62a500:0xfc8] (Src 0x4, CPU0)\n"
    "2021-10-20T03:11:41.689Z cpu0:2352732)Code start: 0x418002400000 VMK uptime: "
    "11:07:27:23.196\n"
    "2021-10-20T03:11:41.697Z cpu0:2352732)Saved backtrace from: pcpu 0 Heartbeat NMI\n"
    "2021-10-20T03:11:41.715Z cpu0:2352732)0x45394629b8b8:[0x4180024c42ce]HeapVSIAddChunkInfo@"
    "vmkernel#nover+0x1b0 stack: 0x420005bd611e\n"
    "2021-10-20T03:11:41.734Z cpu0:2352732)0x45394629b8c0:[0x418002503036]"
    "Heap_AlignWithTimeoutAndRA@vmkernel#nover+0x1eb stack: 0x431822b49000\n";

/* kb §1.5 `Panic Details` summary (findbugzero 67774), on one line as support tools print
 * it, and as separate lines; masked timestamp as quoted. */
static const char details_oneline[] =
    "Panic Details: Crash at YYYY-MM-DDTHH:MM:SS.825Z on CPU 0 running world 2102090. VMK "
    "Uptime:72:07:15:03.736 Panic Message: @BlueScreen: NMI IPI: Panic requested by another "
    "PCPU. RIPOFF(base):RBP:CS [0xc42ce(0x418002400000):0x43190b62a500:0xfc8] (Src 0x4, CPU0) "
    "Saved backtrace from: pcpu 0 SpinLock spin out NMI "
    "0x43190b62a4f8:[0x4180024c42ce]SP_WaitLock@vmkernel#nover+0x1a stack: 0x0 "
    "0x43190b62a580:[0x41800318a0c2]TransferDispatchExtent@(hbr_filter)#<None>+0x2e2 stack: 0x0\n";

static const char details_lines[] =
    "Panic Details: Crash at 2021-05-06T07:08:09.825Z on CPU 0 running world 2102090. VMK "
    "Uptime:72:07:15:03.736\n"
    "Panic Message: @BlueScreen: NMI IPI: Panic requested by another PCPU. "
    "RIPOFF(base):RBP:CS [0xc42ce(0x418002400000):0x43190b62a500:0xfc8] (Src 0x4, CPU0)\n"
    "Saved backtrace from: pcpu 0 SpinLock spin out NMI\n"
    "0x43190b62a4f8:[0x4180024c42ce]SP_WaitLock@vmkernel#nover+0x1a stack: 0x0\n"
    "0x43190b62a580:[0x41800318a0c2]TransferDispatchExtent@(hbr_filter)#<None>+0x2e2 stack: "
    "0x0\n";

/* kb §1.6 LINT1/NMI message (KB 1804) in a 5.x log. */
static const char lint1[] =
    "2014-02-03T04:05:06.789Z cpu0:32768)@BlueScreen: LINT1/NMI (motherboard nonmaskable "
    "interrupt), undiagnosed. This may be a hardware problem; please contact your hardware "
    "vendor.\n"
    "2014-02-03T04:05:06.790Z cpu0:32768)Code start: 0x418000000000 VMK uptime: 3:04:05:06.789\n"
    "2014-02-03T04:05:06.791Z cpu0:32768)0x41238b05bde0:[0x41800007a1c3]PanicvPanicInt@vmkernel"
    "#nover+0x37e stack: 0x41238b05be88\n"
    "2014-02-03T04:05:06.792Z cpu0:32768)0x41238b05be90:[0x4180000c3a0d]CpuSchedIdleLoopInt@"
    "vmkernel#nover+0x1e1 stack: 0x0\n";

/* kb §1.4/§1.6 vmklinux BUG (KB 2011474, corpus/esxi/030): the message alone on its line,
 * `World: 7105: PRDA`, `Backtrace for current CPU #44, worldID=8236, ebp=...`, frames
 * `netdev_tx@com.vmware.driverAPI` and `NetSchedSFQInput@<None>#<None>+0x21b` (§1.4). */
static const char vmklinux_bug[] =
    "BUG: failure at vmkdrivers/src_9/include/linux/if_vlan.h:425/vlan_put_tag()! (inside "
    "vmklinux)\n"
    "World: 7105: PRDA 0x41804b000000 ss 0x0 ds 0x4018 es 0x4018 fs 0x4018 gs 0x4018\n"
    "Backtrace for current CPU #44, worldID=8236, ebp=0x412300b07268\n"
    "0x412300b07268:[0x41800006b1a2]Panic_vPanic@vmkernel#nover+0x13 stack: 0x3000000010\n"
    "0x412300b07348:[0x4180000a0e82]vmk_PanicWithModuleID@vmkernel#nover+0x9d stack: 0x1006\n"
    "0x412300b07468:[0x4180004cbfb3]netdev_tx@com.vmware.driverAPI#9.2+0x846 stack: 0x1\n"
    "0x412300b074b8:[0x418000111fad]UplinkDevTransmit@vmkernel#nover+0xe4 stack: 0x0\n"
    "0x412300b075c8:[0x4180002f9a1b]NetSchedSFQInput@<None>#<None>+0x21b stack: 0x0\n";

/* kb §1.3: vmklinux NOT REACHED (elatov 2012-08-29), NOT_IMPLEMENTED (KB 1016239). */
static const char not_reached[] =
    "2012-08-29T10:11:12.131Z cpu4:4100)Failed at vmkdrivers/src_9/vmklinux_9/vmware/"
    "linux_scsi.c:2221 -- NOT REACHED\n";
static const char not_implemented[] =
    "@BlueScreen: NOT_IMPLEMENTED /build/mts/release/bora-84374/bora/vmkernel/main/util.c:83\n";

/* kb §1.5 MCE (KB 414451 message forms) under a `Panic Details` line and a `Backtrace for
 * Current CPU - 5:` header, as support summaries print them. */
static const char mce8[] =
    "Panic Details: Crash at 2026-03-30T23:16:22.045Z on CPU 5 running world 2097171. VMK "
    "Uptime:375:03:04:26.878\n"
    "PSOD Message: @BlueScreen: Machine Check Exception on PCPU5 in world 2097171:netCoalesce2\n"
    "System has encountered a Hardware Error - Please contact the hardware vendor\n"
    "Backtrace for Current CPU - 5:\n"
    "0x45398099ba78:[0x42002c090e24]Power_ArchPerformWait@vmkernel#nover+0xd4 stack: 0x0\n";

/* kb §1.3 gdb stack form `#N 0x... in func (...) at file:line` (KB 381540 style). */
static const char gdb_in[] =
    "@BlueScreen: #PF Exception 14 in world 2102584:res3HelperQu IP 0x4200135590e2 addr "
    "0x100000008\n"
    "#0  0x00004200135590e2 in DLM_free (msp=..., mem=...) at bora/vmkernel/main/dlmalloc.c:4470\n"
    "#1  0x0000420013558a10 in Heap_Free (heap=...) at bora/vmkernel/main/heap.c:2222\n";

/* Two crashes in one log and a driver WARN between them (kb §1.4 forms: CrashMe of
 * corpus/esxi/050, WARN of corpus/esxi/004, #PF of KB 370976). */
static const char two_crashes[] =
    "2015-12-17T20:34:03.603Z cpu3:47209)@BlueScreen: CrashMe\n"
    "2015-12-17T20:34:03.603Z cpu3:47209)Code start: 0x418021200000 VMK uptime: 0:01:14:16.524\n"
    "2015-12-17T20:34:03.603Z cpu3:47209)0x412461a5dc10:[0x41802128d249]PanicvPanicInt@vmkernel"
    "#nover+0x575 stack: 0x726f632000000008\n"
    "2017-09-30T17:26:50.881Z cpu1:65936)WARNING: at vmkdrivers/src_92/vmklinux_92/vmware/"
    "linux_net.c:3717/netdev_watchdog() (inside vmklinux)\n"
    "2017-09-30T17:26:50.881Z cpu1:65936)Backtrace for current CPU #1, worldID=65936, "
    "fp=0x430410ce87c0\n"
    "2017-09-30T17:26:50.881Z cpu1:65936)0x4390cc81be50:[0x418020d03f71]vmk_LogBacktraceMessage@"
    "vmkernel#nover+0x29 stack: 0x430410ce2ac8, 0x4180214838ad\n"
    "2017-09-30T17:26:50.881Z cpu1:65936)0x4390cc81be70:[0x4180214838ad]watchdog_work_cb@"
    "com.vmware.driverAPI#9.2+0x27d stack: 0x43900000101f\n"
    "2017-09-30T17:26:50.881Z cpu1:65936)<3>e1000e 0000:00:1f.6: vmnic0: Reset adapter "
    "unexpectedly\n"
    "2024-06-21T21:50:40.305Z cpu56:2097460)@BlueScreen: #PF Exception 14 in world "
    "2097460:HELPER_UPLIN IP 0x42002b65ad3b addr 0x8\n"
    "PTEs:0xc005426027;0xc004f12007;0x0;\n"
    "2024-06-21T21:50:40.320Z cpu56:2097460)Code start: 0x42002a800000 VMK uptime: "
    "455:21:42:08.477\n"
    "2024-06-21T21:50:40.346Z cpu56:2097460)0x453949a1be20:[0x42002b65ad3b]"
    "i40en_UplinkPrivStatsGet@(i40en)#<None>+0x45f stack: 0x4307b3a7e050\n"
    "2024-06-21T21:50:40.373Z cpu56:2097460)0x453949a1be80:[0x42002aa8da15]"
    "UplinkDeviceGetStatsAsyncCB@vmkernel#nover+0x2fe stack: 0x420000000001\n"
    "2024-06-21T21:50:40.484Z cpu56:2097460)base fs=0x0 gs=0x42004e000000 Kgs=0x0\n";

/* A driver WARN alone (kb §1.4, corpus/esxi/004 form): not a crash. */
static const char warn_only[] =
    "2017-09-30T17:26:50.881Z cpu1:65936)WARNING: at vmkdrivers/src_92/vmklinux_92/vmware/"
    "linux_net.c:3717/netdev_watchdog() (inside vmklinux)\n"
    "2017-09-30T17:26:50.881Z cpu1:65936)Backtrace for current CPU #1, worldID=65936, "
    "fp=0x430410ce87c0\n"
    "2017-09-30T17:26:50.881Z cpu1:65936)0x4390cc81be50:[0x418020d03f71]vmk_LogBacktraceMessage@"
    "vmkernel#nover+0x29 stack: 0x430410ce2ac8\n"
    "2017-09-30T17:26:50.881Z cpu1:65936)0x4390cc81be70:[0x4180214838ad]watchdog_work_cb@"
    "com.vmware.driverAPI#9.2+0x27d stack: 0x43900000101f\n";

/* kb §2.1 ESX 4.x syslog prefix `Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.069 cpu3:4300)`. */
static const char syslog4[] =
    "Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.069 cpu3:4300)@BlueScreen: #PF Exception(14) in "
    "world 1056477182:sh ip 0x41803645e7fc addr 0x417ff5d1e50c\n"
    "Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.070 cpu3:4300)LBR: from 0x41803645e825 to "
    "0x41803645e7e1\n"
    "Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.070 cpu3:4300)Code starts at 0x418036400000\n"
    "Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.071 cpu3:4300)0x4100c7ff7d08:[0x41803645e7fc]"
    "WorldNewInt+0xa3 stack: 0x4100a30e4bf0\n";

/* ESX 3.x `Oops` of the service console (kb §1.2) under a banner. */
static const char cos_oops[] = "VMware ESX Server [Releasebuild-64607]\n"
                               "Oops\n"
                               "0x1d8fd14:[0x65e1b7]Panic+0x17 stack: 0x0\n";

static void
test_synthetic(void)
{
    struct psod_result r;

    r = decode("esx40_gp", esx40_gp);
    if (T_EQ_INT("esx40_gp crashes", r.ncrashes, 1)) {
        struct wcrash w = {"",
                           0,
                           1,
                           PSOD_EXCEPTION,
                           13,
                           4130,
                           "helper13-0",
                           1,
                           "0x41803399e303",
                           NULL,
                           NULL,
                           "164009",
                           2,
                           {"WorldNewInt", NULL, NULL, 0xa3},
                           {"World_New", NULL, NULL, 0x1d0},
                           0,
                           -1,
                           NULL,
                           CULPRIT_VMKERNEL,
                           NULL,
                           "WorldNewInt"};
        check_crash("esx40_gp", &r.crashes[0], &w);
        T_EQ_STR("esx40_gp product", r.crashes[0].product, "VMware ESX");
        T_EQ_STR("esx40_gp keeps the long message", r.crashes[0].message,
                 "#GP Exception(13) in world 4130:helper13-0 @ 0x41803399e303");
        T_EQ_STR("esx40_gp type name", psod_type_name(r.crashes[0].type, r.crashes[0].exception),
                 "#GP");
    }
    T_EQ_STR("esx40_gp result build", r.build, "164009");
    psod_result_release(&r);

    r = decode("esx41_gp", esx41_gp);
    if (T_EQ_INT("esx41_gp crashes", r.ncrashes, 1)) {
        struct wcrash w = {"",
                           0,
                           1,
                           PSOD_EXCEPTION,
                           13,
                           4376,
                           "usb",
                           35,
                           "0x418029c15c43",
                           NULL,
                           "53:22:52:05.325",
                           NULL,
                           3,
                           {"hid_free_buffers", "esx", "nover", 0x20},
                           {"DLM_free", "vmkernel", "nover", 0x10a},
                           0,
                           -1,
                           NULL,
                           CULPRIT_VMKERNEL, /* esx: VMware's module (data/esxi_modules.tsv) */
                           "esx",
                           "hid_free_buffers"};
        check_crash("esx41_gp", &r.crashes[0], &w);
        T_EQ_STR("esx41_gp code start", hexs(r.crashes[0].has_code_start, r.crashes[0].code_start),
                 "0x418029c00000");
        T_CHECK("esx41_gp no timestamp from an uptime prefix", r.crashes[0].timestamp == NULL);
    }
    psod_result_release(&r);

    r = decode("esx3_pf", esx3_pf);
    if (T_EQ_INT("esx3_pf crashes", r.ncrashes, 1)) {
        /* the fault address comes from cr2= when the header has none */
        struct wcrash w = {"",
                           0,
                           1,
                           PSOD_EXCEPTION,
                           14,
                           1024,
                           "console",
                           0,
                           "0x67f0ae",
                           "0x8",
                           "7:05:43:45.014",
                           "123630",
                           2,
                           {"XMapForceFlush", NULL, NULL, 0x64},
                           {"CpuSched_StartWorld", NULL, NULL, 0x109},
                           0,
                           -1,
                           NULL,
                           CULPRIT_VMKERNEL,
                           NULL,
                           "XMapForceFlush"};
        check_crash("esx3_pf", &r.crashes[0], &w);
        T_EQ_INT("esx3_pf ends at the coredump line", r.crashes[0].last_line, 9);
    }
    psod_result_release(&r);

    r = decode("esx51_spin", esx51_spin);
    if (T_EQ_INT("esx51_spin crashes", r.ncrashes, 1)) {
        struct wcrash w = {"",
                           0,
                           1,
                           PSOD_SPIN_DEADLOCK,
                           -1,
                           1075473,
                           NULL,
                           2,
                           NULL,
                           NULL,
                           "25:06:19:56.440",
                           NULL,
                           5,
                           {"PanicvPanicInt", "vmkernel", "nover", 0x61},
                           {"TeamES_Output", "", NULL, 0x16b},
                           0,
                           -1,
                           NULL,
                           CULPRIT_VMKERNEL,
                           "vmkernel",
                           "NetSchedFIFOInput"};
        check_crash("esx51_spin", &r.crashes[0], &w);
        T_EQ_STR("esx51_spin timestamp", r.crashes[0].timestamp, "2015-08-17T14:19:25.710Z");
        T_EQ_STR("esx51_spin message", r.crashes[0].message,
                 "Spin count exceeded (!) - possible deadlock");
    }
    psod_result_release(&r);

    const char *const ansi_names[] = {"esx70_ansi", "esx70_caret"};
    const char *const ansi_texts[] = {esx70_ansi, esx70_caret};
    for (int k = 0; k < 2; k++) {
        const char *nm = ansi_names[k];
        r = decode(nm, ansi_texts[k]);
        T_EQ_INT(t_fmt("%s backtraces", nm), r.nbacktraces, 0);
        if (T_EQ_INT(t_fmt("%s crashes", nm), r.ncrashes, 1)) {
            /* the second copy of the backtrace is not appended */
            struct wcrash w = {"",
                               0,
                               1,
                               PSOD_EXCEPTION,
                               14,
                               1001599386,
                               "fdsAIO",
                               36,
                               "0x420017c7c1d2",
                               "0xe8",
                               NULL,
                               "16850804",
                               k == 0 ? 3 : 1,
                               {"LibAIODoAsyncIO", "vmkernel", "nover", 0x12a},
                               {k == 0 ? "CpuSched_StartWorld" : "LibAIODoAsyncIO", "vmkernel",
                                "nover", k == 0 ? 0xf9 : 0x12a},
                               0,
                               -1,
                               NULL,
                               CULPRIT_VMKERNEL,
                               "vmkernel",
                               "LibAIODoAsyncIO"};
            check_crash(nm, &r.crashes[0], &w);
            T_EQ_STR(t_fmt("%s product", nm), r.crashes[0].product, "VMware ESXi 7.0.1");
            T_EQ_STR(t_fmt("%s timestamp", nm), r.crashes[0].timestamp,
                     k == 0 ? "2020-10-07T13:07:07.242Z" : "2020-10-07T13:07:09.864Z");
        }
        psod_result_release(&r);
    }

    r = decode("esx80_logefi", esx80_logefi);
    if (T_EQ_INT("esx80_logefi crashes", r.ncrashes, 1)) {
        struct wcrash w = {"",
                           0,
                           1,
                           PSOD_EXCEPTION,
                           14,
                           2098398,
                           "tq:tcpip4",
                           14,
                           "0x420021b84d25",
                           "0x134",
                           "12:03:14:15.926",
                           "24022510",
                           2,
                           {"tcp_timer_keep", "tcpip4", NULL, 0x45},
                           {"HelperQueueFunc", "vmkernel", "nover", 0x1d2},
                           0,
                           -1,
                           "tcpip4",
                           CULPRIT_VMKERNEL, /* tcpip4: VMware's stack (data/esxi_modules.tsv) */
                           "tcpip4",
                           "tcp_timer_keep"};
        check_crash("esx80_logefi", &r.crashes[0], &w);
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_STR("esx80_logefi module detail",
                 c->nmodules_involved ? c->modules_involved_detail[0] : NULL,
                 "tcpip4 Built on: Jun 11 2024");
        T_EQ_STR("esx80_logefi culprit why", c->culprit_why,
                 "Module(s) involved in panic: a VMware module");
        T_EQ_STR("esx80_logefi product", c->product, "VMware ESXi 8.0.3");
    }
    psod_result_release(&r);

    r = decode("esx80_vmkernel", esx80_vmkernel);
    if (T_EQ_INT("esx80_vmkernel crashes", r.ncrashes, 1)) {
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_INT("esx80_vmkernel cpu", c->cpu, 14);
        T_EQ_STR("esx80_vmkernel world", c->world_name, "tq:tcpip4");
        T_EQ_STR("esx80_vmkernel timestamp", c->timestamp, "2024-07-01T10:20:31.000Z");
        T_EQ_STR("esx80_vmkernel culprit", c->culprit_module, "tcpip4");
    }
    psod_result_release(&r);

    r = decode("lpfc_masked", lpfc_masked);
    if (T_EQ_INT("lpfc_masked crashes", r.ncrashes, 1)) {
        struct wcrash w = {"",
                           0,
                           1,
                           PSOD_EXCEPTION,
                           14,
                           -1,
                           "lpfc_path_cl",
                           -1,
                           NULL,
                           NULL,
                           NULL,
                           NULL,
                           3,
                           {"lpfc_path_claim_handler", "lpfc", NULL, NOFF},
                           {"vmkWorldFunc", "vmkernel", "nover", NOFF},
                           0,
                           -1,
                           "lpfc",
                           CULPRIT_DRIVER,
                           "lpfc",
                           "lpfc_path_claim_handler"};
        check_crash("lpfc_masked", &r.crashes[0], &w);
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_STR("lpfc_masked module detail",
                 c->nmodules_involved ? c->modules_involved_detail[0] : NULL,
                 "lpfc 900.14.4.390.20-36vmw.901.0.24957456 (External)");
        T_CHECK("lpfc_masked masked timestamp absent", c->timestamp == NULL);
        if (c->frames.n > 0)
            T_CHECK("lpfc_masked masked frame/ip absent",
                    !c->frames.v[0].has_frame && !c->frames.v[0].has_ip);
    }
    psod_result_release(&r);

    r = decode("heartbeat_nmi", heartbeat_nmi);
    if (T_EQ_INT("heartbeat_nmi crashes", r.ncrashes, 1)) {
        struct wcrash w = {"",        0,    1,    PSOD_HEARTBEAT,        -1,
                           2098897,   NULL, 78,   "0x420002796b20",      NULL,
                           NULL,      NULL, 0,    {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
                           5,         118,  NULL, CULPRIT_VMKERNEL,      "tcpip4",
                           "rw_wlock"};
        check_crash("heartbeat_nmi", &r.crashes[0], &w);
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_STR("heartbeat_nmi saved reason", c->saved_reason, "Heartbeat NMI");
        T_EQ_STR("heartbeat_nmi message", c->message,
                 "Panic from another CPU (cpu 78, world 2098897): ip=0x420002796b20 "
                 "randomOff=0x2400000:");
        bool note = false;
        for (size_t k = 0; k < c->nnotes; k++)
            note |= strcmp(c->notes[k], "PCPU 118: no heartbeat (3/3 IPIs received)") == 0;
        T_CHECK("heartbeat_nmi keeps `no heartbeat` as a note", note);
        if (c->saved.n == 5) {
            struct wframe w0 = {"Timer_GetCycles", "vmkernel", "nover", 0x2};
            check_frame("heartbeat_nmi saved frame 0", &c->saved.v[0], &w0);
        }
    }
    psod_result_release(&r);

    r = decode("nmi_ipi_pc", nmi_ipi_pc);
    if (T_EQ_INT("nmi_ipi_pc crashes", r.ncrashes, 1)) {
        struct wcrash w = {"",       0,    1,    PSOD_NMI_IPI,          -1,
                           -1,       NULL, -1,   "0x420019a7c3b0",      NULL,
                           NULL,     NULL, 0,    {NULL, NULL, NULL, 0}, {NULL, NULL, NULL, 0},
                           5,        0,    NULL, CULPRIT_DRIVER,        "ilo",
                           "ilo_isr"};
        check_crash("nmi_ipi_pc", &r.crashes[0], &w);
        T_EQ_STR("nmi_ipi_pc type name", psod_type_name(r.crashes[0].type, -1), "NMI");
    }
    psod_result_release(&r);

    r = decode("nmi_ipi_ripoff", nmi_ipi_ripoff);
    if (T_EQ_INT("nmi_ipi_ripoff crashes", r.ncrashes, 1)) {
        /* ip = base + offset of RIPOFF(base) */
        struct wcrash w = {"",
                           0,
                           1,
                           PSOD_NMI_IPI,
                           -1,
                           2352732,
                           NULL,
                           0,
                           "0x4180024c42ce",
                           NULL,
                           "11:07:27:23.196",
                           NULL,
                           0,
                           {NULL, NULL, NULL, 0},
                           {NULL, NULL, NULL, 0},
                           2,
                           0,
                           NULL,
                           CULPRIT_VMKERNEL,
                           "vmkernel",
                           "HeapVSIAddChunkInfo"};
        check_crash("nmi_ipi_ripoff", &r.crashes[0], &w);
        T_EQ_STR("nmi_ipi_ripoff code start",
                 hexs(r.crashes[0].has_code_start, r.crashes[0].code_start), "0x418002400000");
        T_EQ_STR("nmi_ipi_ripoff saved reason", r.crashes[0].saved_reason, "Heartbeat NMI");
    }
    psod_result_release(&r);

    const char *const det_names[] = {"details_oneline", "details_lines"};
    const char *const det_texts[] = {details_oneline, details_lines};
    for (int k = 0; k < 2; k++) {
        const char *nm = det_names[k];
        r = decode(nm, det_texts[k]);
        if (T_EQ_INT(t_fmt("%s crashes", nm), r.ncrashes, 1)) {
            struct wcrash w = {"",
                               0,
                               1,
                               PSOD_NMI_IPI,
                               -1,
                               2102090,
                               NULL,
                               0,
                               "0x4180024c42ce",
                               NULL,
                               "72:07:15:03.736",
                               NULL,
                               0,
                               {NULL, NULL, NULL, 0},
                               {NULL, NULL, NULL, 0},
                               2,
                               0,
                               NULL,
                               CULPRIT_VMKERNEL, /* vSphere Replication: VMware's */
                               "hbr_filter",
                               "TransferDispatchExtent"};
            check_crash(nm, &r.crashes[0], &w);
            T_EQ_STR(t_fmt("%s saved reason", nm), r.crashes[0].saved_reason,
                     "SpinLock spin out NMI");
            T_EQ_STR(t_fmt("%s timestamp (masked in one)", nm), r.crashes[0].timestamp,
                     k == 0 ? NULL : "2021-05-06T07:08:09.825Z");
        }
        psod_result_release(&r);
    }

    r = decode("lint1", lint1);
    if (T_EQ_INT("lint1 crashes", r.ncrashes, 1)) {
        T_EQ_INT("lint1 type", r.crashes[0].type, PSOD_LINT1_NMI);
        T_EQ_INT("lint1 culprit", r.crashes[0].culprit_kind, CULPRIT_HARDWARE);
        T_EQ_INT("lint1 frames", r.crashes[0].frames.n, 2);
        T_EQ_STR("lint1 type name", psod_type_name(PSOD_LINT1_NMI, -1), "LINT1");
    }
    psod_result_release(&r);

    r = decode("vmklinux_bug", vmklinux_bug);
    if (T_EQ_INT("vmklinux_bug crashes", r.ncrashes, 1)) {
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_INT("vmklinux_bug type", c->type, PSOD_VMKLINUX_BUG);
        T_EQ_STR("vmklinux_bug type name", psod_type_name(c->type, c->exception), "BUG");
        T_EQ_INT("vmklinux_bug cpu", c->cpu, 44);
        T_EQ_INT("vmklinux_bug world", c->world_id, 8236);
        T_EQ_INT("vmklinux_bug frames", c->frames.n, 5);
        if (c->frames.n == 5) {
            struct wframe w2 = {"netdev_tx", "com.vmware.driverAPI", "9.2", 0x846};
            struct wframe w4 = {"NetSchedSFQInput", NULL, NULL, 0x21b};
            check_frame("vmklinux_bug shim frame", &c->frames.v[2], &w2);
            check_frame("vmklinux_bug <None> frame", &c->frames.v[4], &w4);
        }
        /* no driver frame next to the shim (its caller is the vmkernel's uplink code):
         * the first frame past the plumbing, the shim's netdev_tx */
        T_EQ_INT("vmklinux_bug culprit kind", c->culprit_kind, CULPRIT_VMKERNEL);
        T_EQ_STR("vmklinux_bug culprit function", c->culprit_function, "netdev_tx");
        T_EQ_STR("vmklinux_bug culprit module", c->culprit_module, "com.vmware.driverAPI");
    }
    psod_result_release(&r);

    r = decode("not_reached", not_reached);
    if (T_EQ_INT("not_reached crashes", r.ncrashes, 1)) {
        T_EQ_INT("not_reached type", r.crashes[0].type, PSOD_VMKLINUX_BUG);
        T_EQ_INT("not_reached cpu", r.crashes[0].cpu, 4);
        T_EQ_INT("not_reached world", r.crashes[0].world_id, 4100);
    }
    psod_result_release(&r);

    r = decode("not_implemented", not_implemented);
    if (T_EQ_INT("not_implemented crashes", r.ncrashes, 1)) {
        T_EQ_INT("not_implemented type", r.crashes[0].type, PSOD_NOT_IMPLEMENTED);
        T_EQ_STR("not_implemented message", r.crashes[0].message,
                 "NOT_IMPLEMENTED /build/mts/release/bora-84374/bora/vmkernel/main/util.c:83");
        T_EQ_INT("not_implemented culprit", r.crashes[0].culprit_kind, CULPRIT_NONE);
    }
    psod_result_release(&r);

    r = decode("mce8", mce8);
    if (T_EQ_INT("mce8 crashes", r.ncrashes, 1)) {
        struct wcrash w = {"",
                           0,
                           1,
                           PSOD_MCE,
                           -1,
                           2097171,
                           "netCoalesce2",
                           5,
                           NULL,
                           NULL,
                           "375:03:04:26.878",
                           NULL,
                           1,
                           {"Power_ArchPerformWait", "vmkernel", "nover", 0xd4},
                           {"Power_ArchPerformWait", "vmkernel", "nover", 0xd4},
                           0,
                           -1,
                           NULL,
                           CULPRIT_HARDWARE,
                           NULL,
                           NULL};
        check_crash("mce8", &r.crashes[0], &w);
    }
    psod_result_release(&r);

    r = decode("gdb_in", gdb_in);
    if (T_EQ_INT("gdb_in crashes", r.ncrashes, 1) && r.crashes[0].frames.n == 2) {
        const struct psod_frame *f = &r.crashes[0].frames.v[0];
        T_EQ_STR("gdb_in function", f->function, "DLM_free");
        T_EQ_STR("gdb_in ip", hexs(f->has_ip, f->ip), "0x4200135590e2");
        T_EQ_STR("gdb_in second", r.crashes[0].frames.v[1].function, "Heap_Free");
    } else {
        T_CHECK("gdb_in two frames", false);
    }
    psod_result_release(&r);

    r = decode("two_crashes", two_crashes);
    T_EQ_INT("two_crashes non-fatal backtraces", r.nbacktraces, 1);
    if (T_EQ_INT("two_crashes crashes", r.ncrashes, 2)) {
        T_EQ_INT("two_crashes 1st line", r.crashes[0].line, 1);
        T_EQ_INT("two_crashes 1st last line", r.crashes[0].last_line, 3);
        T_EQ_INT("two_crashes 1st type", r.crashes[0].type, PSOD_MANUAL);
        T_EQ_INT("two_crashes 1st frames", r.crashes[0].frames.n, 1);
        T_EQ_INT("two_crashes 2nd line", r.crashes[1].line, 9);
        T_EQ_INT("two_crashes 2nd frames", r.crashes[1].frames.n, 2);
        T_EQ_STR("two_crashes 2nd culprit", r.crashes[1].culprit_module, "i40en");
        T_EQ_STR("two_crashes 2nd world", r.crashes[1].world_name, "HELPER_UPLIN");
    }
    if (r.nbacktraces == 1) {
        T_EQ_INT("two_crashes backtrace line", r.backtraces[0].line, 4);
        T_EQ_INT("two_crashes backtrace frames", r.backtraces[0].frames.n, 2);
    }
    psod_result_release(&r);

    r = decode("warn_only", warn_only);
    T_EQ_INT("warn_only crashes", r.ncrashes, 0);
    if (T_EQ_INT("warn_only backtraces", r.nbacktraces, 1)) {
        T_EQ_INT("warn_only frames", r.backtraces[0].frames.n, 2);
        T_CHECK("warn_only header is the WARNING",
                r.backtraces[0].header && strncmp(r.backtraces[0].header, "WARNING: at ", 12) == 0);
    }
    psod_result_release(&r);

    r = decode("syslog4", syslog4);
    if (T_EQ_INT("syslog4 crashes", r.ncrashes, 1)) {
        struct wcrash w = {"",
                           0,
                           1,
                           PSOD_EXCEPTION,
                           14,
                           1056477182,
                           "sh",
                           3,
                           "0x41803645e7fc",
                           "0x417ff5d1e50c",
                           NULL,
                           NULL,
                           1,
                           {"WorldNewInt", NULL, NULL, 0xa3},
                           {"WorldNewInt", NULL, NULL, 0xa3},
                           0,
                           -1,
                           NULL,
                           CULPRIT_VMKERNEL,
                           NULL,
                           "WorldNewInt"};
        check_crash("syslog4", &r.crashes[0], &w);
        T_EQ_STR("syslog4 timestamp", r.crashes[0].timestamp, "Mar 9 23:53:24");
        T_EQ_STR("syslog4 code start", hexs(r.crashes[0].has_code_start, r.crashes[0].code_start),
                 "0x418036400000");
    }
    psod_result_release(&r);

    r = decode("cos_oops", cos_oops);
    if (T_EQ_INT("cos_oops crashes", r.ncrashes, 1)) {
        T_EQ_INT("cos_oops type", r.crashes[0].type, PSOD_OOPS);
        T_EQ_STR("cos_oops build", r.crashes[0].build, "64607");
        T_EQ_INT("cos_oops culprit", r.crashes[0].culprit_kind, CULPRIT_NONE);
    }
    psod_result_release(&r);
}

/* ---- frames, prefixes, names ---- */

static void
frame_row(const char *text, bool is_frame, const struct wframe *w, const char *ip)
{
    struct psod_frame f;
    struct psod_tag tag;
    bool ok = psod_parse_frame(text, strlen(text), &f, &tag);
    if (!T_EQ_INT(t_fmt("frame? %.60s", text), ok, is_frame) || !ok)
        return;
    check_frame(t_fmt("frame %.50s", text), &f, w);
    T_EQ_STR(t_fmt("frame %.50s ip", text), hexs(f.has_ip, f.ip), ip);
    psod_frame_release(&f);
}

static void
test_frames(void)
{
    /* kb §1.4 frame grammar and module forms, one row each */
    struct wframe w;
    w = (struct wframe){"E1000PollRxRing", "vmkernel", "nover", 0xdb9};
    frame_row("0x41229eb9b590:[0x41801cd9c266]E1000PollRxRing@vmkernel#nover+0xdb9 stack: "
              "0x410015264580",
              true, &w, "0x41801cd9c266");
    w = (struct wframe){"TeamES_Output", "", NULL, 0x16b};
    frame_row("0x1:[0x2]TeamES_Output@#+0x16b stack: 0x0", true, &w, "0x2");
    w = (struct wframe){"NetSchedSFQInput", NULL, NULL, 0x21b};
    frame_row("0x1:[0x2]NetSchedSFQInput@<None>#<None>+0x21b", true, &w, "0x2");
    w = (struct wframe){"i40en_UplinkPrivStatsGet", "i40en", NULL, 0x45f};
    frame_row("0x1:[0x2]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x45f stack: 0x0", true, &w, "0x2");
    w = (struct wframe){"hid_free_buffers", "esx", "nover", 0x20};
    frame_row("0x1:[0x2]hid_free_buffers@esx:nover+0x20 stack: 0x0", true, &w, "0x2");
    w = (struct wframe){"Panic", NULL, NULL, 0x17};
    frame_row("0x3a37ef4:[0x625e94]Panic+0x17 stack: 0x833ab4, 0x3a37f10, 0x3a37f48", true, &w,
              "0x625e94");
    w = (struct wframe){NULL, NULL, NULL, NOFF};
    frame_row("0xfffffffffc0863d8:[0xfffffffffc22633b]<unknown> stack: 0x0", true, &w,
              "0xfffffffffc22633b");
    frame_row("0x41229eb9bff8:[0x0] stack: 0x0", true, &w, "0x0");
    w = (struct wframe){"PFrame_IsBackedByLPage", "vmkernel", "nover", 0x0};
    frame_row("[0x42001ab7c298]PFrame_IsBackedByLPage@vmkernel#nover+0x0", true, &w,
              "0x42001ab7c298");
    w = (struct wframe){"Panic_Exception", "vmkernel", "nover", 0x258};
    frame_row("0xnnnnnnnn :[ 0xnnnnnnnn ]Panic_Exception@vmkernel#nover+0x258", true, &w, NULL);
    w = (struct wframe){"PCIEDPC_EDRHandler", "vmkernel", "nover", 0x2cd};
    frame_row("0xADDRESS6:[0xADDRESS7]PCIEDPC_EDRHandler@vmkernel#nover+0x2cd stack: 0x0", true, &w,
              NULL);
    w = (struct wframe){"lpfc_path_claim_handler", "lpfc", NULL, NOFF};
    frame_row("####:[0x####]lpfc_path_claim_handler@(lpfc)#<None>+0####stack: 0####", true, &w,
              NULL);
    w = (struct wframe){NULL, NULL, "1.0.0", 0x9c};
    frame_row("0x453b1761bb90:[0x4200063d868f][email protected]#1.0.0+0x9c stack: 0x0", true, &w,
              "0x4200063d868f");
    w = (struct wframe){NULL, NULL, "1", 0xf};
    frame_row("0x################:[0x################]####@example.com#1+0xf", true, &w, NULL);
    w = (struct wframe){"ehci_filter", "vmkusb", NULL, 0x26};
    frame_row("0x################:[0x################]ehci_filter@(vmkusb)#<None>+0x26", true, &w,
              NULL);
    /* not frames */
    frame_row("PTEs:0x8442d5027;0x383f35027;0x0;", false, NULL, NULL);
    frame_row("Uplink: 9893: enabled port 0x2000002 [0x3] up", false, NULL, NULL);
    frame_row("[0x3] link state", false, NULL, NULL);
    frame_row("#PF Exception 14 in world 1:x IP 0x1 addr 0x2", false, NULL, NULL);
    frame_row("0x1234 is not a frame", false, NULL, NULL);

    /* saved-backtrace tag in front of a frame (kb §1.5) */
    const char *tagged = "pcpu 118 Heartbeat NMI: 0x453bb891be10:[0x420003b6e914]rw_wlock@"
                         "(tcpip4)#<None>+0x8d stack: 0x45cbd479ed00";
    struct psod_frame f;
    struct psod_tag tag;
    if (T_CHECK("tagged frame", psod_parse_frame(tagged, strlen(tagged), &f, &tag))) {
        T_CHECK("tagged frame tag", tag.present);
        T_EQ_INT("tagged frame pcpu", tag.pcpu, 118);
        T_EQ_STR("tagged frame reason", t_fmt("%.*s", (int)tag.reason_len, tag.reason),
                 "Heartbeat NMI");
        T_EQ_STR("tagged frame module", f.module, "tcpip4");
        psod_frame_release(&f);
    }
    /* gdb forms (KB 381540 as corpus/esxi/016 shows, and `#N 0x.. in f (...) at`) */
    const char *g1 = "#0  DLM_free (msp=..., mem=..., allowTrim=...)";
    if (T_CHECK("gdb frame", psod_parse_gdb_frame(g1, strlen(g1), &f))) {
        T_EQ_STR("gdb frame function", f.function, "DLM_free");
        T_CHECK("gdb frame no ip", !f.has_ip);
        psod_frame_release(&f);
    }
    const char *g2 = "#12 0x0000418000001000 in Heap_Free (heap=...) at heap.c:12";
    if (T_CHECK("gdb frame with ip", psod_parse_gdb_frame(g2, strlen(g2), &f))) {
        T_EQ_STR("gdb frame with ip function", f.function, "Heap_Free");
        T_EQ_STR("gdb frame ip", hexs(f.has_ip, f.ip), "0x418000001000");
        psod_frame_release(&f);
    }
    T_CHECK("gdb: #PF is not a frame", !psod_parse_gdb_frame("#PF Exception", 13, &f));
    T_CHECK("gdb: `#1 - x` is not a frame", !psod_parse_gdb_frame("#1 - x", 6, &f));
}

static void
prefix_row(const char *line, const char *body, int cpu, long long world, const char *ts)
{
    struct psod_prefix p;
    size_t b = psod_strip_prefix(line, strlen(line), &p);
    T_EQ_STR(t_fmt("prefix body of %.50s", line), line + b, body);
    T_EQ_INT(t_fmt("prefix cpu of %.50s", line), p.cpu, cpu);
    T_EQ_INT(t_fmt("prefix world of %.50s", line), p.world, world);
    T_EQ_STR(t_fmt("prefix timestamp of %.50s", line),
             p.ts ? t_fmt("%.*s", (int)p.tslen, p.ts) : NULL, ts);
}

static void
test_prefixes(void)
{
    /* the log prefixes of kb §1 and §2.1 */
    prefix_row("2015-08-17T14:19:25.710Z cpu2:1075473)@BlueScreen: Spin", "@BlueScreen: Spin", 2,
               1075473, "2015-08-17T14:19:25.710Z");
    prefix_row("2020-10-07T13:07:07.014Z cpu10:1001393546 opID=51ed2475)J6: x", "J6: x", 10,
               1001393546, "2020-10-07T13:07:07.014Z");
    prefix_row("0:01:39:57.770 cpu1:4553)0x4100c0e4fd08:[0x41800be82f8a]Panic+0xa9",
               "0x4100c0e4fd08:[0x41800be82f8a]Panic+0xa9", 1, 4553, NULL);
    prefix_row("Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.069 cpu3:4300)ScsiDeviceIO: x",
               "ScsiDeviceIO: x", 3, 4300, "Mar 9 23:53:24");
    prefix_row("YYYY-MM-DDTHH:MM:SS.953Z In(14) LogEFI[2098777]: #PF Exception 14",
               "#PF Exception 14", -1, -1, NULL);
    prefix_row("2024-01-02T03:04:05.888Z In(14) LogEFI: cpu14:2098398)cr0=0x8001003d",
               "cr0=0x8001003d", 14, 2098398, "2024-01-02T03:04:05.888Z");
    prefix_row("    In(182) vmkernel: cpu85:19435559)Admission failure", "Admission failure", 85,
               19435559, NULL);
    prefix_row("2023-08-08T14:13:55Z In(182) vmkernel: VMB: 65: Reserved", "VMB: 65: Reserved", -1,
               -1, "2023-08-08T14:13:55Z");
    prefix_row("cpu##:########)@BlueScreen: #PF", "@BlueScreen: #PF", -1, -1, NULL);
    prefix_row("<YYYY-MM-DD>T<time>Z cpu78:2098897)Panic: 589: x", "Panic: 589: x", 78, 2098897,
               NULL);
    prefix_row("- **:**:**:**.*** cpu*:****)MC:PCPU**** B:4", "MC:PCPU**** B:4", -1, -1, NULL);
    prefix_row("  \xe2\x80\xa2 PSOD with the message: x", "PSOD with the message: x", -1, -1, NULL);
    prefix_row("\t0x412200cc7cb0:[0x418017c9ae9c]Util_Udelay@vmkernel#nover+0x2f",
               "0x412200cc7cb0:[0x418017c9ae9c]Util_Udelay@vmkernel#nover+0x2f", -1, -1, NULL);

    /* cleaning: ANSI (ESC and literal ^[), the blog's '@', NUL bytes */
    struct buf b = BUF_INIT;
    const char raw[] = "\x1b[45m\x1b[33;1mVMware ESXi 7.0.1 [build-1 x86_64]\x1b[0m";
    psod_clean(&b, raw, sizeof(raw) - 1, 1024);
    T_EQ_STR("clean ESC", buf_str(&b), "VMware ESXi 7.0.1 [build-1 x86_64]");
    const char caret[] = "^[[45m^[[33;1mVMware ESXi^[[0m x^y";
    psod_clean(&b, caret, sizeof(caret) - 1, 1024);
    T_EQ_STR("clean ^[", buf_str(&b), "VMware ESXi x^y");
    const char blog[] = "Util_Udelay'@'vmkernel#nover it's";
    psod_clean(&b, blog, sizeof(blog) - 1, 1024);
    T_EQ_STR("clean '@'", buf_str(&b), "Util_Udelay@vmkernel#nover it's");
    const char nul[] = "a\0b";
    psod_clean(&b, nul, 3, 1024);
    T_EQ_STR("clean NUL", buf_str(&b), "a b");
    buf_release(&b);
}

static void
test_names(void)
{
    static const struct {
        int vec;
        const char *name;
    } vec[] = {{0, "#DE"},  {1, "#DB"},       {2, "NMI"},        {3, "#BP"},       {6, "#UD"},
               {7, "#NM"},  {8, "#DF"},       {10, "#TS"},       {11, "#NP"},      {12, "#SS"},
               {13, "#GP"}, {14, "#PF"},      {16, "#MF"},       {17, "#AC"},      {18, "#MC"},
               {19, "#XM"}, {4, "exception"}, {-1, "exception"}, {99, "exception"}};
    for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++)
        T_EQ_STR(t_fmt("type name of vector %d", vec[i].vec),
                 psod_type_name(PSOD_EXCEPTION, vec[i].vec), vec[i].name);
    T_EQ_STR("type name ASSERT", psod_type_name(PSOD_ASSERT, -1), "ASSERT");
    T_EQ_STR("type name MCE", psod_type_name(PSOD_MCE, -1), "MCE");
    T_EQ_STR("type name unknown", psod_type_name(PSOD_UNKNOWN, 14), "unknown");
    for (int t = 0; t < PSOD__COUNT; t++)
        T_CHECK(t_fmt("type %d has a name", t), psod_type_name((enum psod_type)t, 14) != NULL);
    T_EQ_STR("kind none", psod_culprit_kind_name(CULPRIT_NONE), "none");
    T_EQ_STR("kind driver", psod_culprit_kind_name(CULPRIT_DRIVER), "driver");
    T_EQ_STR("kind vmkernel", psod_culprit_kind_name(CULPRIT_VMKERNEL), "vmkernel");
    T_EQ_STR("kind hardware", psod_culprit_kind_name(CULPRIT_HARDWARE), "hardware");

    /* kb §1.4 "Panic plumbing frames to SKIP" */
    static const char *const plumbing[] = {"PanicvPanicInt",
                                           "Panic",
                                           "Panic_vPanic",
                                           "Panic_NoSave",
                                           "Panic_WithBacktrace",
                                           "Panic_OnAssertAt",
                                           "Panic_Exception",
                                           "vmk_PanicWithModuleID",
                                           "Int6_UD2Assert",
                                           "IDTReturnPrepare",
                                           "gate_entry",
                                           "gate_entry_",
                                           "NMI_Interrupt",
                                           "IDTNMIWork",
                                           "Int2_NMI",
                                           "SP_WaitLock",
                                           "SP_WaitReadLock",
                                           "SPAcqWriteLockWork",
                                           "vmk_LogBacktraceMessage",
                                           "Util_Udelay"};
    for (size_t i = 0; i < sizeof(plumbing) / sizeof(plumbing[0]); i++)
        T_CHECK(t_fmt("%s is plumbing", plumbing[i]), psod_is_plumbing(plumbing[i]));
    static const char *const not_plumbing[] = {"E1000PollRxRing", "TLBDoInvalidate", "rw_wlock",
                                               "Timer_GetCycles", "CpuSched_StartWorld"};
    for (size_t i = 0; i < sizeof(not_plumbing) / sizeof(not_plumbing[0]); i++)
        T_CHECK(t_fmt("%s is not plumbing", not_plumbing[i]), !psod_is_plumbing(not_plumbing[i]));
    T_CHECK("NULL is not plumbing", !psod_is_plumbing(NULL));
}

/* ---- bounds and streaming ---- */

static void
test_bounds(void)
{
    struct buf t = BUF_INIT;
    struct psod_result r;

    /* more frames than PSOD_MAX_FRAMES: kept up to the cap, the rest counted */
    buf_adds(&t, "@BlueScreen: #PF Exception 14 in world 1:w IP 0x1 addr 0x2\n");
    for (int i = 0; i < PSOD_MAX_FRAMES + 44; i++)
        buf_addf(&t, "0x%x:[0x%x]F%d@drv#1+0x1 stack: 0x0\n", 0x1000 + i, 0x2000 + i, i);
    r = decode("many frames", buf_str(&t));
    if (T_EQ_INT("many frames crashes", r.ncrashes, 1)) {
        T_EQ_INT("frames kept", r.crashes[0].frames.n, PSOD_MAX_FRAMES);
        T_EQ_INT("frames dropped", r.crashes[0].frames.dropped, 44);
    }
    psod_result_release(&r);

    /* more notes than PSOD_MAX_NOTES */
    buf_reset(&t);
    buf_adds(&t, "@BlueScreen: ASSERT bora/x.c:1\n");
    for (int i = 0; i < 100; i++)
        buf_addf(&t, "PCPU %d: state note %d\n", i, i);
    r = decode("many notes", buf_str(&t));
    if (T_EQ_INT("many notes crashes", r.ncrashes, 1))
        T_EQ_INT("notes kept", r.crashes[0].nnotes, PSOD_MAX_NOTES);
    psod_result_release(&r);

    /* more WARN backtraces than PSOD_MAX_BACKTRACES */
    buf_reset(&t);
    for (int i = 0; i < PSOD_MAX_BACKTRACES + 6; i++)
        buf_addf(&t,
                 "cpu1:1)WARNING: at x.c:%d/f() (inside vmklinux)\n"
                 "cpu1:1)Backtrace for current CPU #1, worldID=1, fp=0x1\n"
                 "cpu1:1)0x1:[0x2]vmk_LogBacktraceMessage@vmkernel#nover+0x1 stack: 0x0\n"
                 "cpu1:1)Net: 1: ok\n",
                 i);
    r = decode("many warns", buf_str(&t));
    T_EQ_INT("many warns crashes", r.ncrashes, 0);
    T_EQ_INT("backtraces kept", r.nbacktraces, PSOD_MAX_BACKTRACES);
    T_EQ_INT("backtraces dropped", r.backtraces_dropped, 6);
    psod_result_release(&r);

    /* a long message is cut at PSOD_MAX_TEXT; NUL bytes and a very long line are safe */
    buf_reset(&t);
    buf_adds(&t, "@BlueScreen: ASSERT bora/x.c:1 ");
    for (int i = 0; i < 3000; i++)
        buf_addc(&t, 'x');
    static const char nul_frame[] = "\n0x1:[0x2]F\0G@m#v+0x3 stack: 0x0\n";
    buf_add(&t, nul_frame, sizeof(nul_frame) - 1);
    static const char nul_msg[] = "\0\0@BlueScreen\0: CrashMe\n";
    buf_add(&t, nul_msg, sizeof(nul_msg) - 1);
    struct diags d = DIAGS_INIT;
    psod_decode(t.p, t.len, "long", &r, &d);
    T_EQ_INT("long: no errors", diags_count(&d, DIAG_ERROR), 0);
    if (T_CHECK("long: a crash", r.ncrashes >= 1)) {
        T_CHECK("long: message cut",
                r.crashes[0].message && strlen(r.crashes[0].message) == PSOD_MAX_TEXT);
        T_EQ_INT("long: frame with a NUL", r.crashes[0].frames.n, 1);
    }
    psod_result_release(&r);
    diags_release(&d);

    /* a crash that goes quiet ends at its last crash-shaped line; the log lines
     * after it are not its notes */
    buf_reset(&t);
    buf_adds(&t,
             "cpu2:7)@BlueScreen: CrashMe\ncpu2:7)0x1:[0x2]PanicvPanicInt@vmkernel#nover+0x1\n");
    for (int i = 0; i < 60; i++)
        buf_addf(&t, "cpu2:7)Net: %d: link up\n", i);
    buf_adds(&t, "cpu2:7)@BlueScreen: ASSERT bora/y.c:2\n");
    r = decode("quiet", buf_str(&t));
    if (T_EQ_INT("quiet crashes", r.ncrashes, 2)) {
        T_EQ_INT("quiet 1st last line", r.crashes[0].last_line, 2);
        T_EQ_INT("quiet 1st notes", r.crashes[0].nnotes, 0);
        T_EQ_INT("quiet 2nd line", r.crashes[1].line, 63);
    }
    psod_result_release(&r);

    /* a big log: the crash is found at its line among ordinary lines, fed one by one */
    struct psod_reader *rd = psod_reader_new("big.log");
    unsigned long ln = 0;
    for (int i = 0; i < 20000; i++) {
        char line[160];
        int n = snprintf(line, sizeof(line),
                         "2020-01-01T00:00:00.%03dZ cpu%d:%d)ScsiDeviceIO: 3449: Cmd(0x45) 0x28, "
                         "CmdSN 0x%x from world 0 to dev \"naa.600\" failed H:0x0 D:0x2 P:0x0",
                         i % 1000, i % 32, 2000 + i, i);
        psod_feed(rd, line, (size_t)n, ++ln);
        if (i == 12345) {
            const char *bs = "2020-01-01T00:00:00.001Z cpu3:99)@BlueScreen: #PF Exception 14 in "
                             "world 99:x IP 0x4 addr 0x0";
            psod_feed(rd, bs, strlen(bs), ++ln);
        }
    }
    psod_reader_finish(rd, &r, NULL);
    if (T_EQ_INT("big log crashes", r.ncrashes, 1))
        T_EQ_INT("big log crash line", r.crashes[0].line, 12347);
    psod_result_release(&r);

    /* many crashes: PSOD_MAX_CRASHES kept */
    buf_reset(&t);
    for (int i = 0; i < PSOD_MAX_CRASHES + 5; i++)
        buf_adds(&t, "@BlueScreen: CrashMe\nCoredump to disk.\n");
    r = decode("many crashes", buf_str(&t));
    T_EQ_INT("crashes kept", r.ncrashes, PSOD_MAX_CRASHES);
    T_EQ_INT("crashes dropped", r.crashes_dropped, 5);
    psod_result_release(&r);

    /* empty and odd inputs */
    r = decode("empty", "");
    T_EQ_INT("empty crashes", r.ncrashes + r.nbacktraces, 0);
    psod_result_release(&r);
    r = decode("markers alone", "@BlueScreen:\n[0x\n:[\nBacktrace for current CPU\n0x1:[");
    T_CHECK("markers alone: no backtrace", r.nbacktraces == 0);
    psod_result_release(&r);
    buf_release(&t);
}

int
test_psod(void)
{
    int before = t_failed;
    test_names();
    test_frames();
    test_prefixes();
    test_synthetic();
    test_bounds();
    test_corpus_files();
    return t_failed - before;
}
