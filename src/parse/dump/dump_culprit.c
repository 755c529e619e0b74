/* dump_culprit: "caused by" without symbols, the way BlueScreenView does it
 * from a minidump's driver list and saved stack [S:BSV-pages]: the offline
 * heuristic of kb/windows-crash-dumps.md §3, which names amdppm.sys for the
 * x64 sample as rizin's symbolized backtrace does, and the kernel for the
 * ARM64 power-button sample.
 *
 * 1. the bug check's own "address" parameter (table below), when it falls in
 *    a driver that is not the kernel (nt, hal, kd);
 * 2. else the header CONTEXT's PC, likewise;
 * 3. else the first pointer-sized word of the saved stack inside such a driver;
 * 4. else the kernel itself: the kernel image that held an address seen on
 *    the way, or the first kernel image of the list (ntoskrnl.exe).
 * User-mode minidumps: the module holding the exception address, else the
 * one holding the exception thread's PC. */
#include "parse/dump/dump_io.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

/* BUGCHECK_CONTEXT_MODIFIER; the `_M` variants are code | 0x10000000 with
 * the base code's parameters (kb §3 [S:SDK-bugcodes][S:MSDOCS]). */
#define BUGCHECK_CONTEXT_MODIFIER 0x80000000u
#define BUGCHECK_M_VARIANT 0x10000000u

/* The parameter that holds a code address inside the faulting driver, per
 * each code's page under https://learn.microsoft.com/windows-hardware/drivers/debugger/
 * (kb §5, [S:MSDOCS] windows-driver-docs @825aa15f). */
static const struct {
    uint32_t code;
    int param; /* 1-based */
} address_params[] = {
    {0x0A, 4},  /* bug-check-0xa--irql-not-less-or-equal: P4 instruction pointer */
    {0x1E, 2},  /* bug-check-0x1e--kmode-exception-not-handled: P2 exception address */
    {0x3B, 2},  /* bug-check-0x3b--system-service-exception: P2 faulting instruction */
    {0x50, 3},  /* bug-check-0x50--page-fault-in-nonpaged-area: P3 referencing address */
    {0x7E, 2},  /* bug-check-0x7e--system-thread-exception-not-handled: P2 exception address */
    {0x8E, 2},  /* bug-check-0x8e--kernel-mode-exception-not-handled: P2 exception address */
    {0xC5, 4},  /* bug-check-0xc5--driver-corrupted-expool: P4 referencing address */
    {0xD1, 4},  /* bug-check-0xd1--driver-irql-not-less-or-equal: P4 referencing address */
    {0xD5, 3},  /* bug-check-0xd5--driver-page-fault-in-freed-special-pool: P3 address */
    {0xD6, 3},  /* bug-check-0xd6--driver-page-fault-beyond-end-of-allocation: P3 address */
    {0x116, 2}, /* bug-check-0x116---video-tdr-failure: P2 pointer into the driver */
};

/* The 1-based address parameter of a bug check code, or 0. */
static int
address_param(uint32_t code)
{
    code &= ~BUGCHECK_CONTEXT_MODIFIER;
    if (code & BUGCHECK_M_VARIANT)
        code &= ~BUGCHECK_M_VARIANT;
    for (size_t i = 0; i < sizeof(address_params) / sizeof(address_params[0]); i++)
        if (address_params[i].code == code)
            return address_params[i].param;
    return 0;
}

static char
lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive: s starts with p / s of length n ends with p. */
static bool
starts_ci(const char *s, const char *p)
{
    for (; *p; s++, p++)
        if (lower(*s) != *p)
            return false;
    return true;
}

static bool
ends_ci(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && starts_ci(s + n - k, p);
}

bool
dump_is_kernel_image(const char *name)
{
    if (name == NULL)
        return false;
    const char *slash = strrchr(name, '\\');
    if (slash)
        name = slash + 1;
    size_t n = strlen(name);
    if (n == 12 && (starts_ci(name, "ntoskrnl.exe") || starts_ci(name, "ntkrla57.exe")))
        return true;
    if (starts_ci(name, "ntkrnl") && ends_ci(name, n, ".exe"))
        return true;
    return (starts_ci(name, "hal") || starts_ci(name, "kd")) && ends_ci(name, n, ".dll");
}

const struct dump_driver *
dump_driver_at(const struct crash_dump *dump, uint64_t addr)
{
    for (size_t i = 0; i < dump->ndrivers; i++) {
        const struct dump_driver *d = &dump->drivers[i];
        if (addr >= d->base && addr - d->base < d->size)
            return d;
    }
    return NULL;
}

/* Drivers sorted by base, for many lookups (the stack words). */
struct index_entry {
    uint64_t base, size;
    size_t i; /* into dump->drivers */
};

struct driver_index {
    struct index_entry *v;
    size_t n;
};

