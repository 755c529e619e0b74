/* fuzz_dump: arbitrary bytes through the Windows crash dump reader
 * (dump_read over dump_input_memory), so a .dmp found in a guest or a support
 * bundle can never crash the tool or break what dump.h promises: lists within
 * DUMP_MAX_DRIVERS/DUMP_MAX_UNLOADED, names never NULL and bounded, a culprit
 * that points into the driver list and holds its address, has_context only
 * with a known architecture, and a status that agrees with the diagnostics
 * (OK: no error; PARTIAL/UNREADABLE: at least one; NOT_A_DUMP: none at all),
 * every diagnostic a lower-case line that names an offset.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/dump/dump.h"
#include "util/util_mem.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int fuzz_dump_one(const uint8_t *data, size_t size);

static void
fuzz_dump_text(const char *s, size_t max, const char *what)
{
    if (s == NULL)
        VT_BUG("fuzz_dump: %s is NULL", what);
    size_t n = strlen(s);
    if (n > max)
        VT_BUG("fuzz_dump: %s of %zu bytes", what, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            VT_BUG("fuzz_dump: control byte in %s", what);
}

static void
fuzz_dump_check(const struct crash_dump *c, enum dump_status st, const struct diags *d)
{
    size_t errors = diags_count(d, DIAG_ERROR);
    if ((st == DUMP_OK && errors) || ((st == DUMP_PARTIAL || st == DUMP_UNREADABLE) && !errors) ||
        (st == DUMP_NOT_A_DUMP && d->n))
        VT_BUG("fuzz_dump: status %d with %zu diagnostics, %zu errors", (int)st, d->n, errors);
    for (size_t i = 0; i < d->n; i++) {
        const char *m = d->v[i].message;
        if (strstr(m, "offset") == NULL || (m[0] >= 'A' && m[0] <= 'Z') || strchr(m, '\n'))
            VT_BUG("fuzz_dump: diagnostic '%s'", m);
    }
    if (st == DUMP_NOT_A_DUMP && (c->ndrivers || c->file_size || c->has_bugcheck))
        VT_BUG("fuzz_dump: not a dump, yet filled");
    if (c->ndrivers > DUMP_MAX_DRIVERS || c->nunloaded > DUMP_MAX_UNLOADED)
        VT_BUG("fuzz_dump: %zu drivers, %zu unloaded", c->ndrivers, c->nunloaded);
    if ((c->ndrivers && c->drivers == NULL) || (c->nunloaded && c->unloaded == NULL))
        VT_BUG("fuzz_dump: counted list without storage");
    if (c->ndrivers && !c->has_drivers)
        VT_BUG("fuzz_dump: drivers without has_drivers");
    for (size_t i = 0; i < c->ndrivers; i++) {
        fuzz_dump_text(c->drivers[i].name, 3 * DUMP_MAX_NAME, "driver name");
        fuzz_dump_text(c->drivers[i].path, 3 * DUMP_MAX_NAME, "driver path");
    }
    for (size_t i = 0; i < c->nunloaded; i++)
        fuzz_dump_text(c->unloaded[i].name, 3 * 12, "unloaded name");
    if (c->process)
        fuzz_dump_text(c->process, 3 * DUMP_MAX_NAME, "process");
    if (c->has_context && c->arch == DUMP_ARCH_UNKNOWN)
        VT_BUG("fuzz_dump: context of an unknown architecture");
    if (c->stack_size && !c->has_stack)
        VT_BUG("fuzz_dump: stack size without a stack");
    if (dump_arch_name(c->arch) == NULL || dump_type_name(c->dump_type) == NULL ||
        dump_format_name(c->format) == NULL || dump_culprit_rule_name(c->culprit_rule) == NULL)
        VT_BUG("fuzz_dump: a report word is NULL");

    const struct dump_driver *k = c->culprit;
    if ((k == NULL) != (c->culprit_rule == CULPRIT_RULE_NONE))
        VT_BUG("fuzz_dump: culprit %p with rule %d", (const void *)k, (int)c->culprit_rule);
    if (k && (k < c->drivers || k >= c->drivers + c->ndrivers))
        VT_BUG("fuzz_dump: culprit outside the driver list");
    if ((c->culprit_parameter != 0) != (c->culprit_rule == CULPRIT_RULE_PARAMETER) ||
        c->culprit_parameter < 0 || c->culprit_parameter > 4)
        VT_BUG("fuzz_dump: parameter %d with rule %d", c->culprit_parameter, (int)c->culprit_rule);
    bool holds = k && c->culprit_address >= k->base && c->culprit_address - k->base < k->size;
    if (k && !holds && (c->culprit_rule != CULPRIT_RULE_KERNEL || c->culprit_address != 0))
        VT_BUG("fuzz_dump: culprit address 0x%llx outside %s",
               (unsigned long long)c->culprit_address, k->name);
    if (k && c->culprit_rule != CULPRIT_RULE_KERNEL && dump_is_kernel_image(k->name) &&
        c->format != DUMP_FORMAT_USER)
        VT_BUG("fuzz_dump: kernel image %s named by rule %d", k->name, (int)c->culprit_rule);
}

int
fuzz_dump_one(const uint8_t *data, size_t size)
{
    struct dump_input in;
    dump_input_memory(&in, data, size);
    struct crash_dump c;
    struct diags d = DIAGS_INIT;
    enum dump_status st = dump_read(&in, "fuzz.dmp", &c, &d);
    fuzz_dump_check(&c, st, &d);
    /* without the stack the culprit may change, never its invariants */
    dump_culprit(&c, NULL, 0);
    fuzz_dump_check(&c, st, &d);
    dump_release(&c);
    diags_release(&d);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_dump_one(data, size);
}
#endif
