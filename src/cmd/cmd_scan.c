/* cmd_scan: `vmtriage scan PATH...`: the datastore audit.
 *
 * The main thread walks the folders and publishes each file it finds as a
 * slot; worker threads meanwhile read, parse, build the VM record, run the
 * rules and serialise the VM for JSON, each into its own slot. Once the walk
 * ends the main thread works too. The report comes out in walk order whatever
 * the thread timing. A VM's document is freed as soon as its slot is done:
 * memory holds the findings and serialised records, not the parsed files.
 * scan_paths runs the same audit for other commands (psod --vms). */
#include "cmd/cli.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "source/inventory.h"
#include "source/walk.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* One file. `path` is set once when published; the rest is written only by
 * the worker that claimed the slot and read by the main thread after joining. */
struct slot {
    char *path;    /* owned */
    char *vm_json; /* NULL when not a VM */
    bool is_vm, is_template, not_vmware, encrypted;
    struct findings findings;
    struct diags diags;
};

/* Slots live in chunks that never move, so a worker keeps a pointer to its
 * slot while the walk appends more. */
#define SLOT_CHUNK 1024
/* Auto thread count: threads pay off once this many files are found. */
#define THREADS_AFTER 64
#define MAX_THREADS 64
/* A VM record is 2-3 KB of JSON: room for it at once (buf_detach trims). */
#define VM_JSON_RESERVE 4096

struct job {
    /* Read-only while workers run. */
    const struct ruleset *rules;
    const struct record_ctx *ctx;
    bool want_json;

    /* Guarded by `mu`. */
    pthread_mutex_t mu;
    pthread_cond_t more;  /* a slot was published, or the walk ended */
    struct slot **chunks; /* the array moves as it grows; the chunks do not */
    size_t nchunks, chunks_cap;
    size_t published; /* slots [0, published) hold a path */
    size_t claimed;   /* slots [0, claimed) belong to a worker */
    bool walk_done;

    /* Main thread only. */
    int want_threads; /* extra threads to start, besides the main thread */
    size_t start_at;  /* start them once this many files are published */
    pthread_t tids[MAX_THREADS];
    int started;
};

/* Caller holds `mu` (or all workers are joined). */
static struct slot *
slot_at(const struct job *jb, size_t i)
{
    return &jb->chunks[i / SLOT_CHUNK][i % SLOT_CHUNK];
}

bool
vmx_encrypted_note(const struct vmx_doc *doc, const char *path, struct diags *d)
{
    const struct vmx_entry *e = vmx_doc_encrypted(doc);
    if (e == NULL)
        return false;
    diags_add(d, DIAG_NOTE, path, e->line,
              "encrypted VM configuration (%s): its devices and settings are in the encrypted "
              "data and cannot be audited offline; not audited (check it in the vSphere Client, or "
              "after decrypting the VM)",
              e->key);
    return true;
}

static void
scan_one(const struct job *jb, struct slot *s)
{
    const char *path = s->path;
    char *data;
    size_t len;
    if (read_small_file(path, VMX_MAX_BYTES, &data, &len, &s->diags) != 0)
        return;
    struct vmx_doc *doc = vmx_parse(data, len, path, &s->diags);
    free(data);
    if (doc == NULL)
        return;
    if (vmx_encrypted_note(doc, path, &s->diags)) {
        s->encrypted = true;
        vmx_doc_free(doc);
        return;
    }
    if (!vmx_doc_is_vmware(doc)) {
        diags_add(&s->diags, DIAG_NOTE, path, 0,
                  "not a VMware configuration (%s); not counted as a VM",
                  vmx_doc_not_vmware_reason(doc));
        s->not_vmware = true;
        vmx_doc_free(doc);
        return;
    }
    struct vm *vm = vm_from_vmx_checked(doc, path, &s->diags);
    s->is_vm = true;
    s->is_template = vm->is_template;
    audit_vm(jb->rules, vm, jb->ctx, &s->findings);
    rule_re_report(&s->diags, path, 0);
    if (jb->want_json) {
        struct buf b = BUF_INIT;
        struct json j;
        buf_grow(&b, VM_JSON_RESERVE);
        json_init(&j, &b);
        vm_to_json(&j, vm);
        s->vm_json = buf_detach(&b);
    }
    vm_free(vm);
}

/* Claims the next published slot, waiting for the walk when it is behind.
 * Returns NULL once the walk has ended and every slot is claimed. */
