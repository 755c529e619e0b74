/* cmd_rules: `vmtriage rules list|show ID|check`: the knowledge base as an
 * admin sees it, and its self-test (every rule's samples must behave). */
#include "cmd/cli.h"
#include "util/util_term.h"
#include "util/json.h"
#include "rules/log_prefilter.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rules are loaded here, not by the runner: `rules check` reports a rule
 * file that does not load as its own failure. */
static int run_rules(struct cmd_ctx *c);

const struct command rules_cmd = {
    .name = "rules",
    .run = run_rules,
    .usage = "vmtriage rules [options] list | show ID | check | prefilter",
    .brief = "list, show and check the knowledge base",
    .summary =
        "List the rules, show one, or check them all: lint, and run every rule's\n"
        "'match' and 'no_match' samples (a .vmx, crash or log text). 'prefilter' prints the\n"
        "patterns `logs` searches blocks for: pattern, tab, the rules that need it\n"
        "(comma-separated; psod: the crash decoder); (?i) = caseless.\n"
        "'list' and 'show' also write JSON (-f json); 'check' and 'prefilter' write text.",
    .opts = CO_FORMAT | CO_RULES | CO_KIND,
    .formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON),
    .words = "list show check prefilter"};

/* The log prefilter's patterns, one per line, for a reader or for another
 * tool (bench/logs.sh gives them to ripgrep). */
static void
rules_prefilter_print(const struct ruleset *rs)
{
    struct diags d = DIAGS_INIT;
    struct log_prefilter *pf = log_prefilter_new(rs, &d);
    for (size_t i = 0; i < pf->npatterns; i++) {
        printf("%s%s\t", pf->caseless[i] ? "(?i)" : "", pf->expr[i]);
        for (size_t k = pf->owners_at[i]; k < pf->owners_at[i + 1]; k++)
            printf("%s%s", k > pf->owners_at[i] ? "," : "",
                   pf->owners[k] == LOG_PF_PSOD ? "psod" : pf->rules[pf->owners[k]]->id);
        putchar('\n');
    }
    for (size_t i = 0; i < pf->nrules; i++)
        if (pf->every_line[i])
            printf("# every line: %s\n", pf->rules[i]->id);
    log_prefilter_free(pf);
    diags_release(&d);
}

/* One rule as JSON: what `list` shows, plus its references, file and line;
 * `full` (show) adds the description, remediation and related rules. */
static void
rule_json(struct json *j, const struct rule *r, bool full)
{
    json_obj(j);
    json_kv_str(j, "id", r->id);
    json_kv_str(j, "title", r->title);
    json_kv_str(j, "level", level_name(r->level));
    json_kv_str(j, "kind", record_kind_name(r->kind));
    json_kv_bool(j, "fallback", r->fallback);
    json_kv_strs(j, "references", r->refs, r->nrefs);
    json_kv_str(j, "file", r->file);
    json_kv_int(j, "line", (long long)r->line);
    if (full) {
        json_kv_str(j, "description", r->description);
        json_key(j, "remediation");
        json_obj(j);
        for (size_t i = 0; i < r->nremedies; i++)
            json_kv_str(j, r->remedies[i].tool, r->remedies[i].text);
        json_obj_end(j);
        json_kv_strs(j, "related_rules", r->related, r->nrelated);
        json_kv_strs(j, "affects", r->affects, r->naffects);
        json_key(j, "fixed_in");
        json_arr(j);
        for (size_t i = 0; i < r->nfixed_in; i++) {
            json_obj(j);
            json_kv_str(j, "version", r->fixed_in[i].version);
            json_kv_int_opt(j, "build", r->fixed_in[i].build != 0, r->fixed_in[i].build);
            json_obj_end(j);
        }
        json_arr_end(j);
        json_kv_str(j, "workaround", r->workaround); /* null when the source gives none */
        json_kv_str(j, "culprit", r->culprit);       /* crash rules: the module the source blames */
    }
    json_obj_end(j);
}

/* Writes the JSON in `b` and a newline to standard output. */
static int
put_json(struct buf *b)
{
    buf_addc(b, '\n');
    int rc = fwrite(b->p, 1, b->len, stdout) == b->len && fflush(stdout) == 0 ? VT_EXIT_OK
                                                                              : VT_EXIT_UNKNOWN;
    if (rc != VT_EXIT_OK)
        cli_error("cannot write the list: %s", strerror(errno));
    buf_release(b);
    return rc;
}

static int
rules_check(const struct ruleset *rs)
{
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *rule = rs->v[i];
        char why[200];
        const char *bad = rule_bad_regex(rule, why, sizeof(why));
        if (bad == NULL) {
            passed++;
        } else {
            failed++;
            printf("not ok - %s:%lu: %s: bad regex '%s' %s\n", rule->file, rule->line, rule->id,
                   bad, why);
        }
        for (size_t k = 0; k < rule->nrelated; k++) {
            const struct rule *rel = rules_find(rs, rule->related[k]);
            if (rel && record_kind_is_vm(rel->kind)) {
                passed++;
                continue;
            }
            failed++;
            printf("not ok - %s:%lu: %s: related rule '%s' is not a VM rule of this set\n",
                   rule->file, rule->line, rule->id, rule->related[k]);
        }
        for (int want = 1; want >= 0; want--) {
            const struct rule_sample *s = want ? rule->match : rule->no_match;
            size_t n = want ? rule->nmatch : rule->nno_match;
            for (size_t k = 0; k < n; k++) {
                struct diags d = DIAGS_INIT;
                bool hit = rule_sample_hits(rule, s[k].text, &d);
                bool bad_sample = diags_count(&d, DIAG_ERROR) > 0;
                if (hit == (want == 1) && !bad_sample) {
                    passed++;
                } else {
                    failed++;
                    if (bad_sample)
                        printf("not ok - %s:%lu: %s: sample is not valid: %s\n", rule->file,
                               s[k].line, rule->id, d.v[0].message);
                    else
                        printf("not ok - %s:%lu: %s: %s sample %s\n", rule->file, s[k].line,
                               rule->id, want ? "match" : "no_match",
                               hit ? "matched" : "did not match");
                }
                diags_release(&d);
            }
        }
    }
    printf("rules: %zu rules, %zu passed, %zu failed\n", rs->n, passed, failed);
    return failed ? VT_EXIT_UNKNOWN : VT_EXIT_OK;
}

