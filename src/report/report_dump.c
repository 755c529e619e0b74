/* report_dump: Windows crash dumps in the reports: the JSON `dumps` array
 * (issue 5's contract), the text table an admin scans first (one row per
 * dump, by crash time, as BlueScreenView shows them) with each dump's
 * detail under it, and the CSV rows.
 *
 * Codes, parameters and addresses are "0x..." strings in JSON (64-bit values
 * exceed JSON's exact integers); counts, sizes and builds are integers. A
 * value the dump does not hold (the 'PAGE' fill, a part not reached) is null
 * in JSON and "-" in text, never a number. */
#include "parse/dump/bugcheck.h"
#include "report/csv_cell.h"
#include "report/report.h"
#include "util/util_term.h"
#include "util/util_buf.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *
format_word(enum dump_format f)
{
    return f == DUMP_FORMAT_KERNEL32 ? "PAGEDUMP" : f == DUMP_FORMAT_KERNEL64 ? "PAGEDU64" : "MDMP";
}

static void
hex32(char out[12], uint32_t v)
{
    snprintf(out, 12, "0x%08" PRIX32, v);
}

static void
drivers_to_json(struct json *j, const struct crash_dump *d)
{
    json_key(j, "drivers");
    if (!d->has_drivers) {
        json_null(j);
        return;
    }
    json_arr(j);
    for (size_t i = 0; i < d->ndrivers; i++) {
        const struct dump_driver *dr = &d->drivers[i];
        json_obj(j);
        json_kv_str(j, "name", dr->name);
        json_kv_str(j, "path", dr->path);
        json_kv_hex(j, "base", true, dr->base);
        json_kv_int(j, "size", (long long)dr->size);
        json_kv_bool(j, "on_stack", dr->on_stack);
        json_obj_end(j);
    }
    json_arr_end(j);
}

static void
unloaded_to_json(struct json *j, const struct crash_dump *d)
{
    json_key(j, "unloaded_drivers");
    if (!d->has_unloaded) {
        json_null(j);
        return;
    }
    json_arr(j);
    for (size_t i = 0; i < d->nunloaded; i++) {
        json_obj(j);
        json_kv_str(j, "name", d->unloaded[i].name);
        json_kv_hex(j, "start", true, d->unloaded[i].start);
        json_kv_hex(j, "end", true, d->unloaded[i].end);
        json_obj_end(j);
    }
    json_arr_end(j);
}

static void
bugcheck_to_json(struct json *j, const struct crash_dump *d)
{
    json_key(j, "bugcheck");
    if (!d->has_bugcheck) {
        json_null(j);
        return;
    }
    char code[12];
    hex32(code, d->bugcheck);
    json_obj(j);
    json_kv_str(j, "code", code);
    json_kv_str(j, "name", bugcheck_name(d->bugcheck));
    json_key(j, "parameters");
    json_arr(j);
    for (int i = 0; i < 4; i++) {
        char s[24];
        snprintf(s, sizeof(s), "0x%016" PRIx64, d->parameters[i]);
        json_str(j, s);
    }
    json_arr_end(j);
    json_key(j, "meanings");
    json_arr(j);
    for (int i = 0; i < 4; i++)
        json_str(j, bugcheck_parameter(d->bugcheck, i + 1));
    json_arr_end(j);
    json_obj_end(j);
}

