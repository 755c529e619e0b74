/* rules_match: evaluates a compiled rule against one record.
 *
 * Read-only on rules and records, so worker threads share them freely.
 * Text comparisons ignore ASCII case (Sigma's default, and .vmx values are
 * case-insensitive: kb/vmx.md §1.8); |re is as written (use (?i) for case). */
#include "rules/rules_impl.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "util/util_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
value_holds(const struct ftest *t, const struct fvalue *v, const struct fv *x)
{
    if (t->mod == M_EXISTS)
        return (x->t != FV_NULL) == (v->b == 1);
    if (v->is_null)
        return x->t == FV_NULL || (x->t == FV_STR && *x->s == '\0');
    if (x->t == FV_NULL)
        return false;
    switch (t->mod) {
    case M_LT:
        return x->t == FV_INT && x->i < v->i;
    case M_LTE:
        return x->t == FV_INT && x->i <= v->i;
    case M_GT:
        return x->t == FV_INT && x->i > v->i;
    case M_GTE:
        return x->t == FV_INT && x->i >= v->i;
    case M_CONTAINS:
        return x->t == FV_STR && find_ci(x->s, v->s) != NULL;
    case M_STARTSWITH:
        return x->t == FV_STR && strncasecmp(x->s, v->s, strlen(v->s)) == 0;
    case M_ENDSWITH:
        return x->t == FV_STR && ends_with_ci(x->s, v->s);
    case M_RE: {
        if (x->t != FV_STR || (v->lit && rule_re_literal_absent(x->s, v->lit, v->lit_caseless)))
            return false;
        /* a limit hit is reported, not a miss; the compiled pattern is a cache
         * filled on first use, the one thing matching writes */
        return rule_re_match(rule_re_code((pcre2_code *_Atomic *)&v->re, v->s), v->s, x->s);
    }
    case M_EQ:
        break;
    default:
        return false;
    }
    switch (x->t) {
    case FV_BOOL:
        return x->i == v->b;
    case FV_INT:
        return x->i == v->i;
    case FV_STR:
        return strcasecmp(x->s, v->s) == 0;
    default:
        return false;
    }
}

/* A list holds a value when any element does. */
static bool
value_holds_any(const struct ftest *t, const struct fvalue *v, const struct fv *x)
{
    if (x->t != FV_LIST)
        return value_holds(t, v, x);
    if (t->mod == M_EXISTS || v->is_null)
        return value_holds(t, v, &(struct fv){FV_STR, 0, "x", NULL});
    for (long long i = 0; i < x->i; i++)
        if (value_holds(t, v, &(struct fv){FV_STR, 0, x->list[i], NULL}))
            return true;
    return false;
}

static bool
test_holds(const struct ftest *t, const struct record *r)
{
    struct fv x = field_get(t->field, r);
    for (size_t i = 0; i < t->nvals; i++) {
        bool ok = value_holds_any(t, &t->vals[i], &x);
        if (t->all && !ok)
            return false;
        if (!t->all && ok)
            return true;
    }
    return t->all;
}

static bool
selection_holds(const struct selection *s, const struct record *r)
{
    for (size_t a = 0; a < s->nalts; a++) {
        bool all = true;
        for (size_t i = 0; i < s->alts[a].n && all; i++)
            all = test_holds(&s->alts[a].tests[i], r);
        if (all)
            return true;
    }
    return false;
}

static bool
cond_holds(const struct rule_impl *impl, const struct cond *c, const struct record *r)
{
    switch (c->t) {
    case C_SEL:
        return selection_holds(&impl->sels[c->sel], r);
    case C_AND:
        return cond_holds(impl, c->a, r) && cond_holds(impl, c->b, r);
    case C_OR:
        return cond_holds(impl, c->a, r) || cond_holds(impl, c->b, r);
    case C_NOT:
        return !cond_holds(impl, c->a, r);
    case C_ONE_OF:
        for (size_t i = 0; i < c->nsels; i++)
            if (selection_holds(&impl->sels[c->sels[i]], r))
                return true;
        return false;
    case C_ALL_OF:
        for (size_t i = 0; i < c->nsels; i++)
            if (!selection_holds(&impl->sels[c->sels[i]], r))
                return false;
        return true;
    }
    return false;
}

bool
rule_match(const struct rule *rule, const struct record *r)
{
    if (r->kind != rule->kind)
        return false;
    return cond_holds(rule->impl, rule->impl->cond, r);
}

bool
rule_tests_any(const struct rule *rule, bool (*pred)(const char *field, const void *arg),
               const void *arg)
{
    for (size_t i = 0; i < rule->impl->nfields; i++)
        if (pred(field_name(rule->impl->fields[i]), arg))
            return true;
    return false;
}

size_t
rule_evidence(const struct rule *rule, const struct record *r, const struct vmx_entry **out,
              size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < rule->impl->nfields; i++) {
        const struct vmx_entry *e = field_source(rule->impl->fields[i], r);
        if (e == NULL)
            continue;
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            seen |= out[j] == e;
        if (seen || n == max)
            continue;
        size_t k = n++;
        while (k > 0 && out[k - 1]->line > e->line) {
            out[k] = out[k - 1];
            k--;
        }
        out[k] = e;
    }
    return n;
}
