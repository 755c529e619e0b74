/* gen_kb: compiles the built-in rule files into the program (to stdout, as C:
 * build/kb_rules.c), so start-up neither parses YAML nor builds a rule
 * (issue 20).
 *
 * Why a generator: loading the rule files was nearly all of a one-call run
 * (parsing, then a copy and an allocation per string, per test and per value),
 * and that work grows with every rule added. Here the real loader
 * (src/rules/rules_load.c, the one that reads --rules DIR) compiles each file
 * once, at build time, with every run-time check (shape, unknown keys and
 * fields, value types, regexes, conditions, templates, duplicate ids); then the
 * compiled rules are written out as static C data: `struct rule` values whose
 * strings are literals and whose selections, tests, conditions and field
 * handles are static too. rules_load_builtin hands out that array: no work per
 * rule at start-up. So is the crash rules' index by function name
 * (rule_index.h): a crash is matched against the rules its functions name. A |re pattern is compiled on first use, as before
 * (fvalue.re starts NULL).
 *
 * Run at build time only: linked with the program's objects except
 * kb_rules.o (defined empty below) and prefilter_db.o (weak). A rule file
 * that does not load fails the build, naming the file and line. */
#include "record/record_impl.h"
#include "rules/kb_rules.h"
#include "rules/rule_index.h"
#include "rules/rules_impl.h"
#include "util/util_mem.h"
#include "gen_lit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The program's objects refer to these; this program builds them. */
struct rule *kb_rules[1];
const size_t kb_nrules = 0;
const struct rule_index kb_crash_index = {NULL, 0, NULL, 0};

#define MAX_RULE_FILE_BYTES (16u << 20)

/* The distinct vmx.* fields the rules test: each becomes one static handle. */
static const char **raw_names;
static size_t nraw, capraw;

static void
lits(const char *name, char *const *v, size_t n)
{
    if (n == 0)
        return;
    printf("static char *%s[] = {", name);
    for (size_t i = 0; i < n; i++) {
        gen_lit(v[i]);
        fputs(",\n", stdout);
    }
    puts("};");
}

static void
remedies(const char *name, const struct remedy *v, size_t n)
{
    if (n == 0)
        return;
    printf("static struct remedy %s[] = {", name);
    for (size_t i = 0; i < n; i++) {
        fputs("{.tool = ", stdout);
        gen_lit(v[i].tool);
        fputs(", .text = ", stdout);
        gen_lit(v[i].text);
        fputs("},\n", stdout);
    }
    puts("};");
}

static void
samples(const char *name, const struct rule_sample *v, size_t n)
{
    if (n == 0)
        return;
    printf("static struct rule_sample %s[] = {", name);
    for (size_t i = 0; i < n; i++) {
        fputs("{.text = ", stdout);
        gen_lit(v[i].text);
        printf(", .line = %luUL},\n", v[i].line);
    }
    puts("};");
}

/* The C expression of a field handle: a row of a record_*_fields table, or
 * one of kb_raw_fields for a vmx.* field. */
static void
field_ref(const struct field_def *f)
{
    static const struct {
        const char *name;
        const struct field_def *v;
        const size_t *n;
    } tables[] = {
        {"record_vm_fields", record_vm_fields, &record_vm_nfields},
        {"record_crash_fields", record_crash_fields, &record_crash_nfields},
        {"record_log_fields", record_log_fields, &record_log_nfields},
        {"record_dump_fields", record_dump_fields, &record_dump_nfields},
        {"record_cpu_fields", record_cpu_fields, &record_cpu_nfields},
    };
    if (f->raw_key) {
        for (size_t i = 0; i < nraw; i++)
            if (strcmp(raw_names[i], f->name) == 0) {
                printf("&kb_raw_fields[%zu]", i);
                return;
            }
        fprintf(stderr, "gen_kb: field %s was not collected\n", f->name);
        exit(1);
    }
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        if (f >= tables[t].v && f < tables[t].v + *tables[t].n) {
            printf("&%s[%zu]", tables[t].name, (size_t)(f - tables[t].v));
            return;
        }
    fprintf(stderr, "gen_kb: field %s is in no table\n", f->name);
    exit(1);
}

