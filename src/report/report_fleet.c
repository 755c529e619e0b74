/* report_fleet: `vmtriage merge` in text, JSON, CSV, HTML and Nagios (see
 * report_fleet.h). Every string from a report passes the same escaping as
 * in the other reporters: util_term for text and Nagios, the JSON writer,
 * csv_cell, html_esc. */
#include "report/report_fleet.h"
#include "report/csv_cell.h"
#include "report/report.h"
#include "util/json.h"
#include "util/util_buf.h"
#include "util/util_term.h"

#include <string.h>

static const char *
plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void
fleet_rule_spread(struct buf *b, const struct fleet_rule *r)
{
    if (r->kb) {
        term_escape(b, r->kb);
        buf_adds(b, ": ");
    }
    if (r->crash)
        buf_addf(b, "%zu %s", r->subjects, plural(r->subjects, "crash", "crashes"));
    else if (r->vms == r->subjects && r->vms > 0)
        buf_addf(b, "%zu %s", r->vms, plural(r->vms, "VM", "VMs"));
    else
        buf_addf(b, "%zu %s", r->subjects, plural(r->subjects, "finding", "findings"));
    buf_addf(b, " on %zu %s", r->hosts, plural(r->hosts, "host", "hosts"));
    if (r->hosts_upgrade)
        buf_addf(b, "; %zu %s on %s with the fix only in a later build", r->hosts_upgrade,
                 plural(r->hosts_upgrade, "host", "hosts"),
                 plural(r->hosts_upgrade, "a build", "builds"));
}

static size_t
findings_total(const struct fleet *f)
{
    size_t n = 0;
    for (int l = 0; l <= LEVEL_CRITICAL; l++)
        n += f->levels[l];
    return n;
}

/* "3 hosts from 4 reports (1 duplicate report left out), 1 crash, 8 findings (2 critical, ...)" */
static void
summary_line(struct buf *b, const struct fleet *f)
{
    size_t n = findings_total(f);
    buf_addf(b, "%zu %s from %zu %s", f->nhosts, plural(f->nhosts, "host", "hosts"), f->nreports,
             plural(f->nreports, "report", "reports"));
    if (f->duplicates)
        buf_addf(b, " (%zu duplicate %s left out)", f->duplicates,
                 plural(f->duplicates, "report", "reports"));
    buf_addf(b, ", %zu %s, %zu %s", f->crashes, plural(f->crashes, "crash", "crashes"), n,
             plural(n, "finding", "findings"));
    const char *sep = " (";
    for (int l = LEVEL_CRITICAL; l >= LEVEL_INFORMATIONAL; l--)
        if (f->levels[l]) {
            buf_addf(b, "%s%zu %s", sep, f->levels[l], level_name((enum level)l));
            sep = ", ";
        }
    if (*sep == ',')
        buf_addc(b, ')');
}

static const char *
worst_name(int worst)
{
    return worst < 0 ? "-" : level_name((enum level)worst);
}

static int
width(const char *s, int w, int cap)
{
    int n = s ? (int)strlen(s) : 1;
    if (n > cap)
        n = cap;
    return n > w ? n : w;
}

