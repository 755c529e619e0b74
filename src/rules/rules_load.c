/* rules_load: Sigma-style YAML → struct rule, with every check a rule author
 * needs (libyaml does the YAML; this file does the schema).
 *
 * Anything wrong is a DIAG_ERROR naming the file and line, and the rule is
 * dropped: a typo in a rule must never become silent dead data (STYLE.md §3). */
#include "rules/kb_rules.h"
#include "rules/rule_index.h"
#include "source/input.h"
#include "rules/rules_impl.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "util/work_count.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

#define MAX_RULE_FILE (1u << 20)
/* Collections nested deeper than this are refused before the document is
 * built: a rule needs 5 levels, and libyaml's loader takes time quadratic in
 * the depth (a 100,000-deep `[[[...` takes minutes). */
#define MAX_YAML_DEPTH 64

static const char *const level_names[] = {"informational", "low", "medium", "high", "critical"};

const char *
level_name(enum level l)
{
    return level_names[l];
}

int
level_from_name(const char *name)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(level_names[i], name) == 0)
            return i;
    return -1;
}

struct loader {
    yaml_document_t *doc;
    const char *name;
    struct diags *d;
    size_t errors;
};

static void __attribute__((format(printf, 3, 4)))
fail(struct loader *L, yaml_node_t *n, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    diags_add(L->d, DIAG_ERROR, L->name, n ? n->start_mark.line + 1 : 0, "%s", buf_str(&b));
    buf_release(&b);
    L->errors++;
}

static yaml_node_t *
node_at(struct loader *L, int id)
{
    return yaml_document_get_node(L->doc, id);
}

static const char *
scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A plain (unquoted) scalar `null`, `~` or empty is YAML null. */
static bool
is_null(yaml_node_t *n)
{
    if (n == NULL || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = scalar(n);
    return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

/* Looks up `key` in a mapping node. */
static yaml_node_t *
map_get(struct loader *L, yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = scalar(node_at(L, p->key));
        if (k && k[0] == key[0] && strcmp(k, key) == 0) /* the first byte first: start-up */
            return node_at(L, p->value);
    }
    return NULL;
}

static char *
want_string(struct loader *L, yaml_node_t *map, const char *key, bool required)
{
    yaml_node_t *n = map_get(L, map, key);
    if (n == NULL) {
        if (required)
            fail(L, map, "rule has no '%s'", key);
        return NULL;
    }
    const char *s = scalar(n);
    if (s == NULL || *s == '\0') {
        fail(L, n, "'%s' must be a non-empty text", key);
        return NULL;
    }
    return xstrdup(s);
}

static bool
parse_ll(const char *s, long long *out)
{
    if (s == NULL || *s == '\0')
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (*end != '\0' || errno)
        return false;
    *out = v;
    return true;
}

static int
parse_yaml_bool(const char *s)
{
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes"))
        return 1;
    if (!strcasecmp(s, "false") || !strcasecmp(s, "no"))
        return 0;
    return -1;
}

static const char *const mod_names[] = {
    [M_EQ] = "",
    [M_CONTAINS] = "contains",
    [M_STARTSWITH] = "startswith",
    [M_ENDSWITH] = "endswith",
    [M_RE] = "re",
    [M_LT] = "lt",
    [M_LTE] = "lte",
    [M_GT] = "gt",
    [M_GTE] = "gte",
    [M_EXISTS] = "exists",
};

/* Compiles one value of a field test, checking it fits the field and modifier. */
static bool
compile_value(struct loader *L, yaml_node_t *n, struct ftest *t, struct fvalue *v)
{
    const char *s = scalar(n);
    const char *fname = field_name(t->field);
    if (s == NULL) {
        fail(L, n, "value of '%s' must be a scalar", fname);
        return false;
    }
    v->s = xstrdup(s);
    if (t->mod == M_EXISTS) {
        if ((v->b = parse_yaml_bool(s)) < 0) {
            fail(L, n, "'%s|exists' takes true or false", fname);
            return false;
        }
        return true;
    }
    if (is_null(n)) {
        if (t->mod != M_EQ) {
            fail(L, n, "null only goes with plain equality ('%s')", fname);
            return false;
        }
        v->is_null = true;
        return true;
    }
    enum fv_type ft = field_type(t->field);
    switch (t->mod) {
    case M_LT:
    case M_LTE:
    case M_GT:
    case M_GTE:
        if (ft != FV_INT || !parse_ll(s, &v->i)) {
            fail(L, n, "'%s|%s' needs a number field and a number", fname, mod_names[t->mod]);
            return false;
        }
        return true;
    case M_RE: {
        v->lit = rule_re_literal(s, &v->lit_caseless);
        int code;
        PCRE2_SIZE off;
        pcre2_code *re =
            pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);
        atomic_fetch_add(&vt_work.regexes, 1);
        if (re == NULL) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(code, msg, sizeof(msg));
            fail(L, n, "bad regex for '%s' at offset %zu: %s", fname, (size_t)off, (char *)msg);
            return false;
        }
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* a rule file's regex: compiled once, here */
        atomic_store_explicit(&v->re, re, memory_order_release);
        return true;
    }
    case M_CONTAINS:
    case M_STARTSWITH:
    case M_ENDSWITH:
        if (ft != FV_STR && ft != FV_LIST) {
            fail(L, n, "'%s|%s' needs a text field", fname, mod_names[t->mod]);
            return false;
        }
        return true;
    default:
        break;
    }
    if (ft == FV_BOOL && (v->b = parse_yaml_bool(s)) < 0) {
        fail(L, n, "'%s' is true or false, not '%s'", fname, s);
        return false;
    }
    if (ft == FV_INT && !parse_ll(s, &v->i)) {
        fail(L, n, "'%s' is a number, not '%s'", fname, s);
        return false;
    }
    return true;
}

