/* test_console: the guest console reader and the stop-code reader
 * (src/parse/console/console.c), and the diagnose tree's data
 * (data/diagnose_tree.tsv) naming only console messages the reader knows.
 *
 * The console lines are written here in the shapes their sources print (each
 * format string cited in console.c: init/do_mounts.c, dracut-initqueue.sh,
 * arch/x86/kvm/x86.c, lib/bug.c, arch/x86/kernel/traps.c, arch/x86/boot/cpu.c,
 * kernel/watchdog.c, arch/x86/kernel/tsc.c, mm/oom_kill.c, kernel/panic.c,
 * drivers/net/vmxnet3/vmxnet3_drv.c), behind dmesg, journal and serial
 * prefixes; expected kinds and line numbers are read off these texts. Stop
 * codes are checked against data/bugcheck_codes.tsv's rows (0x7B
 * INACCESSIBLE_BOOT_DEVICE, 0x139 KERNEL_SECURITY_CHECK_FAILURE). */
#include "findings/diagnose.h"
#include "parse/console/console.h"
#include "rules/rules.h"
#include "t.h"

#include <stdlib.h>
#include <string.h>

int test_console(void);

/* How many events of `kind` the text gave, and the line of the first. */
static size_t
count_kind(const struct console_info *c, enum console_kind kind, unsigned long *line)
{
    size_t n = 0;
    *line = 0;
    for (size_t i = 0; i < c->nev; i++)
        if (c->ev[i].kind == kind && n++ == 0)
            *line = c->ev[i].line;
    return n;
}

static const struct {
    const char *text;
    enum console_kind kind;
    unsigned long line;
} rows[] = {
    {"[    5.112250] Kernel panic - not syncing: VFS: Unable to mount root fs on "
     "unknown-block(0,0)\n",
     CON_ROOT_MOUNT, 1},
    {"boot\n[    5.1] VFS: Cannot open root device \"sda1\" or unknown-block(0,0): error -6\n",
     CON_ROOT_MOUNT, 2},
    {"[  199.101] dracut-initqueue[450]: Warning: dracut-initqueue timeout - starting timeout "
     "scripts\n",
     CON_DRACUT_TIMEOUT, 1},
    {"a\nb\n[  200.1] dracut-initqueue[482]: Warning: /dev/mapper/rhel-root does not exist\n",
     CON_DRACUT_MISSING, 3},
    {"Mar 3 21:30:12 cna kernel: kvm: disabled by bios\n", CON_KVM_BIOS, 1},
    {"[ 5.2] kvm: support for 'kvm_intel' disabled by bios\n", CON_KVM_BIOS, 1},
    {"[    3.000000] kvm: no hardware support\n", CON_KVM_NOHW, 1},
    {"step 2:\nesxcli system settings kernel set -s vhc.enable -v TRUE\n", CON_VHC_TYPO, 2},
    {"vhc.enable = \"TRUE\"\n", CON_VHC_TYPO, 1},
    {"2023-01-01T00:00:00Z| vcpu-0| WinBSOD: Synthetic MSR[0x40000100] 0x7b\n", CON_WIN_STOP, 1},
    {"[ 12.3] invalid opcode: 0000 [#1] SMP NOPTI\n", CON_INVALID_OPCODE, 1},
    {"traps: python3[1234] trap invalid opcode ip:7f0 sp:7ff error:0 in libc.so.6\n",
     CON_INVALID_OPCODE, 1},
    {"This kernel requires the following features not present on the CPU:\npopcnt\n",
     CON_CPU_FEATURES, 1},
    {"Fatal glibc error: CPU does not support x86-64-v2\n", CON_ISA_LEVEL, 1},
    {"[ 120.5] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:1:42]\n",
     CON_SOFT_LOCKUP, 1},
    {"[ 0.48] Marking TSC unstable due to check_tsc_sync_source failed\n", CON_TSC_UNSTABLE, 1},
    {"[ 41.8] clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' as unstable "
     "because the skew is too large:\n",
     CON_TSC_UNSTABLE, 1},
    {"[ 99.1] Out of memory: Killed process 4242 (java) total-vm:8000kB\n", CON_OOM, 1},
    {"[ 99.1] Out of memory: Kill process 4242 (java) score 900 or sacrifice child\n", CON_OOM, 1},
    {"[ 10.0] net ens192: ens192: tq[0] error 0x80000000\n", CON_VMXNET3, 1},
    {"[ 10.0] vmxnet3 0000:0b:00.0 ens192: rq[1] error 0x80000000\n", CON_VMXNET3, 1},
    {"Kernel panic - not syncing: Fatal exception in interrupt\n", CON_PANIC, 1},
    {"Your PC ran into a problem and needs to restart.\r\nStop code: INACCESSIBLE_BOOT_DEVICE\r\n",
     CON_WIN_STOP, 2},
    {"*** STOP: 0x0000007B (0xF78D2524,0xC0000034,0x00000000,0x00000000)\n", CON_WIN_STOP, 1},
};

