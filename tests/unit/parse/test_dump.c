/* test_dump: the Windows crash dump reader (src/dump_*.c).
 *
 * - The two real triage dumps and the calc.exe minidump of the shared corpus
 *   (corpus/minidump, read in place, never copied) against DECODED.md, the
 *   independent decode next to them: every expected value below is written
 *   from that file's text (the line is cited), never from what the reader
 *   printed.
 * - Cut copies (every structure boundary the reader crosses, and lengths in
 *   steps across the whole triage part) and corrupted copies (hostile counts,
 *   offsets, lengths, the 'PAGE' fill everywhere): an error naming the offset
 *   and the right status, never a read out of bounds (the suite runs under
 *   ASan + UBSan in `make asan`).
 * - Synthetic dumps built here from the offsets of kb/windows-crash-dumps.md
 *   (no real sample exists): a 32-bit PAGEDUMP triage dump, 64-bit bitmap
 *   headers (SDMP/FDMP) and a header-only FULL dump; they also walk every
 *   step of the culprit heuristic (kb §3).
 * - A 10 GB input served by a sparse callback: the reader asks for a few MB. */
#include "parse/dump/dump.h"
#include "parse/dump/dump_formats.h"
#include "t.h"
#include "util/util_mem.h"
#include "source/walk.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
t_eq_hex(uint64_t got, uint64_t want, const char *desc, const char *file, int line)
{
    char d[96];
    snprintf(d, sizeof(d), "got 0x%" PRIx64 ", expected 0x%" PRIx64, got, want);
    return t_result(got == want, desc, file, line, d);
}
#define T_EQ_HEX(desc, got, want)                                                                  \
    t_eq_hex((uint64_t)(got), (uint64_t)(want), (desc), __FILE__, __LINE__)

/* ms since 1970 of "YYYY-MM-DDTHH:MM:SS.mmmZ" (days_from_civil, H. Hinnant),
 * so expected times are written as DECODED.md prints them. */
static int64_t
iso_ms(const char *s)
{
    int y, mo, d, h, mi, sec, ms;
    if (sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &sec, &ms) != 7)
        return -1;
    y -= mo <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + ms;
}

/* ---- reading a buffer ---- */

static enum dump_status
read_buf(const void *p, size_t n, struct crash_dump *out, struct diags *d)
{
    struct dump_input in;
    dump_input_memory(&in, p, n);
    return dump_read(&in, "t.dmp", out, d);
}

/* An error whose message holds `needle` (and "offset"). */
static bool
has_error(const struct diags *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].level == DIAG_ERROR && strstr(d->v[i].message, "offset") &&
            (needle == NULL || strstr(d->v[i].message, needle)))
            return true;
    return false;
}

static void
print_diags(const struct diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        printf("  %s: %s\n", d->v[i].level == DIAG_ERROR ? "error" : "note", d->v[i].message);
}

/* The invariants of dump.h every read keeps, whatever the input. */
static void
check_invariants(const char *what, const struct crash_dump *c, enum dump_status st,
                 const struct diags *d)
{
    size_t errors = diags_count(d, DIAG_ERROR);
    bool ok = st == DUMP_OK ? errors == 0 : st == DUMP_NOT_A_DUMP ? d->n == 0 : errors > 0;
    if (!T_CHECK(t_fmt("%s: status %d agrees with %zu errors", what, (int)st, errors), ok))
        print_diags(d);
    T_CHECK(t_fmt("%s: bounded lists", what),
            c->ndrivers <= DUMP_MAX_DRIVERS && c->nunloaded <= DUMP_MAX_UNLOADED);
    bool culprit_ok = c->culprit == NULL
                          ? c->culprit_rule == CULPRIT_RULE_NONE
                          : c->culprit >= c->drivers && c->culprit < c->drivers + c->ndrivers &&
                                c->culprit_rule != CULPRIT_RULE_NONE;
    T_CHECK(t_fmt("%s: culprit points into drivers", what), culprit_ok);
    for (size_t i = 0; i < c->ndrivers; i++)
        if (c->drivers[i].name == NULL || c->drivers[i].path == NULL) {
            T_CHECK(t_fmt("%s: driver %zu has a name", what, i), 0);
            break;
        }
}

/* ---- the shared samples ---- */

struct drv_row {
    size_t i;
    const char *path; /* as DECODED.md prints it */
    uint64_t base, size;
    uint32_t ts;
};

struct unl_row {
    const char *name;
    uint64_t start, end;
};

struct kernel_case {
    const char *file;
    uint64_t size;
    enum dump_arch arch;
    uint32_t machine, major, build, cpus, bugcheck;
    uint64_t p[4];
    const char *time;
    uint64_t uptime_raw; /* SystemUpTime in 100 ns */
    uint64_t pc, sp;
    uint32_t exc_code;
    uint64_t exc_addr;
    size_t ndrivers;
    struct drv_row rows[10];
    size_t nunloaded;
    struct unl_row unl[11];
    uint64_t stack_top, stack_size;
    /* structure offsets (TRIAGE_DUMP64 line) for the cut copies */
    uint32_t unloaded_off, callstack_off, driver_list_off, pool_off, pool_size, valid_off;
    enum dump_culprit_rule rule;
    const char *culprit;
    uint64_t culprit_address;
    int culprit_parameter;
};

