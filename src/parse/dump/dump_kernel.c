/* dump_kernel: Windows kernel crash dumps, `PAGEDUMP` (32-bit) and `PAGEDU64`
 * (64-bit), as laid out in kb/windows-crash-dumps.md (offset tables generated
 * from the SDK's mindumpdef.h [S:MINDUMPDEF], checked against Singularity
 * Dump.h [S:SING], rizin dmp_specs.h [S:RZSPEC] and kdmp-parser [S:KDMP]).
 *
 * Every dump type: the header (bug check, build, processors, machine, dump
 * type, times, CONTEXT, exception record). Small memory dumps (DumpType 4):
 * the TRIAGE_DUMP block right after the header, its driver list with names
 * from the string pool, the unloaded drivers and the saved stack, which marks
 * drivers `on_stack` and feeds the culprit. Bitmap dumps (5/6): the SDMP/FDMP
 * header. Full, kernel (summary) and bitmap dumps hold no driver list a reader
 * can get without walking kernel memory (kb §4), so none is read, and no
 * memory page is read either: a 10 GB MEMORY.DMP costs a few KB. */
#include "parse/dump/dump_formats.h"
#include "util/util_mem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The 'PAGE' fill of fields the writer never set (kb §0 [S:SING][S:KDMP]). */
#define FILL32 0x45474150u
#define FILL64 UINT64_C(0x4547415045474150)

/* FILETIME epoch (1601-01-01) to the Unix epoch, in ms. */
#define FILETIME_UNIX_MS INT64_C(11644473600000)

/* Where the header fields sit (kb §1 tables DUMP_HEADER32/DUMP_HEADER64). */
struct kernel_layout {
    size_t header;         /* header size; the triage/bitmap block starts here */
    size_t machine;        /* MachineImageType */
    size_t processors;     /* NumberProcessors */
    size_t bugcheck;       /* BugCheckCode; parameters follow at `params` */
    size_t params;         /* BugCheckParameter1..4, `word` bytes each */
    size_t context;        /* ContextRecord */
    size_t exception;      /* Exception (EXCEPTION_RECORD32/64) */
    size_t exc_address;    /* ExceptionAddress inside it */
    size_t dump_type;      /* DumpType */
    size_t system_time;    /* SystemTime (FILETIME) */
    size_t uptime;         /* SystemUpTime (100 ns) */
    size_t product;        /* ProductType */
    size_t word;           /* pointer size: 4 or 8 */
    size_t triage_size;    /* sizeof(TRIAGE_DUMP32/64) */
    size_t driver_entry;   /* sizeof(DUMP_DRIVER_ENTRY32/64) */
    size_t unloaded_count; /* width of the unloaded drivers' count */
    size_t unloaded_entry; /* sizeof(DUMP_UNLOADED_DRIVERS32/64) */
};

static const struct kernel_layout layout32 = {
    .header = 0x1000,
    .machine = 0x20,
    .processors = 0x24,
    .bugcheck = 0x28,
    .params = 0x2C,
    .context = 0x320,
    .exception = 0x7D0,
    .exc_address = 0xC,
    .dump_type = 0xF88,
    .system_time = 0xFC0,
    .uptime = 0xFB8,
    .product = 0xF94,
    .word = 4,
    .triage_size = 0x68,
    .driver_entry = 0x4C,
    /* Unverified (kb §2: "32-bit variant assumed analogous"; no 32-bit sample
     * exists): a ULONG count, then entries of {UNICODE_STRING32 Name;
     * WCHAR DriverName[12] @0x8; ULONG StartAddress @0x20, EndAddress @0x24}. */
    .unloaded_count = 4,
    .unloaded_entry = 0x28,
};

static const struct kernel_layout layout64 = {
    .header = 0x2000,
    .machine = 0x30,
    .processors = 0x34,
    .bugcheck = 0x38,
    .params = 0x40, /* 4 pad bytes after the 32-bit BugCheckCode [S:KDMP] */
    .context = 0x348,
    .exception = 0xF00,
    .exc_address = 0x10,
    .dump_type = 0xF98,
    .system_time = 0xFA8,
    .uptime = 0x1030,
    .product = 0x1040,
    .word = 8,
    .triage_size = 0x80,
    .driver_entry = 0x90,
    /* ULONG64 count, then DUMP_UNLOADED_DRIVERS64 of 0x38 bytes (kb §2, seen
     * in both samples: 0x20D0 + 8 + 4 * 0x38 = PrcbOffset 0x21B8) */
    .unloaded_count = 8,
    .unloaded_entry = 0x38,
};

