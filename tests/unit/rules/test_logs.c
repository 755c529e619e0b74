/* test_logs: the `logs` engine: the prefilter read off rule conditions,
 * the block scanner (any chunking gives the same records, line numbers and
 * times; lines across block boundaries and longer than a block; purple
 * screens handed to the decoder exactly as `psod` would decode them), the
 * gzip source (members, truncation, corruption) and the log audit (counts,
 * earliest examples whatever the file order, the --since/--until window,
 * the timeline). Texts are written here; expected values come from them. */
#include "findings/audit_log.h"
#include "rules/log_scan.h"
#include "source/log_source.h"
#include "t.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Two rules: a regex on the text and a decoded SCSI field. */
static const char rules_text[] =
    "title: t1\nid: t-hbx\nstatus: test\nlevel: high\nlogsource:\n  category: log\n"
    "description: d\nreferences: [x]\nremediation:\n  esxi_shell: x\n"
    "detection:\n  s:\n    log.text|re: '(?i)HBX:\\s*\\d+: Waiting for timed out'\n  condition: s\n"
    "tests:\n  match: ['HBX: 1: Waiting for timed out']\n  no_match: ['HBX: 1: fine']\n"
    "---\n"
    "title: t2\nid: t-host\nstatus: test\nlevel: medium\nlogsource:\n  category: log\n"
    "description: d\nreferences: [x]\nremediation:\n  esxi_shell: x\n"
    "detection:\n  s:\n    log.scsi.host|gt: 0\n  condition: s\n"
    "tests:\n  match: ['failed H:0x1 D:0x0 P:0x0']\n  no_match: ['failed H:0x0 D:0x0 P:0x0']\n"
    "---\n"
    "title: t3\nid: t-not\nstatus: test\nlevel: low\nlogsource:\n  category: log\n"
    "description: d\nreferences: [x]\nremediation:\n  esxi_shell: x\n"
    "detection:\n  s:\n    log.level: warning\n  condition: s\n"
    "tests:\n  match: ['2012-11-01T04:12:00.960Z cpu1:2)WARNING: x']\n  no_match: ['x']\n";

static void
load(struct ruleset *rs)
{
    struct diags d = DIAGS_INIT;
    size_t errors = rules_load_text(rs, "t.yml", rules_text, strlen(rules_text), &d);
    if (!T_EQ_INT("test rules load", errors, 0))
        for (size_t i = 0; i < d.n; i++)
            printf("  %s:%lu: %s\n", d.v[i].path, d.v[i].line, d.v[i].message);
    diags_release(&d);
}

/* ---- the prefilter read off conditions ---- */

static void
test_prefilter(const struct ruleset *rs)
{
    struct rule_patterns p = {NULL, 0, 0};
    T_CHECK("regex rule has patterns", rule_prefilter(rs->v[0], &p));
    /* the longest plain run of '(?i)HBX:\s*\d+: Waiting for timed out' */
    T_EQ_INT("one factor", p.n, 1);
    T_EQ_STR("factor", p.n ? p.v[0].expr : NULL, "\\x3a\\x20Waiting\\x20for\\x20timed\\x20out");
    T_CHECK("factor caseless", p.n && p.v[0].caseless);
    rule_patterns_release(&p);
    T_CHECK("scsi field rule has its needle", rule_prefilter(rs->v[1], &p));
    T_EQ_STR("needle", p.n ? p.v[0].expr : NULL, "H:0x");
    rule_patterns_release(&p);
    T_CHECK("level-only rule cannot be prefiltered", !rule_prefilter(rs->v[2], &p));
    T_EQ_INT("nothing appended", p.n, 0);
    char *esc = pattern_escape_literal("a.b");
    T_EQ_STR("escape", esc, "a\\x2eb");
    free(esc);
}

/* ---- the scanner ---- */

struct seen {
    struct buf b; /* "rule line time\n" per match */
    size_t n;
};

