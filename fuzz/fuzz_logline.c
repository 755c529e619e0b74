/* fuzz_logline: arbitrary bytes through the log line prefix reader
 * (src/parse/log/log_line.h), as one line and as the records log_next_record cuts it
 * into, so no line of any shape can make it read past the line or break the
 * promises of the header: spans inside the line, start <= body <= n, a sane
 * time, record starts inside [from, n] that move forward, and
 * log_format_iso / log_parse_iso giving back the same instant.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/log/log_line.h"
#include "util/util_mem.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int fuzz_logline_one(const uint8_t *data, size_t size);

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, a day of zone offset either side */
#define FUZZ_LL_MIN_MS (-62167219200000LL - 86400000LL)
#define FUZZ_LL_MAX_MS (253402300799999LL + 86400000LL)

static void
fuzz_logline_span(struct log_span sp, size_t n, const char *what)
{
    if (sp.off > n || sp.len > n - sp.off)
        VT_BUG("fuzz_logline: %s span %u+%u outside %zu bytes", what, sp.off, sp.len, n);
}

/* An instant printed and read back is the same instant (years 1970-9999). */
static void
fuzz_logline_round_trip(int64_t ms)
{
    if (ms < 0 || ms > 253402300799999LL)
        return;
    char out[25];
    int64_t back = 0;
    log_format_iso(ms, out);
    if (out[24] != '\0' || !log_parse_iso(out, 24, &back) || back != ms)
        VT_BUG("fuzz_logline: %lld printed as %s read back as %lld", (long long)ms, out,
               (long long)back);
}

static void
fuzz_logline_check(const char *s, size_t n)
{
    struct log_prefix p;
    bool ok = log_parse_prefix(s, n, &p);
    if ((unsigned)p.format >= LF__COUNT || (unsigned)p.level >= LL__COUNT)
        VT_BUG("fuzz_logline: format %d, level %d", (int)p.format, (int)p.level);
    if (ok != (p.format != LF_UNKNOWN))
        VT_BUG("fuzz_logline: returned %d for format %s", ok, log_format_name(p.format));
    if (log_format_name(p.format) == NULL ||
        (p.level != LL_NONE && log_level_name(p.level) == NULL))
        VT_BUG("fuzz_logline: a format or level without a name");
    if (p.start > p.body || p.body > n)
        VT_BUG("fuzz_logline: start %u, body %u, %zu bytes", p.start, p.body, n);
    if (!ok && p.body != p.start)
        VT_BUG("fuzz_logline: unknown line with body %u != start %u", p.body, p.start);
    fuzz_logline_span(p.time_text, n, "time_text");
    fuzz_logline_span(p.uptime, n, "uptime");
    fuzz_logline_span(p.program, n, "program");
    fuzz_logline_span(p.component, n, "component");
    fuzz_logline_span(p.opid, n, "opid");
    fuzz_logline_span(p.host, n, "host");
    if (p.cpu < -1 || p.world < -1)
        VT_BUG("fuzz_logline: cpu %d, world %lld", p.cpu, p.world);
    if (p.has_time) {
        if (p.time_text.len == 0 || p.time_ms < FUZZ_LL_MIN_MS || p.time_ms > FUZZ_LL_MAX_MS)
            VT_BUG("fuzz_logline: time %lld from %u bytes", (long long)p.time_ms, p.time_text.len);
        fuzz_logline_round_trip(p.time_ms);
    }
    /* a yearless syslog time takes the year of when the log was written
     * (2011-01-05T10:00:00Z here): within a year and a day before it */
    const int64_t written = 1294221600000LL, day = 86400000LL;
    bool had = p.has_time;
    int64_t before = p.time_ms;
    bool set = log_prefix_year(&p, s, n, written);
    if (had && (set || p.time_ms != before))
        VT_BUG("fuzz_logline: log_prefix_year changed a time that had a year");
    if (set && (!p.has_time || p.time_ms > written + day || p.time_ms < written - 367 * day))
        VT_BUG("fuzz_logline: yearless time %lld for a log written at %lld", (long long)p.time_ms,
               (long long)written);
}

int
fuzz_logline_one(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    fuzz_logline_check(s, size);
    /* the records of the line, as `logs` cuts them */
    for (size_t at = 0; at < size;) {
        size_t next = log_next_record(s, size, at + 1);
        if (next < at + 1 || next > size)
            VT_BUG("fuzz_logline: next record %zu from %zu of %zu", next, at + 1, size);
        fuzz_logline_check(s + at, next - at);
        at = next;
    }
    /* any `from`: an offset in [from, n] */
    for (size_t from = 0; from <= size; from += size / 7 + 1) {
        size_t next = log_next_record(s, size, from);
        if (next < from || next > size)
            VT_BUG("fuzz_logline: next record %zu from %zu of %zu", next, from, size);
    }
    if (log_next_record(s, size, size + 1) != size)
        VT_BUG("fuzz_logline: next record past the end");
    /* the whole input as an --since/--until time */
    int64_t ms;
    if (log_parse_iso(s, size, &ms)) {
        if (ms < FUZZ_LL_MIN_MS || ms > FUZZ_LL_MAX_MS)
            VT_BUG("fuzz_logline: --since time %lld", (long long)ms);
        fuzz_logline_round_trip(ms);
    }
    /* any instant prints as 24 bytes and, clamped to 0000-9999, reads back */
    if (size >= 8) {
        int64_t raw;
        memcpy(&raw, data, sizeof(raw));
        char out[25];
        log_format_iso(raw, out);
        if (out[24] != '\0' || !log_parse_iso(out, 24, &ms))
            VT_BUG("fuzz_logline: %lld printed as unreadable %s", (long long)raw, out);
        fuzz_logline_round_trip(raw);
    }
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_logline_one(data, size);
}
#endif
