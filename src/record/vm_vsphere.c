/* vm_vsphere: vSphere API objects to .vmx documents and host facts (see
 * vm_vsphere.h). The mapping of device classes follows the vSphere API
 * reference's VirtualDevice subtypes and the .vmx values of kb/vmx.md. */
#include "record/vm_vsphere.h"
#include "record/guestos.h"
#include "parse/vmx/vmx_write.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const vsphere_vm_paths[] = {
    "name",
    "parent",
    "parentVApp",
    "config.template",
    "config.guestId",
    "config.version",
    "config.firmware",
    "config.bootOptions.efiSecureBootEnabled",
    "config.nestedHVEnabled",
    "config.hardware.memoryMB",
    "config.hardware.numCPU",
    "config.hardware.numCoresPerSocket",
    "config.hardware.device",
    "config.memoryAllocation.reservation",
    "config.tools.syncTimeWithHost",
    "config.cpuFeatureMask",
    "config.extraConfig",
    "runtime.host",
    "runtime.powerState",
    "summary.config.vmPathName",
};
const size_t vsphere_vm_npaths = sizeof(vsphere_vm_paths) / sizeof(vsphere_vm_paths[0]);

const char *const vsphere_host_paths[] = {
    "name",
    "parent",
    "summary.config.product",
    "config.product",
    "summary.hardware.cpuModel",
    "capability.nestedHVSupported",
    "capability.ftCompatibilityIssues",
    "runtime.connectionState",
    /* last: only asked of servers of API 6.0 or later, which know it */
    "capability.smpFtCompatibilityIssues",
};
const size_t vsphere_host_npaths = sizeof(vsphere_host_paths) / sizeof(vsphere_host_paths[0]);

const char *const vsphere_entity_paths[] = {"name", "parent"};
const size_t vsphere_entity_npaths = 2;

const char *
vsphere_device_vmx(const char *xtype, bool *nic)
{
    return vmx_device_class(xtype, nic);
}