static void
on_match(void *ctx, size_t rule, const struct log_record *rec)
{
    struct seen *s = ctx;
    buf_addf(&s->b, "%zu %lu %lld\n", rule, rec->line,
             rec->has_time ? (long long)rec->time_ms : -1);
    s->n++;
}

/* Scans `text` in chunks of `chunk` bytes with `workers` searching ahead;
 * fills *out and *res. */
static void
scan_with(const struct log_prefilter *pf, const char *text, size_t len, size_t chunk,
          unsigned workers, struct seen *out, struct psod_result *res, struct log_scan_stats *st,
          struct diags *d)
{
    struct log_scanner *sc = log_scanner_new(pf, "t.log", on_match, out);
    log_scanner_set_workers(sc, workers);
    for (size_t at = 0; at < len; at += chunk)
        log_scanner_feed(sc, text + at, len - at < chunk ? len - at : chunk);
    log_scanner_finish(sc, res, st, d);
}

static void
scan(const struct log_prefilter *pf, const char *text, size_t len, size_t chunk, struct seen *out,
     struct psod_result *res, struct log_scan_stats *st, struct diags *d)
{
    scan_with(pf, text, len, chunk, 0, out, res, st, d);
}

static const char small_log[] =
    "2012-11-01T04:12:00.960Z cpu17:4113)NMP: nmp_ThrottleLogForDevice:2318: Cmd 0x28 (0x4124, "
    "12535) "
    "to dev \"naa.xxx\" on path \"vmhba2:C0:T0:L6\" Failed: H:0xb D:0x0 P:0x0 Possible sense data: "
    "0x0 0x0 0x0. Act:NONE\n"
    "2012-11-01T04:12:01.299Z cpu2:12086)HBX: 2313: Waiting for timed out [HB state abcdef02] on "
    "vol 'Datastore'\n"
    "2012-11-01T04:12:02.000Z cpu2:12086)ScsiDeviceIO: 1: all good H:0x0 D:0x0 P:0x0\n"
    "\tcontinued without a time: HBX: 2313: Waiting for timed out [x]\r\n"
    "2012-11-01T04:12:03.500Z cpu2:1)x 2012-11-01T04:12:04.000Z cpu3:2)HBX: 1: Waiting for timed "
    "out [y]\n";

/* rule 0 = t-hbx, 1 = t-host. Times: 04:12:01.299 = 1351743121299 ms
 * (date -u -d 2012-11-01T04:12:01.299Z +%s), 04:12:00.960 -> 1351743120960,
 * the untimed line 4 inherits 04:12:02.000 -> 1351743122000, the second
 * record of line 5 has 04:12:04.000 -> 1351743124000. */
static const char small_expected[] = "1 1 1351743120960\n"
                                     "0 2 1351743121299\n"
                                     "0 4 1351743122000\n"
                                     "0 5 1351743124000\n";

static void
test_scanner_chunks(const struct log_prefilter *pf)
{
    static const size_t chunks[] = {1, 2, 7, 64, 4096, 1u << 20};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct seen s = {BUF_INIT, 0};
        struct psod_result res;
        struct log_scan_stats st;
        struct diags d = DIAGS_INIT;
        scan(pf, small_log, strlen(small_log), chunks[i], &s, &res, &st, &d);
        T_EQ_STR(t_fmt("matches, chunks of %zu", chunks[i]), buf_str(&s.b), small_expected);
        T_EQ_INT(t_fmt("lines, chunks of %zu", chunks[i]), st.lines, 5);
        T_EQ_INT(t_fmt("format, chunks of %zu", chunks[i]), st.format, LF_VMKERNEL);
        T_CHECK("first time", st.has_first && st.first_ms == 1351743120960LL);
        T_CHECK("last time", st.has_last && st.last_ms == 1351743123500LL);
        psod_result_release(&res);
        diags_release(&d);
        buf_release(&s.b);
    }
}

