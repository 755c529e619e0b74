/* cpu: a CPU listing, read for nested virtualization (vmtriage cpu).
 *
 * The nested FusionCompute checklist (ask.csdn.net/questions/8904055) sends a nested hypervisor that crashes with a
 * kernel error to "check the CPU instruction set support": is VT-x/AMD-V
 * passed through (vhv.enable), does the vCPU carry POPCNT, SSE4.1, AVX2. The
 * guest answers in its /proc/cpuinfo or lscpu, an ESXi host in `esxcli
 * hardware cpu global get` (HV Support) and `esxcli hardware cpu list`.
 *
 * Accepted texts, recognised by content (never by file name):
 * - Linux /proc/cpuinfo: x86 (`processor`, `vendor_id`, `model name`,
 *   `flags`, and the `vmx flags` line kernels with
 *   CONFIG_X86_VMX_FEATURE_NAMES print, torvalds/linux
 *   arch/x86/kernel/cpu/proc.c) and ARM (`Features`, `CPU implementer`,
 *   `CPU architecture`, arch/arm64/kernel/cpuinfo.c);
 * - lscpu (util-linux), the flat and the indented, sectioned layouts
 *   (without an Architecture line the flags tell: x86 has fpu, ARM64 asimd);
 * - esxcli hardware cpu global get and esxcli hardware cpu list, alone or
 *   one after the other.
 * Every line is blank, `key: value` (`key<tabs>: value` for cpuinfo), an
 * esxcli `CPU:N` heading, or a pasted command line (it names esxcli hardware
 * cpu, lscpu or /proc/cpuinfo); anything else is an error naming the line.
 * Flag names are the kernel's /proc/cpuinfo names (arch/x86/include/asm/
 * cpufeatures.h and vmxfeatures.h: vmx, svm, ept, npt, popcnt, sse4_1,
 * sse4_2, avx2, hypervisor).
 *
 * Pure: bytes in, struct out; no I/O, no globals, never prints. Problems go
 * to `struct diags` naming the file and the line (and the byte offset of a
 * NUL or control byte). */
#ifndef VT_CPU_H
#define VT_CPU_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

#define CPU_MAX_BYTES (4u << 20) /* a 512-CPU cpuinfo is well under 1 MiB */
#define CPU_MAX_LINE 65536       /* bytes of one line; a longer one is an error */
#define CPU_MAX_FLAGS 1024       /* flags kept per listing (the kernel has some 700) */
#define CPU_MAX_FLAG_LEN 64      /* a longer word in a flags line is an error */
#define CPU_MAX_VALUE 256        /* vendor, model and the other texts are cut here */

enum cpu_format { CPU_FORMAT_CPUINFO, CPU_FORMAT_LSCPU, CPU_FORMAT_ESXCLI };

enum cpu_arch { CPU_ARCH_UNKNOWN, CPU_ARCH_X86, CPU_ARCH_ARM64, CPU_ARCH_ARM, CPU_ARCH_OTHER };

struct cpu_info {
    enum cpu_format format;
    enum cpu_arch arch;
    char *vendor;    /* vendor_id, Vendor ID or esxcli Brand (GenuineIntel); NULL */
    char *model;     /* model name / Model name; NULL */
    long processors; /* processor entries, lscpu CPU(s), esxcli CPU Threads
                        or CPU:N headings; -1 when not shown */
    char **flags;    /* the flags then the vmx flags of the first processor
                        that lists flags, each once, in file order; owned */
    size_t nflags;
    bool has_flags;                /* a flags/Flags/Features line was read (never for esxcli) */
    unsigned long flags_line;      /* line of that processor's first flags line, 0 when none */
    long flags_processor;          /* that processor (0-based entry, lscpu: Flags line), or -1 */
    bool flags_consistent;         /* every processor lists the same flags */
    unsigned long differ_line;     /* the first processor whose flags differ, or 0 */
    int hypervisor;                /* 1: the hypervisor flag or lscpu Hypervisor vendor;
                                      0: a flags line without it; -1: not shown */
    char *hypervisor_vendor;       /* lscpu Hypervisor vendor (VMware, KVM, Microsoft); NULL */
    char *virtualization;          /* lscpu Virtualization (VT-x, AMD-V); NULL */
    long hv_support;               /* esxcli HV Support as written; -1 when absent */
    unsigned long hv_line;         /* its line, or 0 */
    long packages, cores, threads; /* esxcli CPU Packages/Cores/Threads; -1 */
};

