/* report_diagnose: the diagnoses of `vmtriage diagnose` as JSON and as text.
 *
 * Text: per VM, the walk as an indented tree, each node marked by its verdict
 * (✔ ok, ✘ problem, ? unknown; [ok] [PROBLEM] [?] when the terminal is not
 * UTF-8 or with --no-color), its answer, evidence and fixes, then the likely
 * causes. Every string from input goes through term_printf; fixes come
 * rendered (and quoted) by the rules. */
#include "report/report.h"
#include "util/util_term.h"

#include <string.h>

static void
node_to_json(struct json *j, const struct diag_node *n)
{
    json_obj(j);
    json_kv_str(j, "id", n->id);
    json_kv_str(j, "question", n->question);
    json_kv_str(j, "verdict", diag_verdict_name(n->verdict));
    json_kv_str(j, "answer", n->answer);
    json_kv_bool(j, "on_branch", n->on_branch);
    json_kv_strs(j, "evidence", n->evidence, n->nevidence);
    /* tool -> text; two rules' fixes for one tool are joined by a newline */
    json_key(j, "fix");
    json_obj(j);
    for (size_t i = 0; i < n->nfixes; i++) {
        bool done = false;
        for (size_t k = 0; k < i && !done; k++)
            done = strcmp(n->fixes[k].tool, n->fixes[i].tool) == 0;
        if (done)
            continue;
        struct buf t = BUF_INIT;
        for (size_t k = i; k < n->nfixes; k++)
            if (strcmp(n->fixes[k].tool, n->fixes[i].tool) == 0)
                buf_addf(&t, "%s%s", t.len ? "\n" : "", n->fixes[k].text);
        json_kv_str(j, n->fixes[i].tool, buf_str(&t));
        buf_release(&t);
    }
    json_obj_end(j);
    json_key(j, "fix_rules");
    json_arr(j);
    for (size_t i = 0; i < n->nfixes; i++) {
        bool done = false;
        for (size_t k = 0; k < i && !done; k++)
            done = strcmp(n->fixes[k].rule, n->fixes[i].rule) == 0;
        if (!done)
            json_str(j, n->fixes[i].rule);
    }
    json_arr_end(j);
    json_obj_end(j);
}

void
diagnoses_to_json(struct json *j, const struct report *r)
{
    json_key(j, "diagnoses");
    json_arr(j);
    for (size_t i = 0; i < r->ndiagnoses; i++) {
        const struct diagnosis *d = r->diagnoses[i];
        json_obj(j);
        json_kv_str(j, "vm", d->vm);
        json_kv_str(j, "name", d->name);
        json_kv_bool(j, "nested", d->nested);
        json_kv_str(j, "nested_why", d->nested_why);
        json_kv_str(j, "rerun", d->rerun);
        json_kv_strs(j, "evidence", d->evidence, d->nevidence);
        json_key(j, "nodes");
        json_arr(j);
        for (size_t k = 0; k < d->nnodes; k++)
            node_to_json(j, &d->nodes[k]);
        json_arr_end(j);
        json_key(j, "causes");
        json_arr(j);
        for (size_t k = 0; k < d->ncauses; k++) {
            json_obj(j);
            json_kv_int(j, "rank", (long long)k + 1);
            json_kv_str(j, "node", d->causes[k].node);
            json_kv_str(j, "title", d->causes[k].title);
            json_kv_str(j, "why", d->causes[k].why);
            json_kv_int(j, "score", d->causes[k].score);
            json_obj_end(j);
        }
        json_arr_end(j);
        json_obj_end(j);
    }
    json_arr_end(j);
}

void
diagnoses_count(const struct report *r, size_t c[3])
{
    c[DV_OK] = c[DV_PROBLEM] = c[DV_UNKNOWN] = 0;
    for (size_t i = 0; i < r->ndiagnoses; i++)
        for (size_t k = 0; k < r->diagnoses[i]->nnodes; k++)
            c[r->diagnoses[i]->nodes[k].verdict]++;
}

static const char *
mark(enum diag_verdict v, bool utf8)
{
    if (utf8)
        return v == DV_OK ? "\xe2\x9c\x94" : v == DV_PROBLEM ? "\xe2\x9c\x98" : "?";
    return v == DV_OK ? "[ok]" : v == DV_PROBLEM ? "[PROBLEM]" : "[?]";
}

/* A multi-line text, each line indented (fix commands stay whole lines). */
static void
print_lines(FILE *fp, const char *indent, const char *s)
{
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        if (n)
            term_printf(fp, "%s%.*s\n", indent, (int)n, s);
        s += n + (nl != NULL);
    }
}

void
report_text_diagnoses(FILE *fp, const struct report *r, const struct report_opts *o)
{
    for (size_t i = 0; i < r->ndiagnoses; i++) {
        const struct diagnosis *d = r->diagnoses[i];
        size_t np = 0, nu = 0;
        for (size_t k = 0; k < d->nnodes; k++) {
            np += d->nodes[k].verdict == DV_PROBLEM;
            nu += d->nodes[k].verdict == DV_UNKNOWN;
        }
        fputc('\n', fp);
        term_printf(fp, "DIAGNOSIS %s", d->name ? d->name : d->vm);
        if (d->name)
            term_printf(fp, " (%s)", d->vm);
        term_printf(fp, ": %zu problem%s, %zu unknown, %zu ok\n", np, np == 1 ? "" : "s", nu,
                    d->nnodes - np - nu);
        term_printf(fp, "  nested hypervisor: %s (%s)\n", d->nested ? "yes" : "no", d->nested_why);
        for (size_t k = 0; k < d->nevidence; k++)
            term_printf(fp, "  read: %s\n", d->evidence[k]);
        for (size_t k = 0; k < d->nnodes; k++) {
            const struct diag_node *n = &d->nodes[k];
            const char *m = mark(n->verdict, o->utf8);
            if (o->color)
                fputs(n->verdict == DV_OK        ? "\033[32m"
                      : n->verdict == DV_PROBLEM ? "\033[1;31m"
                                                 : "\033[33m",
                      fp);
            term_printf(fp, "  %s %s", m, n->id);
            if (o->color)
                fputs("\033[0m", fp);
            term_printf(fp, "%s: %s\n", n->on_branch ? " (led here)" : "", n->question);
            term_printf(fp, "      %s\n", n->answer);
            for (size_t e = 0; e < n->nevidence; e++)
                term_printf(fp, "      - %s\n", n->evidence[e]);
            for (size_t f = 0; f < n->nfixes; f++) {
                term_printf(fp, "      fix [%s] (%s):\n", n->fixes[f].tool, n->fixes[f].rule);
                print_lines(fp, "        ", n->fixes[f].text);
            }
        }
        if (d->ncauses) {
            fputs("  LIKELY CAUSES (most likely first)\n", fp);
            for (size_t k = 0; k < d->ncauses; k++) {
                term_printf(fp, "    %zu. %s: %s\n", k + 1, d->causes[k].node, d->causes[k].title);
                term_printf(fp, "       why: %s\n", d->causes[k].why);
            }
        } else {
            fputs("  LIKELY CAUSES: none found in what was given", fp);
            fputs(nu ? " (the unknown nodes say what would answer them)\n" : "\n", fp);
        }
        if (d->rerun)
            term_printf(fp, "  to answer the unknown nodes:\n    %s\n", d->rerun);
    }
}
