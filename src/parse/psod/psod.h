/* psod: the purple-screen decoder, a pure reader of ESX/ESXi crash text.
 *
 * Input is whatever the admin has: a console screen typed or pasted (also as
 * one long line inside prose, as ugg.li/?p=921 shows it), vmkernel.log, vmkernel-log.N from
 * vmkdump_extract, LogEFI.log, a KB excerpt with masked values. Every form of
 * shared kb/esxi-crash-and-logs.md §1 is read: ESX 3.x/4.x console headers,
 * `@BlueScreen:` screens of 5.x-9.x, log prefixes (`TIMESTAMP cpuN:WORLD)`,
 * `cpuN:WORLD opID=...)`, 4.x uptime `d:hh:mm:ss.mmm cpuN:W)`, 8.0
 * `In(182) vmkernel:` / `In(14) LogEFI[pid]:`), ANSI escapes, `'@'` and
 * `[email protected]` web mangling, frames with or without frame/stack columns,
 * gdb-style `#N func (...)` stacks, lock-up and NMI forms, `Module(s) involved
 * in panic`, register lines, `VMK uptime`, build banners. Crash text shared
 * in tickets, wikis, chat and KB articles too (issue 14 §1): a message inside
 * prose, quotes, bullets or `> ` quotes; `PF Exception 14 in world` without
 * the `#`; markdown/HTML residue (psod_clean); placeholders (`<VM_Name>`,
 * `[Device]`) read as absent; frames written without addresses after a
 * message; `...` elisions; screens glued together; and the lines a purple
 * screen prints without `@BlueScreen:` (`CRITICAL: Lost access to boot
 * device`, `UEFI Secure Boot failed`, `ApeiHEST ... requested PSOD`, `IOMMU
 * Fault detected for` when a backtrace follows it).
 *
 * The reader is fed one line at a time (no line end), so a log of any size is
 * read in memory bounded by one crash (PSOD_MAX_FRAMES frames, texts capped).
 * A crash starts at `@BlueScreen:`, at a console header (`VMware ESX...
 * [Releasebuild-N` followed by a panic message), or at a panic message line of
 * a form that only a purple screen prints; it ends at the dump lines, at the
 * next crash, or after a run of lines that belong to no crash. A backtrace
 * that follows no panic (a driver WARN, vmk_LogBacktraceMessage) is kept as a
 * non-fatal backtrace, never as a crash. A backtrace with no message at all
 * is a crash of type PSOD_UNKNOWN (message NULL) when it is pasted alone
 * (corpus 002, 003, 026, 035), follows `World: ... PRDA/CR0` register lines
 * (031) or sits under `Backtrace for current CPU`; it is a non-fatal one when
 * a `WARNING: at` line comes just before it, when its first frame is
 * vmk_LogBacktraceMessage, or when it is log-prefixed with no header and no
 * Panic frame. psod_parse.c tells when a crash ends and which copies of a
 * screen (console + `@BlueScreen:`, a backtrace printed twice) merge.
 *
 * Pure: no I/O, no globals, never prints. Problems go to `struct diags`. */
#ifndef VT_PSOD_H
#define VT_PSOD_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PSOD_MAX_FRAMES 256
#define PSOD_MAX_TEXT 1024     /* message, names: longer text is cut */
#define PSOD_MAX_NOTES 64      /* notes kept per crash */
#define PSOD_MAX_BACKTRACES 64 /* non-fatal backtraces kept per input */
#define PSOD_MAX_CRASHES 1024  /* crashes kept per input (the rest are counted) */
#define PSOD_MAX_MODULES 16    /* Module(s) involved kept per crash */

