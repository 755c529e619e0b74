/* dump_mdmp: user-mode minidumps (dbghelp `MDMP`), what a crashing process
 * leaves (WER, procdump, dbghelp MiniDumpWriteDump). No bug check here: the
 * process (its first module), the exception, the system it ran on and the
 * module list, so the culprit is the module holding the exception address.
 *
 * Layouts from the SDK's minidumpapiset.h (#include <pshpack4.h>: 4-byte
 * packing), as in microsoft/win32metadata
 * generation/WinSDK/RecompiledIdlHeaders/um/minidumpapiset.h @2c71ad9c:
 *   MINIDUMP_HEADER {Signature, Version, NumberOfStreams, StreamDirectoryRva,
 *     CheckSum, TimeDateStamp (time_t), ULONG64 Flags} = 32 bytes;
 *   MINIDUMP_DIRECTORY {StreamType, {DataSize, Rva}} = 12 bytes;
 *   MINIDUMP_SYSTEM_INFO {USHORT ProcessorArchitecture, ProcessorLevel,
 *     ProcessorRevision; UCHAR NumberOfProcessors, ProductType; ULONG32
 *     MajorVersion @8, MinorVersion @12, BuildNumber @16, PlatformId @20 ...};
 *   MINIDUMP_EXCEPTION_STREAM {ThreadId, __alignment, MINIDUMP_EXCEPTION
 *     {ExceptionCode @8, ExceptionFlags, ULONG64 ExceptionRecord,
 *     ULONG64 ExceptionAddress @24, NumberParameters, align,
 *     ULONG64 ExceptionInformation[15]}, ThreadContext {DataSize @160,
 *     Rva @164}} = 168 bytes;
 *   MINIDUMP_MODULE_LIST {NumberOfModules; MINIDUMP_MODULE[]}, MINIDUMP_MODULE
 *     {ULONG64 BaseOfImage, SizeOfImage @8, CheckSum @12, TimeDateStamp @16,
 *     ModuleNameRva @20, VS_FIXEDFILEINFO (52), CvRecord, MiscRecord,
 *     Reserved0, Reserved1} = 108 bytes;
 *   MINIDUMP_STRING {ULONG32 Length in bytes; WCHAR Buffer[]}.
 * The calc.exe sample (shared corpus, DECODED.md) holds exactly these sizes
 * (Exception stream 168 bytes, ModuleList 3028 = 4 + 28 * 108).
 *
 * A cut file: every stream of the directory, and the data the thread and
 * memory lists point to, must lie inside the file; what does not is an
 * error naming the stream and the offset (the dump is then partial, as a
 * cut kernel dump is), though vmtriage reads none of that memory. Same
 * header, 4-byte packing:
 *   MINIDUMP_THREAD {ThreadId, SuspendCount, PriorityClass, Priority,
 *     ULONG64 Teb, MINIDUMP_MEMORY_DESCRIPTOR Stack {ULONG64 Start,
 *     {DataSize @32, Rva @36}}, ThreadContext {DataSize @40, Rva @44}} = 48;
 *   MINIDUMP_THREAD_EX = MINIDUMP_THREAD + BackingStore {.., DataSize @56,
 *     Rva @60} = 64; MINIDUMP_THREAD_LIST / _EX_LIST {ULONG32 count; []};
 *   MINIDUMP_MEMORY_LIST {ULONG32 count; MINIDUMP_MEMORY_DESCRIPTOR (16)[]};
 *   MINIDUMP_MEMORY64_LIST {ULONG64 count, ULONG64 BaseRva;
 *     MINIDUMP_MEMORY_DESCRIPTOR64 {ULONG64 Start, ULONG64 DataSize}[]}, the
 *     ranges' bytes one after another from BaseRva;
 *   MINIDUMP_MODULE CvRecord {DataSize @76, Rva @80}, MiscRecord @84/@88.
 * Stream type numbers: MINIDUMP_STREAM_TYPE of the same header. */
#include "parse/dump/dump_formats.h"
#include "util/util_mem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MDMP_HEADER 32
#define MDMP_VERSION 0xA793 /* MINIDUMP_VERSION, the low word of Version */
#define MDMP_MAX_STREAMS 4096
#define MDMP_DIR_ENTRY 12
#define MDMP_MODULE 108
#define MDMP_SYSINFO_MIN 24
#define MDMP_EXCEPTION_STREAM 168

