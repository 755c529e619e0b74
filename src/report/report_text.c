/* report_text: what an admin reads in a terminal: the decoded crashes first
 * (report_crash.c), an aligned table of findings (colour only on a terminal,
 * never with NO_COLOR), then per rule its why, its sources and the fix. The
 * CLI prints the input problems after it. */
#include "report/report.h"
#include "report/report_fit.h"
#include "report/report_text.h"
#include "util/util_term.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

static const char *const level_color[] = {"\033[2m", "\033[36m", "\033[33m", "\033[1;33m",
                                          "\033[1;31m"};

static void
pad(FILE *fp, const char *s, size_t w)
{
    term_puts(s, fp);
    for (size_t n = fit_width_escaped(s); n < w; n++)
        fputc(' ', fp);
}

/* The devices and their evidence, e.g. "ethernet0: ethernet0.virtualDev = "e1000" (line 12)". */
char *
text_detail(const struct finding *f)
{
    struct buf b = BUF_INIT;
    if (f->count) { /* a log finding: how many lines, when, and what they name */
        char a[25], z[25];
        report_short_time(a, f->has_time, f->first_ms);
        report_short_time(z, f->has_time, f->last_ms);
        buf_addf(&b, "%zu line%s", f->count, f->count == 1 ? "" : "s");
        if (f->has_time && f->first_ms == f->last_ms)
            buf_addf(&b, ", %s", a);
        else if (f->has_time)
            buf_addf(&b, ", %s .. %s", a, z);
        size_t shown = 0;
        for (int k = 0; k < INV__COUNT; k++)
            for (size_t i = 0; i < f->involved[k].n && shown < 4; i++)
                buf_addf(&b, "%s%s", shown++ ? ", " : "; ", f->involved[k].v[i]);
        return buf_detach(&b);
    }
    for (size_t i = 0; i < f->ndevices; i++)
        buf_addf(&b, "%s%s", i ? "," : "", f->devices[i]);
    for (size_t i = 0; i < f->nev && i < 3; i++) {
        const char *t = f->ev[i].text;
        while (*t == ' ' || *t == '\t')
            t++;
        if (f->ev[i].line > 0)
            buf_addf(&b, "%sline %lu: %s", b.len ? "; " : "", f->ev[i].line, t);
        else /* the whole file is the evidence (a dump) */
            buf_addf(&b, "%s%s", b.len ? "; " : "", t);
    }
    if (f->nev > 3)
        buf_addf(&b, "; +%zu lines", f->nev - 3);
    return buf_detach(&b);
}

static const char *
subject_label(const struct finding *f, struct buf *b)
{
    buf_reset(b);
    buf_adds(b, f->subject);
    if (f->name)
        buf_addf(b, " (%s)", f->name);
    return buf_str(b);
}

static int
cmp_level_desc(const void *a, const void *b)
{
    const struct finding *x = *(const struct finding *const *)a;
    const struct finding *y = *(const struct finding *const *)b;
    if (x->level != y->level)
        return (int)y->level - (int)x->level;
    int c = strcmp(x->rule->id, y->rule->id);
    return c ? c : strcmp(x->subject, y->subject);
}

const struct finding **
report_sorted_findings(const struct report *r)
{
    size_t n = r->findings.n;
    const struct finding **v = xcalloc(n ? n : 1, sizeof(*v));
    for (size_t i = 0; i < n; i++)
        v[i] = &r->findings.v[i];
    qsort(v, n, sizeof(*v), cmp_level_desc);
    return v;
}

const char *
report_state_name(int status)
{
    static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    return names[status < 0 || status > 3 ? 3 : status];
}

void
text_table_init(struct text_table *t, const char *subject_head)
{
    t->wl = strlen("LEVEL");
    t->wr = strlen("RULE");
    t->wv = strlen(subject_head);
}

void
text_table_measure(struct text_table *t, const struct finding *f, struct buf *lab)
{
    size_t l = strlen(level_name(f->level)), r = strlen(f->rule->id);
    size_t v = fit_width_escaped(subject_label(f, lab));
    t->wl = l > t->wl ? l : t->wl;
    t->wr = r > t->wr ? r : t->wr;
    t->wv = v > t->wv ? v : t->wv;
}

