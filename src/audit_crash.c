/* audit_crash: applies the crash rules. A decoded purple screen is
 * one record: every signature rule that matches gives a finding; the
 * fallback rules (generic advice per panic type) speak only when no signature
 * did. Log lines are audit_log.c's. */
#include "findings.h"
#include "util_mem.h"

#include <stdlib.h>
#include <string.h>

static void
add_evidence(struct finding *f, unsigned long line, const char *text)
{
    f->ev = xreallocarray(f->ev, f->nev + 1, sizeof(*f->ev));
    f->ev[f->nev++] = (struct evidence){.line = line, .text = xstrdup(text ? text : "")};
}

struct finding
finding_new(const struct rule *rule, const char *subject, const struct record *r)
{
    struct finding f = {.rule = rule, .level = rule->level, .subject = xstrdup(subject)};
    f.fixes = xcalloc(rule->nremedies ? rule->nremedies : 1, sizeof(*f.fixes));
    for (size_t i = 0; i < rule->nremedies; i++)
        f.fixes[f.nfixes++] =
            (struct fix){rule->remedies[i].tool, rule_render(rule, rule->remedies[i].text, r)};
    return f;
}

char *
crash_subject(const struct crash_view *v)
{
    return xasprintf("%s:%lu", v->source, v->crash->line);
}

static size_t
match_pass(const struct ruleset *rs, const struct crash_view *v, bool fallback,
           struct findings *out)
{
    struct record r = {.kind = REC_CRASH, .crash = v};
    char *subject = crash_subject(v);
    size_t hits = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *rule = rs->v[i];
        if (rule->kind != REC_CRASH || rule->fallback != fallback || !rule_match(rule, &r))
            continue;
        struct finding f = finding_new(rule, subject, &r);
        add_evidence(&f, v->crash->line, v->crash->message);
        XGROW(out->v, out->cap, out->n + 1);
        out->v[out->n++] = f;
        hits++;
    }
    free(subject);
    return hits;
}

size_t
audit_crash(const struct ruleset *rs, const struct crash_view *v, struct findings *out)
{
    size_t hits = match_pass(rs, v, false, out);
    if (hits == 0)
        match_pass(rs, v, true, out);
    return hits;
}
