/* report_log: the parts of a report that only log reading has: the files
 * read (format recognised from their lines, size, time span), the timeline
 * of matches per hour and kind, and a log finding's times and `involved`
 * lists, in JSON and text. */
#include "parse/log/log_line.h"
#include "report/report.h"
#include "report/report_fit.h"
#include "util/util_term.h"

#include <string.h>

void
json_kv_time(struct json *j, const char *key, bool has, int64_t ms)
{
    if (!has) {
        json_kv_str(j, key, NULL);
        return;
    }
    char iso[25];
    log_format_iso(ms, iso);
    json_kv_str(j, key, iso);
}

void
involved_to_json(struct json *j, const struct finding *f)
{
    json_obj(j);
    for (int k = 0; k < INV__COUNT; k++) {
        const struct name_list *l = &f->involved[k];
        json_kv_strs(j, involved_kind_name((enum involved_kind)k), l->v, l->n);
    }
    json_obj_end(j);
}

void
files_to_json(struct json *j, const struct report *r)
{
    json_key(j, "files");
    json_arr(j);
    for (size_t i = 0; i < r->nfiles; i++) {
        const struct report_file *f = &r->files[i];
        json_obj(j);
        json_kv_str(j, "path", f->path);
        json_kv_str(j, "format", f->format);
        json_kv_bool(j, "gzip", f->gzip);
        json_kv_int(j, "bytes", (long long)f->bytes);
        json_kv_int(j, "lines", (long long)f->lines);
        json_kv_time(j, "first", f->has_first, f->first_ms);
        json_kv_time(j, "last", f->has_last, f->last_ms);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "timeline");
    json_arr(j);
    for (size_t i = 0; i < r->timeline.n; i++) {
        const struct timeline_row *t = &r->timeline.v[i];
        json_obj(j);
        json_kv_time(j, "hour", true, t->hour_ms);
        json_kv_str(j, "kind", t->kind);
        json_kv_int(j, "count", (long long)t->count);
        json_obj_end(j);
    }
    json_arr_end(j);
}

void
report_short_time(char out[25], bool has, int64_t ms)
{
    if (!has) {
        memcpy(out, "-", 2);
        return;
    }
    log_format_iso(ms, out);
    out[10] = ' ';
    out[19] = '\0';
}

void
report_text_logs(FILE *fp, const struct report *r, const struct report_opts *o)
{
    if (r->nfiles > 0) {
        fputs("\nFILES\n", fp);
        for (size_t i = 0; i < r->nfiles; i++) {
            const struct report_file *f = &r->files[i];
            char a[25], b[25];
            report_short_time(a, f->has_first, f->first_ms);
            report_short_time(b, f->has_last, f->last_ms);
            char rest[200];
            snprintf(rest, sizeof(rest), "%s%s, %llu lines, %s .. %s", f->format,
                     f->gzip ? " (gzip)" : "", f->lines, a, b);
            fputs("  ", fp);
            if (o->width && 4 + fit_width_escaped(f->path) + fit_width(rest) > o->width) {
                report_fit_path(fp, f->path, o->width, 3); /* too long: two lines */
                term_printf(fp, ":\n    %s\n", rest);
            } else {
                term_printf(fp, "%s: %s\n", f->path, rest);
            }
        }
    }
    if (r->timeline.n == 0)
        return;
    fputs("\nTIMELINE (matches per hour, UTC)\n", fp);
    for (size_t i = 0; i < r->timeline.n;) {
        char h[25];
        log_format_iso(r->timeline.v[i].hour_ms, h);
        h[10] = ' ';
        h[16] = '\0';
        term_printf(fp, "  %s ", h);
        int64_t hour = r->timeline.v[i].hour_ms;
        for (size_t k = i; i < r->timeline.n && r->timeline.v[i].hour_ms == hour; i++)
            term_printf(fp, "%s %s %zu", i > k ? "," : "", r->timeline.v[i].kind,
                        r->timeline.v[i].count);
        fputc('\n', fp);
    }
}
