/* cpu_parse: reads a CPU listing (/proc/cpuinfo, lscpu, esxcli hardware
 * cpu) into struct cpu_info; the contract is in cpu.h.
 *
 * The format is told by the first key that only one of them uses (cpuinfo
 * `processor`, lscpu `Architecture`, esxcli `CPU Packages` or a `CPU:0`
 * heading); after that a key only another format uses is an error, so two
 * listings pasted into one file are not silently merged. The flags of the
 * first processor that lists any are the ones checked: the other
 * processors' flags are compared with them and a note says when they differ
 * (vCPUs of one VM that disagree point at a broken CPUID mask). `grep flags
 * /proc/cpuinfo` output, with no `processor` lines, counts one processor per
 * `flags` line. */
#include "parse/cpu/cpu.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "util/util_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A slice of the text: not NUL-terminated. */
struct span {
    const char *p;
    size_t n;
};

static bool
span_is(struct span s, const char *lit)
{
    size_t l = strlen(lit);
    return s.n == l && memcmp(s.p, lit, l) == 0;
}

static bool
span_starts(struct span s, const char *lit)
{
    size_t l = strlen(lit);
    return s.n >= l && memcmp(s.p, lit, l) == 0;
}

/* Blanks inside a line: a CR that is not the line's end (a text edited on
 * two systems) separates words as a space does. */
static bool
is_sp(char c)
{
    return is_blank(c) || c == '\r';
}

static struct span
trim(struct span s)
{
    while (s.n && is_sp(*s.p))
        s.p++, s.n--;
    while (s.n && is_sp(s.p[s.n - 1]))
        s.n--;
    return s;
}

/* Owned copy of n bytes of s, each tab or CR a space (checked input holds
 * no other control byte), so that texts print on one line. */
static char *
dup_printable(const char *s, size_t n)
{
    char *d = xstrndup(s, n);
    for (char *p = d; *p; p++)
        if (*p == '\t' || *p == '\r')
            *p = ' ';
    return d;
}

/* Owned copy of a value, cut to CPU_MAX_VALUE bytes on a UTF-8 boundary. */
static char *
value_dup(struct span v)
{
    size_t n = v.n;
    if (n > CPU_MAX_VALUE) {
        n = CPU_MAX_VALUE;
        while (n > 0 && ((unsigned char)v.p[n] & 0xC0) == 0x80)
            n--;
    }
    return dup_printable(v.p, n);
}

/* A decimal number of at most 18 digits (no sign). */
static bool
span_long(struct span s, long *out)
{
    if (s.n == 0 || s.n > 18)
        return false;
    long v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        v = v * 10 + (s.p[i] - '0');
    }
    *out = v;
    return true;
}

/* Keys that only one format uses: they tell the format, and one of another
 * format after it is an error. Case matters (cpuinfo `model name`, lscpu
 * `Model name`). */
static const char *const signature_keys[][14] = {
    [CPU_FORMAT_CPUINFO] = {"processor", "Processor", "vendor_id", "flags", "vmx flags",
                            "model name", "cpu family", "Features", "CPU implementer",
                            "CPU architecture", "CPU part", NULL},
    [CPU_FORMAT_LSCPU] = {"Architecture", "CPU(s)", "Vendor ID", "Model name", "Flags",
                          "Byte Order", "CPU op-mode(s)", "Hypervisor vendor", "Virtualization",
                          "Virtualization type", "Thread(s) per core", "Socket(s)", NULL},
    [CPU_FORMAT_ESXCLI] = {"CPU Packages", "CPU Cores", "CPU Threads", "HV Support",
                           "Hyperthreading Active", "Hyperthreading Supported",
                           "Hyperthreading Enabled", "Package Id", "Brand", "Core Speed",
                           "Bus Speed", "CPU", NULL},
};

static int
signature_format(struct span key)
{
    for (int f = 0; f < 3; f++)
        for (size_t i = 0; signature_keys[f][i]; i++)
            if (span_is(key, signature_keys[f][i]))
                return f;
    return -1;
}

/* A pasted command line: `[root@esx:~] esxcli hardware cpu global get`,
 * `$ lscpu`, `# cat /proc/cpuinfo`. */
