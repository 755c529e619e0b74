/* log_scan: the block search of `logs` (see log_scan.h for the contract).
 *
 * Within a block, hyperscan reports matches in the order of their end
 * offset, so the matches of one line arrive together: the scanner gathers
 * the rules whose patterns matched the line (the candidate), and when a
 * match falls on a later line it reads the candidate as a record and runs
 * those rules only. Line numbers are counted only up to the lines read, with
 * a vector count of newline bytes.
 *
 * Blocks go through a ring of slots. When the caller posts a block it notes
 * what the block needs from the ones before it: the number of lines above
 * it and the time of the last timed line above it. Worker threads then
 * search blocks ahead and keep the matches (`struct hit`); with a block sink
 * (log_scanner_set_sink) they also read the matching lines as records, run
 * the rules and fold the matches into a fork of the caller's sink, up to the
 * first line a purple-screen needle marks (the crash decoder is stateful and
 * stays on the caller's thread). The caller joins the forks in block order
 * and replays whatever a worker left (the rest of a block, or all of it) as
 * if hyperscan delivered the matches there. With no workers the caller
 * searches each block itself when it reaches it: the results are the same
 * bytes either way. */
#include "rules/log_scan.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <hs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define SNIFF_BYTES 4096
#define SNIFF_LINES 64
#define TIME_LOOKBACK 256 /* lines searched upwards for the time of a line without one */
#define MIN_ROOM 4096
#define MAX_HITS 65536 /* matches kept per block; past it the block is searched again */

/* A match found ahead: the pattern and the block offset of its last byte. */
struct hit {
    unsigned id;
    uint32_t last;
};

enum slot_state {
    SLOT_FREE,   /* being filled by the caller, or empty */
    SLOT_POSTED, /* holds `whole` bytes of whole lines, not yet searched */
    SLOT_SEARCHING,
    SLOT_SEARCHED, /* hits are ready (or `searched` is false: nothing to replay) */
};

struct slot {
    char *buf; /* LOG_BLOCK + 1 bytes */
    size_t fill, whole;
    enum slot_state state;
    bool searched; /* hits hold every match of [0, whole) */
    struct hit *hits;
    size_t nhits, caphits;
    /* set when posted, on the caller's thread */
    uint64_t line_base; /* newlines before the block */
    uint64_t nlines;    /* newlines in [0, whole) */
    bool prev_has;      /* the time of the last timed line above the block */
    int64_t prev_ms;
    void *fork; /* the sink's fork for this block, or NULL */
    /* set by the thread that searched it ahead */
    bool folded;   /* [0, fold_end) went into `fork`; hits from fold_hit on are left */
    bool poisoned; /* a rule regex gave up while folding: the fork is dropped */
    size_t fold_end, fold_hit;
    uint64_t fold_candidates;
};

/* One thread's reading of one block: the caller's, or a worker's folding
 * one ahead (`worker`: stops at a purple-screen line instead of decoding). */
struct reader {
    struct log_scanner *s;
    bool worker;
    log_match_fn *fn;
    void *ctx;
    const char *blk;
    size_t blk_len;
    uint64_t line_base; /* newlines before the block */
    bool prev_has;      /* time of the last timed line before the block */
    int64_t prev_ms;
    size_t counted_off;       /* newlines in blk[0, counted_off) ... */
    uint64_t counted_lines;   /* ... are this many */
    size_t scan_off;          /* where the current search started */
    const struct slot *ahead; /* the block's hits found ahead, or NULL */
    size_t next_hit;
    bool stop;     /* the scan was stopped (line mode, or a worker's purple-screen line) ... */
    size_t resume; /* ... at this offset */
    bool poisoned; /* worker: a rule regex gave up */
    /* the candidate line */
    bool cand;
    size_t cand_start, cand_end; /* [start, end): end is the '\n' or the block's end */
    size_t cand_hit;             /* its first hit */
    unsigned char *marked;       /* per rule */
    size_t *marks;
    size_t nmarks;
    bool psod_mark;
    uint64_t candidates;
    struct buf text, arena;
};