static void
note_field(struct rule_impl *impl, size_t *cap, const struct field_def *f)
{
    for (size_t i = 0; i < impl->nfields; i++)
        if (strcmp(field_name(impl->fields[i]), field_name(f)) == 0)
            return;
    XGROW(impl->fields, *cap, impl->nfields + 1);
    impl->fields[impl->nfields++] = f;
}

/* `field|mod|mod: value-or-list` */
static bool
compile_test(struct loader *L, struct rule *rule, yaml_node_t *keyn, yaml_node_t *valn,
             struct ftest *t, size_t *fcap)
{
    const char *key = scalar(keyn);
    if (key == NULL) {
        fail(L, keyn, "a field test needs a field name");
        return false;
    }
    char *copy = xstrdup(key);
    char *bar = strchr(copy, '|');
    if (bar)
        *bar++ = '\0';
    t->field = field_lookup(rule->kind, copy);
    if (t->field == NULL) {
        fail(L, keyn, "unknown field '%s' for %s records", copy, record_kind_name(rule->kind));
        free(copy);
        return false;
    }
    note_field(rule->impl, fcap, t->field);
    bool ok = true;
    for (char *m = bar; ok && m && *m;) {
        char *next = strchr(m, '|');
        if (next)
            *next++ = '\0';
        if (strcmp(m, "all") == 0) {
            t->all = true;
        } else {
            int found = -1;
            for (int i = 1; i < (int)(sizeof(mod_names) / sizeof(mod_names[0])); i++)
                if (strcmp(mod_names[i], m) == 0)
                    found = i;
            if (found < 0 || t->mod != M_EQ) {
                fail(L, keyn, "unknown or second modifier '%s'", m);
                ok = false;
            } else {
                t->mod = (enum mod)found;
            }
        }
        m = next;
    }
    free(copy);
    if (!ok)
        return false;
    if (valn->type == YAML_SEQUENCE_NODE) {
        size_t n = (size_t)(valn->data.sequence.items.top - valn->data.sequence.items.start);
        if (n == 0) {
            fail(L, valn, "empty list of values");
            return false;
        }
        t->vals = xcalloc(n, sizeof(*t->vals));
        for (yaml_node_item_t *it = valn->data.sequence.items.start;
             it < valn->data.sequence.items.top; it++)
            if (!compile_value(L, node_at(L, *it), t, &t->vals[t->nvals++]))
                return false;
    } else {
        t->vals = xcalloc(1, sizeof(*t->vals));
        t->nvals = 1;
        if (!compile_value(L, valn, t, &t->vals[0]))
            return false;
    }
    return true;
}

