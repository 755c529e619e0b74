/* record_crash: the rule vocabulary of crash records (crash.*), and the
 * crash view that gives rules a backtrace as lists.
 *
 * Signature rules match on structure (kb/esxi-crash-and-logs.md §3): the
 * panic type, the functions and modules of the backtrace, the world name,
 * the message. Documented in docs/RULES.md. */
#include "record/record_impl.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
add_unique(const char ***v, size_t *n, size_t *cap, const char *s)
{
    if (s == NULL || *s == '\0')
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcasecmp((*v)[i], s) == 0)
            return;
    XGROW(*v, *cap, *n + 1);
    (*v)[(*n)++] = s;
}

static void
add_frames(struct crash_view *v, size_t *fcap, size_t *mcap, const struct psod_frames *fr)
{
    for (size_t i = 0; i < fr->n; i++) {
        if (fr->v[i].function) {
            XGROW(v->functions, *fcap, v->nfunctions + 1);
            v->functions[v->nfunctions++] = fr->v[i].function;
        }
        add_unique(&v->modules, &v->nmodules, mcap, fr->v[i].module);
    }
}

void
crash_view_init(struct crash_view *v, const struct psod_crash *c, const char *source)
{
    *v =
        (struct crash_view){.crash = c, .source = source, .product = c->product, .build = c->build};
    size_t fcap = 0, mcap = 0, tcap = 0;
    add_frames(v, &fcap, &mcap, &c->frames);
    add_frames(v, &fcap, &mcap, &c->saved);
    for (size_t i = 0; i < c->nmodules_involved; i++)
        add_unique(&v->modules, &v->nmodules, &mcap, c->modules_involved[i]);
    XGROW(v->texts, tcap, 1 + c->nnotes + c->nmodules_involved);
    if (c->message)
        v->texts[v->ntexts++] = c->message;
    for (size_t i = 0; i < c->nnotes; i++)
        v->texts[v->ntexts++] = c->notes[i];
    for (size_t i = 0; i < c->nmodules_involved; i++)
        v->texts[v->ntexts++] = c->modules_involved_detail[i];
}

void
crash_view_release(struct crash_view *v)
{
    free(v->functions);
    free(v->modules);
    free(v->texts);
    *v = (struct crash_view){0};
}

/* "25:06:19:56.440" (days:hh:mm:ss.ms) → 25; fewer fields → 0 days. */
static long long
uptime_days(const char *u)
{
    int colons = 0;
    for (const char *p = u; *p; p++)
        colons += *p == ':';
    return colons == 3 ? strtoll(u, NULL, 10) : 0;
}

#define C (r->crash->crash)
static struct fv
g_source(const struct record *r)
{
    return v_str(r->crash->source);
}
static struct fv
g_line(const struct record *r)
{
    return v_int((long long)C->line);
}
static struct fv
g_type(const struct record *r)
{
    return v_str(psod_type_name(C->type, C->exception));
}
static struct fv
g_exception(const struct record *r)
{
    return C->exception >= 0 ? v_int(C->exception) : v_null();
}
static struct fv
g_message(const struct record *r)
{
    return v_str(C->message);
}
static struct fv
g_world_id(const struct record *r)
{
    return C->world_id >= 0 ? v_int(C->world_id) : v_null();
}
static struct fv
g_world_name(const struct record *r)
{
    return v_str(C->world_name);
}
static struct fv
g_cpu(const struct record *r)
{
    return C->cpu >= 0 ? v_int(C->cpu) : v_null();
}
static struct fv
g_functions(const struct record *r)
{
    return v_list(r->crash->functions, r->crash->nfunctions);
}
static struct fv
g_modules(const struct record *r)
{
    return v_list(r->crash->modules, r->crash->nmodules);
}
static struct fv
g_involved(const struct record *r)
{
    return v_list((const char *const *)C->modules_involved, C->nmodules_involved);
}
static struct fv
g_texts(const struct record *r)
{
    return v_list(r->crash->texts, r->crash->ntexts);
}
static struct fv
g_nframes(const struct record *r)
{
    return v_int((long long)(C->frames.n + C->saved.n));
}
static struct fv
g_saved_reason(const struct record *r)
{
    return v_str(C->saved_reason);
}
static struct fv
g_culprit_kind(const struct record *r)
{
    return v_str(psod_culprit_kind_name(C->culprit_kind));
}
static struct fv
g_culprit_module(const struct record *r)
{
    return v_str(C->culprit_module);
}
static struct fv
g_culprit_function(const struct record *r)
{
    return v_str(C->culprit_function);
}
static struct fv
g_product(const struct record *r)
{
    return v_str(r->crash->product);
}
static struct fv
g_build(const struct record *r)
{
    return r->crash->build ? v_int(strtoll(r->crash->build, NULL, 10)) : v_null();
}
static struct fv
g_uptime(const struct record *r)
{
    return v_str(C->uptime);
}
static struct fv
g_uptime_days(const struct record *r)
{
    return C->uptime ? v_int(uptime_days(C->uptime)) : v_null();
}

const struct field_def record_crash_fields[] = {
    {"crash.source", K_CRASH, FV_STR, g_source, NULL, NULL, NULL},
    {"crash.line", K_CRASH, FV_INT, g_line, NULL, NULL, NULL},
    {"crash.type", K_CRASH, FV_STR, g_type, NULL, NULL, NULL},
    {"crash.exception", K_CRASH, FV_INT, g_exception, NULL, NULL, NULL},
    {"crash.message", K_CRASH, FV_STR, g_message, NULL, NULL, NULL},
    {"crash.world_id", K_CRASH, FV_INT, g_world_id, NULL, NULL, NULL},
    {"crash.world_name", K_CRASH, FV_STR, g_world_name, NULL, NULL, NULL},
    {"crash.cpu", K_CRASH, FV_INT, g_cpu, NULL, NULL, NULL},
    {"crash.functions", K_CRASH, FV_LIST, g_functions, NULL, NULL, NULL},
    {"crash.modules", K_CRASH, FV_LIST, g_modules, NULL, NULL, NULL},
    {"crash.modules_involved", K_CRASH, FV_LIST, g_involved, NULL, NULL, NULL},
    {"crash.texts", K_CRASH, FV_LIST, g_texts, NULL, NULL, NULL},
    {"crash.frames", K_CRASH, FV_INT, g_nframes, NULL, NULL, NULL},
    {"crash.saved_reason", K_CRASH, FV_STR, g_saved_reason, NULL, NULL, NULL},
    {"crash.culprit_kind", K_CRASH, FV_STR, g_culprit_kind, NULL, NULL, NULL},
    {"crash.culprit_module", K_CRASH, FV_STR, g_culprit_module, NULL, NULL, NULL},
    {"crash.culprit_function", K_CRASH, FV_STR, g_culprit_function, NULL, NULL, NULL},
    {"crash.product", K_CRASH, FV_STR, g_product, NULL, NULL, NULL},
    {"crash.build", K_CRASH, FV_INT, g_build, NULL, NULL, NULL},
    {"crash.uptime", K_CRASH, FV_STR, g_uptime, NULL, NULL, NULL},
    {"crash.uptime_days", K_CRASH, FV_INT, g_uptime_days, NULL, NULL, NULL},
};

const size_t record_crash_nfields = sizeof(record_crash_fields) / sizeof(record_crash_fields[0]);
