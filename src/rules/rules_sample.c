/* rules_sample: runs a rule on one of its own samples (`rules check`).
 *
 * A sample is the text the rule's records come from: a .vmx for vm, nic and
 * controller rules, purple-screen text for crash rules (decoded as `psod`
 * would), log lines for log rules, a CPU listing for cpu rules (read as
 * `cpu` reads it). A dump is binary, so a dump rule's sample describes one in
 * `key: value` lines (dump_sample below). */
#include "rules/log_scan.h"
#include "rules/rules.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

static bool
vmx_sample_hits(const struct rule *rule, const char *text, struct diags *d)
{
    struct vmx_doc *doc = vmx_parse(text, strlen(text), rule->file, d);
    if (doc == NULL)
        return false;
    struct vm *vm = vm_from_vmx(doc, "sample.vmx");
    struct record_ctx ctx = {0};
    struct record r = {.kind = rule->kind, .vm = vm, .ctx = &ctx};
    bool hit = false;
    for (size_t i = 0; !hit && record_next(&r, &i);)
        hit = rule_match(rule, &r);
    vm_free(vm);
    return hit;
}

static bool
crash_sample_hits(const struct rule *rule, const char *text, struct diags *d)
{
    struct psod_result res = {0};
    psod_decode(text, strlen(text), rule->file, &res, d);
    bool hit = false;
    for (size_t i = 0; !hit && i < res.ncrashes; i++) {
        struct crash_view v;
        crash_view_init(&v, &res.crashes[i], "sample");
        hit = rule_match(rule, &(struct record){.kind = REC_CRASH, .crash = &v});
        crash_view_release(&v);
    }
    psod_result_release(&res);
    return hit;
}

static void
on_log_hit(void *ctx, size_t rule, const struct log_record *rec)
{
    (void)rule;
    (void)rec;
    *(bool *)ctx = true;
}

/* The sample goes through what `logs` runs: the block prefilter built from
 * this rule, the records of each line, the rule. So a sample also proves
 * that the prefilter derived from the rule lets its lines through. */
static bool
log_sample_hits(const struct rule *rule, const char *text, struct diags *d)
{
    struct rule *one[] = {(struct rule *)rule};
    struct ruleset rs = {one, 1, 1, NULL};
    struct log_prefilter *pf = log_prefilter_new(&rs, d);
    bool hit = false;
    struct log_scanner *sc = log_scanner_new(pf, "sample", on_log_hit, &hit);
    log_scanner_feed(sc, text, strlen(text));
    struct psod_result res;
    struct log_scan_stats st;
    log_scanner_finish(sc, &res, &st, d);
    psod_result_release(&res);
    log_prefilter_free(pf);
    return hit;
}

/* A dump described in lines of `key: value`: bugcheck, p1-p4 (numbers, 0x
 * for hex), format (kernel32, kernel64, user), arch (x86, x64, arm64),
 * build, processors, exception, process, culprit (a driver name), drivers
 * and unloaded (names separated by blanks; a name ending in `*` is on the
 * stack). Returns false after a diagnostic for a line it cannot read. */
