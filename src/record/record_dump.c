/* record_dump: the rule vocabulary of Windows crash dumps (dump.*), and the
 * dump view that gives rules the driver lists.
 *
 * Rules about blue screens match on the bug check, its parameters, the
 * culprit driver and which drivers were loaded or on the stack
 * (kb/windows-crash-dumps.md §5-6). Documented in docs/RULES.md. */
#include "parse/dump/bugcheck.h"
#include "record/record_impl.h"
#include "util/util_mem.h"

#include <stdlib.h>

void
dump_view_init(struct dump_view *v, const struct crash_dump *d, const char *path)
{
    *v = (struct dump_view){.dump = d, .path = path};
    v->drivers = xcalloc(d->ndrivers + 1, sizeof(*v->drivers));
    v->stack = xcalloc(d->ndrivers + 1, sizeof(*v->stack));
    for (size_t i = 0; i < d->ndrivers; i++) {
        v->drivers[v->ndrivers++] = d->drivers[i].name;
        if (d->drivers[i].on_stack)
            v->stack[v->nstack++] = d->drivers[i].name;
    }
    v->unloaded = xcalloc(d->nunloaded + 1, sizeof(*v->unloaded));
    for (size_t i = 0; i < d->nunloaded; i++)
        v->unloaded[v->nunloaded++] = d->unloaded[i].name;
}

void
dump_view_release(struct dump_view *v)
{
    free(v->drivers);
    free(v->stack);
    free(v->unloaded);
    *v = (struct dump_view){0};
}

#define D (r->dump->dump)
static struct fv
g_path(const struct record *r)
{
    return v_str(r->dump->path);
}
static struct fv
g_format(const struct record *r)
{
    return v_str(dump_format_name(D->format));
}
static struct fv
g_type(const struct record *r)
{
    return D->has_dump_type ? v_str(dump_type_name(D->dump_type)) : v_null();
}
static struct fv
g_arch(const struct record *r)
{
    return v_str(dump_arch_name(D->arch));
}
static struct fv
g_os_build(const struct record *r)
{
    return D->has_os_build ? v_int(D->os_build) : v_null();
}
static struct fv
g_processors(const struct record *r)
{
    return D->has_processors ? v_int(D->processors) : v_null();
}
static struct fv
g_bugcheck(const struct record *r)
{
    return D->has_bugcheck ? v_int(D->bugcheck) : v_null();
}
static struct fv
g_bugcheck_name(const struct record *r)
{
    return D->has_bugcheck ? v_str(bugcheck_name(D->bugcheck)) : v_null();
}
static struct fv
g_p(const struct record *r, int i)
{
    return D->has_bugcheck ? v_int((long long)D->parameters[i]) : v_null();
}
static struct fv
g_p1(const struct record *r)
{
    return g_p(r, 0);
}
static struct fv
g_p2(const struct record *r)
{
    return g_p(r, 1);
}
static struct fv
g_p3(const struct record *r)
{
    return g_p(r, 2);
}
static struct fv
g_p4(const struct record *r)
{
    return g_p(r, 3);
}
static struct fv
g_culprit(const struct record *r)
{
    return D->culprit ? v_str(D->culprit->name) : v_null();
}
static struct fv
g_culprit_rule(const struct record *r)
{
    return v_str(dump_culprit_rule_name(D->culprit_rule));
}
static struct fv
g_drivers(const struct record *r)
{
    return D->has_drivers ? v_list(r->dump->drivers, r->dump->ndrivers) : v_null();
}
static struct fv
g_stack_drivers(const struct record *r)
{
    return v_list(r->dump->stack, r->dump->nstack);
}
static struct fv
g_unloaded(const struct record *r)
{
    return v_list(r->dump->unloaded, r->dump->nunloaded);
}
static struct fv
g_exception_code(const struct record *r)
{
    return D->has_exception ? v_int(D->exception_code) : v_null();
}
static struct fv
g_process(const struct record *r)
{
    return v_str(D->process);
}
static struct fv
g_uptime_s(const struct record *r)
{
    return D->has_uptime ? v_int((long long)(D->uptime_ms / 1000)) : v_null();
}
static struct fv
g_has_driver_list(const struct record *r)
{
    return v_bool(D->has_drivers);
}

const struct field_def record_dump_fields[] = {
    {"dump.path", K_DUMP, FV_STR, g_path, NULL, NULL, NULL},
    {"dump.format", K_DUMP, FV_STR, g_format, NULL, NULL, NULL},
    {"dump.type", K_DUMP, FV_STR, g_type, NULL, NULL, NULL},
    {"dump.arch", K_DUMP, FV_STR, g_arch, NULL, NULL, NULL},
    {"dump.os_build", K_DUMP, FV_INT, g_os_build, NULL, NULL, NULL},
    {"dump.processors", K_DUMP, FV_INT, g_processors, NULL, NULL, NULL},
    {"dump.bugcheck", K_DUMP, FV_INT, g_bugcheck, NULL, NULL, NULL},
    {"dump.bugcheck_name", K_DUMP, FV_STR, g_bugcheck_name, NULL, NULL, NULL},
    {"dump.p1", K_DUMP, FV_INT, g_p1, NULL, NULL, NULL},
    {"dump.p2", K_DUMP, FV_INT, g_p2, NULL, NULL, NULL},
    {"dump.p3", K_DUMP, FV_INT, g_p3, NULL, NULL, NULL},
    {"dump.p4", K_DUMP, FV_INT, g_p4, NULL, NULL, NULL},
    {"dump.culprit", K_DUMP, FV_STR, g_culprit, NULL, NULL, NULL},
    {"dump.culprit_rule", K_DUMP, FV_STR, g_culprit_rule, NULL, NULL, NULL},
    {"dump.has_driver_list", K_DUMP, FV_BOOL, g_has_driver_list, NULL, NULL, NULL},
    {"dump.drivers", K_DUMP, FV_LIST, g_drivers, NULL, NULL, NULL},
    {"dump.stack_drivers", K_DUMP, FV_LIST, g_stack_drivers, NULL, NULL, NULL},
    {"dump.unloaded_drivers", K_DUMP, FV_LIST, g_unloaded, NULL, NULL, NULL},
    {"dump.exception_code", K_DUMP, FV_INT, g_exception_code, NULL, NULL, NULL},
    {"dump.process", K_DUMP, FV_STR, g_process, NULL, NULL, NULL},
    {"dump.uptime_s", K_DUMP, FV_INT, g_uptime_s, NULL, NULL, NULL},
};

const size_t record_dump_nfields = sizeof(record_dump_fields) / sizeof(record_dump_fields[0]);
