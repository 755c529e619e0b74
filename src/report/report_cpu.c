/* report_cpu: CPU listings in the reports: the JSON `cpus` array (issue 6)
 * and the text section an admin reads first: per listing the verdict line,
 * what was read, and the table of the checked capabilities.
 *
 * Values the listing does not show are null in JSON and left out of the
 * text, never guessed. The verdict and the capability states come from
 * cmd_cpu.c and cpu_check.c; this file only formats them. */
#include "report/report.h"
#include "util/util_term.h"

#include <stdlib.h>
#include <string.h>

static void
json_opt_long(struct json *j, const char *key, long v)
{
    json_kv_int_opt(j, key, v >= 0, v);
}

static void
cpu_to_json(struct json *j, const struct report_cpu *rc)
{
    const struct cpu_info *c = &rc->info;
    json_obj(j);
    json_kv_str(j, "path", rc->path);
    json_kv_str(j, "format", cpu_format_name(c->format));
    json_kv_str(j, "arch", cpu_arch_name(c->arch));
    json_kv_str(j, "vendor", c->vendor);
    json_kv_str(j, "model", c->model);
    json_opt_long(j, "processors", c->processors);
    json_kv_tri(j, "hypervisor", c->hypervisor);
    json_kv_str(j, "hypervisor_vendor", c->hypervisor_vendor);
    json_kv_str(j, "virtualization", c->virtualization);
    json_opt_long(j, "hv_support", c->hv_support);
    json_opt_long(j, "packages", c->packages);
    json_opt_long(j, "cores", c->cores);
    json_opt_long(j, "threads", c->threads);
    json_kv_int_opt(j, "flags_line", c->has_flags, (long long)c->flags_line);
    json_opt_long(j, "flags_processor", c->format == CPU_FORMAT_CPUINFO ? c->flags_processor : -1);
    json_kv_int_opt(j, "flags_count", c->has_flags, (long long)c->nflags);
    json_kv_tri(j, "flags_consistent", c->has_flags ? c->flags_consistent : -1);
    /* true/false when the listing shows it; null when it cannot (no flags)
     * or it does not apply (svm on Intel, any flag on ARM) */
    json_key(j, "flags_checked");
    json_obj(j);
    for (int k = 0; k < CPU_CAP__COUNT; k++) {
        enum cpu_state s = cpu_cap_state(c, (enum cpu_cap)k);
        json_kv_tri(j, cpu_cap_flag((enum cpu_cap)k),
                    s == CPU_PRESENT   ? 1
                    : s == CPU_MISSING ? 0
                                       : -1);
    }
    json_obj_end(j);
    json_key(j, "missing");
    json_arr(j);
    for (int k = 0; k < CPU_CAP__COUNT; k++)
        if (cpu_cap_state(c, (enum cpu_cap)k) == CPU_MISSING)
            json_str(j, cpu_cap_flag((enum cpu_cap)k));
    json_arr_end(j);
    json_kv_tri(j, "ready", rc->ready);
    json_kv_str(j, "verdict", rc->verdict);
    json_obj_end(j);
}

void
cpus_to_json(struct json *j, const struct report *r)
{
    json_key(j, "cpus");
    json_arr(j);
    for (size_t i = 0; i < r->ncpus; i++)
        cpu_to_json(j, &r->cpus[i]);
    json_arr_end(j);
}

/* ---- text ---- */

static void
what_was_read(FILE *fp, const struct cpu_info *c)
{
    term_printf(fp, "  %-11s %s, %s", "listing", cpu_format_title(c->format),
                cpu_arch_name(c->arch));
    if (c->processors >= 0)
        term_printf(fp, ", %ld processor%s", c->processors, c->processors == 1 ? "" : "s");
    if (c->packages >= 0 && c->cores >= 0)
        term_printf(fp, " (%ld package%s, %ld cores)", c->packages, c->packages == 1 ? "" : "s",
                    c->cores);
    if (c->has_flags && c->format == CPU_FORMAT_CPUINFO)
        term_printf(fp, "; %zu flags of processor %ld (line %lu)", c->nflags, c->flags_processor,
                    c->flags_line);
    else if (c->has_flags)
        term_printf(fp, "; %zu flags (line %lu)", c->nflags, c->flags_line);
    fputc('\n', fp);
    if (c->vendor || c->model)
        term_printf(fp, "  %-11s %s%s%s\n", "cpu", c->vendor ? c->vendor : "",
                    c->vendor && c->model ? ", " : "", c->model ? c->model : "");
    if (c->hypervisor == 1 && c->hypervisor_vendor)
        term_printf(fp, "  %-11s yes (Hypervisor vendor: %s)\n", "VM", c->hypervisor_vendor);
    else if (c->hypervisor == 1)
        term_printf(fp, "  %-11s yes (hypervisor flag)\n", "VM");
    else if (c->hypervisor == 0)
        term_printf(fp, "  %-11s no hypervisor flag: bare metal, or a VM that hides it\n", "VM");
    if (c->virtualization)
        term_printf(fp, "  %-11s %s\n", "virt.", c->virtualization);
    if (c->hv_support >= 0)
        term_printf(fp, "  %-11s %ld\n", "HV Support", c->hv_support);
    if (!c->flags_consistent)
        term_printf(fp,
                    "  %-11s the processors list different flags (line %lu); those of line %lu "
                    "are checked\n",
                    "note", c->differ_line, c->flags_line);
}

static void
capability_table(FILE *fp, const struct cpu_info *c)
{
    size_t ww = strlen("CAPABILITY"), wf = strlen("FLAG");
    for (int k = 0; k < CPU_CAP__COUNT; k++) {
        if (cpu_cap_state(c, (enum cpu_cap)k) == CPU_NOT_APPLICABLE)
            continue;
        size_t a = strlen(cpu_cap_what((enum cpu_cap)k)), b = strlen(cpu_cap_flag((enum cpu_cap)k));
        ww = a > ww ? a : ww;
        wf = b > wf ? b : wf;
    }
    term_printf(fp, "  %-*s  %-*s  %s\n", (int)ww, "CAPABILITY", (int)wf, "FLAG", "STATE");
    for (int k = 0; k < CPU_CAP__COUNT; k++) {
        enum cpu_state s = cpu_cap_state(c, (enum cpu_cap)k);
        if (s == CPU_NOT_APPLICABLE)
            continue;
        term_printf(fp, "  %-*s  %-*s  %s\n", (int)ww, cpu_cap_what((enum cpu_cap)k), (int)wf,
                    cpu_cap_flag((enum cpu_cap)k), cpu_state_name(s));
    }
}

void
report_text_cpus(FILE *fp, const struct report *r, const struct report_opts *o)
{
    (void)o;
    for (size_t i = 0; i < r->ncpus; i++) {
        const struct report_cpu *rc = &r->cpus[i];
        const struct cpu_info *c = &rc->info;
        term_printf(fp, "\n%s\n  %-11s %s\n", rc->path, "verdict", rc->verdict);
        what_was_read(fp, c);
        if (c->has_flags && (c->arch == CPU_ARCH_X86 || c->arch == CPU_ARCH_UNKNOWN))
            capability_table(fp, c);
    }
}
