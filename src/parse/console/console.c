/* console: the guest console reader and the stop-code reader (see console.h).
 *
 * One table row per message form: the words a line must hold (all of them,
 * ASCII case ignored) and, per kind, what the message means and where its
 * text comes from. Every needle is copied from the source's own format
 * string, never from memory of a screen. */
#include "parse/console/console.h"
#include "util/util_text.h"
#include "parse/dump/bugcheck.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct kind_def {
    const char *id;
    const char *what;
    const char *source;
} kinds[CON__COUNT] = {
    [CON_ROOT_MOUNT] = {"root-mount",
                        "the kernel could not mount its root file system: no driver for the boot "
                        "disk's controller (the Linux twin of Windows 0x7B), or a wrong root=",
                        "Linux init/do_mounts.c: panic(\"VFS: Unable to mount root fs on %s\"), "
                        "\"VFS: Cannot open root device\""},
    [CON_DRACUT_TIMEOUT] = {"dracut-timeout",
                            "the initramfs waited for the root device and gave up: its storage "
                            "driver is missing or the disk is not seen",
                            "dracut modules.d/98dracut-systemd/dracut-initqueue.sh: "
                            "warn \"dracut-initqueue timeout - starting timeout scripts\""},
    [CON_DRACUT_MISSING] = {"dracut-missing",
                            "the initramfs never saw the root device (no driver for its controller)",
                            "dracut (dracut-lib.sh warn, after the initqueue timeout): "
                            "\"Warning: /dev/... does not exist\""},
    [CON_KVM_BIOS] = {"kvm-bios",
                      "KVM found VT-x/AMD-V switched off: in a VM, hardware virtualization is not "
                      "exposed (vhv.enable)",
                      "Linux arch/x86/kvm/x86.c kvm_arch_init: \"kvm: disabled by bios\" (5.16 and "
                      "later: \"kvm: support for '%s' disabled by bios\")"},
    [CON_KVM_NOHW] = {"kvm-nohw",
                      "KVM found no VT-x/AMD-V in the vCPU: hardware virtualization is not exposed "
                      "to this VM (vhv.enable)",
                      "Linux arch/x86/kvm/x86.c kvm_arch_init: \"kvm: no hardware support\""},
    [CON_KERNEL_BUG] = {"kernel-bug",
                        "a kernel BUG() assertion (its oops says \"invalid opcode\" because x86 "
                        "BUG() is the ud2 instruction: not a missing CPU feature)",
                        "Linux lib/bug.c: \"kernel BUG at %s:%u!\"; arch/x86/include/asm/bug.h (ud2)"},
    [CON_INVALID_OPCODE] = {"invalid-opcode",
                            "the CPU refused an instruction (#UD): the vCPU lacks a feature the "
                            "code uses (an EVC baseline or cpuid mask hiding it)",
                            "Linux arch/x86/kernel/traps.c: #UD trap \"invalid opcode\""},
    [CON_CPU_FEATURES] = {"cpu-features",
                          "the kernel needs CPU features the vCPU does not show (masked by EVC or "
                          "cpuid.* keys)",
                          "Linux arch/x86/boot/cpu.c: \"This kernel requires the following "
                          "features not present on the CPU:\""},
    [CON_ISA_LEVEL] = {"isa-level",
                       "the C library was built for an x86-64 level (v2: POPCNT, SSE4.2) the vCPU "
                       "does not reach",
                       "glibc 2.33 and later, dynamic loader ISA level check: \"Fatal glibc error: "
                       "CPU does not support x86-64-v2\""},
    [CON_SOFT_LOCKUP] = {"soft-lockup",
                         "a vCPU did not run for seconds: host CPU contention or a stalled vCPU",
                         "Linux kernel/watchdog.c: \"BUG: soft lockup - CPU#%d stuck for %us!\""},
    [CON_TSC_UNSTABLE] = {"tsc-unstable",
                          "the guest clock jumped: the TSC was marked unstable",
                          "Linux arch/x86/kernel/tsc.c: \"Marking TSC unstable due to %s\"; "
                          "kernel/time/clocksource.c: \"Marking clocksource '%s' as unstable\", "
                          "older \"Clocksource %s unstable\""},
    [CON_OOM] = {"oom", "the guest ran out of memory and the OOM killer ended a process",
                 "Linux mm/oom_kill.c: \"Out of memory: Kill process\" (5.x: \"Out of memory: "
                 "Killed process\")"},
    [CON_PANIC] = {"panic", "the Linux kernel panicked (it stops; the line says why)",
                   "Linux kernel/panic.c: \"Kernel panic - not syncing: %s\""},
    [CON_VMXNET3] = {"vmxnet3",
                     "the VMXNET3 driver reported a stopped queue or failed to start the adapter",
                     "Linux drivers/net/vmxnet3/vmxnet3_drv.c: \"%s: tq[%d] error 0x%x\", "
                     "\"%s: rq[%d] error 0x%x\", probe failures"},
    [CON_WIN_STOP] = {"win-stop", "a Windows stop screen (blue screen) with its stop code",
                      "Microsoft bug check code reference: the stop screen's \"Stop code:\" line "
                      "(Windows 10 and later), \"*** STOP: 0x...\" (Windows 7 and earlier)"},
    [CON_VHC_TYPO] = {"vhc-typo",
                      "the text sets vhc.enable (for instance 'esxcli system settings kernel set "
                      "-s vhc.enable'): no ESXi or VMX setting has that name; nested "
                      "virtualization is the VM's vhv.enable (Expose hardware assisted "
                      "virtualization)",
                      "vSphere API VirtualMachineConfigSpec.nestedHVEnabled, written vhv.enable "
                      "in the .vmx (rules/vmx-nested.yml vmx-vhc-enable-typo)"},
};

