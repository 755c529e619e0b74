/* rules_features: the literal values a rule's selections test on a field
 * (function names, modules, message texts), read off the compiled rule. What
 * a crash has in common with a known issue's signature is measured on these
 * (findings/similar.c) when no signature matches the crash outright. */
#include "rules/rules_impl.h"

#include <string.h>
#include <strings.h>

size_t
rule_literals(const struct rule *r, const char *field, const char **out, size_t max)
{
    const struct rule_impl *impl = r->impl;
    size_t n = 0;
    for (size_t s = 0; impl && s < impl->nsels; s++)
        for (size_t a = 0; a < impl->sels[s].nalts; a++)
            for (size_t t = 0; t < impl->sels[s].alts[a].n; t++) {
                const struct ftest *ft = &impl->sels[s].alts[a].tests[t];
                if (ft->mod == M_RE || ft->mod == M_EXISTS || ft->mod >= M_LT ||
                    strcmp(field_name(ft->field), field) != 0)
                    continue;
                for (size_t v = 0; v < ft->nvals && n < max; v++) {
                    const char *lit = ft->vals[v].s;
                    if (ft->vals[v].is_null || lit == NULL || *lit == '\0')
                        continue;
                    bool seen = false;
                    for (size_t k = 0; k < n && !seen; k++)
                        seen = strcasecmp(out[k], lit) == 0;
                    if (!seen)
                        out[n++] = lit;
                }
            }
    return n;
}