static bool
compile_alt(struct loader *L, struct rule *rule, yaml_node_t *map, struct alt *a, size_t *fcap)
{
    if (map->type != YAML_MAPPING_NODE) {
        fail(L, map, "a selection is a map of field tests or a list of such maps");
        return false;
    }
    size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    if (n == 0) {
        fail(L, map, "empty selection");
        return false;
    }
    a->tests = xcalloc(n, sizeof(*a->tests));
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++)
        if (!compile_test(L, rule, node_at(L, p->key), node_at(L, p->value), &a->tests[a->n++],
                          fcap))
            return false;
    return true;
}

static long
sel_index(const struct rule_impl *impl, const char *name)
{
    for (size_t i = 0; i < impl->nsels; i++)
        if (strcmp(impl->sels[i].name, name) == 0)
            return (long)i;
    return -1;
}

static bool
compile_detection(struct loader *L, struct rule *rule, yaml_node_t *det)
{
    if (det == NULL || det->type != YAML_MAPPING_NODE) {
        fail(L, det, "rule needs a 'detection' map");
        return false;
    }
    struct rule_impl *impl = rule->impl;
    size_t n = (size_t)(det->data.mapping.pairs.top - det->data.mapping.pairs.start);
    impl->sels = xcalloc(n, sizeof(*impl->sels));
    size_t fcap = 0;
    const char *condition = NULL;
    yaml_node_t *condn = NULL;
    for (yaml_node_pair_t *p = det->data.mapping.pairs.start; p < det->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node_at(L, p->key), *v = node_at(L, p->value);
        const char *name = scalar(k);
        if (name == NULL) {
            fail(L, k, "selection names are text");
            return false;
        }
        /* YAML maps have unique keys; libyaml does not check, so a second
         * selection or condition of the same name would silently win. */
        if (strcmp(name, "condition") == 0 ? condn != NULL : sel_index(impl, name) >= 0) {
            fail(L, k, "duplicate '%s' in detection", name);
            return false;
        }
        if (strcmp(name, "condition") == 0) {
            condition = scalar(v);
            condn = v;
            continue;
        }
        struct selection *s = &impl->sels[impl->nsels++];
        s->name = xstrdup(name);
        if (v->type == YAML_SEQUENCE_NODE) {
            size_t m = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
            s->alts = xcalloc(m ? m : 1, sizeof(*s->alts));
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top; it++)
                if (!compile_alt(L, rule, node_at(L, *it), &s->alts[s->nalts++], &fcap))
                    return false;
            if (m == 0) {
                fail(L, v, "empty selection '%s'", name);
                return false;
            }
        } else {
            s->alts = xcalloc(1, sizeof(*s->alts));
            s->nalts = 1;
            if (!compile_alt(L, rule, v, &s->alts[0], &fcap))
                return false;
        }
    }
    if (condition == NULL) {
        fail(L, det, "detection needs a 'condition'");
        return false;
    }
    const char *err = NULL;
    impl->cond = cond_parse(condition, impl, &err);
    if (impl->cond == NULL) {
        fail(L, condn, "%s: '%s'", err, condition);
        return false;
    }
    return true;
}

/* Checks every {{field|quoting}} placeholder of a remediation text. */
static bool
check_template(struct loader *L, struct rule *rule, yaml_node_t *n, const char *tool,
               const char *text)
{
    struct buf why = BUF_INIT;
    bool ok = template_check(tool, text, rule->kind, &why);
    if (!ok)
        fail(L, n, "%s", buf_str(&why));
    buf_release(&why);
    return ok;
}

/* Appends the texts of a sequence node to a new owned array. */
static void
load_texts(struct loader *L, yaml_node_t *seq, const char *what, char ***out, size_t *n)
{
    size_t m = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    *out = xcalloc(m ? m : 1, sizeof(char *));
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        const char *s = scalar(node_at(L, *it));
        if (s == NULL || *s == '\0')
            fail(L, node_at(L, *it), "%s is a text", what);
        else
            (*out)[(*n)++] = xstrdup(s);
    }
}

static bool
load_samples(struct loader *L, yaml_node_t *seq, struct rule_sample **out, size_t *n)
{
    if (seq == NULL)
        return true;
    if (seq->type != YAML_SEQUENCE_NODE) {
        fail(L, seq, "samples are a list of texts (.vmx, crash or log text)");
        return false;
    }
    size_t m = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    *out = xcalloc(m ? m : 1, sizeof(**out));
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        yaml_node_t *s = node_at(L, *it);
        if (scalar(s) == NULL) {
            fail(L, s, "a sample is a text");
            return false;
        }
        (*out)[(*n)++] = (struct rule_sample){xstrdup(scalar(s)), s->start_mark.line + 1};
    }
    return true;
}

