/* report_json: the JSON contract read by other tools and by acceptance checks
 * (issue 2 §6): {"vms": [...], "findings": [...], "errors": [...]}, plus
 * "crashes" and "backtraces" for commands that decode purple screens (issue 3).
 * Keep these names; add fields freely. */
#include "report/report.h"
#include "report/report_stream.h"
#include "parse/inventory/inv.h"
#include "util/util_mem.h"

#include <stdlib.h>

void
vm_to_json(struct json *j, const struct vm *vm)
{
    json_obj(j);
    json_kv_str(j, "path", vm->path);
    json_kv_str(j, "name", vm->name);
    json_kv_bool(j, "template", vm->is_template);
    json_kv_str(j, "guest_os", vm->guest_os);
    json_kv_str(j, "guest_id", vm->guest ? vm->guest->vim_id : NULL);
    json_kv_str(j, "guest_family", guest_family_name(vm->family));
    json_kv_int_opt(j, "windows_nt", vm->windows_nt, vm->windows_nt);
    json_kv_int_opt(j, "hw_version", vm->hw_version, vm->hw_version);
    json_kv_str(j, "firmware", vm->firmware);
    json_kv_bool(j, "firmware_explicit", vm->firmware_explicit);
    json_kv_tri(j, "secure_boot", vm->secure_boot);
    json_kv_tri(j, "vhv_enable", vm->vhv_enable);
    json_kv_bool(j, "vhc_enable_key", vm->vhc_enable_key);
    json_kv_bool(j, "runs_hypervisor", vm->runs_hypervisor);
    json_kv_int_opt(j, "memory_mb", vm->mem_mb >= 0, vm->mem_mb);
    json_kv_int_opt(j, "mem_reservation_mb", vm->mem_min_mb >= 0, vm->mem_min_mb);
    json_kv_tri(j, "mem_pin", vm->mem_pin);
    json_kv_bool(j, "mem_fully_reserved", vm->mem_fully_reserved);
    json_kv_int(j, "vcpus", vm->vcpus);
    json_kv_int(j, "cores_per_socket", vm->cores_per_socket);
    json_kv_tri(j, "sound", vm->sound);
    json_kv_tri(j, "usb", vm->usb);
    json_kv_tri(j, "floppy", vm->floppy);
    json_kv_int(j, "serial_ports", vm->serial_ports);
    json_kv_int(j, "parallel_ports", vm->parallel_ports);
    json_kv_tri(j, "tools_sync_time", vm->tools_sync_time);
    json_key(j, "nics");
    json_arr(j);
    for (size_t i = 0; i < vm->nnics; i++) {
        const struct vm_nic *n = &vm->nics[i];
        json_obj(j);
        json_kv_int(j, "index", n->index);
        json_kv_bool(j, "present", n->present);
        json_kv_str(j, "type", n->type);
        json_kv_bool(j, "type_explicit", n->type_explicit);
        json_kv_str(j, "type_default", n->type_default);
        json_kv_bool(j, "type_default_verified", false);
        json_kv_bool(j, "vmxnet2", n->vmxnet2);
        json_kv_str(j, "network", n->network);
        json_kv_str(j, "connection_type", n->connection_type);
        json_kv_str(j, "address_type", n->address_type);
        json_kv_str(j, "mac", n->mac);
        json_kv_tri(j, "start_connected", n->start_connected);
        json_kv_int(j, "line", (long long)n->line);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "controllers");
    json_arr(j);
    for (size_t i = 0; i < vm->nctrls; i++) {
        const struct vm_controller *c = &vm->ctrls[i];
        json_obj(j);
        json_kv_str(j, "bus", vm_bus_name(c->bus));
        json_kv_int(j, "index", c->index);
        json_kv_bool(j, "present", c->present);
        json_kv_str(j, "type", c->type);
        json_kv_int(j, "disks", c->disks);
        json_kv_bool(j, "boot", c->boot);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_kv_str(j, "boot_basis", vm->boot_basis);
    json_kv_str(j, "encoding", vmx_encoding(vm->doc));
    json_kv_bool(j, "crlf", vmx_has_crlf(vm->doc));
    json_kv_int(j, "keys", (long long)vmx_count(vm->doc));
    if (vm->unknown) { /* read from an inventory: what it could not give */
        json_key(j, "unknown");
        json_arr(j);
        for (unsigned i = 0; i < INV_U_NBITS; i++)
            if (vm->unknown & (1u << i))
                json_str(j, inv_unknown_token(i));
        json_arr_end(j);
    }
    if (vm->datastore_path || vm->power_state || vm->host) { /* read over the vSphere API */
        json_kv_str(j, "datastore_path", vm->datastore_path);
        json_kv_str(j, "host_file", vm->host_file);
        json_kv_str(j, "power_state", vm->power_state);
        json_kv_str(j, "host", vm->host);
        json_kv_str(j, "cluster", vm->cluster);
    }
    json_obj_end(j);
}

void
finding_to_json(struct json *j, const struct finding *f)
{
    json_obj(j);
    json_kv_str(j, "rule", f->rule->id);
    json_kv_str(j, "level", level_name(f->level));
    json_kv_str(j, "subject", f->subject);
    if (f->count)
        json_kv_int(j, "count", (long long)f->count);
    if (f->count) {
        json_kv_time(j, "first", f->has_time, f->first_ms);
        json_kv_time(j, "last", f->has_time, f->last_ms);
        json_key(j, "involved");
        involved_to_json(j, f);
    }
    json_kv_str(j, "name", f->name);
    json_kv_str(j, "title", f->rule->title);
    json_kv_str(j, "description", f->rule->description);
    json_kv_strs(j, "devices", f->devices, f->ndevices);
    json_key(j, "evidence");
    json_arr(j);
    for (size_t i = 0; i < f->nev; i++) {
        json_obj(j);
        if (f->ev[i].source)
            json_kv_str(j, "path", f->ev[i].source);
        json_kv_int(j, "line", (long long)f->ev[i].line);
        if (f->ev[i].source)
            json_kv_time(j, "time", f->ev[i].has_time, f->ev[i].time_ms);
        json_kv_str(j, "text", f->ev[i].text);
        if (f->ev[i].source) /* log lines: the SCSI status and sense in words, or null */
            json_kv_str(j, "decoded", f->ev[i].decoded);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_kv_strs(j, "references", f->rule->refs, f->rule->nrefs);
    if (f->rule->kind == REC_CRASH) { /* what the known issue's fix means for this host */
        json_key(j, "fix");
        json_obj(j);
        json_kv_str(j, "status", fix_state_name(f->fix));
        json_kv_str(j, "note", f->fix_note);
        json_key(j, "fixed_in");
        json_arr(j);
        for (size_t i = 0; i < f->rule->nfixed_in; i++) {
            json_obj(j);
            json_kv_str(j, "version", f->rule->fixed_in[i].version);
            json_kv_int_opt(j, "build", f->rule->fixed_in[i].build != 0,
                            f->rule->fixed_in[i].build);
            json_obj_end(j);
        }
        json_arr_end(j);
        json_obj_end(j);
    }
    json_key(j, "remediation");
    json_obj(j);
    for (size_t i = 0; i < f->nfixes; i++) {
        json_key(j, f->fixes[i].tool);
        json_str(j, f->fixes[i].text);
    }
    json_obj_end(j);
    json_key(j, "related");
    json_arr(j);
    for (size_t i = 0; i < f->nrel; i++) {
        json_obj(j);
        json_kv_str(j, "subject", f->rel[i].subject);
        json_kv_str(j, "rule", f->rel[i].rule);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}

void
report_json_head(struct json *j, const struct report *r)
{
    json_obj(j);
    /* The contract's version: readers of saved reports (fix --from, merge)
     * refuse one they do not know. Raise it when a key changes meaning or goes. */
    json_kv_int(j, "schema", REPORT_SCHEMA);
    json_kv_str(j, "command", r->command);
    json_kv_str(j, "vmtriage", VT_VERSION);
    if (r->has_hosts)
        hosts_to_json(j, r);
}

void
report_json_tail(struct json *j, const struct report *r, size_t nfindings)
{
    json_key(j, "errors");
    json_arr(j);
    for (size_t i = 0; i < r->diags.n; i++) {
        const struct diag *d = &r->diags.v[i];
        json_obj(j);
        json_kv_str(j, "path", d->path);
        json_kv_int(j, "line", (long long)d->line);
        json_kv_str(j, "severity", d->level == DIAG_ERROR ? "error" : "note");
        json_kv_str(j, "message", d->message);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "summary");
    json_obj(j);
    json_kv_int(j, "vms", (long long)r->nvms);
    json_kv_int(j, "templates", (long long)r->templates);
    json_kv_int(j, "not_vmware", (long long)r->not_vmware);
    json_kv_int(j, "encrypted", (long long)r->encrypted);
    json_kv_int(j, "aliases_skipped", (long long)r->aliases);
    if (r->has_crashes) {
        json_kv_int(j, "crashes", (long long)r->ncrashes);
        json_kv_int(j, "backtraces", (long long)(r->nbacktraces + r->backtraces_dropped));
    }
    if (r->has_files) {
        unsigned long long bytes = 0, lines = 0;
        for (size_t i = 0; i < r->nfiles; i++) {
            bytes += r->files[i].bytes;
            lines += r->files[i].lines;
        }
        json_kv_int(j, "files", (long long)r->nfiles);
        json_kv_int(j, "bytes", (long long)bytes);
        json_kv_int(j, "lines", (long long)lines);
    }
    if (r->has_dumps)
        json_kv_int(j, "dumps", (long long)r->ndumps);
    if (r->has_hosts)
        json_kv_int(j, "hosts", (long long)r->nhosts);
    if (r->has_cpus)
        json_kv_int(j, "cpus", (long long)r->ncpus);
    if (r->has_diagnoses)
        json_kv_int(j, "diagnoses", (long long)r->ndiagnoses);
    json_kv_int(j, "findings", (long long)nfindings);
    json_obj_end(j);
    json_obj_end(j);
}

int
report_json(FILE *fp, const struct report *r)
{
    struct buf b = BUF_INIT;
    struct json j;
    json_init(&j, &b);
    json_sink(&j, fp);
    report_json_head(&j, r);
    if (r->vm_json) {
        json_key(&j, "vms");
        json_arr(&j);
        fputs(buf_str(&b), fp);
        for (size_t i = 0; i < r->nvms; i++) {
            if (i)
                fputc(',', fp);
            fputs(r->vm_json[i], fp);
        }
        buf_reset(&b);
        j.first[j.depth] = r->nvms == 0;
        json_arr_end(&j);
    }
    if (r->has_crashes) {
        json_key(&j, "crashes");
        json_arr(&j);
        for (size_t i = 0; i < r->ncrashes; i++)
            crash_to_json(&j, &r->crashes[i], &r->findings);
        json_arr_end(&j);
        json_key(&j, "backtraces");
        json_arr(&j);
        for (size_t i = 0; i < r->nbacktraces; i++)
            backtrace_to_json(&j, &r->backtraces[i]);
        json_arr_end(&j);
    }
    if (r->has_files)
        files_to_json(&j, r);
    if (r->has_dumps)
        dumps_to_json(&j, r);
    if (r->has_cpus)
        cpus_to_json(&j, r);
    if (r->has_diagnoses)
        diagnoses_to_json(&j, r);
    json_key(&j, "findings");
    json_arr(&j);
    for (size_t i = 0; i < r->findings.n; i++)
        finding_to_json(&j, &r->findings.v[i]);
    json_arr_end(&j);
    report_json_tail(&j, r, r->findings.n);
    buf_addc(&b, '\n');
    fputs(buf_str(&b), fp);
    buf_release(&b);
    return ferror(fp) ? -1 : 0;
}

void
report_release(struct report *r)
{
    for (size_t i = 0; r->vm_json && i < r->nvms; i++) /* NULL: counted, not serialised */
        free(r->vm_json[i]);
    free(r->vm_json);
    for (size_t i = 0; i < r->ncrashes; i++)
        crash_view_release(&r->crashes[i]);
    free(r->crashes);
    free(r->backtraces);
    for (size_t i = 0; i < r->nfiles; i++)
        free(r->files[i].path);
    free(r->files);
    timeline_release(&r->timeline);
    for (size_t i = 0; i < r->nresults; i++)
        psod_result_release(&r->results[i]);
    free(r->results);
    for (size_t i = 0; i < r->nhosts; i++) {
        free(r->hosts[i].bundle);
        free(r->hosts[i].banner);
        host_facts_release(&r->hosts[i].facts);
    }
    free(r->hosts);
    for (size_t i = 0; i < r->ndumps; i++) {
        dump_view_release(&r->dumps[i].view);
        dump_release(&r->dumps[i].dump);
        free(r->dumps[i].path);
    }
    free(r->dumps);
    for (size_t i = 0; i < r->ncpus; i++) {
        cpu_release(&r->cpus[i].info);
        free(r->cpus[i].path);
        free(r->cpus[i].verdict);
    }
    free(r->cpus);
    for (size_t i = 0; i < r->ndiagnoses; i++)
        diagnosis_free(r->diagnoses[i]);
    free(r->diagnoses);
    findings_release(&r->findings);
    diags_release(&r->diags);
    report_stream_free(r->stream);
    r->stream = NULL;
}