static void
test_kinds(void)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct console_info c;
        struct diags d = DIAGS_INIT;
        int rc = console_parse(rows[i].text, strlen(rows[i].text), "con.txt", &c, &d);
        unsigned long line;
        T_EQ_INT(t_fmt("row %zu: parses", i), rc, 0);
        T_EQ_INT(t_fmt("row %zu: one %s event", i, console_kind_id(rows[i].kind)),
                 count_kind(&c, rows[i].kind, &line), 1);
        T_EQ_INT(t_fmt("row %zu: on line %lu", i, rows[i].line), line, rows[i].line);
        T_EQ_INT(t_fmt("row %zu: no error", i), diags_count(&d, DIAG_ERROR), 0);
        console_release(&c);
        diags_release(&d);
    }
}

static void
test_shapes(void)
{
    struct console_info c;
    struct diags d = DIAGS_INIT;
    /* a kernel BUG(): its oops says "invalid opcode" (ud2), which is no CPU feature */
    const char *bug = "[ 1.0] kernel BUG at mm/slub.c:3952!\n"
                      "[ 1.0] invalid opcode: 0000 [#1] SMP PTI\n"
                      "[ 1.0] CPU: 0 PID: 1 Comm: swapper\n";
    unsigned long line;
    T_EQ_INT("BUG: parses", console_parse(bug, strlen(bug), "b", &c, &d), 0);
    T_EQ_INT("BUG: one kernel-bug", count_kind(&c, CON_KERNEL_BUG, &line), 1);
    T_EQ_INT("BUG: its invalid opcode is not a CPU-feature event",
             count_kind(&c, CON_INVALID_OPCODE, &line), 0);
    console_release(&c);

    /* the panic line that names its reason gives both events on that line */
    const char *both = "Kernel panic - not syncing: VFS: Unable to mount root fs on sda1\n";
    console_parse(both, strlen(both), "p", &c, &d);
    T_EQ_INT("panic + root-mount on one line: two events", c.nev, 2);
    console_release(&c);

    /* a normal boot: no event, every line counted */
    const char *boot = "[ 0.0] Linux version 5.14\n[ 1.0] EXT4-fs (sda1): mounted filesystem\n"
                       "[ 2.0] e1000: Intel(R) PRO/1000 Network Driver\n";
    T_EQ_INT("clean boot: parses", console_parse(boot, strlen(boot), "c", &c, &d), 0);
    T_EQ_INT("clean boot: no event", c.nev, 0);
    T_EQ_INT("clean boot: 3 lines", c.lines, 3);
    T_CHECK("clean boot: no stop code", !c.has_stop);
    console_release(&c);

    /* a Windows 10 stop screen: the code and its line */
    const char *win = "Your device ran into a problem and needs to restart.\n\n"
                      "Stop code: KERNEL_SECURITY_CHECK_FAILURE\n";
    console_parse(win, strlen(win), "w", &c, &d);
    T_CHECK("stop screen: has the stop code", c.has_stop);
    T_EQ_INT("stop screen: 0x139", c.stop_code, 0x139);
    T_EQ_INT("stop screen: line 3", c.stop_line, 3);
    console_release(&c);

    /* an unknown name on a stop line is a note naming the line, not an error */
    const char *odd = "x\nStop code: NOT_A_REAL_BUGCHECK_NAME\n";
    size_t before = d.n;
    T_EQ_INT("unknown stop name: parses", console_parse(odd, strlen(odd), "o", &c, &d), 0);
    T_CHECK("unknown stop name: a note on line 2",
            d.n == before + 1 && d.v[before].level == DIAG_NOTE && d.v[before].line == 2);
    T_CHECK("unknown stop name: no stop code", !c.has_stop);
    console_release(&c);

    /* a NUL byte: one error naming its offset */
    const char nul[] = "abc\0def\n";
    diags_release(&d);
    T_EQ_INT("NUL: -1", console_parse(nul, sizeof(nul) - 1, "n", &c, &d), -1);
    T_CHECK("NUL: one error at offset 3",
            diags_count(&d, DIAG_ERROR) == 1 && strstr(d.v[0].message, "offset 3") != NULL);
    console_release(&c);
    diags_release(&d);

    /* control bytes never reach the kept text; a long line is cut */
    char lng[600];
    memset(lng, 'a', sizeof(lng));
    memcpy(lng, "\x1b[31mKernel panic - not syncing: x", 34);
    lng[sizeof(lng) - 1] = '\n';
    console_parse(lng, sizeof(lng), "l", &c, &d);
    T_EQ_INT("long line: one event", c.nev, 1);
    T_CHECK("long line: text cut to CONSOLE_MAX_TEXT, no ESC",
            c.nev == 1 && strlen(c.ev[0].text) <= CONSOLE_MAX_TEXT &&
                strchr(c.ev[0].text, 0x1b) == NULL);
    console_release(&c);
    diags_release(&d);

    /* events past CONSOLE_MAX_EVENTS are counted, not kept */
    size_t nl = CONSOLE_MAX_EVENTS + 5, len = 0;
    const char *one = "kvm: no hardware support\n";
    char *many = malloc(nl * strlen(one));
    for (size_t i = 0; i < nl; i++) {
        memcpy(many + len, one, strlen(one));
        len += strlen(one);
    }
    console_parse(many, len, "m", &c, &d);
    T_EQ_INT("many: kept", c.nev, CONSOLE_MAX_EVENTS);
    T_EQ_INT("many: dropped", c.dropped, 5);
    console_release(&c);
    diags_release(&d);
    free(many);
}

