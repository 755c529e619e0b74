/* report_html: `--format html`, one self-contained page (no external
 * assets, no script) an admin can mail or print: the verdict first (the
 * worst finding, where, and the first thing to do), then the findings with
 * their evidence, sources and fixes, then the sections of the analyzer that
 * ran (hosts, CPU listings, crashes, dumps, log files and timeline, as the
 * text report lays them out), then the input problems. For diagnose the
 * diagnoses (the tree drawn in SVG: report_diagnose_html.c) come right after
 * the verdict.
 *
 * Everything from the input is escaped. Elements carry ids and classes
 * (`#verdict`, `.finding.level-critical`, `#crashes` ...) so the page can be
 * checked in a browser (tests/cli/t-html.sh) and restyled. */
#include "report/report.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;"
    "color:#1d1d1f}"
    "h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;border-bottom:1px solid #ccc;"
    "margin-top:2em}h3{font-size:1.05em;margin:.2em 0}"
    "#verdict{border-left:.5em solid #888;padding:.6em 1em;background:#f4f4f6}"
    "#verdict.state-CRITICAL{border-color:#c00}#verdict.state-WARNING{border-color:#d80}"
    "#verdict.state-OK{border-color:#2a2}#verdict.state-UNKNOWN{border-color:#888}"
    ".finding{border:1px solid #ddd;border-left-width:.4em;padding:.4em 1em;margin:.8em 0;"
    "break-inside:avoid}"
    ".level-critical{border-left-color:#c00}.level-high{border-left-color:#e60}"
    ".level-medium{border-left-color:#db0}.level-low{border-left-color:#39c}"
    ".level-informational{border-left-color:#aaa}"
    ".tag{font:bold 11px sans-serif;text-transform:uppercase;padding:.1em .4em;"
    "border-radius:.3em;background:#eee}"
    "pre{background:#f7f7f7;padding:.5em;overflow-x:auto;white-space:pre-wrap;"
    "word-break:break-all;font-size:12px}"
    "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;"
    "text-align:left;vertical-align:top}"
    "@media print{body{margin:0;max-width:none}pre{white-space:pre-wrap}"
    "h2{break-after:avoid}}";

static void
esc(struct buf *b, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&':
            buf_adds(b, "&amp;");
            break;
        case '<':
            buf_adds(b, "&lt;");
            break;
        case '>':
            buf_adds(b, "&gt;");
            break;
        case '"':
            buf_adds(b, "&quot;");
            break;
        default:
            buf_addc(b, *s);
        }
}

void
html_esc(struct buf *b, const char *s)
{
    esc(b, s);
}

/* A reference as a link when it is a URL (up to the first blank), else text. */
static void
reference(struct buf *b, const char *ref)
{
    if (strncmp(ref, "http://", 7) != 0 && strncmp(ref, "https://", 8) != 0) {
        esc(b, ref);
        return;
    }
    size_t n = strcspn(ref, " \t");
    char *url = xstrndup(ref, n);
    buf_adds(b, "<a href=\"");
    esc(b, url);
    buf_adds(b, "\">");
    esc(b, url);
    buf_adds(b, "</a>");
    esc(b, ref + n);
    free(url);
}

