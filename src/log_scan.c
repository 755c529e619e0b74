/* log_scan: the block search of `logs` (see log_scan.h for the contract).
 *
 * Within a block, hyperscan reports matches in the order of their end
 * offset, so the matches of one line arrive together: the scanner gathers
 * the rules whose patterns matched the line (the candidate), and when a
 * match falls on a later line it reads the candidate as a record and runs
 * those rules only. Line numbers are counted only up to the lines read, with
 * a vector count of newline bytes. */
#include "log_scan.h"
#include "util_buf.h"
#include "util_mem.h"

#include <hs.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define SNIFF_BYTES 4096
#define SNIFF_LINES 64
#define TIME_LOOKBACK 256 /* lines searched upwards for the time of a line without one */
#define MIN_ROOM 4096

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

    char *buf; /* LOG_BLOCK bytes; [0, fill) not yet scanned */
    size_t fill;
    uint64_t lineno; /* newlines before buf[0] */

    /* time of the last timed line before the block being scanned */
    bool has_prev;
    int64_t prev_ms;

    /* the block being scanned */
    const char *blk;
    size_t blk_len;
    size_t counted_off;     /* newlines in blk[0, counted_off) ... */
    uint64_t counted_lines; /* ... are this many */
    size_t scan_off;        /* where the current hs_scan call started */
    bool stop;              /* the scan was stopped to enter line mode ... */
    size_t resume;          /* ... at this offset */

    /* the candidate line */
    bool cand;
    size_t cand_start, cand_end; /* [start, end): end is the '\n' or the block's end */
    unsigned char *marked;       /* per rule */
    size_t *marks;
    size_t nmarks;
    bool psod_mark;

    struct buf text, arena;
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
line_number(struct log_scanner *s, size_t off)
{
    s->counted_lines += count_nl(s->blk + s->counted_off, off - s->counted_off);
    s->counted_off = off;
    return (unsigned long)(s->lineno + s->counted_lines + 1);
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
    s->buf = xmalloc(LOG_BLOCK + 1);
    s->marked = xcalloc(pf->nrules + 1, 1);
    s->marks = xcalloc(pf->nrules + 1, sizeof(*s->marks));
    return s;
}

char *
log_scanner_space(struct log_scanner *s, size_t *room)
{
    *room = LOG_BLOCK - s->fill;
    return s->buf + s->fill;
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
    size_t n = s->fill < SNIFF_BYTES ? s->fill : SNIFF_BYTES;
    if (memchr(s->buf, '\0', n) != NULL) {
        s->st.binary = true;
        return;
    }
    unsigned counts[LF__COUNT] = {0};
    const char *p = s->buf, *end = s->buf + s->fill;
    for (unsigned k = 0; k < SNIFF_LINES && p < end; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        struct log_prefix pre;
        log_parse_prefix(p, len, &pre);
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
    return s->pf->nevery > 0 || s->pf->db == NULL || psod_reader_busy(s->psod);
}

/* The time of the nearest line above block offset `start` that has one. */
static bool
time_above(struct log_scanner *s, size_t start, int64_t *ms)
{
    size_t end = start; /* the line above ends at end-1 ('\n') */
    for (unsigned k = 0; k < TIME_LOOKBACK && end > 0; k++) {
        const char *nl = end >= 2 ? memrchr(s->blk, '\n', end - 1) : NULL;
        size_t b = nl ? (size_t)(nl - s->blk) + 1 : 0;
        struct log_prefix pre;
        log_parse_prefix(s->blk + b, end - 1 - b, &pre);
        if (pre.has_time) {
            *ms = pre.time_ms;
            return true;
        }
        end = b;
    }
    *ms = s->prev_ms;
    return s->has_prev;
}

static void
clear_marks(struct log_scanner *s)
{
    for (size_t i = 0; i < s->nmarks; i++)
        s->marked[s->marks[i]] = 0;
    s->nmarks = 0;
    s->psod_mark = false;
}

static void
mark(struct log_scanner *s, unsigned id)
{
    unsigned owner = s->pf->owner[id];
    if (owner == LOG_PF_PSOD) {
        s->psod_mark = true;
    } else if (!s->marked[owner]) {
        s->marked[owner] = 1;
        s->marks[s->nmarks++] = owner;
    }
}

static void
run_rules(struct log_scanner *s, size_t rule, const struct log_record *rec)
{
    struct record r = {.kind = REC_LOG, .log = rec};
    if (rule_match(s->pf->rules[rule], &r))
        s->fn(s->ctx, rule, rec);
}

/* Reads the line [start, start+len) of the block as records and runs the
 * marked rules (and the every-line ones) on each. */
static void
handle_line(struct log_scanner *s, size_t start, size_t len, unsigned long lineno)
{
    const char *line = s->blk + start;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (s->psod_mark || psod_reader_busy(s->psod))
        psod_feed(s->psod, line, len, lineno);
    if (s->nmarks == 0 && s->pf->nevery == 0)
        return;
    s->st.candidates++;
    int64_t inherited = 0;
    bool has_inherited = time_above(s, start, &inherited);
    for (size_t at = 0; at < len || (at == 0 && len == 0);) {
        size_t end = log_next_record(line, len, at + 1);
        buf_reset(&s->text);
        buf_add(&s->text, line + at, end - at);
        struct log_record rec;
        log_record_init(&rec, s->source, lineno, s->text.p ? s->text.p : "", end - at,
                        has_inherited, inherited, s->vm, &s->arena);
        if (rec.has_time) {
            has_inherited = true;
            inherited = rec.time_ms;
        }
        for (size_t i = 0; i < s->nmarks; i++)
            run_rules(s, s->marks[i], &rec);
        for (size_t i = 0; i < s->pf->nrules && s->pf->nevery > 0; i++)
            if (s->pf->every_line[i])
                run_rules(s, i, &rec);
        if (end <= at)
            break;
        at = end;
    }
}

static void
flush(struct log_scanner *s)
{
    s->cand = false;
    unsigned long lineno = line_number(s, s->cand_start);
    handle_line(s, s->cand_start, s->cand_end - s->cand_start, lineno);
    clear_marks(s);
    if (line_mode(s)) {
        s->stop = true;
        s->resume = s->cand_end + 1;
    }
}

static int
on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)from;
    (void)flags;
    struct log_scanner *s = ctx;
    size_t last = s->scan_off + (size_t)(to > 0 ? to - 1 : 0); /* the match's last byte */
    if (s->cand && last <= s->cand_end) {
        mark(s, id);
        return 0;
    }
    if (s->cand) {
        flush(s);
        if (s->stop)
            return 1;
    }
    const char *nl = last > s->scan_off ? memrchr(s->blk + s->scan_off, '\n', last - s->scan_off)
                                        : NULL;
    s->cand_start = nl ? (size_t)(nl - s->blk) + 1 : s->scan_off;
    const char *e = memchr(s->blk + last, '\n', s->blk_len - last);
    s->cand_end = e ? (size_t)(e - s->blk) : s->blk_len;
    s->cand = true;
    mark(s, id);
    return 0;
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