/* What kind of panic; psod_type_name gives the report word. */
enum psod_type {
    PSOD_UNKNOWN,   /* a backtrace after @BlueScreen: with a message not known */
    PSOD_EXCEPTION, /* a CPU exception: see `exception` (#PF 14, #GP 13, #DE 0, #UD 6, #DF 8 ...) */
    PSOD_ASSERT,    /* ASSERT file:line */
    PSOD_NOT_IMPLEMENTED, /* NOT_IMPLEMENTED file:line */
    PSOD_NOT_REACHED,     /* NOT_REACHED file:line */
    PSOD_SPIN_DEADLOCK,   /* Spin count exceeded - possible deadlock; re-acquire lock */
    PSOD_LOCKUP,          /* PCPU N locked up (TLB invalidate) */
    PSOD_HEARTBEAT,       /* Panic from another CPU / PCPU N: no heartbeat */
    PSOD_NMI_IPI,         /* NMI IPI: Panic requested by another PCPU */
    PSOD_LINT1_NMI,       /* LINT1/NMI (motherboard nonmaskable interrupt) */
    PSOD_MCE,             /* Machine Check Exception, Hardware (Machine) Error */
    PSOD_PCIE_ERROR,      /* PCIe fatal error / EDR (PCIEDPC_EDRHandler) */
    PSOD_VMKLINUX_BUG,    /* BUG: failure at ... (inside vmklinux); Failed at ... NOT REACHED */
    PSOD_LOST_HEARTBEAT,  /* ESX service console: Lost heartbeat */
    PSOD_OOPS,            /* ESX service console Oops */
    PSOD_MANUAL,          /* CrashMe: requested by an admin */
    PSOD_BOOT_DEVICE,     /* CRITICAL: Lost access to boot device (ESXi 8.0 U3 and later) */
    PSOD_SECURE_BOOT,     /* UEFI Secure Boot failed: a VIB's signature did not verify */
    PSOD_IOMMU,           /* IOMMU Fault detected for PCI-ADDRESS (vmgfx0/driver) */
    PSOD__COUNT
};

enum psod_culprit_kind {
    CULPRIT_NONE,     /* nothing to go on (no frames, no module) */
    CULPRIT_DRIVER,   /* a module other than the vmkernel core */
    CULPRIT_VMKERNEL, /* VMware's own code: the vmkernel core or a VMware module
                         (psod_module_is_vmware), never a driver vendor's */
    CULPRIT_HARDWARE, /* MCE, LINT1/NMI, PCIe fatal error: the hardware */
};

/* One frame. Strings are owned by the crash; NULL when not on the line. */
struct psod_frame {
    uint64_t frame;  /* frame/stack pointer column (0 when absent) */
    uint64_t ip;     /* [0x...] */
    uint64_t offset; /* +0x... */
    bool has_frame, has_ip, has_offset;
    bool module_hidden; /* a module was written but a web copy hid it (`[email protected]`,
                           `x@example.com`): module is NULL, version may be kept */
    bool named;         /* a function named in prose (psod_named.c), not a printed frame */
    char *function;     /* "E1000PollRxRing"; NULL for [0x0] / <unknown> */
    char *module;       /* "vmkernel", "i40en" (parens removed), "" for `@#`, NULL when absent
                           or "<None>"; e-mail-obfuscated modules come back NULL */
    char *version;      /* "nover", "9.2", NULL when absent or <None> */
    unsigned long line; /* source line of the frame */
};

struct psod_frames {
    struct psod_frame *v;
    size_t n, cap;
    size_t dropped; /* frames past PSOD_MAX_FRAMES, counted not kept */
};

/* A decoded purple screen. Every string owned; NULL = not in the text.
 * Masked values of KB copies (0x####, XXXXXXX) count as not in the text. */
struct psod_crash {
    unsigned long line; /* line of the first line of the crash (1-based) */
    unsigned long last_line;
    enum psod_type type;
    int exception;        /* CPU exception vector for PSOD_EXCEPTION (14, 13 ...), else -1 */
    char *message;        /* the panic message as shown, prefixes and ANSI removed */
    long long world_id;   /* -1 when absent */
    char *world_name;     /* "vmast.63405", "NetWorld-VM-", "tq:tcpip4" */
    int cpu;              /* panicking PCPU from a `cpuN:` prefix or `*PCPU14:`/`*1:`; -1 */
    uint64_t ip, address; /* faulting IP, fault address (addr / cr2) */
    bool has_ip, has_address;
    uint64_t code_start; /* "Code start:" */
    bool has_code_start;
    char *uptime;              /* "1:08:27:56.829" as written */
    char *timestamp;           /* log timestamp of the first line, as written */
    char *product;             /* "VMware ESXi 7.0.1", "VMware ESX" */
    char *build;               /* "16850804" (digits of build-/Releasebuild-) */
    struct psod_frames frames; /* the panicking CPU's backtrace, top first */
    struct psod_frames saved;  /* a saved backtrace of another PCPU (lock-up, NMI) */
    int saved_pcpu;            /* -1 */
    char *saved_reason;        /* "Heartbeat NMI", "SpinLock spin out NMI" */
    char **modules_involved;   /* `Module(s) involved in panic: [tcpip4 Built on: ...]` names */
    char **modules_involved_detail; /* the bracket text as written, same order */
    size_t nmodules_involved;
    char **notes; /* other lines of the crash worth matching on, capped at 64:
                     PCPU list, PTEs, MCE bank lines, "Saved backtrace from" ... */
    size_t nnotes;
    /* Culprit: filled by psod_finish_crash, see psod_culprit. */
    enum psod_culprit_kind culprit_kind;
    char *culprit_module;
    char *culprit_function;
    const char *culprit_why; /* static: "first driver frame", "Module(s) involved in panic",
                                "saved backtrace of PCPU 118", "machine check" ... */
};