/* TRIAGE_DUMP32/64 fields used (kb §1: the same offsets in both up to
 * TopOfStack, which is a ULONG in 32-bit and a ULONG64 in 64-bit dumps). */
enum {
    TD_VALID_OFFSET = 0x08,
    TD_UNLOADED_OFFSET = 0x18,
    TD_CALLSTACK_OFFSET = 0x28,
    TD_CALLSTACK_SIZE = 0x2C,
    TD_DRIVER_LIST_OFFSET = 0x30,
    TD_DRIVER_COUNT = 0x34,
    TD_STRING_POOL_OFFSET = 0x38,
    TD_STRING_POOL_SIZE = 0x3C,
    TD_TOP_OF_STACK = 0x48,
};

struct triage {
    uint64_t at; /* file offset of the TRIAGE_DUMP block */
    const struct kernel_layout *l;
    uint64_t pool_off, pool_end; /* string pool, when its bounds are sane */
    bool pool_ok;
};

static uint64_t
word_at(const unsigned char *p, size_t word)
{
    return word == 8 ? dump_le64(p) : dump_le32(p);
}

/* FILETIME (100 ns since 1601) to ms since 1970; ft / 10000 < 2^61, so the
 * subtraction cannot overflow whatever the file says. */
static int64_t
filetime_ms(uint64_t ft)
{
    return (int64_t)(ft / 10000) - FILETIME_UNIX_MS;
}

static enum dump_arch
arch_of_machine(uint32_t m)
{
    switch (m) {
    case 0x14C:
        return DUMP_ARCH_X86;
    case 0x8664:
        return DUMP_ARCH_X64;
    case 0xAA64:
        return DUMP_ARCH_ARM64;
    }
    return DUMP_ARCH_UNKNOWN;
}

/* pc/sp from the header CONTEXT by architecture (kb §1 notes: x64 Rip 0xF8,
 * Rsp 0x98; ARM64 Pc 0x108, Sp 0x100; x86 Eip 0xB8, Esp 0xC4 — winnt.h). The
 * CONTEXT area is 0x4B0/0xBB8 bytes, larger than each offset read here. */
static void
read_context(struct crash_dump *out, const unsigned char *ctx)
{
    switch (out->arch) {
    case DUMP_ARCH_X64:
        out->pc = dump_le64(ctx + 0xF8);
        out->sp = dump_le64(ctx + 0x98);
        break;
    case DUMP_ARCH_ARM64:
        out->pc = dump_le64(ctx + 0x108);
        out->sp = dump_le64(ctx + 0x100);
        break;
    case DUMP_ARCH_X86:
        out->pc = dump_le32(ctx + 0xB8);
        out->sp = dump_le32(ctx + 0xC4);
        break;
    case DUMP_ARCH_UNKNOWN:
        return;
    }
    out->has_context = out->pc != FILL64 && !(out->arch == DUMP_ARCH_X86 && out->pc == FILL32);
}

static void
read_header(struct crash_dump *out, const unsigned char *h, const struct kernel_layout *l)
{
    uint32_t v = dump_le32(h + 0x8);
    out->major_version = v == FILL32 ? 0 : v;
    v = dump_le32(h + 0xC);
    out->has_os_build = v != FILL32;
    out->os_build = out->has_os_build ? v : 0;

    v = dump_le32(h + l->machine);
    out->machine = v == FILL32 ? 0 : v;
    out->arch = arch_of_machine(out->machine);
    v = dump_le32(h + l->processors);
    out->has_processors = v != FILL32;
    out->processors = out->has_processors ? v : 0;

    v = dump_le32(h + l->bugcheck);
    out->has_bugcheck = v != FILL32;
    if (out->has_bugcheck) {
        out->bugcheck = v;
        for (int i = 0; i < 4; i++)
            out->parameters[i] = word_at(h + l->params + (size_t)i * l->word, l->word);
    }

    read_context(out, h + l->context);

    const unsigned char *e = h + l->exception;
    v = dump_le32(e);
    out->has_exception = v != FILL32;
    if (out->has_exception) {
        out->exception_code = v;
        out->exception_address = word_at(e + l->exc_address, l->word);
    }

    uint64_t t = dump_le64(h + l->system_time);
    out->has_time = t != 0 && t != FILL64;
    out->time_ms = out->has_time ? filetime_ms(t) : 0;
    t = dump_le64(h + l->uptime);
    out->has_uptime = t != FILL64;
    out->uptime_ms = out->has_uptime ? t / 10000 : 0;

    v = dump_le32(h + l->product);
    out->has_product_type = v != FILL32;
    out->product_type = out->has_product_type ? v : 0;
}