#define MDMP_THREAD 48
#define MDMP_THREAD_EX 64
#define MDMP_MEMORY_DESC 16

enum {
    STREAM_THREAD_LIST = 3,
    STREAM_MODULE_LIST = 4,
    STREAM_MEMORY_LIST = 5,
    STREAM_EXCEPTION = 6,
    STREAM_SYSTEM_INFO = 7,
    STREAM_THREAD_EX_LIST = 8,
    STREAM_MEMORY64_LIST = 9,
};

struct stream {
    bool present;
    bool cut;     /* runs past the end of the file (said once, by check_stream) */
    size_t index; /* in the directory */
    uint32_t size, rva;
};

static const char *
stream_name(uint32_t type)
{
    static const char *const names[] = {
        "unused stream",
        "reserved stream 0",
        "reserved stream 1",
        "thread list stream",
        "module list stream",
        "memory list stream",
        "exception stream",
        "system information stream",
        "thread ex list stream",
        "memory64 list stream",
        "comment stream (ANSI)",
        "comment stream (Unicode)",
        "handle data stream",
        "function table stream",
        "unloaded module list stream",
        "misc info stream",
        "memory info list stream",
        "thread info list stream",
        "handle operation list stream",
        "token stream",
        "javascript data stream",
        "system memory info stream",
        "process VM counters stream",
        "ipt trace stream",
        "thread names stream",
    };
    return type < sizeof(names) / sizeof(names[0]) ? names[type] : "stream";
}

/* Adds an error when [off, off + len) leaves the file: "<what> at offset
 * 0x.. (N bytes) runs past the end of the file (M bytes), cut at offset
 * 0x<M>". Returns whether the range is inside. */
static bool
check_range(struct dump_reader *r, uint64_t off, uint64_t len, const char *what)
{
    if (dump_in_file(r, off, len))
        return true;
    dump_error(r,
               "%s at offset 0x%" PRIx64 " (%" PRIu64 " bytes) %s past the end of the file "
               "(%" PRIu64 " bytes), cut at offset 0x%" PRIx64,
               what, off, len, off >= r->in->size ? "lies" : "runs", r->in->size, r->in->size);
    return false;
}

/* Fetches the first min(size, want) bytes of a stream into buf; a stream
 * shorter than `need` is an error. */
static bool
fetch_stream(struct dump_reader *r, const struct stream *s, uint32_t type, unsigned char *buf,
             size_t need)
{
    if (s->cut && !dump_in_file(r, s->rva, need))
        return false; /* check_stream said so */
    if (s->size < need) {
        dump_error(r, "%s at offset 0x%" PRIx32 ": %" PRIu32 " bytes, fewer than the %zu needed",
                   stream_name(type), s->rva, s->size, need);
        return false;
    }
    return dump_fetch(r, s->rva, buf, need, "%s", stream_name(type));
}

/* PROCESSOR_ARCHITECTURE_* (winnt.h): 0 x86, 9 AMD64, 12 ARM64; Breakpad's
 * minidump_format.h adds MD_CPU_ARCHITECTURE_ARM64_OLD 0x8003 for ARM64. */
static enum dump_arch
arch_of_processor(uint32_t a)
{
    switch (a) {
    case 0:
        return DUMP_ARCH_X86;
    case 9:
        return DUMP_ARCH_X64;
    case 12:
    case 0x8003:
        return DUMP_ARCH_ARM64;
    }
    return DUMP_ARCH_UNKNOWN;
}

static void
read_system_info(struct dump_reader *r, struct crash_dump *out, const struct stream *s)
{
    unsigned char b[MDMP_SYSINFO_MIN];
    if (!fetch_stream(r, s, STREAM_SYSTEM_INFO, b, sizeof(b)))
        return;
    out->machine = dump_le16(b);
    out->arch = arch_of_processor(out->machine);
    out->processors = b[6];
    out->has_processors = true;
    out->product_type = b[7];
    out->has_product_type = true;
    out->os_major = dump_le32(b + 8);
    out->os_minor = dump_le32(b + 12);
    out->has_os_version = true;
    out->os_build = dump_le32(b + 16);
    out->has_os_build = true;
}

