/* cmd_scan: `vmtriage scan PATH...`: the datastore audit.
 *
 * The walk lists the files (one thread); workers then read, parse, build the
 * VM record, run the rules and serialise the VM for JSON, each into its own
 * slot, so the report comes out in walk order whatever the thread timing.
 * A VM's document is freed as soon as its slot is done: memory holds the
 * findings and serialised records, not the parsed files. */
#include "cli.h"
#include "util_buf.h"
#include "util_mem.h"
#include "walk.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct slot {
    char *vm_json; /* NULL when not a VM */
    bool is_vm, is_template, not_vmware;
    struct findings findings;
    struct diags diags;
};

struct job {
    const struct walk_result *files;
    const struct ruleset *rules;
    const struct record_ctx *ctx;
    bool want_json;
    struct slot *slots;
    atomic_size_t next;
};

static void
scan_one(struct job *jb, size_t i)
{
    struct slot *s = &jb->slots[i];
    const char *path = jb->files->paths[i];
    char *data;
    size_t len;
    if (read_small_file(path, VMX_MAX_BYTES, &data, &len, &s->diags) != 0)
        return;
    struct vmx_doc *doc = vmx_parse(data, len, path, &s->diags);
    free(data);
    if (doc == NULL)
        return;
    if (!vmx_doc_is_vmware(doc)) {
        diags_add(&s->diags, DIAG_NOTE, path, 0,
                  "not a VMware configuration (no config.version or virtualHW.version); "
                  "not counted as a VM");
        s->not_vmware = true;
        vmx_doc_free(doc);
        return;
    }
    struct vm *vm = vm_from_vmx(doc, path);
    s->is_vm = true;
    s->is_template = vm->is_template;
    audit_vm(jb->rules, vm, jb->ctx, &s->findings);
    if (jb->want_json) {
        struct buf b = BUF_INIT;
        struct json j;
        json_init(&j, &b);
        vm_to_json(&j, vm);
        s->vm_json = buf_detach(&b);
    }
    vm_free(vm);
}

static void *
worker(void *arg)
{
    struct job *jb = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&jb->next, 1);
        if (i >= jb->files->n)
            return NULL;
        scan_one(jb, i);
    }
}

/* Threads pay off once there are enough files to amortise starting them. */
static int
thread_count(const struct vt_opts *o, size_t nfiles)
{
    if (o->jobs)
        return o->jobs;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1 || nfiles < 64)
        return 1;
    return cores > 8 ? 8 : (int)cores;
}

static const struct command scan_cmd = {
    "scan", cmd_scan, "vmtriage scan [options] PATH...",
    "Audit VM configurations: every .vmx and .vmtx under the given files or datastore folders\n"
    "(each file once, also when reachable through a datastore name symlink)."};

int
cmd_scan(int argc, char **argv)
{
    struct vt_opts o;
    int first = cli_parse(argc, argv, &scan_cmd, &o);
    if (first == -2)
        return VT_EXIT_OK;
    if (first < 0)
        return VT_EXIT_UNKNOWN;
    if (first >= argc) {
        cli_error("scan needs at least one file or folder; see 'vmtriage scan --help'");
        return VT_EXIT_UNKNOWN;
    }
    struct ruleset rules = RULESET_INIT;
    if (!cli_load_rules(&o, &rules)) {
        ruleset_release(&rules);
        return VT_EXIT_UNKNOWN;
    }
    struct report rep = {.command = "scan"};
    struct walk_result files = WALK_RESULT_INIT;
    walk_paths(argv + first, (size_t)(argc - first), &files, &rep.diags);
    rep.aliases = files.aliases;

    struct record_ctx ctx = {.profile_nested = o.profile_nested};
    struct job jb = {.files = &files, .rules = &rules, .ctx = &ctx,
                     .want_json = o.format == FMT_JSON};
    jb.slots = xcalloc(files.n ? files.n : 1, sizeof(*jb.slots));
    atomic_init(&jb.next, 0);
    int nthreads = thread_count(&o, files.n);
    pthread_t tids[64];
    int started = 0;
    for (int t = 1; t < nthreads; t++)
        if (pthread_create(&tids[started], NULL, worker, &jb) == 0)
            started++;
    worker(&jb);
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);

    rep.vm_json = xcalloc(files.n ? files.n : 1, sizeof(char *));
    for (size_t i = 0; i < files.n; i++) {
        struct slot *s = &jb.slots[i];
        if (s->is_vm) {
            if (s->vm_json)
                rep.vm_json[rep.nvms] = s->vm_json;
            rep.nvms++;
        }
        rep.templates += s->is_template;
        rep.not_vmware += s->not_vmware;
        findings_move(&rep.findings, &s->findings);
        diags_move(&rep.diags, &s->diags);
    }
    if (!jb.want_json) {
        free(rep.vm_json);
        rep.vm_json = NULL;
    }
    free(jb.slots);
    int rc = cli_finish(&rep, &o);
    if (!jb.want_json)
        rep.nvms = 0;
    report_release(&rep);
    walk_result_release(&files);
    ruleset_release(&rules);
    return rc;
}