static const char *const top_keys[] = {
    "title",       "id",       "status",         "description", "references", "author",
    "date",        "modified", "tags",           "logsource",   "detection",  "level",
    "remediation", "tests",    "falsepositives", "fields",      "fallback",   "related_rules",
    "affects",     "fixed_in", "workaround",     "culprit",     "plan",
};

/* The tools a plan script may be written for: those `fix --emit` writes. */
static const char *const plan_tools[] = {"powercli", "govc", "esxi_shell", "ansible"};

/* `plan:` (docs/RULES.md): action (required), before, guest_impact, steps (a
 * list of texts) and script (tool: template, checked as remediation is). */
static void
load_plan(struct loader *L, yaml_node_t *root, struct rule *r)
{
    yaml_node_t *pl = map_get(L, root, "plan");
    if (pl == NULL)
        return;
    if (pl->type != YAML_MAPPING_NODE) {
        fail(L, pl, "'plan' is a map: action, before, guest_impact, steps, script");
        return;
    }
    static const char *const keys[] = {"action", "before", "guest_impact", "steps", "script"};
    for (yaml_node_pair_t *p = pl->data.mapping.pairs.start; p < pl->data.mapping.pairs.top; p++) {
        const char *k = scalar(node_at(L, p->key));
        bool known = false;
        for (size_t i = 0; k && i < sizeof(keys) / sizeof(keys[0]); i++)
            known |= strcmp(k, keys[i]) == 0;
        if (!known)
            fail(L, node_at(L, p->key),
                 "unknown plan key '%s' (action, before, guest_impact, steps, script)",
                 k ? k : "?");
    }
    struct rule_plan *plan = xcalloc(1, sizeof(*plan));
    r->plan = plan;
    plan->action = want_string(L, pl, "action", true);
    plan->before = want_string(L, pl, "before", false);
    plan->guest_impact = want_string(L, pl, "guest_impact", false);
    yaml_node_t *st = map_get(L, pl, "steps");
    if (st && st->type != YAML_SEQUENCE_NODE)
        fail(L, st, "'steps' is a list of texts, in the order they are done");
    else if (st)
        load_texts(L, st, "a step", &plan->steps, &plan->nsteps);
    yaml_node_t *sc = map_get(L, pl, "script");
    if (sc == NULL)
        return;
    if (sc->type != YAML_MAPPING_NODE) {
        fail(L, sc, "'script' is a map (tool: template)");
        return;
    }
    if (!record_kind_is_vm(r->kind)) {
        fail(L, sc, "'script' goes with vm, nic and controller rules (a script step changes a VM)");
        return;
    }
    size_t m = (size_t)(sc->data.mapping.pairs.top - sc->data.mapping.pairs.start);
    plan->scripts = xcalloc(m ? m : 1, sizeof(*plan->scripts));
    for (yaml_node_pair_t *p = sc->data.mapping.pairs.start; p < sc->data.mapping.pairs.top; p++) {
        const char *tool = scalar(node_at(L, p->key));
        const char *text = scalar(node_at(L, p->value));
        bool known = false;
        for (size_t i = 0; tool && i < sizeof(plan_tools) / sizeof(plan_tools[0]); i++)
            known |= strcmp(tool, plan_tools[i]) == 0;
        if (!known)
            fail(L, node_at(L, p->key),
                 "plan script tool '%s' is not one of powercli, govc, esxi_shell, ansible",
                 tool ? tool : "?");
        else if (text == NULL || *text == '\0')
            fail(L, node_at(L, p->value), "plan script '%s' must be a text", tool);
        else if (check_template(L, r, node_at(L, p->value), tool, text))
            plan->scripts[plan->nscripts++] = (struct remedy){xstrdup(tool), xstrdup(text)};
    }
}

/* The known-issue facts a source states (docs/RULES.md): `affects`, a list of
 * the releases it names as affected; `fixed_in`, a list of {version: text,
 * build: number} for the first release of each line that has the fix;
 * `workaround`, a text. All optional: a fact the source does not state stays
 * out. */
