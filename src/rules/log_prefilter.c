/* log_prefilter: builds the hyperscan block database (see log_prefilter.h). */
#include "rules/log_prefilter.h"
#include "rules/log_literals.h"
#include "parse/psod/psod.h"
#include "util/util_mem.h"
#include "util/work_count.h"

#include <hs.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The built-in rules' databases, compiled and serialized at build time by
 * tools/gen_prefilter.c into build/prefilter_db.c (a sequence of entries,
 * see embedded_db). Weak: the generator itself links without them, and
 * then every database is compiled at run time. */
extern const unsigned char vt_prefilter_dbs[] __attribute__((weak));
extern const size_t vt_prefilter_dbs_len __attribute__((weak));
extern const struct log_prefilter_builtin vt_prefilter_builtin __attribute__((weak));

/* The distinct patterns, and (pattern, owner) pairs in the order added: a
 * pattern several rules need (`H:0x`) is searched for once. */
struct pattern_set {
    char **expr;
    unsigned *flags;
    size_t n, cap, capf;
    struct pair {
        unsigned pattern, owner;
    } * pairs;
    size_t npairs, cappairs;
};

static void
push(struct pattern_set *ps, const char *expr, unsigned flags, unsigned owner)
{
    size_t k = 0;
    while (k < ps->n && (ps->flags[k] != flags || strcmp(ps->expr[k], expr) != 0))
        k++;
    if (k == ps->n) {
        XGROW(ps->expr, ps->cap, ps->n + 1);
        XGROW(ps->flags, ps->capf, ps->n + 1);
        ps->expr[ps->n] = xstrdup(expr);
        ps->flags[ps->n] = flags;
        ps->n++;
    }
    for (size_t i = 0; i < ps->npairs; i++)
        if (ps->pairs[i].pattern == k && ps->pairs[i].owner == owner)
            return;
    XGROW(ps->pairs, ps->cappairs, ps->npairs + 1);
    ps->pairs[ps->npairs++] = (struct pair){(unsigned)k, owner};
}

/* Moves the owners into pf as lists per pattern id. */
static void
take_owners(struct log_prefilter *pf, const struct pattern_set *ps)
{
    pf->owners_at = xcalloc(ps->n + 1, sizeof(*pf->owners_at));
    pf->owners = xcalloc(ps->npairs + 1, sizeof(*pf->owners));
    size_t o = 0;
    for (size_t k = 0; k < ps->n; k++) {
        pf->owners_at[k] = o;
        for (size_t i = 0; i < ps->npairs; i++)
            if (ps->pairs[i].pattern == k)
                pf->owners[o++] = ps->pairs[i].owner;
    }
    pf->owners_at[ps->n] = o;
}

static void
pattern_set_release(struct pattern_set *ps)
{
    for (size_t i = 0; ps->expr && i < ps->n; i++)
        free(ps->expr[i]);
    free(ps->expr);
    free(ps->flags);
    free(ps->pairs);
}

/* FNV-1a over the set (patterns, flags and owners in order): what a
 * database compiled at build time must have been compiled from. */
static uint64_t
set_hash(const struct pattern_set *ps)
{
    uint64_t h = 0xcbf29ce484222325u;
#define FNV(byte) (h = (h ^ (unsigned char)(byte)) * 0x100000001b3u)
    for (size_t i = 0; i < ps->n; i++) {
        for (const char *c = ps->expr[i]; *c; c++)
            FNV(*c);
        FNV(0);
        for (int b = 0; b < 32; b += 8)
            FNV(ps->flags[i] >> b);
    }
    for (size_t i = 0; i < ps->npairs; i++)
        for (int b = 0; b < 32; b += 8) {
            FNV(ps->pairs[i].pattern >> b);
            FNV(ps->pairs[i].owner >> b);
        }
#undef FNV
    return h;
}

