/* audit_log: folds log rule matches into findings and the timeline (see
 * audit_log.h). */
#include "findings/audit_log.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

#define EVIDENCE_MAX_TEXT 4096
#define HOUR_MS 3600000LL
#define NO_FINDING ((size_t)-1)

struct tl_slot {
    int64_t hour;
    size_t kind; /* rule index, or nrules for "crash" */
    size_t count;
    bool used;
};

struct log_audit {
    const struct log_prefilter *pf;
    size_t examples;
    struct log_window w;
    struct findings out;
    char **subjects; /* owned */
    size_t nsubjects, capsubjects;
    size_t cur;    /* current subject */
    size_t *slots; /* [subject * nrules + rule] -> finding index */
    size_t capslots;
    size_t untimed; /* matches left out by a window because they had no time */
    struct tl_slot *tl;
    size_t tl_n, tl_cap;
    /* A fork (log_audit_fork): one subject; per finding, its rule and every
     * name it involves, uncapped, with how often it came (see tally_add). */
    bool fork;
    size_t *rule_of;       /* [finding] -> rule index */
    struct tally *tallies; /* [finding * INV__COUNT + kind] */
};

/* The names one kind of a fork's finding involves, in the order they first
 * came, each with its count; `index` is an open-addressing set over them. */
struct tally {
    char **names;
    size_t *counts;
    size_t n, cap;
    uint32_t *index; /* name index + 1; 0: empty */
    size_t index_cap;
};

static const char *const involved_names[INV__COUNT] = {
    [INV_DEVICE] = "devices", [INV_PATH] = "paths",           [INV_ADAPTER] = "adapters",
    [INV_NIC] = "nics",       [INV_DATASTORE] = "datastores", [INV_VM] = "vms",
};

const char *
involved_kind_name(enum involved_kind k)
{
    return k < INV__COUNT ? involved_names[k] : NULL;
}

bool
log_window_holds(const struct log_window *w, bool has_time, int64_t ms)
{
    if (!w->has_since && !w->has_until)
        return true;
    if (!has_time)
        return false;
    return (!w->has_since || ms >= w->since_ms) && (!w->has_until || ms < w->until_ms);
}

struct log_audit *
log_audit_new(const struct log_prefilter *pf, size_t examples, const struct log_window *w)
{
    struct log_audit *a = xcalloc(1, sizeof(*a));
    a->pf = pf;
    a->examples = examples;
    a->w = *w;
    a->cur = NO_FINDING;
    return a;
}

void
log_audit_subject(struct log_audit *a, const char *subject)
{
    for (size_t i = 0; i < a->nsubjects; i++)
        if (strcmp(a->subjects[i], subject) == 0) {
            a->cur = i;
            return;
        }
    XGROW(a->subjects, a->capsubjects, a->nsubjects + 1);
    a->subjects[a->nsubjects] = xstrdup(subject);
    size_t nr = a->pf->nrules;
    XGROW(a->slots, a->capslots, (a->nsubjects + 1) * nr + 1);
    for (size_t r = 0; r < nr; r++)
        a->slots[a->nsubjects * nr + r] = NO_FINDING;
    a->cur = a->nsubjects++;
}

/* ---- timeline ---- */

static size_t
tl_hash(int64_t hour, size_t kind, size_t cap)
{
    uint64_t x = (uint64_t)hour * 0x9e3779b97f4a7c15ULL ^ (uint64_t)kind * 0xc2b2ae3d27d4eb4fULL;
    return (size_t)(x ^ (x >> 29)) & (cap - 1);
}

static void tl_add(struct log_audit *a, int64_t hour, size_t kind, size_t count);

static void
tl_grow(struct log_audit *a)
{
    struct tl_slot *old = a->tl;
    size_t oldcap = a->tl_cap;
    a->tl_cap = oldcap ? oldcap * 2 : 256;
    a->tl = xcalloc(a->tl_cap, sizeof(*a->tl));
    a->tl_n = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].used)
            tl_add(a, old[i].hour, old[i].kind, old[i].count);
    free(old);
}

static void
tl_add(struct log_audit *a, int64_t hour, size_t kind, size_t count)
{
    if ((a->tl_n + 1) * 2 > a->tl_cap)
        tl_grow(a);
    for (size_t h = tl_hash(hour, kind, a->tl_cap);; h = (h + 1) & (a->tl_cap - 1)) {
        struct tl_slot *s = &a->tl[h];
        if (!s->used) {
            *s = (struct tl_slot){hour, kind, count, true};
            a->tl_n++;
            return;
        }
        if (s->hour == hour && s->kind == kind) {
            s->count += count;
            return;
        }
    }
}

