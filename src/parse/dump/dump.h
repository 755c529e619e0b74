/* dump: the Windows crash dump reader, a pure reader of the files a VM that
 * blue-screened leaves behind (C:\Windows\Minidump\*.dmp, MEMORY.DMP).
 *
 * Formats (shared kb/windows-crash-dumps.md):
 * - kernel dumps `PAGEDUMP` (32-bit, header 0x1000) and `PAGEDU64` (64-bit,
 *   header 0x2000): the header (bug check, build, processors, machine, dump
 *   type, times, the CONTEXT) of every dump type; for small (triage) dumps
 *   also the TRIAGE_DUMP block: loaded drivers (names from the string pool),
 *   unloaded drivers and the saved kernel stack; for bitmap dumps the
 *   `SDMP`/`FDMP` header.
 * - user-mode minidumps `MDMP`: process (first module), exception, system
 *   information, modules. These have no bug check.
 * The 'PAGE' fill (0x45474150) marks a header field the writer never set: it
 * reads as absent (has_* false), never as a value.
 *
 * The reader sees the file only through `struct dump_input`, asking for the
 * ranges it needs (headers, tables, names, the stack: at most a few MB), so a
 * 10 GB MEMORY.DMP is never read whole; every offset and count taken from the
 * file is checked against the file size before use.
 *
 * Pure: no I/O of its own, no globals, never prints. Problems go to `struct
 * diags` naming the file and the byte offset. */
#ifndef VT_DUMP_H
#define VT_DUMP_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DUMP_MAX_DRIVERS 4096 /* a DriverCount above this is an error, not an allocation */
#define DUMP_MAX_UNLOADED 1024
#define DUMP_MAX_STACK (1u << 20) /* bytes of saved stack read for the culprit */
#define DUMP_MAX_NAME 1024        /* UTF-16 units of a name; a longer one is an error */

/* Where the bytes come from: the CLI reads a file with pread, tests and the
 * fuzz target a buffer. `read` fills buf with len bytes at off and returns 0,
 * or -1 on an I/O error; the reader never asks past `size`. */
struct dump_input {
    uint64_t size;
    int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
    void *ctx;
};

enum dump_format {
    DUMP_FORMAT_KERNEL32, /* PAGEDUMP */
    DUMP_FORMAT_KERNEL64, /* PAGEDU64 */
    DUMP_FORMAT_USER,     /* MDMP */
};

enum dump_arch { DUMP_ARCH_UNKNOWN, DUMP_ARCH_X86, DUMP_ARCH_X64, DUMP_ARCH_ARM64 };

/* DUMP_TYPE of mindumpdef.h, the header's DumpType (kernel dumps only). */
enum dump_type {
    DUMP_TYPE_UNKNOWN = 0,
    DUMP_TYPE_FULL = 1,          /* complete memory dump */
    DUMP_TYPE_SUMMARY = 2,       /* kernel memory dump, old SUMMARY_DUMP */
    DUMP_TYPE_HEADER = 3,        /* header only */
    DUMP_TYPE_TRIAGE = 4,        /* small memory dump (minidump) */
    DUMP_TYPE_BITMAP_FULL = 5,   /* FDMP */
    DUMP_TYPE_BITMAP_KERNEL = 6, /* SDMP */
    DUMP_TYPE_AUTOMATIC = 7,
};

/* A loaded (or, for MDMP, a process) module. name is the file name only
 * ("amdppm.sys"); path as stored ("\SystemRoot\System32\drivers\amdppm.sys").
 * Both are UTF-8 of at most 3 * DUMP_MAX_NAME bytes and never NULL: a name
 * the reader could not read is "?" (an error in diags says why), and the
 * entry is kept for its address range. */
struct dump_driver {
    char *name; /* owned */
    char *path; /* owned; equals name when the dump stores no directory */
    uint64_t base;
    uint64_t size;
    uint32_t timestamp; /* TimeDateStamp: a build hash on Win10+, not a date */
    bool on_stack;      /* an address inside it lies on the saved stack (BlueScreenView's pink) */
};

struct dump_unloaded {
    char *name;          /* owned; at most 12 characters as Windows keeps it ("dump_storpor") */
    uint64_t start, end; /* [start, end) */
};

enum dump_culprit_rule {
    CULPRIT_RULE_NONE,      /* no driver list, or no address inside any driver */
    CULPRIT_RULE_PARAMETER, /* the bug check's address parameter (kb §3 step 1) */
    CULPRIT_RULE_CONTEXT,   /* the CONTEXT's PC (step 2) */
    CULPRIT_RULE_STACK,     /* first non-nt/hal/kd driver address on the saved stack (step 3) */
    CULPRIT_RULE_KERNEL,    /* only nt/hal/kd addresses anywhere: the kernel itself; culprit
                               is the kernel image holding the first such address met in
                               steps 1-3 (culprit_address), else the first kernel image of
                               the list (ntoskrnl.exe, culprit_address 0) */
    CULPRIT_RULE_EXCEPTION, /* MDMP: the module holding the exception address */
};

/* One dump. Every string owned; has_* false means the file does not hold the
 * value (absent, the 'PAGE' fill, or a part the reader could not reach). */
struct crash_dump {
    enum dump_format format;
    enum dump_arch arch;
    uint32_t machine; /* PE machine (0x14C, 0x8664, 0xAA64) or MDMP ProcessorArchitecture */
    uint64_t file_size;