struct log_scanner {
    const struct log_prefilter *pf;
    const char *source;
    char *vm; /* the folder when the lines are vmware.log lines; owned */
    log_match_fn *fn;
    void *ctx;
    hs_scratch_t *scratch;
    struct psod_reader *psod;
    struct log_scan_stats st;
    bool sniffed;
    bool long_noted;
    struct diags notes;
    unsigned long re_failed_lines; /* times a rule's |re test gave up */

    /* The ring: blocks are numbered in input order; block n lives in slot
     * n % nslots. The caller fills block `filling` and scans (consumes) the
     * blocks before it in order from `consumed`; blocks in between are
     * posted, being searched or searched. The mutex guards the slot states
     * and these counters. */
    struct slot *slots;
    unsigned nslots;
    uint64_t filling, consumed;
    unsigned want_workers, nworkers;
    pthread_t *workers;
    pthread_mutex_t mu;
    pthread_cond_t posted_cv, searched_cv;
    bool shutdown;

    int64_t written_ms; /* when the log was last written (0: unknown): syslog years */
    /* what the next posted block needs from the ones before it; once all
     * are posted, posted_lines is the file's line count */
    uint64_t posted_lines;
    bool posted_prev_has;
    int64_t posted_prev_ms;

    const struct log_sink *sink; /* NULL: workers only search */
    struct reader rd;            /* the caller's */
    struct reader rd_ahead;      /* the caller's, folding a block ahead while it waits */
};

/* ---- newline counting ---- */

static uint64_t
count_nl(const char *p, size_t n)
{
    uint64_t c = 0;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i acc = zero; /* per-byte counts: at most 255 rounds before they wrap */
        for (unsigned k = 0; k < 255 && i + 16 <= n; k++, i += 16)
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), nl));
        __m128i sum = _mm_sad_epu8(acc, zero);
        c += (uint64_t)_mm_cvtsi128_si32(sum) + (uint64_t)_mm_extract_epi16(sum, 4);
    }
#endif
    for (; i < n; i++)
        c += p[i] == '\n';
    return c;
}

/* The 1-based number of the line starting at block offset `off` (offsets
 * only grow within a block). */
static unsigned long
line_number(struct reader *r, size_t off)
{
    r->counted_lines += count_nl(r->blk + r->counted_off, off - r->counted_off);
    r->counted_off = off;
    return (unsigned long)(r->line_base + r->counted_lines + 1);
}

/* ---- set-up ---- */

char *
log_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

void
log_scanner_set_written(struct log_scanner *s, int64_t ms)
{
    s->written_ms = ms;
}

static void
reader_init(struct reader *r, struct log_scanner *s, bool worker)
{
    *r = (struct reader){.s = s, .worker = worker};
    r->marked = xcalloc(s->pf->nrules + 1, 1);
    r->marks = xcalloc(s->pf->nrules + 1, sizeof(*r->marks));
    r->fn = worker ? s->sink->match : s->fn;
    r->ctx = s->ctx;
}

static void
reader_release(struct reader *r)
{
    free(r->marked);
    free(r->marks);
    buf_release(&r->text);
    buf_release(&r->arena);
}

struct log_scanner *
log_scanner_new(const struct log_prefilter *pf, const char *source, log_match_fn *fn, void *ctx)
{
    struct log_scanner *s = xcalloc(1, sizeof(*s));
    s->pf = pf;
    s->source = source;
    s->fn = fn;
    s->ctx = ctx;
    if (pf->db != NULL && hs_alloc_scratch(pf->db, &s->scratch) != HS_SUCCESS)
        VT_BUG("hs_alloc_scratch failed");
    s->psod = psod_reader_new(source);
    s->nslots = 2; /* one filling, one posted */
    s->slots = xcalloc(s->nslots, sizeof(*s->slots));
    reader_init(&s->rd, s, false);
    if (pthread_mutex_init(&s->mu, NULL) != 0 || pthread_cond_init(&s->posted_cv, NULL) != 0 ||
        pthread_cond_init(&s->searched_cv, NULL) != 0)
        VT_BUG("pthread init failed");
    return s;
}