static bool
is_command_line(struct span s)
{
    static const char *const needles[] = {"esxcli hardware cpu", "/proc/cpuinfo"};
    for (size_t k = 0; k < sizeof(needles) / sizeof(needles[0]); k++) {
        size_t l = strlen(needles[k]);
        for (size_t i = 0; i + l <= s.n; i++)
            if (memcmp(s.p + i, needles[k], l) == 0)
                return true;
    }
    /* `lscpu` as a word at the end of the line, or followed by options */
    for (size_t i = 0; i + 5 <= s.n; i++) {
        if (memcmp(s.p + i, "lscpu", 5) != 0)
            continue;
        bool start = i == 0 || is_sp(s.p[i - 1]) || s.p[i - 1] == '$' || s.p[i - 1] == '#' ||
                     s.p[i - 1] == ']';
        bool end = i + 5 == s.n || is_sp(s.p[i + 5]);
        if (start && end)
            return true;
    }
    return false;
}

struct parser {
    const char *name;
    struct diags *d;
    struct cpu_info *c;
    int format; /* -1 until a signature key */
    unsigned long line;
    bool failed;
    /* per processor: its flags lines, normalised, to compare with the first */
    long nproc;       /* processor entries begun (explicit or implied) */
    long nproc_lines; /* `processor` lines seen */
    unsigned long proc_line;
    long kept;               /* the processor whose flags are kept (1-based), 0 before one */
    bool cur_flags, cur_vmx; /* the current processor already has a flags / vmx flags line */
    struct buf cur, first;
    bool noted;
    /* hints for the architecture */
    bool saw_x86, saw_arm;
    long arm_arch;
    char *lscpu_arch;
    char *esx_family, *esx_model;
    long esx_headings;
};

/* The first error ends the reading: one clear line, not a cascade. */
static void __attribute__((format(printf, 3, 4)))
fail(struct parser *P, unsigned long line, const char *fmt, ...)
{
    if (P->failed)
        return;
    P->failed = true;
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    diags_add(P->d, DIAG_ERROR, P->name, line, "%s", buf_str(&b));
    buf_release(&b);
}

/* A short, printable quote of a line for a message. */
static char *
quote(struct span s)
{
    size_t n = s.n > 60 ? 60 : s.n;
    while (n > 0 && n < s.n && ((unsigned char)s.p[n] & 0xC0) == 0x80)
        n--;
    char *q = dup_printable(s.p, n), *r = xasprintf("%s%s", q, n < s.n ? "..." : "");
    free(q);
    return r;
}

/* Ends the current processor: the flags of the first one that has flags
 * are kept, to compare the others with. */
static void
end_processor(struct parser *P)
{
    if (P->cur.len == 0) {
        /* no flags line: nothing to compare */
    } else if (P->kept == P->nproc) {
        buf_reset(&P->first);
        buf_add(&P->first, P->cur.p, P->cur.len);
    } else if (P->cur.len != P->first.len || memcmp(P->cur.p, P->first.p, P->cur.len) != 0) {
        if (P->c->flags_consistent) {
            P->c->flags_consistent = false;
            P->c->differ_line = P->proc_line;
        }
        if (!P->noted) {
            P->noted = true;
            diags_add(
                P->d, DIAG_NOTE, P->name, P->proc_line,
                "processor %ld lists other flags than processor %ld; the latter's are checked",
                P->nproc - 1, P->kept - 1);
        }
    }
    buf_reset(&P->cur);
    P->cur_flags = P->cur_vmx = false;
}

static void
begin_processor(struct parser *P)
{
    end_processor(P);
    P->nproc++;
    P->proc_line = P->line;
}

static void
add_flag(struct parser *P, struct span w)
{
    struct cpu_info *c = P->c;
    for (size_t i = 0; i < c->nflags; i++)
        if (strlen(c->flags[i]) == w.n && memcmp(c->flags[i], w.p, w.n) == 0)
            return;
    if (c->nflags == CPU_MAX_FLAGS) {
        fail(P, P->line, "more than %d flags: not a flags line", CPU_MAX_FLAGS);
        return;
    }
    c->flags = xreallocarray(c->flags, c->nflags + 1, sizeof(*c->flags));
    c->flags[c->nflags++] = xstrndup(w.p, w.n);
}

/* A flags, vmx flags, Features or Flags line: `tag` keeps the kinds apart
 * in the per-processor text that is compared. */
