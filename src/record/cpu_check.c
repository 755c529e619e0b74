/* cpu_check: the capabilities `vmtriage cpu` checks, and whether a listing
 * shows them: the facts the report's table and verdict line print. Which of
 * them matter, how much and what to do is the rules' business
 * (rules/cpu-nested.yml).
 *
 * The list is the "CPU instruction set support" step of the nested FusionCompute checklist:
 * VT-x/AMD-V passed through (vmx/svm), with second-level address translation (ept/npt, "Intel VT-x
 * + EPT, AMD-V + RVI" in its table), POPCNT, SSE4.1, AVX2; plus SSE4.2 (with POPCNT and SSE4.1 the
 * x86-64-v2 level) and the hypervisor bit that says the listing comes from a VM. Names: the
 * kernel's arch/x86/include/asm/cpufeatures.h and vmxfeatures.h. */
#include "parse/cpu/cpu.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *flag;
    const char *what;
} caps[CPU_CAP__COUNT] = {
    [CPU_CAP_VMX] = {"vmx", "hardware virtualization (Intel VT-x)"},
    [CPU_CAP_SVM] = {"svm", "hardware virtualization (AMD-V)"},
    [CPU_CAP_EPT] = {"ept", "second-level address translation (Intel EPT)"},
    [CPU_CAP_NPT] = {"npt", "second-level address translation (AMD NPT/RVI)"},
    [CPU_CAP_POPCNT] = {"popcnt", "POPCNT instruction"},
    [CPU_CAP_SSE4_1] = {"sse4_1", "SSE4.1 instructions"},
    [CPU_CAP_SSE4_2] = {"sse4_2", "SSE4.2 instructions"},
    [CPU_CAP_AVX2] = {"avx2", "AVX2 instructions"},
    [CPU_CAP_HYPERVISOR] = {"hypervisor", "runs under a hypervisor (CPUID bit)"},
};

const char *
cpu_cap_flag(enum cpu_cap cap)
{
    return cap < CPU_CAP__COUNT ? caps[cap].flag : "?";
}

const char *
cpu_cap_what(enum cpu_cap cap)
{
    return cap < CPU_CAP__COUNT ? caps[cap].what : "?";
}

const char *
cpu_state_name(enum cpu_state s)
{
    switch (s) {
    case CPU_PRESENT:
        return "present";
    case CPU_MISSING:
        return "missing";
    case CPU_UNKNOWN:
        return "unknown";
    default:
        return "n/a";
    }
}

/* 'I': the vendor's virtualization is VT-x (vmx, ept); 'A': AMD-V (svm,
 * npt); '?': not told, both are checked. */
static char
vendor_kind(const struct cpu_info *c)
{
    const char *v = c->vendor;
    if (v && (!strcmp(v, "GenuineIntel") || !strcmp(v, "CentaurHauls") || !strcmp(v, "Shanghai")))
        return 'I';
    if (v && (!strcmp(v, "AuthenticAMD") || !strcmp(v, "HygonGenuine")))
        return 'A';
    return '?';
}

enum cpu_state
cpu_cap_state(const struct cpu_info *c, enum cpu_cap cap)
{
    if (cap >= CPU_CAP__COUNT)
        return CPU_NOT_APPLICABLE;
    if (c->arch != CPU_ARCH_X86 && c->arch != CPU_ARCH_UNKNOWN)
        return CPU_NOT_APPLICABLE;
    if (cap == CPU_CAP_HYPERVISOR && c->hypervisor >= 0)
        return c->hypervisor ? CPU_PRESENT : CPU_MISSING;
    if (!c->has_flags)
        return CPU_UNKNOWN;
    char k = vendor_kind(c);
    if ((k == 'I' && (cap == CPU_CAP_SVM || cap == CPU_CAP_NPT)) ||
        (k == 'A' && (cap == CPU_CAP_VMX || cap == CPU_CAP_EPT)))
        return CPU_NOT_APPLICABLE;
    return cpu_has_flag(c, caps[cap].flag) ? CPU_PRESENT : CPU_MISSING;
}

/* For a vendor that is not told, "vmx or svm" is missing only when both are. */
static bool
pair_missing(const struct cpu_info *c, enum cpu_cap a, enum cpu_cap b)
{
    enum cpu_state sa = cpu_cap_state(c, a), sb = cpu_cap_state(c, b);
    return (sa == CPU_MISSING || sa == CPU_NOT_APPLICABLE) &&
           (sb == CPU_MISSING || sb == CPU_NOT_APPLICABLE) &&
           (sa == CPU_MISSING || sb == CPU_MISSING);
}

static const char *
pair_name(const struct cpu_info *c, enum cpu_cap a, enum cpu_cap b)
{
    char k = vendor_kind(c);
    return k == 'I'           ? caps[a].flag
           : k == 'A'         ? caps[b].flag
           : a == CPU_CAP_VMX ? "vmx/svm"
                              : "ept/npt";
}