static bool
dump_sample(const struct rule *rule, const char *text, struct crash_dump *dp, struct diags *d)
{
    *dp = (struct crash_dump){.format = DUMP_FORMAT_KERNEL64, .arch = DUMP_ARCH_X64};
    const char *culprit = NULL;
    char *copy = xstrdup(text), *save = NULL;
    bool ok = true;
    for (char *line = strtok_r(copy, "\n", &save); ok && line; line = strtok_r(NULL, "\n", &save)) {
        char *colon = strchr(line, ':');
        if (colon == NULL) {
            ok = false;
            break;
        }
        *colon = '\0';
        const char *key = line, *val = colon + 1;
        while (*val == ' ')
            val++;
        unsigned long long n = strtoull(val, NULL, 0);
        if (!strcmp(key, "bugcheck")) {
            dp->has_bugcheck = true;
            dp->bugcheck = (uint32_t)n;
        } else if (key[0] == 'p' && key[1] >= '1' && key[1] <= '4' && key[2] == '\0') {
            dp->parameters[key[1] - '1'] = n;
        } else if (!strcmp(key, "format")) {
            dp->format = !strcmp(val, "user")       ? DUMP_FORMAT_USER
                         : !strcmp(val, "kernel32") ? DUMP_FORMAT_KERNEL32
                                                    : DUMP_FORMAT_KERNEL64;
        } else if (!strcmp(key, "arch")) {
            dp->arch = !strcmp(val, "x86")     ? DUMP_ARCH_X86
                       : !strcmp(val, "arm64") ? DUMP_ARCH_ARM64
                                               : DUMP_ARCH_X64;
        } else if (!strcmp(key, "build")) {
            dp->has_os_build = true;
            dp->os_build = (uint32_t)n;
        } else if (!strcmp(key, "processors")) {
            dp->has_processors = true;
            dp->processors = (uint32_t)n;
        } else if (!strcmp(key, "exception")) {
            dp->has_exception = true;
            dp->exception_code = (uint32_t)n;
        } else if (!strcmp(key, "process")) {
            free(dp->process);
            dp->process = xstrdup(val);
        } else if (!strcmp(key, "culprit")) {
            culprit = val;
        } else if (!strcmp(key, "drivers") || !strcmp(key, "unloaded")) {
            bool loaded = key[0] == 'd';
            char *names = xstrdup(val), *s2 = NULL;
            for (char *w = strtok_r(names, " ", &s2); w; w = strtok_r(NULL, " ", &s2)) {
                size_t len = strlen(w);
                bool star = len > 1 && w[len - 1] == '*';
                if (star)
                    w[len - 1] = '\0';
                if (loaded) {
                    dp->drivers =
                        xreallocarray(dp->drivers, dp->ndrivers + 1, sizeof(*dp->drivers));
                    dp->drivers[dp->ndrivers++] = (struct dump_driver){
                        .name = xstrdup(w), .path = xstrdup(w), .on_stack = star};
                } else {
                    dp->unloaded =
                        xreallocarray(dp->unloaded, dp->nunloaded + 1, sizeof(*dp->unloaded));
                    dp->unloaded[dp->nunloaded++] = (struct dump_unloaded){.name = xstrdup(w)};
                }
            }
            free(names);
            dp->has_drivers |= loaded;
            dp->has_unloaded |= !loaded;
        } else {
            ok = false;
        }
        if (!ok)
            diags_add(d, DIAG_ERROR, rule->file, rule->line,
                      "rule '%s': dump sample line '%s' is not a known key: value", rule->id, line);
    }
    if (ok && culprit != NULL) {
        for (size_t i = 0; i < dp->ndrivers && dp->culprit == NULL; i++)
            if (!strcmp(dp->drivers[i].name, culprit))
                dp->culprit = &dp->drivers[i];
        dp->culprit_rule = dp->culprit ? CULPRIT_RULE_PARAMETER : CULPRIT_RULE_NONE;
        if (dp->culprit == NULL) {
            diags_add(d, DIAG_ERROR, rule->file, rule->line,
                      "rule '%s': dump sample culprit '%s' is not in its drivers", rule->id,
                      culprit);
            ok = false;
        }
    }
    free(copy);
    return ok;
}

static bool
dump_sample_hits(const struct rule *rule, const char *text, struct diags *d)
{
    struct crash_dump dp;
    bool hit = false;
    if (dump_sample(rule, text, &dp, d)) {
        struct dump_view v;
        dump_view_init(&v, &dp, "sample.dmp");
        hit = rule_match(rule, &(struct record){.kind = REC_DUMP, .dump = &v});
        dump_view_release(&v);
    }
    dump_release(&dp);
    return hit;
}

/* The sample goes through cpu_parse as `vmtriage cpu` reads a file, so a
 * sample that is no listing is an error of the rule's file. */
static bool
cpu_sample_hits(const struct rule *rule, const char *text, struct diags *d)
{
    struct cpu_info c;
    bool hit = false;
    if (cpu_parse(text, strlen(text), rule->file, &c, d) == 0) {
        struct cpu_view v = {&c, "sample"};
        hit = rule_match(rule, &(struct record){.kind = REC_CPU, .cpu = &v});
    }
    cpu_release(&c);
    return hit;
}

static bool
sample_hits(const struct rule *rule, const char *text, struct diags *d)
{
    switch (rule->kind) {
    case REC_CRASH:
        return crash_sample_hits(rule, text, d);
    case REC_LOG:
        return log_sample_hits(rule, text, d);
    case REC_DUMP:
        return dump_sample_hits(rule, text, d);
    case REC_CPU:
        return cpu_sample_hits(rule, text, d);
    default:
        return vmx_sample_hits(rule, text, d);
    }
}

bool
rule_sample_hits(const struct rule *rule, const char *text, struct diags *d)
{
    bool hit = sample_hits(rule, text, d);
    rule_re_report(d, rule->file, rule->line); /* a |re that gave up: no verdict */
    return hit;
}