/* A line holds every non-NULL word of a row. */
static const struct pattern {
    enum console_kind kind;
    const char *a, *b;
} patterns[] = {
    {CON_ROOT_MOUNT, "VFS: Unable to mount root fs", NULL},
    {CON_ROOT_MOUNT, "VFS: Cannot open root device", NULL},
    {CON_DRACUT_TIMEOUT, "dracut-initqueue timeout", NULL},
    {CON_DRACUT_MISSING, "Warning: /dev/", " does not exist"},
    {CON_KVM_BIOS, "kvm: ", "disabled by bios"},
    {CON_KVM_NOHW, "kvm: no hardware support", NULL},
    {CON_KERNEL_BUG, "kernel BUG at ", NULL},
    {CON_INVALID_OPCODE, "invalid opcode", NULL},
    {CON_CPU_FEATURES, "This kernel requires the following features not present on the CPU", NULL},
    {CON_CPU_FEATURES, "This kernel requires an x86-64 CPU", NULL},
    {CON_ISA_LEVEL, "CPU does not support x86-64-v", NULL},
    {CON_SOFT_LOCKUP, "soft lockup - CPU#", NULL},
    {CON_TSC_UNSTABLE, "Marking TSC unstable", NULL},
    {CON_TSC_UNSTABLE, "clocksource", " unstable"},
    {CON_OOM, "Out of memory: Kill", NULL},
    {CON_OOM, "Killed process ", NULL},
    {CON_PANIC, "Kernel panic - not syncing", NULL},
    {CON_VMXNET3, "] error 0x", "tq["},
    {CON_VMXNET3, "] error 0x", "rq["},
    {CON_VMXNET3, "vmxnet3", "fail"},
    {CON_VHC_TYPO, "vhc.enable", NULL},
};

/* The oops after a kernel BUG() says "invalid opcode" (ud2) within a few lines. */
#define BUG_OOPS_LINES 4

const char *
console_kind_id(enum console_kind k)
{
    return (unsigned)k < CON__COUNT ? kinds[k].id : "unknown";
}

const char *
console_kind_what(enum console_kind k)
{
    return (unsigned)k < CON__COUNT ? kinds[k].what : "unknown";
}

const char *
console_kind_source(enum console_kind k)
{
    return (unsigned)k < CON__COUNT ? kinds[k].source : "unknown";
}

int
console_kind_from_id(const char *id)
{
    for (int k = 0; k < CON__COUNT; k++)
        if (strcmp(kinds[k].id, id) == 0)
            return k;
    return -1;
}

static bool
is_hex_word(const char *s, size_t n)
{
    if (n == 0 || n > 8)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

int
stopcode_parse(const char *s, size_t len, uint32_t *code)
{
    /* the last: vmware.log's record of the code a Windows guest wrote to the
       hypervisor's crash MSR (rules/log-vm.yml log-vm-guest-bsod, KB 427504) */
    static const char *const prefixes[] = {"stop code:", "*** stop:", "stop:",
                                           "search online later for this error:",
                                           "winbsod: synthetic msr[0x40000100]"};
    const char *end = s + len;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        const char *p = find_ci_n(s, len, prefixes[i], strlen(prefixes[i]));
        if (p) {
            s = p + strlen(prefixes[i]);
            break;
        }
    }
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n' ||
                       end[-1] == '.'))
        end--;
    /* the first word: a code, or a name (Windows writes names with '_'; an
     * admin may type blanks) up to a '(' or the end */
    const char *w = s;
    if (end - w > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        w += 2;
        size_t n = 0;
        while (w + n < end && isxdigit((unsigned char)w[n]))
            n++;
        const char *after = w + n;
        if (!is_hex_word(w, n) || (after < end && *after != ' ' && *after != '(' && *after != ','))
            return -1;
        char *tmp = xstrndup(w, n);
        *code = (uint32_t)strtoul(tmp, NULL, 16);
        free(tmp);
        return 0;
    }
    if (is_hex_word(w, (size_t)(end - w))) {
        char *tmp = xstrndup(w, (size_t)(end - w));
        *code = (uint32_t)strtoul(tmp, NULL, 16);
        free(tmp);
        return 0;
    }
    char name[96];
    size_t n = 0;
    for (const char *p = w; p < end && *p != '('; p++) {
        unsigned char c = (unsigned char)*p;
        if (n + 1 >= sizeof(name))
            return -1;
        if (c == ' ' || c == '\t' || c == '-')
            c = '_';
        else if (!isalnum(c) && c != '_')
            return -1;
        name[n++] = (char)toupper(c);
    }
    while (n > 0 && name[n - 1] == '_')
        n--;
    name[n] = '\0';
    if (n == 0)
        return -1;
    long long v = bugcheck_code(name);
    if (v < 0)
        return -1;
    *code = (uint32_t)v;
    return 0;
}