/* What HV Support values mean, only as far as public sources agree: 3 and 2
 * per Frank Denneman's vSphere ML Accelerator Deep Dive (2023) and the note
 * in gist benash/415953 (2010); 0 and 1 only as "no usable VT-x/AMD-V" (both
 * send the reader to VMware KB 1011712 or to new hardware). */
static const char *
hv_meaning(long v)
{
    switch (v) {
    case 3:
        return "VT-x/AMD-V enabled in the BIOS and usable";
    case 2:
        return "VT-x/AMD-V not enabled in the BIOS";
    case 1:
    case 0:
        return "no usable VT-x/AMD-V on this hardware";
    default:
        return "a value vmtriage does not know";
    }
}

char *
cpu_missing_text(const struct cpu_info *c)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "");
    if (c->hv_support >= 0 && c->hv_support != 3)
        buf_addf(&b, "HV Support %ld (%s)", c->hv_support, hv_meaning(c->hv_support));
    if (c->arch != CPU_ARCH_X86 && c->arch != CPU_ARCH_UNKNOWN)
        return buf_detach(&b);
    if (!c->has_flags)
        return buf_detach(&b);
    const char *sep = b.len ? ", missing " : "missing ";
    size_t before = b.len;
    if (pair_missing(c, CPU_CAP_VMX, CPU_CAP_SVM))
        buf_addf(&b, "%s%s (%s)", b.len > before ? ", " : sep,
                 pair_name(c, CPU_CAP_VMX, CPU_CAP_SVM),
                 c->hypervisor == 1 ? "hardware virtualization not exposed"
                                    : "hardware virtualization off or absent");
    if (pair_missing(c, CPU_CAP_EPT, CPU_CAP_NPT))
        buf_addf(&b, "%s%s", b.len > before ? ", " : sep, pair_name(c, CPU_CAP_EPT, CPU_CAP_NPT));
    static const enum cpu_cap plain[] = {CPU_CAP_POPCNT, CPU_CAP_SSE4_1, CPU_CAP_SSE4_2,
                                         CPU_CAP_AVX2};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        if (cpu_cap_state(c, plain[i]) == CPU_MISSING)
            buf_addf(&b, "%s%s", b.len > before ? ", " : sep, caps[plain[i]].flag);
    return buf_detach(&b);
}

char *
cpu_verdict(const struct cpu_info *c, bool not_ready, const char *fallback, int *ready)
{
    if (not_ready) {
        *ready = 0;
        char *m = cpu_missing_text(c);
        char *v = xasprintf("not ready: %s", *m ? m : fallback ? fallback : "see the findings");
        free(m);
        return v;
    }
    *ready = -1;
    if (c->arch != CPU_ARCH_X86 && c->arch != CPU_ARCH_UNKNOWN)
        return xasprintf("not applicable: %s CPU; the x86 checks (vmx/svm, ept/npt, popcnt, "
                         "sse4_1, sse4_2, avx2) do not apply",
                         cpu_arch_name(c->arch));
    if (c->hv_support == 3) {
        *ready = 1;
        return xasprintf("nested-ready: HV Support 3 (%s)", hv_meaning(3));
    }
    if (!c->has_flags)
        return xstrdup(c->format == CPU_FORMAT_ESXCLI
                           ? "unknown: no HV Support line (esxcli hardware cpu global get shows it)"
                           : "unknown: the listing shows no CPU flags");
    *ready = 1;
    if (c->hypervisor == 0)
        return xstrdup("ready (not a VM: no hypervisor flag)");
    return xstrdup("nested-ready");
}

char *
cpu_evidence_text(const struct cpu_info *c)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "");
    if (c->hv_support >= 0)
        buf_addf(&b, "HV Support: %ld (%s)", c->hv_support, hv_meaning(c->hv_support));
    if (c->arch != CPU_ARCH_X86 && c->arch != CPU_ARCH_UNKNOWN) {
        buf_addf(&b, "%s%s CPU: the x86 checks do not apply", b.len ? "; " : "",
                 cpu_arch_name(c->arch));
        return buf_detach(&b);
    }
    if (!c->has_flags) {
        if (b.len == 0)
            buf_adds(&b, "no flags in the listing");
        return buf_detach(&b);
    }
    static const enum cpu_state order[] = {CPU_PRESENT, CPU_MISSING};
    for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
        size_t n = 0;
        for (int k = 0; k < CPU_CAP__COUNT; k++) {
            if (cpu_cap_state(c, (enum cpu_cap)k) != order[o])
                continue;
            buf_addf(&b, "%s%s", n ? " " : b.len ? "; " : "", caps[k].flag);
            n++;
        }
        if (n)
            buf_addf(&b, " %s", cpu_state_name(order[o]));
    }
    if (c->format == CPU_FORMAT_CPUINFO)
        buf_addf(&b, " (flags of processor %ld)", c->flags_processor);
    return buf_detach(&b);
}