void
text_table_head(FILE *fp, const struct text_table *t, const char *subject_head,
                const struct report_opts *o)
{
    fputc('\n', fp);
    pad(fp, "LEVEL", t->wl + 2);
    pad(fp, "RULE", t->wr + 2);
    if (o->width) {
        term_printf(fp, "%s\n", subject_head);
        return;
    }
    pad(fp, subject_head, t->wv + 2);
    fputs("DETAIL\n", fp);
}

/* A table row's level (coloured on a terminal) and rule columns. */
static void
row_start(FILE *fp, enum level level, const char *rule, const struct text_table *t,
          const struct report_opts *o)
{
    if (o->color)
        fputs(level_color[level], fp);
    pad(fp, level_name(level), t->wl + 2);
    if (o->color)
        fputs("\033[0m", fp);
    pad(fp, rule, t->wr + 2);
}

/* With whole lines (piped, files): one line per finding. Fitted to a
 * terminal: a line with its level, rule and the VM's name (or the subject),
 * then the subject's path elided in the middle and the detail wrapped, both
 * indented under the rule. */
void
text_table_row(FILE *fp, const struct text_table *t, enum level level, const char *rule,
               const char *subject, const char *name, const char *detail, struct buf *scratch,
               const struct report_opts *o)
{
    row_start(fp, level, rule, t, o);
    buf_reset(scratch);
    if (o->width == 0) {
        buf_adds(scratch, subject);
        if (name)
            buf_addf(scratch, " (%s)", name);
        pad(fp, buf_str(scratch), t->wv + 2);
        term_printf(fp, "%s\n", detail);
        return;
    }
    size_t indent_w = t->wl + 2; /* path and detail under the rule's column start */
    report_fit_path(fp, name ? name : subject, o->width, t->wl + t->wr + 4);
    fputc('\n', fp);
    if (name) {
        fprintf(fp, "%*s", (int)indent_w, "");
        report_fit_path(fp, subject, o->width, indent_w);
        fputc('\n', fp);
    }
    if (*detail) {
        char *indent = xmalloc(indent_w + 1);
        memset(indent, ' ', indent_w);
        indent[indent_w] = '\0';
        term_escape(scratch, detail);
        fputs(indent, fp);
        fit_wrap(fp, indent_w, indent, buf_str(scratch), o->width);
        free(indent);
    }
}

/* "  Label: text" with already escaped text, wrapped under the label on a
 * terminal (width > 0), whole otherwise. */
static void
labelled(FILE *fp, const char *label, const char *escaped, size_t width)
{
    fputs(label, fp);
    if (width) {
        fputc(' ', fp);
        fit_wrap(fp, strlen(label) + 1, "    ", escaped, width);
    } else {
        fprintf(fp, " %s\n", escaped);
    }
}

/* Prose (a description, vSphere Client steps): as written (indented) when lines are whole, else its
 * paragraphs (split at blank lines) re-wrapped to the terminal. */
static void
print_prose(FILE *fp, const char *indent, const char *text, size_t w)
{
    if (w == 0) {
        term_print_lines(fp, indent, text);
        return;
    }
    struct buf e = BUF_INIT;
    for (const char *p = text; *p;) {
        const char *brk = strstr(p, "\n\n");
        size_t len = brk ? (size_t)(brk - p) : strlen(p);
        char *para = xstrndup(p, len);
        for (char *nl = para; (nl = strchr(nl, '\n')) != NULL;)
            *nl = ' ';
        buf_reset(&e);
        term_escape(&e, para);
        free(para);
        fputs(indent, fp);
        fit_wrap(fp, strlen(indent), indent, buf_str(&e), w);
        p += len;
        while (*p == '\n')
            p++;
    }
    buf_release(&e);
}

/* The summary line ("vmtriage scan: 3 VMs, 2 findings, ..."), wrapped on a
 * terminal; `n` findings of which counts[level] at each level. */