static int64_t
hour_of(int64_t ms)
{
    int64_t h = ms / HOUR_MS;
    return ms < 0 && ms % HOUR_MS ? h - 1 : h;
}

void
log_audit_crash(struct log_audit *a, bool has_time, int64_t time_ms)
{
    if (has_time && log_window_holds(&a->w, true, time_ms))
        tl_add(a, hour_of(time_ms), a->pf->nrules, 1);
}

/* ---- findings ---- */

/* `count` arrivals of `name` (owned when `take`): the first INVOLVED_MAX
 * names are kept, `more` counts the arrivals of the others. */
static void
involve(struct name_list *l, char *name, size_t count, bool take)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0) {
            if (take)
                free(name);
            return;
        }
    if (l->n == INVOLVED_MAX) {
        l->more += count;
        if (take)
            free(name);
        return;
    }
    l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = take ? name : xstrdup(name);
}

static size_t
name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 31));
}

/* In a fork every name is kept with its count: whether a name lands in the
 * capped list or in `more` depends on the blocks before, known at the join. */
static void
tally_add(struct tally *t, const char *name)
{
    if ((t->n + 1) * 2 > t->index_cap) {
        free(t->index);
        t->index_cap = t->index_cap ? 2 * t->index_cap : 16;
        t->index = xcalloc(t->index_cap, sizeof(*t->index));
        for (size_t i = 0; i < t->n; i++) {
            size_t h = name_hash(t->names[i]) & (t->index_cap - 1);
            while (t->index[h] != 0)
                h = (h + 1) & (t->index_cap - 1);
            t->index[h] = (uint32_t)(i + 1);
        }
    }
    size_t h = name_hash(name) & (t->index_cap - 1);
    for (; t->index[h] != 0; h = (h + 1) & (t->index_cap - 1))
        if (strcmp(t->names[t->index[h] - 1], name) == 0) {
            t->counts[t->index[h] - 1]++;
            return;
        }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4;
        t->names = xreallocarray(t->names, t->cap, sizeof(*t->names));
        t->counts = xreallocarray(t->counts, t->cap, sizeof(*t->counts));
    }
    t->names[t->n] = xstrdup(name);
    t->counts[t->n] = 1;
    t->index[h] = (uint32_t)(++t->n);
}

static void
add_involved(struct log_audit *a, size_t fi, enum involved_kind k, const char *name)
{
    if (name == NULL || *name == '\0')
        return;
    if (a->fork)
        tally_add(&a->tallies[fi * INV__COUNT + k], name);
    else
        involve(&a->out.v[fi].involved[k], (char *)name, 1, false);
}

/* Whether evidence x comes before y: timed lines first, by time; else in
 * the order they arrived. */
static bool
before(bool xt, int64_t xms, const struct evidence *y)
{
    if (xt != y->has_time)
        return xt;
    return xt && xms < y->time_ms;
}

/* "host OK, device CHECK CONDITION; valid sense: ILLEGAL REQUEST, LOGICAL
 * UNIT NOT SUPPORTED" (owned), or NULL for a line with no SCSI status. The
 * sense is named valid or only possible: a verdict never rests on the latter. */
static char *
scsi_words(const struct scsi_status *st)
{
    if (!st->present && !st->has_sense)
        return NULL;
    struct buf b = BUF_INIT;
    if (st->present) {
        const char *h = scsi_host_status_name(st->host), *d = scsi_device_status_name(st->device);
        if (h)
            buf_addf(&b, "host %s", h);
        else
            buf_addf(&b, "host 0x%x", (unsigned)st->host);
        if (d)
            buf_addf(&b, ", device %s", d);
        else
            buf_addf(&b, ", device 0x%x", (unsigned)st->device);
    }
    if (st->has_sense) {
        const char *k = scsi_sense_key_name(st->key), *asc = scsi_asc_name(st->asc, st->ascq);
        buf_addf(&b, "%s%s sense: %s", b.len ? "; " : "", st->sense_valid ? "valid" : "possible",
                 k ? k : "unknown key");
        if (asc)
            buf_addf(&b, ", %s", asc);
    }
    return buf_detach(&b);
}

/* Where evidence with this time goes among f's examples, or SIZE_MAX when
 * it comes too late to be kept. */
static size_t
example_at(const struct log_audit *a, const struct finding *f, bool has_time, int64_t ms)
{
    size_t at = f->nev;
    while (at > 0 && before(has_time, ms, &f->ev[at - 1]))
        at--;
    return at < a->examples ? at : SIZE_MAX;
}

