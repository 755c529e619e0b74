/* fuzz_psod: arbitrary bytes through the purple-screen decoder, both as a
 * text split into lines (psod_decode, the `psod FILE` path) and as one long
 * physical line fed to the reader (the `logs` path meeting a pasted screen),
 * so crash text of any shape can never crash the tool or break the bounds
 * psod.h promises (frames, notes, texts, backtraces).
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/psod/psod.h"
#include "util/util_mem.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int fuzz_psod_one(const uint8_t *data, size_t size);

static void
fuzz_psod_text(const char *s)
{
    if (s != NULL && strlen(s) > PSOD_MAX_TEXT)
        VT_BUG("fuzz_psod: text of %zu bytes", strlen(s));
}

static void
fuzz_psod_frames(const struct psod_frames *fs)
{
    if (fs->n > PSOD_MAX_FRAMES || fs->n > fs->cap)
        VT_BUG("fuzz_psod: %zu frames", fs->n);
    for (size_t i = 0; i < fs->n; i++) {
        fuzz_psod_text(fs->v[i].function);
        fuzz_psod_text(fs->v[i].module);
        fuzz_psod_text(fs->v[i].version);
        if (fs->v[i].module_hidden && fs->v[i].module != NULL)
            VT_BUG("fuzz_psod: hidden module with a name");
    }
}

static void
fuzz_psod_check(struct psod_result *res)
{
    if (res->ncrashes > PSOD_MAX_CRASHES || res->nbacktraces > PSOD_MAX_BACKTRACES)
        VT_BUG("fuzz_psod: %zu crashes, %zu backtraces", res->ncrashes, res->nbacktraces);
    for (size_t i = 0; i < res->ncrashes; i++) {
        struct psod_crash *c = &res->crashes[i];
        if (c->line == 0 || c->last_line < c->line)
            VT_BUG("fuzz_psod: crash lines %lu-%lu", c->line, c->last_line);
        if (c->nnotes > PSOD_MAX_NOTES || c->nmodules_involved > PSOD_MAX_MODULES)
            VT_BUG("fuzz_psod: %zu notes, %zu modules", c->nnotes, c->nmodules_involved);
        fuzz_psod_text(c->message);
        fuzz_psod_text(c->world_name);
        fuzz_psod_text(c->uptime);
        fuzz_psod_text(c->saved_reason);
        for (size_t k = 0; k < c->nnotes; k++)
            fuzz_psod_text(c->notes[k]);
        for (size_t k = 0; k < c->nmodules_involved; k++) {
            fuzz_psod_text(c->modules_involved[k]);
            fuzz_psod_text(c->modules_involved_detail[k]);
        }
        fuzz_psod_frames(&c->frames);
        fuzz_psod_frames(&c->saved);
        if (psod_type_name(c->type, c->exception) == NULL || c->culprit_why == NULL ||
            psod_culprit_kind_name(c->culprit_kind) == NULL)
            VT_BUG("fuzz_psod: crash %zu without names", i);
        /* the culprit is a function of the crash: computing it again agrees */
        enum psod_culprit_kind k = c->culprit_kind;
        psod_culprit(c);
        if (c->culprit_kind != k)
            VT_BUG("fuzz_psod: culprit changed on a second look");
    }
    for (size_t i = 0; i < res->nbacktraces; i++) {
        fuzz_psod_text(res->backtraces[i].header);
        fuzz_psod_frames(&res->backtraces[i].frames);
    }
}

int
fuzz_psod_one(const uint8_t *data, size_t size)
{
    struct diags d = DIAGS_INIT;
    struct psod_result res;
    psod_decode((const char *)data, size, "fuzz.txt", &res, &d);
    fuzz_psod_check(&res);
    psod_result_release(&res);
    struct psod_reader *r = psod_reader_new("fuzz-line");
    psod_feed(r, (const char *)data, size, 1);
    psod_reader_finish(r, &res, &d);
    fuzz_psod_check(&res);
    psod_result_release(&res);
    /* odd text is a note, never an error */
    if (diags_count(&d, DIAG_ERROR) != 0)
        VT_BUG("fuzz_psod: error: %s", d.v[0].message);
    diags_release(&d);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_psod_one(data, size);
}
#endif
