/* rules_features: the literal values a rule's selections test on a field
 * (function names, modules, message texts), read off the compiled rule, and
 * the walk over a rule's field tests that such readings share. What
 * a crash has in common with a known issue's signature is measured on these
 * (findings/similar.c) when no signature matches the crash outright. */
#include "rules/rules_impl.h"

#include <string.h>
#include <strings.h>

struct ftest *
rule_each_test(const struct rule *rule, bool (*fn)(struct ftest *t, void *arg), void *arg)
{
    const struct rule_impl *impl = rule->impl;
    for (size_t s = 0; impl && s < impl->nsels; s++)
        for (size_t a = 0; a < impl->sels[s].nalts; a++)
            for (size_t t = 0; t < impl->sels[s].alts[a].n; t++)
                if (fn(&impl->sels[s].alts[a].tests[t], arg))
                    return &impl->sels[s].alts[a].tests[t];
    return NULL;
}

struct literals {
    const char *field;
    const char **out;
    size_t max, n;
};

static bool
add_literals(struct ftest *ft, void *arg)
{
    struct literals *l = arg;
    if (ft->mod == M_RE || ft->mod == M_EXISTS || ft->mod >= M_LT ||
        strcmp(field_name(ft->field), l->field) != 0)
        return false;
    for (size_t v = 0; v < ft->nvals && l->n < l->max; v++) {
        const char *lit = ft->vals[v].s;
        if (ft->vals[v].is_null || lit == NULL || *lit == '\0')
            continue;
        bool seen = false;
        for (size_t k = 0; k < l->n && !seen; k++)
            seen = strcasecmp(l->out[k], lit) == 0;
        if (!seen)
            l->out[l->n++] = lit;
    }
    return false;
}

size_t
rule_literals(const struct rule *r, const char *field, const char **out, size_t max)
{
    struct literals l = {field, out, max, 0};
    rule_each_test(r, add_literals, &l);
    return l.n;
}
