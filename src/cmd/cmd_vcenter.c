/* cmd_vcenter: `vmtriage vcenter [options] URL`: the `scan` audit of a whole
 * vCenter (or ESXi host) inventory, read live over the vSphere API.
 *
 * One conversation (source/vsphere_client.c): the inventory's folders,
 * datacenters, clusters and hosts first (names and parents, to write each
 * VM's inventory path, and the hosts' builds and CPUs), then the VMs,
 * streamed: each VM's properties become the .vmx document they stand for
 * (record/vm_vsphere.c), which the .vmx reader and VM builder turn into the
 * same record a datastore scan makes; the same rules run on it and it is
 * freed before the next arrives. The session is logged out at the end, also
 * after an error or Ctrl-C. The static build has no vSphere client: the
 * command then says so (exit 3). */
#include "cmd/cli.h"

#ifdef VT_VSPHERE
#include "parse/cpu/cpu.h"
#include "record/esxi_release.h"
#include "record/vm_vsphere.h"
#include "source/vsphere_client.h"
#include "source/vsphere_cred.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#endif

static int run_vcenter(struct cmd_ctx *c);

const struct command vcenter_cmd = {
    .name = "vcenter",
    .run = run_vcenter,
    .needs = CMD_OPERAND | CMD_RULES | CMD_REPORT,
    .missing = "vcenter needs the URL of a vCenter or ESXi host (https://vc.example/sdk)",
    .usage = "vmtriage vcenter [options] URL",
    .brief = "audit every VM of a vCenter or ESXi host over the vSphere API",
    .summary =
        "Audit every VM of a live vCenter or ESXi host (URL: https://HOST/sdk, or HOST) with the\n"
        "rules of 'scan'. Credentials: --cred-file FILE (mode 0600; user=NAME and\n"
        "password=SECRET lines), else VMTRIAGE_USER and VMTRIAGE_PASSWORD, else a prompt on\n"
        "the terminal. Not in the static binary.",
    .opts = CO_REPORT | CO_PROFILE | CO_VCENTER,
    .formats = FMTS_ALL};

#ifndef VT_VSPHERE

int
vcenter_read(const char *url_arg, const struct ruleset *rules, const struct vt_opts *o,
             bool want_json, struct report *rep)
{
    (void)url_arg, (void)rules, (void)o, (void)want_json, (void)rep;
    cli_error("vcenter: this vmtriage is built without the vSphere client (the static binary "
              "never has it); run the dynamically linked build");
    return VT_EXIT_UNKNOWN;
}

#else

static volatile sig_atomic_t interrupted;

static void
on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* The containers and hosts, sorted by moref once read. */
struct inventory {
    struct vsphere_entity *v;
    size_t n, cap;
    bool sorted;
};

static int
cmp_entity(const void *a, const void *b)
{
    const struct vsphere_entity *x = a, *y = b;
    return strcmp(x->moref ? x->moref : "", y->moref ? y->moref : "");
}

static const struct vsphere_entity *
find_entity(const struct inventory *inv, const char *moref)
{
    if (moref == NULL)
        return NULL;
    struct vsphere_entity key = {.moref = (char *)moref};
    return bsearch(&key, inv->v, inv->n, sizeof(*inv->v), cmp_entity);
}

struct vc_run {
    const struct ruleset *rules;
    struct record_ctx ctx;
    struct report *rep;
    struct inventory inv;
    size_t vm_cap;
    bool want_json;
    const char *server;
    size_t denied_objects;
};

static int
on_entity(void *arg, const struct vs_node *obj)
{
    struct vc_run *r = arg;
    XGROW(r->inv.v, r->inv.cap, r->inv.n + 1);
    vsphere_entity_read(obj, &r->inv.v[r->inv.n++]);
    return interrupted;
}

/* "/DC0/vm/folder/name": the names up the parent chain, below the root folder
 * (the one entity without a parent). */
static char *
inventory_path(const struct inventory *inv, const char *parent, const char *name)
{
    const char *names[64];
    size_t n = 0;
    for (const struct vsphere_entity *e = find_entity(inv, parent); e && e->parent && n < 64;
         e = find_entity(inv, e->parent))
        names[n++] = e->name ? e->name : "?";
    struct buf b = BUF_INIT;
    while (n > 0) {
        buf_addc(&b, '/');
        buf_adds(&b, names[--n]);
    }
    buf_addc(&b, '/');
    buf_adds(&b, name ? name : "?");
    return buf_detach(&b);
}