int
fleet_text(FILE *fp, const struct fleet *f)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "vmtriage merge: ");
    summary_line(&b, f);
    buf_addc(&b, '\n');
    fputs(buf_str(&b), fp);
    buf_reset(&b);

    int wn = 4, wb = 5, wv = 7;
    for (size_t i = 0; i < f->nhosts; i++) {
        wn = width(f->hosts[i].name, wn, 48);
        wb = width(f->hosts[i].build, wb, 12);
        wv = width(f->hosts[i].version, wv, 12);
    }
    if (f->nhosts) {
        fprintf(fp, "\nHosts, worst first\n  %-*s  %-*s  %-*s  %7s  %-13s  %11s  %8s  %6s  %s\n",
                wn, "HOST", wb, "BUILD", wv, "VERSION", "CRASHES", "WORST", "VMS AT RISK",
                "FINDINGS", "ERRORS", "REPORT");
        for (size_t i = 0; i < f->nhosts; i++) {
            const struct fleet_host *h = &f->hosts[i];
            term_printf(fp, "  %-*.*s  %-*.*s  %-*.*s  %7zu  %-13s  %11zu  %8zu  %6zu  %s\n", wn,
                        wn, h->name, wb, wb, h->build ? h->build : "-", wv, wv,
                        h->version ? h->version : "-", h->crashes, worst_name(h->worst),
                        h->vms_at_risk, h->findings, h->errors, h->report);
        }
    }
    if (f->nrules) {
        fputs("\nFindings by rule, worst first\n", fp);
        for (size_t i = 0; i < f->nrules; i++) {
            const struct fleet_rule *r = &f->rules[i];
            buf_reset(&b);
            fleet_rule_spread(&b, r);
            term_printf(fp, "  %-13s  %s\n  %13s  %s: %s\n", level_name((enum level)r->level),
                        buf_str(&b), "", r->id, r->title ? r->title : "");
        }
    }
    if (f->nerrors) {
        fprintf(fp, "\nInput errors in the reports (%zu)\n", f->nerrors);
        for (size_t i = 0; i < f->nerrors && i < FLEET_MAX_ERRORS; i++)
            term_printf(fp, "  %s: %s: %s\n", f->errors[i].report, f->errors[i].path,
                        f->errors[i].message);
        if (f->nerrors > FLEET_MAX_ERRORS)
            fprintf(fp, "  ... %zu more\n", f->nerrors - FLEET_MAX_ERRORS);
    }
    if (f->duplicates) {
        fputs("\nDuplicate reports, left out\n", fp);
        for (size_t i = 0; i < f->nreports; i++)
            if (f->reports[i].duplicate_of)
                term_printf(fp, "  %s: the same bytes as %s\n", f->reports[i].path,
                            f->reports[i].duplicate_of);
    }
    buf_release(&b);
    return ferror(fp) ? -1 : 0;
}