static struct slot *
slot_of(const struct log_scanner *s, uint64_t block)
{
    return &s->slots[block % s->nslots];
}

/* The slot being filled; buffers are allocated when first filled, so a
 * small file takes one block of memory whatever the number of slots. */
static struct slot *
filling_slot(struct log_scanner *s)
{
    struct slot *sl = slot_of(s, s->filling);
    if (sl->buf == NULL)
        sl->buf = xmalloc(LOG_BLOCK + 1);
    return sl;
}

char *
log_scanner_space(struct log_scanner *s, size_t *room)
{
    struct slot *sl = filling_slot(s);
    *room = LOG_BLOCK - sl->fill;
    return sl->buf + sl->fill;
}

bool
log_scanner_binary(const struct log_scanner *s)
{
    return s->st.binary;
}

/* The first bytes decide: binary or text, and which log format (the most
 * common among the first lines), so that vmware.log lines name their VM. */
static void
sniff(struct log_scanner *s)
{
    s->sniffed = true;
    const struct slot *sl = filling_slot(s);
    size_t n = sl->fill < SNIFF_BYTES ? sl->fill : SNIFF_BYTES;
    if (memchr(sl->buf, '\0', n) != NULL) {
        s->st.binary = true;
        return;
    }
    unsigned counts[LF__COUNT] = {0};
    const char *p = sl->buf, *end = sl->buf + sl->fill;
    for (unsigned k = 0; k < SNIFF_LINES && p < end; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        struct log_prefix pre;
        log_parse_prefix(p, len, &pre);
        log_prefix_year(&pre, p, len, s->written_ms);
        counts[pre.format]++;
        if (pre.has_time && !s->st.has_first) {
            s->st.has_first = true;
            s->st.first_ms = pre.time_ms;
        }
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    enum log_format best = LF_UNKNOWN; /* prose and pasted backtraces do not vote */
    unsigned votes = 0;
    for (int f = 0; f < LF__COUNT; f++)
        if (f != LF_UNKNOWN && f != LF_CONTINUATION && counts[f] > votes) {
            best = (enum log_format)f;
            votes = counts[f];
        }
    s->st.format = best;
    if (best == LF_VMX)
        s->vm = log_dirname(s->source);
}

/* ---- records ---- */

static bool
line_mode(const struct log_scanner *s)
{
    return s->pf->nevery > 0 || (s->pf->db == NULL && s->pf->literals == NULL) ||
           psod_reader_busy(s->psod);
}

/* The time of the nearest line above block offset `start` that has one,
 * looking at most TIME_LOOKBACK lines up; else the time above the block. */
static bool
time_above(const struct reader *r, size_t start, int64_t *ms)
{
    size_t end = start; /* the line above ends at end-1 ('\n') */
    for (unsigned k = 0; k < TIME_LOOKBACK && end > 0; k++) {
        const char *nl = end >= 2 ? memrchr(r->blk, '\n', end - 1) : NULL;
        size_t b = nl ? (size_t)(nl - r->blk) + 1 : 0;
        struct log_prefix pre;
        log_parse_prefix(r->blk + b, end - 1 - b, &pre);
        log_prefix_year(&pre, r->blk + b, end - 1 - b, r->s->written_ms);
        if (pre.has_time) {
            *ms = pre.time_ms;
            return true;
        }
        end = b;
    }
    *ms = r->prev_ms;
    return r->prev_has;
}

static void
clear_marks(struct reader *r)
{
    for (size_t i = 0; i < r->nmarks; i++)
        r->marked[r->marks[i]] = 0;
    r->nmarks = 0;
    r->psod_mark = false;
}

static void
mark(struct reader *r, unsigned id)
{
    const struct log_prefilter *pf = r->s->pf;
    for (size_t k = pf->owners_at[id]; k < pf->owners_at[id + 1]; k++) {
        unsigned owner = pf->owners[k];
        if (owner == LOG_PF_PSOD) {
            r->psod_mark = true;
        } else if (!r->marked[owner]) {
            r->marked[owner] = 1;
            r->marks[r->nmarks++] = owner;
        }
    }
}

static void
run_rules(struct reader *r, size_t rule, const struct log_record *rec)
{
    struct log_scanner *s = r->s;
    struct record rc = {.kind = REC_LOG, .log = rec};
    bool hit = rule_match(s->pf->rules[rule], &rc);
    if (r->worker) /* the caller reads the block again and names the line */
        r->poisoned |= rule_re_take() > 0;
    else if (s->re_failed_lines == 0) /* a |re test that gave up: the first line named */
        s->re_failed_lines += rule_re_report(&s->notes, s->source, rec->line);
    else
        s->re_failed_lines += rule_re_take() > 0;
    if (hit)
        r->fn(r->ctx, rule, rec);
}

/* Reads the line [start, start+len) of the block as records and runs the
 * marked rules (and the every-line ones) on each. A record without a time
 * of its own takes the time above it (the one before it on the line, or
 * time_above, looked up only when needed). */
static void
handle_line(struct reader *r, size_t start, size_t len, unsigned long lineno)
{
    struct log_scanner *s = r->s;
    const char *line = r->blk + start;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (!r->worker && (r->psod_mark || psod_reader_busy(s->psod)))
        psod_feed(s->psod, line, len, lineno);
    if (r->nmarks == 0 && s->pf->nevery == 0)
        return;
    r->candidates++;
    bool known = false, has_inherited = false;
    int64_t inherited = 0;
    for (size_t at = 0; at < len || (at == 0 && len == 0);) {
        size_t end = log_next_record(line, len, at + 1);
        buf_reset(&r->text);
        buf_add(&r->text, line + at, end - at);
        struct log_record rec;
        log_record_init(&rec, s->source, lineno, r->text.p ? r->text.p : "", end - at, false, 0,
                        s->vm, &r->arena, s->written_ms);
        if (rec.has_time) {
            known = has_inherited = true;
            inherited = rec.time_ms;
        } else {
            if (!known) {
                has_inherited = time_above(r, start, &inherited);
                known = true;
            }
            rec.has_time = has_inherited;
            rec.time_ms = has_inherited ? inherited : rec.time_ms;
        }
        for (size_t i = 0; i < r->nmarks; i++)
            run_rules(r, r->marks[i], &rec);
        for (size_t i = 0; i < s->pf->nrules && s->pf->nevery > 0; i++)
            if (s->pf->every_line[i])
                run_rules(r, i, &rec);
        if (end <= at)
            break;
        at = end;
    }
}

static void
flush(struct reader *r)
{
    r->cand = false;
    if (r->worker && r->psod_mark) { /* the crash decoder reads it, on the caller's thread */
        clear_marks(r);
        r->stop = true;
        r->resume = r->cand_start;
        return;
    }
    unsigned long lineno = line_number(r, r->cand_start);
    handle_line(r, r->cand_start, r->cand_end - r->cand_start, lineno);
    clear_marks(r);
    if (!r->worker && line_mode(r->s)) {
        r->stop = true;
        r->resume = r->cand_end + 1;
    }
}

/* A match whose last byte is at block offset `last`; non-zero stops the
 * search (line mode begins). */
static int
take_match(struct reader *r, unsigned id, size_t last)
{
    if (r->cand && last <= r->cand_end) {
        mark(r, id);
        return 0;
    }
    if (r->cand) {
        flush(r);
        if (r->stop)
            return 1;
    }
    const char *nl =
        last > r->scan_off ? memrchr(r->blk + r->scan_off, '\n', last - r->scan_off) : NULL;
    r->cand_start = nl ? (size_t)(nl - r->blk) + 1 : r->scan_off;
    const char *e = memchr(r->blk + last, '\n', r->blk_len - last);
    r->cand_end = e ? (size_t)(e - r->blk) : r->blk_len;
    r->cand = true;
    r->cand_hit = r->next_hit;
    mark(r, id);
    return 0;
}

static int
on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)from;
    (void)flags;
    struct reader *r = ctx;
    return take_match(r, id, r->scan_off + (size_t)(to > 0 ? to - 1 : 0));
}