/* One DUMP_STRING name {ULONG Length in WCHARs; WCHAR Buffer[Length]} at an
 * absolute offset inside the string pool (kb §2 "Driver list": Length counts
 * characters, as the samples show, not bytes as Singularity's comment says). */
static void
read_driver_name(struct dump_reader *r, const struct triage *t, size_t i, uint64_t entry,
                 uint32_t off, struct dump_driver *drv)
{
    unsigned char lb[4];
    if (!dump_fetch(r, off, lb, 4, "name of driver list entry %zu (entry at offset 0x%" PRIx64 ")",
                    i, entry)) {
        dump_set_unknown_name(drv);
        return;
    }
    uint32_t len = dump_le32(lb);
    uint64_t bytes = 4 + 2 * (uint64_t)len;
    if (t->pool_ok && (off < t->pool_off || off > t->pool_end || bytes > t->pool_end - off)) {
        dump_error(r,
                   "driver list entry %zu at offset 0x%" PRIx64 ": name at offset 0x%" PRIx32
                   " (%" PRIu64 " bytes) lies outside the string pool at offset 0x%" PRIx64
                   " (%" PRIu64 " bytes)",
                   i, entry, off, bytes, t->pool_off, t->pool_end - t->pool_off);
        dump_set_unknown_name(drv);
        return;
    }
    char what[96];
    snprintf(what, sizeof(what), "name of driver list entry %zu (entry at offset 0x%" PRIx64 ")", i,
             entry);
    dump_read_name(r, (uint64_t)off + 4, len, drv, what);
}

static void
read_drivers(struct dump_reader *r, struct crash_dump *out, const struct triage *t,
             const unsigned char *td)
{
    uint32_t off = dump_le32(td + TD_DRIVER_LIST_OFFSET);
    uint32_t count = dump_le32(td + TD_DRIVER_COUNT);
    if (off == 0)
        return; /* no driver list */
    if (count > DUMP_MAX_DRIVERS) {
        dump_error(r,
                   "triage dump at offset 0x%" PRIx64 ": driver count %" PRIu32
                   " (at offset 0x%" PRIx64 ") is more than the %d allowed",
                   t->at, count, t->at + TD_DRIVER_COUNT, DUMP_MAX_DRIVERS);
        return;
    }
    out->has_drivers = true;
    size_t esz = t->l->driver_entry, n;
    unsigned char *list = dump_fetch_table(r, off, count, esz, &n, "driver list");
    if (n == 0)
        return;
    out->drivers = xcalloc(n, sizeof(*out->drivers));
    out->ndrivers = n;
    bool is64 = t->l->word == 8;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *e = list + i * esz;
        struct dump_driver *drv = &out->drivers[i];
        /* DllBase, SizeOfImage, TimeDateStamp of the KLDR entry (kb §2) */
        drv->base = is64 ? dump_le64(e + 0x38) : dump_le32(e + 0x1C);
        drv->size = dump_le32(e + (is64 ? 0x48 : 0x24));
        drv->timestamp = dump_le32(e + (is64 ? 0x88 : 0x48));
        size_t before = r->errors;
        r->mute = bad >= DUMP_LIST_ERRORS;
        read_driver_name(r, t, i, off + i * esz, dump_le32(e), drv);
        bad += r->errors != before;
    }
    r->mute = false;
    if (bad > DUMP_LIST_ERRORS)
        dump_error(r, "driver list at offset 0x%" PRIx32 ": %zu more names could not be read", off,
                   bad - DUMP_LIST_ERRORS);
    free(list);
}

