/* report_crash: decoded purple screens in the reports: the JSON `crashes` and
 * `backtraces` arrays (issue 3's contract) and the text section an admin
 * reads first: what crashed, who is to blame, which known issue it is.
 *
 * Addresses are 64-bit and often above 2^53, so JSON carries them as "0x..."
 * strings; counts and ids are integers (README, JSON contract). */
#include "report/report.h"
#include "report/report_fit.h"
#include "util/util_term.h"
#include "util/util_buf.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void
frames_to_json(struct json *j, const struct psod_frames *fr)
{
    json_arr(j);
    for (size_t i = 0; i < fr->n; i++) {
        const struct psod_frame *f = &fr->v[i];
        json_obj(j);
        json_kv_str(j, "function", f->function);
        json_kv_str(j, "module", f->module);
        json_kv_str(j, "version", f->version);
        json_kv_hex(j, "offset", f->has_offset, f->offset);
        json_kv_hex(j, "ip", f->has_ip, f->ip);
        json_kv_hex(j, "frame", f->has_frame, f->frame);
        json_kv_int(j, "line", (long long)f->line);
        json_obj_end(j);
    }
    json_arr_end(j);
}

/* "score": the similarity with two decimals, as a JSON number. */
static void
json_raw_score(struct json *j, double score)
{
    char num[16];
    snprintf(num, sizeof(num), "%.2f", score);
    json_key(j, "score");
    json_raw(j, num);
}

/* The first known issue matched on this crash whose source names its
 * culprit module (a rule's `culprit`), or NULL: a backtrace that shows only
 * the VMkernel (KB 316522: world.c, the iLO driver) has its cause there. */
static const struct rule *
known_culprit(const struct findings *fs, const char *subject)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i].subject, subject) == 0 && !fs->v[i].rule->fallback &&
            fs->v[i].rule->culprit)
            return fs->v[i].rule;
    return NULL;
}

void
crash_to_json(struct json *j, const struct crash_view *v, const struct findings *fs)
{
    const struct psod_crash *c = v->crash;
    json_obj(j);
    json_kv_str(j, "source", v->source);
    json_kv_int(j, "line", (long long)c->line);
    json_kv_int(j, "last_line", (long long)c->last_line);
    json_key(j, "panic");
    json_obj(j);
    json_kv_str(j, "type", psod_type_name(c->type, c->exception));
    json_kv_int_opt(j, "exception", c->exception >= 0, c->exception);
    json_kv_str(j, "message", c->message);
    json_obj_end(j);
    json_key(j, "world");
    json_obj(j);
    json_kv_int_opt(j, "id", c->world_id >= 0, c->world_id);
    json_kv_str(j, "name", c->world_name);
    json_obj_end(j);
    json_kv_int_opt(j, "cpu", c->cpu >= 0, c->cpu);
    json_kv_hex(j, "ip", c->has_ip, c->ip);
    json_kv_hex(j, "address", c->has_address, c->address);
    json_kv_hex(j, "code_start", c->has_code_start, c->code_start);
    json_kv_str(j, "uptime", c->uptime);
    json_kv_str(j, "timestamp", c->timestamp);
    json_kv_str(j, "product", v->product);
    json_kv_str(j, "build", v->build);
    json_key(j, "frames");
    frames_to_json(j, &c->frames);
    json_kv_int(j, "frames_dropped", (long long)c->frames.dropped);
    json_key(j, "saved_backtrace");
    if (c->saved.n || c->saved_pcpu >= 0) {
        json_obj(j);
        json_kv_int_opt(j, "pcpu", c->saved_pcpu >= 0, c->saved_pcpu);
        json_kv_str(j, "reason", c->saved_reason);
        json_key(j, "frames");
        frames_to_json(j, &c->saved);
        json_obj_end(j);
    } else {
        json_null(j);
    }
    json_kv_strs(j, "modules_involved", c->modules_involved_detail, c->nmodules_involved);
    json_key(j, "culprit");
    json_obj(j);
    json_kv_str(j, "module", c->culprit_module);
    json_kv_str(j, "function", c->culprit_function);
    json_kv_str(j, "kind", psod_culprit_kind_name(c->culprit_kind));
    json_kv_str(j, "why", c->culprit_why);
    char *subject = crash_subject(v);
    const struct rule *kc = known_culprit(fs, subject);
    json_key(j, "known_issue"); /* the culprit the matched known issue's source names */
    if (kc) {
        json_obj(j);
        json_kv_str(j, "module", kc->culprit);
        json_kv_str(j, "rule", kc->id);
        json_obj_end(j);
    } else {
        json_null(j);
    }
    json_obj_end(j);
    /* No signature: the nearest known issues, similar, not confirmed. */
    json_key(j, "similar");
    json_arr(j);
    for (size_t i = 0; i < v->nsimilar; i++) {
        json_obj(j);
        json_kv_str(j, "rule", v->similar[i].rule);
        json_raw_score(j, v->similar[i].score);
        json_key(j, "references");
        json_arr(j);
        for (size_t k = 0; k < v->similar[i].nrefs; k++)
            json_str(j, v->similar[i].refs[k]);
        json_arr_end(j);
        json_obj_end(j);
    }
    json_arr_end(j);
    /* The rules that matched this crash: its findings' ids. */
    json_key(j, "signatures");
    json_arr(j);
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i].subject, subject) == 0 && !fs->v[i].rule->fallback)
            json_str(j, fs->v[i].rule->id);
    json_arr_end(j);
    free(subject);
    json_obj_end(j);
}