static struct report_host *
host_of(struct vc_run *r, const char *moref)
{
    const struct vsphere_entity *e = find_entity(&r->inv, moref);
    for (size_t i = 0; e && i < r->rep->nhosts; i++)
        if (r->rep->hosts[i].facts.name && e->name &&
            strcmp(r->rep->hosts[i].facts.name, e->name) == 0)
            return &r->rep->hosts[i];
    return NULL;
}

static int
on_vm(void *arg, const struct vs_node *obj)
{
    struct vc_run *r = arg;
    struct report *rep = r->rep;
    struct vsphere_vm v;
    vsphere_vm_read(obj, &v);
    char *path = inventory_path(&r->inv, v.parent, v.name ? v.name : v.moref);
    for (size_t i = 0; i < v.ndenied; i++)
        diags_add(&rep->diags, DIAG_ERROR, path, 0,
                  "property %s (not readable with this account)%s", v.denied[i],
                  v.has_config ? "; audited without it" : "");
    r->denied_objects += v.ndenied > 0;
    if (!v.has_config) {
        diags_add(&rep->diags, DIAG_ERROR, path, 0,
                  "the server gave no configuration for this VM (%s); not audited",
                  v.ndenied ? "permission" : "inaccessible or being created");
        free(path);
        vsphere_vm_release(&v);
        return interrupted;
    }
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = vmx_parse(v.vmx, v.vmx_len, path, &d);
    struct vm *vm = vm_from_vmx_checked(doc, path, &d);
    diags_move(&rep->diags, &d);
    diags_release(&d);
    vm->is_template = v.is_template;
    /* In a .vmx, a vhv.enable key at all (FALSE too) means someone touched
     * the setting, so the VM counts as a nested hypervisor candidate. Over
     * the API, false is what a server sends for a VM that never set it (a
     * real vCenter's reply saved with `govc object.save` shows
     * NestedHVEnabled false on a plain CentOS VM; vcsim leaves it out): that
     * false stays vhv_enable false but makes no nested candidate. */
    if (v.nested_hv == 0 && vm->family != GUEST_VMKERNEL)
        vm->runs_hypervisor = false;
    vm->datastore_path = v.vmx_path ? xstrdup(v.vmx_path) : NULL;
    /* "[ds1] vm/vm.vmx" is /vmfs/volumes/ds1/vm/vm.vmx in the host's shell */
    const char *close = v.vmx_path && v.vmx_path[0] == '[' ? strchr(v.vmx_path, ']') : NULL;
    if (close)
        vm->host_file = xasprintf("/vmfs/volumes/%.*s/%s", (int)(close - v.vmx_path - 1),
                                  v.vmx_path + 1, close[1] == ' ' ? close + 2 : close + 1);
    vm->power_state = v.power_state ? xstrdup(v.power_state) : NULL;
    const struct vsphere_entity *h = find_entity(&r->inv, v.host);
    vm->host = h && h->name ? xstrdup(h->name) : NULL;
    const struct vsphere_entity *cl = h ? find_entity(&r->inv, h->parent) : NULL;
    if (cl && cl->type && strcmp(cl->type, "ClusterComputeResource") == 0 && cl->name)
        vm->cluster = xstrdup(cl->name);
    if (vm->vhv_enable == 1 && h && (h->nested_hv == 0 || (h->hv_support >= 0 && h->hv_support < 3)))
        diags_add(&rep->diags, DIAG_NOTE, path, 0,
                  "vhv.enable is TRUE (nestedHVEnabled), but its host %s %s: the guest gets no "
                  "hardware virtualization there",
                  h->name ? h->name : "?",
                  h->nested_hv == 0 ? "does not offer nested hardware virtualization "
                                      "(capability.nestedHVSupported false)"
                  : h->hv_support == 2 ? "has hardware virtualization disabled in the BIOS "
                                         "(HV Support 2)"
                                       : "has a CPU without hardware virtualization (HV Support 0/1)");
    struct report_host *rh = host_of(r, v.host);
    if (rh) {
        rh->vmx++;
        rh->facts.vms = xreallocarray(rh->facts.vms, rh->facts.nvms + 1, sizeof(char *));
        rh->facts.vms[rh->facts.nvms++] = xstrdup(path);
    }
    audit_vm(r->rules, vm, &r->ctx, &rep->findings);
    if (r->want_json) {
        struct buf b = BUF_INIT;
        struct json j;
        json_init(&j, &b);
        vm_to_json(&j, vm);
        XGROW(rep->vm_json, r->vm_cap, rep->nvms + 1);
        rep->vm_json[rep->nvms] = buf_detach(&b);
    }
    rep->nvms++;
    rep->templates += vm->is_template;
    vm_free(vm);
    free(path);
    vsphere_vm_release(&v);
    return interrupted;
}

