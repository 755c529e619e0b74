/* fuzz_report: arbitrary bytes through the reader of saved JSON reports
 * (parse/report/report_read.c) and the fleet fold of `vmtriage merge`
 * (findings/fleet.c), so a damaged or hostile report can never crash merge:
 * every finding handed out has a rule, a level and a subject, kept strings
 * stay within RR_MAX_STR, an error has a message and an offset inside the
 * input, and the verdict does not depend on how the bytes were split into
 * chunks (the same error at the same offset, the same findings).
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/report/report_read.h"
#include "findings/fleet.h"
#include "util/util_mem.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int fuzz_report_one(const uint8_t *data, size_t size);

struct fuzz_report_count {
    size_t hosts, findings, errors;
};

static void
fuzz_report_str(const char *s)
{
    if (s && strlen(s) > RR_MAX_STR)
        VT_BUG("fuzz_report: a kept string of %zu bytes", strlen(s));
}

static const char *
fuzz_report_host(void *ctx, const struct rr_host *h)
{
    ((struct fuzz_report_count *)ctx)->hosts++;
    fuzz_report_str(h->name);
    fuzz_report_str(h->bundle);
    return NULL;
}

static const char *
fuzz_report_finding(void *ctx, const struct rr_finding *f)
{
    ((struct fuzz_report_count *)ctx)->findings++;
    if (f->rule == NULL || f->level == NULL || f->subject == NULL)
        VT_BUG("fuzz_report: a finding without rule, level or subject");
    fuzz_report_str(f->subject);
    fuzz_report_str(f->title);
    return NULL;
}

static const char *
fuzz_report_error(void *ctx, const struct rr_error *e)
{
    ((struct fuzz_report_count *)ctx)->errors++;
    if (e->path == NULL || e->message == NULL)
        VT_BUG("fuzz_report: an error without path or message");
    return NULL;
}

/* Reads data in chunks of `step` bytes (0: at once); returns whether it was a report. */
static bool
fuzz_report_read(const uint8_t *data, size_t size, size_t step, struct fuzz_report_count *c,
                 char *err, size_t errsz, unsigned long long *at)
{
    struct rr_callbacks cb = {.ctx = c,
                              .host = fuzz_report_host,
                              .finding = fuzz_report_finding,
                              .error = fuzz_report_error};
    struct report_reader *r = report_reader_new(&cb);
    bool ok = true;
    for (size_t off = 0; ok && off < size;) {
        size_t n = step == 0 || size - off < step ? size - off : step;
        ok = report_reader_feed(r, data + off, n);
        off += n;
    }
    if (ok)
        ok = report_reader_finish(r);
    const char *e = report_reader_error(r, at);
    if (ok != (e == NULL))
        VT_BUG("fuzz_report: %s without an error message", ok ? "success" : "failure");
    if (e && (*e == '\0' || *at > size))
        VT_BUG("fuzz_report: error '%s' at %llu of %zu bytes", e, *at, size);
    snprintf(err, errsz, "%s", e ? e : "");
    report_reader_free(r);
    return ok;
}

int
fuzz_report_one(const uint8_t *data, size_t size)
{
    struct fuzz_report_count a = {0}, b = {0};
    char ea[400], eb[400];
    unsigned long long at_a = 0, at_b = 0;
    bool ok_a = fuzz_report_read(data, size, 0, &a, ea, sizeof(ea), &at_a);
    size_t step = size ? 1 + data[0] % 7 : 1;
    bool ok_b = fuzz_report_read(data, size, step, &b, eb, sizeof(eb), &at_b);
    /* a callback's own stop could differ only by the message; none stops here */
    if (ok_a != ok_b || strcmp(ea, eb) != 0 || (!ok_a && at_a != at_b) ||
        a.findings != b.findings || a.hosts != b.hosts || a.errors != b.errors)
        VT_BUG("fuzz_report: chunks of %zu bytes read differently ('%s' at %llu, '%s' at %llu)",
               step, ea, at_a, eb, at_b);

    /* the fleet fold over the same bytes, twice: the second is a duplicate */
    struct fleet f;
    fleet_init(&f, 0, 1);
    for (int round = 0; round < 2; round++) {
        struct fleet_digest d;
        fleet_digest_init(&d);
        fleet_digest_add(&d, data, size);
        if (!fleet_report_begin(&f, round ? "fuzz/b.json" : "fuzz/a.json", &d))
            break;
        struct rr_callbacks cb = fleet_callbacks(&f);
        struct report_reader *r = report_reader_new(&cb);
        bool ok = report_reader_feed(r, data, size) && report_reader_finish(r);
        report_reader_free(r);
        if (!ok)
            break;
        fleet_report_end(&f);
    }
    fleet_end(&f);
    for (size_t i = 0; i < f.nhosts; i++)
        if (f.hosts[i].name == NULL || f.hosts[i].worst > 4)
            VT_BUG("fuzz_report: a host row without a name, or worst %d", f.hosts[i].worst);
    fleet_release(&f);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_report_one(data, size);
}
#endif