static void
verdict(struct buf *b, const struct report *r, const struct finding *const *v, int status)
{
    const char *state = report_state_name(status);
    buf_addf(b, "<section id=\"verdict\" class=\"state-%s\"><h2>Verdict: %s</h2>\n", state, state);
    const struct finding *w = r->findings.n ? v[0] : NULL;
    if (w != NULL && w->level >= LEVEL_MEDIUM) {
        buf_adds(b, "<p class=\"worst\"><span class=\"tag\">");
        esc(b, level_name(w->level));
        buf_adds(b, "</span> <strong>");
        esc(b, w->rule->title);
        buf_adds(b, "</strong> &mdash; ");
        esc(b, w->name ? w->name : w->subject);
        buf_adds(b, "</p>\n");
        if (w->nrel > 0) { /* the VMs that carry this crash's trigger */
            buf_addf(b, "<p>Carrying its trigger (%zu VM%s):</p><ul class=\"affected\">", w->nrel,
                     w->nrel == 1 ? "" : "s");
            for (size_t i = 0; i < w->nrel; i++) {
                buf_adds(b, "<li>");
                esc(b, w->rel[i].subject);
                buf_adds(b, "</li>");
            }
            buf_adds(b, "</ul>\n");
        }
        size_t others = 0;
        for (size_t i = 1; i < r->findings.n; i++)
            others += v[i]->rule == w->rule;
        if (others)
            buf_addf(b, "<p>The same finding for %zu more subject%s below.</p>\n", others,
                     others == 1 ? "" : "s");
        if (w->nfixes > 0) {
            buf_adds(b, "<p>What to do now (");
            esc(b, w->fixes[0].tool);
            buf_adds(b, "):</p><pre class=\"fix-now\">");
            esc(b, w->fixes[0].text);
            buf_adds(b, "</pre>\n");
        }
    } else {
        buf_adds(b, "<p class=\"worst\">Nothing at medium or above.</p>\n");
    }
    size_t errors = diags_count(&r->diags, DIAG_ERROR);
    if (errors)
        buf_addf(b,
                 "<p class=\"input-errors\">%zu input error%s: the result may be "
                 "incomplete (see the end of the page).</p>\n",
                 errors, errors == 1 ? "" : "s");
    buf_adds(b, "</section>\n");
}

static void
finding_html(struct buf *b, const struct finding *f)
{
    buf_addf(b, "<article class=\"finding level-%s\" data-rule=\"", level_name(f->level));
    esc(b, f->rule->id);
    buf_adds(b, "\"><h3><span class=\"tag\">");
    esc(b, level_name(f->level));
    buf_adds(b, "</span> ");
    esc(b, f->rule->title);
    buf_adds(b, "</h3>\n<p class=\"subject\">");
    esc(b, f->subject);
    if (f->name) {
        buf_adds(b, " (");
        esc(b, f->name);
        buf_adds(b, ")");
    }
    buf_adds(b, " &middot; <code>");
    esc(b, f->rule->id);
    buf_adds(b, "</code>");
    if (f->count)
        buf_addf(b, " &middot; %zu line%s", f->count, f->count == 1 ? "" : "s");
    buf_adds(b, "</p>\n");
    if (f->nev) {
        buf_adds(b, "<pre class=\"evidence\">");
        for (size_t i = 0; i < f->nev; i++) {
            if (f->ev[i].source) {
                esc(b, f->ev[i].source);
                buf_addc(b, ':');
            }
            if (f->ev[i].line)
                buf_addf(b, "%lu: ", f->ev[i].line);
            esc(b, f->ev[i].text);
            buf_addc(b, '\n');
        }
        buf_adds(b, "</pre>\n");
    }
    if (f->nrel) {
        buf_adds(b, "<p>Carrying the trigger:</p><ul class=\"related\">");
        for (size_t i = 0; i < f->nrel; i++) {
            buf_adds(b, "<li>");
            esc(b, f->rel[i].subject);
            buf_adds(b, "</li>");
        }
        buf_adds(b, "</ul>\n");
    }
    buf_adds(b, "<p class=\"why\">");
    esc(b, f->rule->description);
    buf_adds(b, "</p>\n<p class=\"sources\">Sources: ");
    for (size_t i = 0; i < f->rule->nrefs; i++) {
        if (i)
            buf_adds(b, "; ");
        reference(b, f->rule->refs[i]);
    }
    buf_adds(b, "</p>\n");
    for (size_t i = 0; i < f->nfixes; i++) {
        buf_adds(b, "<p class=\"tool\">");
        esc(b, f->fixes[i].tool);
        buf_adds(b, "</p><pre class=\"fix\">");
        esc(b, f->fixes[i].text);
        buf_adds(b, "</pre>\n");
    }
    buf_adds(b, "</article>\n");
}