static const struct kernel_case kernel_cases[] = {
    {
        /* DECODED.md "### rizintb_triage_x64.dmp", lines 37-214 */
        .file = "rizintb_triage_x64.dmp",
        .size = 1444532,       /* :37 */
        .arch = DUMP_ARCH_X64, /* :40 MachineImageType 0x8664 */
        .machine = 0x8664,
        .major = 0xf,           /* :39 */
        .build = 19041,         /* :39 */
        .cpus = 16,             /* :40 */
        .bugcheck = 0x1000007E, /* :42 */
        .p = {0xffffffffc0000005, 0xfffff8048b58334c, 0xffff850429891ee8,
              0xffff850429891720},          /* :43-46 */
        .time = "2021-02-21T01:38:22.987Z", /* :48 (…22.987765Z) */
        .uptime_raw = 0x23bc1e9,            /* :48 */
        .pc = 0xfffff8048b58334c,           /* :52 Rip */
        .sp = 0xffff850429892120,           /* :52 Rsp */
        .exc_code = 0x80000003,             /* :51 */
        .exc_addr = 0xfffff8047bdf5a80,
        .ndrivers = 151, /* :58 */
        .rows =
            {
                {0, "\\SystemRoot\\system32\\ntoskrnl.exe", 0xfffff8047ba00000, 0x1046000,
                 0x0d8333e6},
                {1, "\\SystemRoot\\system32\\hal.dll", 0xfffff80479440000, 0x6000, 0x1a7be8e9},
                {2, "\\SystemRoot\\system32\\kd.dll", 0xfffff80479450000, 0xb000, 0xfe185fa8},
                {41, "\\SystemRoot\\system32\\DRIVERS\\vsock.sys", 0xfffff8047a0a0000, 0x18000,
                 0x5d2d5ae7},
                {83,
                 "\\SystemRoot\\System32\\DriverStore\\FileRepository\\basicdisplay.inf_amd64_"
                 "62ba5773ba05edee\\BasicDisplay.sys",
                 0xfffff804874b0000, 0x16000, 0xa2092b45},
                {120, "\\SystemRoot\\System32\\drivers\\VBoxNetAdp6.sys", 0xfffff80487f90000,
                 0x52000, 0x5f08d788},
                {143, "\\SystemRoot\\System32\\drivers\\amdppm.sys", 0xfffff8048b580000, 0x3b000,
                 0xc9c03000},
                {150, "\\SystemRoot\\System32\\drivers\\rdpbus.sys", 0xfffff8048b680000, 0xe000,
                 0x84dfd52a},
            },
        .nunloaded = 4, /* :56 */
        .unl =
            {
                {"dam.sys", 0xfffff80487de0000, 0xfffff80487dfc000},
                {"WdBoot.sys", 0xfffff80479d30000, 0xfffff80479d42000},
                {"hwpolicy.sys", 0xfffff804802c0000, 0xfffff804802d1000},
                {"mcupdate.dll", 0xfffff804793e0000, 0xfffff80479409000},
            },
        .stack_top = 0xffff850429890ee8, /* :54 TopOfStack, :57 */
        .stack_size = 8472,              /* :57 */
        .unloaded_off = 0x20d0,          /* :54 */
        .callstack_off = 0xe390,
        .driver_list_off = 0x10828,
        .pool_off = 0x15d18,
        .pool_size = 0x3720,
        .valid_off = 0x13a288,
        /* :214 Parameter2 -> amdppm.sys; kb §3 step 1 */
        .rule = CULPRIT_RULE_PARAMETER,
        .culprit = "amdppm.sys",
        .culprit_address = 0xfffff8048b58334c,
        .culprit_parameter = 2,
    },
    {
        /* DECODED.md "### rizintb_triage_arm64.dmp", lines 216-489 */
        .file = "rizintb_triage_arm64.dmp",
        .size = 1216428,         /* :218 */
        .arch = DUMP_ARCH_ARM64, /* :221 */
        .machine = 0xaa64,
        .major = 0xf,                            /* :220 */
        .build = 22000,                          /* :220 */
        .cpus = 8,                               /* :221 */
        .bugcheck = 0x1C8,                       /* :223 */
        .p = {0x1b58, 0xfffff803f3a20860, 0, 0}, /* :224-227 */
        .time = "2021-09-14T02:51:58.146Z",      /* :229 (…58.146709Z) */
        .uptime_raw = 0x1dadf9678,               /* :229 */
        .pc = 0xfffff803f32de014,                /* :233 Pc */
        .sp = 0xffffe00e0e4bc4a0,                /* :233 Sp */
        .exc_code = 0x80000003,                  /* :232 */
        .exc_addr = 0xfffff803f32de014,
        .ndrivers = 245, /* :239 */
        .rows =
            {
                {0, "\\SystemRoot\\system32\\ntoskrnl.exe", 0xfffff803f2e00000, 0x103e000,
                 0xdf291b09},
                {3,
                 "\\SystemRoot\\System32\\DriverStore\\FileRepository\\halextqcwdogtimer7180.inf_"
                 "arm64_ffdef74dedaf9445\\HalExtQCWdogTimer.dll",
                 0xfffff803f0130000, 0x9000, 0x5f8555ef},
                {41,
                 "\\SystemRoot\\System32\\DriverStore\\FileRepository\\qcspmi7180.inf_arm64_"
                 "67459fc9a4434f9a\\qcspmi7180.sys",
                 0xfffff803f60b0000, 0x10000, 0x5f294284},
                {83, "\\SystemRoot\\system32\\drivers\\afd.sys", 0xfffff80684f40000, 0xb0000,
                 0xb24db730},
                {120, "\\SystemRoot\\System32\\drivers\\fxppm.sys", 0xfffff80684930000, 0x39000,
                 0xdbbfb1ed},
                {150, "\\SystemRoot\\System32\\drivers\\portcls.sys", 0xfffff80684d40000, 0x6c000,
                 0x4605c632},
                {184, "\\SystemRoot\\System32\\win32k.sys", 0xfffffdcac74e0000, 0x89000, 0},
                {244, "\\SystemRoot\\System32\\drivers\\terminpt.sys", 0xfffff803fa230000, 0xf000,
                 0xf0f074c9},
            },
        .nunloaded = 11, /* :237 */
        .unl =
            {
                {"MSKSSRV.sys", 0xfffff803fa160000, 0xfffff803fa171000},
                {"WdFilter.sys", 0xfffff803f6010000, 0xfffff803f607b000},
                {"WdNisDrv.sys", 0xfffff803fa180000, 0xfffff803fa197000},
                {"WdNisDrv.sys", 0xfffff803fa120000, 0xfffff803fa137000},
                {"dump_storpor", 0xfffff806840a0000, 0xfffff806840ae000},
                {"dump_storufs", 0xfffff806840d0000, 0xfffff806840e5000},
                {"dump_dumpfve", 0xfffff80684110000, 0xfffff8068412b000},
                {"WUDFRd.sys", 0xfffff806859a0000, 0xfffff806859f0000},
                {"WUDFRd.sys", 0xfffff80684eb0000, 0xfffff80684f00000},
                {"WUDFRd.sys", 0xfffff80684eb0000, 0xfffff80684f00000},
                {"WdBoot.sys", 0xfffff803f5cf0000, 0xfffff803f5d00000},
            },
        .stack_top = 0xffffe00e0e4bc4a0, /* :235, :238 */
        .stack_size = 2912,              /* :238 */
        .unloaded_off = 0x20d0,          /* :235 */
        .callstack_off = 0xcf50,
        .driver_list_off = 0xde30,
        .pool_off = 0x16800,
        .pool_size = 0x6eb0,
        .valid_off = 0xac468,
        /* :489 P2 and the PC lie in ntoskrnl.exe; kb §3: "only ntoskrnl
         * addresses -> report ntoskrnl". 0x1C8 has no address parameter, so
         * the kernel address remembered first is the context PC. */
        .rule = CULPRIT_RULE_KERNEL,
        .culprit = "ntoskrnl.exe",
        .culprit_address = 0xfffff803f32de014,
        .culprit_parameter = 0,
    },
};

/* The shared sample `name` (owned, *len) or NULL (skip outside CI). */
static char *
load_sample(const char *name, size_t *len)
{
    char *path = xasprintf("%s/corpus/minidump/%s", t_shared, name);
    char *data = NULL;
    if (!t_have_shared(path, t_fmt("dump sample %s", name))) {
        free(path);
        return NULL;
    }
    struct diags d = DIAGS_INIT;
    T_CHECK(t_fmt("%s readable", name), read_small_file(path, 1u << 26, &data, len, &d) == 0);
    diags_release(&d);
    free(path);
    return data;
}

static void
check_kernel_sample(const struct kernel_case *k, const char *data, size_t len)
{
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    enum dump_status st = read_buf(data, len, &c, &d);
    const char *f = k->file;
    T_EQ_INT(t_fmt("%s: status", f), st, DUMP_OK);
    if (!T_EQ_INT(t_fmt("%s: no diagnostics", f), d.n, 0))
        print_diags(&d);
    check_invariants(f, &c, st, &d);
    T_EQ_INT(t_fmt("%s: size", f), c.file_size, k->size);
    T_EQ_INT(t_fmt("%s: format PAGEDU64", f), c.format, DUMP_FORMAT_KERNEL64);
    T_EQ_STR(t_fmt("%s: format word", f), dump_format_name(c.format), "kernel64");
    T_EQ_INT(t_fmt("%s: arch", f), c.arch, k->arch);
    T_EQ_HEX(t_fmt("%s: machine", f), c.machine, k->machine);
    T_EQ_HEX(t_fmt("%s: major", f), c.major_version, k->major);
    T_CHECK(t_fmt("%s: has build", f), c.has_os_build);
    T_EQ_INT(t_fmt("%s: build", f), c.os_build, k->build);
    T_CHECK(t_fmt("%s: no OS version (kernel dumps)", f), !c.has_os_version);
    T_CHECK(t_fmt("%s: has processors", f), c.has_processors);
    T_EQ_INT(t_fmt("%s: processors", f), c.processors, k->cpus);
    T_CHECK(t_fmt("%s: has dump type", f), c.has_dump_type);
    T_EQ_INT(t_fmt("%s: dump type 4", f), c.dump_type, DUMP_TYPE_TRIAGE);
    T_EQ_STR(t_fmt("%s: dump type word", f), dump_type_name(c.dump_type), "small");
    T_CHECK(t_fmt("%s: has bug check", f), c.has_bugcheck);
    T_EQ_HEX(t_fmt("%s: bug check", f), c.bugcheck, k->bugcheck);
    for (int i = 0; i < 4; i++)
        T_EQ_HEX(t_fmt("%s: parameter %d", f, i + 1), c.parameters[i], k->p[i]);
    T_CHECK(t_fmt("%s: has time", f), c.has_time);
    T_EQ_INT(t_fmt("%s: time %s", f, k->time), c.time_ms, iso_ms(k->time));
    T_CHECK(t_fmt("%s: has uptime", f), c.has_uptime);
    T_EQ_INT(t_fmt("%s: uptime ms", f), c.uptime_ms, k->uptime_raw / 10000);
    T_CHECK(t_fmt("%s: has product type", f), c.has_product_type);
    T_EQ_INT(t_fmt("%s: product type (:49/:230 ProductType 0x1)", f), c.product_type, 1);
    T_CHECK(t_fmt("%s: has context", f), c.has_context);
    T_EQ_HEX(t_fmt("%s: pc", f), c.pc, k->pc);
    T_EQ_HEX(t_fmt("%s: sp", f), c.sp, k->sp);
    T_CHECK(t_fmt("%s: has exception", f), c.has_exception);
    T_EQ_HEX(t_fmt("%s: exception code", f), c.exception_code, k->exc_code);
    T_EQ_HEX(t_fmt("%s: exception address", f), c.exception_address, k->exc_addr);
    T_CHECK(t_fmt("%s: no process (kernel)", f), c.process == NULL);
    T_CHECK(t_fmt("%s: has drivers", f), c.has_drivers);
    T_EQ_INT(t_fmt("%s: drivers", f), c.ndrivers, k->ndrivers);
    for (size_t r = 0; r < 10 && k->rows[r].path; r++) {
        const struct drv_row *w = &k->rows[r];
        if (w->i >= c.ndrivers)
            continue;
        const struct dump_driver *g = &c.drivers[w->i];
        const char *base = strrchr(w->path, '\\') + 1;
        T_EQ_STR(t_fmt("%s: driver %zu path", f, w->i), g->path, w->path);
        T_EQ_STR(t_fmt("%s: driver %zu name", f, w->i), g->name, base);
        T_EQ_HEX(t_fmt("%s: driver %zu base", f, w->i), g->base, w->base);
        T_EQ_HEX(t_fmt("%s: driver %zu size", f, w->i), g->size, w->size);
        T_EQ_HEX(t_fmt("%s: driver %zu timestamp", f, w->i), g->timestamp, w->ts);
    }
    T_CHECK(t_fmt("%s: has unloaded", f), c.has_unloaded);
    T_EQ_INT(t_fmt("%s: unloaded", f), c.nunloaded, k->nunloaded);
    for (size_t i = 0; i < k->nunloaded && i < c.nunloaded; i++) {
        T_EQ_STR(t_fmt("%s: unloaded %zu name", f, i), c.unloaded[i].name, k->unl[i].name);
        T_EQ_HEX(t_fmt("%s: unloaded %zu start", f, i), c.unloaded[i].start, k->unl[i].start);
        T_EQ_HEX(t_fmt("%s: unloaded %zu end", f, i), c.unloaded[i].end, k->unl[i].end);
    }
    T_CHECK(t_fmt("%s: has stack", f), c.has_stack);
    T_EQ_HEX(t_fmt("%s: stack top", f), c.stack_top, k->stack_top);
    T_EQ_INT(t_fmt("%s: stack size", f), c.stack_size, k->stack_size);
    T_CHECK(t_fmt("%s: no bitmap", f), !c.has_bitmap);
    T_EQ_INT(t_fmt("%s: culprit rule", f), c.culprit_rule, k->rule);
    T_EQ_STR(t_fmt("%s: culprit", f), c.culprit ? c.culprit->name : NULL, k->culprit);
    T_EQ_HEX(t_fmt("%s: culprit address", f), c.culprit_address, k->culprit_address);
    T_EQ_INT(t_fmt("%s: culprit parameter", f), c.culprit_parameter, k->culprit_parameter);
    if (k->arch == DUMP_ARCH_X64) {
        /* :214 "first non-nt/hal driver pointer on stack: stack+0x18 ... amdppm.sys" */
        T_CHECK(t_fmt("%s: amdppm.sys on the stack", f),
                c.ndrivers > 143 && c.drivers[143].on_stack);
    } else {
        /* kb §3: the ARM64 stack holds only ntoskrnl addresses */
        size_t others = 0;
        for (size_t i = 0; i < c.ndrivers; i++)
            others += c.drivers[i].on_stack && !dump_is_kernel_image(c.drivers[i].name);
        T_EQ_INT(t_fmt("%s: no other driver on the stack", f), others, 0);
    }
    /* the culprit is a function of the dump: computing it again agrees */
    const struct dump_driver *was = c.culprit;
    dump_culprit(&c, NULL, 0);
    if (k->rule != CULPRIT_RULE_STACK)
        T_CHECK(t_fmt("%s: culprit again", f), c.culprit == was);
    dump_release(&c);
    diags_release(&d);
}