/* Events around block boundaries and after a line longer than a block. */
static void
test_scanner_blocks(const struct log_prefilter *pf)
{
    struct buf text = BUF_INIT;
    const char *filler = "2024-01-01T00:00:00.000Z cpu1:2)World: 1: nothing to see here at all\n";
    const char *event = "2024-01-01T00:00:00.000Z cpu1:2)HBX: 2313: Waiting for timed out [z]\n";
    size_t fl = strlen(filler);
    unsigned long line = 0;
    struct buf want = BUF_INIT;
    while (text.len + fl < LOG_BLOCK - 10) {
        buf_adds(&text, filler);
        line++;
    }
    for (int k = 0; k < 3; k++) { /* straddles the first block's end */
        buf_adds(&text, event);
        buf_addf(&want, "0 %lu 1704067200000\n", ++line);
    }
    buf_addc(&text, 'L'); /* a line of 1.5 blocks */
    for (size_t i = 0; i < LOG_BLOCK + LOG_BLOCK / 2; i++)
        buf_addc(&text, 'x');
    buf_addc(&text, '\n');
    line++;
    buf_adds(&text, event);
    buf_addf(&want, "0 %lu 1704067200000\n", ++line);
    struct seen s = {BUF_INIT, 0};
    struct psod_result res;
    struct log_scan_stats st;
    struct diags d = DIAGS_INIT;
    scan(pf, text.p, text.len, 1u << 16, &s, &res, &st, &d);
    T_EQ_STR("events across blocks and after a long line", buf_str(&s.b), buf_str(&want));
    T_EQ_INT("lines counted", st.lines, line);
    T_EQ_INT("a note for the long line", diags_count(&d, DIAG_NOTE), 1);
    psod_result_release(&res);
    diags_release(&d);
    buf_release(&s.b);
    buf_release(&want);
    buf_release(&text);
}

/* A purple screen inside a log: the scanner's decoder sees what psod_decode
 * of the whole text sees. */
static void
test_scanner_psod(const struct log_prefilter *pf)
{
    struct buf text = BUF_INIT;
    for (int i = 0; i < 200; i++)
        buf_addf(&text, "2015-12-17T20:%02d:00.000Z cpu1:2)World: 1: line %d\n", i % 60, i);
    buf_adds(&text, "2015-12-17T20:34:03.603Z cpu6:47209)@BlueScreen: #PF Exception 14 in world "
                    "47209:vmast.47208 IP 0x41801cd9c266 addr 0x0\n"
                    "2015-12-17T20:34:03.603Z cpu6:47209)Code start: 0x41801c800000 VMK uptime: "
                    "0:01:14:16.524\n"
                    "2015-12-17T20:34:03.603Z "
                    "cpu6:47209)0x4123a211de10:[0x41801cd9c266]E1000PollRxRing@vmkernel#nover+"
                    "0xdb9 stack: 0x410815df7e40\n"
                    "2015-12-17T20:34:03.603Z "
                    "cpu6:47209)0x4123a211de80:[0x41801cd9d7a1]E1000DevRx@vmkernel#nover+0x18a "
                    "stack: 0x4123a211def0\n");
    for (int i = 0; i < 100; i++)
        buf_addf(&text, "2015-12-17T20:40:%02d.000Z cpu1:2)World: 1: after %d\n", i % 60, i);
    struct seen s = {BUF_INIT, 0};
    struct psod_result res, ref;
    struct log_scan_stats st;
    struct diags d = DIAGS_INIT;
    scan(pf, text.p, text.len, 4096, &s, &res, &st, &d);
    psod_decode(text.p, text.len, "t.log", &ref, &d);
    T_EQ_INT("one crash", res.ncrashes, 1);
    T_EQ_INT("as psod_decode", res.ncrashes, ref.ncrashes);
    if (res.ncrashes == 1 && ref.ncrashes == 1) {
        T_EQ_INT("crash line", res.crashes[0].line, 201);
        T_EQ_INT("frames", res.crashes[0].frames.n, ref.crashes[0].frames.n);
        T_EQ_STR("culprit", res.crashes[0].culprit_function, ref.crashes[0].culprit_function);
    }
    psod_result_release(&res);
    psod_result_release(&ref);
    diags_release(&d);
    buf_release(&s.b);
    buf_release(&text);
}