void
backtrace_to_json(struct json *j, const struct report_backtrace *b)
{
    json_obj(j);
    json_kv_str(j, "source", b->source);
    json_kv_int(j, "line", (long long)b->bt->line);
    json_kv_str(j, "header", b->bt->header);
    json_key(j, "frames");
    frames_to_json(j, &b->bt->frames);
    json_obj_end(j);
}

static void
print_frame(FILE *fp, const struct psod_frame *f)
{
    term_printf(fp, "    %s", f->function ? f->function : "?");
    if (f->module)
        term_printf(fp, "@%s", *f->module ? f->module : "(no symbols)");
    if (f->version)
        term_printf(fp, "#%s", f->version);
    if (f->has_offset)
        term_printf(fp, "+0x%" PRIx64, f->offset);
    if (f->has_ip)
        term_printf(fp, "  [0x%" PRIx64 "]", f->ip);
    term_printf(fp, "  (line %lu)\n", f->line);
}

#define TEXT_FRAMES 12

static void
print_frames(FILE *fp, const struct psod_frames *fr)
{
    for (size_t i = 0; i < fr->n && i < TEXT_FRAMES; i++)
        print_frame(fp, &fr->v[i]);
    if (fr->n > TEXT_FRAMES)
        term_printf(fp, "    ... %zu more frames (all in --format json)\n", fr->n - TEXT_FRAMES);
}