static void
collect_raw(const struct rule_impl *impl)
{
    for (size_t i = 0; i < impl->nfields; i++) {
        const struct field_def *f = impl->fields[i];
        if (f->raw_key == NULL)
            continue;
        size_t k = 0;
        while (k < nraw && strcmp(raw_names[k], f->name) != 0)
            k++;
        if (k == nraw) {
            XGROW(raw_names, capraw, nraw + 1);
            raw_names[nraw++] = f->name;
        }
    }
}

/* Writes the condition tree bottom-up as r<ri>_c<n> objects; returns n. */
static unsigned
cond(size_t ri, const struct cond *c, unsigned *next)
{
    unsigned a = 0, b = 0;
    if (c->a)
        a = cond(ri, c->a, next);
    if (c->b)
        b = cond(ri, c->b, next);
    unsigned me = (*next)++;
    if (c->nsels) {
        printf("static size_t r%zu_c%u_sels[] = {", ri, me);
        for (size_t i = 0; i < c->nsels; i++)
            printf("%zu,", c->sels[i]);
        puts("};");
    }
    printf("static struct cond r%zu_c%u = {.t = (enum ctype)%d, .sel = %zu, ", ri, me, (int)c->t,
           c->sel);
    if (c->a)
        printf(".a = &r%zu_c%u, ", ri, a);
    if (c->b)
        printf(".b = &r%zu_c%u, ", ri, b);
    if (c->nsels)
        printf(".sels = r%zu_c%u_sels, .nsels = %zu", ri, me, c->nsels);
    puts("};");
    return me;
}

static void
impl(size_t ri, const struct rule_impl *m)
{
    for (size_t s = 0; s < m->nsels; s++) {
        const struct selection *sel = &m->sels[s];
        for (size_t a = 0; a < sel->nalts; a++) {
            const struct alt *alt = &sel->alts[a];
            for (size_t t = 0; t < alt->n; t++) {
                const struct ftest *ft = &alt->tests[t];
                if (ft->nvals == 0)
                    continue;
                printf("static struct fvalue r%zu_s%zu_a%zu_t%zu[] = {", ri, s, a, t);
                for (size_t v = 0; v < ft->nvals; v++) {
                    const struct fvalue *fv = &ft->vals[v];
                    printf("{.is_null = %d, .s = ", fv->is_null);
                    gen_lit(fv->s);
                    printf(", .i = %lldLL, .b = %d, .lit = ", fv->i, fv->b);
                    gen_lit(fv->lit);
                    printf(", .lit_caseless = %d},\n", fv->lit_caseless);
                }
                puts("};");
            }
            if (alt->n == 0)
                continue;
            printf("static struct ftest r%zu_s%zu_a%zu[] = {", ri, s, a);
            for (size_t t = 0; t < alt->n; t++) {
                const struct ftest *ft = &alt->tests[t];
                fputs("{.field = ", stdout);
                field_ref(ft->field);
                printf(", .mod = (enum mod)%d, .all = %d, ", (int)ft->mod, ft->all);
                if (ft->nvals)
                    printf(".vals = r%zu_s%zu_a%zu_t%zu, ", ri, s, a, t);
                printf(".nvals = %zu},\n", ft->nvals);
            }
            puts("};");
        }
        if (sel->nalts == 0)
            continue;
        printf("static struct alt r%zu_s%zu[] = {", ri, s);
        for (size_t a = 0; a < sel->nalts; a++) {
            if (sel->alts[a].n)
                printf("{.tests = r%zu_s%zu_a%zu, .n = %zu},\n", ri, s, a, sel->alts[a].n);
            else
                puts("{.tests = NULL, .n = 0},");
        }
        puts("};");
    }
    if (m->nsels) {
        printf("static struct selection r%zu_sels[] = {", ri);
        for (size_t s = 0; s < m->nsels; s++) {
            fputs("{.name = ", stdout);
            gen_lit(m->sels[s].name);
            if (m->sels[s].nalts)
                printf(", .alts = r%zu_s%zu", ri, s);
            printf(", .nalts = %zu},\n", m->sels[s].nalts);
        }
        puts("};");
    }
    unsigned next = 0, root = m->cond ? cond(ri, m->cond, &next) : 0;
    if (m->nfields) {
        printf("static const struct field_def *r%zu_fields[] = {", ri);
        for (size_t i = 0; i < m->nfields; i++) {
            field_ref(m->fields[i]);
            fputs(",\n", stdout);
        }
        puts("};");
    }
    printf("static struct rule_impl r%zu_impl = {", ri);
    if (m->nsels)
        printf(".sels = r%zu_sels, ", ri);
    printf(".nsels = %zu, ", m->nsels);
    if (m->cond)
        printf(".cond = &r%zu_c%u, ", ri, root);
    if (m->nfields)
        printf(".fields = r%zu_fields, ", ri);
    printf(".nfields = %zu};\n", m->nfields);
}