/* Cut copies: every structure the reader crosses, then lengths in steps
 * across the whole triage part. Before the 0x2000-byte header: UNREADABLE;
 * then PARTIAL until the validity mark (the last thing read) is whole. */
static void
check_cuts(const struct kernel_case *k, const char *data, size_t len)
{
    const struct {
        uint64_t at;
        const char *needle;
    } cuts[] = {
        {0, "empty file"},
        {4, "signature"},
        {8, "header of the PAGEDU64 dump"},
        {0x348, "header of the PAGEDU64 dump"},
        {0x1fff, "header of the PAGEDU64 dump"},
        {0x2000, "triage dump header"},
        {0x2004, "triage dump header"},
        {0x207f, "triage dump header"},
        {0x2080, "validity mark"},
        {k->unloaded_off + 4, "unloaded driver count"},
        {k->unloaded_off + 8 + 0x38 + 5, "unloaded driver list"},
        {k->callstack_off + 0x10, "saved stack"},
        {k->driver_list_off + 12 * 0x90 + 0x40, "driver list"},
        {k->pool_off + 0x100, "name of driver list entry"},
        {k->valid_off + 2, "validity mark"},
    };
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        struct crash_dump c;
        struct diags d = DIAGS_INIT;
        size_t n = (size_t)cuts[i].at;
        enum dump_status st = read_buf(data, n, &c, &d);
        const char *what = t_fmt("%s cut at 0x%zx", k->file, n);
        T_EQ_INT(t_fmt("%s: status", what), st, n < 0x2000 ? DUMP_UNREADABLE : DUMP_PARTIAL);
        if (!T_CHECK(t_fmt("%s: error about '%s' with its offset", what, cuts[i].needle),
                     has_error(&d, cuts[i].needle)))
            print_diags(&d);
        check_invariants(what, &c, st, &d);
        dump_release(&c);
        diags_release(&d);
    }
    /* the triage dump ends with the validity mark: cut there, it reads whole */
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    T_EQ_INT(t_fmt("%s cut after the mark: status", k->file),
             read_buf(data, k->valid_off + 4, &c, &d), DUMP_OK);
    T_EQ_INT(t_fmt("%s cut after the mark: drivers", k->file), c.ndrivers, k->ndrivers);
    dump_release(&c);
    diags_release(&d);

    size_t bad = 0, steps = 0;
    for (size_t n = 0; n < k->valid_off + 4 && n <= len; steps++) {
        struct diags dd = DIAGS_INIT;
        enum dump_status st = read_buf(data, n, &c, &dd);
        enum dump_status want = n < 0x2000 ? DUMP_UNREADABLE : DUMP_PARTIAL;
        if (st != want || !has_error(&dd, NULL) || c.ndrivers > k->ndrivers) {
            if (bad++ < 3) {
                printf("  %s cut at 0x%zx: status %d\n", k->file, n, (int)st);
                print_diags(&dd);
            }
        }
        dump_release(&c);
        diags_release(&dd);
        n += n < 0x40 ? 1 : n < 0x1f00 ? 61 : n < 0x2100 ? 7 : 1999;
    }
    T_EQ_INT(t_fmt("%s: %zu cut lengths give an error with the offset", k->file, steps), bad, 0);
}

/* A copy of the sample with `len` bytes at `off` replaced. */
static char *
patched(const char *data, size_t len, size_t off, const void *bytes, size_t n)
{
    char *p = xmalloc(len);
    memcpy(p, data, len);
    if (off + n <= len)
        memcpy(p + off, bytes, n);
    return p;
}