static struct slot *
claim(struct job *jb)
{
    pthread_mutex_lock(&jb->mu);
    while (jb->claimed == jb->published && !jb->walk_done)
        pthread_cond_wait(&jb->more, &jb->mu);
    struct slot *s = jb->claimed < jb->published ? slot_at(jb, jb->claimed++) : NULL;
    pthread_mutex_unlock(&jb->mu);
    return s;
}

static void *
worker(void *arg)
{
    struct job *jb = arg;
    for (struct slot *s; (s = claim(jb)) != NULL;)
        scan_one(jb, s);
    return NULL;
}

static void
start_threads(struct job *jb)
{
    for (; jb->started < jb->want_threads; jb->started++)
        if (pthread_create(&jb->tids[jb->started], NULL, worker, jb) != 0) {
            jb->want_threads = jb->started; /* go on with fewer */
            break;
        }
}

/* walk_found_fn, on the main thread: appends a slot for `path`. */
static void
publish(void *arg, char *path)
{
    struct job *jb = arg;
    pthread_mutex_lock(&jb->mu);
    size_t i = jb->published;
    if (i / SLOT_CHUNK == jb->nchunks) {
        XGROW(jb->chunks, jb->chunks_cap, jb->nchunks + 1);
        jb->chunks[jb->nchunks++] = xcalloc(SLOT_CHUNK, sizeof(struct slot));
    }
    slot_at(jb, i)->path = path;
    jb->published++;
    pthread_cond_signal(&jb->more);
    pthread_mutex_unlock(&jb->mu);
    if (jb->published >= jb->start_at)
        start_threads(jb);
}

/* Ends the walk: wakes idle workers, helps with what is left, joins. */
static void
finish_work(struct job *jb)
{
    pthread_mutex_lock(&jb->mu);
    jb->walk_done = true;
    pthread_cond_broadcast(&jb->more);
    pthread_mutex_unlock(&jb->mu);
    worker(jb);
    for (int t = 0; t < jb->started; t++)
        pthread_join(jb->tids[t], NULL);
}

/* Threads besides the main one, and when to start them: -j N starts N-1 at
 * once; by default one per core (at most 8) once THREADS_AFTER files are
 * found, so a scan of a few files starts none. */
static void
plan_threads(struct job *jb, const struct vt_opts *o)
{
    long n = o->jobs;
    jb->start_at = 0;
    if (n == 0) {
        n = sysconf(_SC_NPROCESSORS_ONLN);
        n = n < 1 ? 1 : n > 8 ? 8 : n;
        jb->start_at = THREADS_AFTER;
    }
    jb->want_threads = (int)(n > MAX_THREADS ? MAX_THREADS : n) - 1;
}

/* Moves every slot's results into the report, in walk order, and frees the
 * slots. Workers are joined. */
static void
collect(struct job *jb, struct report *rep)
{
    if (jb->want_json) /* after the inventories' VMs (read_inventories) */
        rep->vm_json = xreallocarray(rep->vm_json, rep->nvms + jb->published + 1, sizeof(char *));
    for (size_t i = 0; i < jb->published; i++) {
        struct slot *s = slot_at(jb, i);
        if (s->is_vm) {
            if (rep->vm_json)
                rep->vm_json[rep->nvms] = s->vm_json;
            rep->nvms++;
        }
        rep->templates += s->is_template;
        rep->not_vmware += s->not_vmware;
        rep->encrypted += s->encrypted;
        findings_move(&rep->findings, &s->findings);
        diags_move(&rep->diags, &s->diags);
        free(s->path);
    }
    for (size_t c = 0; c < jb->nchunks; c++)
        free(jb->chunks[c]);
    free(jb->chunks);
}

/* The VMs of the inventories among the operands, audited as they come. */
struct inv_scan {
    const struct ruleset *rules;
    const struct record_ctx *ctx;
    bool want_json;
    struct report *rep;
    size_t vm_cap;
    bool *unknown; /* per rule: unknown for some VM of this input */
};

static void
on_inventory_vm(void *arg, struct vm *vm)
{
    struct inv_scan *is = arg;
    struct report *rep = is->rep;
    audit_vm(is->rules, vm, is->ctx, &rep->findings);
    rule_re_report(&rep->diags, vm->path, 0);
    for (size_t i = 0; i < is->rules->n; i++)
        if (!is->unknown[i] && audit_rule_unknown(is->rules->v[i], vm, is->ctx))
            is->unknown[i] = true;
    if (is->want_json) {
        struct buf b = BUF_INIT;
        struct json j;
        json_init(&j, &b);
        vm_to_json(&j, vm);
        XGROW(rep->vm_json, is->vm_cap, rep->nvms + 1);
        rep->vm_json[rep->nvms] = buf_detach(&b);
    }
    rep->nvms++;
    rep->templates += vm->is_template;
    vm_free(vm);
}