/* A listing with nothing read yet: every count unknown (-1). */
#define CPU_INFO_EMPTY                                                                             \
    {                                                                                              \
        .processors = -1, .flags_processor = -1, .flags_consistent = true, .hypervisor = -1,       \
        .hv_support = -1, .packages = -1, .cores = -1, .threads = -1                               \
    }

/* Parses `len` bytes named `name` (for diagnostics). Returns 0 with *out
 * filled, or -1 after exactly one DIAG_ERROR naming the line or offset:
 * empty input, a NUL or other control byte, a line that is no listing's, two
 * formats in one text, a line longer than CPU_MAX_LINE, input larger than
 * CPU_MAX_BYTES. A note (DIAG_NOTE) says when processors list different
 * flags. *out is always initialised; release it with cpu_release. */
int cpu_parse(const char *text, size_t len, const char *name, struct cpu_info *out,
              struct diags *d);
void cpu_release(struct cpu_info *c);

/* True when the listing's flags hold `flag` (exact, as the kernel spells it). */
bool cpu_has_flag(const struct cpu_info *c, const char *flag);

/* "cpuinfo", "lscpu", "esxcli" (the field cpu.format); never NULL. */
const char *cpu_format_name(enum cpu_format f);
/* "/proc/cpuinfo", "lscpu", "esxcli hardware cpu" (for people); never NULL. */
const char *cpu_format_title(enum cpu_format f);
/* "x86", "arm64", "arm", "other", "unknown"; never NULL. */
const char *cpu_arch_name(enum cpu_arch a);

/* ---- the capabilities checked (cpu_check.c) ---- */

enum cpu_cap {
    CPU_CAP_VMX,
    CPU_CAP_SVM,
    CPU_CAP_EPT,
    CPU_CAP_NPT,
    CPU_CAP_POPCNT,
    CPU_CAP_SSE4_1,
    CPU_CAP_SSE4_2,
    CPU_CAP_AVX2,
    CPU_CAP_HYPERVISOR,
    CPU_CAP__COUNT
};

enum cpu_state {
    CPU_PRESENT,
    CPU_MISSING,
    CPU_UNKNOWN,        /* the listing shows no flags (esxcli) */
    CPU_NOT_APPLICABLE, /* the other vendor's flag (svm on Intel), or not x86 */
};

/* The flag's name as /proc/cpuinfo spells it ("sse4_1"); never NULL. */
const char *cpu_cap_flag(enum cpu_cap cap);
/* What it gives, for people ("hardware virtualization (Intel VT-x)"); never NULL. */
const char *cpu_cap_what(enum cpu_cap cap);
/* "present", "missing", "unknown", "n/a"; never NULL. */
const char *cpu_state_name(enum cpu_state s);
/* Whether the listing shows the capability. vmx/ept are Intel's (and
 * Centaur's, Zhaoxin's), svm/npt AMD's (and Hygon's); for another or no
 * vendor both pairs are checked. Non-x86 CPUs: every capability n/a. */
enum cpu_state cpu_cap_state(const struct cpu_info *c, enum cpu_cap cap);

/* The missing capabilities a nested hypervisor needs, for the verdict line:
 * "missing vmx (hardware virtualization not exposed), ept", or for esxcli
 * "HV Support 2 (VT-x/AMD-V not enabled in the BIOS)"; "" when none. Owned. */
char *cpu_missing_text(const struct cpu_info *c);
/* The verdict line of a listing (owned), and in *ready 1 (ready), 0 (not
 * ready) or -1 (not applicable, or nothing to check). `not_ready` says
 * whether the rules made a finding at medium or above for it (the rules
 * decide; this only words it): "not ready: <cpu_missing_text>", or
 * "not ready: <fallback>" when the facts name nothing missing. Otherwise
 * "not applicable: ..." (not x86), "unknown: ..." (no flags, no HV Support),
 * "nested-ready" (a VM, or an ESXi host with HV Support 3) or "ready (not a
 * VM: no hypervisor flag)". */
char *cpu_verdict(const struct cpu_info *c, bool not_ready, const char *fallback, int *ready);
/* A one-line summary of the checked flags for a finding's evidence
 * ("popcnt sse4_1 sse4_2 avx2 hypervisor present; vmx ept missing"), or of
 * the HV Support line. Owned. */
char *cpu_evidence_text(const struct cpu_info *c);

#endif