static int
on_mark(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)from;
    (void)to;
    (void)flags;
    mark(ctx, id);
    return 0;
}

/* Block search from `pos` (a line start); returns where it stopped. The
 * matches come from the block's hits when it was searched ahead: those
 * ending before `pos` belong to lines already read (no pattern holds a line
 * end, so none starts before `pos` and ends after it). */
static size_t
run_block(struct reader *r, size_t pos)
{
    struct log_scanner *s = r->s;
    r->scan_off = pos;
    r->stop = false;
    r->cand = false;
    if (r->ahead != NULL) {
        for (; r->next_hit < r->ahead->nhits; r->next_hit++) {
            const struct hit *h = &r->ahead->hits[r->next_hit];
            if (h->last >= pos && take_match(r, h->id, h->last))
                break;
        }
    } else {
        log_prefilter_scan(s->pf, s->scratch, r->blk + pos, r->blk_len - pos, on_match, r);
    }
    if (!r->stop && r->cand)
        flush(r);
    return r->stop ? r->resume : r->blk_len;
}

/* Line by line from `pos` while line mode lasts; returns where it stopped. */
static size_t
run_lines(struct reader *r, size_t pos)
{
    struct log_scanner *s = r->s;
    while (pos < r->blk_len && line_mode(s)) {
        const char *e = memchr(r->blk + pos, '\n', r->blk_len - pos);
        size_t end = e ? (size_t)(e - r->blk) : r->blk_len;
        unsigned long lineno = line_number(r, pos);
        log_prefilter_scan(s->pf, s->scratch, r->blk + pos, end - pos, on_mark, r);
        handle_line(r, pos, end - pos, lineno);
        clear_marks(r);
        pos = end + 1;
    }
    return pos;
}