/* One section holding what `print` writes for the text report. */
static void
text_section(struct buf *b, const char *id, const char *title, const struct report *r,
             void (*print)(FILE *, const struct report *, const struct report_opts *))
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem == NULL)
        return;
    struct report_opts o = {.color = false};
    print(mem, r, &o);
    fclose(mem);
    if (len > 0) {
        buf_addf(b, "<section id=\"%s\"><h2>%s</h2><pre>", id, title);
        esc(b, text);
        buf_adds(b, "</pre></section>\n");
    }
    free(text);
}

void
report_html_head(struct buf *b, const char *command, const char *extra_style)
{
    buf_addf(b,
             "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<title>vmtriage %s</title><style>%s%s</style></head><body>\n",
             command, style, extra_style);
}

int
report_html(FILE *fp, const struct report *r, int status)
{
    size_t n = r->findings.n;
    const struct finding **v = report_sorted_findings(r);

    struct buf b = BUF_INIT;
    report_html_head(&b, r->command, r->ndiagnoses ? report_html_diagnoses_style : "");
    buf_addf(&b, "<h1>vmtriage %s</h1>\n<p class=\"summary\">%zu finding%s", r->command, n,
             n == 1 ? "" : "s");
    if (r->vm_json || r->nvms)
        buf_addf(&b, ", %zu VM%s", r->nvms, r->nvms == 1 ? "" : "s");
    if (r->has_crashes)
        buf_addf(&b, ", %zu crash%s", r->ncrashes, r->ncrashes == 1 ? "" : "es");
    if (r->has_dumps)
        buf_addf(&b, ", %zu dump%s", r->ndumps, r->ndumps == 1 ? "" : "s");
    if (r->has_files)
        buf_addf(&b, ", %zu log file%s", r->nfiles, r->nfiles == 1 ? "" : "s");
    buf_adds(&b, "</p>\n");
    verdict(&b, r, v, status);
    /* the walk is diagnose's answer, its findings follow as evidence; a bundle draws the
       walks of its crashed VMs, none when no VM crashed */
    if (r->ndiagnoses)
        report_html_diagnoses(&b, r);

    buf_addf(&b, "<section id=\"findings\"><h2>Findings (%zu)</h2>\n", n);
    for (size_t i = 0; i < n; i++)
        finding_html(&b, v[i]);
    buf_adds(&b, "</section>\n");
    if (r->has_hosts)
        text_section(&b, "hosts", "Hosts", r, report_text_hosts);
    if (r->has_cpus)
        text_section(&b, "cpus", "CPU listings", r, report_text_cpus);
    if (r->has_crashes && r->ncrashes + r->nbacktraces > 0)
        text_section(&b, "crashes", "Purple screens", r, report_text_crashes);
    if (r->has_dumps)
        text_section(&b, "dumps", "Crash dumps", r, report_text_dumps);
    if (r->has_files)
        text_section(&b, "logs", "Log files and timeline", r, report_text_logs);
    if (r->diags.n) {
        buf_adds(&b, "<section id=\"errors\"><h2>Input problems</h2><ul>\n");
        for (size_t i = 0; i < r->diags.n; i++) {
            const struct diag *d = &r->diags.v[i];
            buf_addf(&b, "<li class=\"%s\">", d->level == DIAG_ERROR ? "error" : "note");
            esc(&b, d->path);
            if (d->line)
                buf_addf(&b, ":%lu", d->line);
            buf_adds(&b, ": ");
            esc(&b, d->message);
            buf_adds(&b, "</li>\n");
        }
        buf_adds(&b, "</ul></section>\n");
    }
    buf_adds(&b, "</body></html>\n");
    fputs(buf_str(&b), fp);
    buf_release(&b);
    free(v);
    return ferror(fp) ? -1 : 0;
}
