/* fuzz_console: arbitrary bytes through the guest console reader
 * (console_parse) and the stop-code reader (stopcode_parse), so a console
 * file or a --stop-code value a user gives `vmtriage diagnose` can never
 * crash the tool or break what console.h promises:
 * - 0 with no error, or -1 with exactly one error naming an offset; every
 *   diagnostic one lower-case line;
 * - events in line order, within the lines read, at most CONSOLE_MAX_EVENTS
 *   kept (the rest counted), each with a known kind and a text of at most
 *   CONSOLE_MAX_TEXT bytes free of control bytes;
 * - a stop code only with its line, and stopcode_parse agreeing with itself
 *   on the same bytes.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/console/console.h"
#include "util/util_mem.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int fuzz_console_one(const uint8_t *data, size_t size);

int
fuzz_console_one(const uint8_t *data, size_t size)
{
    struct console_info c;
    struct diags d = DIAGS_INIT;
    int rc = console_parse((const char *)data, size, "fuzz.txt", &c, &d);
    size_t errors = diags_count(&d, DIAG_ERROR);
    if ((rc == 0 && errors) || (rc == -1 && errors != 1) || (rc != 0 && rc != -1))
        VT_BUG("fuzz_console: rc %d with %zu errors", rc, errors);
    for (size_t i = 0; i < d.n; i++) {
        const char *m = d.v[i].message;
        if (m[0] == '\0' || (m[0] >= 'A' && m[0] <= 'Z') || strchr(m, '\n'))
            VT_BUG("fuzz_console: diagnostic '%s'", m);
        if (d.v[i].level == DIAG_ERROR && strstr(m, "offset") == NULL)
            VT_BUG("fuzz_console: error names no offset: '%s'", m);
    }
    if (c.nev > CONSOLE_MAX_EVENTS || (c.dropped && c.nev != CONSOLE_MAX_EVENTS))
        VT_BUG("fuzz_console: %zu events, %zu dropped", c.nev, c.dropped);
    for (size_t i = 0; i < c.nev; i++) {
        const struct console_event *e = &c.ev[i];
        if ((unsigned)e->kind >= CON__COUNT || e->line == 0 || e->line > c.lines ||
            (i && e->line < c.ev[i - 1].line))
            VT_BUG("fuzz_console: event %zu kind %d line %lu of %lu", i, (int)e->kind, e->line,
                   c.lines);
        size_t n = strlen(e->text);
        if (n > CONSOLE_MAX_TEXT)
            VT_BUG("fuzz_console: text of %zu bytes", n);
        for (size_t k = 0; k < n; k++)
            if ((unsigned char)e->text[k] < 0x20 || e->text[k] == 0x7F)
                VT_BUG("fuzz_console: control byte in a text");
        if (console_kind_from_id(console_kind_id(e->kind)) != (int)e->kind)
            VT_BUG("fuzz_console: kind %d id", (int)e->kind);
    }
    if (c.has_stop != (c.stop_line > 0) || c.stop_line > c.lines)
        VT_BUG("fuzz_console: stop code at line %lu", c.stop_line);
    console_release(&c);
    diags_release(&d);

    /* the same bytes as a --stop-code value (up to a NUL, as argv holds it) */
    size_t n = strnlen((const char *)data, size);
    uint32_t a = 0, b = 0;
    int r1 = stopcode_parse((const char *)data, n, &a), r2 = stopcode_parse((const char *)data, n, &b);
    if (r1 != r2 || (r1 != 0 && r1 != -1) || (r1 == 0 && a != b))
        VT_BUG("fuzz_console: stopcode_parse disagrees with itself");
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_console_one(data, size);
}
#endif