/* A text of several lines (a rule file may hold anything), each line
 * escaped for the terminal and indented. */
static void
print_block(const char *indent, const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        term_printf(stdout, "%s%.*s\n", indent, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

static void
rule_show(const struct rule *r)
{
    term_printf(stdout,
                "id:          %s\ntitle:       %s\nlevel:       %s\nrecord:      %s\n"
                "file:        %s:%lu\n",
                r->id, r->title, level_name(r->level), record_kind_name(r->kind), r->file, r->line);
    puts("description:");
    print_block("  ", r->description);
    puts("references:");
    for (size_t i = 0; i < r->nrefs; i++)
        term_printf(stdout, "  - %s\n", r->refs[i]);
    if (r->naffects) {
        puts("affects:");
        for (size_t i = 0; i < r->naffects; i++)
            term_printf(stdout, "  - %s\n", r->affects[i]);
    }
    if (r->nfixed_in) {
        puts("fixed in:");
        for (size_t i = 0; i < r->nfixed_in; i++)
            if (r->fixed_in[i].build)
                term_printf(stdout, "  - %s (build %lld)\n", r->fixed_in[i].version,
                            r->fixed_in[i].build);
            else
                term_printf(stdout, "  - %s (build not stated by the source)\n",
                            r->fixed_in[i].version);
    }
    if (r->workaround) {
        puts("workaround:");
        print_block("  ", r->workaround);
    }
    if (r->culprit)
        term_printf(stdout, "culprit named by the source: %s\n", r->culprit);
    puts("remediation:");
    for (size_t i = 0; i < r->nremedies; i++) {
        term_printf(stdout, "  [%s]\n", r->remedies[i].tool);
        print_block("  ", r->remedies[i].text);
    }
}

/* Whether `r` is of the record kind called `kind` (NULL: any). */
static bool
of_kind(const struct rule *r, const char *kind)
{
    return kind == NULL || strcmp(record_kind_name(r->kind), kind) == 0;
}

static int
run_rules(struct cmd_ctx *c)
{
    const struct vt_opts o = c->o;
    const char *sub = c->nargs ? c->args[0] : "list";
    bool json = o.format == FMT_JSON;
    if (json && strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0) {
        cli_error("'rules %s' writes text only (-f json: 'rules list', 'rules show ID')", sub);
        return VT_EXIT_UNKNOWN;
    }
    struct ruleset rs = RULESET_INIT;
    if (!cli_load_rules(&o, &rs)) {
        if (strcmp(sub, "check") == 0)
            printf("rules: %zu rules loaded, 0 passed, 1 failed\n", rs.n);
        ruleset_release(&rs);
        return VT_EXIT_UNKNOWN;
    }
    int rc = VT_EXIT_OK;
    if (strcmp(sub, "list") == 0 && json) {
        struct buf b = BUF_INIT;
        struct json j;
        json_init(&j, &b);
        json_arr(&j);
        for (size_t i = 0; i < rs.n; i++)
            if (of_kind(rs.v[i], o.kind))
                rule_json(&j, rs.v[i], false);
        json_arr_end(&j);
        rc = put_json(&b);
    } else if (strcmp(sub, "list") == 0) {
        size_t shown = 0, signatures = 0, fixed = 0;
        for (size_t i = 0; i < rs.n; i++) {
            if (!of_kind(rs.v[i], o.kind))
                continue;
            term_printf(stdout, "%-13s %-32s %-10s %s\n", level_name(rs.v[i]->level), rs.v[i]->id,
                        record_kind_name(rs.v[i]->kind), rs.v[i]->title);
            shown++;
            signatures += !rs.v[i]->fallback;
            for (size_t k = 0; k < rs.v[i]->nfixed_in; k++)
                if (rs.v[i]->fixed_in[k].build) {
                    fixed++;
                    break;
                }
        }
        if (o.kind) /* the count of that kind, e.g. the crash signatures */
            term_printf(stdout,
                        "%zu %s rules: %zu signatures, %zu fallbacks, %zu with a fix build\n",
                        shown, o.kind, signatures, shown - signatures, fixed);
    } else if (strcmp(sub, "show") == 0) {
        const struct rule *r = c->nargs > 1 ? rules_find(&rs, c->args[1]) : NULL;
        if (r == NULL) {
            cli_error("no rule '%s'; see 'vmtriage rules list'", c->nargs > 1 ? c->args[1] : "");
            rc = VT_EXIT_UNKNOWN;
        } else if (json) {
            struct buf b = BUF_INIT;
            struct json j;
            json_init(&j, &b);
            rule_json(&j, r, true);
            rc = put_json(&b);
        } else {
            rule_show(r);
        }
    } else if (strcmp(sub, "check") == 0) {
        rc = rules_check(&rs);
    } else if (strcmp(sub, "prefilter") == 0) {
        rules_prefilter_print(&rs);
    } else {
        cli_error("unknown 'rules' action '%s' (list, show, check, prefilter)", sub);
        rc = VT_EXIT_UNKNOWN;
    }
    ruleset_release(&rs);
    return rc;
}
