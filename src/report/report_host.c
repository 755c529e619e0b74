/* report_host: the hosts of a bundle report: JSON `hosts` (issue 6's
 * addition to the shared contract) and the text section that opens the
 * report: which ESXi, which build, which CPU, which NICs, how many VMs. */
#include "report/report.h"
#include "util/util_term.h"

#include <string.h>

static void
kv_pos_int(struct json *j, const char *key, int v)
{
    json_kv_int_opt(j, key, v > 0, v);
}

void
hosts_to_json(struct json *j, const struct report *r)
{
    json_key(j, "hosts");
    json_arr(j);
    for (size_t i = 0; i < r->nhosts; i++) {
        const struct report_host *h = &r->hosts[i];
        const struct host_facts *f = &h->facts;
        json_obj(j);
        json_kv_str(j, "name", f->name);
        json_kv_str(j, "bundle", h->bundle);
        json_kv_str(j, "product", f->product);
        json_kv_str(j, "version", f->version);
        json_kv_str(j, "build", f->build);
        json_kv_str(j, "update", f->update);
        json_key(j, "cpu");
        json_obj(j);
        json_kv_str(j, "model", f->cpu_model);
        kv_pos_int(j, "packages", f->cpu_packages);
        kv_pos_int(j, "cores", f->cpu_cores);
        kv_pos_int(j, "threads", f->cpu_threads);
        json_kv_int_opt(j, "hv_support", f->hv_support >= 0, f->hv_support);
        json_obj_end(j);
        json_key(j, "nics");
        json_arr(j);
        for (size_t k = 0; k < f->nnics; k++) {
            json_obj(j);
            json_kv_str(j, "name", f->nics[k].name);
            json_kv_str(j, "driver", f->nics[k].driver);
            json_kv_str(j, "link", f->nics[k].link);
            json_kv_str(j, "speed", f->nics[k].speed);
            json_obj_end(j);
        }
        json_arr_end(j);
        json_kv_strs(j, "registered_vms", f->vms, f->nvms);
        json_kv_int(j, "vmx_read", (long long)h->vmx);
        json_kv_int(j, "log_files", (long long)h->log_files);
        json_kv_int(j, "crashes", (long long)h->crashes);
        json_kv_int(j, "dumps", (long long)h->dumps);
        json_obj_end(j);
    }
    json_arr_end(j);
}

void
report_text_hosts(FILE *fp, const struct report *r, const struct report_opts *o)
{
    (void)o;
    if (r->nhosts == 0)
        return;
    fputs("\nHOSTS\n", fp);
    for (size_t i = 0; i < r->nhosts; i++) {
        const struct report_host *h = &r->hosts[i];
        const struct host_facts *f = &h->facts;
        term_printf(fp, "  %s: %s %s", f->name ? f->name : h->bundle,
                    f->product ? f->product : "ESXi",
                    f->version ? f->version : "(version unknown)");
        if (f->build)
            term_printf(fp, " build %s", f->build);
        if (f->update)
            term_printf(fp, " (%s)", f->update);
        fputc('\n', fp);
        if (f->cpu_model || f->cpu_packages) {
            term_printf(fp, "    cpu: %s", f->cpu_model ? f->cpu_model : "");
            if (f->cpu_packages)
                term_printf(fp, " x%d (%d cores, %d threads)", f->cpu_packages, f->cpu_cores,
                            f->cpu_threads);
            if (f->hv_support >= 0)
                term_printf(fp, ", HV Support %d", f->hv_support);
            fputc('\n', fp);
        }
        if (f->nnics) {
            fputs("    nics:", fp);
            for (size_t k = 0; k < f->nnics; k++)
                term_printf(fp, "%s %s (%s%s%s)", k ? "," : "", f->nics[k].name, f->nics[k].driver,
                            f->nics[k].link ? ", link " : "",
                            f->nics[k].link ? f->nics[k].link : "");
            fputc('\n', fp);
        }
        term_printf(
            fp,
            "    read: %zu VM config%s (%zu registered), %zu log file%s, %zu crash%s, %zu dump%s",
            h->vmx, h->vmx == 1 ? "" : "s", f->nvms, h->log_files, h->log_files == 1 ? "" : "s",
            h->crashes, h->crashes == 1 ? "" : "es", h->dumps, h->dumps == 1 ? "" : "s");
        if (strcmp(h->bundle, f->name ? f->name : "") != 0)
            term_printf(fp, "; from %s", h->bundle);
        fputc('\n', fp);
    }
}