/* A backtrace that is not a crash (driver WARN, vmk_LogBacktraceMessage). */
struct psod_backtrace {
    unsigned long line;
    char *header; /* the line before the frames: "WARNING: at ... netdev_watchdog()", or NULL */
    struct psod_frames frames;
};

struct psod_result {
    struct psod_crash *crashes;
    size_t ncrashes, capcrashes;
    struct psod_backtrace *backtraces;
    size_t nbacktraces, capbacktraces;
    size_t backtraces_dropped; /* past 64 */
    size_t crashes_dropped;    /* past PSOD_MAX_CRASHES */
    char *build; /* last build banner seen anywhere in the input ("Section for VMware ESX ...
                    build=") */
    char *product;
};

struct psod_reader;

/* `source` names the input in diagnostics (borrowed; must outlive the reader). */
struct psod_reader *psod_reader_new(const char *source);
/* Feeds one physical line (without its line end; may hold NUL bytes or
 * invalid UTF-8). `lineno` is 1-based. A line holding a whole screen (seed
 * 000) is split at its markers. */
void psod_feed(struct psod_reader *r, const char *line, size_t len, unsigned long lineno);
/* True while the reader is inside a crash or waiting to see whether one
 * starts: then it must see every line. When false, a line that holds none
 * of the needles (psod_needle) changes nothing, so a caller that searches
 * blocks for the needles may skip the lines between. */
bool psod_reader_busy(const struct psod_reader *r);
/* The i-th literal (case-sensitive) of the reader's idle prefilter, NULL
 * past the last. */
const char *psod_needle(size_t i);
/* Ends the input and moves what was decoded into *out (which the caller owns
 * and frees with psod_result_release); frees the reader. Problems (a frame
 * line that cannot be read, a crash cut off with no frames) go to `d` as
 * notes, never errors: crash text is often partial. */
void psod_reader_finish(struct psod_reader *r, struct psod_result *out, struct diags *d);

/* Convenience for whole texts (tests, fuzzing, `psod FILE`): splits at LF,
 * CRLF and CR, feeds every line and finishes. */
void psod_decode(const char *data, size_t len, const char *source, struct psod_result *out,
                 struct diags *d);

void psod_result_release(struct psod_result *res);

/* Fills culprit_kind/_module/_function/_why of `c` from its type, Module(s)
 * involved, saved and panicking backtraces (the reader calls it for every
 * crash; callable again after editing a crash, it frees the old culprit). */
void psod_culprit(struct psod_crash *c);

/* "#PF", "#GP", "ASSERT", "NMI", "MCE" ...: the JSON `panic.type` word.
 * For PSOD_EXCEPTION the word depends on the vector (#PF for 14, #GP for 13,
 * #DE 0, #DB 1, NMI 2, #BP 3, #UD 6, #NM 7, #DF 8, #TS 10, #NP 11, #SS 12,
 * #MF 16, #AC 17, #MC 18, #XM 19; "exception" otherwise). */
const char *psod_type_name(enum psod_type t, int exception);
const char *psod_culprit_kind_name(enum psod_culprit_kind k);

/* True for a vmkernel panic-plumbing frame that never names a culprit
 * (Panic, PanicvPanicInt, Panic_*, vmk_PanicWithModuleID, Int6_UD2Assert,
 * IDTReturnPrepare, gate_entry, NMI_Interrupt, IDTNMIWork, Int2_NMI,
 * SP_WaitLock..., vmk_LogBacktraceMessage, Util_Udelay; kb §1.4). */
bool psod_is_plumbing(const char *function);

#endif