    /* kernel dumps */
    enum dump_type dump_type; /* DUMP_TYPE_UNKNOWN also for an unset field */
    bool has_dump_type;
    uint32_t major_version; /* 0xF free build, 0xC checked build; 0 when unset */
    uint32_t os_build;      /* MinorVersion: 19041, 22000 ... (MDMP: BuildNumber) */
    bool has_os_build;
    uint32_t os_major, os_minor; /* MDMP SystemInfo only (6.1 ...) */
    bool has_os_version;
    uint32_t processors;
    bool has_processors;
    uint32_t product_type; /* 1 workstation, 2 domain controller, 3 server */
    bool has_product_type;

    bool has_bugcheck; /* false for MDMP */
    uint32_t bugcheck;
    uint64_t parameters[4];

    int64_t time_ms;    /* SystemTime (MDMP: TimeDateStamp), ms since 1970 UTC */
    bool has_time;      /* false also for a zero SystemTime/TimeDateStamp */
    uint64_t uptime_ms; /* SystemUpTime */
    bool has_uptime;

    /* Crash context (the header CONTEXT; MDMP: the exception thread's) */
    uint64_t pc, sp;  /* Rip/Rsp, Pc/Sp, Eip/Esp */
    bool has_context; /* only with a known arch (its CONTEXT layout) */

    /* Exception record (kernel: the header's; MDMP: the exception stream) */
    uint32_t exception_code;
    uint64_t exception_address;
    uint32_t exception_thread; /* MDMP ThreadId */
    bool has_exception;

    char *process; /* MDMP: the main module's name ("calc.exe"); else NULL */

    /* Triage (small) dumps; MDMP: the module list */
    struct dump_driver *drivers;
    size_t ndrivers;
    bool has_drivers; /* the dump holds a driver list (it may be empty) */
    struct dump_unloaded *unloaded;
    size_t nunloaded;
    bool has_unloaded;
    uint64_t stack_top;  /* TopOfStack: VA of the first saved stack byte */
    uint64_t stack_size; /* bytes of saved stack (SizeOfCallStack; at most DUMP_MAX_STACK
                            of them are read, with a note when there are more) */
    bool has_stack;

    /* Bitmap dumps (SDMP/FDMP) */
    uint64_t first_page_offset, present_pages, bitmap_pages;
    bool has_bitmap;

    /* Culprit (dump_culprit; read fills it) */
    enum dump_culprit_rule culprit_rule;
    const struct dump_driver *culprit; /* into drivers; NULL when none */
    uint64_t culprit_address;          /* inside culprit; 0 for the KERNEL fallback */
    int culprit_parameter;             /* 1-4 for CULPRIT_RULE_PARAMETER, else 0 */
};

enum dump_status {
    DUMP_OK,         /* read completely */
    DUMP_PARTIAL,    /* the header was read, a later part was not: errors in diags,
                        what was read is in the dump and worth reporting */
    DUMP_NOT_A_DUMP, /* no PAGEDUMP/PAGEDU64/MDMP signature: nothing filled, no diag
                        added (the caller decides whether that is an error) */
    DUMP_UNREADABLE, /* the signature is there, the header is not (cut, I/O error,
                        unknown MDMP version); also an empty file and a file cut
                        inside the signature ("PAGE"): error in diags, nothing
                        worth reporting */
};

/* Reads the dump behind `in` into *out (zeroed first; release it with
 * dump_release whatever the status). `path` names the file in diagnostics.
 * Every error names the byte offset and the structure ("name of driver list
 * entry 12 (entry at offset 0x115a8) at offset 0xfffffff0 (4 bytes) lies past
 * the end of the file (1444532 bytes)"). A structure that runs past the end
 * of the file is an error, and the whole entries it holds are still read. */
enum dump_status dump_read(const struct dump_input *in, const char *path, struct crash_dump *out,
                           struct diags *d);

/* A dump_input over a buffer (borrowed; must outlive the input). */
void dump_input_memory(struct dump_input *in, const void *data, size_t len);

void dump_release(struct crash_dump *dump);

/* Fills culprit_* of `dump` from its bug check, context, stack marks and
 * driver list (kb §3). dump_read calls it; it needs the stack words, so the
 * reader passes them (`stack` of `nstack` bytes at VA stack_top; may be NULL). */
void dump_culprit(struct crash_dump *dump, const unsigned char *stack, size_t nstack);

/* The driver whose [base, base+size) holds addr, or NULL. */
const struct dump_driver *dump_driver_at(const struct crash_dump *dump, uint64_t addr);

/* True for the kernel's own images that never name a culprit: ntoskrnl.exe,
 * ntkrnl*.exe, ntkrla57.exe, hal*.dll, kd*.dll (case-insensitive, name only). */
bool dump_is_kernel_image(const char *name);

/* Report words: "x86", "x64", "arm64", "unknown"; "full", "kernel",
 * "header", "small", "bitmap-full", "bitmap-kernel", "automatic", "unknown";
 * "parameter", "context", "stack", "kernel", "exception", "none";
 * "kernel32", "kernel64", "user". Never NULL ("unknown" out of range). */
const char *dump_arch_name(enum dump_arch a);
const char *dump_type_name(enum dump_type t);
const char *dump_culprit_rule_name(enum dump_culprit_rule r);
const char *dump_format_name(enum dump_format f);

#endif
