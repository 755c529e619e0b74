/* report_diagnose_html: the diagnoses of `vmtriage diagnose` on the HTML page.
 *
 * report_html.c assembles the page; this writes its `#diagnoses` section: per
 * VM what was read, the decision tree drawn as a diagram in inline SVG (no
 * script, nothing fetched), then each node's details (answer, evidence, the
 * fix per tool) and the likely causes ranked.
 *
 * The diagram: one box per node in walk order (as the text and JSON list
 * them: stop-code, the nodes the evidence led to, then the rest), each
 * coloured by its verdict and, so that colour is never the only cue, marked
 * ✔ / ✘ / ? with the verdict's name, ok boxes drawn thin, problem boxes thick,
 * unknown boxes dashed; a legend says so. Consecutive boxes are joined by
 * grey edges (the order of the walk).
 *
 * "The path the evidence took": the walk starts at the stop-code node (what
 * stopped the guest); the stop code's branch in data/diagnose_tree.tsv and
 * the console messages lead from there to the nodes they name (the nodes
 * with on_branch, which the walk visits first). The path is those nodes plus
 * the stop-code node, outlined in blue, and one blue edge from the stop-code
 * node to each of them. With no node on_branch there is no path.
 *
 * Every string from the input is escaped twice over: control characters,
 * bidi overrides and bytes that are not UTF-8 as the text report shows them
 * (term_escape), then & < > " for HTML, which is also what SVG <text> needs
 * inside an HTML page. A question or answer too long for its box is cut at a
 * character boundary with "…"; the full text is the box's <title> (the
 * tooltip). Elements carry classes and data-id so that a browser test
 * (tests/cli/t-diagnose-formats.sh) can read the diagram. */
#include "report/report.h"
#include "util/util_buf.h"
#include "util/util_term.h"
#include "util/util_utf8.h"

#include <string.h>

/* layout, in SVG user units (px at 100%) */
#define SVG_W 800
#define BOX_X 150 /* room on the left for the path's edges */
#define BOX_W 630
#define BOX_H 62
#define GAP 18
#define TOP 64 /* below the legend */
#define QUESTION_CHARS 86
#define ANSWER_CHARS 92

/* term_escape, then HTML-escaped. */
static void
text(struct buf *b, const char *s)
{
    struct buf t = BUF_INIT;
    term_escape(&t, s ? s : "");
    html_esc(b, buf_str(&t));
    buf_release(&t);
}

/* The same, cut after `max` characters (a stray byte counts as one) with "…". */
static void
text_cut(struct buf *b, const char *s, size_t max)
{
    struct buf t = BUF_INIT;
    term_escape(&t, s ? s : "");
    const unsigned char *p = (const unsigned char *)buf_str(&t);
    size_t i = 0, chars = 0;
    while (p[i] && chars < max) {
        unsigned cp;
        size_t n = utf8_decode(p + i, &cp);
        i += n ? n : 1;
        chars++;
    }
    if (p[i] == '\0') {
        html_esc(b, (const char *)p);
    } else {
        /* one character fewer, to make room for the ellipsis */
        size_t j = 0, k = 0;
        while (k + 1 < max) {
            unsigned cp;
            size_t n = utf8_decode(p + j, &cp);
            j += n ? n : 1;
            k++;
        }
        struct buf c = BUF_INIT;
        buf_add(&c, p, j);
        html_esc(b, buf_str(&c));
        buf_adds(b, "\xe2\x80\xa6");
        buf_release(&c);
    }
    buf_release(&t);
}

const char report_html_diagnoses_style[] =
    ".diagram{overflow-x:auto}.diagram svg{max-width:100%;height:auto}"
    ".node-detail{border:1px solid #ddd;border-left-width:.4em;padding:.3em 1em;margin:.6em 0;"
    "break-inside:avoid}h4{margin:.4em 0}"
    ".node-detail.verdict-ok{border-left-color:#2a8a3a}"
    ".node-detail.verdict-problem{border-left-color:#c00000}"
    ".node-detail.verdict-unknown{border-left-color:#b07800;border-left-style:dashed}";

static const char *
mark(enum diag_verdict v)
{
    return v == DV_OK ? "\xe2\x9c\x94" : v == DV_PROBLEM ? "\xe2\x9c\x98" : "?";
}