static void
reader_block(struct reader *r, const struct slot *sl, const struct slot *ahead)
{
    r->blk = sl->buf;
    r->blk_len = sl->whole;
    r->line_base = sl->line_base;
    r->prev_has = sl->prev_has;
    r->prev_ms = sl->prev_ms;
    r->ahead = ahead;
    r->next_hit = 0;
    r->counted_off = 0;
    r->counted_lines = 0;
    r->stop = false;
    r->cand = false;
}

/* A worker's part of a searched block: the records and rules of its
 * matching lines, folded into the block's fork, up to the first line a
 * purple-screen needle marks. */
static void
fold_block(struct reader *r, struct slot *sl)
{
    reader_block(r, sl, sl);
    r->ctx = sl->fork;
    r->candidates = 0;
    r->poisoned = false;
    size_t end = run_block(r, 0);
    sl->fold_end = end;
    sl->fold_hit = r->stop ? r->cand_hit : sl->nhits;
    sl->fold_candidates = r->candidates;
    sl->poisoned = r->poisoned;
    sl->folded = true;
}

/* Scans a consumed block on the caller's thread: joins what a worker folded
 * (unless the crash decoder is inside a crash at the block's start: then
 * the fork is dropped and the block read here), then reads the rest. */
static void
scan_block(struct log_scanner *s, struct slot *sl, const struct slot *ahead)
{
    struct reader *r = &s->rd;
    reader_block(r, sl, ahead);
    size_t pos = 0;
    if (sl->fork != NULL) {
        if (ahead != NULL && sl->folded && !sl->poisoned && !line_mode(s)) {
            s->sink->join(s->ctx, sl->fork);
            s->st.candidates += sl->fold_candidates;
            pos = sl->fold_end;
            r->next_hit = sl->fold_hit;
        } else {
            s->sink->drop(sl->fork);
        }
        sl->fork = NULL;
    }
    r->candidates = 0;
    while (pos < sl->whole)
        pos = line_mode(s) ? run_lines(r, pos) : run_block(r, pos);
    s->st.candidates += r->candidates;
    s->st.bytes += sl->whole;
}