static void
dump_to_json(struct json *j, const struct report_dump *rd)
{
    const struct crash_dump *d = &rd->dump;
    json_obj(j);
    json_kv_str(j, "path", rd->path);
    json_kv_str(j, "format", format_word(d->format));
    json_kv_bool(j, "complete", rd->status == DUMP_OK);
    json_kv_int(j, "file_size", (long long)d->file_size);
    json_kv_str(j, "arch", dump_arch_name(d->arch));
    json_kv_str(j, "dump_type",
                d->format == DUMP_FORMAT_USER ? "user"
                : d->has_dump_type            ? dump_type_name(d->dump_type)
                                              : NULL);
    json_kv_int_opt(j, "os_build", d->has_os_build, d->os_build);
    json_key(j, "os_version");
    if (d->has_os_version) {
        char v[40];
        snprintf(v, sizeof(v), "%" PRIu32 ".%" PRIu32, d->os_major, d->os_minor);
        json_str(j, v);
    } else {
        json_null(j);
    }
    json_kv_int_opt(j, "processors", d->has_processors, d->processors);
    json_kv_time(j, "time", d->has_time, d->time_ms);
    json_kv_int_opt(j, "uptime_ms", d->has_uptime, (long long)d->uptime_ms);
    bugcheck_to_json(j, d);
    json_key(j, "context");
    if (d->has_context) {
        json_obj(j);
        json_kv_hex(j, "pc", true, d->pc);
        json_kv_hex(j, "sp", true, d->sp);
        json_obj_end(j);
    } else {
        json_null(j);
    }
    json_key(j, "exception");
    if (d->has_exception) {
        char code[12];
        hex32(code, d->exception_code);
        json_obj(j);
        json_kv_str(j, "code", code);
        json_kv_hex(j, "address", true, d->exception_address);
        json_kv_int_opt(j, "thread", d->format == DUMP_FORMAT_USER, d->exception_thread);
        json_obj_end(j);
    } else {
        json_null(j);
    }
    json_kv_str(j, "process", d->process);
    drivers_to_json(j, d);
    unloaded_to_json(j, d);
    json_key(j, "culprit");
    if (d->culprit != NULL) {
        json_obj(j);
        json_kv_str(j, "driver", d->culprit->name);
        json_kv_hex(j, "address", true, d->culprit_address);
        json_kv_str(j, "rule", dump_culprit_rule_name(d->culprit_rule));
        json_kv_int_opt(j, "parameter", d->culprit_parameter > 0, d->culprit_parameter);
        json_obj_end(j);
    } else {
        json_null(j);
    }
    json_obj_end(j);
}

void
dumps_to_json(struct json *j, const struct report *r)
{
    json_key(j, "dumps");
    json_arr(j);
    for (size_t i = 0; i < r->ndumps; i++)
        dump_to_json(j, &r->dumps[i]);
    json_arr_end(j);
}

/* ---- text ---- */

static const char *
base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* "0x1000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M", or what a user dump is. */
static void
headline(struct buf *b, const struct crash_dump *d)
{
    if (d->has_bugcheck) {
        const char *name = bugcheck_name(d->bugcheck);
        buf_addf(b, "0x%08" PRIX32 " %s", d->bugcheck,
                 name ? name : "(not in the bug check table)");
    } else if (d->format == DUMP_FORMAT_USER) {
        buf_addf(b, "user-mode dump of %s", d->process ? d->process : "a process");
        if (d->has_exception)
            buf_addf(b, ", exception 0x%08" PRIX32, d->exception_code);
    } else {
        buf_adds(b, "(bug check not recorded)");
    }
}

static const char *
pc_name(enum dump_arch a)
{
    return a == DUMP_ARCH_X64 ? "RIP" : a == DUMP_ARCH_X86 ? "EIP" : "PC";
}

static const char *
sp_name(enum dump_arch a)
{
    return a == DUMP_ARCH_X64 ? "RSP" : a == DUMP_ARCH_X86 ? "ESP" : "SP";
}

static void
names_line(FILE *fp, const char *label, const struct crash_dump *d, bool stack_only)
{
    size_t n = 0;
    for (size_t i = 0; i < d->ndrivers; i++)
        n += !stack_only || d->drivers[i].on_stack;
    term_printf(fp, "  %-9s %zu", label, n);
    size_t shown = 0;
    for (size_t i = 0; i < d->ndrivers && shown < 12; i++)
        if (!stack_only || d->drivers[i].on_stack)
            term_printf(fp, "%s%s", shown++ ? ", " : ": ", d->drivers[i].name);
    term_printf(fp, "%s\n", n > shown ? ", ..." : "");
}