/* The val of the propSet named `name`, or NULL. */
static const struct vs_node *
prop(const struct vs_node *obj, const char *name)
{
    for (const struct vs_node *c = obj->child; c; c = c->next)
        if (strcmp(c->name, "propSet") == 0) {
            const char *n = vs_text(c, "name");
            if (n && strcmp(n, name) == 0)
                return vs_child(c, "val");
        }
    return NULL;
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static const char *
prop_text(const struct vs_node *obj, const char *name)
{
    const struct vs_node *v = prop(obj, name);
    return v ? v->text : NULL;
}

/* Each missingSet as "path: FaultType". */
static void
read_missing(const struct vs_node *obj, char ***out, size_t *n)
{
    size_t cap = 0;
    for (const struct vs_node *c = obj->child; c; c = c->next) {
        if (strcmp(c->name, "missingSet") != 0)
            continue;
        const char *path = vs_text(c, "path");
        const struct vs_node *f = vs_path(c, "fault/fault");
        const char *type = f ? (f->xtype ? f->xtype : f->name) : "fault";
        XGROW(*out, cap, *n + 1);
        (*out)[(*n)++] = xasprintf("%s: %s", path ? path : "?", type);
    }
}

/* The document being written (parse/vmx/vmx_write.h). */
struct doc {
    struct vmx_writer w;
};

static void
put(struct doc *d, const char *key, const char *value)
{
    vmx_writer_put(&d->w, key, value);
}

#define vmx_bool_of vmx_bool_text

/* The device list as vmx_write_devices takes it. */
static void
write_devices(struct doc *d, const struct vs_node *devs)
{
    if (devs == NULL)
        return;
    size_t n = 0;
    for (const struct vs_node *v = devs->child; v; v = v->next)
        n++;
    struct vmx_dev *a = xcalloc(n ? n : 1, sizeof(*a));
    size_t i = 0;
    for (const struct vs_node *v = devs->child; v; v = v->next, i++)
        a[i] = (struct vmx_dev){
            .xtype = v->xtype ? v->xtype : "",
            .key = vs_text(v, "key"),
            .controller = vs_text(v, "controllerKey"),
            .unit = vs_text(v, "unitNumber"),
            .bus = vs_text(v, "busNumber"),
            .mac = vs_text(v, "macAddress"),
            .addr_type = vs_text(v, "addressType"),
            .network = vs_text(v, "backing/deviceName"),
            .start = vs_text(v, "connectable/startConnected"),
            .file = vs_text(v, "backing/fileName"),
        };
    struct vmx_dev_gaps gaps;
    vmx_write_devices(&d->w, a, n, &gaps);
    free(a);
}

/* config.cpuFeatureMask (HostCpuIdInfo[]: level, vendor, eax..edx) as the
 * .vmx keys cpuid.<level in hex>.<register> ("cpuid.80000001.ecx"; the
 * level is an xsd:int, so 0x80000001 arrives as -2147483647). A mask for one
 * vendor only (vendor set) is not written: which CPU the VM meets is not
 * known here, and no source names its .vmx key. */
static void
write_cpuid_masks(struct doc *d, const struct vs_node *masks)
{
    static const char *const regs[] = {"eax", "ebx", "ecx", "edx"};
    for (const struct vs_node *m = masks ? masks->child : NULL; m; m = m->next) {
        const char *lv = vs_text(m, "level"), *vendor = vs_text(m, "vendor");
        if (lv == NULL || (vendor && *vendor))
            continue;
        char *end;
        long long level = strtoll(lv, &end, 10);
        if (*lv == '\0' || *end || level < INT32_MIN || level > UINT32_MAX)
            continue;
        for (size_t i = 0; i < 4; i++)
            vmx_writer_putf(&d->w, vs_text(m, regs[i]), "cpuid.%x.%s", (unsigned)(uint32_t)level,
                            regs[i]);
    }
}

void
vsphere_vm_read(const struct vs_node *obj, struct vsphere_vm *vm)
{
    *vm = (struct vsphere_vm){.nested_hv = -1};
    vm->moref = dup_or_null(vs_text(obj, "obj"));
    vm->name = dup_or_null(prop_text(obj, "name"));
    vm->parent = dup_or_null(prop_text(obj, "parent"));
    if (vm->parent == NULL) /* a VM in a vApp has its vApp instead of a folder */
        vm->parent = dup_or_null(prop_text(obj, "parentVApp"));
    vm->host = dup_or_null(prop_text(obj, "runtime.host"));
    vm->power_state = dup_or_null(prop_text(obj, "runtime.powerState"));
    vm->vmx_path = dup_or_null(prop_text(obj, "summary.config.vmPathName"));
    const char *tmpl = prop_text(obj, "config.template");
    vm->is_template = tmpl && strcmp(tmpl, "true") == 0;
    read_missing(obj, &vm->denied, &vm->ndenied);

    struct doc d = {VMX_WRITER_INIT};
    put(&d, "config.version", "8");
    put(&d, "displayName", vm->name);
    const char *gid = prop_text(obj, "config.guestId");
    const struct guestos *g = guestos_lookup_vim(gid);
    put(&d, "guestOS", g ? g->key : gid);
    const char *ver = prop_text(obj, "config.version");
    if (ver && strncmp(ver, "vmx-", 4) == 0)
        put(&d, "virtualHW.version", ver + 4);
    put(&d, "firmware", prop_text(obj, "config.firmware"));
    put(&d, "uefi.secureBoot.enabled",
        vmx_bool_of(prop_text(obj, "config.bootOptions.efiSecureBootEnabled")));
    /* the server leaves the property out when it is unset: then no key, as in
     * a .vmx that never set it; an explicit false is vhv.enable = "FALSE" */
    const char *hv = vmx_bool_of(prop_text(obj, "config.nestedHVEnabled"));
    vm->nested_hv = hv == NULL ? -1 : strcmp(hv, "TRUE") == 0;
    put(&d, "vhv.enable", hv);
    put(&d, "memsize", prop_text(obj, "config.hardware.memoryMB"));
    put(&d, "sched.mem.min", prop_text(obj, "config.memoryAllocation.reservation"));
    put(&d, "numvcpus", prop_text(obj, "config.hardware.numCPU"));
    put(&d, "cpuid.coresPerSocket", prop_text(obj, "config.hardware.numCoresPerSocket"));
    put(&d, "tools.syncTime", vmx_bool_of(prop_text(obj, "config.tools.syncTimeWithHost")));
    const struct vs_node *devs = prop(obj, "config.hardware.device");
    write_devices(&d, devs);
    write_cpuid_masks(&d, prop(obj, "config.cpuFeatureMask"));
    const struct vs_node *extra = prop(obj, "config.extraConfig");
    for (const struct vs_node *o = extra ? extra->child : NULL; o; o = o->next) {
        const char *k = vs_text(o, "key"), *v = vs_text(o, "value");
        if (k && *k)
            put(&d, k, v ? v : "");
    }
    vm->has_config = gid != NULL || ver != NULL || devs != NULL;
    vm->vmx = vmx_writer_detach(&d.w, &vm->vmx_len);
}

static void
free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void
vsphere_vm_release(struct vsphere_vm *vm)
{
    free(vm->moref);
    free(vm->name);
    free(vm->parent);
    free(vm->host);
    free(vm->power_state);
    free(vm->vmx_path);
    free(vm->vmx);
    free_list(vm->denied, vm->ndenied);
    *vm = (struct vsphere_vm){0};
}

void
vsphere_entity_read(const struct vs_node *obj, struct vsphere_entity *e)
{
    *e = (struct vsphere_entity){.nested_hv = -1, .hv_support = -1};
    const struct vs_node *o = vs_child(obj, "obj");
    e->moref = dup_or_null(o ? o->text : NULL);
    e->type = dup_or_null(o ? o->mtype : NULL);
    e->name = dup_or_null(prop_text(obj, "name"));
    e->parent = dup_or_null(prop_text(obj, "parent"));
    const struct vs_node *p = prop(obj, "summary.config.product");
    if (p == NULL)
        p = prop(obj, "config.product");
    e->product = dup_or_null(vs_text(p, "name"));
    e->version = dup_or_null(vs_text(p, "version"));
    e->build = dup_or_null(vs_text(p, "build"));
    e->full_name = dup_or_null(vs_text(p, "fullName"));
    e->cpu_model = dup_or_null(prop_text(obj, "summary.hardware.cpuModel"));
    e->connection = dup_or_null(prop_text(obj, "runtime.connectionState"));
    const char *hv = prop_text(obj, "capability.nestedHVSupported");
    e->nested_hv = hv == NULL ? -1 : strcmp(hv, "true") == 0;
    /* HostCapabilityFtUnsupportedReason: cpuHvDisabled "hardware
     * virtualization has been disabled in the BIOS" is what esxcli's HV
     * Support 2 says; cpuHvUnsupported "Host CPU does not support hardware
     * virtualization" is its 0 or 1 (the API does not tell them apart: 0) */
    static const char *const lists[] = {"capability.ftCompatibilityIssues",
                                        "capability.smpFtCompatibilityIssues"};
    for (size_t i = 0; i < 2 && e->hv_support < 0; i++) {
        const struct vs_node *l = prop(obj, lists[i]);
        for (const struct vs_node *s = l ? l->child : NULL; s; s = s->next) {
            if (strcmp(s->text, "cpuHvDisabled") == 0)
                e->hv_support = 2;
            else if (strcmp(s->text, "cpuHvUnsupported") == 0)
                e->hv_support = 0;
            else
                continue;
            e->hv_source = xasprintf("%s: %s", lists[i], s->text);
            break;
        }
    }
    read_missing(obj, &e->denied, &e->ndenied);
}

void
vsphere_entity_release(struct vsphere_entity *e)
{
    free(e->moref);
    free(e->type);
    free(e->name);
    free(e->parent);
    free(e->product);
    free(e->version);
    free(e->build);
    free(e->full_name);
    free(e->cpu_model);
    free(e->connection);
    free(e->hv_source);
    free_list(e->denied, e->ndenied);
    *e = (struct vsphere_entity){0};
}
