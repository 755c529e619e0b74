/* rules_prefilter: what text a log rule needs in a line, read off its
 * condition, so that `logs` can skip every other line at block speed.
 *
 * A selection holds only if one of its alternatives holds, and an
 * alternative only if each of its field tests holds; so an alternative needs
 * the patterns of any one of its tests, and a selection needs the union of
 * its alternatives' patterns. `a and b` needs what a needs (or what b needs),
 * `a or b` needs both unions, `not a` gives nothing to go on. A test on
 * log.text or log.message needs its own values (a regex as is, other
 * modifiers as a caseless literal); a test on a field decoded from a fixed
 * text needs that field's needle (record_log.c), unless the test can hold
 * on a null value (`|exists: false`, `: null`). */
#include "rules/rules_impl.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
add(struct rule_patterns *out, const char *expr, bool caseless)
{
    for (size_t i = 0; i < out->n; i++)
        if (out->v[i].caseless == caseless && strcmp(out->v[i].expr, expr) == 0)
            return;
    XGROW(out->v, out->cap, out->n + 1);
    out->v[out->n++] = (struct rule_pattern){xstrdup(expr), caseless};
}

char *
pattern_escape_literal(const char *s)
{
    struct buf b = BUF_INIT;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            buf_addc(&b, (char)c);
        else
            buf_addf(&b, "\\x%02x", c);
    }
    return buf_detach(&b);
}

/* Moves what a part found into *out when the part gives patterns; frees it. */
static bool
keep_if(bool ok, struct rule_patterns *mine, struct rule_patterns *out)
{
    if (ok)
        for (size_t i = 0; i < mine->n; i++)
            add(out, mine->v[i].expr, mine->v[i].caseless);
    rule_patterns_release(mine);
    return ok;
}

/* ---- literal factors of a regex ---- */

/* The literals a match of `re` must contain, one per top-level alternative
 * (rule_re_literal: the longest certain run of plain characters of each), so
 * the block search looks for plain strings, which is much faster than for
 * regexes. A leading (?i) makes them caseless. When the pattern does not
 * show them for certain, or an alternative's is shorter than 3 bytes, the
 * regex itself is the pattern. */
#define MIN_FACTOR 3

/* Drops a final "cpu" from a factor: every vmkernel line's prefix holds
 * `cpuN:` (kb §2), so a literal ending there is confirmed on every line
 * (measured on bench/'s log: one such pattern, ": CMCI on cpu", cost a fifth
 * of the whole search). What is left is still in every match. */
static void
drop_final_cpu(char *lit)
{
    size_t n = strlen(lit);
    if (n >= 3 && strncasecmp(lit + n - 3, "cpu", 3) == 0 &&
        (n == 3 || !isalnum((unsigned char)lit[n - 4]))) {
        n -= 3;
        while (n > 0 && lit[n - 1] == ' ')
            n--;
        lit[n] = '\0';
    }
}

