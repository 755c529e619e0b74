/* fuzz_cpu: arbitrary bytes through the CPU listing reader (cpu_parse), then
 * whatever parses through the capability facts, the verdict and the built-in
 * cpu rules, so a file a user pastes into `vmtriage cpu` can never crash the
 * tool or break what cpu.h promises:
 * - 0 with no error, or -1 with exactly one error (the first ends the read);
 *   every diagnostic one lower-case line naming a line or an offset;
 * - flags each once, non-empty, at most CPU_MAX_FLAG_LEN printable bytes, at
 *   most CPU_MAX_FLAGS of them; has_flags with its line; texts bounded and
 *   free of control bytes; counts never below -1; tri-states in -1..1;
 * - cpu_verdict: "not ready: ..." with ready 0 exactly when asked, every
 *   other verdict with ready 1 or -1; findings only of cpu rules, for the
 *   listing's subject.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/cpu/cpu.h"
#include "findings/findings.h"
#include "rules/rules.h"
#include "util/util_mem.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fuzz_cpu_one(const uint8_t *data, size_t size);

static struct ruleset fuzz_cpu_rules = RULESET_INIT;
static bool fuzz_cpu_loaded;

static void
fuzz_cpu_text(const char *s, size_t max, const char *what)
{
    if (s == NULL)
        return;
    size_t n = strlen(s);
    if (n > max)
        VT_BUG("fuzz_cpu: %s of %zu bytes", what, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            VT_BUG("fuzz_cpu: control byte in %s", what);
}

static void
fuzz_cpu_diags(int rc, const struct diags *d)
{
    size_t errors = diags_count(d, DIAG_ERROR);
    if ((rc == 0 && errors) || (rc == -1 && errors != 1) || (rc != 0 && rc != -1))
        VT_BUG("fuzz_cpu: rc %d with %zu errors", rc, errors);
    for (size_t i = 0; i < d->n; i++) {
        const char *m = d->v[i].message;
        if (m[0] == '\0' || (m[0] >= 'A' && m[0] <= 'Z') || strchr(m, '\n'))
            VT_BUG("fuzz_cpu: diagnostic '%s'", m);
        if (d->v[i].line == 0 && strstr(m, "offset") == NULL)
            VT_BUG("fuzz_cpu: diagnostic names neither line nor offset: '%s'", m);
    }
}

static void
fuzz_cpu_check(const struct cpu_info *c)
{
    if (c->format != CPU_FORMAT_CPUINFO && c->format != CPU_FORMAT_LSCPU &&
        c->format != CPU_FORMAT_ESXCLI)
        VT_BUG("fuzz_cpu: format %d", (int)c->format);
    if (c->nflags > CPU_MAX_FLAGS || (c->nflags && c->flags == NULL))
        VT_BUG("fuzz_cpu: %zu flags", c->nflags);
    if (c->nflags && !c->has_flags)
        VT_BUG("fuzz_cpu: flags without has_flags");
    if (c->has_flags != (c->flags_line > 0) || c->has_flags != (c->flags_processor >= 0))
        VT_BUG("fuzz_cpu: has_flags %d, flags line %lu, processor %ld", c->has_flags, c->flags_line,
               c->flags_processor);
    for (size_t i = 0; i < c->nflags; i++) {
        const char *f = c->flags[i];
        size_t n = strlen(f);
        if (n == 0 || n > CPU_MAX_FLAG_LEN)
            VT_BUG("fuzz_cpu: flag of %zu bytes", n);
        for (size_t k = 0; k < n; k++)
            if ((unsigned char)f[k] <= 0x20 || f[k] == 0x7F)
                VT_BUG("fuzz_cpu: blank or control byte in a flag");
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->flags[j], f) == 0)
                VT_BUG("fuzz_cpu: flag '%s' twice", f);
        if (!cpu_has_flag(c, f))
            VT_BUG("fuzz_cpu: cpu_has_flag misses '%s'", f);
    }
    /* values are cut at CPU_MAX_VALUE; two of them are built from two values */
    fuzz_cpu_text(c->vendor, 2 * CPU_MAX_VALUE, "vendor");
    fuzz_cpu_text(c->model, 3 * CPU_MAX_VALUE, "model");
    fuzz_cpu_text(c->hypervisor_vendor, CPU_MAX_VALUE, "hypervisor vendor");
    fuzz_cpu_text(c->virtualization, CPU_MAX_VALUE, "virtualization");
    if (c->hypervisor < -1 || c->hypervisor > 1)
        VT_BUG("fuzz_cpu: hypervisor %d", c->hypervisor);
    if (c->processors < -1 || c->hv_support < -1 || c->packages < -1 || c->cores < -1 ||
        c->threads < -1)
        VT_BUG("fuzz_cpu: a count below -1");
    if ((c->hv_support >= 0) != (c->hv_line > 0))
        VT_BUG("fuzz_cpu: HV Support %ld at line %lu", c->hv_support, c->hv_line);
    if (!c->flags_consistent && c->differ_line == 0)
        VT_BUG("fuzz_cpu: inconsistent flags without a line");
    if (c->format == CPU_FORMAT_ESXCLI && c->has_flags)
        VT_BUG("fuzz_cpu: esxcli with flags");
    if (cpu_format_name(c->format) == NULL || cpu_format_title(c->format) == NULL ||
        cpu_arch_name(c->arch) == NULL)
        VT_BUG("fuzz_cpu: a name is NULL");
    for (int k = 0; k < CPU_CAP__COUNT; k++) {
        enum cpu_state s = cpu_cap_state(c, (enum cpu_cap)k);
        if (s != CPU_PRESENT && s != CPU_MISSING && s != CPU_UNKNOWN && s != CPU_NOT_APPLICABLE)
            VT_BUG("fuzz_cpu: state %d", (int)s);
        if (s == CPU_PRESENT && k != CPU_CAP_HYPERVISOR && !cpu_has_flag(c, cpu_cap_flag(k)))
            VT_BUG("fuzz_cpu: %s present without the flag", cpu_cap_flag(k));
    }
    char *m = cpu_missing_text(c), *e = cpu_evidence_text(c);
    fuzz_cpu_text(m, 4096, "missing text");
    fuzz_cpu_text(e, 4096, "evidence");
    free(m);
    free(e);
    for (int nr = 0; nr < 2; nr++) {
        int ready = 7;
        char *v = cpu_verdict(c, nr == 1, "fallback", &ready);
        if (nr == 1 && (ready != 0 || strncmp(v, "not ready: ", 11) != 0))
            VT_BUG("fuzz_cpu: verdict '%s' (ready %d) when not ready", v, ready);
        if (nr == 0 && ready != 1 && ready != -1)
            VT_BUG("fuzz_cpu: verdict '%s' with ready %d", v, ready);
        free(v);
    }
}