int
fleet_json(FILE *fp, const struct fleet *f)
{
    struct buf b = BUF_INIT;
    struct json j;
    json_init(&j, &b);
    json_obj(&j);
    json_kv_int(&j, "schema", REPORT_SCHEMA);
    json_kv_str(&j, "command", "merge");
    json_kv_str(&j, "vmtriage", VT_VERSION);
    json_key(&j, "reports");
    json_arr(&j);
    for (size_t i = 0; i < f->nreports; i++) {
        const struct fleet_report *r = &f->reports[i];
        json_obj(&j);
        json_kv_str(&j, "path", r->path);
        json_kv_str(&j, "command", r->command);
        json_kv_int(&j, "hosts", (long long)r->hosts);
        json_kv_str(&j, "duplicate_of", r->duplicate_of);
        json_obj_end(&j);
        if (b.len > 1 << 16) { /* a thousand reports: write as it goes */
            fputs(buf_str(&b), fp);
            buf_reset(&b);
        }
    }
    json_arr_end(&j);
    json_key(&j, "hosts");
    json_arr(&j);
    for (size_t i = 0; i < f->nhosts; i++) {
        const struct fleet_host *h = &f->hosts[i];
        json_obj(&j);
        json_kv_str(&j, "name", h->name);
        json_kv_str(&j, "build", h->build);
        json_kv_str(&j, "version", h->version);
        json_kv_str(&j, "report", h->report);
        json_kv_int(&j, "reports", (long long)h->reports);
        json_kv_int(&j, "crashes", (long long)h->crashes);
        json_kv_str(&j, "worst", h->worst < 0 ? NULL : level_name((enum level)h->worst));
        json_kv_int(&j, "vms_at_risk", (long long)h->vms_at_risk);
        json_kv_int(&j, "findings", (long long)h->findings);
        json_kv_int(&j, "errors", (long long)h->errors);
        json_obj_end(&j);
        if (b.len > 1 << 16) {
            fputs(buf_str(&b), fp);
            buf_reset(&b);
        }
    }
    json_arr_end(&j);
    json_key(&j, "rules");
    json_arr(&j);
    for (size_t i = 0; i < f->nrules; i++) {
        const struct fleet_rule *r = &f->rules[i];
        struct buf s = BUF_INIT;
        fleet_rule_spread(&s, r);
        json_obj(&j);
        json_kv_str(&j, "rule", r->id);
        json_kv_str(&j, "level", level_name((enum level)r->level));
        json_kv_str(&j, "title", r->title);
        json_kv_str(&j, "reference", r->kb);
        json_kv_bool(&j, "crash", r->crash);
        json_kv_int(&j, "subjects", (long long)r->subjects);
        json_kv_int(&j, "vms", (long long)r->vms);
        json_kv_int(&j, "hosts", (long long)r->hosts);
        json_kv_int(&j, "hosts_fix_in_later_build", (long long)r->hosts_upgrade);
        json_kv_str(&j, "spread", buf_str(&s));
        json_obj_end(&j);
        buf_release(&s);
    }
    json_arr_end(&j);
    json_key(&j, "errors");
    json_arr(&j);
    for (size_t i = 0; i < f->nerrors && i < FLEET_MAX_ERRORS; i++) {
        json_obj(&j);
        json_kv_str(&j, "report", f->errors[i].report);
        json_kv_str(&j, "path", f->errors[i].path);
        json_kv_str(&j, "severity", "error");
        json_kv_str(&j, "message", f->errors[i].message);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_key(&j, "summary");
    json_obj(&j);
    json_kv_int(&j, "reports", (long long)f->nreports);
    json_kv_int(&j, "duplicates", (long long)f->duplicates);
    json_kv_int(&j, "hosts", (long long)f->nhosts);
    json_kv_int(&j, "crashes", (long long)f->crashes);
    json_kv_int(&j, "findings", (long long)findings_total(f));
    for (int l = LEVEL_CRITICAL; l >= LEVEL_INFORMATIONAL; l--)
        json_kv_int(&j, level_name((enum level)l), (long long)f->levels[l]);
    json_kv_int(&j, "errors", (long long)f->nerrors);
    json_obj_end(&j);
    json_obj_end(&j);
    buf_addc(&b, '\n');
    fputs(buf_str(&b), fp);
    buf_release(&b);
    return ferror(fp) ? -1 : 0;
}

static void
num_cell(FILE *fp, size_t v)
{
    char s[24];
    snprintf(s, sizeof(s), "%zu", v);
    csv_cell(fp, s, false);
}

int
fleet_csv(FILE *fp, const struct fleet *f)
{
    static const char *const head[] = {"section",   "name",  "build",    "version", "level",
                                       "crashes",   "vms",   "findings", "hosts",   "errors",
                                       "reference", "title", "report"};
    size_t nh = sizeof(head) / sizeof(head[0]);
    for (size_t i = 0; i < nh; i++)
        csv_cell(fp, head[i], i + 1 == nh);
    for (size_t i = 0; i < f->nhosts; i++) {
        const struct fleet_host *h = &f->hosts[i];
        csv_cell(fp, "host", false);
        csv_cell(fp, h->name, false);
        csv_cell(fp, h->build, false);
        csv_cell(fp, h->version, false);
        csv_cell(fp, h->worst < 0 ? "" : level_name((enum level)h->worst), false);
        num_cell(fp, h->crashes);
        num_cell(fp, h->vms_at_risk);
        num_cell(fp, h->findings);
        csv_cell(fp, "", false);
        num_cell(fp, h->errors);
        csv_cell(fp, "", false);
        csv_cell(fp, "", false);
        csv_cell(fp, h->report, true);
    }
    for (size_t i = 0; i < f->nrules; i++) {
        const struct fleet_rule *r = &f->rules[i];
        csv_cell(fp, "rule", false);
        csv_cell(fp, r->id, false);
        csv_cell(fp, "", false);
        csv_cell(fp, "", false);
        csv_cell(fp, level_name((enum level)r->level), false);
        if (r->crash)
            num_cell(fp, r->subjects);
        else
            csv_cell(fp, "", false);
        num_cell(fp, r->vms);
        num_cell(fp, r->subjects);
        num_cell(fp, r->hosts);
        csv_cell(fp, "", false);
        csv_cell(fp, r->kb, false);
        csv_cell(fp, r->title, false);
        csv_cell(fp, "", true);
    }
    return ferror(fp) ? -1 : 0;
}

int
fleet_html(FILE *fp, const struct fleet *f, int status)
{
    struct buf b = BUF_INIT, s = BUF_INIT;
    report_html_head(&b, "merge", "td.n{text-align:right}");
    const char *state = report_state_name(status);
    summary_line(&s, f);
    buf_adds(&b, "<h1>vmtriage merge</h1>\n<p class=\"summary\">");
    html_esc(&b, buf_str(&s));
    buf_addf(&b, "</p>\n<section id=\"verdict\" class=\"state-%s\"><h2>Verdict: %s</h2>", state,
             state);
    if (f->nrules && f->rules[0].level >= LEVEL_MEDIUM) {
        buf_reset(&s);
        fleet_rule_spread(&s, &f->rules[0]);
        buf_addf(&b, "<p class=\"worst\"><span class=\"tag\">%s</span> <strong>",
                 level_name((enum level)f->rules[0].level));
        html_esc(&b, f->rules[0].title ? f->rules[0].title : f->rules[0].id);
        buf_adds(&b, "</strong> &mdash; ");
        html_esc(&b, buf_str(&s));
        buf_adds(&b, "</p>");
    }
    buf_adds(&b, "</section>\n");
    buf_addf(&b,
             "<section id=\"hosts\"><h2>Hosts (%zu)</h2>\n<table><tr><th>Host</th>"
             "<th>Build</th><th>Version</th><th>Crashes</th><th>Worst</th>"
             "<th>VMs at risk</th><th>Findings</th><th>Errors</th><th>Report</th></tr>\n",
             f->nhosts);
    for (size_t i = 0; i < f->nhosts; i++) {
        const struct fleet_host *h = &f->hosts[i];
        buf_addf(&b, "<tr class=\"host level-%s\"><td>", worst_name(h->worst));
        html_esc(&b, h->name);
        buf_adds(&b, "</td><td>");
        html_esc(&b, h->build ? h->build : "-");
        buf_adds(&b, "</td><td>");
        html_esc(&b, h->version ? h->version : "-");
        buf_addf(&b,
                 "</td><td class=\"n\">%zu</td><td>%s</td><td class=\"n\">%zu</td>"
                 "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td>",
                 h->crashes, worst_name(h->worst), h->vms_at_risk, h->findings, h->errors);
        html_esc(&b, h->report);
        buf_adds(&b, "</td></tr>\n");
        if (b.len > 1 << 16) {
            fputs(buf_str(&b), fp);
            buf_reset(&b);
        }
    }
    buf_adds(&b, "</table></section>\n");
    buf_addf(&b, "<section id=\"rules\"><h2>Findings by rule (%zu)</h2>\n", f->nrules);
    for (size_t i = 0; i < f->nrules; i++) {
        const struct fleet_rule *r = &f->rules[i];
        const char *lv = level_name((enum level)r->level);
        buf_reset(&s);
        fleet_rule_spread(&s, r);
        buf_addf(&b, "<article class=\"finding level-%s\"><h3><span class=\"tag\">%s</span> ", lv,
                 lv);
        html_esc(&b, r->title ? r->title : r->id);
        buf_adds(&b, "</h3><p>");
        html_esc(&b, buf_str(&s));
        buf_adds(&b, " <code>");
        html_esc(&b, r->id);
        buf_adds(&b, "</code></p></article>\n");
    }
    buf_adds(&b, "</section>\n");
    if (f->nerrors) {
        buf_addf(&b, "<section id=\"errors\"><h2>Input errors in the reports (%zu)</h2><ul>\n",
                 f->nerrors);
        for (size_t i = 0; i < f->nerrors && i < FLEET_MAX_ERRORS; i++) {
            buf_adds(&b, "<li class=\"error\">");
            html_esc(&b, f->errors[i].report);
            buf_adds(&b, ": ");
            html_esc(&b, f->errors[i].path);
            buf_adds(&b, ": ");
            html_esc(&b, f->errors[i].message);
            buf_adds(&b, "</li>\n");
        }
        buf_adds(&b, "</ul></section>\n");
    }
    buf_adds(&b, "</body></html>\n");
    fputs(buf_str(&b), fp);
    buf_release(&b);
    buf_release(&s);
    return ferror(fp) ? -1 : 0;
}

#define MAX_LONG_LINES 100

/* Appends s escaped for one line, '|' (it would start perfdata) as '/'. */
static void
add_clean(struct buf *b, const char *s)
{
    struct buf t = BUF_INIT;
    term_escape(&t, s ? s : "");
    for (size_t i = 0; i < t.len; i++)
        buf_addc(b, t.p[i] == '|' ? '/' : t.p[i]);
    buf_release(&t);
}

int
fleet_nagios(FILE *fp, const struct fleet *f, int status)
{
    struct buf b = BUF_INIT, s = BUF_INIT;
    size_t n = findings_total(f);
    buf_addf(&b, "VMTRIAGE %s - merge: %zu %s", report_state_name(status), f->nhosts,
             plural(f->nhosts, "host", "hosts"));
    if (n == 0)
        buf_adds(&b, ", no findings");
    for (int l = LEVEL_CRITICAL; l >= LEVEL_LOW; l--)
        if (f->levels[l])
            buf_addf(&b, ", %zu %s", f->levels[l], level_name((enum level)l));
    if (f->nrules && f->rules[0].level >= LEVEL_MEDIUM) {
        buf_adds(&b, "; ");
        add_clean(&b, f->rules[0].title ? f->rules[0].title : f->rules[0].id);
        fleet_rule_spread(&s, &f->rules[0]);
        buf_adds(&b, " (");
        add_clean(&b, buf_str(&s));
        buf_adds(&b, ")");
    }
    if (f->nerrors)
        buf_addf(&b, "; %zu input %s", f->nerrors, plural(f->nerrors, "error", "errors"));
    buf_addf(&b,
             " | hosts=%zu;;;0; findings=%zu;;;0; critical=%zu;;0;0; high=%zu;0;;0; "
             "medium=%zu;0;;0; low=%zu;;;0; errors=%zu;;;0; crashes=%zu;;;0;\n",
             f->nhosts, n, f->levels[LEVEL_CRITICAL], f->levels[LEVEL_HIGH],
             f->levels[LEVEL_MEDIUM], f->levels[LEVEL_LOW], f->nerrors, f->crashes);
    size_t lines = 0;
    for (size_t i = 0; i < f->nrules && lines < MAX_LONG_LINES; i++, lines++) {
        const struct fleet_rule *r = &f->rules[i];
        buf_reset(&s);
        fleet_rule_spread(&s, r);
        buf_addf(&b, "%s ", level_name((enum level)r->level));
        add_clean(&b, r->id);
        buf_adds(&b, ": ");
        add_clean(&b, buf_str(&s));
        buf_adds(&b, " - ");
        add_clean(&b, r->title);
        buf_addc(&b, '\n');
    }
    for (size_t i = 0; i < f->nerrors && i < FLEET_MAX_ERRORS && lines < MAX_LONG_LINES;
         i++, lines++) {
        buf_adds(&b, "error ");
        add_clean(&b, f->errors[i].report);
        buf_adds(&b, ": ");
        add_clean(&b, f->errors[i].path);
        buf_adds(&b, ": ");
        add_clean(&b, f->errors[i].message);
        buf_addc(&b, '\n');
    }
    size_t total = f->nrules + f->nerrors;
    if (total > lines)
        buf_addf(&b, "... %zu more (see --format text)\n", total - lines);
    fputs(buf_str(&b), fp);
    buf_release(&b);
    buf_release(&s);
    return ferror(fp) ? -1 : 0;
}