#define DB_MAGIC 0x46505456u /* "VTPF" */
/* One entry of vt_prefilter_dbs: this header, then `len` bytes of
 * hs_serialize_database. Fields in host order (the build machine is the
 * target: one program, one architecture). */
struct db_entry {
    uint32_t magic, version;
    uint64_t cpu_features, hash, len;
};

/* The build-time database for a set hashing to `hash`, compiled for the
 * richest CPU feature set this CPU has (baseline, else AVX2), or NULL. */
static hs_database_t *
embedded_db(uint64_t hash)
{
    if (vt_prefilter_dbs == NULL || &vt_prefilter_dbs_len == NULL)
        return NULL;
    hs_platform_info_t host;
    unsigned long long have = hs_populate_platform(&host) == HS_SUCCESS ? host.cpu_features : 0;
    const struct db_entry *best = NULL;
    const unsigned char *best_at = NULL;
    for (size_t at = 0; at + sizeof(struct db_entry) <= vt_prefilter_dbs_len;) {
        struct db_entry e;
        memcpy(&e, vt_prefilter_dbs + at, sizeof(e));
        if (e.magic != DB_MAGIC || e.version != 1 ||
            e.len > vt_prefilter_dbs_len - at - sizeof(e))
            return NULL; /* not ours: compile instead */
        if (e.hash == hash && (e.cpu_features & ~have) == 0 &&
            (best == NULL || e.cpu_features > best->cpu_features)) {
            best = (const struct db_entry *)(vt_prefilter_dbs + at);
            best_at = vt_prefilter_dbs + at + sizeof(e);
        }
        at += sizeof(e) + (size_t)e.len;
    }
    if (best == NULL)
        return NULL;
    struct db_entry e;
    memcpy(&e, best, sizeof(e));
    hs_database_t *db = NULL;
    if (hs_deserialize_database((const char *)best_at, (size_t)e.len, &db) != HS_SUCCESS)
        return NULL;
    return db;
}

/* hs_compile_multi over the set for `plat` (NULL: this CPU); on success the
 * database. */
static hs_database_t *
compile_set(const struct pattern_set *ps, const hs_platform_info_t *plat, hs_compile_error_t **err)
{
    unsigned *ids = xcalloc(ps->n + 1, sizeof(*ids));
    for (size_t i = 0; i < ps->n; i++)
        ids[i] = (unsigned)i;
    hs_database_t *db = NULL;
    atomic_fetch_add(&vt_work.prefilter_databases, 1);
    if (hs_compile_multi((const char *const *)ps->expr, ps->flags, ids, (unsigned)ps->n,
                         HS_MODE_BLOCK, plat, &db, err) != HS_SUCCESS)
        db = NULL;
    free(ids);
    return db;
}

/* The set of every prefiltered rule's patterns (rules with every_line set
 * left out) and the purple-screen needles. */
static void
build_set(struct pattern_set *ps, const struct log_prefilter *pf, const struct rule_patterns *pats)
{
    const unsigned base = HS_FLAG_PREFILTER | HS_FLAG_MULTILINE;
    for (size_t idx = 0; idx < pf->nrules; idx++)
        for (size_t k = 0; !pf->every_line[idx] && k < pats[idx].n; k++)
            push(ps, pats[idx].v[k].expr, base | (pats[idx].v[k].caseless ? HS_FLAG_CASELESS : 0),
                 (unsigned)idx);
    for (size_t i = 0; psod_needle(i) != NULL; i++) {
        char *lit = pattern_escape_literal(psod_needle(i));
        push(ps, lit, 0, LOG_PF_PSOD);
        free(lit);
    }
}

/* log_prefilter_new, compiling for `plat` (NULL: this CPU); with
 * `embedded`, a build-time database of the same set is taken instead of
 * compiling. `*hash` (when not NULL): the hash of the set compiled. */