/* Searchers ahead of the reading thread change nothing: 6 MiB with an
 * event every 997 lines, purple screens straddling block ends (the decoder
 * then sees every line) and a line longer than a block give the same
 * matches, lines and crashes with 0, 1 and 3 searchers. */
static void
test_scanner_workers(const struct log_prefilter *pf)
{
    struct buf text = BUF_INIT;
    unsigned long line = 0, events = 0;
    size_t next_crash = LOG_BLOCK - 300;
    while (text.len < 6 * LOG_BLOCK) {
        line++;
        if (text.len >= next_crash) {
            buf_addf(&text,
                     "2015-12-17T20:34:03.603Z cpu6:4720%lu)@BlueScreen: #PF Exception 14 "
                     "in world 4720%lu:vmast.47208 IP 0x41801cd9c2%02lu addr 0x0\n"
                     "2015-12-17T20:34:03.603Z cpu6:4720%lu)0x4123a211de10:[0x41801cd9c2%02lu]"
                     "E1000PollRxRing@vmkernel#nover+0xdb9 stack: 0x410815df7e40\n",
                     line % 10, line % 10, line % 100, line % 10, line % 100);
            line++;
            next_crash += 2 * LOG_BLOCK + 77;
        } else if (line == 40000) {
            for (size_t i = 0; i < LOG_BLOCK + LOG_BLOCK / 2; i++)
                buf_addc(&text, 'y');
            buf_addc(&text, '\n');
        } else if (line % 997 == 0) {
            buf_addf(&text,
                     "2024-01-01T00:00:%02lu.000Z cpu1:2)HBX: 2313: Waiting for timed "
                     "out [%lu]\n",
                     line % 60, line);
            events++;
        } else {
            buf_addf(&text, "2024-01-01T00:00:%02lu.000Z cpu1:2)World: 1: filler %lu\n", line % 60,
                     line);
        }
    }
    static const unsigned workers[] = {0, 1, 3};
    struct seen first = {BUF_INIT, 0};
    struct psod_result first_res = {0};
    for (size_t w = 0; w < sizeof(workers) / sizeof(workers[0]); w++) {
        struct seen s = {BUF_INIT, 0};
        struct psod_result res;
        struct log_scan_stats st;
        struct diags d = DIAGS_INIT;
        scan_with(pf, text.p, text.len, w == 2 ? 65536 : LOG_BLOCK, workers[w], &s, &res, &st, &d);
        T_EQ_INT(t_fmt("%u searchers: every event", workers[w]), s.n, events);
        T_EQ_INT(t_fmt("%u searchers: lines", workers[w]), st.lines, line);
        T_EQ_INT(t_fmt("%u searchers: bytes", workers[w]), st.bytes, text.len);
        T_EQ_INT(t_fmt("%u searchers: crashes", workers[w]), res.ncrashes, 3);
        if (w == 0) {
            first = s;
            first_res = res;
            diags_release(&d);
            continue;
        }
        T_EQ_STR(t_fmt("%u searchers: matches as with none", workers[w]), buf_str(&s.b),
                 buf_str(&first.b));
        for (size_t i = 0; i < res.ncrashes && i < first_res.ncrashes; i++) {
            T_EQ_INT("crash line as with none", res.crashes[i].line, first_res.crashes[i].line);
            T_EQ_INT("crash frames as with none", res.crashes[i].frames.n,
                     first_res.crashes[i].frames.n);
        }
        psod_result_release(&res);
        diags_release(&d);
        buf_release(&s.b);
    }
    psod_result_release(&first_res);
    buf_release(&first.b);
    buf_release(&text);
}

