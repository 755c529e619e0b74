/* audit_cpu: applies the cpu rules to one CPU listing. Every rule that
 * matches gives a finding for the listing's file; there is no fallback:
 * rules/cpu-nested.yml has a rule for the ready case too. */
#include "findings/findings.h"
#include "util/util_mem.h"

size_t
audit_cpu(const struct ruleset *rs, const struct cpu_view *v, unsigned long line, const char *text,
          struct findings *out)
{
    struct record r = {.kind = REC_CPU, .cpu = v};
    size_t hits = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *rule = rs->v[i];
        if (rule->kind != REC_CPU || !rule_match(rule, &r))
            continue;
        struct finding f = finding_new(rule, v->path, &r);
        f.ev = xcalloc(1, sizeof(*f.ev));
        f.ev[f.nev++] = (struct evidence){.line = line, .text = xstrdup(text ? text : "")};
        XGROW(out->v, out->cap, out->n + 1);
        out->v[out->n++] = f;
        hits++;
    }
    return hits;
}