int
text_summary(FILE *fp, const struct report *r, size_t n, const size_t counts[5],
             const struct report_opts *o)
{
    char *sum = NULL;
    size_t sum_len = 0;
    FILE *sf = open_memstream(&sum, &sum_len);
    if (sf == NULL)
        return -1;
    term_printf(sf, "vmtriage %s: ", r->command);
    if (r->has_crashes)
        term_printf(sf, "%zu crash%s, %zu non-fatal backtrace%s", r->ncrashes,
                    r->ncrashes == 1 ? "" : "es", r->nbacktraces + r->backtraces_dropped,
                    r->nbacktraces + r->backtraces_dropped == 1 ? "" : "s");
    if (r->has_files)
        term_printf(sf, ", %zu file%s", r->nfiles, r->nfiles == 1 ? "" : "s");
    if (r->has_cpus && r->ncpus == 1) /* the verdict first */
        term_printf(sf, "%s; 1 listing", r->cpus[0].verdict);
    else if (r->has_cpus)
        term_printf(sf, "%zu listings", r->ncpus);
    else if (r->has_dumps && !r->has_hosts)
        term_printf(sf, "%zu dump%s", r->ndumps, r->ndumps == 1 ? "" : "s");
    else if (r->has_hosts && !r->has_crashes) /* vcenter: hosts and VMs */
        term_printf(sf, "%zu host%s, %zu VM%s", r->nhosts, r->nhosts == 1 ? "" : "s", r->nvms,
                    r->nvms == 1 ? "" : "s");
    else if (r->has_hosts) /* bundle: after the crashes and files */
        term_printf(sf, ", %zu dump%s, %zu VM%s", r->ndumps, r->ndumps == 1 ? "" : "s", r->nvms,
                    r->nvms == 1 ? "" : "s");
    else if (!r->has_crashes || r->nvms)
        term_printf(sf, "%s%zu VM%s", r->has_crashes ? ", " : "", r->nvms, r->nvms == 1 ? "" : "s");
    if (r->templates)
        term_printf(sf, " (%zu template%s)", r->templates, r->templates == 1 ? "" : "s");
    term_printf(sf, ", %zu finding%s", n, n == 1 ? "" : "s");
    for (int l = LEVEL_CRITICAL; l >= LEVEL_INFORMATIONAL; l--)
        if (counts[l])
            term_printf(sf, ", %zu %s", counts[l], level_name((enum level)l));
    if (r->not_vmware)
        term_printf(sf, "; %zu .vmx not a VMware config", r->not_vmware);
    if (r->encrypted)
        term_printf(sf, "; %zu encrypted VM config%s not audited", r->encrypted,
                    r->encrypted == 1 ? "" : "s");
    if (r->aliases)
        term_printf(sf, "; %zu duplicate path%s via symlinks skipped", r->aliases,
                    r->aliases == 1 ? "" : "s");
    fclose(sf);
    if (o->width)
        fit_wrap(fp, 0, "  ", sum, o->width);
    else
        fprintf(fp, "%s\n", sum); /* escaped as it was written */
    free(sum);
    return 0;
}

/* The head of the findings table: the first finding of the rule (level,
 * rule, title ...), its why, sources and the fix shown for it; then the
 * example lines of the section's log findings v[0..nv) and the VMs that
 * carry the trigger. `affected`: its findings. */
