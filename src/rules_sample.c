/* rules_sample: runs a rule on one of its own samples (`rules check`).
 *
 * A sample is the text the rule's records come from: a .vmx for vm, nic and
 * controller rules, purple-screen text for crash rules (decoded as `psod`
 * would), log lines for log rules. */
#include "log_scan.h"
#include "rules.h"
#include "util_buf.h"
#include "util_mem.h"

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
    struct ruleset rs = {one, 1, 1};
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

bool
rule_sample_hits(const struct rule *rule, const char *text, struct diags *d)
{
    switch (rule->kind) {
    case REC_CRASH:
        return crash_sample_hits(rule, text, d);
    case REC_LOG:
        return log_sample_hits(rule, text, d);
    default:
        return vmx_sample_hits(rule, text, d);
    }
}