static struct log_prefilter *
prefilter_build(const struct ruleset *rs, const hs_platform_info_t *plat, bool embedded,
                uint64_t *hash, struct diags *d)
{
    struct log_prefilter *pf = xcalloc(1, sizeof(*pf));
    pf->rules = xcalloc(rs->n + 1, sizeof(*pf->rules));
    pf->every_line = xcalloc(rs->n + 1, sizeof(*pf->every_line));
    struct rule_patterns *pats = xcalloc(rs->n + 1, sizeof(*pats));
    char **why = xcalloc(rs->n + 1, sizeof(*why)); /* per rule on every line: the reason */
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *rule = rs->v[i];
        if (rule->kind != REC_LOG)
            continue;
        size_t idx = pf->nrules++;
        pf->rules[idx] = rule;
        if (!rule_prefilter(rule, &pats[idx])) {
            pf->every_line[idx] = true;
            why[idx] = xstrdup("its condition names no text that every matching line holds");
        }
    }
    /* One compilation of the whole set. Only when hyperscan refuses one
     * pattern are the rules that need it set to every line (hyperscan names
     * the pattern), and the rest compiled again: at most once per rule. */
    struct pattern_set ps = {0};
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    for (;;) {
        build_set(&ps, pf, pats);
        uint64_t h = set_hash(&ps);
        if (hash)
            *hash = h;
        if (ps.n == 0 || (embedded && (db = embedded_db(h)) != NULL) ||
            (db = compile_set(&ps, plat, &err)) != NULL)
            break;
        bool dropped = false;
        if (err->expression >= 0 && (size_t)err->expression < ps.n) {
            size_t k = (size_t)err->expression;
            for (size_t i = 0; i < ps.npairs; i++) {
                unsigned owner = ps.pairs[i].owner;
                if (ps.pairs[i].pattern != k || owner == LOG_PF_PSOD || pf->every_line[owner])
                    continue;
                pf->every_line[owner] = true;
                why[owner] = xstrdup(err->message);
                dropped = true;
            }
        }
        if (!dropped) {
            /* Each pattern compiles, the set does not (too large together).
             * Every rule then reads every line, and the crash needles too. */
            diags_add(d, DIAG_NOTE, NULL, 0,
                      "the log prefilter could not be built (%s): every line "
                      "is read in full (slower)",
                      err->message);
            hs_free_compile_error(err);
            err = NULL;
            for (size_t i = 0; i < pf->nrules; i++)
                pf->every_line[i] = true;
            break;
        }
        hs_free_compile_error(err);
        err = NULL;
        pattern_set_release(&ps);
        ps = (struct pattern_set){0};
    }
    for (size_t idx = 0; idx < pf->nrules; idx++) {
        if (why[idx] != NULL)
            diags_add(d, DIAG_NOTE, pf->rules[idx]->file, pf->rules[idx]->line,
                      "log rule '%s' is checked on every line (slower): %s", pf->rules[idx]->id,
                      why[idx]);
        pf->nevery += pf->every_line[idx];
        free(why[idx]);
        rule_patterns_release(&pats[idx]);
    }
    free(why);
    free(pats);
    take_owners(pf, &ps);
    pf->npatterns = ps.n;
    pf->db = db;
    pf->expr = ps.expr;
    ps.expr = NULL;
    pf->caseless = xcalloc(ps.n + 1, sizeof(*pf->caseless));
    for (size_t i = 0; i < ps.n; i++)
        pf->caseless[i] = (ps.flags[i] & HS_FLAG_CASELESS) != 0;
    pattern_set_release(&ps);
    return pf;
}

static atomic_bool g_prefer_literals;

void
log_prefilter_prefer_literals(bool on)
{
    atomic_store(&g_prefer_literals, on);
}

/* The built-in rules' prefilter written at build time, with its database
 * or (preferred, for small inputs) its literal table, or NULL when the
 * program has none or hyperscan refuses the database. */
