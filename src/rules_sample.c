/* rules_sample: runs a rule on one of its own samples (`rules check`).
 *
 * A sample is the text the rule's records come from: a .vmx for vm, nic and
 * controller rules, purple-screen text for crash rules (decoded as `psod`
 * would), log lines for log rules. */
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

/* Each line, and each record of a line that runs several together, is one
 * record (as `logs` reads them). */
static bool
log_sample_hits(const struct rule *rule, const char *text)
{
    bool hit = false;
    unsigned long n = 0;
    struct buf arena = BUF_INIT;
    for (const char *p = text; !hit && *p;) {
        size_t len = strcspn(p, "\r\n");
        n++;
        for (size_t at = 0; !hit && at < len;) {
            size_t end = log_next_record(p, len, at + 1);
            char *piece = xstrndup(p + at, end - at);
            struct log_record l;
            log_record_init(&l, "sample", n, piece, end - at, false, 0, NULL, &arena);
            hit = rule_match(rule, &(struct record){.kind = REC_LOG, .log = &l});
            free(piece);
            at = end;
        }
        p += len;
        p += *p == '\r' && p[1] == '\n' ? 2 : *p != '\0';
    }
    buf_release(&arena);
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