static void
flags_line(struct parser *P, char tag, struct span v)
{
    buf_addc(&P->cur, tag);
    if (P->kept == 0) {
        P->kept = P->nproc;
        P->c->flags_line = P->line;
        P->c->flags_processor = P->nproc - 1;
    }
    P->c->has_flags = true;
    for (size_t i = 0; i < v.n && !P->failed;) {
        while (i < v.n && is_sp(v.p[i]))
            i++;
        size_t s = i;
        while (i < v.n && !is_sp(v.p[i]))
            i++;
        if (i == s)
            break;
        struct span w = {v.p + s, i - s};
        if (w.n > CPU_MAX_FLAG_LEN) {
            char *q = quote(w);
            fail(P, P->line, "a word of %zu bytes in a flags line ('%s'): not a flags line", w.n,
                 q);
            free(q);
            return;
        }
        buf_addc(&P->cur, ' ');
        buf_add(&P->cur, w.p, w.n);
        if (P->nproc == P->kept)
            add_flag(P, w);
    }
    buf_addc(&P->cur, '\n');
}

static void
set_once(char **dst, struct span v)
{
    if (*dst == NULL && v.n)
        *dst = value_dup(v);
}

static void
cpuinfo_key(struct parser *P, struct span k, struct span v)
{
    struct cpu_info *c = P->c;
    if (span_is(k, "processor")) {
        P->nproc_lines++;
        begin_processor(P);
    } else if (span_is(k, "vendor_id")) {
        P->saw_x86 = true;
        set_once(&c->vendor, v);
    } else if (span_is(k, "model name") || span_is(k, "Processor")) {
        set_once(&c->model, v);
    } else if (span_is(k, "flags") || span_is(k, "Features")) {
        if (span_is(k, "flags"))
            P->saw_x86 = true;
        else
            P->saw_arm = true;
        if (P->nproc == 0 || P->cur_flags)
            begin_processor(P); /* grep output: one flags line per processor */
        P->cur_flags = true;
        flags_line(P, k.p[0] == 'f' ? 'F' : 'A', v);
    } else if (span_is(k, "vmx flags")) {
        P->saw_x86 = true;
        if (P->nproc == 0 || P->cur_vmx)
            begin_processor(P);
        P->cur_vmx = true;
        flags_line(P, 'V', v);
    } else if (span_is(k, "CPU implementer")) {
        P->saw_arm = true;
        if (c->vendor == NULL && v.n) {
            char *q = value_dup(v);
            c->vendor = xasprintf("ARM implementer %s", q);
            free(q);
        }
    } else if (span_is(k, "CPU architecture")) {
        P->saw_arm = true;
        long a;
        if (span_long(v, &a))
            P->arm_arch = a;
        else if (span_starts(v, "AArch64"))
            P->arm_arch = 8;
    }
}

static void
lscpu_key(struct parser *P, struct span k, struct span v)
{
    struct cpu_info *c = P->c;
    long n;
    if (span_is(k, "Architecture")) {
        set_once(&P->lscpu_arch, v);
    } else if (span_is(k, "CPU(s)")) {
        if (c->processors < 0 && span_long(v, &n))
            c->processors = n;
    } else if (span_is(k, "Vendor ID")) {
        set_once(&c->vendor, v);
    } else if (span_is(k, "Model name")) {
        set_once(&c->model, v);
    } else if (span_is(k, "Flags")) {
        begin_processor(P); /* one Flags line per CPU type (hybrid parts) */
        flags_line(P, 'F', v);
    } else if (span_is(k, "Hypervisor vendor")) {
        set_once(&c->hypervisor_vendor, v);
    } else if (span_is(k, "Virtualization")) {
        set_once(&c->virtualization, v);
    }
}

static void
esxcli_number(struct parser *P, struct span k, struct span v, long *dst)
{
    long n;
    if (!span_long(v, &n)) {
        char *kq = quote(k), *vq = quote(v);
        fail(P, P->line, "'%s' is not followed by a number ('%s')", kq, vq);
        free(kq);
        free(vq);
        return;
    }
    if (*dst < 0)
        *dst = n;
}

static void
esxcli_key(struct parser *P, struct span k, struct span v)
{
    struct cpu_info *c = P->c;
    if (span_is(k, "CPU")) {
        long n;
        if (span_long(v, &n))
            P->esx_headings++;
    } else if (span_is(k, "CPU Packages")) {
        esxcli_number(P, k, v, &c->packages);
    } else if (span_is(k, "CPU Cores")) {
        esxcli_number(P, k, v, &c->cores);
    } else if (span_is(k, "CPU Threads")) {
        esxcli_number(P, k, v, &c->threads);
    } else if (span_is(k, "HV Support")) {
        if (c->hv_support < 0)
            c->hv_line = P->line;
        esxcli_number(P, k, v, &c->hv_support);
    } else if (span_is(k, "Brand")) {
        /* ESXi 7 and later write the CPUID vendor here; older ones a name */
        if (span_is(v, "GenuineIntel") || span_is(v, "AuthenticAMD") || span_is(v, "HygonGenuine"))
            set_once(&c->vendor, v);
        else
            set_once(&c->model, v);
    } else if (span_is(k, "Family")) {
        set_once(&P->esx_family, v);
    } else if (span_is(k, "Model")) {
        set_once(&P->esx_model, v);
    }
}