/* pc/sp of the exception thread's CONTEXT (winnt.h, kb §1 notes: x64 Rip
 * 0xF8 Rsp 0x98; ARM64 Pc 0x108 Sp 0x100; x86 Eip 0xB8 Esp 0xC4). */
static void
read_thread_context(struct dump_reader *r, struct crash_dump *out, uint32_t size, uint32_t rva)
{
    size_t pc_at, sp_at, word = 8;
    switch (out->arch) {
    case DUMP_ARCH_X64:
        pc_at = 0xF8, sp_at = 0x98;
        break;
    case DUMP_ARCH_ARM64:
        pc_at = 0x108, sp_at = 0x100;
        break;
    case DUMP_ARCH_X86:
        pc_at = 0xB8, sp_at = 0xC4, word = 4;
        break;
    default:
        return; /* no SystemInfo, or an architecture whose CONTEXT is not known */
    }
    if (size == 0 && rva == 0)
        return;
    size_t need = (pc_at > sp_at ? pc_at : sp_at) + word;
    if (size < need) {
        dump_error(r,
                   "exception thread context at offset 0x%" PRIx32 ": %" PRIu32
                   " bytes, fewer than the %zu needed for the %s CONTEXT",
                   rva, size, need, dump_arch_name(out->arch));
        return;
    }
    unsigned char c[0x110];
    if (!dump_fetch(r, rva, c, need, "exception thread context"))
        return;
    out->pc = word == 8 ? dump_le64(c + pc_at) : dump_le32(c + pc_at);
    out->sp = word == 8 ? dump_le64(c + sp_at) : dump_le32(c + sp_at);
    out->has_context = true;
}

static void
read_exception(struct dump_reader *r, struct crash_dump *out, const struct stream *s)
{
    unsigned char b[MDMP_EXCEPTION_STREAM];
    if (!fetch_stream(r, s, STREAM_EXCEPTION, b, sizeof(b)))
        return;
    out->exception_thread = dump_le32(b);
    out->exception_code = dump_le32(b + 8);
    out->exception_address = dump_le64(b + 24);
    out->has_exception = true;
    read_thread_context(r, out, dump_le32(b + 160), dump_le32(b + 164));
}

/* Module i of the list `v` (the stream at rva): range, stamp and name. */
static void
read_module(struct dump_reader *r, struct crash_dump *out, const unsigned char *v, uint32_t rva,
            size_t i)
{
    const unsigned char *e = v + i * MDMP_MODULE;
    struct dump_driver *drv = &out->drivers[i];
    uint64_t entry = (uint64_t)rva + 4 + i * MDMP_MODULE;
    drv->base = dump_le64(e);
    drv->size = dump_le32(e + 8);
    drv->timestamp = dump_le32(e + 16);
    uint32_t name = dump_le32(e + 20);
    char what[96];
    static const char *const records[] = {"debug (CodeView) record", "misc record"};
    for (int k = 0; k < 2; k++) {
        uint32_t size = dump_le32(e + 76 + 8 * k), at = dump_le32(e + 80 + 8 * k);
        snprintf(what, sizeof(what), "%s of module %zu (entry at offset 0x%" PRIx64 ")", records[k],
                 i, entry);
        if (size != 0)
            check_range(r, at, size, what);
    }
    snprintf(what, sizeof(what), "name of module %zu (entry at offset 0x%" PRIx64 ")", i, entry);
    unsigned char lb[4];
    if (!dump_fetch(r, name, lb, 4, "%s", what)) {
        dump_set_unknown_name(drv);
        return;
    }
    /* Length counts bytes; an odd last byte is no whole character */
    if (dump_read_name(r, (uint64_t)name + 4, dump_le32(lb) / 2, drv, what) && i == 0)
        out->process = xstrdup(drv->name);
}