static void
put32(void *p, size_t off, uint32_t v)
{
    unsigned char *b = (unsigned char *)p + off;
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static void
put64(void *p, size_t off, uint64_t v)
{
    put32(p, off, (uint32_t)v);
    put32(p, off + 4, (uint32_t)(v >> 32));
}

static void
put16(void *p, size_t off, uint16_t v)
{
    unsigned char *b = (unsigned char *)p + off;
    b[0] = (unsigned char)v;
    b[1] = (unsigned char)(v >> 8);
}

/* Corrupted copies of the x64 sample: each hostile value is an error naming
 * an offset (or, for the 'PAGE' fill, an absent field), never a crash. */
static void
check_corrupt(const struct kernel_case *k, const char *data, size_t len)
{
    const uint32_t td = 0x2000; /* TRIAGE_DUMP64 (kb §1 table) */
    /* DriverNameOffset of entry 0 */
    uint32_t name0 = dump_le32((const unsigned char *)data + k->driver_list_off);
    const struct {
        const char *what;
        size_t off;
        uint64_t value;
        size_t width;
        const char *needle;
        bool drivers; /* the driver list is still read */
    } rows[] = {
        {"DriverCount huge", td + 0x34, 0xFFFFFFFF, 4, "driver count", false},
        {"DriverCount one too many", td + 0x34, DUMP_MAX_DRIVERS + 1, 4, "driver count", false},
        {"DriverListOffset outside", td + 0x30, 0xFFFFFFF0, 4, "driver list", false},
        {"StringPoolOffset outside", td + 0x38, 0xFFFFFFF0, 4, "string pool", true},
        {"StringPoolSize outside", td + 0x3C, 0x7FFFFFFF, 4, "string pool", true},
        {"StringPoolSize tiny", td + 0x3C, 8, 4, "outside the string pool", true},
        {"name offset of entry 12 outside", k->driver_list_off + 12 * 0x90, 0xFFFFFFF0, 4,
         "driver list entry 12", true},
        {"name of entry 12 past the pool", k->driver_list_off + 12 * 0x90,
         k->pool_off + k->pool_size + 0x10, 4, "outside the string pool", true},
        {"name of entry 12 before the pool", k->driver_list_off + 12 * 0x90, 0x2000, 4,
         "outside the string pool", true},
        {"name Length huge", name0, 0x7FFFFFFF, 4, "driver list entry 0", true},
        {"name Length past the limit", name0, DUMP_MAX_NAME + 1, 4, "driver list entry 0", true},
        {"UnloadedDriversOffset outside", td + 0x18, 0xFFFFFFF0, 4, "unloaded driver count", true},
        {"unloaded count huge", k->unloaded_off, UINT64_MAX, 8, "unloaded drivers", true},
        {"UnloadedDriversOffset at the last bytes", td + 0x18, k->size - 8, 4, "unloaded", true},
        {"CallStackOffset outside", td + 0x28, 0xFFFFFFF0, 4, "saved stack", true},
        {"SizeOfCallStack outside", td + 0x2C, 0xFFFFFFFF, 4, "saved stack", true},
        {"ValidOffset outside", td + 0x08, 0xFFFFFFFF, 4, "validity mark", true},
        {"ValidOffset at no mark", td + 0x08, 0x2000, 4, "not 'TRGD'", false},
    };
    unsigned char v[8];
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        put64(v, 0, rows[i].value);
        char *p = patched(data, len, rows[i].off, v, rows[i].width);
        struct crash_dump c;
        struct diags d = DIAGS_INIT;
        enum dump_status st = read_buf(p, len, &c, &d);
        const char *what = t_fmt("%s %s", k->file, rows[i].what);
        T_EQ_INT(t_fmt("%s: partial", what), st, DUMP_PARTIAL);
        if (!T_CHECK(t_fmt("%s: error about '%s'", what, rows[i].needle),
                     has_error(&d, rows[i].needle)))
            print_diags(&d);
        check_invariants(what, &c, st, &d);
        T_EQ_INT(t_fmt("%s: driver list read", what), c.ndrivers > 0, rows[i].drivers);
        dump_release(&c);
        diags_release(&d);
        free(p);
    }
    /* every name bad: the first DUMP_LIST_ERRORS said, the rest summed up */
    put32(v, 0, 8);
    char *q = patched(data, len, td + 0x3C, v, 4);
    struct crash_dump cq;
    struct diags dq = DIAGS_INIT;
    read_buf(q, len, &cq, &dq);
    T_EQ_INT("every name bad: errors", diags_count(&dq, DIAG_ERROR), DUMP_LIST_ERRORS + 1);
    T_CHECK(
        "every name bad: the rest summed up",
        has_error(&dq, t_fmt("%zu more names could not be read", k->ndrivers - DUMP_LIST_ERRORS)));
    T_EQ_INT("every name bad: the list kept", cq.ndrivers, k->ndrivers);
    dump_release(&cq);
    diags_release(&dq);
    free(q);

    /* one bad name: entry 12 is "?" and keeps its range; 13 is whole */
    put32(v, 0, 0xFFFFFFF0);
    char *p = patched(data, len, k->driver_list_off + 12 * 0x90, v, 4);
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    read_buf(p, len, &c, &d);
    if (T_CHECK("bad name: list kept", c.ndrivers == k->ndrivers)) {
        T_EQ_STR("bad name: placeholder", c.drivers[12].name, "?");
        T_CHECK("bad name: range kept", c.drivers[12].base != 0 && c.drivers[12].size != 0);
        T_CHECK("bad name: next name read", strcmp(c.drivers[13].name, "?") != 0);
        T_EQ_STR("bad name: culprit unchanged", c.culprit ? c.culprit->name : NULL, k->culprit);
    }
    dump_release(&c);
    diags_release(&d);
    free(p);

    /* A stack larger than DUMP_MAX_STACK inside the file: a note, the first
     * DUMP_MAX_STACK bytes read, the size reported as declared. */
    put32(v, 0, DUMP_MAX_STACK + 8);
    p = patched(data, len, td + 0x2C, v, 4);
    T_EQ_INT("long stack: ok", read_buf(p, len, &c, &d), DUMP_OK);
    T_EQ_INT("long stack: a note", diags_count(&d, DIAG_NOTE), 1);
    T_EQ_INT("long stack: declared size", c.stack_size, DUMP_MAX_STACK + 8);
    dump_release(&c);
    diags_release(&d);
    free(p);

    /* The 'PAGE' fill in every header field (as the writer leaves fields it
     * never set): all absent, no error; the dump type too, so no triage. */
    p = xmalloc(len);
    memcpy(p, data, len);
    for (size_t o = 8; o < 0x2000; o += 4)
        memcpy(p + o, "PAGE", 4);
    T_EQ_INT("PAGE fill: ok", read_buf(p, len, &c, &d), DUMP_OK);
    T_CHECK("PAGE fill: every field absent",
            !c.has_bugcheck && !c.has_os_build && !c.has_processors && !c.has_dump_type &&
                !c.has_time && !c.has_uptime && !c.has_product_type && !c.has_context &&
                !c.has_exception && !c.has_drivers && !c.has_stack && !c.has_unloaded);
    T_EQ_INT("PAGE fill: arch unknown", c.arch, DUMP_ARCH_UNKNOWN);
    T_EQ_INT("PAGE fill: machine", c.machine, 0);
    T_EQ_INT("PAGE fill: no culprit", c.culprit_rule, CULPRIT_RULE_NONE);
    dump_release(&c);
    diags_release(&d);
    /* ... and in every TRIAGE_DUMP64 field, with the dump type kept */
    memcpy(p, data, 0x2000);
    for (size_t o = 0x2000; o < 0x2080; o += 4)
        memcpy(p + o, "PAGE", 4);
    enum dump_status st = read_buf(p, len, &c, &d);
    T_EQ_INT("PAGE fill in TRIAGE_DUMP: partial", st, DUMP_PARTIAL);
    T_CHECK("PAGE fill in TRIAGE_DUMP: errors name offsets", has_error(&d, "0x45474150"));
    T_CHECK("PAGE fill in TRIAGE_DUMP: nothing read", c.ndrivers == 0 && !c.has_stack);
    check_invariants("PAGE fill in TRIAGE_DUMP", &c, st, &d);
    dump_release(&c);
    diags_release(&d);
    free(p);
}

/* The CLI may hand a 10 GB MEMORY.DMP: the reader asks only for what it
 * needs. Here the input claims 10 GB; the sample's bytes are served below
 * its length and zeros above, and every request is counted. */
struct sparse {
    const unsigned char *p;
    size_t n;
    uint64_t requested;
    size_t calls;
};

static int
sparse_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct sparse *s = ctx;
    s->requested += len;
    s->calls++;
    memset(buf, 0, len);
    if (off < s->n)
        memcpy(buf, s->p + off, len < s->n - off ? len : s->n - off);
    return 0;
}

static void
check_sparse(const char *data, size_t len)
{
    struct sparse s = {(const unsigned char *)data, len, 0, 0};
    struct dump_input in = {UINT64_C(10) << 30, sparse_read, &s};
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    T_EQ_INT("10 GB input: ok", dump_read(&in, "big.dmp", &c, &d), DUMP_OK);
    T_EQ_INT("10 GB input: drivers", c.ndrivers, 151);
    T_EQ_STR("10 GB input: culprit", c.culprit ? c.culprit->name : NULL, "amdppm.sys");
    T_CHECK(
        t_fmt("10 GB input: %" PRIu64 " bytes asked in %zu reads (< 4 MB)", s.requested, s.calls),
        s.requested < (4u << 20));
    dump_release(&c);
    diags_release(&d);
}

/* An I/O error is an error naming the offset, like a cut. */
static int
failing_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    const struct sparse *s = ctx;
    if (off >= 0x2000 || off + len > s->n)
        return -1;
    memcpy(buf, s->p + off, len);
    return 0;
}

static void
check_io_error(const char *data, size_t len)
{
    struct sparse s = {(const unsigned char *)data, len, 0, 0};
    struct dump_input in = {len, failing_read, &s};
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    T_EQ_INT("read error past the header: partial", dump_read(&in, "io.dmp", &c, &d), DUMP_PARTIAL);
    T_CHECK("read error past the header: said", has_error(&d, "read error"));
    T_CHECK("read error past the header: header kept", c.has_bugcheck);
    dump_release(&c);
    diags_release(&d);
    s.n = 4;
    T_EQ_INT("read error in the signature: unreadable", dump_read(&in, "io.dmp", &c, &d),
             DUMP_UNREADABLE);
    T_CHECK("read error in the signature: said", has_error(&d, "read error"));
    dump_release(&c);
    diags_release(&d);
}

static void
test_kernel_samples(void)
{
    for (size_t i = 0; i < sizeof(kernel_cases) / sizeof(kernel_cases[0]); i++) {
        const struct kernel_case *k = &kernel_cases[i];
        size_t len = 0;
        char *data = load_sample(k->file, &len);
        if (data == NULL)
            continue;
        check_kernel_sample(k, data, len);
        check_cuts(k, data, len);
        if (i == 0) {
            check_corrupt(k, data, len);
            check_sparse(data, len);
            check_io_error(data, len);
        }
        free(data);
    }
}

/* calc.dmp: DECODED.md lines 491-497. The process name is the file's first
 * module, "C:\Windows\System32\calc.exe": the first UTF-16 path that
 * `strings -el rizintb_calc.dmp` prints after the CSD/dbgeng strings, and
 * the name of ModuleList entry 0 (ModuleNameRva @0x7f0+4+20). The 28 modules
 * are (3028 - 4) / 108 from the stream size on :495. ntdll.dll (entry 1)
 * spans BaseOfImage 0x77720000 + SizeOfImage 0x1aa000, read off the bytes at
 * 0x860 with xxd: it holds the exception address 0x7776ae10 (:496). */