/* fill, stroke, stroke width, dash pattern ("" none) per verdict */
static const struct {
    const char *fill, *stroke, *width, *dash;
} look[] = {[DV_OK] = {"#e7f5e9", "#2a8a3a", "1.5", ""},
            [DV_PROBLEM] = {"#fde7e7", "#c00000", "3.5", ""},
            [DV_UNKNOWN] = {"#fff5d6", "#b07800", "2", "6 4"}};

static void
rect(struct buf *b, const char *cls, int x, int y, int w, int h, enum diag_verdict v)
{
    buf_addf(b,
             "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" "
             "fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"",
             cls, x, y, w, h, look[v].fill, look[v].stroke, look[v].width);
    if (*look[v].dash)
        buf_addf(b, " stroke-dasharray=\"%s\"", look[v].dash);
    buf_adds(b, "/>");
}

static void
legend(struct buf *b)
{
    static const enum diag_verdict order[] = {DV_OK, DV_PROBLEM, DV_UNKNOWN};
    buf_adds(b, "<g class=\"legend\">");
    int x = 10;
    for (size_t i = 0; i < 3; i++) {
        enum diag_verdict v = order[i];
        rect(b, "legend-box", x, 10, 130, 28, v);
        buf_addf(b, "<text x=\"%d\" y=\"29\" font-size=\"14\" fill=\"%s\">%s %s</text>", x + 10,
                 look[v].stroke, mark(v), diag_verdict_name(v));
        x += 145;
    }
    buf_addf(b,
             "<rect x=\"%d\" y=\"6\" width=\"150\" height=\"36\" rx=\"8\" fill=\"none\" "
             "stroke=\"#1559b7\" stroke-width=\"3\"/><text x=\"%d\" y=\"29\" font-size=\"13\" "
             "fill=\"#1559b7\">the evidence's path</text>",
             x, x + 12);
    buf_adds(b, "</g>\n");
}

static int
box_y(size_t k)
{
    return TOP + (int)k * (BOX_H + GAP);
}

static bool
on_path(const struct diagnosis *d, size_t k, size_t root, bool any)
{
    return any && (k == root || d->nodes[k].on_branch);
}

