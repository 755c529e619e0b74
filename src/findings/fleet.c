/* fleet: the fold of many reports into one summary (fleet.h).
 *
 * A finding is counted once per (rule, host, subject), where the subject is
 * the finding's subject with its host's bundle folder cut off, so the same
 * host read from two reports (a bundle yesterday, a live run today) does not
 * count twice; hosts are one row per (name, build). What was counted is
 * remembered as 128-bit digests in one open-addressing set; hosts and rules
 * are found through small open-addressing indexes that compare the strings. */
#include "findings/fleet.h"
#include "rules/rules.h"
#include "util/util_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
fleet_digest_init(struct fleet_digest *d)
{
    d->a = 0xcbf29ce484222325ULL; /* FNV-1a's offset basis */
    d->b = 0x84222325cbf29ce4ULL; /* a second lane, another basis */
}

void
fleet_digest_add(struct fleet_digest *d, const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t a = d->a, b = d->b;
    for (size_t i = 0; i < n; i++) {
        a = (a ^ s[i]) * 0x100000001b3ULL;
        b = (b ^ s[i]) * 0x880355f21e6d1965ULL;
    }
    d->a = a;
    d->b = b;
}

/* A digest of strings (NULL as absent), each ended by a byte no UTF-8 text holds. */
static struct fleet_digest
digest_of(const char *tag, const char *s1, const char *s2, const char *s3)
{
    struct fleet_digest d;
    fleet_digest_init(&d);
    const char *v[4] = {tag, s1, s2, s3};
    for (size_t i = 0; i < 4; i++) {
        if (v[i])
            fleet_digest_add(&d, v[i], strlen(v[i]));
        fleet_digest_add(&d, v[i] ? "\xff" : "\xfe", 1);
    }
    if (d.a == 0 && d.b == 0)
        d.a = 1; /* 0,0 marks an empty slot */
    return d;
}

/* The set of digests seen. */
struct dset {
    struct fleet_digest *v;
    size_t cap, n;
};

static bool dset_add(struct dset *s, struct fleet_digest d);

static void
dset_grow(struct dset *s)
{
    struct dset t = {.cap = s->cap ? s->cap * 2 : 1024};
    t.v = xcalloc(t.cap, sizeof(*t.v));
    for (size_t i = 0; i < s->cap; i++)
        if (s->v[i].a || s->v[i].b)
            dset_add(&t, s->v[i]);
    free(s->v);
    *s = t;
}

/* Adds d; returns whether it was new. */
static bool
dset_add(struct dset *s, struct fleet_digest d)
{
    if ((s->n + 1) * 2 > s->cap)
        dset_grow(s);
    size_t i = (size_t)(d.a ^ (d.b >> 7)) & (s->cap - 1);
    for (;; i = (i + 1) & (s->cap - 1)) {
        if (s->v[i].a == d.a && s->v[i].b == d.b)
            return false;
        if (s->v[i].a == 0 && s->v[i].b == 0) {
            s->v[i] = d;
            s->n++;
            return true;
        }
    }
}

/* An index from a string key's hash to positions of an array; the caller
 * compares the strings (imap_next walks the candidates). */
struct imap {
    uint64_t *h;
    size_t *pos; /* position + 1; 0: empty */
    size_t cap, n;
};

static void imap_put(struct imap *m, uint64_t h, size_t pos);

static void
imap_grow(struct imap *m)
{
    struct imap t = {.cap = m->cap ? m->cap * 2 : 256};
    t.h = xcalloc(t.cap, sizeof(*t.h));
    t.pos = xcalloc(t.cap, sizeof(*t.pos));
    for (size_t i = 0; i < m->cap; i++)
        if (m->pos[i])
            imap_put(&t, m->h[i], m->pos[i] - 1);
    free(m->h);
    free(m->pos);
    *m = t;
}

static void
imap_put(struct imap *m, uint64_t h, size_t pos)
{
    if ((m->n + 1) * 2 > m->cap)
        imap_grow(m);
    size_t i = (size_t)h & (m->cap - 1);
    while (m->pos[i])
        i = (i + 1) & (m->cap - 1);
    m->h[i] = h;
    m->pos[i] = pos + 1;
    m->n++;
}