static bool
regex_factors(const char *re, struct rule_patterns *out)
{
    bool caseless;
    char *lits = rule_re_literal(re, &caseless);
    struct rule_patterns mine = {NULL, 0, 0};
    bool ok = lits != NULL;
    for (char *p = lits; ok;) {
        size_t len = strcspn(p, "\n");
        char *one = xstrndup(p, len);
        drop_final_cpu(one);
        ok = strlen(one) >= MIN_FACTOR;
        if (ok) {
            char *lit = pattern_escape_literal(one);
            add(&mine, lit, caseless);
            free(lit);
        }
        free(one);
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    free(lits);
    return keep_if(ok, &mine, out);
}

static bool
is_text_field(const struct field_def *f)
{
    const char *n = field_name(f);
    return strcmp(n, "log.text") == 0 || strcmp(n, "log.message") == 0;
}

/* The patterns one value of a test needs; false when none. */
static bool
value_needs(const struct ftest *t, const struct fvalue *v, const void *arg,
            struct rule_patterns *out)
{
    (void)arg;
    if (t->mod == M_EXISTS) { /* |exists: true needs the field, so its needle */
        bool need = v->b == 1 && field_needle(t->field) != NULL;
        if (need)
            add(out, field_needle(t->field), false);
        return need;
    }
    if (v->is_null)
        return false;
    if (is_text_field(t->field)) {
        if (t->mod == M_RE) {
            if (!regex_factors(v->s, out))
                add(out, v->s, false);
            return true;
        }
        if (t->mod == M_LT || t->mod == M_LTE || t->mod == M_GT || t->mod == M_GTE || *v->s == '\0')
            return false;
        char *lit = pattern_escape_literal(v->s);
        add(out, lit, true);
        free(lit);
        return true;
    }
    const char *needle = field_needle(t->field);
    if (needle == NULL)
        return false;
    add(out, needle, false);
    return true;
}

/* What one value of a test needs (the log prefilter's patterns, or an
 * index's keys); false when it gives nothing to go on. */
struct needs {
    bool (*value)(const struct ftest *t, const struct fvalue *v, const void *arg,
                  struct rule_patterns *out);
    const void *arg;
};

static bool
test_needs(const struct ftest *t, const struct needs *nd, struct rule_patterns *out)
{
    struct rule_patterns mine = {NULL, 0, 0};
    bool ok = t->nvals > 0;
    for (size_t i = 0; i < t->nvals && ok; i++) {
        ok = nd->value(t, &t->vals[i], nd->arg, &mine);
        if (t->all && ok)
            break; /* every value must hold: one of them is enough to look for */
    }
    return keep_if(ok, &mine, out);
}

static bool
alt_needs(const struct alt *a, const struct needs *nd, struct rule_patterns *out)
{
    for (size_t i = 0; i < a->n; i++)
        if (test_needs(&a->tests[i], nd, out))
            return true;
    return false;
}

static bool
sel_needs(const struct selection *s, const struct needs *nd, struct rule_patterns *out)
{
    struct rule_patterns mine = {NULL, 0, 0};
    bool ok = s->nalts > 0;
    for (size_t a = 0; a < s->nalts && ok; a++)
        ok = alt_needs(&s->alts[a], nd, &mine);
    return keep_if(ok, &mine, out);
}

static bool
cond_needs(const struct rule_impl *impl, const struct cond *c, const struct needs *nd,
           struct rule_patterns *out)
{
    struct rule_patterns mine = {NULL, 0, 0};
    bool ok = false;
    switch (c->t) {
    case C_SEL:
        ok = sel_needs(&impl->sels[c->sel], nd, &mine);
        break;
    case C_AND:
        ok = cond_needs(impl, c->a, nd, &mine) || cond_needs(impl, c->b, nd, &mine);
        break;
    case C_OR:
        ok = cond_needs(impl, c->a, nd, &mine) && cond_needs(impl, c->b, nd, &mine);
        break;
    case C_NOT:
        ok = false;
        break;
    case C_ONE_OF:
        ok = c->nsels > 0;
        for (size_t i = 0; i < c->nsels && ok; i++)
            ok = sel_needs(&impl->sels[c->sels[i]], nd, &mine);
        break;
    case C_ALL_OF:
        for (size_t i = 0; i < c->nsels && !ok; i++)
            ok = sel_needs(&impl->sels[c->sels[i]], nd, &mine);
        break;
    }
    return keep_if(ok, &mine, out);
}

static bool
rule_needs(const struct rule *rule, const struct needs *nd, struct rule_patterns *out)
{
    struct rule_patterns mine = {NULL, 0, 0};
    bool ok = rule->impl->cond != NULL && cond_needs(rule->impl, rule->impl->cond, nd, &mine);
    return keep_if(ok, &mine, out);
}

bool
rule_prefilter(const struct rule *rule, struct rule_patterns *out)
{
    return rule_needs(rule, &(struct needs){value_needs, NULL}, out);
}

/* A key: an equality test on the field, with a value that is not null or
 * empty (a list field holds it when an element equals it, ASCII case
 * ignored), lower-cased. */
static bool
key_needs(const struct ftest *t, const struct fvalue *v, const void *field,
          struct rule_patterns *out)
{
    if (t->mod != M_EQ || v->is_null || *v->s == '\0' ||
        (field_type(t->field) != FV_STR && field_type(t->field) != FV_LIST) ||
        strcmp(field_name(t->field), (const char *)field) != 0)
        return false;
    char *k = xstrdup(v->s);
    for (char *c = k; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    add(out, k, false);
    free(k);
    return true;
}

bool
rule_keys(const struct rule *rule, const char *field, struct rule_patterns *out)
{
    return rule_needs(rule, &(struct needs){key_needs, field}, out);
}

void
rule_patterns_release(struct rule_patterns *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].expr);
    free(p->v);
    *p = (struct rule_patterns){NULL, 0, 0};
}
