/* report_nagios: `--format nagios`, so any command runs as an Icinga/Nagios
 * check (monitoring plugin API, kb/vsphere-api-and-peers.md §4).
 *
 * The first line is `VMTRIAGE <STATUS> - <summary> | <perfdata>`; the long
 * output that follows lists the findings (worst first) and the input errors,
 * one per line. The status word is the exit status vmtriage returns anyway:
 * 0 OK, 1 WARNING (medium or high), 2 CRITICAL, 3 UNKNOWN (could not run).
 * Perfdata labels are short (RRD wants under 19 characters); counts have no
 * unit; `critical` is critical above 0 and `high`/`medium` warn above 0, in
 * the plugin guidelines' range format. '|' in any text becomes '/', since it
 * would start perfdata.
 *
 * diagnose adds its walk: the summary names how many nodes are problems and
 * the first VM's most likely cause, the perfdata counts the nodes of every VM
 * by verdict (problem warns above 0, as high and medium do; unknown, ok), and
 * the long output lists the problem nodes (VM, node, answer) before the
 * findings. Its status is the exit status as for every command (cli.c: a
 * problem node is at least WARNING, nothing read at all UNKNOWN). */
#include "report/report.h"
#include "util/util_term.h"
#include "util/util_buf.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LONG_LINES 100

/* Appends s with '|' and line ends replaced. */
static void
add_clean(struct buf *b, const char *s)
{
    struct buf t = BUF_INIT;
    term_escape(&t, s ? s : ""); /* no control character, so one line */
    for (size_t i = 0; i < t.len; i++)
        buf_addc(b, t.p[i] == '|' ? '/' : t.p[i]);
    buf_release(&t);
}

int
report_nagios(FILE *fp, const struct report *r, int status)
{
    size_t n = r->findings.n, counts[LEVEL_CRITICAL + 1] = {0};
    const struct finding **v = report_sorted_findings(r);
    for (size_t i = 0; i < n; i++)
        counts[v[i]->level]++;
    size_t errors = diags_count(&r->diags, DIAG_ERROR);

    struct buf b = BUF_INIT;
    buf_addf(&b, "VMTRIAGE %s - %s: ", report_state_name(status), r->command);
    if (n == 0)
        buf_adds(&b, "no findings");
    for (int l = LEVEL_CRITICAL, first = 1; l >= LEVEL_LOW; l--)
        if (counts[l]) {
            buf_addf(&b, "%s%zu %s", first ? "" : ", ", counts[l], level_name((enum level)l));
            first = 0;
        }
    if (n > 0 && v[0]->level >= LEVEL_MEDIUM) { /* the worst one, named */
        buf_adds(&b, "; ");
        add_clean(&b, v[0]->rule->title);
        buf_adds(&b, " (");
        add_clean(&b, v[0]->name ? v[0]->name : v[0]->subject);
        buf_adds(&b, ")");
    }
    size_t dv[3] = {0};
    diagnoses_count(r, dv);
    if (r->ndiagnoses) { /* a bundle without a crashed VM has no walk to speak of */
        buf_addf(&b, "; %zu problem node%s", dv[DV_PROBLEM], dv[DV_PROBLEM] == 1 ? "" : "s");
        for (size_t i = 0; i < r->ndiagnoses; i++)
            if (r->diagnoses[i]->ncauses) { /* the first VM's most likely cause */
                const struct diagnosis *d = r->diagnoses[i];
                buf_adds(&b, ", most likely ");
                add_clean(&b, d->causes[0].node);
                buf_adds(&b, " (");
                add_clean(&b, d->name ? d->name : d->vm);
                buf_adds(&b, "): ");
                add_clean(&b, d->causes[0].title);
                break;
            }
    }
    if (errors)
        buf_addf(&b, "; %zu input error%s", errors, errors == 1 ? "" : "s");
    buf_addf(&b,
             " | findings=%zu;;;0; critical=%zu;;0;0; high=%zu;0;;0; medium=%zu;0;;0; "
             "low=%zu;;;0; errors=%zu;;;0;",
             n, counts[LEVEL_CRITICAL], counts[LEVEL_HIGH], counts[LEVEL_MEDIUM], counts[LEVEL_LOW],
             errors);
    if (r->vm_json || r->nvms)
        buf_addf(&b, " vms=%zu;;;0;", r->nvms);
    if (r->has_crashes)
        buf_addf(&b, " crashes=%zu;;;0;", r->ncrashes);
    if (r->has_dumps)
        buf_addf(&b, " dumps=%zu;;;0;", r->ndumps);
    if (r->has_diagnoses)
        buf_addf(&b, " problem=%zu;0;;0; unknown=%zu;;;0; ok=%zu;;;0;", dv[DV_PROBLEM],
                 dv[DV_UNKNOWN], dv[DV_OK]);
    buf_addc(&b, '\n');

    size_t lines = 0;
    for (size_t i = 0; i < r->ndiagnoses; i++)
        for (size_t k = 0; k < r->diagnoses[i]->nnodes; k++) {
            const struct diagnosis *d = r->diagnoses[i];
            if (d->nodes[k].verdict != DV_PROBLEM || lines >= MAX_LONG_LINES)
                continue;
            buf_adds(&b, "problem ");
            add_clean(&b, d->nodes[k].id);
            buf_adds(&b, ": ");
            add_clean(&b, d->name ? d->name : d->vm);
            buf_adds(&b, " - ");
            add_clean(&b, d->nodes[k].answer);
            buf_addc(&b, '\n');
            lines++;
        }
    for (size_t i = 0; i < n && lines < MAX_LONG_LINES; i++, lines++) {
        buf_addf(&b, "%s %s: ", level_name(v[i]->level), v[i]->rule->id);
        add_clean(&b, v[i]->name ? v[i]->name : v[i]->subject);
        if (v[i]->count)
            buf_addf(&b, " (%zu line%s)", v[i]->count, v[i]->count == 1 ? "" : "s");
        buf_adds(&b, " - ");
        add_clean(&b, v[i]->rule->title);
        buf_addc(&b, '\n');
    }
    for (size_t i = 0; i < r->diags.n && lines < MAX_LONG_LINES; i++) {
        const struct diag *d = &r->diags.v[i];
        if (d->level != DIAG_ERROR)
            continue;
        buf_adds(&b, "error ");
        add_clean(&b, d->path);
        if (d->line)
            buf_addf(&b, ":%lu", d->line);
        buf_adds(&b, ": ");
        add_clean(&b, d->message);
        buf_addc(&b, '\n');
        lines++;
    }
    size_t total = n + errors + dv[DV_PROBLEM];
    if (total > lines)
        buf_addf(&b, "... %zu more (see --format text)\n", total - lines);
    fputs(buf_str(&b), fp);
    buf_release(&b);
    free(v);
    return ferror(fp) ? -1 : 0;
}