/* Candidates for h: call with *slot = (size_t)-1 first; returns a position or -1. */
static long long
imap_next(const struct imap *m, uint64_t h, size_t *slot)
{
    if (m->cap == 0)
        return -1;
    size_t i = *slot == (size_t)-1 ? (size_t)h & (m->cap - 1) : (*slot + 1) & (m->cap - 1);
    for (; m->pos[i]; i = (i + 1) & (m->cap - 1))
        if (m->h[i] == h) {
            *slot = i;
            return (long long)(m->pos[i] - 1);
        }
    return -1;
}

static void
imap_release(struct imap *m)
{
    free(m->h);
    free(m->pos);
    *m = (struct imap){0};
}

static uint64_t
hash2(const char *a, const char *b)
{
    return digest_of("", a, b, NULL).a;
}

static bool
streq(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* A host of the report being read, as its `hosts` element named it. */
struct cur_host {
    char *name, *build, *version, *bundle;
    long long crashes;
    size_t row; /* in f->hosts, once resolved */
};

struct fleet_index {
    struct dset seen;
    struct imap hosts, rules, digests; /* digests: report content -> position in f->reports */
    struct fleet_digest *report_digests;
    size_t ndigests, digests_cap;
    /* the report being read */
    const char *path; /* borrowed from f->reports */
    char *stem;       /* its file name without folder and .json */
    struct cur_host *rh;
    size_t nrh, rh_cap;
    bool resolved;
    long long deflt;   /* the row of the report itself (no hosts[]), or -1 */
    char *crash_build; /* the first crash's build (psod, logs) */
    size_t crashes;    /* its crashes[] */
    struct imap vms;   /* VM path -> vm_host (vcenter) */
    char **vm_path, **vm_host;
    size_t nvm, vm_cap;
};

void
fleet_init(struct fleet *f, int min_level, int max_schema)
{
    *f = (struct fleet){.min_level = min_level, .max_schema = max_schema};
    f->ix = xcalloc(1, sizeof(*f->ix));
    f->ix->deflt = -1;
}

static size_t
host_row(struct fleet *f, const char *name, const char *build)
{
    struct fleet_index *ix = f->ix;
    uint64_t h = hash2(name, build);
    size_t slot = (size_t)-1;
    for (long long p; (p = imap_next(&ix->hosts, h, &slot)) >= 0;)
        if (streq(f->hosts[p].name, name) && streq(f->hosts[p].build, build))
            return (size_t)p;
    xgrow((void **)&f->hosts, &f->hosts_cap, f->nhosts + 1, sizeof(*f->hosts));
    f->hosts[f->nhosts] = (struct fleet_host){.name = xstrdup(name),
                                              .build = build ? xstrdup(build) : NULL,
                                              .report = xstrdup(ix->path),
                                              .worst = -1};
    imap_put(&ix->hosts, h, f->nhosts);
    return f->nhosts++;
}

bool
fleet_report_begin(struct fleet *f, const char *path, const struct fleet_digest *d)
{
    struct fleet_index *ix = f->ix;
    uint64_t h = d->a ^ d->b;
    size_t slot = (size_t)-1;
    const char *dup = NULL;
    for (long long p; dup == NULL && (p = imap_next(&ix->digests, h, &slot)) >= 0;)
        if (ix->report_digests[p].a == d->a && ix->report_digests[p].b == d->b)
            dup = f->reports[p].path;
    xgrow((void **)&f->reports, &f->reports_cap, f->nreports + 1, sizeof(*f->reports));
    xgrow((void **)&ix->report_digests, &ix->digests_cap, f->nreports + 1,
          sizeof(*ix->report_digests));
    f->reports[f->nreports] =
        (struct fleet_report){.path = xstrdup(path), .duplicate_of = dup ? xstrdup(dup) : NULL};
    ix->report_digests[f->nreports] = *d;
    if (dup == NULL)
        imap_put(&ix->digests, h, f->nreports);
    f->nreports++;
    if (dup) {
        f->duplicates++;
        return false;
    }
    ix->path = f->reports[f->nreports - 1].path;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    ix->stem = xstrndup(base, n);
    ix->resolved = false;
    ix->deflt = -1;
    ix->crashes = 0;
    return true;
}

static struct fleet_report *
cur_report(struct fleet *f)
{
    return &f->reports[f->nreports - 1];
}

/* Counts the current report once for the host of `row`. */
static void
note_row(struct fleet *f, size_t row)
{
    char n[24];
    snprintf(n, sizeof(n), "%zu", f->nreports);
    struct fleet_host *h = &f->hosts[row];
    if (dset_add(&f->ix->seen, digest_of("report-host", n, h->name, h->build))) {
        h->reports++;
        cur_report(f)->hosts++;
    }
}

/* The report's hosts[] become rows (once, at its first event past them). */
static void
resolve(struct fleet *f)
{
    struct fleet_index *ix = f->ix;
    if (ix->resolved)
        return;
    ix->resolved = true;
    for (size_t i = 0; i < ix->nrh; i++) {
        struct cur_host *c = &ix->rh[i];
        char *name = c->name        ? xstrdup(c->name)
                     : ix->nrh == 1 ? xstrdup(ix->stem)
                                    : xasprintf("%s:%s", ix->stem, c->bundle ? c->bundle : "?");
        c->row = host_row(f, name, c->build);
        free(name);
        struct fleet_host *h = &f->hosts[c->row];
        if (h->version == NULL && c->version)
            h->version = xstrdup(c->version);
        if (c->crashes > 0 && (size_t)c->crashes > h->crashes)
            h->crashes = (size_t)c->crashes;
        note_row(f, c->row);
    }
}

/* The row of the report itself (commands that name no host). */
static size_t
default_row(struct fleet *f)
{
    struct fleet_index *ix = f->ix;
    if (ix->deflt < 0) {
        ix->deflt = (long long)host_row(f, ix->stem, ix->crash_build);
        note_row(f, (size_t)ix->deflt);
    }
    return (size_t)ix->deflt;
}

static const char *
on_header(void *ctx, const struct rr_header *h)
{
    struct fleet *f = ctx;
    if (h->schema < 0)
        return "no \"schema\" version: not a vmtriage report, or one written before reports "
               "carried their contract's version; run that host's triage again";
    if (h->schema > f->max_schema) {
        static char msg[160];
        snprintf(msg, sizeof(msg),
                 "report schema %lld is newer than this vmtriage reads (%d): upgrade vmtriage",
                 h->schema, f->max_schema);
        return msg;
    }
    if (h->command && strcmp(h->command, "merge") == 0)
        return "a merged report: merge the hosts' own reports instead";
    cur_report(f)->command = xstrdup(h->command ? h->command : "?");
    return NULL;
}

static const char *
on_host(void *ctx, const struct rr_host *h)
{
    struct fleet *f = ctx;
    struct fleet_index *ix = f->ix;
    if (ix->resolved) /* hosts[] comes first in every report vmtriage writes */
        return "'hosts' after the findings: not a report vmtriage wrote";
    xgrow((void **)&ix->rh, &ix->rh_cap, ix->nrh + 1, sizeof(*ix->rh));
    ix->rh[ix->nrh++] = (struct cur_host){
        .name = h->name && *h->name ? xstrdup(h->name) : NULL,
        .build = h->build && *h->build ? xstrdup(h->build) : NULL,
        .version = h->version ? xstrdup(h->version) : NULL,
        .bundle = h->bundle ? xstrdup(h->bundle) : NULL,
        .crashes = h->crashes,
    };
    return NULL;
}

static const char *
on_vm(void *ctx, const struct rr_vm *v)
{
    struct fleet *f = ctx;
    struct fleet_index *ix = f->ix;
    resolve(f);
    if (v->path == NULL || v->host == NULL || *v->host == '\0')
        return NULL;
    xgrow((void **)&ix->vm_path, &ix->vm_cap, ix->nvm + 1, sizeof(*ix->vm_path));
    ix->vm_host = xreallocarray(ix->vm_host, ix->vm_cap, sizeof(*ix->vm_host));
    ix->vm_path[ix->nvm] = xstrdup(v->path);
    ix->vm_host[ix->nvm] = xstrdup(v->host);
    imap_put(&ix->vms, hash2(v->path, NULL), ix->nvm);
    ix->nvm++;
    return NULL;
}

static const char *
on_crash(void *ctx, const struct rr_crash *c)
{
    struct fleet *f = ctx;
    struct fleet_index *ix = f->ix;
    resolve(f);
    ix->crashes++;
    if (ix->crash_build == NULL && c->build && *c->build && ix->nrh == 0 && ix->deflt < 0)
        ix->crash_build = xstrdup(c->build);
    return NULL;
}

/* The row a subject belongs to, and the subject with its host's bundle cut off. */
static size_t
subject_row(struct fleet *f, const char *subject, const char **rest)
{
    struct fleet_index *ix = f->ix;
    *rest = subject;
    if (ix->nrh > 0) {
        size_t best = 0, best_len = 0;
        for (size_t i = 0; i < ix->nrh; i++) {
            const char *b = ix->rh[i].bundle;
            size_t l = b ? strlen(b) : 0;
            if (l > best_len && strncmp(subject, b, l) == 0 &&
                (subject[l] == '/' || subject[l] == ':' || subject[l] == '\0')) {
                best = i;
                best_len = l;
            }
        }
        *rest = subject + best_len;
        return ix->rh[best].row;
    }
    size_t slot = (size_t)-1;
    for (long long p; (p = imap_next(&ix->vms, hash2(subject, NULL), &slot)) >= 0;)
        if (strcmp(ix->vm_path[p], subject) == 0) {
            size_t row = host_row(f, ix->vm_host[p], NULL);
            note_row(f, row);
            return row;
        }
    return default_row(f);
}

static const char *
on_finding(void *ctx, const struct rr_finding *x)
{
    struct fleet *f = ctx;
    struct fleet_index *ix = f->ix;
    resolve(f);
    int level = level_from_name(x->level);
    if (level < 0) {
        static char msg[120];
        snprintf(msg, sizeof(msg), "a finding with an unknown level '%.40s'", x->level);
        return msg;
    }
    if (level < f->min_level)
        return NULL;
    const char *subj;
    size_t row = subject_row(f, x->subject, &subj);
    struct fleet_host *h = &f->hosts[row];
    char *hkey = xasprintf("%s\x1f%s", h->name, h->build ? h->build : "");

    /* the rule's row */
    uint64_t rh = hash2(x->rule, NULL);
    size_t slot = (size_t)-1;
    long long rp = -1;
    for (long long p; rp < 0 && (p = imap_next(&ix->rules, rh, &slot)) >= 0;)
        if (strcmp(f->rules[p].id, x->rule) == 0)
            rp = p;
    if (rp < 0) {
        xgrow((void **)&f->rules, &f->rules_cap, f->nrules + 1, sizeof(*f->rules));
        f->rules[f->nrules] = (struct fleet_rule){
            .id = xstrdup(x->rule),
            .title = x->title ? xstrdup(x->title) : NULL,
            .kb = x->kb ? xstrdup(x->kb) : NULL,
            .level = level,
        };
        imap_put(&ix->rules, rh, f->nrules);
        rp = (long long)f->nrules++;
    }
    struct fleet_rule *r = &f->rules[rp];
    r->crash |= x->is_crash;
    if (level > r->level)
        r->level = level;
    if (level > h->worst)
        h->worst = level;
    if (dset_add(&ix->seen, digest_of("finding", x->rule, hkey, subj))) {
        r->subjects++;
        h->findings++;
        f->levels[level]++;
        if (x->name)
            r->vms++;
    }
    if (dset_add(&ix->seen, digest_of("rule-host", x->rule, hkey, NULL)))
        r->hosts++;
    if (x->is_crash && x->fix_status && strcmp(x->fix_status, "upgrade") == 0 &&
        dset_add(&ix->seen, digest_of("rule-upgrade", x->rule, hkey, NULL)))
        r->hosts_upgrade++;
    if (x->name && level >= LEVEL_MEDIUM && dset_add(&ix->seen, digest_of("vm", hkey, subj, NULL)))
        h->vms_at_risk++;
    free(hkey);
    return NULL;
}

static const char *
on_error(void *ctx, const struct rr_error *e)
{
    struct fleet *f = ctx;
    struct fleet_index *ix = f->ix;
    resolve(f);
    if (e->severity == NULL || strcmp(e->severity, "error") != 0)
        return NULL; /* notes stay in the host's own report */
    const char *rest;
    size_t row = subject_row(f, e->path, &rest);
    struct fleet_host *h = &f->hosts[row];
    char *hkey = xasprintf("%s\x1f%s", h->name, h->build ? h->build : "");
    bool fresh = dset_add(&ix->seen, digest_of("error", hkey, rest, e->message));
    free(hkey);
    if (!fresh)
        return NULL;
    h->errors++;
    if (f->nerrors < FLEET_MAX_ERRORS) {
        f->errors = xreallocarray(f->errors, f->nerrors + 1, sizeof(*f->errors));
        f->errors[f->nerrors] = (struct fleet_error){
            .report = xstrdup(ix->path), .path = xstrdup(e->path), .message = xstrdup(e->message)};
    }
    f->nerrors++;
    return NULL;
}

struct rr_callbacks
fleet_callbacks(struct fleet *f)
{
    return (struct rr_callbacks){.ctx = f,
                                 .header = on_header,
                                 .host = on_host,
                                 .vm = on_vm,
                                 .crash = on_crash,
                                 .finding = on_finding,
                                 .error = on_error};
}

static void
report_state_clear(struct fleet_index *ix)
{
    for (size_t i = 0; i < ix->nrh; i++) {
        free(ix->rh[i].name);
        free(ix->rh[i].build);
        free(ix->rh[i].version);
        free(ix->rh[i].bundle);
    }
    ix->nrh = 0;
    for (size_t i = 0; i < ix->nvm; i++) {
        free(ix->vm_path[i]);
        free(ix->vm_host[i]);
    }
    ix->nvm = 0;
    imap_release(&ix->vms);
    free(ix->stem);
    ix->stem = NULL;
    free(ix->crash_build);
    ix->crash_build = NULL;
    ix->path = NULL;
}

void
fleet_report_end(struct fleet *f)
{
    struct fleet_index *ix = f->ix;
    resolve(f);
    if (ix->nrh == 0 && (ix->crashes > 0 || cur_report(f)->hosts == 0)) {
        /* a report that names no host is a row of its own, even without findings */
        size_t row = default_row(f);
        if (ix->crashes > f->hosts[row].crashes)
            f->hosts[row].crashes = ix->crashes;
    }
    report_state_clear(ix);
}

static int
host_cmp(const void *a, const void *b)
{
    const struct fleet_host *x = a, *y = b;
    if (x->worst != y->worst)
        return y->worst - x->worst;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->build ? x->build : "", y->build ? y->build : "");
}