static void
test_stopcodes(void)
{
    static const struct {
        const char *in;
        int rc;
        unsigned code;
    } sc[] = {
        {"0x7B", 0, 0x7B},
        {"7B", 0, 0x7B},
        {"7b", 0, 0x7B},
        {"0x0000007B", 0, 0x7B},
        {"INACCESSIBLE_BOOT_DEVICE", 0, 0x7B},
        {"inaccessible boot device", 0, 0x7B},
        {"Stop code: INACCESSIBLE_BOOT_DEVICE", 0, 0x7B},
        {"*** STOP: 0x0000007B (0xF78D2524,0xC0000034,0x00000000,0x00000000)", 0, 0x7B},
        {"KERNEL_SECURITY_CHECK_FAILURE", 0, 0x139},
        {"0x139", 0, 0x139},
        {"0x7Q", -1, 0},
        {"", -1, 0},
        {"0x", -1, 0},
        {"123456789", -1, 0},
        {"NO_SUCH_BUGCHECK", -1, 0},
        {"INACCESSIBLE_BOOT_DEVICE; rm -rf /", -1, 0},
    };
    for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
        uint32_t code = 0;
        int rc = stopcode_parse(sc[i].in, strlen(sc[i].in), &code);
        T_EQ_INT(t_fmt("stop code '%s': rc", sc[i].in), rc, sc[i].rc);
        if (sc[i].rc == 0)
            T_EQ_INT(t_fmt("stop code '%s': code", sc[i].in), code, sc[i].code);
    }
}

/* Every console id the tree names is one the reader gives. */
static void
test_tree(void)
{
    size_t n;
    const char *const *ids = diagnose_tree_ids(&n);
    T_CHECK("the tree has nodes, stop-code first", n > 10 && strcmp(ids[0], "stop-code") == 0);
    for (int k = 0; k < CON__COUNT; k++) {
        T_EQ_INT(t_fmt("kind %d round-trips its id", k),
                 console_kind_from_id(console_kind_id((enum console_kind)k)), k);
        T_CHECK(t_fmt("kind %d cites a source", k),
                strlen(console_kind_source((enum console_kind)k)) > 10);
    }
    T_EQ_INT("an unknown id", console_kind_from_id("nope"), -1);
    /* every rule the tree names exists among the built-in rules (a "name-*" prefix matches one) */
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    T_EQ_INT("built-in rules load", rules_load_builtin(&rs, &d), 0);
    for (size_t i = 0; i < n; i++) {
        const char *rules = diagnose_tree_field(i, 3);
        if (strcmp(rules, "-") == 0)
            continue;
        char *copy = strdup(rules), *save = NULL;
        for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
            size_t l = strlen(id);
            bool found = false;
            for (size_t k = 0; k < rs.n && !found; k++)
                found = id[l - 1] == '*' ? strncmp(rs.v[k]->id, id, l - 1) == 0
                                         : strcmp(rs.v[k]->id, id) == 0;
            T_CHECK(t_fmt("tree node %s: rule %s exists", ids[i], id), found);
        }
        free(copy);
    }
    ruleset_release(&rs);
    diags_release(&d);
}

int
test_console(void)
{
    int before = t_failed;
    test_kinds();
    test_shapes();
    test_stopcodes();
    test_tree();
    return t_failed - before;
}
