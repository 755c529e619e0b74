/* rules_cond: Sigma's condition language: selection names, `and`, `or`,
 * `not`, parentheses, `1 of sel*`, `all of sel*`, `1 of them`, `all of them`.
 * Precedence: not > and > or. */
#include "rules/rules_impl.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 256
#define MAX_DEPTH 64

struct parser {
    char *tok[MAX_TOKENS];
    size_t n, pos;
    int depth;
    const struct rule_impl *impl;
    const char *err;
};

static const char *
peek(struct parser *p)
{
    return p->pos < p->n ? p->tok[p->pos] : NULL;
}

static bool
accept(struct parser *p, const char *word)
{
    const char *t = peek(p);
    if (t && strcmp(t, word) == 0) {
        p->pos++;
        return true;
    }
    return false;
}

static struct cond *
node(enum ctype t, struct cond *a, struct cond *b)
{
    struct cond *c = xcalloc(1, sizeof(*c));
    c->t = t;
    c->a = a;
    c->b = b;
    return c;
}

static struct cond *parse_or(struct parser *p);

static struct cond *
parse_factor(struct parser *p)
{
    const char *t = peek(p);
    if (t == NULL) {
        p->err = "condition ends early";
        return NULL;
    }
    if (++p->depth > MAX_DEPTH) {
        p->err = "condition nests too deeply";
        return NULL;
    }
    struct cond *c = NULL;
    if (accept(p, "not")) {
        struct cond *a = parse_factor(p);
        c = a ? node(C_NOT, a, NULL) : NULL;
    } else if (accept(p, "(")) {
        c = parse_or(p);
        if (c && !accept(p, ")")) {
            p->err = "missing ')' in condition";
            cond_free(c);
            c = NULL;
        }
    } else if (strcmp(t, "1") == 0 || strcmp(t, "all") == 0) {
        bool all = t[0] == 'a';
        p->pos++;
        const char *pat;
        if (!accept(p, "of") || (pat = peek(p)) == NULL) {
            p->err = "expected '1 of PATTERN' or 'all of PATTERN'";
        } else {
            p->pos++;
            c = node(all ? C_ALL_OF : C_ONE_OF, NULL, NULL);
            c->sels = xcalloc(p->impl->nsels, sizeof(size_t));
            for (size_t i = 0; i < p->impl->nsels; i++)
                if (strcmp(pat, "them") == 0 || fnmatch(pat, p->impl->sels[i].name, 0) == 0)
                    c->sels[c->nsels++] = i;
            if (c->nsels == 0) {
                p->err = "pattern in condition names no selection";
                cond_free(c);
                c = NULL;
            }
        }
    } else if (strcmp(t, ")") == 0 || strcmp(t, "and") == 0 || strcmp(t, "or") == 0) {
        p->err = "unexpected word in condition";
    } else {
        p->pos++;
        for (size_t i = 0; i < p->impl->nsels && c == NULL; i++)
            if (strcmp(p->impl->sels[i].name, t) == 0) {
                c = node(C_SEL, NULL, NULL);
                c->sel = i;
            }
        if (c == NULL)
            p->err = "condition names an unknown selection";
    }
    p->depth--;
    return c;
}

static struct cond *
parse_and(struct parser *p)
{
    struct cond *c = parse_factor(p);
    while (c && accept(p, "and")) {
        struct cond *b = parse_factor(p);
        if (b == NULL) {
            cond_free(c);
            return NULL;
        }
        c = node(C_AND, c, b);
    }
    return c;
}

static struct cond *
parse_or(struct parser *p)
{
    struct cond *c = parse_and(p);
    while (c && accept(p, "or")) {
        struct cond *b = parse_and(p);
        if (b == NULL) {
            cond_free(c);
            return NULL;
        }
        c = node(C_OR, c, b);
    }
    return c;
}

struct cond *
cond_parse(const char *text, const struct rule_impl *impl, const char **err)
{
    struct parser p = {.impl = impl};
    char *copy = xstrdup(text);
    for (char *s = copy; *s;) {
        if (isspace((unsigned char)*s)) {
            *s++ = '\0';
            continue;
        }
        if (p.n == MAX_TOKENS) {
            *err = "condition is too long";
            for (size_t i = 0; i < p.n; i++) /* the tokens so far are ours */
                free(p.tok[i]);
            free(copy);
            return NULL;
        }
        if (*s == '(' || *s == ')') {
            p.tok[p.n++] = xstrndup(s, 1);
            s++;
            continue;
        }
        char *e = s;
        while (*e && !isspace((unsigned char)*e) && *e != '(' && *e != ')')
            e++;
        p.tok[p.n++] = xstrndup(s, (size_t)(e - s));
        s = e;
    }
    struct cond *c = parse_or(&p);
    if (c && p.pos != p.n) {
        p.err = "unexpected text after the condition";
        cond_free(c);
        c = NULL;
    }
    if (c == NULL)
        *err = p.err ? p.err : "bad condition";
    for (size_t i = 0; i < p.n; i++)
        free(p.tok[i]);
    free(copy);
    return c;
}

void
cond_free(struct cond *c)
{
    if (c == NULL)
        return;
    cond_free(c->a);
    cond_free(c->b);
    free(c->sels);
    free(c);
}