static int
rule_cmp(const void *a, const void *b)
{
    const struct fleet_rule *x = a, *y = b;
    if (x->level != y->level)
        return y->level - x->level;
    if (x->hosts != y->hosts)
        return x->hosts < y->hosts ? 1 : -1;
    if (x->subjects != y->subjects)
        return x->subjects < y->subjects ? 1 : -1;
    return strcmp(x->id, y->id);
}

void
fleet_end(struct fleet *f)
{
    if (f->nhosts)
        qsort(f->hosts, f->nhosts, sizeof(*f->hosts), host_cmp);
    if (f->nrules)
        qsort(f->rules, f->nrules, sizeof(*f->rules), rule_cmp);
    f->crashes = 0;
    for (size_t i = 0; i < f->nhosts; i++)
        f->crashes += f->hosts[i].crashes;
    /* rows moved: the indexes point nowhere now */
    imap_release(&f->ix->hosts);
    imap_release(&f->ix->rules);
}

void
fleet_release(struct fleet *f)
{
    for (size_t i = 0; i < f->nhosts; i++) {
        free(f->hosts[i].name);
        free(f->hosts[i].build);
        free(f->hosts[i].version);
        free(f->hosts[i].report);
    }
    free(f->hosts);
    for (size_t i = 0; i < f->nrules; i++) {
        free(f->rules[i].id);
        free(f->rules[i].title);
        free(f->rules[i].kb);
    }
    free(f->rules);
    for (size_t i = 0; i < f->nreports; i++) {
        free(f->reports[i].path);
        free(f->reports[i].command);
        free(f->reports[i].duplicate_of);
    }
    free(f->reports);
    for (size_t i = 0; i < f->nerrors && i < FLEET_MAX_ERRORS; i++) {
        free(f->errors[i].report);
        free(f->errors[i].path);
        free(f->errors[i].message);
    }
    free(f->errors);
    if (f->ix) {
        report_state_clear(f->ix);
        free(f->ix->rh);
        free(f->ix->vm_path);
        free(f->ix->vm_host);
        free(f->ix->seen.v);
        free(f->ix->report_digests);
        imap_release(&f->ix->hosts);
        imap_release(&f->ix->rules);
        imap_release(&f->ix->digests);
        free(f->ix);
    }
    *f = (struct fleet){0};
}
