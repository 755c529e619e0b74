/* report_json: the JSON contract read by other tools and by acceptance checks
 * (issue 2 §6): {"vms": [...], "findings": [...], "errors": [...]}. Keep these
 * names; add fields freely. */
#include "report.h"
#include "util_mem.h"

#include <stdlib.h>

void
vm_to_json(struct json *j, const struct vm *vm)
{
    json_obj(j);
    json_key(j, "path");
    json_str(j, vm->path);
    json_key(j, "name");
    json_str(j, vm->name);
    json_key(j, "template");
    json_bool(j, vm->is_template);
    json_key(j, "guest_os");
    json_str(j, vm->guest_os);
    json_key(j, "guest_id");
    json_str(j, vm->guest ? vm->guest->vim_id : NULL);
    json_key(j, "guest_family");
    json_str(j, guest_family_name(vm->family));
    json_key(j, "windows_nt");
    if (vm->windows_nt)
        json_int(j, vm->windows_nt);
    else
        json_null(j);
    json_key(j, "hw_version");
    if (vm->hw_version)
        json_int(j, vm->hw_version);
    else
        json_null(j);
    json_key(j, "firmware");
    json_str(j, vm->firmware);
    json_key(j, "firmware_explicit");
    json_bool(j, vm->firmware_explicit);
    json_key(j, "secure_boot");
    json_tri(j, vm->secure_boot);
    json_key(j, "vhv_enable");
    json_tri(j, vm->vhv_enable);
    json_key(j, "vhc_enable_key");
    json_bool(j, vm->vhc_enable_key);
    json_key(j, "runs_hypervisor");
    json_bool(j, vm->runs_hypervisor);
    json_key(j, "memory_mb");
    if (vm->mem_mb >= 0)
        json_int(j, vm->mem_mb);
    else
        json_null(j);
    json_key(j, "mem_reservation_mb");
    if (vm->mem_min_mb >= 0)
        json_int(j, vm->mem_min_mb);
    else
        json_null(j);
    json_key(j, "mem_pin");
    json_tri(j, vm->mem_pin);
    json_key(j, "mem_fully_reserved");
    json_bool(j, vm->mem_fully_reserved);
    json_key(j, "vcpus");
    json_int(j, vm->vcpus);
    json_key(j, "cores_per_socket");
    json_int(j, vm->cores_per_socket);
    json_key(j, "sound");
    json_tri(j, vm->sound);
    json_key(j, "usb");
    json_tri(j, vm->usb);
    json_key(j, "floppy");
    json_tri(j, vm->floppy);
    json_key(j, "serial_ports");
    json_int(j, vm->serial_ports);
    json_key(j, "parallel_ports");
    json_int(j, vm->parallel_ports);
    json_key(j, "tools_sync_time");
    json_tri(j, vm->tools_sync_time);
    json_key(j, "nics");
    json_arr(j);
    for (size_t i = 0; i < vm->nnics; i++) {
        const struct vm_nic *n = &vm->nics[i];
        json_obj(j);
        json_key(j, "index");
        json_int(j, n->index);
        json_key(j, "present");
        json_bool(j, n->present);
        json_key(j, "type");
        json_str(j, n->type);
        json_key(j, "type_explicit");
        json_bool(j, n->type_explicit);
        json_key(j, "type_default");
        json_str(j, n->type_default);
        json_key(j, "type_default_verified");
        json_bool(j, false);
        json_key(j, "vmxnet2");
        json_bool(j, n->vmxnet2);
        json_key(j, "network");
        json_str(j, n->network);
        json_key(j, "connection_type");
        json_str(j, n->connection_type);
        json_key(j, "address_type");
        json_str(j, n->address_type);
        json_key(j, "mac");
        json_str(j, n->mac);
        json_key(j, "start_connected");
        json_tri(j, n->start_connected);
        json_key(j, "line");
        json_int(j, (long long)n->line);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "controllers");
    json_arr(j);
    for (size_t i = 0; i < vm->nctrls; i++) {
        const struct vm_controller *c = &vm->ctrls[i];
        json_obj(j);
        json_key(j, "bus");
        json_str(j, vm_bus_name(c->bus));
        json_key(j, "index");
        json_int(j, c->index);
        json_key(j, "present");
        json_bool(j, c->present);
        json_key(j, "type");
        json_str(j, c->type);
        json_key(j, "disks");
        json_int(j, c->disks);
        json_key(j, "boot");
        json_bool(j, c->boot);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "boot_basis");
    json_str(j, vm->boot_basis);
    json_key(j, "encoding");
    json_str(j, vmx_encoding(vm->doc));
    json_key(j, "crlf");
    json_bool(j, vmx_has_crlf(vm->doc));
    json_key(j, "keys");
    json_int(j, (long long)vmx_count(vm->doc));
    json_obj_end(j);
}