static void
load_known_issue(struct loader *L, yaml_node_t *root, struct rule *r)
{
    yaml_node_t *aff = map_get(L, root, "affects");
    if (aff && aff->type != YAML_SEQUENCE_NODE)
        fail(L, aff, "'affects' is a list of releases (\"ESXi 7.0 Update 3\")");
    else if (aff)
        load_texts(L, aff, "an affected release", &r->affects, &r->naffects);
    r->workaround = want_string(L, root, "workaround", false);
    r->culprit = want_string(L, root, "culprit", false);
    if (r->culprit && r->kind != REC_CRASH)
        fail(L, map_get(L, root, "culprit"), "'culprit' belongs to crash rules");
    yaml_node_t *fx = map_get(L, root, "fixed_in");
    if (fx == NULL)
        return;
    if (fx->type != YAML_SEQUENCE_NODE) {
        fail(L, fx, "'fixed_in' is a list of {version: ..., build: ...}");
        return;
    }
    size_t m = (size_t)(fx->data.sequence.items.top - fx->data.sequence.items.start);
    r->fixed_in = xcalloc(m ? m : 1, sizeof(*r->fixed_in));
    for (yaml_node_item_t *it = fx->data.sequence.items.start; it < fx->data.sequence.items.top;
         it++) {
        yaml_node_t *f = node_at(L, *it);
        const char *ver = scalar(map_get(L, f, "version"));
        const char *build = scalar(map_get(L, f, "build"));
        size_t keys = f && f->type == YAML_MAPPING_NODE
                          ? (size_t)(f->data.mapping.pairs.top - f->data.mapping.pairs.start)
                          : 0;
        char *end = NULL;
        long long b = build ? strtoll(build, &end, 10) : 0;
        if (f == NULL || f->type != YAML_MAPPING_NODE || ver == NULL || *ver == '\0' ||
            keys != 1u + (build != NULL)) {
            fail(L, f ? f : fx,
                 "a 'fixed_in' entry is {version: TEXT, build: NUMBER} (build "
                 "only when the source states it)");
        } else if (build && (end == build || *end || b <= 0 || b > 99999999)) {
            fail(L, f, "'build' is an ESXi build number, not '%s'", build);
        } else {
            r->fixed_in[r->nfixed_in++] = (struct fixed_in){xstrdup(ver), build ? b : 0};
        }
    }
}

static void rule_free(struct rule *r);

