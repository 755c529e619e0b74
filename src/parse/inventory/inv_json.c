/* inv_json: govc JSON and saved reports to inventory VMs (see inv_json.h).
 *
 * One yajl event stream; each VM object's values are kept as (path, text)
 * pairs, the path relative to the VM, lower-cased and without the wrappers
 * govc adds (`_value`, `VirtualDevice`, `OptionValue`); a changeSet entry's
 * Val takes its Name as path. Arrays of objects that are device lists,
 * extraConfig, or a report's nics and controllers become sub-objects. When
 * the VM object closes its pairs are written as the .vmx document it stands
 * for, and freed. */
#include "parse/inventory/inv_json.h"
#include "util/util_mem.h"

#include <yajl/yajl_parse.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct kv {
    char *k, *v;
};

struct obj {
    struct kv *kv;
    size_t n, cap;
};

struct sub {
    char *coll; /* "config.hardware.device", "devices", "nics", ... */
    struct obj o;
};

enum role { R_NONE, R_VM, R_SUB, R_CSET };

struct level {
    bool is_map;
    enum role role;
    char *key; /* a map's current key, lower-cased; NULL before the first */
};

struct invj {
    const char *file;
    inv_vm_fn fn;
    void *arg;
    struct diags *d;
    yajl_handle h;
    enum invj_form form;
    struct level st[INVJ_MAX_DEPTH];
    int depth;              /* levels in st */
    int vm_level;           /* the VM root's level, or -1 */
    int sub_level;          /* the open sub-object's level, or -1 */
    unsigned long top_values; /* top-level JSON values seen */
    struct obj vm;
    struct sub *subs;
    size_t nsubs, subs_cap;
    char *cs_name; /* the open changeSet entry's Name */
    bool cs_whole_config;
    long long schema;
    bool schema_seen, vms_seen;
    size_t values; /* in the open VM */
    size_t nvms;
    unsigned unknown;
    unsigned long long offset; /* bytes fed before this chunk */
    char err[200];
};

static void
obj_release(struct obj *o)
{
    for (size_t i = 0; i < o->n; i++) {
        free(o->kv[i].k);
        free(o->kv[i].v);
    }
    free(o->kv);
    *o = (struct obj){0};
}

static const char *
obj_get(const struct obj *o, const char *k)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->kv[i].k, k) == 0)
            return o->kv[i].v;
    return NULL;
}

/* Whether any key is `prefix` or starts with "prefix.". */
static bool
obj_has_prefix(const struct obj *o, const char *prefix)
{
    size_t l = strlen(prefix);
    for (size_t i = 0; i < o->n; i++)
        if (strncmp(o->kv[i].k, prefix, l) == 0 && (o->kv[i].k[l] == '\0' || o->kv[i].k[l] == '.'))
            return true;
    return false;
}

static void
vm_reset(struct invj *j)
{
    obj_release(&j->vm);
    for (size_t i = 0; i < j->nsubs; i++) {
        free(j->subs[i].coll);
        obj_release(&j->subs[i].o);
    }
    j->nsubs = 0;
    free(j->cs_name);
    j->cs_name = NULL;
    j->cs_whole_config = false;
    j->values = 0;
    j->vm_level = -1;
    j->sub_level = -1;
}

static int
fail(struct invj *j, const char *msg)
{
    if (j->err[0] == '\0')
        snprintf(j->err, sizeof(j->err), "%s", msg);
    return 0; /* yajl: cancel */
}

static bool
skipped_component(const char *k)
{
    return strcmp(k, "_value") == 0 || strcmp(k, "virtualdevice") == 0 ||
           strcmp(k, "optionvalue") == 0;
}

/* The path of the value at the top of the stack, relative to level `from`
 * (the VM or the sub-object). */