void
finding_to_json(struct json *j, const struct finding *f)
{
    json_obj(j);
    json_key(j, "rule");
    json_str(j, f->rule->id);
    json_key(j, "level");
    json_str(j, level_name(f->level));
    json_key(j, "subject");
    json_str(j, f->subject);
    json_key(j, "name");
    json_str(j, f->name);
    json_key(j, "title");
    json_str(j, f->rule->title);
    json_key(j, "description");
    json_str(j, f->rule->description);
    json_key(j, "devices");
    json_arr(j);
    for (size_t i = 0; i < f->ndevices; i++)
        json_str(j, f->devices[i]);
    json_arr_end(j);
    json_key(j, "evidence");
    json_arr(j);
    for (size_t i = 0; i < f->nev; i++) {
        json_obj(j);
        json_key(j, "line");
        json_int(j, (long long)f->ev[i].line);
        json_key(j, "text");
        json_str(j, f->ev[i].text);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "references");
    json_arr(j);
    for (size_t i = 0; i < f->rule->nrefs; i++)
        json_str(j, f->rule->refs[i]);
    json_arr_end(j);
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
        json_key(j, "subject");
        json_str(j, f->rel[i].subject);
        json_key(j, "rule");
        json_str(j, f->rel[i].rule);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}

int
report_json(FILE *fp, const struct report *r)
{
    struct buf b = BUF_INIT;
    struct json j;
    json_init(&j, &b);
    json_obj(&j);
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
    json_key(&j, "findings");
    json_arr(&j);
    for (size_t i = 0; i < r->findings.n; i++)
        finding_to_json(&j, &r->findings.v[i]);
    json_arr_end(&j);
    json_key(&j, "errors");
    json_arr(&j);
    for (size_t i = 0; i < r->diags.n; i++) {
        const struct diag *d = &r->diags.v[i];
        json_obj(&j);
        json_key(&j, "path");
        json_str(&j, d->path);
        json_key(&j, "line");
        json_int(&j, (long long)d->line);
        json_key(&j, "severity");
        json_str(&j, d->level == DIAG_ERROR ? "error" : "note");
        json_key(&j, "message");
        json_str(&j, d->message);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_key(&j, "summary");
    json_obj(&j);
    json_key(&j, "vms");
    json_int(&j, (long long)r->nvms);
    json_key(&j, "templates");
    json_int(&j, (long long)r->templates);
    json_key(&j, "not_vmware");
    json_int(&j, (long long)r->not_vmware);
    json_key(&j, "aliases_skipped");
    json_int(&j, (long long)r->aliases);
    json_key(&j, "findings");
    json_int(&j, (long long)r->findings.n);
    json_obj_end(&j);
    json_obj_end(&j);
    buf_addc(&b, '\n');
    fputs(buf_str(&b), fp);
    buf_release(&b);
    return ferror(fp) ? -1 : 0;
}

void
report_release(struct report *r)
{
    for (size_t i = 0; i < r->nvms; i++)
        free(r->vm_json[i]);
    free(r->vm_json);
    findings_release(&r->findings);
    diags_release(&r->diags);
}