static void
read_unloaded(struct dump_reader *r, struct crash_dump *out, const struct triage *t,
              const unsigned char *td)
{
    const struct kernel_layout *l = t->l;
    uint32_t off = dump_le32(td + TD_UNLOADED_OFFSET);
    if (off == 0)
        return;
    unsigned char cb[8];
    if (!dump_fetch(r, off, cb, l->unloaded_count, "unloaded driver count"))
        return;
    uint64_t count = word_at(cb, l->unloaded_count);
    if (count > DUMP_MAX_UNLOADED) {
        dump_error(r,
                   "unloaded drivers at offset 0x%" PRIx32 ": count %" PRIu64
                   " is more than the %d allowed",
                   off, count, DUMP_MAX_UNLOADED);
        return;
    }
    out->has_unloaded = true;
    size_t n;
    uint64_t first = (uint64_t)off + l->unloaded_count;
    unsigned char *v =
        dump_fetch_table(r, first, (size_t)count, l->unloaded_entry, &n, "unloaded driver list");
    if (n == 0)
        return;
    out->unloaded = xcalloc(n, sizeof(*out->unloaded));
    out->nunloaded = n;
    size_t name_at = l->word == 8 ? 0x10 : 0x8, start_at = l->word == 8 ? 0x28 : 0x20;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *e = v + i * l->unloaded_entry;
        /* DriverName keeps at most 12 WCHARs (MAX_UNLOADED_NAME_LENGTH 24
         * bytes), NUL-terminated only when shorter; Name.Length (bytes) may
         * be longer than what was kept (kb §2 [S:SING]). */
        size_t units = dump_le16(e) / 2;
        if (units == 0 || units > 12)
            units = 12;
        out->unloaded[i].name = dump_utf16_to_utf8(e + name_at, units);
        out->unloaded[i].start = word_at(e + start_at, l->word);
        out->unloaded[i].end = word_at(e + start_at + l->word, l->word);
    }
    free(v);
}

/* The saved stack: at most DUMP_MAX_STACK bytes (owned, *n bytes), or NULL.
 * The whole declared range must lie inside the file (stack_size reports it). */
static unsigned char *
read_stack(struct dump_reader *r, struct crash_dump *out, const unsigned char *td, size_t word,
           size_t *n)
{
    uint32_t off = dump_le32(td + TD_CALLSTACK_OFFSET);
    uint32_t size = dump_le32(td + TD_CALLSTACK_SIZE);
    if (off == 0 || size == 0)
        return NULL;
    if (!dump_in_file(r, off, size)) {
        dump_error(r,
                   "saved stack at offset 0x%" PRIx32 " (%" PRIu32
                   " bytes) lies past the end of the file (%" PRIu64 " bytes)",
                   off, size, r->in->size);
        return NULL;
    }
    *n = size > DUMP_MAX_STACK ? DUMP_MAX_STACK : size;
    if (size > DUMP_MAX_STACK)
        dump_note(r,
                  "saved stack at offset 0x%" PRIx32 " holds %" PRIu32
                  " bytes: only the first %zu are read",
                  off, size, *n);
    unsigned char *stack = xmalloc(*n);
    if (!dump_fetch(r, off, stack, *n, "saved stack")) {
        free(stack);
        return NULL;
    }
    out->has_stack = true;
    out->stack_top = word_at(td + TD_TOP_OF_STACK, word);
    out->stack_size = size;
    return stack;
}