static int
cmp_base(const void *a, const void *b)
{
    const struct index_entry *x = a, *y = b;
    if (x->base != y->base)
        return x->base < y->base ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static void
index_build(struct driver_index *ix, const struct crash_dump *dump)
{
    ix->n = 0;
    ix->v = dump->ndrivers ? xreallocarray(NULL, dump->ndrivers, sizeof(*ix->v)) : NULL;
    for (size_t i = 0; i < dump->ndrivers; i++)
        if (dump->drivers[i].size != 0)
            ix->v[ix->n++] = (struct index_entry){dump->drivers[i].base, dump->drivers[i].size, i};
    if (ix->n > 1)
        qsort(ix->v, ix->n, sizeof(*ix->v), cmp_base);
}

/* The index (into drivers) of the driver with the highest base <= addr when
 * it holds addr, else (size_t)-1. Overlapping ranges never occur in a real
 * dump; with them a word is given to one of the drivers holding it. */
static size_t
index_find(const struct driver_index *ix, uint64_t addr)
{
    size_t lo = 0, hi = ix->n; /* first entry with base > addr */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->v[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return (size_t)-1;
    const struct index_entry *e = &ix->v[lo - 1];
    return addr - e->base < e->size ? e->i : (size_t)-1;
}

static uint64_t
stack_word(const unsigned char *p, size_t word)
{
    return word == 8 ? dump_le64(p) : dump_le32(p);
}

void
dump_mark_stack(struct crash_dump *dump, const unsigned char *stack, size_t nstack, size_t word)
{
    struct driver_index ix;
    index_build(&ix, dump);
    for (size_t off = 0; ix.n && off + word <= nstack; off += word) {
        size_t k = index_find(&ix, stack_word(stack + off, word));
        if (k != (size_t)-1)
            dump->drivers[k].on_stack = true;
    }
    free(ix.v);
}

/* Where the kernel fallback points: the first kernel-image address met. */
struct kernel_seen {
    const struct dump_driver *drv;
    uint64_t addr;
};

/* Sets the culprit when addr lies in a driver that is not a kernel image;
 * remembers a kernel image for step 4. */
static bool
try_address(struct crash_dump *dump, const struct dump_driver *drv, uint64_t addr,
            enum dump_culprit_rule rule, struct kernel_seen *k)
{
    if (drv == NULL)
        return false;
    if (dump_is_kernel_image(drv->name)) {
        if (k->drv == NULL)
            *k = (struct kernel_seen){drv, addr};
        return false;
    }
    dump->culprit_rule = rule;
    dump->culprit = drv;
    dump->culprit_address = addr;
    return true;
}

static void
culprit_user(struct crash_dump *dump)
{
    const struct dump_driver *drv;
    if (dump->has_exception && (drv = dump_driver_at(dump, dump->exception_address)) != NULL) {
        dump->culprit_rule = CULPRIT_RULE_EXCEPTION;
        dump->culprit = drv;
        dump->culprit_address = dump->exception_address;
    } else if (dump->has_context && (drv = dump_driver_at(dump, dump->pc)) != NULL) {
        dump->culprit_rule = CULPRIT_RULE_CONTEXT;
        dump->culprit = drv;
        dump->culprit_address = dump->pc;
    }
}

void
dump_culprit(struct crash_dump *dump, const unsigned char *stack, size_t nstack)
{
    dump->culprit_rule = CULPRIT_RULE_NONE;
    dump->culprit = NULL;
    dump->culprit_address = 0;
    dump->culprit_parameter = 0;
    if (dump->format == DUMP_FORMAT_USER) {
        culprit_user(dump);
        return;
    }
    struct kernel_seen k = {NULL, 0};
    int p = dump->has_bugcheck ? address_param(dump->bugcheck) : 0;
    if (p) {
        uint64_t a = dump->parameters[p - 1];
        if (try_address(dump, dump_driver_at(dump, a), a, CULPRIT_RULE_PARAMETER, &k)) {
            dump->culprit_parameter = p;
            return;
        }
    }
    if (dump->has_context &&
        try_address(dump, dump_driver_at(dump, dump->pc), dump->pc, CULPRIT_RULE_CONTEXT, &k))
        return;
    if (stack && nstack && dump->ndrivers) {
        size_t word = dump->format == DUMP_FORMAT_KERNEL32 ? 4 : 8;
        struct driver_index ix;
        index_build(&ix, dump);
        bool found = false;
        for (size_t off = 0; !found && off + word <= nstack; off += word) {
            uint64_t w = stack_word(stack + off, word);
            size_t i = index_find(&ix, w);
            if (i != (size_t)-1)
                found = try_address(dump, &dump->drivers[i], w, CULPRIT_RULE_STACK, &k);
        }
        free(ix.v);
        if (found)
            return;
    }
    if (k.drv == NULL)
        for (size_t i = 0; i < dump->ndrivers && k.drv == NULL; i++)
            if (dump_is_kernel_image(dump->drivers[i].name))
                k.drv = &dump->drivers[i];
    if (k.drv) {
        dump->culprit_rule = CULPRIT_RULE_KERNEL;
        dump->culprit = k.drv;
        dump->culprit_address = k.addr;
    }
}