/* The hosts among the entities, as report hosts (their facts). */
static void
add_hosts(struct vc_run *r)
{
    struct report *rep = r->rep;
    for (size_t i = 0; i < r->inv.n; i++) {
        const struct vsphere_entity *e = &r->inv.v[i];
        if (e->type == NULL || strcmp(e->type, "HostSystem") != 0)
            continue;
        rep->hosts = xreallocarray(rep->hosts, rep->nhosts + 1, sizeof(*rep->hosts));
        struct report_host *h = &rep->hosts[rep->nhosts++];
        *h = (struct report_host){.bundle = xstrdup(r->server), .facts = HOST_FACTS_INIT};
        struct host_facts *f = &h->facts;
        f->name = e->name ? xstrdup(e->name) : NULL;
        f->product = e->product ? xstrdup(e->product) : NULL;
        f->version = e->version ? xstrdup(e->version) : NULL;
        f->build = e->build ? xstrdup(e->build) : NULL;
        f->cpu_model = e->cpu_model ? xstrdup(e->cpu_model) : NULL;
        f->hv_support = e->hv_support;
        struct esxi_release rel;
        if (e->build && esxi_release_of_build(strtoll(e->build, NULL, 10), &rel))
            f->update = xstrdup(rel.name); /* data/esxi_builds.tsv */
        char *path = inventory_path(&r->inv, e->parent, e->name);
        if (e->hv_support >= 0) { /* the cpu rules, as for a bundle's esxcli output */
            struct cpu_info info = CPU_INFO_EMPTY;
            info.format = CPU_FORMAT_ESXCLI;
            info.hv_support = e->hv_support;
            char *subject = xasprintf("%s (vSphere API %s)", path, e->hv_source);
            struct cpu_view cv = {&info, subject};
            char *ev = cpu_evidence_text(&info);
            audit_cpu(r->rules, &cv, 0, ev, &rep->findings);
            free(ev);
            free(subject);
        }
        for (size_t k = 0; k < e->ndenied; k++)
            diags_add(&rep->diags, DIAG_ERROR, path, 0,
                      "property %s (not readable with this account)", e->denied[k]);
        if (e->nested_hv == 0)
            diags_add(&rep->diags, DIAG_NOTE, path, 0,
                      "the host does not offer nested hardware virtualization "
                      "(capability.nestedHVSupported false): vhv.enable has no effect on its VMs");
        free(path);
    }
}

/* https://HOST/sdk from HOST, https://HOST or a full URL. */
static char *
sdk_url(const char *arg)
{
    const char *scheme = strstr(arg, "://") ? "" : "https://";
    const char *rest = strstr(arg, "://") ? strstr(arg, "://") + 3 : arg;
    const char *slash = strchr(rest, '/');
    if (slash == NULL || slash[1] == '\0')
        return xasprintf("%s%.*s/sdk", scheme, (int)(slash ? (size_t)(slash - arg) : strlen(arg)),
                         arg);
    return xasprintf("%s%s", scheme, arg);
}

/* The host[:port] of a URL, for messages and the report. */
static char *
url_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    return xstrndup(p, strcspn(p, "/"));
}