/* ---- the ring ---- */

static int
on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)from;
    (void)flags;
    struct slot *sl = ctx;
    if (sl->nhits == MAX_HITS) {
        sl->searched = false; /* too many to keep: the caller searches the block itself */
        return 1;
    }
    if (sl->nhits == sl->caphits) {
        sl->caphits = sl->caphits ? 2 * sl->caphits : 256;
        sl->hits = xreallocarray(sl->hits, sl->caphits, sizeof(*sl->hits));
    }
    sl->hits[sl->nhits++] = (struct hit){id, (uint32_t)(to > 0 ? to - 1 : 0)};
    return 0;
}

/* Searches a posted block ahead (any thread, its own scratch and reader),
 * and folds it when there is a sink. */
static void
search_ahead(const struct log_scanner *s, struct slot *sl, hs_scratch_t *scratch,
             struct reader *r)
{
    sl->nhits = 0;
    sl->searched = true;
    sl->folded = false;
    log_prefilter_scan(s->pf, scratch, sl->buf, sl->whole, on_hit, sl);
    if (sl->searched && sl->fork != NULL && r != NULL)
        fold_block(r, sl);
}

/* The first (oldest) or last (newest) posted block no one searches yet, or
 * UINT64_MAX. Called with the mutex held. */
static uint64_t
find_posted(const struct log_scanner *s, bool newest)
{
    for (uint64_t k = 0; k < s->filling - s->consumed; k++) {
        uint64_t b = newest ? s->filling - 1 - k : s->consumed + k;
        if (slot_of(s, b)->state == SLOT_POSTED)
            return b;
    }
    return UINT64_MAX;
}

/* Searches block b ahead, the mutex held on entry and on return. */
static void
search_claimed(struct log_scanner *s, uint64_t b, hs_scratch_t *scratch, struct reader *r)
{
    struct slot *sl = slot_of(s, b);
    sl->state = SLOT_SEARCHING;
    pthread_mutex_unlock(&s->mu);
    search_ahead(s, sl, scratch, r);
    pthread_mutex_lock(&s->mu);
    sl->state = SLOT_SEARCHED;
    pthread_cond_broadcast(&s->searched_cv);
}

/* A searcher takes the oldest posted block: the one the caller needs next. */
static void *
searcher(void *arg)
{
    struct log_scanner *s = arg;
    hs_scratch_t *scratch = NULL; /* none without a database */
    if (s->scratch != NULL && hs_clone_scratch(s->scratch, &scratch) != HS_SUCCESS)
        VT_BUG("hs_clone_scratch failed");
    struct reader r;
    bool folding = s->sink != NULL;
    if (folding)
        reader_init(&r, s, true);
    pthread_mutex_lock(&s->mu);
    for (;;) {
        uint64_t b = UINT64_MAX;
        while (!s->shutdown && (b = find_posted(s, false)) == UINT64_MAX)
            pthread_cond_wait(&s->posted_cv, &s->mu);
        if (s->shutdown)
            break;
        search_claimed(s, b, scratch, folding ? &r : NULL);
    }
    pthread_mutex_unlock(&s->mu);
    if (folding)
        reader_release(&r);
    hs_free_scratch(scratch);
    return NULL;
}