static void
read_modules(struct dump_reader *r, struct crash_dump *out, const struct stream *s)
{
    unsigned char cb[4];
    if (!fetch_stream(r, s, STREAM_MODULE_LIST, cb, sizeof(cb)))
        return;
    uint32_t count = dump_le32(cb);
    if (count > DUMP_MAX_DRIVERS) {
        dump_error(r,
                   "module list stream at offset 0x%" PRIx32 ": %" PRIu32
                   " modules, more than the %d allowed",
                   s->rva, count, DUMP_MAX_DRIVERS);
        return;
    }
    out->has_drivers = true;
    size_t fit = (s->size - 4) / MDMP_MODULE;
    if (fit < count) {
        dump_error(r,
                   "module list stream at offset 0x%" PRIx32 ": %" PRIu32
                   " bytes hold %zu of its %" PRIu32 " modules",
                   s->rva, s->size, fit, count);
        count = (uint32_t)fit;
    }
    size_t n;
    unsigned char *v =
        dump_fetch_table(r, (uint64_t)s->rva + 4, count, MDMP_MODULE, &n, "module list");
    if (n == 0)
        return;
    out->drivers = xcalloc(n, sizeof(*out->drivers));
    out->ndrivers = n;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        size_t before = r->errors;
        r->mute = bad >= DUMP_LIST_ERRORS;
        read_module(r, out, v, s->rva, i);
        bad += r->errors != before;
    }
    r->mute = false;
    if (bad > DUMP_LIST_ERRORS)
        dump_error(r,
                   "module list stream at offset 0x%" PRIx32 ": %zu more names could not be read",
                   s->rva, bad - DUMP_LIST_ERRORS);
    free(v);
}

/* The locations a thread, memory or memory64 list stream (inside the file)
 * holds: each must lie inside the file. At most DUMP_LIST_ERRORS errors per
 * stream, then one sum. */
static void
check_list(struct dump_reader *r, uint32_t type, const struct stream *s)
{
    const char *sname = stream_name(type);
    size_t head = type == STREAM_MEMORY64_LIST ? 16 : 4;
    size_t entry = type == STREAM_THREAD_LIST      ? MDMP_THREAD
                   : type == STREAM_THREAD_EX_LIST ? MDMP_THREAD_EX
                                                   : MDMP_MEMORY_DESC;
    if (s->size < head)
        return;
    unsigned char h[16];
    if (!dump_fetch(r, s->rva, h, head, "%s", sname))
        return;
    uint64_t count = head == 16 ? dump_le64(h) : dump_le32(h);
    uint64_t fit = (s->size - head) / entry;
    if (count > fit) {
        dump_error(r,
                   "%s at offset 0x%" PRIx32 ": %" PRIu32 " bytes hold %" PRIu64 " of its %" PRIu64
                   " entries",
                   sname, s->rva, s->size, fit, count);
        count = fit;
    }
    uint64_t data = head == 16 ? dump_le64(h + 8) : 0; /* memory64: where the bytes begin */
    size_t bad = 0;
    char what[128];
    for (uint64_t i = 0; i < count; i++) {
        unsigned char e[MDMP_THREAD_EX];
        uint64_t at = (uint64_t)s->rva + head + i * entry;
        if (!dump_fetch(r, at, e, entry, "%s entry %" PRIu64, sname, i))
            return;
        size_t before = r->errors;
        r->mute = bad >= DUMP_LIST_ERRORS;
        if (type == STREAM_MEMORY64_LIST) {
            uint64_t len = dump_le64(e + 8);
            snprintf(what, sizeof(what), "%s at offset 0x%" PRIx32 ": memory range %" PRIu64, sname,
                     s->rva, i);
            bool inside = check_range(r, data, len, what);
            data = inside ? data + len : r->in->size + 1; /* later ranges lie past it too */
        } else if (type == STREAM_MEMORY_LIST) {
            snprintf(what, sizeof(what), "%s at offset 0x%" PRIx32 ": memory range %" PRIu64, sname,
                     s->rva, i);
            check_range(r, dump_le32(e + 12), dump_le32(e + 8), what);
        } else {
            static const char *const parts[] = {"stack", "context", "backing store"};
            static const size_t size_at[] = {32, 40, 56}; /* each location's DataSize, Rva after */
            for (int k = 0; k < (entry == MDMP_THREAD_EX ? 3 : 2); k++) {
                uint32_t size = dump_le32(e + size_at[k]);
                uint32_t rva = dump_le32(e + size_at[k] + 4);
                snprintf(what, sizeof(what), "%s at offset 0x%" PRIx32 ": %s of thread %" PRIu64,
                         sname, s->rva, parts[k], i);
                if (size != 0)
                    check_range(r, rva, size, what);
            }
        }
        bad += r->errors != before;
        if (type == STREAM_MEMORY64_LIST && data > r->in->size && bad >= DUMP_LIST_ERRORS)
            break; /* every later range lies past the end too: said in the sum */
    }
    r->mute = false;
    if (bad > DUMP_LIST_ERRORS)
        dump_error(r, "%s at offset 0x%" PRIx32 ": %zu more entries point past the end of the file",
                   sname, s->rva, bad - DUMP_LIST_ERRORS);
}