/* Puts e (owned) at `at`, dropping the latest example when full. */
static void
example_put(const struct log_audit *a, struct finding *f, size_t at, struct evidence e)
{
    if (f->nev == a->examples) { /* drop the latest */
        free(f->ev[f->nev - 1].text);
        free(f->ev[f->nev - 1].source);
        free(f->ev[f->nev - 1].decoded);
        f->nev--;
    } else {
        f->ev = xreallocarray(f->ev, f->nev + 1, sizeof(*f->ev));
    }
    memmove(f->ev + at + 1, f->ev + at, (f->nev - at) * sizeof(*f->ev));
    f->ev[at] = e;
    f->nev++;
}

/* The finding's lines span [first, last] too. */
static void
widen_span(struct finding *f, int64_t first, int64_t last)
{
    if (!f->has_time || first < f->first_ms)
        f->first_ms = first;
    if (!f->has_time || last > f->last_ms)
        f->last_ms = last;
    f->has_time = true;
}

static void
add_example(struct log_audit *a, struct finding *f, const struct log_record *rec)
{
    size_t at = example_at(a, f, rec->has_time, rec->time_ms);
    if (at == SIZE_MAX)
        return;
    size_t len = rec->len < EVIDENCE_MAX_TEXT ? rec->len : EVIDENCE_MAX_TEXT;
    example_put(a, f, at,
                (struct evidence){rec->line, xstrndup(rec->text, len), xstrdup(rec->source),
                                  scsi_words(&rec->scsi), rec->has_time, rec->time_ms});
}

void
log_audit_match(void *audit, size_t rule, const struct log_record *rec)
{
    struct log_audit *a = audit;
    if (a->cur == NO_FINDING)
        VT_BUG("log_audit_match before log_audit_subject");
    if (!log_window_holds(&a->w, rec->has_time, rec->time_ms)) {
        a->untimed += !rec->has_time;
        return;
    }
    size_t *slot = &a->slots[a->cur * a->pf->nrules + rule];
    if (*slot == NO_FINDING) {
        const struct record r = {.kind = REC_LOG, .log = rec};
        XGROW(a->out.v, a->out.cap, a->out.n + 1);
        a->out.v[a->out.n] = finding_new(a->pf->rules[rule], a->subjects[a->cur], &r);
        if (rec->vm_log && rec->vm) {
            const char *slash = strrchr(rec->vm, '/');
            a->out.v[a->out.n].name = xstrdup(slash ? slash + 1 : rec->vm);
        }
        if (a->fork) {
            a->rule_of = xreallocarray(a->rule_of, a->out.cap, sizeof(*a->rule_of));
            a->tallies = xreallocarray(a->tallies, a->out.cap * INV__COUNT, sizeof(*a->tallies));
            a->rule_of[a->out.n] = rule;
            memset(&a->tallies[a->out.n * INV__COUNT], 0, INV__COUNT * sizeof(*a->tallies));
        }
        *slot = a->out.n++;
    }
    size_t fi = *slot;
    struct finding *f = &a->out.v[fi];
    f->count++;
    if (rec->has_time) {
        widen_span(f, rec->time_ms, rec->time_ms);
        tl_add(a, hour_of(rec->time_ms), rule, 1);
    }
    if (a->examples > 0)
        add_example(a, f, rec);
    add_involved(a, fi, INV_DEVICE, rec->device);
    add_involved(a, fi, INV_PATH, rec->path);
    add_involved(a, fi, INV_ADAPTER, rec->path ? NULL : rec->adapter);
    add_involved(a, fi, INV_NIC, rec->nic);
    add_involved(a, fi, INV_DATASTORE, rec->datastore);
    add_involved(a, fi, INV_VM, rec->vm);
}

/* ---- forks: a block's matches folded on another thread ---- */

struct log_audit *
log_audit_fork(const struct log_audit *a)
{
    if (a->cur == NO_FINDING)
        VT_BUG("log_audit_fork before log_audit_subject");
    struct log_audit *b = log_audit_new(a->pf, a->examples, &a->w);
    b->fork = true;
    log_audit_subject(b, a->subjects[a->cur]);
    return b;
}

static void
tally_release(struct tally *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    free(t->counts);
    free(t->index);
}

/* Frees an audit or a fork, with what findings are left in it. */
static void
audit_free(struct log_audit *a)
{
    for (size_t i = 0; a->fork && i < a->out.n * INV__COUNT; i++)
        tally_release(&a->tallies[i]);
    free(a->tallies);
    free(a->rule_of);
    for (size_t i = 0; i < a->nsubjects; i++)
        free(a->subjects[i]);
    free(a->subjects);
    free(a->slots);
    free(a->tl);
    findings_release(&a->out);
    free(a);
}