static void
diagram(struct buf *b, const struct diagnosis *d, size_t di)
{
    size_t root = d->nnodes; /* the stop-code node, where the walk starts */
    bool any = false;        /* a node the evidence led to */
    for (size_t k = 0; k < d->nnodes; k++) {
        if (strcmp(d->nodes[k].id, "stop-code") == 0 && root == d->nnodes)
            root = k;
        any |= d->nodes[k].on_branch;
    }
    any &= root < d->nnodes;
    int h = box_y(d->nnodes) + 4;
    buf_addf(b,
             "<svg class=\"tree\" viewBox=\"0 0 %d %d\" "
             "width=\"%d\" height=\"%d\" role=\"img\" font-family=\"system-ui,sans-serif\">",
             SVG_W, h, SVG_W, h);
    buf_adds(b, "<title>The decision tree walked for ");
    text(b, d->name ? d->name : d->vm);
    buf_adds(b, "</title>\n");
    buf_addf(b,
             "<defs><marker id=\"arrow-%zu\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
             "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 "
             "10z\" fill=\"#888\"/></marker><marker id=\"arrow-path-%zu\" viewBox=\"0 0 10 10\" "
             "refX=\"9\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path "
             "d=\"M0 0L10 5L0 10z\" fill=\"#1559b7\"/></marker></defs>\n",
             di, di);
    legend(b);
    /* the walk's order */
    for (size_t k = 1; k < d->nnodes; k++) {
        int x = BOX_X + BOX_W / 2, y0 = box_y(k - 1) + BOX_H, y1 = box_y(k) - 1;
        buf_adds(b, "<line class=\"edge walk\" data-from=\"");
        text(b, d->nodes[k - 1].id);
        buf_adds(b, "\" data-to=\"");
        text(b, d->nodes[k].id);
        buf_addf(b,
                 "\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\" stroke-width=\"1.5\" "
                 "marker-end=\"url(#arrow-%zu)\"/>\n",
                 x, y0, x, y1, di);
    }
    /* the path: from the stop-code node to each node the evidence led to */
    for (size_t k = 0; any && k < d->nnodes; k++) {
        if (k == root || !d->nodes[k].on_branch)
            continue;
        int ys = box_y(root) + BOX_H / 2, yk = box_y(k) + BOX_H / 2;
        int bend = BOX_X - 30 - (int)(k % 6) * 18;
        buf_adds(b, "<path class=\"edge path\" data-from=\"");
        text(b, d->nodes[root].id);
        buf_adds(b, "\" data-to=\"");
        text(b, d->nodes[k].id);
        buf_addf(b,
                 "\" d=\"M%d %d C%d %d %d %d %d %d\" fill=\"none\" stroke=\"#1559b7\" "
                 "stroke-width=\"3\" marker-end=\"url(#arrow-path-%zu)\"/>\n",
                 BOX_X - 6, ys, bend, ys, bend, yk, BOX_X - 8, yk, di);
    }
    for (size_t k = 0; k < d->nnodes; k++) {
        const struct diag_node *n = &d->nodes[k];
        bool p = on_path(d, k, root, any);
        int y = box_y(k);
        buf_addf(b, "<g class=\"node verdict-%s%s\" data-id=\"", diag_verdict_name(n->verdict),
                 p ? " on-path" : "");
        text(b, n->id);
        buf_addf(b, "\" data-verdict=\"%s\"><title>", diag_verdict_name(n->verdict));
        text(b, n->id);
        buf_adds(b, ": ");
        text(b, n->question);
        buf_addf(b, "\n%s %s: ", mark(n->verdict), diag_verdict_name(n->verdict));
        text(b, n->answer);
        buf_adds(b, "</title>");
        if (p)
            buf_addf(b,
                     "<rect class=\"halo\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                     "rx=\"9\" fill=\"none\" stroke=\"#1559b7\" stroke-width=\"3\"/>",
                     BOX_X - 5, y - 5, BOX_W + 10, BOX_H + 10);
        rect(b, "box", BOX_X, y, BOX_W, BOX_H, n->verdict);
        buf_addf(b,
                 "<text class=\"mark\" x=\"%d\" y=\"%d\" font-size=\"22\" font-weight=\"bold\" "
                 "fill=\"%s\">%s</text>",
                 BOX_X + 10, y + 28, look[n->verdict].stroke, mark(n->verdict));
        buf_addf(b, "<text class=\"id\" x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">",
                 BOX_X + 38, y + 19);
        text(b, n->id);
        buf_addf(b, "<tspan font-weight=\"normal\" fill=\"%s\"> \xe2\x80\x94 %s%s</tspan></text>",
                 look[n->verdict].stroke, diag_verdict_name(n->verdict),
                 n->on_branch ? " (led here)" : "");
        buf_addf(b, "<text class=\"question\" x=\"%d\" y=\"%d\" font-size=\"12\">", BOX_X + 38,
                 y + 37);
        text_cut(b, n->question, QUESTION_CHARS);
        buf_addf(b,
                 "</text><text class=\"answer\" x=\"%d\" y=\"%d\" font-size=\"12\" "
                 "font-style=\"italic\" fill=\"#444\">",
                 BOX_X + 38, y + 54);
        text_cut(b, n->answer, ANSWER_CHARS);
        buf_adds(b, "</text></g>\n");
    }
    buf_adds(b, "</svg>\n");
}

