/* diagnose_stop: where a walk's stop code comes from (--stop-code, a dump, a
 * console stop line, the VM's own vmware.log) and the dump rules it meets
 * as a dump that holds only its code. See diagnose_parts.h. */
#include "cmd/diagnose_parts.h"
#include "parse/console/console.h"
#include "parse/dump/bugcheck.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

void
audit_stop(const struct ruleset *rules, struct diag_stop *st, struct findings *out,
           struct diags *d)
{
    st->dump = (struct crash_dump){
        .format = DUMP_FORMAT_KERNEL64, .has_bugcheck = true, .bugcheck = st->code};
    dump_view_init(&st->view, &st->dump, st->subject);
    st->has_view = true;
    struct buf b = BUF_INIT;
    const char *nm = bugcheck_name(st->code);
    buf_addf(&b, "stop code 0x%08X %s (%s)", st->code, nm ? nm : "", st->from);
    audit_dump(rules, &st->view, b.p, out);
    rule_re_report(d, st->subject, 0);
    buf_release(&b);
}

void
stop_set(struct diag_stop *st, uint32_t code, char *where)
{
    st->has = true;
    st->code = code;
    st->subject = where;
    st->from = xstrdup(where);
}

void
stop_release(struct diag_stop *st)
{
    if (st->has_view)
        dump_view_release(&st->view);
    free(st->from);
    free(st->subject);
    *st = (struct diag_stop){0};
}

bool
log_stop(const struct findings *fs, size_t from, const char *folder, struct diag_stop *st)
{
    for (size_t i = from; i < fs->n; i++)
        for (size_t k = 0; (!folder || strcmp(fs->v[i].subject, folder) == 0) && k < fs->v[i].nev;
             k++) {
            const struct evidence *e = &fs->v[i].ev[k];
            uint32_t code;
            if (e->text && strstr(e->text, "WinBSOD") &&
                stopcode_parse(e->text, strlen(e->text), &code) == 0) {
                stop_set(st, code,
                         xasprintf("%s:%lu", e->source ? e->source : fs->v[i].subject, e->line));
                return true;
            }
        }
    return false;
}