void
log_scanner_set_workers(struct log_scanner *s, unsigned n)
{
    if (s->filling > 0 || slot_of(s, 0)->buf != NULL || s->pf->db == NULL || s->pf->nevery > 0)
        return; /* too late, or line mode throughout: nothing to search ahead */
    s->want_workers = n > LOG_MAX_WORKERS ? LOG_MAX_WORKERS : n;
    free(s->slots);
    /* blocks read ahead, to search in parallel; memory stays under
     * LOG_MAX_SLOTS blocks whatever the threads */
    s->nslots = 4 * (s->want_workers + 1);
    if (s->nslots > LOG_MAX_SLOTS)
        s->nslots = LOG_MAX_SLOTS;
    s->slots = xcalloc(s->nslots, sizeof(*s->slots));
}

void
log_scanner_set_sink(struct log_scanner *s, const struct log_sink *sink)
{
    if (s->filling > 0 || slot_of(s, 0)->buf != NULL)
        return;
    s->sink = sink;
    reader_init(&s->rd_ahead, s, true);
}

/* The searchers start when the first full block is posted: a file that
 * fits in one block never starts them. */
static void
start_workers(struct log_scanner *s)
{
    s->workers = xcalloc(s->want_workers, sizeof(*s->workers));
    for (unsigned i = 0; i < s->want_workers; i++) {
        if (pthread_create(&s->workers[i], NULL, searcher, s) != 0)
            break; /* fewer searchers: the caller searches the rest itself */
        s->nworkers++;
    }
}

/* Scans the oldest posted block on the caller's thread and frees its slot.
 * If no searcher has taken it, the caller searches it as it scans; if one
 * is searching it, the caller searches (and folds) the newest posted block
 * meanwhile rather than wait. */