int
fuzz_cpu_one(const uint8_t *data, size_t size)
{
    if (!fuzz_cpu_loaded) {
        struct diags d = DIAGS_INIT;
        if (rules_load_builtin(&fuzz_cpu_rules, &d) != 0)
            VT_BUG("fuzz_cpu: the built-in rules do not load");
        diags_release(&d);
        fuzz_cpu_loaded = true;
    }
    struct cpu_info c;
    struct diags d = DIAGS_INIT;
    int rc = cpu_parse((const char *)data, size, "fuzz.txt", &c, &d);
    fuzz_cpu_diags(rc, &d);
    if (rc == 0) {
        fuzz_cpu_check(&c);
        struct cpu_view v = {&c, "fuzz.txt"};
        struct findings f = FINDINGS_INIT;
        audit_cpu(&fuzz_cpu_rules, &v, c.flags_line, "evidence", &f);
        for (size_t i = 0; i < f.n; i++)
            if (f.v[i].rule->kind != REC_CPU || strcmp(f.v[i].subject, "fuzz.txt") != 0)
                VT_BUG("fuzz_cpu: finding of rule %s", f.v[i].rule->id);
        findings_release(&f);
    }
    cpu_release(&c);
    diags_release(&d);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_cpu_one(data, size);
}
#endif