void
log_audit_drop(struct log_audit *b)
{
    if (b != NULL)
        audit_free(b);
}

/* Folds one finding of a fork into a's finding of the same rule, as if its
 * lines had come to a one by one: examples by the same order (a's earlier
 * arrivals first among equal times), names in the order they first came. */
static void
join_finding(struct log_audit *a, struct finding *f, struct finding *g, struct tally *t)
{
    f->count += g->count;
    if (g->has_time)
        widen_span(f, g->first_ms, g->last_ms);
    for (size_t i = 0; i < g->nev; i++) {
        size_t at = example_at(a, f, g->ev[i].has_time, g->ev[i].time_ms);
        if (at == SIZE_MAX) {
            free(g->ev[i].text);
            free(g->ev[i].source);
            free(g->ev[i].decoded);
        } else {
            example_put(a, f, at, g->ev[i]);
        }
    }
    g->nev = 0;
    for (int k = 0; k < INV__COUNT; k++) {
        for (size_t i = 0; i < t[k].n; i++) {
            involve(&f->involved[k], t[k].names[i], t[k].counts[i], true);
            t[k].names[i] = NULL;
        }
        t[k].n = 0;
    }
}

void
log_audit_join(struct log_audit *a, struct log_audit *b)
{
    if (a->cur == NO_FINDING || strcmp(a->subjects[a->cur], b->subjects[0]) != 0)
        VT_BUG("log_audit_join: the fork is of another subject");
    size_t nr = a->pf->nrules;
    for (size_t i = 0; i < b->out.n; i++) {
        size_t *slot = &a->slots[a->cur * nr + b->rule_of[i]];
        struct finding *g = &b->out.v[i];
        if (*slot == NO_FINDING) { /* new here: the fork's first line made it */
            XGROW(a->out.v, a->out.cap, a->out.n + 1);
            struct finding *f = &a->out.v[a->out.n];
            *f = *g;
            f->nev = 0; /* g's examples, counts and times are taken by the join */
            f->ev = NULL;
            f->count = 0;
            f->has_time = false;
            g->name = NULL;
            g->subject = NULL;
            g->fixes = NULL;
            g->nfixes = 0;
            g->scripts = NULL;
            g->nscripts = 0;
            g->fix_note = NULL;
            g->devices = NULL;
            g->ndevices = 0;
            g->rel = NULL;
            g->nrel = 0;
            memset(f->involved, 0, sizeof(f->involved));
            *slot = a->out.n++;
        }
        join_finding(a, &a->out.v[*slot], g, &b->tallies[i * INV__COUNT]);
    }
    for (size_t i = 0; i < b->tl_cap; i++)
        if (b->tl[i].used)
            tl_add(a, b->tl[i].hour, b->tl[i].kind, b->tl[i].count);
    a->untimed += b->untimed;
    audit_free(b);
}

static int
cmp_row(const void *x, const void *y)
{
    const struct timeline_row *a = x, *b = y;
    if (a->hour_ms != b->hour_ms)
        return a->hour_ms < b->hour_ms ? -1 : 1;
    return strcmp(a->kind, b->kind);
}

void
log_audit_finish(struct log_audit *a, struct findings *out, struct timeline *tl, struct diags *d)
{
    findings_move(out, &a->out);
    for (size_t i = 0; i < a->tl_cap; i++) {
        const struct tl_slot *s = &a->tl[i];
        if (!s->used)
            continue;
        XGROW(tl->v, tl->cap, tl->n + 1);
        const char *kind = s->kind < a->pf->nrules ? a->pf->rules[s->kind]->id : "crash";
        tl->v[tl->n++] = (struct timeline_row){s->hour * HOUR_MS, kind, s->count};
    }
    if (tl->n > 1)
        qsort(tl->v, tl->n, sizeof(*tl->v), cmp_row);
    size_t kept = 0; /* a timeline that held another audit's rows: one row per hour and kind */
    for (size_t i = 0; i < tl->n; i++) {
        if (kept > 0 && tl->v[kept - 1].hour_ms == tl->v[i].hour_ms &&
            strcmp(tl->v[kept - 1].kind, tl->v[i].kind) == 0)
            tl->v[kept - 1].count += tl->v[i].count;
        else
            tl->v[kept++] = tl->v[i];
    }
    tl->n = kept;
    if (a->untimed > 0)
        diags_add(d, DIAG_NOTE, NULL, 0,
                  "%zu matching lines have no time and were left out by --since/--until",
                  a->untimed);
    audit_free(a);
}

void
timeline_release(struct timeline *tl)
{
    free(tl->v);
    *tl = (struct timeline){NULL, 0, 0};
}