static void
test_calc(void)
{
    size_t len = 0;
    char *data = load_sample("rizintb_calc.dmp", &len);
    if (data == NULL)
        return;
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    enum dump_status st = read_buf(data, len, &c, &d);
    T_EQ_INT("calc: status", st, DUMP_OK);
    if (!T_EQ_INT("calc: no diagnostics", d.n, 0))
        print_diags(&d);
    check_invariants("calc", &c, st, &d);
    T_EQ_INT("calc: size (:493)", c.file_size, 36724);
    T_EQ_INT("calc: user format", c.format, DUMP_FORMAT_USER);
    T_EQ_STR("calc: format word", dump_format_name(c.format), "user");
    T_CHECK("calc: no bug check", !c.has_bugcheck);
    T_CHECK("calc: no dump type", !c.has_dump_type && c.dump_type == DUMP_TYPE_UNKNOWN);
    T_EQ_STR("calc: process", c.process, "calc.exe");
    T_CHECK("calc: has exception", c.has_exception);
    T_EQ_HEX("calc: exception code (:496)", c.exception_code, 0x80000003);
    T_EQ_HEX("calc: exception address (:496)", c.exception_address, 0x7776ae10);
    T_EQ_INT("calc: exception thread (:496)", c.exception_thread, 1628);
    T_EQ_INT("calc: arch (:497 ProcessorArchitecture 9)", c.arch, DUMP_ARCH_X64);
    T_EQ_INT("calc: machine", c.machine, 9);
    T_CHECK("calc: has processors", c.has_processors);
    T_EQ_INT("calc: processors (:497)", c.processors, 2);
    T_EQ_INT("calc: product type (:497)", c.product_type, 1);
    T_CHECK("calc: has OS version", c.has_os_version && c.has_os_build);
    T_EQ_INT("calc: OS major (:497 6.1.7601)", c.os_major, 6);
    T_EQ_INT("calc: OS minor", c.os_minor, 1);
    T_EQ_INT("calc: OS build", c.os_build, 7601);
    T_CHECK("calc: has time", c.has_time);
    T_EQ_INT("calc: time (:494 TimeDateStamp 1477745027)", c.time_ms,
             iso_ms("2016-10-29T12:43:47.000Z"));
    T_CHECK("calc: has modules", c.has_drivers);
    T_EQ_INT("calc: modules", c.ndrivers, (3028 - 4) / 108);
    if (c.ndrivers > 1) {
        T_EQ_STR("calc: module 0 path", c.drivers[0].path, "C:\\Windows\\System32\\calc.exe");
        T_EQ_STR("calc: module 1", c.drivers[1].name, "ntdll.dll");
        T_EQ_HEX("calc: ntdll base", c.drivers[1].base, 0x77720000);
        T_EQ_HEX("calc: ntdll size", c.drivers[1].size, 0x1aa000);
    }
    T_EQ_INT("calc: culprit rule", c.culprit_rule, CULPRIT_RULE_EXCEPTION);
    T_EQ_STR("calc: culprit word", dump_culprit_rule_name(c.culprit_rule), "exception");
    T_EQ_STR("calc: culprit", c.culprit ? c.culprit->name : NULL, "ntdll.dll");
    T_CHECK("calc: has context", c.has_context);
    T_EQ_HEX("calc: pc is the breakpoint", c.pc, 0x7776ae10);
    T_CHECK("calc: no stack, no unloaded", !c.has_stack && !c.has_unloaded);
    dump_release(&c);
    diags_release(&d);

    /* cut copies: never NOT_A_DUMP; any status but OK says why, with the offset */
    size_t bad = 0;
    for (size_t n = 0; n <= len; n += n < 64 ? 1 : 37) {
        st = read_buf(data, n, &c, &d);
        if (st == DUMP_NOT_A_DUMP || (n < 32 && st != DUMP_UNREADABLE) ||
            (st != DUMP_OK && !has_error(&d, NULL)))
            if (bad++ < 3) {
                printf("  calc cut at %zu: status %d\n", n, (int)st);
                print_diags(&d);
            }
        dump_release(&c);
        diags_release(&d);
    }
    T_EQ_INT("calc: cut copies", bad, 0);

    /* corrupted copies: MINIDUMP_HEADER and the module list stream (:495
     * ModuleList rva 0x7f0) */
    const struct {
        const char *what;
        size_t off;
        uint32_t value;
        enum dump_status st;
        const char *needle;
    } rows[] = {
        {"version", 4, 0xa0f1a794, DUMP_UNREADABLE, "version"},
        {"NumberOfStreams huge", 8, 0xFFFFFFFF, DUMP_PARTIAL, "streams"},
        {"StreamDirectoryRva outside", 12, 0xFFFFFFF0, DUMP_PARTIAL, "stream directory"},
        {"NumberOfModules huge", 0x7f0, 0xFFFFFFFF, DUMP_PARTIAL, "module list"},
        {"NumberOfModules past the stream", 0x7f0, 29, DUMP_PARTIAL, "module list"},
        {"module 0 name outside", 0x7f0 + 4 + 20, 0xFFFFFFF0, DUMP_PARTIAL, "module 0"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        unsigned char v[4];
        put32(v, 0, rows[i].value);
        char *p = patched(data, len, rows[i].off, v, 4);
        st = read_buf(p, len, &c, &d);
        T_EQ_INT(t_fmt("calc %s: status", rows[i].what), st, rows[i].st);
        if (!T_CHECK(t_fmt("calc %s: error about '%s'", rows[i].what, rows[i].needle),
                     has_error(&d, rows[i].needle)))
            print_diags(&d);
        check_invariants(t_fmt("calc %s", rows[i].what), &c, st, &d);
        dump_release(&c);
        diags_release(&d);
        free(p);
    }
    free(data);
}

/* ---- synthetic dumps, built from the kb offset tables ---- */

/* Writes the DUMP_STRING {ULONG Length in WCHARs; WCHAR[]; WCHAR 0} of an
 * ASCII name at off; returns its size. */
static size_t
put_dump_string(unsigned char *p, size_t off, const char *s)
{
    size_t n = strlen(s);
    put32(p, off, (uint32_t)n);
    for (size_t i = 0; i <= n; i++)
        put16(p, off + 4 + 2 * i, (uint16_t)(unsigned char)s[i]);
    return 4 + 2 * (n + 1);
}

static void
fill_page(unsigned char *p, size_t from, size_t to)
{
    for (size_t o = from; o + 4 <= to; o += 4)
        memcpy(p + o, "PAGE", 4);
}

/* Addresses of the synthetic 32-bit system. */
#define NT_BASE 0x80400000u
#define HAL_BASE 0x806D0000u
#define E1G_BASE 0xF7A00000u
#define E1G_ADDR 0xF7A01234u
#define NT_ADDR 0x80412345u
#define HAL_ADDR 0x806D1000u
#define STACK_VA 0xF8A3BC00u

/* A 32-bit small memory dump per kb §1 DUMP_HEADER32 / TRIAGE_DUMP32 /
 * DUMP_DRIVER_ENTRY32 and kb §2 (layout of the blocks chosen here):
 * 0x1000 TRIAGE_DUMP32, 0x1080 unloaded drivers (ULONG count, 0x28-byte
 * entries: the kb's unverified assumption), 0x1100 stack (16 words), 0x1200
 * driver list (3 entries of 0x4C), 0x1400 string pool, 0x1600 "TRGD". */
#define SYN32_LEN 0x1604

static void
build_dump32(unsigned char *p, uint32_t code, const uint32_t params[4], uint32_t eip,
             const uint32_t stack[16])
{
    memset(p, 0, SYN32_LEN);
    fill_page(p, 0, 0x1000);
    memcpy(p, "PAGEDUMP", 8);
    put32(p, 0x8, 0xF);
    put32(p, 0xC, 2600);
    put32(p, 0x20, 0x14C);
    put32(p, 0x24, 2);
    put32(p, 0x28, code);
    for (int i = 0; i < 4; i++)
        put32(p, 0x2C + 4 * (size_t)i, params[i]);
    put32(p, 0x320 + 0xB8, eip);      /* Eip */
    put32(p, 0x320 + 0xC4, STACK_VA); /* Esp */
    put32(p, 0x7D0, 0xC0000005);      /* ExceptionCode */
    put32(p, 0x7D0 + 0xC, eip);       /* ExceptionAddress */
    put32(p, 0xF88, DUMP_TYPE_TRIAGE);
    put32(p, 0xF94, 1);
    put64(p, 0xFB8, 600000000);                                       /* 60 s */
    put64(p, 0xFC0, (UINT64_C(1262304000) + 11644473600) * 10000000); /* 2010-01-01 */

    const uint32_t t = 0x1000;
    put32(p, t + 0x04, 0x1604); /* SizeOfDump */
    put32(p, t + 0x08, 0x1600); /* ValidOffset */
    put32(p, t + 0x18, 0x1080); /* UnloadedDriversOffset */
    put32(p, t + 0x28, 0x1100); /* CallStackOffset */
    put32(p, t + 0x2C, 0x40);   /* SizeOfCallStack */
    put32(p, t + 0x30, 0x1200); /* DriverListOffset */
    put32(p, t + 0x34, 3);      /* DriverCount */
    put32(p, t + 0x38, 0x1400); /* StringPoolOffset */
    put32(p, t + 0x48, STACK_VA);

    /* unloaded: "dump_atapi.sys" keeps 12 WCHARs; "old.sys" is shorter */
    put32(p, 0x1080, 2);
    const char *un[2] = {"dump_atapi.sys", "old.sys"};
    for (size_t i = 0; i < 2; i++) {
        size_t e = 0x1084 + i * 0x28;
        size_t n = strlen(un[i]);
        put16(p, e, (uint16_t)(2 * n)); /* Name.Length */
        for (size_t k = 0; k < n && k < 12; k++)
            put16(p, e + 0x8 + 2 * k, (uint16_t)un[i][k]);
        put32(p, e + 0x20, 0xF8000000u + 0x10000u * (uint32_t)i);
        put32(p, e + 0x24, 0xF8008000u + 0x10000u * (uint32_t)i);
    }
    for (size_t i = 0; i < 16; i++)
        put32(p, 0x1100 + 4 * i, stack[i]);

    const struct {
        const char *path;
        uint32_t base, size, ts;
    } drv[3] = {
        {"\\WINDOWS\\system32\\ntoskrnl.exe", NT_BASE, 0x200000, 0x41108004},
        {"\\WINDOWS\\system32\\hal.dll", HAL_BASE, 0x20000, 0x41107B2D},
        {"\\SystemRoot\\system32\\DRIVERS\\e1g6032e.sys", E1G_BASE, 0x20000, 0x4D6B0F4C},
    };
    size_t pool = 0x1400;
    for (size_t i = 0; i < 3; i++) {
        size_t e = 0x1200 + i * 0x4C;
        put32(p, e, (uint32_t)pool); /* DriverNameOffset */
        put32(p, e + 0x1C, drv[i].base);
        put32(p, e + 0x24, drv[i].size);
        put32(p, e + 0x48, drv[i].ts);
        pool += put_dump_string(p, pool, drv[i].path);
    }
    put32(p, t + 0x3C, (uint32_t)(pool - 0x1400)); /* StringPoolSize */
    memcpy(p + 0x1600, "TRGD", 4);
}

static void
test_dump32(void)
{
    unsigned char *p = xmalloc(SYN32_LEN);
    uint32_t params[4] = {0x10, 2, 0, E1G_ADDR};
    uint32_t stack[16] = {0x1, NT_ADDR, 0x2, E1G_ADDR + 0x40, 0x3};
    build_dump32(p, 0xD1, params, E1G_ADDR, stack);
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    enum dump_status st = read_buf(p, SYN32_LEN, &c, &d);
    T_EQ_INT("dump32: ok", st, DUMP_OK);
    if (!T_EQ_INT("dump32: no diagnostics", d.n, 0))
        print_diags(&d);
    check_invariants("dump32", &c, st, &d);
    T_EQ_INT("dump32: format", c.format, DUMP_FORMAT_KERNEL32);
    T_EQ_STR("dump32: format word", dump_format_name(c.format), "kernel32");
    T_EQ_INT("dump32: arch", c.arch, DUMP_ARCH_X86);
    T_EQ_INT("dump32: build", c.os_build, 2600);
    T_EQ_INT("dump32: processors", c.processors, 2);
    T_EQ_HEX("dump32: bug check", c.bugcheck, 0xD1);
    T_EQ_HEX("dump32: P4 (a ULONG)", c.parameters[3], E1G_ADDR);
    T_EQ_HEX("dump32: eip", c.pc, E1G_ADDR);
    T_EQ_HEX("dump32: esp", c.sp, STACK_VA);
    T_EQ_HEX("dump32: exception address", c.exception_address, E1G_ADDR);
    T_EQ_INT("dump32: time", c.time_ms, iso_ms("2010-01-01T00:00:00.000Z"));
    T_EQ_INT("dump32: uptime", c.uptime_ms, 60000);
    T_EQ_INT("dump32: product type", c.product_type, 1);
    T_EQ_INT("dump32: drivers", c.ndrivers, 3);
    if (c.ndrivers == 3) {
        T_EQ_STR("dump32: driver 2 name", c.drivers[2].name, "e1g6032e.sys");
        T_EQ_STR("dump32: driver 2 path", c.drivers[2].path,
                 "\\SystemRoot\\system32\\DRIVERS\\e1g6032e.sys");
        T_EQ_HEX("dump32: driver 2 base", c.drivers[2].base, E1G_BASE);
        T_EQ_HEX("dump32: driver 2 timestamp", c.drivers[2].timestamp, 0x4D6B0F4C);
        T_CHECK("dump32: on the stack: nt and e1g, not hal",
                c.drivers[0].on_stack && !c.drivers[1].on_stack && c.drivers[2].on_stack);
    }
    T_EQ_INT("dump32: unloaded", c.nunloaded, 2);
    if (c.nunloaded == 2) {
        T_EQ_STR("dump32: unloaded 0 kept 12 characters", c.unloaded[0].name, "dump_atapi.s");
        T_EQ_STR("dump32: unloaded 1", c.unloaded[1].name, "old.sys");
        T_EQ_HEX("dump32: unloaded 1 start", c.unloaded[1].start, 0xF8010000);
        T_EQ_HEX("dump32: unloaded 1 end", c.unloaded[1].end, 0xF8018000);
    }
    T_EQ_HEX("dump32: stack top", c.stack_top, STACK_VA);
    T_EQ_INT("dump32: stack size", c.stack_size, 0x40);
    T_EQ_INT("dump32: culprit by P4", c.culprit_rule, CULPRIT_RULE_PARAMETER);
    T_EQ_INT("dump32: parameter 4", c.culprit_parameter, 4);
    T_EQ_STR("dump32: culprit", c.culprit ? c.culprit->name : NULL, "e1g6032e.sys");
    dump_release(&c);
    diags_release(&d);

    /* Every step of kb §3 on the same dump. */
    const struct {
        const char *what;
        uint32_t code, p4, eip, s1, s3;
        enum dump_culprit_rule rule;
        const char *culprit;
        uint64_t addr;
    } steps[] = {
        {"modifier bit", 0x800000D1, E1G_ADDR, E1G_ADDR, NT_ADDR, E1G_ADDR, CULPRIT_RULE_PARAMETER,
         "e1g6032e.sys", E1G_ADDR},
        {"P4 in hal: context", 0xD1, HAL_ADDR, E1G_ADDR + 8, NT_ADDR, NT_ADDR, CULPRIT_RULE_CONTEXT,
         "e1g6032e.sys", E1G_ADDR + 8},
        {"no address parameter: context", 0x7F, E1G_ADDR, E1G_ADDR, NT_ADDR, NT_ADDR,
         CULPRIT_RULE_CONTEXT, "e1g6032e.sys", E1G_ADDR},
        {"pc in nt: stack", 0x7F, 0, NT_ADDR, NT_ADDR, E1G_ADDR + 4, CULPRIT_RULE_STACK,
         "e1g6032e.sys", E1G_ADDR + 4},
        {"only nt and hal: the kernel", 0x7F, 0, HAL_ADDR, NT_ADDR, NT_ADDR, CULPRIT_RULE_KERNEL,
         "hal.dll", HAL_ADDR},
        {"nowhere: ntoskrnl", 0x7F, 0, 0x1000, 0x5, 0x6, CULPRIT_RULE_KERNEL, "ntoskrnl.exe", 0},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        uint32_t pp[4] = {0x10, 2, 0, steps[i].p4};
        uint32_t sw[16] = {0x1, steps[i].s1, 0x2, steps[i].s3};
        build_dump32(p, steps[i].code, pp, steps[i].eip, sw);
        st = read_buf(p, SYN32_LEN, &c, &d);
        T_EQ_INT(t_fmt("culprit %s: ok", steps[i].what), st, DUMP_OK);
        T_EQ_STR(t_fmt("culprit %s: rule", steps[i].what), dump_culprit_rule_name(c.culprit_rule),
                 dump_culprit_rule_name(steps[i].rule));
        T_EQ_STR(t_fmt("culprit %s: driver", steps[i].what), c.culprit ? c.culprit->name : NULL,
                 steps[i].culprit);
        T_EQ_HEX(t_fmt("culprit %s: address", steps[i].what), c.culprit_address, steps[i].addr);
        dump_release(&c);
        diags_release(&d);
    }

    /* cut copies of the synthetic dump: every length */
    build_dump32(p, 0xD1, params, E1G_ADDR, stack);
    size_t bad = 0;
    for (size_t n = 0; n < SYN32_LEN; n++) {
        st = read_buf(p, n, &c, &d);
        enum dump_status want = n < 0x1000 ? DUMP_UNREADABLE : DUMP_PARTIAL;
        if ((st != want || !has_error(&d, NULL)) && bad++ < 3) {
            printf("  dump32 cut at 0x%zx: status %d\n", n, (int)st);
            print_diags(&d);
        }
        dump_release(&c);
        diags_release(&d);
    }
    T_EQ_INT("dump32: every cut length is an error with the offset", bad, 0);
    free(p);
}

/* A 64-bit header (kb §1 DUMP_HEADER64) filled with 'PAGE' as the writer
 * does, then the fields set: build 18362, one x64 CPU, bug check 0 (a
 * manual .dump, kb §4), dump type `type`. */
static void
build_header64(unsigned char *p, size_t len, uint32_t type)
{
    memset(p, 0, len);
    fill_page(p, 0, 0x2000);
    memcpy(p, "PAGEDU64", 8);
    put32(p, 0x8, 0xF);
    put32(p, 0xC, 18362);
    put32(p, 0x30, 0x8664);
    put32(p, 0x34, 1);
    put32(p, 0x38, 0);
    for (int i = 0; i < 4; i++)
        put64(p, 0x40 + 8 * (size_t)i, 0);
    put64(p, 0x348 + 0xF8, 0xfffff805108776a0); /* Rip */
    put64(p, 0x348 + 0x98, 0xfffff8051388f000); /* Rsp */
    put32(p, 0xF98, type);
}

static void
test_header64(void)
{
    /* BITMAP_KERNEL: BMP_HEADER64 'SDMP' at 0x2000 (kb §4), with the values
     * rizin's test expects of its bmp.dmp (FirstPage 0xa038, Pages 0x40000,
     * TotalPresentPages 0x544b) */
    size_t len = 0x2000 + 0x38 + 8;
    unsigned char *p = xmalloc(len);
    build_header64(p, len, DUMP_TYPE_BITMAP_KERNEL);
    memcpy(p + 0x2000, "SDMPDUMP", 8);
    put64(p, 0x2020, 0xA038);
    put64(p, 0x2028, 0x544B);
    put64(p, 0x2030, 0x40000);
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    enum dump_status st = read_buf(p, len, &c, &d);
    T_EQ_INT("bitmap: ok", st, DUMP_OK);
    if (!T_EQ_INT("bitmap: no diagnostics", d.n, 0))
        print_diags(&d);
    check_invariants("bitmap", &c, st, &d);
    T_EQ_INT("bitmap: type", c.dump_type, DUMP_TYPE_BITMAP_KERNEL);
    T_EQ_STR("bitmap: type word", dump_type_name(c.dump_type), "bitmap-kernel");
    T_CHECK("bitmap: header read", c.has_bitmap);
    T_EQ_HEX("bitmap: first page", c.first_page_offset, 0xA038);
    T_EQ_HEX("bitmap: present pages", c.present_pages, 0x544B);
    T_EQ_HEX("bitmap: pages", c.bitmap_pages, 0x40000);
    T_CHECK("bitmap: bug check 0 is a bug check", c.has_bugcheck && c.bugcheck == 0);
    T_CHECK("bitmap: no driver list", !c.has_drivers && !c.has_stack && !c.has_unloaded);
    T_CHECK("bitmap: PAGE-filled fields absent",
            !c.has_time && !c.has_uptime && !c.has_product_type && !c.has_exception);
    T_EQ_HEX("bitmap: rip", c.pc, 0xfffff805108776a0);
    T_EQ_INT("bitmap: no culprit", c.culprit_rule, CULPRIT_RULE_NONE);
    dump_release(&c);
    diags_release(&d);

    /* FDMP with BITMAP_FULL */
    memcpy(p + 0x2000, "FDMP", 4);
    put32(p, 0xF98, DUMP_TYPE_BITMAP_FULL);
    T_EQ_INT("bitmap full: ok", read_buf(p, len, &c, &d), DUMP_OK);
    T_CHECK("bitmap full: header read", c.has_bitmap && c.dump_type == DUMP_TYPE_BITMAP_FULL);
    dump_release(&c);
    diags_release(&d);

    /* a wrong signature, a cut header */
    memcpy(p + 0x2000, "XDMP", 4);
    T_EQ_INT("bitmap bad signature: partial", read_buf(p, len, &c, &d), DUMP_PARTIAL);
    T_CHECK("bitmap bad signature: said", has_error(&d, "SDMP"));
    T_CHECK("bitmap bad signature: no bitmap", !c.has_bitmap);
    dump_release(&c);
    diags_release(&d);
    memcpy(p + 0x2000, "SDMP", 4);
    T_EQ_INT("bitmap cut: partial", read_buf(p, 0x2010, &c, &d), DUMP_PARTIAL);
    T_CHECK("bitmap cut: said", has_error(&d, "bitmap dump header"));
    dump_release(&c);
    diags_release(&d);

    /* FULL, header only: nothing past the header is read */
    build_header64(p, len, DUMP_TYPE_FULL);
    st = read_buf(p, 0x2000, &c, &d);
    T_EQ_INT("full: ok", st, DUMP_OK);
    check_invariants("full", &c, st, &d);
    T_EQ_STR("full: type word", dump_type_name(c.dump_type), "full");
    T_CHECK("full: header only", !c.has_drivers && !c.has_bitmap && !c.has_stack);
    T_EQ_INT("full: build", c.os_build, 18362);
    T_EQ_INT("full: arch", c.arch, DUMP_ARCH_X64);
    dump_release(&c);
    diags_release(&d);

    /* an unknown dump type is said, not guessed */
    put32(p, 0xF98, 42);
    T_EQ_INT("unknown type: ok", read_buf(p, 0x2000, &c, &d), DUMP_OK);
    T_CHECK("unknown type: a note",
            diags_count(&d, DIAG_NOTE) == 1 && c.has_dump_type && c.dump_type == DUMP_TYPE_UNKNOWN);
    dump_release(&c);
    diags_release(&d);
    free(p);

    /* a 32-bit bitmap dump: header read, the unknown BMP layout said */
    p = xmalloc(0x1000);
    memset(p, 0, 0x1000);
    fill_page(p, 0, 0x1000);
    memcpy(p, "PAGEDUMP", 8);
    put32(p, 0xF88, DUMP_TYPE_BITMAP_KERNEL);
    T_EQ_INT("bitmap32: ok", read_buf(p, 0x1000, &c, &d), DUMP_OK);
    T_CHECK("bitmap32: a note, no bitmap", diags_count(&d, DIAG_NOTE) == 1 && !c.has_bitmap);
    dump_release(&c);
    diags_release(&d);
    free(p);
}

/* ---- signatures, names, helpers ---- */

static void
test_signatures(void)
{
    const struct {
        const char *bytes;
        size_t n;
        enum dump_status st;
    } rows[] = {
        {"", 0, DUMP_UNREADABLE},         {"P", 1, DUMP_UNREADABLE},
        {"PAGE", 4, DUMP_UNREADABLE},     {"PAGEDU6", 7, DUMP_UNREADABLE},
        {"MDM", 3, DUMP_UNREADABLE},      {"MDMP", 4, DUMP_UNREADABLE},
        {"PAGEDU64", 8, DUMP_UNREADABLE}, {"MZ\x90\0", 4, DUMP_NOT_A_DUMP},
        {"PAGEPAGE", 8, DUMP_NOT_A_DUMP}, {"hello, world", 12, DUMP_NOT_A_DUMP},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct crash_dump c;
        struct diags d = DIAGS_INIT;
        enum dump_status st = read_buf(rows[i].bytes, rows[i].n, &c, &d);
        T_EQ_INT(t_fmt("signature %zu bytes '%.*s'", rows[i].n, (int)rows[i].n, rows[i].bytes), st,
                 rows[i].st);
        check_invariants(t_fmt("signature row %zu", i), &c, st, &d);
        if (st == DUMP_UNREADABLE)
            T_CHECK(t_fmt("signature row %zu: offset said", i), has_error(&d, NULL));
        dump_release(&c);
        diags_release(&d);
    }
}

static void
test_names(void)
{
    const struct {
        const char *name;
        bool kernel;
    } rows[] = {
        {"ntoskrnl.exe", true},   {"NTOSKRNL.EXE", true},
        {"ntkrnlmp.exe", true},   {"ntkrnlpa.exe", true},
        {"ntkrla57.exe", true},   {"hal.dll", true},
        {"halmacpi.dll", true},   {"kd.dll", true},
        {"kdcom.dll", true},      {"\\SystemRoot\\system32\\ntoskrnl.exe", true},
        {"amdppm.sys", false},    {"ntfs.sys", false},
        {"ntdll.dll", false},     {"ntoskrnl.sys", false},
        {"ntoskrnl2.exe", false}, {"hal.sys", false},
        {"nt.exe", false},        {"", false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        T_EQ_INT(t_fmt("kernel image '%s'", rows[i].name), dump_is_kernel_image(rows[i].name),
                 rows[i].kernel);
    T_CHECK("kernel image NULL", !dump_is_kernel_image(NULL));

    T_EQ_STR("arch x86", dump_arch_name(DUMP_ARCH_X86), "x86");
    T_EQ_STR("arch arm64", dump_arch_name(DUMP_ARCH_ARM64), "arm64");
    T_EQ_STR("arch unknown", dump_arch_name((enum dump_arch)99), "unknown");
    T_EQ_STR("type summary", dump_type_name(DUMP_TYPE_SUMMARY), "kernel");
    T_EQ_STR("type header", dump_type_name(DUMP_TYPE_HEADER), "header");
    T_EQ_STR("type automatic", dump_type_name(DUMP_TYPE_AUTOMATIC), "automatic");
    T_EQ_STR("type out of range", dump_type_name((enum dump_type)99), "unknown");
    T_EQ_STR("rule none", dump_culprit_rule_name(CULPRIT_RULE_NONE), "none");
    T_EQ_STR("rule stack", dump_culprit_rule_name(CULPRIT_RULE_STACK), "stack");
    T_EQ_STR("format out of range", dump_format_name((enum dump_format)99), "unknown");

    /* UTF-16LE to UTF-8: pairs, unpaired surrogates, controls, NUL, the cap */
    const struct {
        uint16_t u[6];
        size_t n;
        const char *utf8;
    } u16[] = {
        {{'a', 0xE9, 0x20AC}, 3, "a\xC3\xA9\xE2\x82\xAC"},
        {{0xD83D, 0xDE00}, 2, "\xF0\x9F\x98\x80"},
        {{0xD83D, 'x'}, 2, "\xEF\xBF\xBDx"},
        {{0xDE00, 'x'}, 2, "\xEF\xBF\xBDx"},
        {{'x', 0xD83D}, 2, "x\xEF\xBF\xBD"},
        {{'a', 0x1B, 'b'},
         3,
         "a\xEF\xBF\xBD"
         "b"},
        {{'a', 0, 'b'}, 3, "a"},
        {{0}, 0, ""},
    };
    for (size_t i = 0; i < sizeof(u16) / sizeof(u16[0]); i++) {
        unsigned char b[12];
        for (size_t k = 0; k < u16[i].n; k++)
            put16(b, 2 * k, u16[i].u[k]);
        char *s = dump_utf16_to_utf8(b, u16[i].n);
        T_EQ_STR(t_fmt("utf16 row %zu", i), s, u16[i].utf8);
        free(s);
    }
    unsigned char *big = xmalloc(4 * DUMP_MAX_NAME);
    for (size_t k = 0; k < 2 * DUMP_MAX_NAME; k++)
        put16(big, 2 * k, 0x20AC);
    char *s = dump_utf16_to_utf8(big, 2 * DUMP_MAX_NAME);
    T_EQ_INT("utf16 capped at DUMP_MAX_NAME units", strlen(s), 3 * DUMP_MAX_NAME);
    free(s);
    free(big);

    /* dump_driver_at: [base, base+size), no overflow at the top */
    struct dump_driver drv[3] = {
        {.base = 0x1000, .size = 0x100},
        {.base = 0x2000, .size = 0},
        {.base = UINT64_C(0xFFFFFFFFFFFFF000), .size = 0x2000},
    };
    struct crash_dump c = {.drivers = drv, .ndrivers = 3};
    T_CHECK("driver_at base", dump_driver_at(&c, 0x1000) == &drv[0]);
    T_CHECK("driver_at last byte", dump_driver_at(&c, 0x10FF) == &drv[0]);
    T_CHECK("driver_at end excluded", dump_driver_at(&c, 0x1100) == NULL);
    T_CHECK("driver_at size 0", dump_driver_at(&c, 0x2000) == NULL);
    T_CHECK("driver_at top", dump_driver_at(&c, UINT64_MAX) == &drv[2]);
    T_CHECK("driver_at below", dump_driver_at(&c, 0xFFF) == NULL);
}

/* A user-mode minidump laid out by hand (minidumpapiset.h, see dump_mdmp.c):
 * header, 4 directory entries at 0x20, SystemInfo at 80 (56 bytes), a
 * ThreadExList at 136 (one 64-byte thread: stack 64 bytes at 400, context 200
 * at 500, backing store 32 at 720), a Memory64List at 204 (2 ranges of 100
 * bytes from BaseRva 800), a MemoryList at 252 (one range of 50 bytes at
 * 1000): 1050 bytes. Cut anywhere, it must be partial and say where. */
#define MDMP_CUT_SIZE 1050
static void
build_cut_mdmp(unsigned char *b)
{
    memset(b, 0, MDMP_CUT_SIZE);
    memcpy(b, "MDMP", 4);
    put32(b, 4, 0xA793);
    put32(b, 8, 4);
    put32(b, 12, 32);
    const uint32_t dir[4][3] = {{7, 56, 80}, {8, 68, 136}, {9, 48, 204}, {5, 20, 252}};
    for (size_t i = 0; i < 4; i++)
        for (size_t k = 0; k < 3; k++)
            put32(b, 32 + 12 * i + 4 * k, dir[i][k]);
    put16(b, 80, 9); /* x64 */
    put32(b, 80 + 16, 19041);
    put32(b, 136, 1); /* one MINIDUMP_THREAD_EX at 140 */
    put32(b, 140 + 32, 64);
    put32(b, 140 + 36, 400);
    put32(b, 140 + 40, 200);
    put32(b, 140 + 44, 500);
    put32(b, 140 + 56, 32);
    put32(b, 140 + 60, 720);
    put64(b, 204, 2); /* MINIDUMP_MEMORY64_LIST */
    put64(b, 212, 800);
    put64(b, 220 + 8, 100);
    put64(b, 236 + 8, 100);
    put32(b, 252, 1); /* MINIDUMP_MEMORY_LIST */
    put64(b, 256, 0x3000);
    put32(b, 256 + 8, 50);
    put32(b, 256 + 12, 1000);
}

static void
test_mdmp_cut(void)
{
    unsigned char b[MDMP_CUT_SIZE];
    build_cut_mdmp(b);
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    T_EQ_INT("mdmp whole: complete", read_buf(b, sizeof(b), &c, &d), DUMP_OK);
    T_EQ_INT("mdmp whole: no diagnostics", d.n, 0);
    dump_release(&c);
    diags_release(&d);
    const struct {
        size_t cut;
        const char *want[2]; /* errors that must be there */
    } rows[] = {
        {1049,
         {"memory list stream at offset 0xfc: memory range 0 at offset 0x3e8 (50 bytes) runs past "
          "the end of the file (1049 bytes), cut at offset 0x419",
          NULL}},
        {950,
         {"memory64 list stream at offset 0xcc: memory range 1 at offset 0x384 (100 bytes) runs "
          "past the end of the file (950 bytes), cut at offset 0x3b6",
          "memory list stream at offset 0xfc: memory range 0 at offset 0x3e8 (50 bytes) lies "
          "past"}},
        {730,
         {"thread ex list stream at offset 0x88: backing store of thread 0 at offset 0x2d0 (32 "
          "bytes) runs past the end of the file (730 bytes), cut at offset 0x2da",
          "memory64 list stream at offset 0xcc: memory range 0 at offset 0x320 (100 bytes) lies "
          "past"}},
        {450,
         {"thread ex list stream at offset 0x88: stack of thread 0 at offset 0x190 (64 bytes) "
          "runs past the end of the file (450 bytes), cut at offset 0x1c2",
          "thread ex list stream at offset 0x88: context of thread 0 at offset 0x1f4 (200 bytes) "
          "lies past"}},
        {250,
         {"memory64 list stream (directory entry 2 at offset 0x38) at offset 0xcc (48 bytes) runs "
          "past the end of the file (250 bytes), cut at offset 0xfa",
          "memory list stream (directory entry 3 at offset 0x44) at offset 0xfc (20 bytes) lies "
          "past"}},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        enum dump_status st = read_buf(b, rows[i].cut, &c, &d);
        T_EQ_INT(t_fmt("mdmp cut at %zu: partial", rows[i].cut), st, DUMP_PARTIAL);
        T_EQ_INT(t_fmt("mdmp cut at %zu: the system info still read", rows[i].cut), c.os_build,
                 19041);
        for (size_t k = 0; k < 2 && rows[i].want[k]; k++)
            if (!T_CHECK(t_fmt("mdmp cut at %zu: error %zu", rows[i].cut, k),
                         has_error(&d, rows[i].want[k])))
                print_diags(&d);
        dump_release(&c);
        diags_release(&d);
    }
    /* a list that claims more entries than its stream holds */
    put32(b, 252, 5);
    T_EQ_INT("mdmp memory list count past its stream: partial", read_buf(b, sizeof(b), &c, &d),
             DUMP_PARTIAL);
    T_CHECK("mdmp memory list count past its stream: said",
            has_error(&d, "memory list stream at offset 0xfc: 20 bytes hold 1 of its 5 entries"));
    dump_release(&c);
    diags_release(&d);
}

int
test_dump(void)
{
    int before = t_failed;
    test_names();
    test_signatures();
    test_dump32();
    test_header64();
    test_kernel_samples();
    test_calc();
    test_mdmp_cut();
    return t_failed - before;
}
