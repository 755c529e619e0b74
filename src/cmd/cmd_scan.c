/* cmd_scan: `vmtriage scan PATH...`: the datastore audit.
 *
 * The main thread walks the folders and publishes each file it finds as a
 * slot; worker threads meanwhile read, parse, build the VM record, run the
 * rules and serialise the VM for JSON, each into its own slot. Once the walk
 * ends the main thread works too. The report comes out in walk order whatever
 * the thread timing: the main thread emits each slot once it and every slot
 * before it are done, and a bounded window of slots is in flight, so memory
 * does not grow with the number of VMs when the report is streamed
 * (report_stream.h; else the findings are kept for the report).
 * scan_paths runs the same audit for other commands (psod --vms). */
#include "cmd/cli.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "source/inventory.h"
#include "source/walk.h"
#include "report/report_stream.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* One file. `path` is set once when published; the rest is written only by
 * the worker that claimed the slot, then `done` is set under the job's lock;
 * the main thread reads the slot after seeing `done`, emits and clears it. */
struct slot {
    char *path;    /* owned */
    char *vm_json; /* NULL when not a VM */
    bool is_vm, is_template, not_vmware, encrypted;
    bool done;
    struct findings findings;
    struct diags diags;
};

/* Slots in flight (published, not yet emitted) at most: a ring, so memory
 * does not grow with the number of files. VT_SCAN_WINDOW (a test hook)
 * lowers it. */
#define WINDOW 256
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
    struct slot *ring; /* slot i is ring[i % window] */
    size_t window;

    /* Guarded by `mu`. */
    pthread_mutex_t mu;
    pthread_cond_t more; /* a slot was published, or the walk ended */
    pthread_cond_t done; /* a slot was done */
    size_t published;    /* slots [0, published) hold a path */
    size_t claimed;      /* slots [0, claimed) belong to a worker */
    bool walk_done;

    /* Main thread only. */
    size_t emitted;   /* slots [0, emitted) are in the report and free again */
    int want_threads; /* extra threads to start, besides the main thread */
    size_t start_at;  /* start them once this many files are published */
    pthread_t tids[MAX_THREADS];
    int started;
    struct report *rep;
    size_t vm_cap;      /* of rep->vm_json, without a stream */
    struct diags later; /* the files' diagnostics: after the walk's */
};