void
text_rule_section(FILE *fp, const struct report *r, const struct finding *const *v, size_t nv,
                  size_t affected, const struct report_opts *o)
{
    struct buf lab = BUF_INIT;
    fputc('\n', fp);
    if (o->color)
        fputs(level_color[v[0]->level], fp);
    term_printf(fp, "%s %s", level_name(v[0]->level), v[0]->rule->id);
    if (o->color)
        fputs("\033[0m", fp);
    {
        const char *what = r->has_crashes ? NULL
                           : r->has_dumps ? "dump"
                           : r->has_cpus  ? "listing"
                                          : "VM";
        struct buf head = BUF_INIT;
        term_escape(&head, v[0]->rule->title);
        /* the SCSI status and sense in words, when the example lines share them */
        const char *dec = v[0]->nev ? v[0]->ev[0].decoded : NULL;
        for (size_t e = 1; dec && e < v[0]->nev; e++)
            if (v[0]->ev[e].decoded == NULL || strcmp(v[0]->ev[e].decoded, dec) != 0)
                dec = NULL;
        if (dec) {
            buf_adds(&head, ": ");
            term_escape(&head, dec);
        }
        if (what)
            buf_addf(&head, " (%zu %s%s)", affected, what, affected == 1 ? "" : "s");
        fputs(": ", fp);
        if (o->width)
            fit_wrap(fp, fit_width(level_name(v[0]->level)) + 3 + strlen(v[0]->rule->id),
                     "  ", buf_str(&head), o->width);
        else
            fprintf(fp, "%s\n", buf_str(&head));
        buf_release(&head);
    }
    print_prose(fp, "  ", v[0]->rule->description, o->width);
    struct buf src = BUF_INIT;
    for (size_t k = 0; k < v[0]->rule->nrefs; k++) {
        buf_adds(&src, k ? "; " : "");
        term_escape(&src, v[0]->rule->refs[k]);
    }
    labelled(fp, "  Sources:", buf_str(&src), o->width);
    buf_release(&src);
    if (v[0]->fix_note) {
        struct buf fx = BUF_INIT;
        term_escape(&fx, v[0]->fix_note);
        labelled(fp, "  Fixed:", buf_str(&fx), o->width);
        buf_release(&fx);
    }
    fputs("  Fix (shown for ", fp);
    report_fit_path(fp, o->width && v[0]->name ? v[0]->name : subject_label(v[0], &lab),
                    o->width, 20);
    fputs("):\n", fp);
    for (size_t k = 0; k < v[0]->nfixes; k++) {
        term_printf(fp, "    [%s]\n", v[0]->fixes[k].tool);
        if (strcmp(v[0]->fixes[k].tool, "vsphere_client") == 0) /* words, not commands */
            print_prose(fp, "      ", v[0]->fixes[k].text, o->width);
        else /* commands stay whole lines, to paste */
            term_print_lines(fp, "      ", v[0]->fixes[k].text);
    }
    bool headed = false;
    for (size_t k = 0; k < nv; k++)
        for (size_t e = 0; v[k]->count && e < v[k]->nev; e++) {
            if (!headed)
                fputs("  Example lines:\n", fp);
            term_printf(fp, "    %s:%lu: %s\n",
                        v[k]->ev[e].source ? v[k]->ev[e].source : v[k]->subject,
                        v[k]->ev[e].line, v[k]->ev[e].text);
            if (v[k]->ev[e].decoded)
                term_printf(fp, "      (%s)\n", v[k]->ev[e].decoded);
            headed = true;
        }
    for (size_t k = 0; k < v[0]->nrel; k++) {
        if (k == 0)
            fputs("  VMs that carry the trigger:\n", fp);
        fputs("    ", fp);
        report_fit_path(fp, v[0]->rel[k].subject, o->width, 7 + strlen(v[0]->rel[k].rule));
        term_printf(fp, " (%s)\n", v[0]->rel[k].rule);
    }
    buf_release(&lab);
}

/* The sections after the summary that commands other than scan have. */
void
text_sections(FILE *fp, const struct report *r, const struct report_opts *o)
{
    if (r->has_hosts)
        report_text_hosts(fp, r, o);
    if (r->has_files)
        report_text_logs(fp, r, o);
    if (r->has_crashes)
        report_text_crashes(fp, r, o);
    if (r->has_dumps)
        report_text_dumps(fp, r, o);
    if (r->has_cpus)
        report_text_cpus(fp, r, o);
    if (r->has_diagnoses)
        report_text_diagnoses(fp, r, o);
}

const char *
text_subject_head(const struct report *r)
{
    return r->has_crashes || r->has_dumps || r->has_cpus ? "SUBJECT" : "VM";
}

int
report_text(FILE *fp, const struct report *r, const struct report_opts *o)
{
    size_t n = r->findings.n;
    size_t counts[5] = {0};
    for (size_t i = 0; i < n; i++)
        counts[r->findings.v[i].level]++;
    if (text_summary(fp, r, n, counts, o) != 0)
        return -1;
    text_sections(fp, r, o);
    if (n == 0)
        return ferror(fp) ? -1 : 0;

    const struct finding **v = report_sorted_findings(r);
    const char *subject_head = text_subject_head(r);
    struct text_table t;
    struct buf lab = BUF_INIT;
    text_table_init(&t, subject_head);
    for (size_t i = 0; i < n; i++)
        text_table_measure(&t, v[i], &lab);
    text_table_head(fp, &t, subject_head, o);
    for (size_t i = 0; i < n; i++) {
        char *d = text_detail(v[i]);
        text_table_row(fp, &t, v[i]->level, v[i]->rule->id, v[i]->subject, v[i]->name, d, &lab, o);
        free(d);
    }
    buf_release(&lab);
    /* Per rule: why, sources, and the fix shown for its first VM. */
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && v[i - 1]->rule == v[i]->rule)
            continue;
        size_t affected = 0;
        for (size_t k = i; k < n && v[k]->rule == v[i]->rule; k++)
            affected++;
        text_rule_section(fp, r, v + i, affected, affected, o);
    }
    free(v);
    return ferror(fp) ? -1 : 0;
}