static void
path_from(const struct invj *j, int from, struct buf *b)
{
    for (int i = from; i < j->depth; i++) {
        const struct level *l = &j->st[i];
        if (!l->is_map || l->key == NULL)
            continue;
        if (l->role == R_CSET) {
            /* a changeSet entry: its "val" is the property named by "name" */
            if (strcmp(l->key, "val") == 0 && j->cs_name) {
                if (b->len)
                    buf_addc(b, '.');
                buf_adds(b, j->cs_name);
            } else {
                buf_reset(b);
                buf_adds(b, "#cs.");
                buf_adds(b, l->key);
            }
            continue;
        }
        if (i == j->vm_level && strcmp(l->key, "changeset") == 0)
            continue; /* the entries' paths are their names */
        if (skipped_component(l->key))
            continue;
        if (b->len)
            buf_addc(b, '.');
        buf_adds(b, l->key);
    }
}

static bool
is_collection(const char *path)
{
    static const char *const colls[] = {"config.hardware.device", "devices", "nics", "controllers",
                                        "config.extraconfig"};
    for (size_t i = 0; i < sizeof(colls) / sizeof(colls[0]); i++)
        if (strcmp(path, colls[i]) == 0)
            return true;
    return false;
}

static int
add_value(struct invj *j, const char *v, size_t len)
{
    if (j->vm_level < 0)
        return 1;
    if (++j->values > INVJ_MAX_VALUES)
        return fail(j, "a VM object of more than 8192 values");
    if (len > INVJ_MAX_STRING)
        return fail(j, "a string of more than 64 KiB");
    struct buf p = BUF_INIT;
    path_from(j, j->sub_level >= 0 ? j->sub_level : j->vm_level, &p);
    if (strcmp(p.p ? p.p : "", "#cs.name") == 0) { /* a changeSet entry's Name */
        free(j->cs_name);
        j->cs_name = xstrndup(v, len);
        for (char *c = j->cs_name; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        if (strcmp(j->cs_name, "config") == 0)
            j->cs_whole_config = true;
        /* remember that the property was collected, even when its value is null */
        struct obj *o = &j->vm;
        XGROW(o->kv, o->cap, o->n + 1);
        o->kv[o->n++] = (struct kv){xasprintf("#collected.%s", j->cs_name), xstrdup("1")};
        buf_release(&p);
        return 1;
    }
    if (p.len == 0 || strncmp(p.p, "#cs.", 4) == 0) {
        buf_release(&p);
        return 1;
    }
    struct obj *o = j->sub_level >= 0 ? &j->subs[j->nsubs - 1].o : &j->vm;
    XGROW(o->kv, o->cap, o->n + 1);
    o->kv[o->n++] = (struct kv){buf_detach(&p), xstrndup(v, len)};
    return 1;
}

static void emit_vm(struct invj *j);

/* --- yajl callbacks --- */

static int
push(struct invj *j, bool is_map)
{
    if (j->depth == INVJ_MAX_DEPTH)
        return fail(j, "JSON nested more than 64 levels deep");
    j->st[j->depth++] = (struct level){.is_map = is_map};
    return 1;
}

static int
on_start_map(void *ctx)
{
    struct invj *j = ctx;
    int lvl = j->depth;
    if (lvl == 0) {
        j->top_values++;
        if (j->top_values > 1 && j->form != INVJ_COLLECT)
            return fail(j, "a second JSON document after the first");
    }
    if (!push(j, true))
        return 0;
    struct level *parent = lvl > 0 ? &j->st[lvl - 1] : NULL;
    if (lvl == 0 && j->form == INVJ_COLLECT) {
        vm_reset(j);
        j->vm_level = 0;
        j->st[0].role = R_VM;
    } else if (lvl == 2 && !parent->is_map && j->st[0].key &&
               ((j->form == INVJ_VMINFO && strcmp(j->st[0].key, "virtualmachines") == 0) ||
                (j->form == INVJ_REPORT && strcmp(j->st[0].key, "vms") == 0))) {
        vm_reset(j);
        j->vm_level = lvl;
        j->st[lvl].role = R_VM;
    } else if (j->vm_level >= 0 && j->sub_level < 0 && parent && !parent->is_map) {
        if (lvl == j->vm_level + 2 && j->st[j->vm_level].key &&
            strcmp(j->st[j->vm_level].key, "changeset") == 0) {
            j->st[lvl].role = R_CSET;
            free(j->cs_name);
            j->cs_name = NULL;
            return 1;
        }
        struct buf p = BUF_INIT;
        path_from(j, j->vm_level, &p);
        if (p.len && is_collection(p.p)) {
            if (j->nsubs == 4096) {
                buf_release(&p);
                return fail(j, "a VM object of more than 4096 devices");
            }
            XGROW(j->subs, j->subs_cap, j->nsubs + 1);
            j->subs[j->nsubs++] = (struct sub){.coll = buf_detach(&p)};
            j->sub_level = lvl;
            j->st[lvl].role = R_SUB;
        }
        buf_release(&p);
    }
    return 1;
}

static int
on_map_key(void *ctx, const unsigned char *k, size_t len)
{
    struct invj *j = ctx;
    struct level *l = &j->st[j->depth - 1];
    free(l->key);
    l->key = xstrndup((const char *)k, len < 256 ? len : 256);
    for (char *c = l->key; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    if (j->depth == 1 && j->form == INVJ_UNKNOWN) {
        const char *key = l->key;
        if (strcmp(key, "schema") == 0)
            j->form = INVJ_REPORT;
        else if (strcmp(key, "virtualmachines") == 0)
            j->form = INVJ_VMINFO;
        else if (strcmp(key, "devices") == 0) {
            j->form = INVJ_DEVICES;
            vm_reset(j);
            j->vm_level = 0;
            l->role = R_VM;
        } else if (strcmp(key, "obj") == 0 || strcmp(key, "kind") == 0 ||
                   strcmp(key, "changeset") == 0 || strcmp(key, "missingset") == 0) {
            j->form = INVJ_COLLECT;
            vm_reset(j);
            j->vm_level = 0;
            l->role = R_VM;
        } else if (strcmp(key, "command") == 0) { /* a report of a vmtriage before schema 1 */
            j->form = INVJ_REPORT;
            return fail(j, "no \"schema\" first (a vmtriage report from before schema 1, or "
                           "edited): this vmtriage reads schema 1");
        } else {
            j->form = INVJ_NONE;
            return 0;
        }
    }
    if (j->depth == 1 && j->form == INVJ_REPORT && strcmp(l->key, "vms") == 0)
        j->vms_seen = true;
    if (j->depth == 1 && j->form == INVJ_REPORT && !j->schema_seen && strcmp(l->key, "schema") != 0)
        return fail(j, "a vmtriage report whose first key is not \"schema\"");
    return 1;
}

static int
on_end(void *ctx, bool is_map)
{
    struct invj *j = ctx;
    int lvl = j->depth - 1;
    struct level *l = &j->st[lvl];
    (void)is_map;
    if (l->role == R_SUB)
        j->sub_level = -1;
    else if (l->role == R_CSET) {
        free(j->cs_name);
        j->cs_name = NULL;
    }
    bool vm_end = l->role == R_VM;
    free(l->key);
    *l = (struct level){0};
    j->depth--;
    if (vm_end) {
        emit_vm(j);
        vm_reset(j);
    }
    return 1;
}

static int
on_end_map(void *ctx)
{
    return on_end(ctx, true);
}

static int
on_start_array(void *ctx)
{
    struct invj *j = ctx;
    if (j->depth == 0) {
        j->form = j->form == INVJ_UNKNOWN ? INVJ_NONE : j->form;
        if (j->form == INVJ_NONE)
            return 0;
        return fail(j, "a JSON array where an object was expected");
    }
    return push(j, false);
}

static int
on_end_array(void *ctx)
{
    return on_end(ctx, false);
}

static int
on_scalar(struct invj *j, const char *v, size_t len)
{
    if (j->depth == 0) { /* a bare top-level value */
        if (j->form == INVJ_UNKNOWN)
            j->form = INVJ_NONE;
        return j->form == INVJ_NONE ? 0 : fail(j, "a bare JSON value where an object was expected");
    }
    struct level *l = &j->st[j->depth - 1];
    if (j->depth == 1 && j->form == INVJ_REPORT && l->key && strcmp(l->key, "schema") == 0) {
        char buf[32];
        snprintf(buf, sizeof(buf), "%.*s", (int)(len < 31 ? len : 31), v);
        char *end;
        long long s = strtoll(buf, &end, 10);
        if (*end || end == buf) {
            snprintf(j->err, sizeof(j->err), "report schema '%s' is not a number", buf);
            return 0;
        }
        j->schema = s;
        j->schema_seen = true;
        if (s != 1) {
            snprintf(j->err, sizeof(j->err),
                     "report schema %lld is not known to this vmtriage (it reads schema 1)", s);
            return 0;
        }
        return 1;
    }
    return add_value(j, v, len);
}

static int
on_null(void *ctx)
{
    struct invj *j = ctx;
    if (j->depth == 0)
        return on_scalar(j, "null", 4);
    if (j->depth == 1 && j->form == INVJ_REPORT && j->st[0].key && !strcmp(j->st[0].key, "schema"))
        return on_scalar(j, "null", 4);
    return 1; /* an absent value */
}

static int
on_bool(void *ctx, int b)
{
    return on_scalar(ctx, b ? "true" : "false", b ? 4 : 5);
}

static int
on_number(void *ctx, const char *s, size_t len)
{
    return on_scalar(ctx, s, len);
}

static int
on_string(void *ctx, const unsigned char *s, size_t len)
{
    return on_scalar(ctx, (const char *)s, len);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

struct invj *
invj_new(const char *file, inv_vm_fn fn, void *arg, struct diags *d)
{
    struct invj *j = xcalloc(1, sizeof(*j));
    j->file = file;
    j->fn = fn;
    j->arg = arg;
    j->d = d;
    j->vm_level = -1;
    j->sub_level = -1;
    j->h = yajl_alloc(&callbacks, NULL, j);
    yajl_config(j->h, yajl_allow_multiple_values, 1);
    return j;
}

static int
status(struct invj *j, yajl_status st, const unsigned char *p, size_t n)
{
    if (st == yajl_status_ok)
        return 0;
    if (j->form == INVJ_NONE || (j->form == INVJ_UNKNOWN && j->err[0] == '\0' && j->offset == 0 &&
                                 yajl_get_bytes_consumed(j->h) < 2))
        return 1;
    /* a chunk's error is where yajl stopped in it; the end's is the end */
    unsigned long long at = j->offset + (p ? yajl_get_bytes_consumed(j->h) : 0);
    if (st == yajl_status_client_canceled && j->err[0])
        diags_add(j->d, DIAG_ERROR, j->file, 0, "byte %llu: %s%s%s", at,
                  invj_form_name(j->form), j->form != INVJ_UNKNOWN ? ": " : "", j->err);
    else {
        unsigned char *msg = yajl_get_error(j->h, 0, p, n);
        char *nl = strchr((char *)msg, '\n');
        if (nl)
            *nl = '\0';
        diags_add(j->d, DIAG_ERROR, j->file, 0, "byte %llu: not valid JSON (%s)", at,
                  (const char *)msg);
        yajl_free_error(j->h, msg);
    }
    return -1;
}

int
invj_feed(struct invj *j, const unsigned char *p, size_t n)
{
    yajl_status st = yajl_parse(j->h, p, n);
    int rc = status(j, st, p, n);
    j->offset += n;
    return rc;
}

int
invj_finish(struct invj *j)
{
    yajl_status st = yajl_complete_parse(j->h);
    int rc = status(j, st, NULL, 0);
    if (rc)
        return rc;
    if (j->form == INVJ_UNKNOWN || j->form == INVJ_NONE)
        return 1;
    if (j->form == INVJ_REPORT && !j->vms_seen)
        diags_add(j->d, DIAG_NOTE, j->file, 0,
                  "this vmtriage report holds no VM records (it is not from scan, vcenter or "
                  "bundle); no VM read");
    return 0;
}

enum invj_form
invj_form_of(const struct invj *j)
{
    return j->form;
}

const char *
invj_form_name(enum invj_form f)
{
    switch (f) {
    case INVJ_VMINFO:
        return "govc vm.info JSON";
    case INVJ_COLLECT:
        return "govc object.collect JSON";
    case INVJ_DEVICES:
        return "govc device.info JSON";
    case INVJ_REPORT:
        return "a vmtriage report";
    default:
        return "";
    }
}

unsigned
invj_unknown(const struct invj *j)
{
    return j->unknown;
}

size_t
invj_vms(const struct invj *j)
{
    return j->nvms;
}

void
invj_free(struct invj *j)
{
    if (j == NULL)
        return;
    vm_reset(j);
    free(j->subs);
    for (int i = 0; i < INVJ_MAX_DEPTH; i++)
        free(j->st[i].key);
    yajl_free(j->h);
    free(j);
}

/* --- VM objects to .vmx documents --- */

static const char *
sget(const struct obj *o, const char *k)
{
    const char *v = obj_get(o, k);
    return v && *v ? v : NULL;
}

static char *
sdup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Whether the input holds the property `prop` (a value, or collected as null). */
static bool
known(const struct invj *j, const char *prop)
{
    if (obj_has_prefix(&j->vm, prop))
        return true;
    char key[160];
    snprintf(key, sizeof(key), "#collected.%s", prop);
    if (obj_get(&j->vm, key))
        return true;
    /* a parent collected whole: object.collect of "config", "config.hardware" */
    for (size_t i = 0; i < j->vm.n; i++) {
        const char *k = j->vm.kv[i].k;
        if (strncmp(k, "#collected.", 11) == 0) {
            size_t l = strlen(k + 11);
            if (strncmp(prop, k + 11, l) == 0 && prop[l] == '.')
                return true;
        }
    }
    if (strncmp(prop, "config.", 7) == 0 && j->form == INVJ_VMINFO)
        return obj_has_prefix(&j->vm, "config");
    return false;
}

static void
emit_govc(struct invj *j, struct inv_vm *v)
{
    const struct obj *o = &j->vm;
    struct vmx_writer *w = &v->w;
    unsigned u = INV_U_CPUID | INV_U_MEM_PIN | INV_U_VMX;
    const char *name = sget(o, "name");
    if (name == NULL)
        name = sget(o, "config.name");
    vmx_writer_put(w, "config.version", "8");
    vmx_writer_put(w, "displayName", name);
    v->guest_id = sdup(sget(o, "config.guestid"));
    if (v->guest_id == NULL)
        v->guest_text = sdup(sget(o, "config.guestfullname"));
    if (v->guest_id == NULL && v->guest_text == NULL)
        u |= INV_U_GUEST;
    const char *ver = sget(o, "config.version");
    if (ver && strncmp(ver, "vmx-", 4) == 0)
        vmx_writer_put(w, "virtualHW.version", ver + 4);
    else
        u |= INV_U_HW;
    const char *fw = sget(o, "config.firmware");
    vmx_writer_put(w, "firmware", fw);
    if (fw == NULL)
        u |= INV_U_FIRMWARE;
    vmx_writer_put(w, "uefi.secureBoot.enabled",
                   vmx_bool_text(sget(o, "config.bootoptions.efisecurebootenabled")));
    if (!known(j, "config.bootoptions"))
        u |= INV_U_SECURE_BOOT;
    /* only a set flag is a key: a .vmx without vhv.enable reads false too */
    const char *hv = sget(o, "config.nestedhvenabled");
    if (hv && strcmp(hv, "true") == 0)
        vmx_writer_put(w, "vhv.enable", "TRUE");
    if (!known(j, "config.nestedhvenabled"))
        u |= INV_U_VHV;
    const char *mem = sget(o, "config.hardware.memorymb");
    vmx_writer_put(w, "memsize", mem);
    if (mem == NULL)
        u |= INV_U_MEM;
    vmx_writer_put(w, "sched.mem.min", sget(o, "config.memoryallocation.reservation"));
    if (!known(j, "config.memoryallocation.reservation"))
        u |= INV_U_MEM_RES;
    const char *cpus = sget(o, "config.hardware.numcpu"),
               *cps = sget(o, "config.hardware.numcorespersocket");
    vmx_writer_put(w, "numvcpus", cpus);
    vmx_writer_put(w, "cpuid.coresPerSocket", cps);
    u |= (cpus ? 0 : INV_U_CPU) | (cps ? 0 : INV_U_CORES);
    vmx_writer_put(w, "tools.syncTime",
                   vmx_bool_text(sget(o, "config.tools.synctimewithhost")));
    if (!known(j, "config.tools"))
        u |= INV_U_SYNC;
    /* devices */
    const char *devcoll = j->form == INVJ_DEVICES ? "devices" : "config.hardware.device";
    size_t n = 0;
    struct vmx_dev *devs = xcalloc(j->nsubs ? j->nsubs : 1, sizeof(*devs));
    for (size_t i = 0; i < j->nsubs; i++) {
        const struct obj *d = &j->subs[i].o;
        if (strcmp(j->subs[i].coll, devcoll) != 0)
            continue;
        const char *t = sget(d, "_typename");
        if (t == NULL)
            t = sget(d, "type");
        devs[n++] = (struct vmx_dev){
            .xtype = t,
            .key = sget(d, "key"),
            .controller = sget(d, "controllerkey"),
            .unit = sget(d, "unitnumber"),
            .bus = sget(d, "busnumber"),
            .mac = sget(d, "macaddress"),
            .addr_type = sget(d, "addresstype"),
            .network = sget(d, "backing.devicename"),
            .start = sget(d, "connectable.startconnected"),
            .file = sget(d, "backing.filename"),
        };
    }
    if (j->form == INVJ_DEVICES || known(j, "config.hardware.device")) {
        struct vmx_dev_gaps gaps;
        vmx_write_devices(w, devs, n, &gaps);
        if (gaps.untyped_nics)
            u |= INV_U_NIC_TYPE;
        if (gaps.untyped_other)
            u |= INV_U_CTRL | INV_U_DEVICES;
    } else
        u |= INV_U_NICS | INV_U_NIC_TYPE | INV_U_CTRL | INV_U_DEVICES;
    free(devs);
    for (size_t i = 0; i < j->nsubs; i++) {
        const struct obj *d = &j->subs[i].o;
        if (strcmp(j->subs[i].coll, "config.extraconfig") == 0 && sget(d, "key"))
            vmx_writer_put(w, sget(d, "key"), obj_get(d, "value") ? obj_get(d, "value") : "");
    }
    if (j->form == INVJ_DEVICES)
        u |= INV_U_GUEST | INV_U_HW | INV_U_FIRMWARE | INV_U_MEM | INV_U_CPU | INV_U_CORES |
             INV_U_VHV | INV_U_SYNC | INV_U_SECURE_BOOT | INV_U_MEM_RES;
    v->power_state = sdup(sget(o, "runtime.powerstate"));
    v->host = sdup(sget(o, "runtime.host.value"));
    if (v->host == NULL)
        v->host = sdup(sget(o, "runtime.host"));
    v->datastore_path = sdup(sget(o, "summary.config.vmpathname"));
    if (v->datastore_path == NULL)
        v->datastore_path = sdup(sget(o, "config.files.vmpathname"));
    const char *tmpl = sget(o, "config.template");
    v->is_template = tmpl && strcmp(tmpl, "true") == 0;
    v->unknown = u;
}

static const char *
tri_text(const char *s)
{
    if (s == NULL)
        return NULL;
    return strcmp(s, "true") == 0 ? "TRUE" : strcmp(s, "false") == 0 ? "FALSE" : NULL;
}

static long
count_of(const char *s, long max)
{
    if (s == NULL)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 0 ? 0 : v > max ? max : v;
}

static void
emit_report(struct invj *j, struct inv_vm *v)
{
    const struct obj *o = &j->vm;
    struct vmx_writer *w = &v->w;
    vmx_writer_put(w, "config.version", "8");
    vmx_writer_put(w, "displayName", sget(o, "name"));
    vmx_writer_put(w, "guestOS", sget(o, "guest_os"));
    vmx_writer_put(w, "virtualHW.version", sget(o, "hw_version"));
    const char *fwx = sget(o, "firmware_explicit");
    if (fwx && strcmp(fwx, "true") == 0)
        vmx_writer_put(w, "firmware", sget(o, "firmware"));
    vmx_writer_put(w, "uefi.secureBoot.enabled", tri_text(sget(o, "secure_boot")));
    vmx_writer_put(w, "vhv.enable", tri_text(sget(o, "vhv_enable")));
    const char *vhc = sget(o, "vhc_enable_key");
    if (vhc && strcmp(vhc, "true") == 0)
        vmx_writer_put(w, "vhc.enable", "TRUE");
    vmx_writer_put(w, "memsize", sget(o, "memory_mb"));
    vmx_writer_put(w, "sched.mem.min", sget(o, "mem_reservation_mb"));
    vmx_writer_put(w, "sched.mem.pin", tri_text(sget(o, "mem_pin")));
    vmx_writer_put(w, "numvcpus", sget(o, "vcpus"));
    vmx_writer_put(w, "cpuid.coresPerSocket", sget(o, "cores_per_socket"));
    vmx_writer_put(w, "sound.present", tri_text(sget(o, "sound")));
    vmx_writer_put(w, "usb.present", tri_text(sget(o, "usb")));
    vmx_writer_put(w, "floppy0.present", tri_text(sget(o, "floppy")));
    vmx_writer_put(w, "tools.syncTime", tri_text(sget(o, "tools_sync_time")));
    for (long i = 0, n = count_of(sget(o, "serial_ports"), 32); i < n; i++)
        vmx_writer_putf(w, "TRUE", "serial%ld.present", i);
    for (long i = 0, n = count_of(sget(o, "parallel_ports"), 32); i < n; i++)
        vmx_writer_putf(w, "TRUE", "parallel%ld.present", i);
    const char *basis = sget(o, "boot_basis");
    for (size_t i = 0; i < j->nsubs; i++) {
        const struct obj *d = &j->subs[i].o;
        long idx = count_of(sget(d, "index"), 1000000);
        const char *present = sget(d, "present");
        bool on = present && strcmp(present, "true") == 0;
        if (strcmp(j->subs[i].coll, "nics") == 0) {
            vmx_writer_putf(w, on ? "TRUE" : "FALSE", "ethernet%ld.present", idx);
            const char *te = sget(d, "type_explicit"), *vx = sget(d, "vmxnet2");
            if (te && strcmp(te, "true") == 0)
                vmx_writer_putf(w, sget(d, "type"), "ethernet%ld.virtualDev", idx);
            if (vx && strcmp(vx, "true") == 0)
                vmx_writer_putf(w, "15", "ethernet%ld.features", idx);
            vmx_writer_putf(w, sget(d, "network"), "ethernet%ld.networkName", idx);
            vmx_writer_putf(w, sget(d, "connection_type"), "ethernet%ld.connectionType", idx);
            vmx_writer_putf(w, sget(d, "address_type"), "ethernet%ld.addressType", idx);
            vmx_writer_putf(w, sget(d, "mac"), "ethernet%ld.address", idx);
            vmx_writer_putf(w, tri_text(sget(d, "start_connected")), "ethernet%ld.startConnected",
                            idx);
        } else if (strcmp(j->subs[i].coll, "controllers") == 0) {
            const char *bus = sget(d, "bus");
            if (bus == NULL || (strcmp(bus, "scsi") && strcmp(bus, "sata") && strcmp(bus, "nvme") &&
                                strcmp(bus, "ide")))
                continue;
            bool ide = strcmp(bus, "ide") == 0;
            if (!ide)
                vmx_writer_putf(w, on ? "TRUE" : "FALSE", "%s%ld.present", bus, idx);
            if (strcmp(bus, "scsi") == 0)
                vmx_writer_putf(w, sget(d, "type"), "scsi%ld.virtualDev", idx);
            long disks = count_of(sget(d, "disks"), ide ? 2 : 64);
            const char *dt = strcmp(bus, "scsi") == 0 ? "scsi-hardDisk" : "ata-hardDisk";
            for (long u = 0; u < disks; u++) {
                vmx_writer_putf(w, "TRUE", "%s%ld:%ld.present", bus, idx, u);
                vmx_writer_putf(w, dt, "%s%ld:%ld.deviceType", bus, idx, u);
            }
            if (ide && on && disks == 0) { /* an IDE channel exists with its devices */
                vmx_writer_putf(w, "TRUE", "ide%ld:0.present", idx);
                vmx_writer_putf(w, "cdrom-image", "ide%ld:0.deviceType", idx);
            }
            const char *boot = sget(d, "boot");
            if (boot && strcmp(boot, "true") == 0 && basis && strcmp(basis, "bios.hddOrder") == 0) {
                char order[48];
                snprintf(order, sizeof(order), "%s%ld:0", bus, idx);
                vmx_writer_put(w, "bios.hddOrder", order);
            }
        }
    }
    const char *path = sget(o, "path");
    v->subject = path ? xstrdup(path) : NULL;
    v->power_state = sdup(sget(o, "power_state"));
    v->host = sdup(sget(o, "host"));
    v->cluster = sdup(sget(o, "cluster"));
    v->datastore_path = sdup(sget(o, "datastore_path"));
    const char *tmpl = sget(o, "template");
    v->is_template = tmpl && strcmp(tmpl, "true") == 0;
    /* the record holds no CPUID masks and not the other keys of the .vmx; a
     * record read from an inventory keeps what that could not give */
    v->unknown = INV_U_CPUID | INV_U_VMX;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->kv[i].k, "unknown") == 0)
            v->unknown |= inv_unknown_from_token(o->kv[i].v);
}

static void
emit_vm(struct invj *j)
{
    if (j->form == INVJ_COLLECT) {
        const char *t = sget(&j->vm, "obj.type");
        if (t && strcmp(t, "VirtualMachine") != 0)
            return; /* a host, folder, ...: not a VM */
    }
    if (j->form == INVJ_VMINFO && !obj_has_prefix(&j->vm, "config")) {
        const char *name = sget(&j->vm, "name");
        diags_add(j->d, DIAG_ERROR, j->file, 0,
                  "VM %zu%s%s%s: no configuration in the JSON (inaccessible, or not collected); "
                  "not audited",
                  j->nvms + 1, name ? " ('" : "", name ? name : "", name ? "')" : "");
        j->nvms++;
        return;
    }
    struct inv_vm v = {.w = VMX_WRITER_INIT};
    j->nvms++;
    if (j->form == INVJ_REPORT)
        emit_report(j, &v);
    else
        emit_govc(j, &v);
    if (v.subject == NULL)
        v.subject = j->form == INVJ_DEVICES ? xstrdup(j->file)
                                            : xasprintf("%s:%zu", j->file, j->nvms);
    j->unknown |= v.unknown;
    j->fn(j->arg, &v);
}