/* ---- gzip ---- */

static char *
write_gz(const char *text, int members, size_t cut)
{
    char *path = xstrdup("/tmp/vt-test-logs-XXXXXX");
    int fd = mkstemp(path);
    close(fd);
    struct buf all = BUF_INIT;
    for (int m = 0; m < members; m++) {
        uLongf cap = compressBound(strlen(text)) + 64;
        unsigned char *out = xmalloc(cap);
        z_stream z = {0};
        deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
        z.next_in = (unsigned char *)text;
        z.avail_in = (uInt)strlen(text);
        z.next_out = out;
        z.avail_out = (uInt)cap;
        deflate(&z, Z_FINISH);
        buf_add(&all, out, z.total_out);
        deflateEnd(&z);
        free(out);
    }
    size_t len = cut && cut < all.len ? cut : all.len;
    FILE *fp = fopen(path, "wb");
    fwrite(all.p, 1, len, fp);
    fclose(fp);
    buf_release(&all);
    return path;
}

static size_t
read_all(const char *path, struct buf *out, struct diags *d, bool *gz)
{
    struct log_source *s = log_source_open(path, d);
    if (s == NULL)
        return 0;
    char tmp[333];
    ssize_t got;
    while ((got = log_source_read(s, tmp, sizeof(tmp), d)) > 0)
        buf_add(out, tmp, (size_t)got);
    *gz = log_source_is_gzip(s);
    log_source_close(s);
    return out->len;
}

static void
test_gzip(void)
{
    struct buf want = BUF_INIT;
    buf_adds(&want, small_log);
    buf_adds(&want, small_log);
    char *two = write_gz(small_log, 2, 0);
    struct buf got = BUF_INIT;
    struct diags d = DIAGS_INIT;
    bool gz = false;
    read_all(two, &got, &d, &gz);
    T_CHECK("gzip recognised by content", gz);
    T_EQ_STR("two members read one after another", buf_str(&got), buf_str(&want));
    T_EQ_INT("no error", d.n, 0);
    unlink(two);
    free(two);

    char *cut = write_gz(small_log, 1, 60);
    buf_reset(&got);
    read_all(cut, &got, &d, &gz);
    T_EQ_INT("truncated: one error", diags_count(&d, DIAG_ERROR), 1);
    T_CHECK("truncated: says so with the offset",
            d.n && strstr(d.v[0].message, "truncated gzip") && strstr(d.v[0].message, "byte 60"));
    unlink(cut);
    free(cut);
    diags_release(&d);

    char *bad = write_gz(small_log, 1, 0);
    FILE *fp = fopen(bad, "r+b");
    fseek(fp, 20, SEEK_SET);
    fputs("\xff\xff\xff\xff\xff\xff", fp);
    fclose(fp);
    buf_reset(&got);
    read_all(bad, &got, &d, &gz);
    T_EQ_INT("corrupt: one error", diags_count(&d, DIAG_ERROR), 1);
    unlink(bad);
    free(bad);
    diags_release(&d);

    T_CHECK("missing file: NULL", log_source_open("/nonexistent/vt", &d) == NULL);
    T_CHECK("missing file: error names it", d.n && strcmp(d.v[0].path, "/nonexistent/vt") == 0);
    diags_release(&d);
    buf_release(&got);
    buf_release(&want);
}

/* ---- the audit ---- */

static void
feed(struct log_audit *a, size_t rule, const char *src, unsigned long line, int64_t ms, bool timed)
{
    char text[64];
    snprintf(text, sizeof(text), "HBX: 1: Waiting for timed out %lu", line);
    struct log_record rec = {.source = src,
                             .line = line,
                             .text = text,
                             .len = strlen(text),
                             .has_time = timed,
                             .time_ms = ms};
    log_audit_match(a, rule, &rec);
}