static struct rule *
compile_rule(struct loader *L, yaml_node_t *root)
{
    if (root->type != YAML_MAPPING_NODE) {
        fail(L, root, "a rule is a YAML map");
        return NULL;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const char *k = scalar(node_at(L, p->key));
        bool known = false;
        for (size_t i = 0; k && !known && i < sizeof(top_keys) / sizeof(top_keys[0]); i++)
            known = k[0] == top_keys[i][0] && strcmp(k, top_keys[i]) == 0;
        if (!known) {
            fail(L, node_at(L, p->key), "unknown rule key '%s'", k ? k : "?");
            return NULL;
        }
        for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < p; q++)
            if (scalar(node_at(L, q->key))[0] == k[0] && strcmp(scalar(node_at(L, q->key)), k) == 0) {
                fail(L, node_at(L, p->key), "duplicate rule key '%s'", k);
                return NULL;
            }
    }
    struct rule *r = xcalloc(1, sizeof(*r));
    r->impl = xcalloc(1, sizeof(*r->impl));
    r->file = xstrdup(L->name);
    r->line = root->start_mark.line + 1;
    size_t before = L->errors;
    r->id = want_string(L, root, "id", true);
    r->title = want_string(L, root, "title", true);
    r->description = want_string(L, root, "description", true);
    r->status = want_string(L, root, "status", false);
    char *level = want_string(L, root, "level", true);
    int lv = level ? level_from_name(level) : -1;
    if (level && lv < 0)
        fail(L, map_get(L, root, "level"),
             "level '%s' is not informational, low, medium, high or critical", level);
    r->level = lv < 0 ? LEVEL_INFORMATIONAL : (enum level)lv;
    free(level);

    yaml_node_t *ls = map_get(L, root, "logsource");
    const char *cat = scalar(map_get(L, ls, "category"));
    int kind = cat ? record_kind_from_name(cat) : -1;
    if (kind < 0)
        fail(L, ls ? ls : root,
             "logsource.category must be vm, nic, controller, crash, log, dump or cpu");
    r->kind = kind < 0 ? REC_VM : (enum record_kind)kind;

    yaml_node_t *refs = map_get(L, root, "references");
    if (refs == NULL || refs->type != YAML_SEQUENCE_NODE ||
        refs->data.sequence.items.top == refs->data.sequence.items.start)
        fail(L, refs ? refs : root, "every rule cites at least one public source in 'references'");
    else
        load_texts(L, refs, "a reference", &r->refs, &r->nrefs);

    yaml_node_t *fb = map_get(L, root, "fallback");
    if (fb) {
        int b = scalar(fb) ? parse_yaml_bool(scalar(fb)) : -1;
        if (b < 0)
            fail(L, fb, "'fallback' is true or false");
        r->fallback = b == 1;
    }
    yaml_node_t *rel = map_get(L, root, "related_rules");
    if (rel) {
        if (record_kind_is_vm(r->kind))
            fail(L, rel,
                 "'related_rules' goes with crash, log, dump and cpu rules (it names VM rules)");
        else if (rel->type != YAML_SEQUENCE_NODE)
            fail(L, rel, "'related_rules' is a list of rule ids");
        else
            load_texts(L, rel, "a related rule", &r->related, &r->nrelated);
    }

    load_known_issue(L, root, r);
    load_plan(L, root, r);

    yaml_node_t *rem = map_get(L, root, "remediation");
    if (rem == NULL || rem->type != YAML_MAPPING_NODE) {
        fail(L, rem ? rem : root, "rule needs a 'remediation' map (tool: text)");
    } else {
        size_t m = (size_t)(rem->data.mapping.pairs.top - rem->data.mapping.pairs.start);
        r->remedies = xcalloc(m ? m : 1, sizeof(*r->remedies));
        for (yaml_node_pair_t *p = rem->data.mapping.pairs.start; p < rem->data.mapping.pairs.top;
             p++) {
            const char *tool = scalar(node_at(L, p->key));
            const char *text = scalar(node_at(L, p->value));
            if (tool == NULL || !remedy_tool_known(tool)) {
                fail(L, node_at(L, p->key), "unknown remediation tool '%s'", tool ? tool : "?");
            } else if (text == NULL || *text == '\0') {
                fail(L, node_at(L, p->value), "remediation '%s' must be a text", tool);
            } else if (check_template(L, r, node_at(L, p->value), tool, text)) {
                r->remedies[r->nremedies++] = (struct remedy){xstrdup(tool), xstrdup(text)};
            }
        }
    }
    if (L->errors == before)
        compile_detection(L, r, map_get(L, root, "detection"));
    yaml_node_t *tests = map_get(L, root, "tests");
    if (tests == NULL || map_get(L, tests, "match") == NULL ||
        map_get(L, tests, "no_match") == NULL) {
        fail(L, tests ? tests : root, "rule needs 'tests' with 'match' and 'no_match' samples");
    } else {
        load_samples(L, map_get(L, tests, "match"), &r->match, &r->nmatch);
        load_samples(L, map_get(L, tests, "no_match"), &r->no_match, &r->nno_match);
        if (r->nmatch == 0 || r->nno_match == 0)
            fail(L, tests, "rule needs at least one 'match' and one 'no_match' sample");
    }
    if (L->errors != before) {
        rule_free(r);
        return NULL;
    }
    return r;
}

/* Reads the text as a stream of YAML events (no document is built) and stops
 * at the first collection nested deeper than MAX_YAML_DEPTH, or the first
 * alias (an alias repeats a node: a few lines of them multiply into billions
 * of tests; no rule needs one). Returns false after adding that error. The
 * parser stops after that event, so a hostile text costs only its first
 * events. A YAML syntax error ends the scan quietly: the loader reports it. */
static bool
shape_ok(const char *name, const char *text, size_t len, struct diags *d)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int depth = 0;
    bool ok = true;
    for (bool end = false; !end && ok;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev))
            break;
        switch (ev.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > MAX_YAML_DEPTH) {
                diags_add(d, DIAG_ERROR, name, ev.start_mark.line + 1,
                          "YAML nests deeper than %d levels (column %zu); a rule needs a few",
                          MAX_YAML_DEPTH, (size_t)ev.start_mark.column + 1);
                ok = false;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_ALIAS_EVENT:
            diags_add(d, DIAG_ERROR, name, ev.start_mark.line + 1,
                      "YAML alias '*%s': rule files do not use anchors and aliases",
                      (const char *)ev.data.alias.anchor);
            ok = false;
            break;
        case YAML_STREAM_END_EVENT:
            end = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return ok;
}

