/* similar: the known issues nearest to a crash no signature matches, as an
 * admin finds them by hand when searching the knowledge base for a screen's
 * function names.
 *
 * Every crash signature rule is measured by what the crash shares with the
 * literal values its selections test: each function it names (weight 3)
 * that is a frame of the crash, each module (2) among the crash's modules,
 * each message text (2) inside the panic message, each world name (1) inside
 * the crash's world name. The score is the shared weight over the rule's
 * whole weight; a rule needs a shared function or module, or two shared
 * features, to count (a panic kind alone is shared by too many). The best
 * three with a score of at least 0.25 go to the crash, stated in reports as
 * similar, not confirmed. */
#include "findings/findings.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIMILAR_MIN 0.25
#define MAX_LITERALS 64

static bool
in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcasecmp(list[i], s) == 0)
            return true;
    return false;
}

static bool
contains_ci(const char *hay, const char *needle)
{
    return hay && needle && *needle && strcasestr(hay, needle) != NULL;
}

/* The rule's score for the crash, or 0 when it does not count. */
static double
score_rule(const struct rule *r, const struct crash_view *v)
{
    const char *lit[MAX_LITERALS];
    double total = 0, shared = 0;
    int hits = 0, strong = 0;
    size_t n = rule_literals(r, "crash.functions", lit, MAX_LITERALS);
    for (size_t i = 0; i < n; i++) {
        total += 3;
        if (in_list(lit[i], v->functions, v->nfunctions))
            shared += 3, hits++, strong++;
    }
    n = rule_literals(r, "crash.modules", lit, MAX_LITERALS);
    for (size_t i = 0; i < n; i++) {
        total += 2;
        if (in_list(lit[i], v->modules, v->nmodules))
            shared += 2, hits++, strong++;
    }
    n = rule_literals(r, "crash.message", lit, MAX_LITERALS);
    for (size_t i = 0; i < n; i++) {
        total += 2;
        if (contains_ci(v->crash->message, lit[i]))
            shared += 2, hits++;
    }
    n = rule_literals(r, "crash.world_name", lit, MAX_LITERALS);
    for (size_t i = 0; i < n; i++) {
        total += 1;
        if (contains_ci(v->crash->world_name, lit[i]))
            shared += 1, hits++;
    }
    if (total == 0 || (strong == 0 && hits < 2))
        return 0;
    return shared / total;
}

void
crash_similar(const struct ruleset *rs, struct crash_view *v)
{
    const size_t max = sizeof(v->similar) / sizeof(v->similar[0]);
    v->nsimilar = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *r = rs->v[i];
        if (r->kind != REC_CRASH || r->fallback)
            continue;
        double s = score_rule(r, v);
        if (s < SIMILAR_MIN)
            continue;
        /* insert by score (then id), keeping the best `max` */
        size_t k = v->nsimilar < max ? v->nsimilar++ : max;
        while (k > 0 &&
               (v->similar[k - 1].score < s ||
                (v->similar[k - 1].score == s && strcmp(v->similar[k - 1].rule, r->id) > 0))) {
            if (k < max)
                v->similar[k] = v->similar[k - 1];
            k--;
        }
        if (k < max)
            v->similar[k] =
                (struct crash_similar){r->id, s, (const char *const *)r->refs, r->nrefs};
    }
}