void
report_text_crashes(FILE *fp, const struct report *r, const struct report_opts *o)
{
    for (size_t i = 0; i < r->ncrashes; i++) {
        const struct crash_view *v = &r->crashes[i];
        const struct psod_crash *c = v->crash;
        fputc('\n', fp);
        if (o->color)
            fputs("\033[1;35m", fp);
        term_printf(fp, "Crash %zu of %zu", i + 1, r->ncrashes);
        if (o->color)
            fputs("\033[0m", fp);
        fputs(": ", fp);
        report_fit_path(fp, v->source, o->width, 40);
        term_printf(fp, " line %lu", c->line);
        if (c->timestamp)
            term_printf(fp, " (%s)", c->timestamp);
        fputc('\n', fp);
        const char *type = psod_type_name(c->type, c->exception);
        if (c->message && strncmp(c->message, type, strlen(type)) == 0)
            term_printf(fp, "  Panic:    %s\n", c->message);
        else if (c->message)
            term_printf(fp, "  Panic:    %s: %s\n", type, c->message);
        else
            term_printf(fp, "  Panic:    %s\n", type);
        if (c->world_id >= 0 || c->world_name) {
            fputs("  World:   ", fp);
            if (c->world_id >= 0)
                term_printf(fp, " %lld", c->world_id);
            if (c->world_name)
                term_printf(fp, " %s", c->world_name);
            fputc('\n', fp);
        }
        if (c->has_ip || c->has_address) {
            fputs("  Fault:   ", fp);
            if (c->has_ip)
                term_printf(fp, " IP 0x%" PRIx64, c->ip);
            if (c->has_address)
                term_printf(fp, " address 0x%" PRIx64, c->address);
            fputc('\n', fp);
        }
        if (c->uptime)
            term_printf(fp, "  Uptime:   %s\n", c->uptime);
        if (v->product || v->build)
            term_printf(fp, "  Host:     %s%s%s\n", v->product ? v->product : "",
                        v->product && v->build ? " build "
                        : v->build             ? "build "
                                               : "",
                        v->build ? v->build : "");
        static const char *const kind_label[] = {[CULPRIT_NONE] = "nothing to go on",
                                                 [CULPRIT_DRIVER] = "a driver",
                                                 [CULPRIT_VMKERNEL] = "the VMkernel core",
                                                 [CULPRIT_HARDWARE] = "the hardware"};
        bool vmware_module = c->culprit_kind == CULPRIT_VMKERNEL && c->culprit_module &&
                             *c->culprit_module && strcmp(c->culprit_module, "vmkernel") != 0;
        term_printf(fp, "  Culprit:  %s",
                    vmware_module ? "VMware's own code, not a third-party driver"
                                  : kind_label[c->culprit_kind]);
        if (c->culprit_function || (c->culprit_module && *c->culprit_module))
            term_printf(fp, ": %s%s%s", c->culprit_function ? c->culprit_function : "",
                        c->culprit_function && c->culprit_module && *c->culprit_module ? "@" : "",
                        c->culprit_module ? c->culprit_module : "");
        if (c->culprit_why)
            term_printf(fp, " (%s)", c->culprit_why);
        fputc('\n', fp);
        char *subject = crash_subject(v);
        const struct rule *kc = known_culprit(&r->findings, subject);
        if (kc && !(c->culprit_module && strcmp(c->culprit_module, kc->culprit) == 0))
            term_printf(fp, "  Cause:    %s, as the source of the known issue %s names it\n",
                        kc->culprit, kc->id);
        bool known = false;
        for (size_t k = 0; k < r->findings.n; k++) {
            const struct finding *f = &r->findings.v[k];
            if (strcmp(f->subject, subject) != 0)
                continue;
            term_printf(fp, "  %s %s [%s]: %s",
                        f->rule->fallback ? "Advice:  " : "Known:   ", f->rule->id,
                        level_name(f->level), f->rule->title);
            if (f->nrel)
                term_printf(fp, " (%zu VM%s carry the trigger)", f->nrel, f->nrel == 1 ? "" : "s");
            fputc('\n', fp);
            known |= !f->rule->fallback;
        }
        if (!known)
            fputs("  Known:    no known-issue signature matches this crash\n", fp);
        for (size_t k = 0; !known && k < v->nsimilar; k++)
            term_printf(fp,
                        "  Similar:  %s (%.0f%% of its signature; %s): similar, not confirmed\n",
                        v->similar[k].rule, v->similar[k].score * 100,
                        v->similar[k].nrefs ? v->similar[k].refs[0] : "no reference");
        free(subject);
        if (c->frames.n) {
            term_printf(fp, "  Backtrace (%zu frames):\n", c->frames.n);
            print_frames(fp, &c->frames);
        }
        if (c->saved.n) {
            term_printf(fp, "  Saved backtrace of PCPU %d%s%s (%zu frames):\n", c->saved_pcpu,
                        c->saved_reason ? ", " : "", c->saved_reason ? c->saved_reason : "",
                        c->saved.n);
            print_frames(fp, &c->saved);
        }
    }
    for (size_t i = 0; i < r->nbacktraces; i++) {
        const struct report_backtrace *b = &r->backtraces[i];
        term_printf(fp, "\nNot a crash: backtrace at %s line %lu", b->source, b->bt->line);
        if (b->bt->header)
            term_printf(fp, " after \"%s\"", b->bt->header);
        term_printf(fp, " (%zu frames; the host went on running)\n", b->bt->frames.n);
    }
}
