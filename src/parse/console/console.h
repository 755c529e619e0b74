/* console: what a guest printed before it stopped, read for `vmtriage diagnose`.
 *
 * A nested hypervisor such as a FusionCompute CNA is Linux: its "blue screen" is a
 * kernel panic on the console or serial port. An admin copies that text (or a
 * Windows stop screen as text) into a file; this reader finds, line by line, the
 * messages that answer a node of the diagnose walk. Each message is recognised
 * by the text its own source prints (the table in console.c names the file of
 * the kernel, dracut or glibc that prints it), anywhere in a line, ASCII case
 * ignored, so dmesg/journal/serial prefixes ("[   4.12] ", "kernel: ") do not
 * matter.
 *
 * The stop-code reader takes what a Windows blue screen shows or an admin types:
 * 0x7B, 7B, 0x0000007B, INACCESSIBLE_BOOT_DEVICE (case ignored, blanks read as
 * '_'), the Windows 10+ line "Stop code: INACCESSIBLE_BOOT_DEVICE", the
 * Windows XP/7 line "*** STOP: 0x0000007B (0x..., ...)", vmware.log's
 * "WinBSOD: Synthetic MSR[0x40000100] 0x7b" (the code the guest handed the
 * hypervisor when it crashed, Broadcom KB 427504). Names come from the
 * embedded data/bugcheck_codes.tsv.
 *
 * Pure: bytes in, struct out; no I/O, never prints. Problems go to `struct
 * diags` naming the file and the line or byte offset. */
#ifndef VT_CONSOLE_H
#define VT_CONSOLE_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_MAX_BYTES (64u << 20) /* a serial log of a long boot is a few MB */
#define CONSOLE_MAX_EVENTS 64         /* events kept; the rest are counted in `dropped` */
#define CONSOLE_MAX_TEXT 240          /* bytes of a line kept as its text */

/* What a recognised message means (console_kind_id gives its id in the
 * diagnose tree data). */
enum console_kind {
    CON_ROOT_MOUNT,     /* VFS: Unable to mount root fs / Cannot open root device */
    CON_DRACUT_TIMEOUT, /* dracut-initqueue timeout - starting timeout scripts */
    CON_DRACUT_MISSING, /* dracut: Warning: /dev/... does not exist */
    CON_KVM_BIOS,       /* kvm: disabled by bios */
    CON_KVM_NOHW,       /* kvm: no hardware support */
    CON_KERNEL_BUG,     /* kernel BUG at ... (its "invalid opcode" is the BUG's ud2) */
    CON_INVALID_OPCODE, /* invalid opcode (an instruction the vCPU lacks) */
    CON_CPU_FEATURES,   /* This kernel requires the following features not present on the CPU */
    CON_ISA_LEVEL,      /* Fatal glibc error: CPU does not support x86-64-v2 */
    CON_SOFT_LOCKUP,    /* BUG: soft lockup - CPU#N stuck for Ns! */
    CON_TSC_UNSTABLE,   /* Marking TSC unstable / clocksource ... unstable */
    CON_OOM,            /* Out of memory: Kill(ed) process / Killed process */
    CON_PANIC,          /* Kernel panic - not syncing: */
    CON_VMXNET3,        /* vmxnet3 queue errors and failures */
    CON_WIN_STOP,       /* a Windows stop screen: Stop code: / *** STOP: */
    CON_VHC_TYPO,       /* vhc.enable: a copied guide's misspelling of vhv.enable */
    CON__COUNT
};

struct console_event {
    enum console_kind kind;
    unsigned long line; /* 1-based */
    char *text;         /* owned: the line, at most CONSOLE_MAX_TEXT bytes, control bytes dropped */
};

struct console_info {
    struct console_event *ev; /* owned, in line order; at most CONSOLE_MAX_EVENTS */
    size_t nev;
    size_t dropped;      /* events past CONSOLE_MAX_EVENTS */
    unsigned long lines; /* lines read */
    bool has_stop;       /* a Windows stop screen named a known code */
    uint32_t stop_code;
    unsigned long stop_line;
};

/* Parses `len` bytes named `name` (for diagnostics). Returns 0 with *out
 * filled (possibly with no event: the caller says so), or -1 after exactly
 * one DIAG_ERROR: a NUL byte (its offset), input larger than
 * CONSOLE_MAX_BYTES. A Windows stop line whose code is unknown is a note
 * naming the line. *out is always initialised; release it with
 * console_release. */
int console_parse(const char *text, size_t len, const char *name, struct console_info *out,
                  struct diags *d);
void console_release(struct console_info *c);

/* "root-mount", "dracut-timeout", ...: the id the diagnose tree names; never NULL. */
const char *console_kind_id(enum console_kind k);
/* What the message means for the VM, for people; never NULL. */
const char *console_kind_what(enum console_kind k);
/* Where the message's text comes from (a source file, or a vendor article); never NULL. */
const char *console_kind_source(enum console_kind k);
/* The kind whose id is `id`, or -1. */
int console_kind_from_id(const char *id);

/* Reads a stop code from `len` bytes (forms above). Returns 0 with *code,
 * or -1 when the text is no stop code or names no known one. */
int stopcode_parse(const char *s, size_t len, uint32_t *code);

#endif
