/* rules_sample: runs a rule on one of its own samples (`rules check`).
 *
 * A sample is the text the rule's records come from: a .vmx for vm, nic and
 * controller rules, purple-screen text for crash rules (decoded as `psod`
 * would), log lines for log rules. */
#include "rules.h"
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

static bool
log_sample_hits(const struct rule *rule, const char *text)
{
    bool hit = false;
    unsigned long n = 0;
    for (const char *p = text; !hit && *p;) {
        size_t len = strcspn(p, "\r\n");
        char *line = xstrndup(p, len);
        struct log_line l = {"sample", ++n, line};
        hit = rule_match(rule, &(struct record){.kind = REC_LOG, .log = &l});
        free(line);
        p += len;
        p += *p == '\r' && p[1] == '\n' ? 2 : *p != '\0';
    }
    return hit;
}

bool
rule_sample_hits(const struct rule *rule, const char *text, struct diags *d)
{
    switch (rule->kind) {
    case REC_CRASH:
        return crash_sample_hits(rule, text, d);
    case REC_LOG:
        return log_sample_hits(rule, text);
    default:
        return vmx_sample_hits(rule, text, d);
    }
}