/* Whether a file operand is named as a VM configuration (then it is read as one). */
static bool
named_vmx(const char *path)
{
    size_t l = strlen(path);
    return (l >= 4 && strcasecmp(path + l - 4, ".vmx") == 0) ||
           (l >= 5 && strcasecmp(path + l - 5, ".vmtx") == 0);
}

/* Reads the operands that are inventories (an RVTools export, govc JSON, a
 * saved report, a folder of RVTools CSV files) into `rep`; returns the
 * operands left for the walk (owned array, borrowed strings). */
static char **
read_inventories(char *const *paths, size_t npaths, size_t *left, const struct ruleset *rules,
                 const struct record_ctx *ctx, bool want_json, struct report *rep)
{
    char **rest = xcalloc(npaths ? npaths : 1, sizeof(char *));
    struct inv_scan is = {rules, ctx, want_json, rep, 0, xcalloc(rules->n + 1, sizeof(bool))};
    *left = 0;
    for (size_t i = 0; i < npaths; i++) {
        memset(is.unknown, 0, (rules->n + 1) * sizeof(bool));
        if (named_vmx(paths[i]) || inventory_read(paths[i], on_inventory_vm, &is, &rep->diags) == 0) {
            rest[(*left)++] = paths[i];
            continue;
        }
        struct buf ids = BUF_INIT;
        size_t n = 0;
        for (size_t r = 0; r < rules->n; r++)
            if (is.unknown[r]) {
                buf_adds(&ids, n++ ? ", " : "");
                buf_adds(&ids, rules->v[r]->id);
            }
        if (n)
            diags_add(&rep->diags, DIAG_NOTE, paths[i], 0, "rules unknown for some of its VMs: %s",
                      ids.p);
        buf_release(&ids);
    }
    free(is.unknown);
    return rest;
}

/* Audits every VM configuration under `paths` into `rep`: the walk's and the
 * files' diagnostics, the findings, the counts and, when `want_json`, each VM
 * serialised (rep->vm_json, else NULL). */
static void
scan_into(char *const *paths, size_t npaths, const struct ruleset *rules, const struct vt_opts *o,
          bool want_json, struct report *rep)
{
    struct record_ctx ctx = {.profile_nested = o->profile_nested};
    struct job jb = {.rules = rules, .ctx = &ctx, .want_json = want_json};
    pthread_mutex_init(&jb.mu, NULL);
    pthread_cond_init(&jb.more, NULL);
    plan_threads(&jb, o);
    if (jb.start_at == 0)
        start_threads(&jb);
    size_t nrest;
    char **rest = read_inventories(paths, npaths, &nrest, rules, &ctx, want_json, rep);
    /* The walk's diagnostics come first: workers write only to their slots. */
    if (nrest || npaths == 0)
        rep->aliases += walk_paths(rest, nrest, publish, &jb, &rep->diags);
    free(rest);
    finish_work(&jb);
    pthread_cond_destroy(&jb.more);
    pthread_mutex_destroy(&jb.mu);
    collect(&jb, rep);
}

void
scan_paths(char *const *paths, size_t npaths, const struct ruleset *rules, const struct vt_opts *o,
           struct findings *out, struct diags *d)
{
    struct report rep = {.command = "scan"};
    scan_into(paths, npaths, rules, o, false, &rep);
    findings_move(out, &rep.findings);
    diags_move(d, &rep.diags);
    rep.nvms = 0; /* counted, but no vm_json to free */
    report_release(&rep);
}

static int run_scan(struct cmd_ctx *c);

const struct command scan_cmd = {
    .name = "scan",
    .run = run_scan,
    .needs = CMD_OPERAND | CMD_RULES | CMD_REPORT,
    .missing = "scan needs at least one file or folder",
    .usage = "vmtriage scan [options] PATH...",
    .brief = "audit .vmx/.vmtx files and datastore folders",
    .summary =
        "Audit VM configurations: every .vmx and .vmtx under the given files or datastore folders\n"
        "(each file once, also when reachable through a datastore name symlink), and the VMs of\n"
        "inventories given as operands: an RVTools .xlsx or the folder of its CSV export, govc\n"
        "vm.info/object.collect/device.info JSON, a saved vmtriage JSON report.",
    .opts = CO_REPORT | CO_PROFILE | CO_JOBS,
    .formats = FMTS_ALL};

static int
run_scan(struct cmd_ctx *c)
{
    scan_into(c->args, c->nargs, &c->rules, &c->o, c->o.format == FMT_JSON, &c->rep);
    return VT_EXIT_OK;
}