/* The parts of rule `ri` that the rule refers to, as static objects. */
static void
parts(size_t ri, const struct rule *r)
{
    char name[64];
    snprintf(name, sizeof(name), "r%zu_refs", ri);
    lits(name, r->refs, r->nrefs);
    snprintf(name, sizeof(name), "r%zu_remedies", ri);
    remedies(name, r->remedies, r->nremedies);
    snprintf(name, sizeof(name), "r%zu_related", ri);
    lits(name, r->related, r->nrelated);
    snprintf(name, sizeof(name), "r%zu_affects", ri);
    lits(name, r->affects, r->naffects);
    if (r->nfixed_in) {
        printf("static struct fixed_in r%zu_fixed_in[] = {", ri);
        for (size_t i = 0; i < r->nfixed_in; i++) {
            fputs("{.version = ", stdout);
            gen_lit(r->fixed_in[i].version);
            printf(", .build = %lldLL},\n", r->fixed_in[i].build);
        }
        puts("};");
    }
    if (r->plan) {
        snprintf(name, sizeof(name), "r%zu_steps", ri);
        lits(name, r->plan->steps, r->plan->nsteps);
        snprintf(name, sizeof(name), "r%zu_scripts", ri);
        remedies(name, r->plan->scripts, r->plan->nscripts);
        printf("static struct rule_plan r%zu_plan = {.action = ", ri);
        gen_lit(r->plan->action);
        fputs(", .before = ", stdout);
        gen_lit(r->plan->before);
        fputs(", .guest_impact = ", stdout);
        gen_lit(r->plan->guest_impact);
        if (r->plan->nsteps)
            printf(", .steps = r%zu_steps", ri);
        printf(", .nsteps = %zu", r->plan->nsteps);
        if (r->plan->nscripts)
            printf(", .scripts = r%zu_scripts", ri);
        printf(", .nscripts = %zu};\n", r->plan->nscripts);
    }
    snprintf(name, sizeof(name), "r%zu_match", ri);
    samples(name, r->match, r->nmatch);
    snprintf(name, sizeof(name), "r%zu_no_match", ri);
    samples(name, r->no_match, r->nno_match);
    if (r->impl)
        impl(ri, r->impl);
}

/* `.name = rN_name, .nname = n` when there are some, else nothing. */
static void
array(size_t ri, const char *field, const char *count, size_t n)
{
    if (n)
        printf(", .%s = r%zu_%s", field, ri, field);
    printf(", .%s = %zu", count, n);
}

static void
rule(size_t ri, const struct rule *r)
{
    fputs("{.id = ", stdout);
    gen_lit(r->id);
    fputs(", .title = ", stdout);
    gen_lit(r->title);
    fputs(", .description = ", stdout);
    gen_lit(r->description);
    fputs(", .status = ", stdout);
    gen_lit(r->status);
    printf(", .level = (enum level)%d, .kind = (enum record_kind)%d", (int)r->level, (int)r->kind);
    array(ri, "refs", "nrefs", r->nrefs);
    array(ri, "remedies", "nremedies", r->nremedies);
    printf(", .fallback = %d", r->fallback);
    array(ri, "related", "nrelated", r->nrelated);
    array(ri, "affects", "naffects", r->naffects);
    array(ri, "fixed_in", "nfixed_in", r->nfixed_in);
    fputs(", .workaround = ", stdout);
    gen_lit(r->workaround);
    fputs(", .culprit = ", stdout);
    gen_lit(r->culprit);
    if (r->plan)
        printf(", .plan = &r%zu_plan", ri);
    array(ri, "match", "nmatch", r->nmatch);
    array(ri, "no_match", "nno_match", r->nno_match);
    fputs(", .file = ", stdout);
    gen_lit(r->file);
    printf(", .line = %luUL, .builtin = true", r->line);
    if (r->impl)
        printf(", .impl = &r%zu_impl", ri);
    puts("},");
}