/* Caller holds `mu`, or is the main thread reading a slot it may read. */
static struct slot *
slot_at(const struct job *jb, size_t i)
{
    return &jb->ring[i % jb->window];
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

static void
mark_done(struct job *jb, struct slot *s)
{
    pthread_mutex_lock(&jb->mu);
    s->done = true;
    pthread_cond_signal(&jb->done);
    pthread_mutex_unlock(&jb->mu);
}

/* Claims the next published slot, waiting for the walk when it is behind
 * (when `wait`). Returns NULL once the walk has ended and every slot is
 * claimed, or at once without `wait` when none is waiting. */
static struct slot *
claim(struct job *jb, bool wait)
{
    pthread_mutex_lock(&jb->mu);
    while (wait && jb->claimed == jb->published && !jb->walk_done)
        pthread_cond_wait(&jb->more, &jb->mu);
    struct slot *s = jb->claimed < jb->published ? slot_at(jb, jb->claimed++) : NULL;
    pthread_mutex_unlock(&jb->mu);
    return s;
}

static void *
worker(void *arg)
{
    struct job *jb = arg;
    for (struct slot *s; (s = claim(jb, true)) != NULL;) {
        scan_one(jb, s);
        mark_done(jb, s);
    }
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

/* Counts a VM and passes its record (owned; NULL when not serialised) to
 * the stream, or keeps it in rep->vm_json. */
static void
keep_vm(struct job *jb, char *vm_json)
{
    struct report *rep = jb->rep;
    if (vm_json && rep->stream) {
        report_stream_vm(rep->stream, vm_json);
        free(vm_json);
    } else if (vm_json) {
        XGROW(rep->vm_json, jb->vm_cap, rep->nvms + 1);
        rep->vm_json[rep->nvms] = vm_json;
    }
    rep->nvms++;
}

/* Moves a done slot's results into the report (or its stream) and clears
 * the slot for reuse. Main thread. */
static void
emit(struct job *jb, struct slot *s)
{
    struct report *rep = jb->rep;
    if (s->is_vm)
        keep_vm(jb, s->vm_json);
    s->vm_json = NULL;
    rep->templates += s->is_template;
    rep->not_vmware += s->not_vmware;
    rep->encrypted += s->encrypted;
    if (rep->stream)
        report_stream_findings(rep->stream, &s->findings);
    else
        findings_move(&rep->findings, &s->findings);
    diags_move(&jb->later, &s->diags);
    free(s->path);
    findings_release(&s->findings);
    diags_release(&s->diags);
    memset(s, 0, sizeof(*s));
}

/* Emits the done slots at the head, in walk order, until `room` slots are
 * free (0: until every published slot is emitted), scanning slots itself
 * while the head is not done: with no worker threads the main thread does
 * all the work here. */
static void
drain(struct job *jb, size_t room)
{
    for (;;) {
        pthread_mutex_lock(&jb->mu);
        bool head_done = jb->emitted < jb->published && slot_at(jb, jb->emitted)->done;
        pthread_mutex_unlock(&jb->mu);
        if (head_done) {
            emit(jb, slot_at(jb, jb->emitted));
            jb->emitted++;
            continue;
        }
        size_t busy = jb->published - jb->emitted; /* published changes on this thread only */
        if (room ? busy + room <= jb->window : busy == 0)
            return;
        struct slot *s = claim(jb, false);
        if (s != NULL) {
            scan_one(jb, s);
            mark_done(jb, s);
            continue;
        }
        pthread_mutex_lock(&jb->mu);
        while (!slot_at(jb, jb->emitted)->done)
            pthread_cond_wait(&jb->done, &jb->mu);
        pthread_mutex_unlock(&jb->mu);
    }
}

/* walk_found_fn, on the main thread: publishes a slot for `path`, once the
 * window has room for it. */
static void
publish(void *arg, char *path)
{
    struct job *jb = arg;
    drain(jb, 1);
    pthread_mutex_lock(&jb->mu);
    slot_at(jb, jb->published)->path = path;
    jb->published++;
    pthread_cond_signal(&jb->more);
    pthread_mutex_unlock(&jb->mu);
    if (jb->published >= jb->start_at)
        start_threads(jb);
}

/* Ends the walk: wakes idle workers, helps with what is left and emits it, joins. */
static void
finish_work(struct job *jb)
{
    pthread_mutex_lock(&jb->mu);
    jb->walk_done = true;
    pthread_cond_broadcast(&jb->more);
    pthread_mutex_unlock(&jb->mu);
    drain(jb, 0);
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

/* The VMs of the inventories among the operands, audited as they come. */
struct inv_scan {
    struct job *jb;
    bool *unknown; /* per rule: unknown for some VM of this input */
};

static void
on_inventory_vm(void *arg, struct vm *vm)
{
    struct inv_scan *is = arg;
    struct job *jb = is->jb;
    struct report *rep = jb->rep;
    struct findings fs = FINDINGS_INIT;
    audit_vm(jb->rules, vm, jb->ctx, &fs);
    rule_re_report(&rep->diags, vm->path, 0);
    for (size_t i = 0; i < jb->rules->n; i++)
        if (!is->unknown[i] && audit_rule_unknown(jb->rules->v[i], vm, jb->ctx))
            is->unknown[i] = true;
    char *vm_json = NULL;
    if (jb->want_json) {
        struct buf b = BUF_INIT;
        struct json j;
        json_init(&j, &b);
        vm_to_json(&j, vm);
        vm_json = buf_detach(&b);
    }
    if (rep->stream)
        report_stream_findings(rep->stream, &fs);
    else
        findings_move(&rep->findings, &fs);
    findings_release(&fs);
    keep_vm(is->jb, vm_json);
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
read_inventories(char *const *paths, size_t npaths, size_t *left, struct job *jb)
{
    const struct ruleset *rules = jb->rules;
    struct report *rep = jb->rep;
    char **rest = xcalloc(npaths ? npaths : 1, sizeof(char *));
    struct inv_scan is = {jb, xcalloc(rules->n + 1, sizeof(bool))};
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
 * files' diagnostics, the findings, the counts and, when `want_json`, each
 * VM serialised. With rep->stream the records and findings go to the stream
 * as they are made, in walk order; else they are kept in rep->vm_json (NULL
 * without `want_json`) and rep->findings. */
static void
scan_into(char *const *paths, size_t npaths, const struct ruleset *rules, const struct vt_opts *o,
          bool want_json, struct report *rep)
{
    struct record_ctx ctx = {.profile_nested = o->profile_nested};
    struct job jb = {.rules = rules, .ctx = &ctx, .rep = rep, .window = WINDOW,
                     .want_json = want_json};
    const char *hook = getenv("VT_SCAN_WINDOW");
    if (hook && atoi(hook) > 0 && atoi(hook) < WINDOW)
        jb.window = (size_t)atoi(hook);
    jb.ring = xcalloc(jb.window, sizeof(*jb.ring));
    pthread_mutex_init(&jb.mu, NULL);
    pthread_cond_init(&jb.more, NULL);
    pthread_cond_init(&jb.done, NULL);
    plan_threads(&jb, o);
    if (jb.start_at == 0)
        start_threads(&jb);
    size_t nrest;
    char **rest = read_inventories(paths, npaths, &nrest, &jb);
    /* The walk's diagnostics come first, then the files' (kept aside meanwhile). */
    if (nrest || npaths == 0)
        rep->aliases += walk_paths(rest, nrest, publish, &jb, &rep->diags);
    free(rest);
    finish_work(&jb);
    pthread_cond_destroy(&jb.done);
    pthread_cond_destroy(&jb.more);
    pthread_mutex_destroy(&jb.mu);
    diags_move(&rep->diags, &jb.later);
    diags_release(&jb.later);
    free(jb.ring);
    if (want_json && !rep->stream) /* the report has a `vms` array, maybe empty */
        XGROW(rep->vm_json, jb.vm_cap, rep->nvms + 1);
}

void
scan_paths(char *const *paths, size_t npaths, const struct ruleset *rules, const struct vt_opts *o,
           struct findings *out, struct diags *d)
{
    struct report rep = {.command = "scan"};
    scan_into(paths, npaths, rules, o, false, &rep);
    findings_move(out, &rep.findings);
    diags_move(d, &rep.diags);
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

/* JSON, text and CSV are written as the VMs are audited (report_stream.h);
 * the HTML page and the monitoring result from the whole report at the end.
 * VT_SCAN_STREAM=0 (a test hook) writes them all from the whole report, so a
 * test can compare the two writers. */
static int
run_scan(struct cmd_ctx *c)
{
    const char *hook = getenv("VT_SCAN_STREAM");
    if (report_stream_can(c->o.format) && !(hook && strcmp(hook, "0") == 0)) {
        FILE *fp = cli_open_output(&c->o);
        if (fp == NULL)
            return VT_EXIT_UNKNOWN;
        c->rep.stream = report_stream_open(fp, c->o.format, c->o.min_level, &c->rep);
    }
    scan_into(c->args, c->nargs, &c->rules, &c->o, c->o.format == FMT_JSON, &c->rep);
    return VT_EXIT_OK;
}