static void
one_line(struct parser *P, struct span s)
{
    s = trim(s);
    if (s.n == 0 || is_command_line(s))
        return;
    const char *colon = memchr(s.p, ':', s.n);
    if (colon == NULL) {
        char *q = quote(s);
        if (P->format < 0)
            fail(P, P->line, "not /proc/cpuinfo, lscpu or esxcli hardware cpu output: '%s'", q);
        else
            fail(P, P->line, "not a 'key: value' line of %s: '%s'",
                 cpu_format_title((enum cpu_format)P->format), q);
        free(q);
        return;
    }
    struct span k = trim((struct span){s.p, (size_t)(colon - s.p)});
    struct span v = trim((struct span){colon + 1, s.n - (size_t)(colon - s.p) - 1});
    int sig = signature_format(k);
    if (P->format < 0) {
        if (sig < 0) {
            char *q = quote(s);
            fail(P, P->line, "not /proc/cpuinfo, lscpu or esxcli hardware cpu output: '%s'", q);
            free(q);
            return;
        }
        P->format = sig;
        P->c->format = (enum cpu_format)sig;
    } else if (sig >= 0 && sig != P->format) {
        char *q = quote(k);
        fail(P, P->line,
             "'%s' belongs to %s output, but this text began as %s; give each listing "
             "its own file",
             q, cpu_format_title((enum cpu_format)sig),
             cpu_format_title((enum cpu_format)P->format));
        free(q);
        return;
    }
    switch (P->format) {
    case CPU_FORMAT_CPUINFO:
        cpuinfo_key(P, k, v);
        break;
    case CPU_FORMAT_LSCPU:
        lscpu_key(P, k, v);
        break;
    default:
        esxcli_key(P, k, v);
        break;
    }
}

/* The line number of byte `off` (1-based). */
static unsigned long
line_of(const char *text, size_t off)
{
    unsigned long line = 1;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

/* NUL and control bytes (other than tab, CR, LF) mean binary data. */
static bool
check_bytes(struct parser *P, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch >= 0x20 && ch != 0x7F)
            continue;
        if (ch == '\t' || ch == '\n' || ch == '\r')
            continue;
        if (ch == 0)
            fail(P, line_of(text, i), "a NUL byte at offset %zu: binary data, not a CPU listing",
                 i);
        else
            fail(P, line_of(text, i),
                 "control byte 0x%02x at offset %zu: binary data, not a CPU listing", ch, i);
        return false;
    }
    return true;
}

static bool
is_x86_vendor(const char *v)
{
    return v &&
           (!strcmp(v, "GenuineIntel") || !strcmp(v, "AuthenticAMD") ||
            !strcmp(v, "HygonGenuine") || !strcmp(v, "CentaurHauls") || !strcmp(v, "Shanghai"));
}

static enum cpu_arch
lscpu_arch(const char *a, const char *vendor)
{
    if (a == NULL)
        return is_x86_vendor(vendor) ? CPU_ARCH_X86 : CPU_ARCH_UNKNOWN;
    if (!strcmp(a, "x86_64") || !strcmp(a, "amd64") || !strcmp(a, "i386") || !strcmp(a, "i486") ||
        !strcmp(a, "i586") || !strcmp(a, "i686"))
        return CPU_ARCH_X86;
    if (!strcmp(a, "aarch64") || !strcmp(a, "arm64"))
        return CPU_ARCH_ARM64;
    if (!strncmp(a, "arm", 3))
        return CPU_ARCH_ARM;
    return CPU_ARCH_OTHER;
}

