/* fuzz_logs: arbitrary bytes through the `logs` engine: the block scanner
 * with the built-in rules' prefilter (bytes cut into chunks whose size the
 * input picks, so block and line boundaries fall everywhere), the records,
 * rules and crash hand-off it drives, and the gzip source reading the same
 * bytes as a file. Checks what log_scan.h promises: the lines counted are
 * the input's line ends (plus an unterminated last line), every match names
 * a line that exists, and nothing reads out of bounds (ASan). The bytes are
 * scanned twice, with hyperscan's database and with the patterns as plain
 * strings (log_literals.h, what a small input gets): the same matches on the
 * same lines, and the same crashes.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "rules/log_scan.h"
#include "source/log_source.h"
#include "rules/rules.h"
#include "util/util_mem.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int fuzz_logs_one(const uint8_t *data, size_t size);

/* The built-in rules' prefilter: with the database, or (literals) the
 * table of plain strings. */
static const struct log_prefilter *
builtin_prefilter(bool literals)
{
    static struct ruleset rs = RULESET_INIT;
    static struct log_prefilter *pf[2];
    if (pf[literals] == NULL) {
        struct diags d = DIAGS_INIT;
        if (rs.n == 0 && rules_load_builtin(&rs, &d) != 0)
            VT_BUG("fuzz_logs: built-in rules do not load");
        log_prefilter_prefer_literals(literals);
        pf[literals] = log_prefilter_new(&rs, &d);
        log_prefilter_prefer_literals(false);
        diags_release(&d);
    }
    return pf[literals];
}

struct seen {
    uint64_t matches;
    unsigned long max_line;
    uint64_t line_sum; /* of the matches' lines, to compare two scans */
    size_t crashes;
};

static void
on_match(void *ctx, size_t rule, const struct log_record *rec)
{
    struct seen *s = ctx;
    (void)rule;
    if (rec->line == 0 || strlen(rec->text) != rec->len)
        VT_BUG("fuzz_logs: record line %lu, len %zu", rec->line, rec->len);
    s->matches++;
    s->line_sum += rec->line;
    if (rec->line > s->max_line)
        s->max_line = rec->line;
}

static struct seen
scan_bytes(const uint8_t *data, size_t size, size_t chunk, bool literals)
{
    struct seen s = {0, 0, 0, 0};
    struct log_scanner *sc =
        log_scanner_new(builtin_prefilter(literals), "fuzz.log", on_match, &s);
    for (size_t at = 0; at < size; at += chunk)
        log_scanner_feed(sc, (const char *)data + at, size - at < chunk ? size - at : chunk);
    struct psod_result res;
    struct log_scan_stats st;
    struct diags d = DIAGS_INIT;
    log_scanner_finish(sc, &res, &st, &d);
    if (!st.binary) {
        uint64_t nl = 0;
        for (size_t i = 0; i < size; i++)
            nl += data[i] == '\n';
        uint64_t want = nl + (size > 0 && data[size - 1] != '\n');
        /* lines longer than a block are read in pieces that keep one number */
        if (st.lines > want || s.max_line > st.lines)
            VT_BUG("fuzz_logs: %llu lines counted, %llu in the input, match at %lu",
                   (unsigned long long)st.lines, (unsigned long long)want, s.max_line);
        if (st.bytes != size)
            VT_BUG("fuzz_logs: %llu bytes scanned of %zu", (unsigned long long)st.bytes, size);
    }
    s.crashes = res.ncrashes;
    psod_result_release(&res);
    diags_release(&d);
    return s;
}

/* The bytes as a file through log_source: gzip or plain, never a crash. */
static void
source_bytes(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-log", 0);
    if (fd < 0)
        return;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        struct diags d = DIAGS_INIT;
        struct log_source *src = log_source_open(path, &d);
        char buf[4096];
        ssize_t got;
        size_t total = 0;
        while (src && (got = log_source_read(src, buf, sizeof(buf), &d)) > 0)
            total += (size_t)got;
        if (src && !log_source_is_gzip(src) && total != size && d.n == 0)
            VT_BUG("fuzz_logs: plain read %zu of %zu bytes", total, size);
        log_source_close(src);
        diags_release(&d);
    }
    close(fd);
}

int
fuzz_logs_one(const uint8_t *data, size_t size)
{
    size_t chunk = size ? (size_t)data[0] % 97 + 1 : 1;
    struct seen a = scan_bytes(data, size, chunk, false);
    struct seen b = scan_bytes(data, size, (size_t)1 << 20, false);
    struct seen c = scan_bytes(data, size, chunk, true);
    if (a.matches != c.matches || a.line_sum != c.line_sum || a.crashes != c.crashes)
        VT_BUG("fuzz_logs: plain strings found %llu matches and %zu crashes, hyperscan %llu and %zu",
               (unsigned long long)c.matches, c.crashes, (unsigned long long)a.matches,
               a.crashes);
    (void)b;
    source_bytes(data, size);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_logs_one(data, size);
}
#endif