static struct log_prefilter *
prefilter_builtin(struct diags *d)
{
    if (&vt_prefilter_builtin == NULL)
        return NULL;
    const struct log_prefilter_builtin *b = &vt_prefilter_builtin;
    hs_database_t *db = NULL;
    bool literals = b->literals != NULL && atomic_load(&g_prefer_literals);
    if (b->pf.npatterns > 0 && !literals && (db = embedded_db(b->hash)) == NULL)
        return NULL;
    struct log_prefilter *pf = xmalloc(sizeof(*pf));
    *pf = b->pf;
    pf->db = db;
    pf->literals = literals ? b->literals : NULL;
    pf->builtin = true;
    for (size_t i = 0; i < b->nnotes; i++)
        diags_add(d, DIAG_NOTE, b->notes[i].path, b->notes[i].line, "%s", b->notes[i].message);
    return pf;
}

struct log_prefilter *
log_prefilter_new(const struct ruleset *rs, struct diags *d)
{
    struct log_prefilter *pf = ruleset_is_builtin(rs) ? prefilter_builtin(d) : NULL;
    return pf ? pf : prefilter_build(rs, NULL, true, NULL, d);
}

/* log_literals_scan's callback, given as hyperscan's. */
struct as_hs {
    int (*cb)(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
              void *ctx);
    void *ctx;
};

static int
as_hs_cb(unsigned id, unsigned long long to, void *ctx)
{
    struct as_hs *a = ctx;
    return a->cb(id, 0, to, 0, a->ctx);
}

bool
log_prefilter_scan(const struct log_prefilter *pf, void *scratch, const char *data, size_t len,
                   int (*cb)(unsigned id, unsigned long long from, unsigned long long to,
                             unsigned flags, void *ctx),
                   void *ctx)
{
    if (pf->db == NULL) {
        struct as_hs a = {cb, ctx};
        return pf->literals == NULL || !log_literals_scan(pf->literals, data, len, as_hs_cb, &a);
    }
    if (len > UINT32_MAX)
        VT_BUG("hs_scan of %zu bytes", len);
    hs_error_t rc = hs_scan(pf->db, data, (unsigned)len, 0, scratch, cb, ctx);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
        VT_BUG("hs_scan failed: %d", rc);
    return rc == HS_SUCCESS;
}

struct log_prefilter *
log_prefilter_compile(const struct ruleset *rs, unsigned long long *hash, struct diags *d)
{
    uint64_t h = 0;
    struct log_prefilter *pf = prefilter_build(rs, NULL, false, &h, d);
    *hash = h;
    return pf;
}

bool
log_prefilter_serialize(const struct ruleset *rs, unsigned long long cpu_features, char **out,
                        size_t *len)
{
    hs_platform_info_t plat = {.tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = cpu_features};
    struct diags d = DIAGS_INIT;
    uint64_t hash = 0;
    struct log_prefilter *pf = prefilter_build(rs, &plat, false, &hash, &d);
    char *bytes = NULL;
    size_t n = 0;
    bool ok = pf->db != NULL && hs_serialize_database(pf->db, &bytes, &n) == HS_SUCCESS;
    if (ok) {
        struct db_entry e = {DB_MAGIC, 1, cpu_features, hash, n};
        *out = xmalloc(sizeof(e) + n);
        memcpy(*out, &e, sizeof(e));
        memcpy(*out + sizeof(e), bytes, n);
        *len = sizeof(e) + n;
        free(bytes);
    }
    log_prefilter_free(pf);
    diags_release(&d);
    return ok;
}

void
log_prefilter_free(struct log_prefilter *pf)
{
    if (pf == NULL)
        return;
    hs_free_database(pf->db);
    if (pf->builtin) {
        free(pf);
        return;
    }
    free(pf->rules);
    free(pf->every_line);
    free(pf->owners_at);
    free(pf->owners);
    for (size_t i = 0; i < pf->npatterns; i++)
        free(pf->expr[i]);
    free(pf->expr);
    free(pf->caseless);
    free(pf);
}