/* What the lines together say: architecture, hypervisor, counts. */
static void
finish(struct parser *P)
{
    struct cpu_info *c = P->c;
    end_processor(P);
    switch (c->format) {
    case CPU_FORMAT_CPUINFO:
        c->arch = P->saw_x86   ? CPU_ARCH_X86
                  : P->saw_arm ? (P->arm_arch >= 8 ? CPU_ARCH_ARM64 : CPU_ARCH_ARM)
                               : CPU_ARCH_UNKNOWN;
        c->processors = P->nproc_lines ? P->nproc_lines : P->nproc ? P->nproc : -1;
        break;
    case CPU_FORMAT_LSCPU:
        c->arch = lscpu_arch(P->lscpu_arch, c->vendor);
        break;
    case CPU_FORMAT_ESXCLI:
        c->arch = is_x86_vendor(c->vendor) ? CPU_ARCH_X86 : CPU_ARCH_UNKNOWN;
        c->processors = c->threads >= 0 ? c->threads : P->esx_headings ? P->esx_headings : -1;
        if (c->model == NULL && P->esx_family && P->esx_model)
            c->model = xasprintf("family %s model %s", P->esx_family, P->esx_model);
        break;
    }
    /* lscpu without an Architecture line: x86 flags have fpu, ARM64's asimd */
    if (c->arch == CPU_ARCH_UNKNOWN && c->has_flags)
        c->arch = cpu_has_flag(c, "fpu")     ? CPU_ARCH_X86
                  : cpu_has_flag(c, "asimd") ? CPU_ARCH_ARM64
                                             : CPU_ARCH_UNKNOWN;
    if (c->hypervisor_vendor)
        c->hypervisor = 1;
    else if (c->has_flags && c->arch == CPU_ARCH_X86)
        c->hypervisor = cpu_has_flag(c, "hypervisor");
}

static const struct cpu_info cpu_info_empty = CPU_INFO_EMPTY;

int
cpu_parse(const char *text, size_t len, const char *name, struct cpu_info *out, struct diags *d)
{
    *out = cpu_info_empty;
    struct parser P = {.name = name,
                       .d = d,
                       .c = out,
                       .format = -1,
                       .arm_arch = -1,
                       .cur = BUF_INIT,
                       .first = BUF_INIT};
    if (len > CPU_MAX_BYTES) {
        fail(&P, 0, "more than %u bytes (offset %u): too large for a CPU listing", CPU_MAX_BYTES,
             CPU_MAX_BYTES);
    } else if (len == 0) {
        fail(&P, 0,
             "empty input (offset 0): no /proc/cpuinfo, lscpu or esxcli hardware cpu output");
    } else if (check_bytes(&P, text, len)) {
        for (size_t i = 0; i < len && !P.failed;) {
            const char *nl = memchr(text + i, '\n', len - i);
            size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
            P.line++;
            if (n > CPU_MAX_LINE) {
                fail(&P, P.line, "a line longer than %d bytes (offset %zu): not a CPU listing",
                     CPU_MAX_LINE, i);
                break;
            }
            struct span s = {text + i, n};
            if (s.n && s.p[s.n - 1] == '\r')
                s.n--;
            one_line(&P, s);
            i += n + 1;
        }
        if (!P.failed && P.format < 0)
            fail(&P, 0,
                 "only blank or command lines (offset 0 to %zu): no /proc/cpuinfo, lscpu "
                 "or esxcli hardware cpu output",
                 len);
        if (!P.failed)
            finish(&P);
    }
    buf_release(&P.cur);
    buf_release(&P.first);
    free(P.lscpu_arch);
    free(P.esx_family);
    free(P.esx_model);
    return P.failed ? -1 : 0;
}

void
cpu_release(struct cpu_info *c)
{
    for (size_t i = 0; i < c->nflags; i++)
        free(c->flags[i]);
    free(c->flags);
    free(c->vendor);
    free(c->model);
    free(c->hypervisor_vendor);
    free(c->virtualization);
    *c = cpu_info_empty;
}

bool
cpu_has_flag(const struct cpu_info *c, const char *flag)
{
    for (size_t i = 0; i < c->nflags; i++)
        if (strcmp(c->flags[i], flag) == 0)
            return true;
    return false;
}

const char *
cpu_format_name(enum cpu_format f)
{
    return f == CPU_FORMAT_LSCPU ? "lscpu" : f == CPU_FORMAT_ESXCLI ? "esxcli" : "cpuinfo";
}

const char *
cpu_format_title(enum cpu_format f)
{
    return f == CPU_FORMAT_LSCPU    ? "lscpu"
           : f == CPU_FORMAT_ESXCLI ? "esxcli hardware cpu"
                                    : "/proc/cpuinfo";
}

const char *
cpu_arch_name(enum cpu_arch a)
{
    switch (a) {
    case CPU_ARCH_X86:
        return "x86";
    case CPU_ARCH_ARM64:
        return "arm64";
    case CPU_ARCH_ARM:
        return "arm";
    case CPU_ARCH_OTHER:
        return "other";
    default:
        return "unknown";
    }
}