static void
consume(struct log_scanner *s)
{
    struct slot *sl = slot_of(s, s->consumed);
    pthread_mutex_lock(&s->mu);
    bool mine = sl->state == SLOT_POSTED;
    if (mine)
        sl->state = SLOT_SEARCHING;
    while (!mine && sl->state != SLOT_SEARCHED) {
        uint64_t b = find_posted(s, true);
        if (b != UINT64_MAX)
            search_claimed(s, b, s->scratch, s->sink != NULL ? &s->rd_ahead : NULL);
        else
            pthread_cond_wait(&s->searched_cv, &s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    scan_block(s, sl, !mine && sl->searched ? sl : NULL);
    pthread_mutex_lock(&s->mu);
    sl->state = SLOT_FREE;
    sl->fill = sl->whole = sl->nhits = 0;
    sl->folded = false;
    s->consumed++;
    pthread_mutex_unlock(&s->mu);
}

/* What a block needs from the ones before it, noted as it is posted: its
 * first line's number and the time above it; then the same for the next. */
static void
note_block(struct log_scanner *s, struct slot *sl)
{
    sl->line_base = s->posted_lines;
    sl->nlines = count_nl(sl->buf, sl->whole);
    sl->prev_has = s->posted_prev_has;
    sl->prev_ms = s->posted_prev_ms;
    s->posted_lines += sl->nlines;
    /* the time of the block's last timed line (the last line may be open) */
    struct reader r = {.s = s, .blk = sl->buf, .blk_len = sl->whole,
                       .prev_has = sl->prev_has, .prev_ms = sl->prev_ms};
    int64_t ms;
    bool open_end = sl->whole > 0 && sl->buf[sl->whole - 1] != '\n';
    if (time_above(&r, sl->whole + open_end, &ms)) {
        s->posted_prev_has = true;
        s->posted_prev_ms = ms;
        s->st.has_last = true;
        s->st.last_ms = ms;
    }
    if (s->sink != NULL && s->want_workers > 0 && sl->whole > 0)
        sl->fork = s->sink->fork(s->ctx);
}

/* Posts the block being filled: its whole lines [0, whole) go to the
 * searchers; the open line at its end starts the next block. */
static void
post(struct log_scanner *s, size_t whole)
{
    if (s->want_workers > 0 && s->workers == NULL)
        start_workers(s);
    struct slot *sl = slot_of(s, s->filling);
    while (s->consumed + s->nslots <= s->filling + 1) /* the next slot still holds a block */
        consume(s);
    struct slot *next = slot_of(s, s->filling + 1);
    if (next->buf == NULL)
        next->buf = xmalloc(LOG_BLOCK + 1);
    memcpy(next->buf, sl->buf + whole, sl->fill - whole);
    next->fill = sl->fill - whole;
    sl->fill = sl->whole = whole;
    note_block(s, sl);
    pthread_mutex_lock(&s->mu);
    sl->state = SLOT_POSTED;
    s->filling++;
    pthread_cond_signal(&s->posted_cv);
    pthread_mutex_unlock(&s->mu);
}

void
log_scanner_commit(struct log_scanner *s, size_t n)
{
    struct slot *sl = filling_slot(s);
    sl->fill += n;
    if (!s->sniffed && (sl->fill >= SNIFF_BYTES || n == 0))
        sniff(s);
    if (s->st.binary) {
        sl->fill = 0;
        return;
    }
    /* post while the block is full; what is carried over may fill the next */
    while (s->sniffed && LOG_BLOCK - sl->fill < MIN_ROOM) {
        const char *nl = memrchr(sl->buf, '\n', sl->fill);
        size_t whole = nl ? (size_t)(nl - sl->buf) + 1 : 0;
        if (whole == 0) {
            whole = sl->fill; /* a line longer than a block: read in pieces */
            if (!s->long_noted)
                diags_add(&s->notes, DIAG_NOTE, s->source, (unsigned long)s->posted_lines + 1,
                          "line is longer than %u bytes; read in pieces", LOG_BLOCK - MIN_ROOM);
            s->long_noted = true;
        }
        post(s, whole);
        sl = slot_of(s, s->filling);
    }
}

void
log_scanner_feed(struct log_scanner *s, const char *data, size_t len)
{
    while (len > 0 && !s->st.binary) {
        size_t room;
        char *space = log_scanner_space(s, &room);
        size_t n = len < room ? len : room;
        memcpy(space, data, n);
        log_scanner_commit(s, n);
        data += n;
        len -= n;
    }
}

void
log_scanner_finish(struct log_scanner *s, struct psod_result *crashes, struct log_scan_stats *st,
                   struct diags *d)
{
    if (!s->sniffed)
        sniff(s);
    struct slot *last = filling_slot(s);
    bool open_line = !s->st.binary && last->fill > 0 && last->buf[last->fill - 1] != '\n';
    if (s->workers == NULL)
        s->want_workers = 0; /* one block: not worth a thread */
    if (!s->st.binary && last->fill > 0)
        post(s, last->fill);
    while (s->consumed < s->filling)
        consume(s);
    s->posted_lines += open_line; /* the last line had no line end */
    pthread_mutex_lock(&s->mu);
    s->shutdown = true;
    pthread_cond_broadcast(&s->posted_cv);
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < s->nworkers; i++)
        pthread_join(s->workers[i], NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->posted_cv);
    pthread_cond_destroy(&s->searched_cv);
    s->st.lines = s->posted_lines;
    if (s->re_failed_lines > 1)
        diags_add(&s->notes, DIAG_ERROR, s->source, 0,
                  "rule regexes gave up %lu times in this file (the first is named above)",
                  s->re_failed_lines);
    psod_reader_finish(s->psod, crashes, d);
    *st = s->st;
    diags_move(d, &s->notes);
    diags_release(&s->notes);
    if (s->scratch)
        hs_free_scratch(s->scratch);
    reader_release(&s->rd);
    if (s->sink != NULL)
        reader_release(&s->rd_ahead);
    for (unsigned i = 0; i < s->nslots; i++) {
        if (s->slots[i].fork != NULL)
            s->sink->drop(s->slots[i].fork);
        free(s->slots[i].buf);
        free(s->slots[i].hits);
    }
    free(s->slots);
    free(s->workers);
    free(s->vm);
    free(s);
}