/* Directory entry i (type, size, rva): the stream must lie inside the file;
 * lists of locations are checked further. The module list is not checked
 * here: read_modules reads it and says where it is cut. */
static void
check_stream(struct dump_reader *r, size_t i, uint64_t at, uint32_t type, struct stream *s)
{
    if (s->size == 0 || type == STREAM_MODULE_LIST)
        return;
    char what[96];
    snprintf(what, sizeof(what), "%s (directory entry %zu at offset 0x%" PRIx64 ")",
             stream_name(type), i, at);
    if (!check_range(r, s->rva, s->size, what)) {
        s->cut = true;
        return;
    }
    if (type == STREAM_THREAD_LIST || type == STREAM_THREAD_EX_LIST || type == STREAM_MEMORY_LIST ||
        type == STREAM_MEMORY64_LIST)
        check_list(r, type, s);
}

enum dump_status
dump_read_mdmp(struct dump_reader *r, struct crash_dump *out)
{
    out->format = DUMP_FORMAT_USER;
    unsigned char h[MDMP_HEADER];
    if (!dump_fetch(r, 0, h, sizeof(h), "minidump header"))
        return DUMP_UNREADABLE;
    uint32_t version = dump_le32(h + 4);
    if ((version & 0xFFFF) != MDMP_VERSION) {
        dump_error(r, "minidump header at offset 0x4: version 0x%" PRIx32 " is not 0x%x", version,
                   MDMP_VERSION);
        return DUMP_UNREADABLE;
    }
    uint32_t ts = dump_le32(h + 20);
    out->has_time = ts != 0;
    out->time_ms = (int64_t)ts * 1000;

    uint32_t nstreams = dump_le32(h + 8), dir = dump_le32(h + 12);
    if (nstreams > MDMP_MAX_STREAMS) {
        dump_error(r,
                   "minidump header at offset 0x8: %" PRIu32 " streams, more than the %d allowed",
                   nstreams, MDMP_MAX_STREAMS);
        return DUMP_PARTIAL;
    }
    size_t n;
    unsigned char *v = dump_fetch_table(r, dir, nstreams, MDMP_DIR_ENTRY, &n, "stream directory");
    struct stream sys = {0}, exc = {0}, mod = {0};
    for (size_t i = 0; i < n; i++) {
        const unsigned char *e = v + i * MDMP_DIR_ENTRY;
        uint32_t type = dump_le32(e);
        struct stream *s = type == STREAM_SYSTEM_INFO   ? &sys
                           : type == STREAM_EXCEPTION   ? &exc
                           : type == STREAM_MODULE_LIST ? &mod
                                                        : NULL;
        struct stream other = {true, false, i, dump_le32(e + 4), dump_le32(e + 8)};
        if (s == NULL || s->present) /* a stream vmtriage does not use, or a second one */
            check_stream(r, i, (uint64_t)dir + i * MDMP_DIR_ENTRY, type, &other);
        if (s == NULL)
            continue;
        if (s->present) {
            dump_note(r,
                      "stream directory entry %zu at offset 0x%" PRIx64
                      ": a second %s (the first, entry %zu, is used)",
                      i, (uint64_t)dir + i * MDMP_DIR_ENTRY, stream_name(type), s->index);
            continue;
        }
        *s = other;
        check_stream(r, i, (uint64_t)dir + i * MDMP_DIR_ENTRY, type, s);
    }
    free(v);
    /* SystemInfo first: the exception thread's CONTEXT layout depends on the
     * architecture. */
    if (sys.present)
        read_system_info(r, out, &sys);
    if (exc.present)
        read_exception(r, out, &exc);
    if (mod.present)
        read_modules(r, out, &mod);
    dump_culprit(out, NULL, 0);
    return r->errors ? DUMP_PARTIAL : DUMP_OK;
}