/* Makes room for `more` rules in rs->v, copying the program's own array
 * (kb_rules, borrowed while cap is 0) to the heap first. */
static void
ruleset_grow(struct ruleset *rs, size_t more)
{
    rule_index_free(atomic_exchange(&rs->crash_index, NULL)); /* it no longer fits */
    if (rs->cap == 0 && rs->n > 0) {
        struct rule **own = xcalloc(rs->n + more, sizeof(*own));
        memcpy(own, rs->v, rs->n * sizeof(*own));
        rs->v = own;
        rs->cap = rs->n + more;
    }
    XGROW(rs->v, rs->cap, rs->n + more);
}

/* Compiles the rule of one parsed document into `rs` (a duplicate id is
 * refused). Returns false for an empty document: the end of the stream. */
static bool
load_document(struct ruleset *rs, struct loader *L, yaml_document_t *doc)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (root == NULL)
        return false;
    L->doc = doc;
    struct rule *r = compile_rule(L, root);
    if (r && rules_find(rs, r->id)) {
        fail(L, root, "duplicate rule id '%s'", r->id);
        rule_free(r);
        r = NULL;
    }
    if (r) {
        ruleset_grow(rs, 1);
        rs->v[rs->n++] = r;
    }
    return true;
}

size_t
rules_load_text(struct ruleset *rs, const char *name, const char *text, size_t len, struct diags *d)
{
    struct loader L = {.name = name, .d = d};
    if (len > MAX_RULE_FILE) {
        diags_add(d, DIAG_ERROR, name, 0, "rule file is larger than %u bytes", MAX_RULE_FILE);
        return 1;
    }
    if (!shape_ok(name, text, len, d))
        return 1;
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            diags_add(d, DIAG_ERROR, name, parser.problem_mark.line + 1, "YAML: %s",
                      parser.problem ? parser.problem : "syntax error");
            L.errors++;
            break;
        }
        bool more = load_document(rs, &L, &doc);
        if (more)
            atomic_fetch_add(&vt_work.yaml_documents, 1);
        yaml_document_delete(&doc);
        if (!more)
            break;
    }
    yaml_parser_delete(&parser);
    return L.errors;
}

size_t
rules_load_builtin(struct ruleset *rs, struct diags *d)
{
    (void)d; /* checked at build time (tools/gen_kb.c) */
    if (rs->n == 0) {
        rule_index_free(atomic_exchange(&rs->crash_index, NULL));
        free(rs->v);
        rs->v = kb_rules;
        rs->n = kb_nrules;
        rs->cap = 0;
        return 0;
    }
    ruleset_grow(rs, kb_nrules);
    memcpy(rs->v + rs->n, kb_rules, kb_nrules * sizeof(*rs->v));
    rs->n += kb_nrules;
    return 0;
}

bool
ruleset_is_builtin(const struct ruleset *rs)
{
    return rs->cap == 0 && rs->v == kb_rules && rs->n == kb_nrules;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t
rules_load_dir(struct ruleset *rs, const char *dir, struct diags *d)
{
    DIR *dp = opendir(dir);
    if (dp == NULL) {
        diags_add(d, DIAG_ERROR, dir, 0, "cannot open rules folder: %s", strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *de; (de = readdir(dp)) != NULL;) {
        size_t l = strlen(de->d_name);
        if ((l > 4 && !strcmp(de->d_name + l - 4, ".yml")) ||
            (l > 5 && !strcmp(de->d_name + l - 5, ".yaml"))) {
            XGROW(names, cap, n + 1);
            names[n++] = xasprintf("%s/%s", dir, de->d_name);
        }
    }
    closedir(dp);
    if (n > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(names, n, sizeof(*names), cmp_str);
    size_t errors = 0;
    for (size_t i = 0; i < n; i++) {
        /* a FIFO, socket or device named *.yml is refused, never waited on */
        int fd = input_open(names[i], 0, NULL, d);
        FILE *fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
        if (fp == NULL) {
            if (fd >= 0) {
                diags_add(d, DIAG_ERROR, names[i], 0, "cannot open: %s", strerror(errno));
                close(fd);
            }
            errors++;
            free(names[i]);
            continue;
        }
        struct buf b = BUF_INIT;
        char chunk[8192];
        size_t got;
        while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b.len <= MAX_RULE_FILE)
            buf_add(&b, chunk, got);
        if (ferror(fp)) {
            diags_add(d, DIAG_ERROR, names[i], 0, "read error: %s", strerror(errno));
            errors++;
        } else {
            errors += rules_load_text(rs, names[i], buf_str(&b), b.len, d);
        }
        fclose(fp);
        buf_release(&b);
        free(names[i]);
    }
    free(names);
    return errors;
}

const struct rule *
rules_find(const struct ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->v[i]->id, id) == 0)
            return rs->v[i];
    return NULL;
}

