/* audit: applies the ruleset to one VM: builds its records (the VM, each NIC,
 * each controller), matches each rule, and collects evidence and rendered
 * remediation into findings. */
#include "findings/findings.h"
#include "util/util_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EVIDENCE 16

static void
add_unique_evidence(struct finding *f, const struct vmx_entry *e)
{
    for (size_t i = 0; i < f->nev; i++)
        if (f->ev[i].line == e->line)
            return;
    f->ev = xreallocarray(f->ev, f->nev + 1, sizeof(*f->ev));
    f->ev[f->nev++] = (struct evidence){.line = e->line, .text = xstrdup(e->raw)};
}

static void
add_device(struct finding *f, const struct record *r)
{
    char name[32];
    if (r->kind == REC_NIC)
        snprintf(name, sizeof(name), "ethernet%d", r->nic->index);
    else if (r->kind == REC_CONTROLLER)
        snprintf(name, sizeof(name), "%s%d", vm_bus_name(r->ctrl->bus), r->ctrl->index);
    else
        return;
    f->devices = xreallocarray(f->devices, f->ndevices + 1, sizeof(char *));
    f->devices[f->ndevices++] = xstrdup(name);
}

static int
cmp_evidence(const void *a, const void *b)
{
    const struct evidence *x = a, *y = b;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Adds the record's match to the rule's finding for this VM (created at the
 * first matching record; later records add devices and evidence). */
static void
apply_rule(const struct rule *rule, const struct record *r, struct finding *f)
{
    if (f->rule == NULL) {
        *f = (struct finding){.rule = rule, .level = rule->level};
        f->subject = xstrdup(r->vm->path);
        f->name = r->vm->name ? xstrdup(r->vm->name) : NULL;
        /* Remediation is rendered for the first matching record; device
         * placeholders then name the first device, which the text says. */
        f->fixes = xcalloc(rule->nremedies ? rule->nremedies : 1, sizeof(*f->fixes));
        for (size_t i = 0; i < rule->nremedies; i++)
            f->fixes[f->nfixes++] =
                (struct fix){rule->remedies[i].tool,
                             rule_render(rule, rule->remedies[i].tool, rule->remedies[i].text, r), false};
    }
    add_device(f, r);
    /* plan scripts: one step per matching record (each NIC), each text once */
    for (size_t i = 0; rule->plan && i < rule->plan->nscripts; i++) {
        const struct remedy *sc = &rule->plan->scripts[i];
        bool refused;
        char *text = rule_render_ex(rule, sc->tool, sc->text, r, &refused);
        if (refused) { /* never half a step: its later lines would act on what is missing */
            free(text);
            text = xasprintf("# left out: a value of this VM (its name, a path or a network) "
                             "cannot be put safely into this script; do this step by hand\n");
        }
        bool dup = false;
        for (size_t k = 0; k < f->nscripts && !dup; k++)
            dup = strcmp(f->scripts[k].tool, sc->tool) == 0 && strcmp(f->scripts[k].text, text) == 0;
        if (dup) {
            free(text);
            continue;
        }
        f->scripts = xreallocarray(f->scripts, f->nscripts + 1, sizeof(*f->scripts));
        f->scripts[f->nscripts++] = (struct fix){sc->tool, text, refused};
    }
    const struct vmx_entry *ev[MAX_EVIDENCE];
    size_t n = rule_evidence(rule, r, ev, MAX_EVIDENCE);
    for (size_t i = 0; i < n; i++)
        add_unique_evidence(f, ev[i]);
}

struct unknown_arg {
    const struct vm *vm;
    const struct record_ctx *ctx;
};

static bool
field_unknown(const char *field, const void *arg)
{
    const struct unknown_arg *u = arg;
    if (u->ctx && u->ctx->profile_nested && strcmp(field, "vm.nested") == 0)
        return false; /* --profile nested: every VM is taken as nested */
    return vm_field_unknown(u->vm, field);
}

bool
audit_rule_unknown(const struct rule *rule, const struct vm *vm, const struct record_ctx *ctx)
{
    struct unknown_arg u = {vm, ctx};
    return vm->unknown && record_kind_is_vm(rule->kind) && rule_tests_any(rule, field_unknown, &u);
}

void
audit_vm(const struct ruleset *rs, const struct vm *vm, const struct record_ctx *ctx,
         struct findings *out)
{
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *rule = rs->v[i];
        if (!record_kind_is_vm(rule->kind))
            continue; /* not about a VM: audit_crash.c, audit_log.c, audit_dump.c */
        if (audit_rule_unknown(rule, vm, ctx))
            continue; /* unknown for this VM, neither a finding nor an all-clear */
        struct finding f = {0};
        struct record r = {.kind = rule->kind, .vm = vm, .ctx = ctx};
        for (size_t k = 0; record_next(&r, &k);)
            if (rule_match(rule, &r))
                apply_rule(rule, &r, &f);
        if (f.rule == NULL)
            continue;
        if (f.nev > 1) /* qsort(NULL, 0, ...) is undefined */
            qsort(f.ev, f.nev, sizeof(*f.ev), cmp_evidence);
        if (vm->unknown) /* an inventory's VM: its .vmx was written here, its lines are no file's */
            for (size_t k = 0; k < f.nev; k++)
                f.ev[k].line = 0;
        XGROW(out->v, out->cap, out->n + 1);
        out->v[out->n++] = f;
    }
}