/* TRIAGE_DUMP right after the header (kb §2 [S:SING][S:RZ dmp64.c]). */
static void
read_triage(struct dump_reader *r, struct crash_dump *out, const struct kernel_layout *l,
            unsigned char **stack, size_t *nstack)
{
    struct triage t = {.at = l->header, .l = l};
    unsigned char td[0x80];
    if (!dump_fetch(r, t.at, td, l->triage_size, "triage dump header"))
        return;
    /* TRIAGE_DUMP_VALID: the dword at ValidOffset reads "TRGD" (kb §2). A
     * mark past the end of the file means the file was cut: what is left is
     * still read. A mark inside the file that is wrong means this is not a
     * triage block at all. */
    uint32_t valid = dump_le32(td + TD_VALID_OFFSET);
    unsigned char mark[4];
    if (dump_fetch(r, valid, mark, 4, "triage dump validity mark 'TRGD'") &&
        memcmp(mark, "TRGD", 4) != 0) {
        dump_error(r,
                   "triage dump at offset 0x%" PRIx64 ": the validity mark at offset 0x%" PRIx32
                   " is %02x %02x %02x %02x, not 'TRGD'",
                   t.at, valid, mark[0], mark[1], mark[2], mark[3]);
        return;
    }
    uint32_t pool = dump_le32(td + TD_STRING_POOL_OFFSET);
    uint32_t pool_size = dump_le32(td + TD_STRING_POOL_SIZE);
    if (pool != 0 && pool_size != 0) {
        if (dump_in_file(r, pool, pool_size)) {
            t.pool_ok = true;
            t.pool_off = pool;
            t.pool_end = (uint64_t)pool + pool_size;
        } else {
            dump_error(r,
                       "string pool at offset 0x%" PRIx32 " (%" PRIu32
                       " bytes) lies past the end of the file (%" PRIu64 " bytes)",
                       pool, pool_size, r->in->size);
        }
    }
    read_drivers(r, out, &t, td);
    read_unloaded(r, out, &t, td);
    *stack = read_stack(r, out, td, l->word, nstack);
}

/* BMP_HEADER64 at 0x2000 (kb §4 [S:KDMP][S:RZSPEC]): signature 'SDMP' or
 * 'FDMP', ValidDump 'DUMP', FirstPage @0x20, TotalPresentPages @0x28,
 * Pages @0x30. The bitmap and the pages are not read. */
static void
read_bitmap(struct dump_reader *r, struct crash_dump *out, const struct kernel_layout *l)
{
    if (l->word != 8) {
        dump_note(r,
                  "bitmap dump header of a 32-bit dump at offset 0x%zx not read (layout not "
                  "known)",
                  l->header);
        return;
    }
    unsigned char b[0x38];
    if (!dump_fetch(r, l->header, b, sizeof(b), "bitmap dump header"))
        return;
    if ((memcmp(b, "SDMP", 4) != 0 && memcmp(b, "FDMP", 4) != 0) || memcmp(b + 4, "DUMP", 4) != 0) {
        dump_error(r,
                   "bitmap dump header at offset 0x%zx: signature %02x %02x %02x %02x %02x %02x "
                   "%02x %02x is not 'SDMP' or 'FDMP' followed by 'DUMP'",
                   l->header, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
        return;
    }
    out->first_page_offset = dump_le64(b + 0x20);
    out->present_pages = dump_le64(b + 0x28);
    out->bitmap_pages = dump_le64(b + 0x30);
    out->has_bitmap = true;
}

enum dump_status
dump_read_kernel(struct dump_reader *r, struct crash_dump *out, bool is64)
{
    const struct kernel_layout *l = is64 ? &layout64 : &layout32;
    out->format = is64 ? DUMP_FORMAT_KERNEL64 : DUMP_FORMAT_KERNEL32;
    unsigned char *h = xmalloc(l->header);
    if (!dump_fetch(r, 0, h, l->header, "header of the %s dump", is64 ? "PAGEDU64" : "PAGEDUMP")) {
        free(h);
        return DUMP_UNREADABLE;
    }
    read_header(out, h, l);
    uint32_t type = dump_le32(h + l->dump_type);
    free(h);
    unsigned char *stack = NULL;
    size_t nstack = 0;
    if (type != FILL32) {
        out->has_dump_type = true;
        if (type >= DUMP_TYPE_FULL && type <= DUMP_TYPE_AUTOMATIC)
            out->dump_type = (enum dump_type)type;
        else
            dump_note(r, "dump type %" PRIu32 " at offset 0x%zx is not a known DUMP_TYPE", type,
                      l->dump_type);
    }
    if (out->dump_type == DUMP_TYPE_TRIAGE)
        read_triage(r, out, l, &stack, &nstack);
    else if (out->dump_type == DUMP_TYPE_BITMAP_FULL || out->dump_type == DUMP_TYPE_BITMAP_KERNEL)
        read_bitmap(r, out, l);
    if (stack)
        dump_mark_stack(out, stack, nstack, l->word);
    dump_culprit(out, stack, nstack);
    free(stack);
    return r->errors ? DUMP_PARTIAL : DUMP_OK;
}