/* A |re value of the test that does not compile: its index in *(size_t *)arg. */
static bool
bad_regex_value(struct ftest *ft, void *arg)
{
    for (size_t v = 0; ft->mod == M_RE && v < ft->nvals; v++)
        if (rule_re_code(&ft->vals[v].re, ft->vals[v].s) == NULL) {
            *(size_t *)arg = v;
            return true;
        }
    return false;
}

const char *
rule_bad_regex(const struct rule *rule, char *why, size_t whylen)
{
    size_t v = 0;
    const struct ftest *ft = rule_each_test(rule, bad_regex_value, &v);
    if (ft == NULL)
        return NULL;
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)ft->vals[v].s, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
                                   &code, &off, NULL);
    pcre2_code_free(re);
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(code, msg, sizeof(msg));
    snprintf(why, whylen, "at offset %zu: %s", (size_t)off, (char *)msg);
    return ft->vals[v].s;
}

static void
impl_free(struct rule_impl *impl)
{
    if (impl == NULL)
        return;
    for (size_t i = 0; i < impl->nsels; i++) {
        struct selection *s = &impl->sels[i];
        for (size_t a = 0; a < s->nalts; a++) {
            for (size_t t = 0; t < s->alts[a].n; t++) {
                struct ftest *ft = &s->alts[a].tests[t];
                for (size_t v = 0; v < ft->nvals; v++) {
                    free(ft->vals[v].s);
                    free(ft->vals[v].lit);
                    pcre2_code_free(ft->vals[v].re);
                }
                free(ft->vals);
                /* vmx.* field handles are owned by the test that created them */
                field_release(ft->field);
            }
            free(s->alts[a].tests);
        }
        free(s->alts);
        free(s->name);
    }
    free(impl->sels);
    cond_free(impl->cond);
    free(impl->fields);
    free(impl);
}

static void
rule_free(struct rule *r)
{
    free(r->id);
    free(r->title);
    free(r->description);
    free(r->status);
    for (size_t i = 0; i < r->nrefs; i++)
        free(r->refs[i]);
    free(r->refs);
    for (size_t i = 0; i < r->nremedies; i++) {
        free(r->remedies[i].tool);
        free(r->remedies[i].text);
    }
    free(r->remedies);
    for (size_t i = 0; i < r->nrelated; i++)
        free(r->related[i]);
    free(r->related);
    for (size_t i = 0; i < r->naffects; i++)
        free(r->affects[i]);
    free(r->affects);
    for (size_t i = 0; i < r->nfixed_in; i++)
        free(r->fixed_in[i].version);
    free(r->fixed_in);
    free(r->workaround);
    free(r->culprit);
    if (r->plan) {
        free(r->plan->action);
        free(r->plan->before);
        free(r->plan->guest_impact);
        for (size_t i = 0; i < r->plan->nsteps; i++)
            free(r->plan->steps[i]);
        free(r->plan->steps);
        for (size_t i = 0; i < r->plan->nscripts; i++) {
            free(r->plan->scripts[i].tool);
            free(r->plan->scripts[i].text);
        }
        free(r->plan->scripts);
        free(r->plan);
    }
    for (size_t i = 0; i < r->nmatch; i++)
        free(r->match[i].text);
    for (size_t i = 0; i < r->nno_match; i++)
        free(r->no_match[i].text);
    free(r->match);
    free(r->no_match);
    free(r->file);
    impl_free(r->impl);
    free(r);
}

void
ruleset_release(struct ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        if (!rs->v[i]->builtin)
            rule_free(rs->v[i]);
    if (rs->cap)
        free(rs->v);
    rule_index_free(atomic_load(&rs->crash_index));
    *rs = (struct ruleset)RULESET_INIT;
}