void
findings_move(struct findings *to, struct findings *from)
{
    XGROW(to->v, to->cap, to->n + from->n);
    if (from->n) /* memcpy from NULL is undefined even for 0 bytes */
        memcpy(to->v + to->n, from->v, from->n * sizeof(*from->v));
    to->n += from->n;
    free(from->v);
    *from = (struct findings)FINDINGS_INIT;
}

void
finding_release(struct finding *f)
{
    free(f->subject);
    free(f->name);
    free(f->fix_note);
    for (size_t k = 0; k < f->ndevices; k++)
        free(f->devices[k]);
    free(f->devices);
    for (size_t k = 0; k < f->nev; k++) {
        free(f->ev[k].text);
        free(f->ev[k].source);
        free(f->ev[k].decoded);
    }
    free(f->ev);
    for (int i = 0; i < INV__COUNT; i++) {
        for (size_t k = 0; k < f->involved[i].n; k++)
            free(f->involved[i].v[k]);
        free(f->involved[i].v);
    }
    for (size_t k = 0; k < f->nfixes; k++)
        free(f->fixes[k].text);
    free(f->fixes);
    for (size_t k = 0; k < f->nscripts; k++)
        free(f->scripts[k].text);
    free(f->scripts);
    for (size_t k = 0; k < f->nrel; k++) {
        free(f->rel[k].subject);
        free(f->rel[k].rule);
    }
    free(f->rel);
}

void
findings_release(struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        finding_release(&fs->v[i]);
    free(fs->v);
    *fs = (struct findings)FINDINGS_INIT;
}

int
findings_max_level(const struct findings *fs)
{
    int max = -1;
    for (size_t i = 0; i < fs->n; i++)
        if ((int)fs->v[i].level > max)
            max = (int)fs->v[i].level;
    return max;
}

/* Puts each VM that a related rule of `f` found in f->rel, once, with the
 * first related rule (in the rule's order) that names it. */
void
findings_link_related(struct finding *f, const struct finding *vmf, size_t n)
{
    for (size_t k = 0; k < f->rule->nrelated; k++)
        for (size_t i = 0; i < n; i++) {
            const struct finding *g = &vmf[i];
            if (strcmp(g->rule->id, f->rule->related[k]) != 0)
                continue;
            bool listed = false;
            for (size_t r = 0; r < f->nrel && !listed; r++)
                listed = strcmp(f->rel[r].subject, g->subject) == 0;
            if (listed)
                continue;
            f->rel = xreallocarray(f->rel, f->nrel + 1, sizeof(*f->rel));
            f->rel[f->nrel++] = (struct related){xstrdup(g->subject), xstrdup(g->rule->id)};
        }
}