/* Block search from `pos`; returns where it stopped. */
static size_t
run_block(struct log_scanner *s, size_t pos)
{
    s->scan_off = pos;
    s->stop = false;
    s->cand = false;
    hs_error_t rc = hs_scan(s->pf->db, s->blk + pos, (unsigned)(s->blk_len - pos), 0, s->scratch,
                            on_match, s);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
        VT_BUG("hs_scan failed: %d", rc);
    if (!s->stop && s->cand)
        flush(s);
    return s->stop ? s->resume : s->blk_len;
}

/* Line by line from `pos` while line mode lasts; returns where it stopped. */
static size_t
run_lines(struct log_scanner *s, size_t pos)
{
    while (pos < s->blk_len && line_mode(s)) {
        const char *e = memchr(s->blk + pos, '\n', s->blk_len - pos);
        size_t end = e ? (size_t)(e - s->blk) : s->blk_len;
        unsigned long lineno = line_number(s, pos);
        if (s->pf->db != NULL && hs_scan(s->pf->db, s->blk + pos, (unsigned)(end - pos), 0,
                                         s->scratch, on_mark, s) != HS_SUCCESS)
            VT_BUG("hs_scan failed");
        handle_line(s, pos, end - pos, lineno);
        clear_marks(s);
        pos = end + 1;
    }
    return pos;
}

/* The time of the block's last timed line becomes the time above the next. */
static void
keep_last_time(struct log_scanner *s)
{
    int64_t ms;
    if (time_above(s, s->blk_len + (s->blk_len > 0 && s->blk[s->blk_len - 1] != '\n'), &ms)) {
        s->has_prev = true;
        s->prev_ms = ms;
        s->st.has_last = true;
        s->st.last_ms = ms;
    }
}

/* Scans [p, p+n): whole lines, the last one without its '\n' only at the
 * end of the input or when a line is longer than a block. */
static void
scan_block(struct log_scanner *s, const char *p, size_t n)
{
    s->blk = p;
    s->blk_len = n;
    s->counted_off = 0;
    s->counted_lines = 0;
    size_t pos = 0;
    while (pos < n)
        pos = line_mode(s) ? run_lines(s, pos) : run_block(s, pos);
    keep_last_time(s);
    s->lineno += s->counted_lines + count_nl(p + s->counted_off, n - s->counted_off);
    s->st.bytes += n;
}

void
log_scanner_commit(struct log_scanner *s, size_t n)
{
    s->fill += n;
    if (!s->sniffed && (s->fill >= SNIFF_BYTES || n == 0))
        sniff(s);
    if (s->st.binary) {
        s->fill = 0;
        return;
    }
    if (!s->sniffed)
        return;
    const char *nl = memrchr(s->buf, '\n', s->fill);
    size_t whole = nl ? (size_t)(nl - s->buf) + 1 : 0;
    if (whole == 0 && s->fill < LOG_BLOCK)
        return; /* not one whole line yet */
    if (whole == 0) {
        whole = s->fill; /* a line longer than a block: read in pieces */
        if (!s->long_noted)
            diags_add(&s->notes, DIAG_NOTE, s->source, (unsigned long)s->lineno + 1,
                      "line is longer than %u bytes; read in pieces", LOG_BLOCK);
        s->long_noted = true;
    }
    scan_block(s, s->buf, whole);
    memmove(s->buf, s->buf + whole, s->fill - whole);
    s->fill -= whole;
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
    if (!s->st.binary && s->fill > 0) {
        bool open_line = s->buf[s->fill - 1] != '\n';
        scan_block(s, s->buf, s->fill);
        s->lineno += open_line; /* the last line had no line end */
    }
    s->st.lines = s->lineno;
    psod_reader_finish(s->psod, crashes, d);
    *st = s->st;
    diags_move(d, &s->notes);
    diags_release(&s->notes);
    if (s->scratch)
        hs_free_scratch(s->scratch);
    buf_release(&s->text);
    buf_release(&s->arena);
    free(s->buf);
    free(s->marked);
    free(s->marks);
    free(s->vm);
    free(s);
}