/* kb_crash_index: rule_index_build's index of the rules, written out (the
 * positions are kb_rules' own: the same rules in the same order). */
static void
crash_index(const struct ruleset *rs)
{
    struct rule_index *ix = rule_index_build(rs);
    puts("static const struct rule_key kb_crash_keys[] = {");
    for (size_t i = 0; i < ix->nkeys; i++) {
        fputs("{", stdout);
        gen_lit(ix->keys[i].key);
        printf(", %u},\n", ix->keys[i].rule);
    }
    puts("{NULL, 0}};\nstatic const unsigned kb_crash_always[] = {");
    for (size_t i = 0; i < ix->nalways; i++)
        printf("%u,%s", ix->always[i], i % 16 == 15 ? "\n" : "");
    printf("0};\nconst struct rule_index kb_crash_index = {kb_crash_keys, %zu, kb_crash_always, "
           "%zu};\n",
           ix->nkeys, ix->nalways);
    rule_index_free(ix);
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        perror(path);
        exit(1);
    }
    char *text = xmalloc(MAX_RULE_FILE_BYTES + 1);
    *len = fread(text, 1, MAX_RULE_FILE_BYTES + 1, fp);
    if (ferror(fp) || *len > MAX_RULE_FILE_BYTES) {
        fprintf(stderr, "gen_kb: %s: cannot read it whole\n", path);
        exit(1);
    }
    fclose(fp);
    text[*len] = '\0';
    return text;
}

int
main(int argc, char **argv)
{
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    size_t errors = 0;
    for (int i = 1; i < argc; i++) {
        size_t len;
        char *text = slurp(argv[i], &len);
        errors += rules_load_text(&rs, argv[i], text, len, &d);
        free(text);
    }
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "gen_kb: %s:%lu: %s\n", d.v[i].path, d.v[i].line, d.v[i].message);
    if (errors || rs.n == 0) {
        fprintf(stderr, "gen_kb: the built-in rules do not load (%zu errors)\n", errors);
        return 1;
    }
    puts("/* Generated by tools/gen_kb.c from the rules folder: do not edit. */\n"
         "#include \"record/record_impl.h\"\n"
         "#include \"rules/kb_rules.h\"\n"
         "#include \"rules/rule_index.h\"\n"
         "#include \"rules/rules_impl.h\"\n");
    for (size_t i = 0; i < rs.n; i++)
        if (rs.v[i]->impl)
            collect_raw(rs.v[i]->impl);
    if (nraw) {
        puts("static struct field_def kb_raw_fields[] = {");
        for (size_t i = 0; i < nraw; i++) {
            fputs("{.name = ", stdout);
            gen_lit(raw_names[i]);
            fputs(", .kinds = K_VMS, .type = FV_STR, .get = field_raw_getter, .raw_key = ", stdout);
            gen_lit(raw_names[i] + 4);
            puts("},");
        }
        puts("};");
    }
    for (size_t i = 0; i < rs.n; i++)
        parts(i, rs.v[i]);
    puts("struct rule kb_rule_data[] = {");
    for (size_t i = 0; i < rs.n; i++)
        rule(i, rs.v[i]);
    puts("};\nstruct rule *kb_rules[] = {");
    for (size_t i = 0; i < rs.n; i++)
        printf("&kb_rule_data[%zu],%s", i, i % 8 == 7 ? "\n" : " ");
    printf("};\nconst size_t kb_nrules = %zu;\n", rs.n);
    crash_index(&rs);
    free(raw_names);
    ruleset_release(&rs);
    diags_release(&d);
    return 0;
}