static void
node_details(struct buf *b, const struct diag_node *n)
{
    buf_addf(b, "<div class=\"node-detail verdict-%s\" data-id=\"", diag_verdict_name(n->verdict));
    text(b, n->id);
    buf_addf(b, "\"><h4><span class=\"mark\">%s</span> ", mark(n->verdict));
    text(b, n->id);
    buf_addf(b, " <span class=\"tag\">%s</span>%s</h4>\n<p class=\"question\">",
             diag_verdict_name(n->verdict), n->on_branch ? " (led here)" : "");
    text(b, n->question);
    buf_adds(b, "</p>\n<p class=\"answer\">");
    text(b, n->answer);
    buf_adds(b, "</p>\n");
    if (n->nevidence) {
        buf_adds(b, "<ul class=\"evidence\">");
        for (size_t i = 0; i < n->nevidence; i++) {
            buf_adds(b, "<li>");
            text(b, n->evidence[i]);
            buf_adds(b, "</li>");
        }
        buf_adds(b, "</ul>\n");
    }
    for (size_t i = 0; i < n->nfixes; i++) {
        buf_adds(b, "<p class=\"tool\">");
        text(b, n->fixes[i].tool);
        buf_adds(b, " <code>");
        text(b, n->fixes[i].rule);
        buf_adds(b, "</code></p><pre class=\"fix\">");
        /* a fix is whole lines (commands): its newlines stay */
        for (const char *s = n->fixes[i].text; s && *s;) {
            size_t l = strcspn(s, "\n");
            struct buf t = BUF_INIT;
            term_escape_n(&t, s, l);
            html_esc(b, buf_str(&t));
            buf_release(&t);
            s += l;
            if (*s == '\n')
                buf_addc(b, *s++);
        }
        buf_adds(b, "</pre>\n");
    }
    buf_adds(b, "</div>\n");
}

void
report_html_diagnoses(struct buf *b, const struct report *r)
{
    buf_addf(b, "<section id=\"diagnoses\"><h2>Diagnosis (%zu VM%s)</h2>\n", r->ndiagnoses,
             r->ndiagnoses == 1 ? "" : "s");
    for (size_t i = 0; i < r->ndiagnoses; i++) {
        const struct diagnosis *d = r->diagnoses[i];
        size_t c[3] = {0};
        for (size_t k = 0; k < d->nnodes; k++)
            c[d->nodes[k].verdict]++;
        buf_addf(b, "<section class=\"diagnosis\" id=\"diagnosis-%zu\" data-vm=\"", i + 1);
        text(b, d->vm);
        buf_adds(b, "\"><h3>");
        text(b, d->name ? d->name : d->vm);
        if (d->name) {
            buf_adds(b, " <small>(");
            text(b, d->vm);
            buf_adds(b, ")</small>");
        }
        buf_addf(b,
                 "</h3>\n<p class=\"counts\">%zu problem%s, %zu unknown, %zu ok. Nested "
                 "hypervisor: %s (",
                 c[DV_PROBLEM], c[DV_PROBLEM] == 1 ? "" : "s", c[DV_UNKNOWN], c[DV_OK],
                 d->nested ? "yes" : "no");
        text(b, d->nested_why);
        buf_adds(b, ").</p>\n<ul class=\"read\">");
        for (size_t k = 0; k < d->nevidence; k++) {
            buf_adds(b, "<li>read: ");
            text(b, d->evidence[k]);
            buf_adds(b, "</li>");
        }
        buf_adds(b, "</ul>\n<div class=\"diagram\">");
        diagram(b, d, i + 1);
        buf_adds(b, "</div>\n<h4>The nodes</h4>\n");
        for (size_t k = 0; k < d->nnodes; k++)
            node_details(b, &d->nodes[k]);
        buf_adds(b, "<h4>Likely causes (most likely first)</h4>\n");
        if (d->ncauses) {
            buf_adds(b, "<ol class=\"causes\">");
            for (size_t k = 0; k < d->ncauses; k++) {
                buf_adds(b, "<li data-node=\"");
                text(b, d->causes[k].node);
                buf_adds(b, "\"><strong>");
                text(b, d->causes[k].node);
                buf_adds(b, "</strong>: ");
                text(b, d->causes[k].title);
                buf_adds(b, "<br><span class=\"why\">why: ");
                text(b, d->causes[k].why);
                buf_adds(b, "</span></li>");
            }
            buf_adds(b, "</ol>\n");
        } else {
            buf_addf(b, "<p class=\"causes none\">None found in what was given%s.</p>\n",
                     c[DV_UNKNOWN] ? " (the unknown nodes say what would answer them)" : "");
        }
        if (d->rerun) {
            buf_adds(b, "<p>To answer the unknown nodes:</p><pre class=\"rerun\">");
            text(b, d->rerun);
            buf_adds(b, "</pre>\n");
        }
        buf_adds(b, "</section>\n");
    }
    buf_adds(b, "</section>\n");
}