/* The first error about the dump at `path` (what cut or damaged it), or NULL. */
static const char *
first_error(const struct report *r, const char *path)
{
    for (size_t i = 0; i < r->diags.n; i++)
        if (r->diags.v[i].level == DIAG_ERROR && strcmp(r->diags.v[i].path, path) == 0)
            return r->diags.v[i].message;
    return NULL;
}

static void
one_dump(FILE *fp, const struct report *r, const struct report_dump *rd)
{
    const struct crash_dump *d = &rd->dump;
    struct buf b = BUF_INIT;
    headline(&b, d);
    term_printf(fp, "\n%s\n  %s\n", rd->path, buf_str(&b));
    term_printf(fp, "  %-9s %s %s dump, %s", "dump", format_word(d->format),
                d->format == DUMP_FORMAT_USER ? "user-mode"
                : d->has_dump_type            ? dump_type_name(d->dump_type)
                                              : "(type not recorded)",
                dump_arch_name(d->arch));
    if (d->has_os_version)
        term_printf(fp, ", Windows %" PRIu32 ".%" PRIu32, d->os_major, d->os_minor);
    if (d->has_os_build)
        term_printf(fp, "%s build %" PRIu32, d->has_os_version ? "" : ", Windows", d->os_build);
    if (d->has_processors)
        term_printf(fp, ", %" PRIu32 " processor%s", d->processors, d->processors == 1 ? "" : "s");
    fputc('\n', fp);
    char when[25];
    report_short_time(when, d->has_time, d->time_ms);
    term_printf(fp, "  %-9s %s UTC", "time", when);
    if (d->has_uptime)
        term_printf(fp, ", %.1f s after boot", (double)d->uptime_ms / 1000.0);
    fputc('\n', fp);
    for (int i = 0; d->has_bugcheck && i < 4; i++) {
        const char *m = bugcheck_parameter(d->bugcheck, i + 1);
        term_printf(fp, "  P%d        0x%016" PRIx64 "%s%s\n", i + 1, d->parameters[i],
                    m ? "  " : "", m ? m : "");
    }
    if (d->has_exception)
        term_printf(fp, "  %-9s 0x%08" PRIX32 " at 0x%" PRIx64 "\n", "exception", d->exception_code,
                    d->exception_address);
    if (d->has_context)
        term_printf(fp, "  %-9s %s 0x%" PRIx64 "  %s 0x%" PRIx64 "\n", "context", pc_name(d->arch),
                    d->pc, sp_name(d->arch), d->sp);
    if (d->culprit != NULL) {
        term_printf(fp, "  %-9s %s (0x%" PRIx64 ", %s", "culprit", d->culprit->name,
                    d->culprit_address, dump_culprit_rule_name(d->culprit_rule));
        if (d->culprit_parameter > 0)
            term_printf(fp, " %d", d->culprit_parameter);
        fputs(")\n", fp);
    } else if (d->has_drivers) {
        term_printf(fp, "  %-9s none found (%s)\n", "culprit",
                    dump_culprit_rule_name(d->culprit_rule));
    }
    if (d->has_drivers) {
        names_line(fp, "drivers", d, false);
        names_line(fp, "on stack", d, true);
    }
    if (d->has_unloaded) {
        term_printf(fp, "  %-9s %zu", "unloaded", d->nunloaded);
        for (size_t i = 0; i < d->nunloaded && i < 12; i++)
            term_printf(fp, "%s%s", i ? ", " : ": ", d->unloaded[i].name);
        term_printf(fp, "%s\n", d->nunloaded > 12 ? ", ..." : "");
    }
    if (rd->status != DUMP_OK) {
        const char *why = first_error(r, rd->path);
        term_printf(fp, "  %-9s the file is damaged: what follows the error was not read%s%s\n",
                    "partial", why ? "; first: " : "", why ? why : "");
    }
    buf_release(&b);
}