int
vcenter_read(const char *url_arg, const struct ruleset *rules, const struct vt_opts *o,
             bool want_json, struct report *rep)
{
    char *url = sdk_url(url_arg);
    if (strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0) {
        cli_error("vcenter: '%s' is no http(s) URL", url_arg);
        free(url);
        return VT_EXIT_UNKNOWN;
    }
    char err[1024];
    struct vs_cred cred;
    if (vs_cred_get(o->credentials, &cred, err, sizeof(err)) != 0) {
        cli_error("vcenter: %s", err);
        free(url);
        return VT_EXIT_UNKNOWN;
    }
    if (o->insecure)
        cli_error("warning: --insecure: the server's certificate is not checked; whoever sits "
                  "between you and it can read the password");
    else if (strncasecmp(url, "http://", 7) == 0)
        cli_error("warning: %s is plain HTTP: the password crosses the network unencrypted", url);

    struct sigaction sa = {.sa_handler = on_sigint}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    struct vs_http_opts ho = {.url = url,
                              .ca_file = o->ca_file,
                              .thumbprint = o->thumbprint,
                              .insecure = o->insecure,
                              .connect_timeout_s = o->timeout > 0 && o->timeout < 30 ? o->timeout
                                                                                     : 30,
                              .timeout_s = o->timeout > 0 ? o->timeout : 300,
                              .interrupted = &interrupted};
    struct vc_run r = {.rules = rules,
                       .ctx = {.profile_nested = o->profile_nested},
                       .rep = rep,
                       .want_json = want_json,
                       .server = NULL};
    char *server = url_host(url);
    r.server = server;
    int rc = VT_EXIT_OK;
    struct vs_client *vc = vs_client_open(&ho, err, sizeof(err));
    if (vc == NULL || vs_client_login(vc, cred.user, cred.password, err, sizeof(err)) != 0) {
        cli_error("vcenter: %s: %s", server, err);
        rc = VT_EXIT_UNKNOWN;
    }
    vs_cred_release(&cred);
    if (rc == VT_EXIT_OK) {
        /* ResourcePool covers vApps, the parents of the VMs in them */
        static const char *const entity_types[] = {"Folder", "Datacenter", "ComputeResource",
                                                   "ResourcePool", "HostSystem"};
        /* capability.smpFtCompatibilityIssues (the last host path) came with API 6.0 */
        const char *api = vs_client_about(vc, "apiVersion");
        size_t nhost_paths = vsphere_host_npaths - (api && atoi(api) < 6);
        const struct vs_propset eps[] = {
            {"ManagedEntity", vsphere_entity_paths, vsphere_entity_npaths},
            {"HostSystem", vsphere_host_paths, nhost_paths}};
        static const char *const vm_types[] = {"VirtualMachine"};
        const struct vs_propset vps[] = {{"VirtualMachine", vsphere_vm_paths, vsphere_vm_npaths}};
        int page = o->page_size > 0 ? o->page_size : 500;
        if (vs_client_collect(vc, entity_types, 5, eps, 2, page, on_entity, &r, err,
                              sizeof(err)) != 0) {
            rc = VT_EXIT_UNKNOWN;
        } else {
            if (r.inv.n > 1)
                qsort(r.inv.v, r.inv.n, sizeof(*r.inv.v), cmp_entity);
            add_hosts(&r);
            rep->has_hosts = true;
            if (vs_client_collect(vc, vm_types, 1, vps, 1, page, on_vm, &r, err, sizeof(err)) != 0)
                rc = VT_EXIT_UNKNOWN;
        }
        if (rc != VT_EXIT_OK)
            cli_error("vcenter: %s: %s", server, interrupted ? "interrupted" : err);
    }
    vs_client_close(vc); /* logs out */
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    for (size_t i = 0; i < r.inv.n; i++)
        vsphere_entity_release(&r.inv.v[i]);
    free(r.inv.v);
    free(server);
    free(url);
    if (rep->vm_json == NULL && r.want_json)
        rep->vm_json = xcalloc(1, sizeof(char *));
    return rc;
}

#endif

static int
run_vcenter(struct cmd_ctx *c)
{
    if (c->nargs != 1) {
        cli_error("vcenter takes one URL, not %zu operands; see 'vmtriage vcenter --help'",
                  c->nargs);
        return VT_EXIT_UNKNOWN;
    }
    return vcenter_read(c->args[0], &c->rules, &c->o, c->o.format == FMT_JSON, &c->rep);
}