/* The line's text as kept: control bytes dropped (ANSI escapes lose their ESC),
 * at most CONSOLE_MAX_TEXT bytes, cut on a UTF-8 boundary. */
static char *
keep_text(const char *s, size_t n)
{
    char *t = xmalloc(CONSOLE_MAX_TEXT + 1);
    size_t k = 0, i = 0;
    for (; i < n && k < CONSOLE_MAX_TEXT; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            continue;
        t[k++] = (char)c;
    }
    if (i < n) { /* cut: drop a character the cut split (and its lead byte) */
        while (k > 0 && ((unsigned char)t[k - 1] & 0xC0) == 0x80)
            k--;
        if (k > 0 && ((unsigned char)t[k - 1] & 0xC0) == 0xC0)
            k--;
    }
    t[k] = '\0';
    return t;
}

static void
add_event(struct console_info *c, enum console_kind kind, unsigned long line, const char *s,
          size_t n)
{
    if (c->nev == CONSOLE_MAX_EVENTS) {
        c->dropped++;
        return;
    }
    c->ev = xreallocarray(c->ev, c->nev + 1, sizeof(*c->ev));
    c->ev[c->nev++] = (struct console_event){kind, line, keep_text(s, n)};
}

static void
read_line(struct console_info *c, const char *s, size_t n, unsigned long line,
          unsigned long *last_bug, const char *name, struct diags *d)
{
    bool seen[CON__COUNT] = {false};
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        const struct pattern *p = &patterns[i];
        if (seen[p->kind] || !find_ci_n(s, n, p->a, strlen(p->a)) ||
            (p->b && !find_ci_n(s, n, p->b, strlen(p->b))))
            continue;
        if (p->kind == CON_INVALID_OPCODE && *last_bug && line - *last_bug <= BUG_OOPS_LINES)
            continue; /* the BUG()'s own ud2 */
        if (p->kind == CON_KERNEL_BUG)
            *last_bug = line;
        seen[p->kind] = true;
        add_event(c, p->kind, line, s, n);
    }
    static const char *const stop_words[] = {"Stop code:", "*** STOP: 0x",
                                             "search online later for this error:",
                                             "WinBSOD: Synthetic MSR[0x40000100]"};
    for (size_t i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++) {
        if (!find_ci_n(s, n, stop_words[i], strlen(stop_words[i])))
            continue;
        uint32_t code;
        if (stopcode_parse(s, n, &code) == 0) {
            add_event(c, CON_WIN_STOP, line, s, n);
            if (!c->has_stop) {
                c->has_stop = true;
                c->stop_code = code;
                c->stop_line = line;
            }
        } else {
            diags_add(d, DIAG_NOTE, name, line,
                      "a Windows stop line whose code is not a known bug check; not used");
        }
        break;
    }
}

int
console_parse(const char *text, size_t len, const char *name, struct console_info *out,
              struct diags *d)
{
    *out = (struct console_info){0};
    if (len > CONSOLE_MAX_BYTES) {
        diags_add(d, DIAG_ERROR, name, 0, "larger than %u MiB: not a console text (at offset %u)",
                  CONSOLE_MAX_BYTES >> 20, CONSOLE_MAX_BYTES);
        return -1;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        diags_add(d, DIAG_ERROR, name, 0,
                  "a NUL byte at offset %zu: not a console text (binary file?)",
                  (size_t)(nul - text));
        return -1;
    }
    unsigned long line = 0, last_bug = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        read_line(out, p, (size_t)(e - p), line, &last_bug, name, d);
        p = nl ? nl + 1 : end;
    }
    out->lines = line;
    return 0;
}

void
console_release(struct console_info *c)
{
    for (size_t i = 0; i < c->nev; i++)
        free(c->ev[i].text);
    free(c->ev);
    *c = (struct console_info){0};
}