void
report_text_dumps(FILE *fp, const struct report *r, const struct report_opts *o)
{
    (void)o;
    if (r->ndumps == 0)
        return;
    fputs("\nDUMPS (by crash time)\n", fp);
    size_t wf = strlen("FILE");
    for (size_t i = 0; i < r->ndumps; i++) {
        size_t l = strlen(base_name(r->dumps[i].path));
        wf = l > wf ? l : wf;
    }
    term_printf(fp, "  %-19s  %-*s  %-52s  %s\n", "TIME (UTC)", (int)wf, "FILE", "BUG CHECK",
                "CULPRIT");
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < r->ndumps; i++) {
        const struct crash_dump *d = &r->dumps[i].dump;
        char when[25];
        report_short_time(when, d->has_time, d->time_ms);
        buf_reset(&b);
        headline(&b, d);
        term_printf(fp, "  %-19s  %-*s  %-52s  %s\n", when, (int)wf, base_name(r->dumps[i].path),
                    buf_str(&b), d->culprit ? d->culprit->name : "-");
    }
    buf_release(&b);
    for (size_t i = 0; i < r->ndumps; i++)
        one_dump(fp, r, &r->dumps[i]);
}

/* ---- CSV ---- */

int
report_csv_dumps(FILE *fp, const struct report *r)
{
    fputs("path,time,bugcheck,bugcheck_name,p1,p2,p3,p4,culprit,culprit_address,culprit_rule,"
          "arch,dump_type,os_build,processors,drivers,complete,findings\r\n",
          fp);
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < r->ndumps; i++) {
        const struct report_dump *rd = &r->dumps[i];
        const struct crash_dump *d = &rd->dump;
        char s[64];
        csv_cell(fp, rd->path, false);
        report_short_time(s, d->has_time, d->time_ms);
        csv_cell(fp, d->has_time ? s : "", false);
        if (d->has_bugcheck)
            hex32(s, d->bugcheck);
        csv_cell(fp, d->has_bugcheck ? s : "", false);
        csv_cell(fp, d->has_bugcheck ? bugcheck_name(d->bugcheck) : NULL, false);
        for (int k = 0; k < 4; k++) {
            snprintf(s, sizeof(s), "0x%016" PRIx64, d->parameters[k]);
            csv_cell(fp, d->has_bugcheck ? s : "", false);
        }
        csv_cell(fp, d->culprit ? d->culprit->name : NULL, false);
        snprintf(s, sizeof(s), "0x%" PRIx64, d->culprit_address);
        csv_cell(fp, d->culprit ? s : "", false);
        csv_cell(fp, dump_culprit_rule_name(d->culprit_rule), false);
        csv_cell(fp, dump_arch_name(d->arch), false);
        csv_cell(fp,
                 d->format == DUMP_FORMAT_USER ? "user"
                 : d->has_dump_type            ? dump_type_name(d->dump_type)
                                               : "",
                 false);
        snprintf(s, sizeof(s), "%" PRIu32, d->os_build);
        csv_cell(fp, d->has_os_build ? s : "", false);
        snprintf(s, sizeof(s), "%" PRIu32, d->processors);
        csv_cell(fp, d->has_processors ? s : "", false);
        snprintf(s, sizeof(s), "%zu", d->ndrivers);
        csv_cell(fp, d->has_drivers ? s : "", false);
        csv_cell(fp, rd->status == DUMP_OK ? "true" : "false", false);
        buf_reset(&b);
        for (size_t k = 0; k < r->findings.n; k++)
            if (strcmp(r->findings.v[k].subject, rd->path) == 0)
                buf_addf(&b, "%s%s", b.len ? " " : "", r->findings.v[k].rule->id);
        csv_cell(fp, buf_str(&b), true);
    }
    buf_release(&b);
    return ferror(fp) ? -1 : 0;
}
