/* rules_impl: the compiled form of a rule, shared by the loader and matcher
 * only (not part of the rules API). */
#ifndef VT_RULES_IMPL_H
#define VT_RULES_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <stdatomic.h>
#include <pcre2.h>

#include "rules/rules.h"

enum mod { M_EQ, M_CONTAINS, M_STARTSWITH, M_ENDSWITH, M_RE, M_LT, M_LTE, M_GT, M_GTE, M_EXISTS };

struct fvalue {
    bool is_null;
    char *s;        /* the scalar as written */
    long long i;    /* FV_INT fields, and lt/lte/gt/gte */
    int b;          /* FV_BOOL fields and |exists */
    /* M_RE: a built-in rule's is compiled on first use (rule_re_code), so
     * start-up compiles no pattern, NULL until then; a rule file's is
     * compiled when it loads (its errors are load errors) */
    pcre2_code *_Atomic re;
    /* M_RE: text every match holds (rule_re_literal), or NULL; a value
     * without it is no match, and the regex is neither compiled nor run */
    char *lit;
    bool lit_caseless;
};

struct ftest {
    const struct field_def *field;
    enum mod mod;
    bool all; /* |all: every value must hold (default: any) */
    struct fvalue *vals;
    size_t nvals;
};

/* A selection is a list of alternatives (OR); an alternative is a map of
 * field tests (AND), as in Sigma. */
struct alt {
    struct ftest *tests;
    size_t n;
};

struct selection {
    char *name;
    struct alt *alts;
    size_t nalts;
};

enum ctype { C_SEL, C_AND, C_OR, C_NOT, C_ONE_OF, C_ALL_OF };

struct cond {
    enum ctype t;
    size_t sel;         /* C_SEL */
    struct cond *a, *b; /* C_AND, C_OR (a, b); C_NOT (a) */
    size_t *sels;       /* C_ONE_OF, C_ALL_OF: the selections the pattern names */
    size_t nsels;
};

struct rule_impl {
    struct selection *sels;
    size_t nsels;
    struct cond *cond;
    const struct field_def **fields; /* every field the selections test, once */
    size_t nfields;
};

/* Calls fn(test, arg) on every field test of the rule's selections, in
 * order, until fn returns true; returns that test, or NULL. */
struct ftest *rule_each_test(const struct rule *rule, bool (*fn)(struct ftest *t, void *arg),
                             void *arg);

/* Parses a Sigma condition over the rule's selections. Returns NULL and sets
 * *err (static text) on a syntax error or an unknown selection name. */
struct cond *cond_parse(const char *text, const struct rule_impl *impl, const char **err);
void cond_free(struct cond *c);

/* Finds the next remediation placeholder `{{name}}` or `{{name|mod}}` at or
 * after `p`. Returns its "{{", or NULL when there is none. Sets *end just past
 * its "}}" (NULL when the "{{" is unclosed), *name to an owned copy of the
 * name and *mod into it (NULL without "|"); free *name when not NULL. */
const char *placeholder_next(const char *p, const char **end, char **name, char **mod);

#endif