static void
test_audit(const struct log_prefilter *pf)
{
    struct log_window w = {0};
    struct log_audit *a = log_audit_new(pf, 2, &w);
    log_audit_subject(a, "/var/run/log");
    /* the newer file first: examples are still the earliest */
    feed(a, 0, "vmkernel.log", 10, 7200000, true);
    feed(a, 0, "vmkernel.log", 11, 7300000, true);
    feed(a, 0, "vmkernel.0.gz", 5, 3600000, true);
    feed(a, 0, "vmkernel.0.gz", 6, 0, false);
    struct findings fs = FINDINGS_INIT;
    struct timeline tl = {NULL, 0, 0};
    struct diags d = DIAGS_INIT;
    log_audit_finish(a, &fs, &tl, &d);
    T_EQ_INT("one finding", fs.n, 1);
    if (fs.n == 1) {
        const struct finding *f = &fs.v[0];
        T_EQ_INT("count", f->count, 4);
        T_CHECK("first/last", f->has_time && f->first_ms == 3600000 && f->last_ms == 7300000);
        T_EQ_INT("two examples", f->nev, 2);
        T_EQ_STR("earliest first", f->nev ? f->ev[0].source : NULL, "vmkernel.0.gz");
        T_EQ_INT("earliest line", f->nev ? f->ev[0].line : 0, 5);
        T_EQ_INT("then", f->nev > 1 ? f->ev[1].line : 0, 10);
    }
    T_EQ_INT("timeline rows (hours 1 and 2)", tl.n, 2);
    if (tl.n == 2) {
        T_EQ_INT("hour 1", tl.v[0].hour_ms, 3600000);
        T_EQ_INT("hour 1 count", tl.v[0].count, 1);
        T_EQ_INT("hour 2 count", tl.v[1].count, 2);
        T_EQ_STR("kind is the rule id", tl.v[1].kind, "t-hbx");
    }
    findings_release(&fs);
    timeline_release(&tl);

    w = (struct log_window){.has_since = true, .since_ms = 7200000};
    a = log_audit_new(pf, 5, &w);
    log_audit_subject(a, "/var/run/log");
    feed(a, 0, "vmkernel.log", 10, 7200000, true);
    feed(a, 0, "vmkernel.log", 11, 3600000, true);
    feed(a, 0, "vmkernel.log", 12, 0, false);
    log_audit_finish(a, &fs, &tl, &d);
    T_EQ_INT("window: one line kept", fs.n ? fs.v[0].count : 0, 1);
    T_EQ_INT("window: a note about the untimed line", d.n, 1);
    findings_release(&fs);
    timeline_release(&tl);
    diags_release(&d);
}

int
test_logs(void)
{
    int before = t_failed;
    struct ruleset rs = RULESET_INIT;
    load(&rs);
    if (rs.n == 3) {
        test_prefilter(&rs);
        struct diags d = DIAGS_INIT;
        struct log_prefilter *pf = log_prefilter_new(&rs, &d);
        T_EQ_INT("prefilter: the level-only rule runs on every line", pf->nevery, 1);
        /* leave the every-line rule out of the scanner tests: block mode */
        struct ruleset two = {rs.v, 2, 2, NULL};
        struct log_prefilter *pf2 = log_prefilter_new(&two, &d);
        test_scanner_chunks(pf2);
        test_scanner_chunks(pf); /* line mode throughout: same matches of rules 0 and 1 */
        test_scanner_blocks(pf2);
        test_scanner_psod(pf2);
        test_scanner_workers(pf2);
        test_audit(pf2);
        log_prefilter_free(pf);
        log_prefilter_free(pf2);
        diags_release(&d);
    }
    test_gzip();
    ruleset_release(&rs);
    return t_failed - before;
}
