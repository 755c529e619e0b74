/* report_diagnose_csv: `diagnose --format csv`, the walk as a table for a
 * spreadsheet (RFC 4180, cells through csv_cell: quoted, formula-looking text
 * defused, control characters escaped).
 *
 * One header, then per VM (in the order given) one `node` row per tree node
 * in walk order, then one `cause` row per likely cause, most likely first.
 * Columns: kind,vm,name,node,verdict,on_branch,answer,evidence,fix_rules,
 * rank,title,why. A node row leaves rank, title and why empty; a cause row
 * fills node (the cause's node), rank, title and why and leaves the rest
 * empty. evidence is the node's lines joined by " | ", fix_rules the rules
 * whose fix applies, each once, joined by a space. */
#include "report/csv_cell.h"
#include "report/report.h"
#include "util/util_buf.h"

#include <string.h>

int
report_csv_diagnoses(FILE *fp, const struct report *r)
{
    fputs("kind,vm,name,node,verdict,on_branch,answer,evidence,fix_rules,rank,title,why\r\n", fp);
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < r->ndiagnoses; i++) {
        const struct diagnosis *d = r->diagnoses[i];
        for (size_t k = 0; k < d->nnodes; k++) {
            const struct diag_node *n = &d->nodes[k];
            csv_cell(fp, "node", false);
            csv_cell(fp, d->vm, false);
            csv_cell(fp, d->name, false);
            csv_cell(fp, n->id, false);
            csv_cell(fp, diag_verdict_name(n->verdict), false);
            csv_cell(fp, n->on_branch ? "true" : "false", false);
            csv_cell(fp, n->answer, false);
            buf_reset(&b);
            for (size_t e = 0; e < n->nevidence; e++)
                buf_addf(&b, "%s%s", e ? " | " : "", n->evidence[e]);
            csv_cell(fp, buf_str(&b), false);
            buf_reset(&b);
            for (size_t f = 0; f < n->nfixes; f++) {
                bool seen = false;
                for (size_t g = 0; g < f && !seen; g++)
                    seen = strcmp(n->fixes[g].rule, n->fixes[f].rule) == 0;
                if (!seen)
                    buf_addf(&b, "%s%s", b.len ? " " : "", n->fixes[f].rule);
            }
            csv_cell(fp, buf_str(&b), false);
            csv_cell(fp, NULL, false);
            csv_cell(fp, NULL, false);
            csv_cell(fp, NULL, true);
        }
        for (size_t k = 0; k < d->ncauses; k++) {
            char rank[24];
            snprintf(rank, sizeof(rank), "%zu", k + 1);
            csv_cell(fp, "cause", false);
            csv_cell(fp, d->vm, false);
            csv_cell(fp, d->name, false);
            csv_cell(fp, d->causes[k].node, false);
            for (int e = 0; e < 5; e++) /* verdict .. fix_rules: the node rows hold them */
                csv_cell(fp, NULL, false);
            csv_cell(fp, rank, false);
            csv_cell(fp, d->causes[k].title, false);
            csv_cell(fp, d->causes[k].why, true);
        }
    }
    buf_release(&b);
    return ferror(fp) ? -1 : 0;
}
