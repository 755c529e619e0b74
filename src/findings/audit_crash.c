/* audit_crash: applies the crash and dump rules. A decoded purple screen,
 * or a Windows crash dump, is one record: every signature rule that matches
 * gives a finding; the fallback rules (generic advice per panic type or bug
 * check) speak only when no signature did. Log lines are audit_log.c's. */
#include "findings/findings.h"
#include "rules/rule_index.h"
#include "util/util_mem.h"

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
            (struct fix){rule->remedies[i].tool,
                         rule_render(rule, rule->remedies[i].tool, rule->remedies[i].text, r), false};
    return f;
}

char *
crash_subject(const struct crash_view *v)
{
    return xasprintf("%s:%lu", v->source, v->crash->line);
}

/* The rules a pass tries: rs->v[which[k]] for k < n, or (which NULL) every
 * rule of rs. */
struct to_try {
    const unsigned *which;
    size_t n;
};

static size_t
match_pass(const struct ruleset *rs, struct to_try set, const struct record *r,
           const char *subject, unsigned long line, const char *text, bool fallback,
           struct findings *out)
{
    const struct crash_view *cv = r->kind == REC_CRASH ? r->crash : NULL;
    size_t hits = 0;
    for (size_t k = 0; k < set.n; k++) {
        const struct rule *rule = rs->v[set.which ? set.which[k] : k];
        if (rule->kind != r->kind || rule->fallback != fallback || !rule_match(rule, r))
            continue;
        struct finding f = finding_new(rule, subject, r);
        add_evidence(&f, line, text);
        if (cv)
            finding_fix_status(&f, cv->product, cv->build);
        XGROW(out->v, out->cap, out->n + 1);
        out->v[out->n++] = f;
        hits++;
    }
    return hits;
}

/* Signature rules first; the fallback rules of the kind only when none
 * matched. A crash tries the rules its functions name and those that name
 * none (rule_index.h), found once for both passes; other records try all. */
static size_t
audit_one(const struct ruleset *rs, const struct record *r, const char *subject, unsigned long line,
          const char *text, struct findings *out)
{
    unsigned *which = NULL;
    size_t cap = 0;
    struct to_try set = {NULL, rs->n};
    if (r->kind == REC_CRASH) {
        set.n = rule_index_candidates(ruleset_crash_index(rs), r, &which, &cap);
        set.which = which;
    }
    size_t hits = match_pass(rs, set, r, subject, line, text, false, out);
    if (hits == 0)
        match_pass(rs, set, r, subject, line, text, true, out);
    free(which);
    return hits;
}

size_t
audit_crash(const struct ruleset *rs, const struct crash_view *v, struct findings *out)
{
    char *subject = crash_subject(v);
    struct record r = {.kind = REC_CRASH, .crash = v};
    size_t hits = audit_one(rs, &r, subject, v->crash->line, v->crash->message, out);
    free(subject);
    return hits;
}

size_t
audit_dump(const struct ruleset *rs, const struct dump_view *v, const char *evidence,
           struct findings *out)
{
    struct record r = {.kind = REC_DUMP, .dump = v};
    return audit_one(rs, &r, v->path, 0, evidence, out);
}
