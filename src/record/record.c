/* record: the generic side of records: kinds, stepping through a source's
 * records, and field lookup over the per-domain tables (record_vm.c,
 * record_crash.c), the only places that map rule vocabulary to C. */
#include "record/record_impl.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"vm", "nic", "controller", "crash", "log", "dump", "cpu"};

struct table {
    const struct field_def *v;
    const size_t *n;
};

static const struct table tables[] = {
    {record_vm_fields, &record_vm_nfields},   {record_crash_fields, &record_crash_nfields},
    {record_log_fields, &record_log_nfields}, {record_dump_fields, &record_dump_nfields},
    {record_cpu_fields, &record_cpu_nfields},
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

bool
record_next(struct record *r, size_t *i)
{
    switch (r->kind) {
    case REC_VM:
    case REC_CRASH:
    case REC_LOG:
    case REC_DUMP:
    case REC_CPU:
        return (*i)++ == 0;
    case REC_NIC:
        if (*i >= r->vm->nnics)
            return false;
        r->nic = &r->vm->nics[(*i)++];
        return true;
    case REC_CONTROLLER:
        if (*i >= r->vm->nctrls)
            return false;
        r->ctrl = &r->vm->ctrls[(*i)++];
        return true;
    default:
        return false;
    }
}

const char *
record_kind_name(enum record_kind k)
{
    return kind_names[k];
}

int
record_kind_from_name(const char *name)
{
    for (int k = 0; k < REC__COUNT; k++)
        if (strcmp(kind_names[k], name) == 0)
            return k;
    return -1;
}

struct fv
field_raw_getter(const struct record *r)
{
    (void)r;
    VT_BUG("raw fields are read through field_get");
}

const struct field_def *
field_lookup(enum record_kind kind, const char *name)
{
    if (strncmp(name, "vmx.", 4) == 0 && name[4] != '\0') {
        if (!(K_VMS & (1u << kind)))
            return NULL;
        struct field_def *f = xcalloc(1, sizeof(*f));
        *f = (struct field_def){xstrdup(name),     K_VMS, FV_STR, field_raw_getter, NULL,
                                xstrdup(name + 4), NULL};
        return f;
    }
    for (size_t t = 0; t < NTABLES; t++)
        for (size_t i = 0; i < *tables[t].n; i++)
            if (tables[t].v[i].name[0] == name[0] && strcmp(tables[t].v[i].name, name) == 0)
                return tables[t].v[i].kinds & (1u << kind) ? &tables[t].v[i] : NULL;
    return NULL;
}

void
field_release(const struct field_def *f)
{
    if (f && f->raw_key) {
        free((char *)f->name);
        free(f->raw_key);
        free((struct field_def *)f);
    }
}

enum fv_type
field_type(const struct field_def *f)
{
    return f->type;
}

const char *
field_needle(const struct field_def *f)
{
    return f->needle;
}

const char *
field_name(const struct field_def *f)
{
    return f->name;
}

struct fv
field_get(const struct field_def *f, const struct record *r)
{
    if (f->raw_key)
        return v_str(vmx_get(r->vm->doc, f->raw_key));
    return f->get(r);
}

const struct vmx_entry *
field_source(const struct field_def *f, const struct record *r)
{
    if (f->raw_key)
        return vmx_find(r->vm->doc, f->raw_key);
    return f->source ? f->source(r) : NULL;
}

void
field_list(enum record_kind kind, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t t = 0; t < NTABLES; t++)
        for (size_t i = 0; i < *tables[t].n && n + 1 < max; i++)
            if (tables[t].v[i].kinds & (1u << kind))
                out[n++] = tables[t].v[i].name;
    out[n] = NULL;
}
