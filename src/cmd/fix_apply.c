/* fix_apply: `vmtriage fix --apply|--dry-run [--only RULE]... PATH...` and
 * `vmtriage fix --undo JOURNAL`: the .vmx changes of the findings, made
 * safely (fix_safe.c), and undone.
 *
 * A run checks everything before it writes anything: every .vmx to change is
 * read, parsed, edited in memory (src/parse/vmx/vmx_edit.c) and checked for a
 * running VM; any error or refusal stops the run with nothing written. Then,
 * file by file: backup, temporary file, journal, re-check, rename. */
#include "cmd/fix_parts.h"
#include "cmd/fix_safe.h"
#include "parse/vmx/vmx_edit.h"
#include "parse/vmx/vmx_parse.h"
#include "record/vm.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "util/util_quote.h"
#include "util/util_term.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* One .vmx to change: the sets of its findings' fixes. */
struct target {
    char *path; /* owned */
    struct vmx_set *sets;
    size_t nsets, cap;
    char **owned; /* the keys and values of sets (owned) */
    size_t nowned, owned_cap;
    char **rules; /* the rules whose fixes these are (borrowed ids) */
    size_t nrules, rules_cap;
    /* Filled by the check. */
    char *data;
    size_t len;
    struct stat st;
    char before[SHA_HEX], after[SHA_HEX];
    struct vmx_edit edit;
    long vmid;
};

struct plan {
    const struct ruleset *rules; /* borrowed */
    const struct vt_opts *o;     /* borrowed */
    struct target *v;
    size_t n, cap;
    struct buf skipped; /* "not applied: ..." lines */
    int errors;
};

static void
err_line(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
err_line(struct plan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_verror(fmt, ap);
    va_end(ap);
    p->errors++;
}

static struct target *
target_of(struct plan *p, const char *path)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].path, path) == 0)
            return &p->v[i];
    XGROW(p->v, p->cap, p->n + 1);
    struct target *t = &p->v[p->n++];
    memset(t, 0, sizeof(*t));
    t->path = xstrdup(path);
    t->edit = (struct vmx_edit)VMX_EDIT_INIT;
    t->vmid = -1;
    return t;
}

static void
target_own(struct target *t, char *s)
{
    XGROW(t->owned, t->owned_cap, t->nowned + 1);
    t->owned[t->nowned++] = s;
}

static void
target_set(struct target *t, char *key, char *value)
{
    target_own(t, key);
    if (value)
        target_own(t, value);
    XGROW(t->sets, t->cap, t->nsets + 1);
    t->sets[t->nsets++] = (struct vmx_set){key, value};
}

/* As target_set, but a change of the same key already planned takes the new
 * value instead of being added (settle: a later round knows better). */
static void
target_reset(struct target *t, char *key, char *value)
{
    for (size_t i = 0; i < t->nsets; i++)
        if (strcasecmp(t->sets[i].key, key) == 0) {
            target_own(t, key);
            if (value)
                target_own(t, value);
            t->sets[i].value = value;
            return;
        }
    target_set(t, key, value);
}

static void
target_release(struct target *t)
{
    for (size_t i = 0; i < t->nowned; i++)
        free(t->owned[i]);
    free(t->owned);
    free(t->sets);
    free(t->rules);
    free(t->path);
    free(t->data);
    vmx_edit_release(&t->edit);
}

static bool
only_wants(const struct vt_opts *o, const char *rule)
{
    if (o->nonly == 0)
        return true;
    for (size_t i = 0; i < o->nonly; i++)
        if (strcmp(o->only[i], rule) == 0)
            return true;
    return false;
}

/* The text of the finding's fix for `tool`, or NULL. */
static const char *
fix_text(const struct finding *f, const char *tool)
{
    const struct fix *x = finding_fix(f, tool);
    return x ? x->text : NULL;
}

/* Reads a finding's `vmx` and `vmx_remove` fixes into `t`. Returns the
 * number of changes, 0 when it has none, -1 when a line is not a plain
 * `key = value` (the fix is a manual step); *bad names that line. */
static int
finding_sets(const struct finding *f, struct target *t, char *bad, size_t badlen)
{
    struct {
        char *k, *v;
    } tmp[64];
    size_t n = 0;
    int rc = 0;
    const char *text = fix_text(f, "vmx");
    for (const char *l = text; l && *l && rc == 0;) {
        const char *eol = strchr(l, '\n');
        size_t len = eol ? (size_t)(eol - l) : strlen(l);
        char *k, *v;
        int r = vmx_edit_parse_line(l, len, &k, &v);
        if (r < 0 || (r > 0 && n == sizeof(tmp) / sizeof(tmp[0]))) {
            snprintf(bad, badlen, "%.*s", (int)(len > 120 ? 120 : len), l);
            free(k);
            free(v);
            rc = -1;
        } else if (r > 0) {
            tmp[n].k = k;
            tmp[n++].v = v;
        }
        l += len + (eol != NULL);
    }
    const char *rm = fix_text(f, "vmx_remove");
    for (const char *l = rm; l && *l && rc == 0;) {
        const char *eol = strchr(l, '\n');
        size_t len = eol ? (size_t)(eol - l) : strlen(l);
        size_t s = 0, e = len;
        while (s < e && (l[s] == ' ' || l[s] == '\t'))
            s++;
        while (e > s && (l[e - 1] == ' ' || l[e - 1] == '\t' || l[e - 1] == '\r'))
            e--;
        if (e > s && l[s] != '#') {
            if (!vmx_key_ok(l + s, e - s) || n == sizeof(tmp) / sizeof(tmp[0])) {
                snprintf(bad, badlen, "%.*s", (int)(len > 120 ? 120 : len), l);
                rc = -1;
            } else {
                tmp[n].k = xstrndup(l + s, e - s);
                tmp[n++].v = NULL;
            }
        }
        l += len + (eol != NULL);
    }
    if (rc < 0) {
        for (size_t i = 0; i < n; i++) {
            free(tmp[i].k);
            free(tmp[i].v);
        }
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        target_set(t, tmp[i].k, tmp[i].v);
    return (int)n;
}

static int
cmp_target(const void *a, const void *b)
{
    return strcmp(((const struct target *)a)->path, ((const struct target *)b)->path);
}

/* Prints a diff, escaped for the terminal line by line. */
static void
print_diff(const struct buf *d)
{
    const char *p = d->p;
    for (size_t i = 0; p && i < d->len;) {
        const char *nl = memchr(p + i, '\n', d->len - i);
        size_t n = nl ? (size_t)(nl - (p + i)) : d->len - i;
        struct buf b = BUF_INIT;
        term_escape_n(&b, p + i, n);
        fwrite(b.p ? b.p : "", 1, b.len, stdout);
        fputc('\n', stdout);
        buf_release(&b);
        i += n + 1;
    }
}

/* Fixes can depend on each other: the memory reservation one writes the
 * VM's memory size, which the memory size one changes. So the edited text is
 * audited again, and a fix whose key would now get another value than the
 * edit gave it is planned again with that value, until nothing changes (at
 * most SETTLE_ROUNDS rounds): one run leaves what a second run would leave.
 * Returns how many changes a round added or altered. */
#define SETTLE_ROUNDS 4
static size_t
settle_round(const struct plan *p, struct target *t)
{
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = vmx_parse(t->edit.out.p ? t->edit.out.p : "", t->edit.out.len, t->path, &d);
    diags_release(&d);
    if (doc == NULL)
        return 0;
    struct findings fs = FINDINGS_INIT;
    struct record_ctx ctx = {.profile_nested = p->o->profile_nested};
    struct vm *vm = vm_from_vmx(doc, t->path); /* owns doc */
    audit_vm(p->rules, vm, &ctx, &fs);
    size_t altered = 0;
    for (size_t i = 0; i < fs.n; i++) {
        if (!only_wants(p->o, fs.v[i].rule->id))
            continue;
        struct target tmp = {0};
        char bad[160];
        if (finding_sets(&fs.v[i], &tmp, bad, sizeof(bad)) > 0)
            for (size_t k = 0; k < tmp.nsets; k++) {
                const char *now = vmx_get(vm->doc, tmp.sets[k].key);
                const char *want = tmp.sets[k].value;
                if ((want == NULL) == (now == NULL) && (want == NULL || strcmp(now, want) == 0))
                    continue; /* the edit gives it already */
                target_reset(t, xstrdup(tmp.sets[k].key), want ? xstrdup(want) : NULL);
                altered++;
            }
        target_release(&tmp);
    }
    vm_free(vm);
    findings_release(&fs);
    return altered;
}

/* Reads and checks one target, and edits it in memory. Returns 0 with
 * t->edit set (t->edit.changed may be 0), or -1 after printing the error. */
static int
check_target(struct plan *p, struct target *t)
{
    char err[ERR_MAX];
    if (safe_read(t->path, VMX_MAX_BYTES, &t->data, &t->len, &t->st, err) != 0) {
        err_line(p, "%s: %s; not changed", t->path, err);
        return -1;
    }
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = vmx_parse(t->data, t->len, t->path, &d);
    int rc = 0;
    const struct vmx_entry *enc = doc ? vmx_doc_encrypted(doc) : NULL;
    if (doc == NULL || diags_count(&d, DIAG_ERROR) > 0) {
        const struct diag *e = d.n ? &d.v[0] : NULL;
        err_line(p, "%s:%lu: %s; not changed (vmtriage edits only a .vmx it reads without error)",
                 t->path, e ? e->line : 0UL, e ? e->message : "cannot be read");
        rc = -1;
    } else if (enc) {
        err_line(p, "%s:%lu: encrypted VM configuration (%s): not changed (edit it in the vSphere "
                    "Client)",
                 t->path, enc->line, enc->key);
        rc = -1;
    } else if (!vmx_doc_is_vmware(doc)) {
        err_line(p, "%s: not a VMware configuration (%s); not changed", t->path,
                 vmx_doc_not_vmware_reason(doc));
        rc = -1;
    }
    vmx_doc_free(doc);
    diags_release(&d);
    if (rc != 0)
        return rc;
    for (int round = 0;; round++) {
        if (vmx_edit_apply(t->data, t->len, t->sets, t->nsets, &t->edit) != 0) {
            if (t->edit.at)
                err_line(p, "%s:%lu: %s; not changed", t->path, t->edit.at, t->edit.why);
            else
                err_line(p, "%s: %s; not changed", t->path, t->edit.why);
            return -1;
        }
        if (t->edit.changed == 0 || round == SETTLE_ROUNDS || settle_round(p, t) == 0)
            break;
        vmx_edit_release(&t->edit);
        t->edit = (struct vmx_edit)VMX_EDIT_INIT;
    }
    sha256_hex(t->data, t->len, t->before);
    sha256_hex(t->edit.out.p ? t->edit.out.p : "", t->edit.out.len, t->after);
    /* Nothing is written anywhere unless every folder to write in takes it
     * (a read-only file system, a folder without write permission). */
    char *slash = strrchr(t->path, '/');
    char *dir = slash ? xstrndup(t->path, slash == t->path ? 1 : (size_t)(slash - t->path))
                      : xstrdup(".");
    if (t->edit.changed > 0 && access(dir, W_OK) != 0) {
        err_line(p, "%s: its folder cannot be written (%s); not changed", t->path,
                 strerror(errno));
        free(dir);
        return -1;
    }
    free(dir);
    return 0;
}

static void
running_refusal(struct plan *p, const char *path, const char *why, long vmid)
{
    if (vmid >= 0)
        err_line(p,
                 "%s: refused: the VM looks powered on: %s; power it off first (vSphere Client: "
                 "Power > Shut Down Guest OS; ESXi shell: vim-cmd vmsvc/power.shutdown %ld), then "
                 "run vmtriage again",
                 path, why, vmid);
    else
        err_line(p,
                 "%s: refused: the VM looks powered on: %s; shut the guest down (vSphere Client: "
                 "Power > Shut Down Guest OS, or from inside the guest), check that it is off, "
                 "then run vmtriage again",
                 path, why);
}

/* Builds the plan from the findings of `scan` over the operands. */
static void
plan_build(struct cmd_ctx *c, struct plan *p)
{
    const struct vt_opts *o = &c->o;
    struct findings fs = FINDINGS_INIT;
    struct diags d = DIAGS_INIT;
    scan_paths(c->args, c->nargs, &c->rules, o, &fs, &d);
    for (size_t i = 0; i < d.n; i++) {
        const struct diag *g = &d.v[i];
        if (g->level != DIAG_ERROR)
            continue;
        if (g->line)
            err_line(p, "%s:%lu: %s", g->path ? g->path : "", g->line, g->message);
        else
            err_line(p, "%s: %s", g->path ? g->path : "", g->message);
    }
    /* A .vmx the user named that scan did not audit (encrypted, not a VM) is an error here. */
    for (size_t i = 0; i < c->nargs; i++) {
        struct stat st;
        if (stat(c->args[i], &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        struct target probe = {.path = c->args[i], .edit = VMX_EDIT_INIT};
        char err[ERR_MAX];
        if (safe_read(probe.path, VMX_MAX_BYTES, &probe.data, &probe.len, &probe.st, err) != 0)
            continue; /* scan said so */
        struct diags pd = DIAGS_INIT;
        struct vmx_doc *doc = vmx_parse(probe.data, probe.len, probe.path, &pd);
        const struct vmx_entry *enc = doc ? vmx_doc_encrypted(doc) : NULL;
        if (enc)
            err_line(p,
                     "%s:%lu: encrypted VM configuration (%s): its settings are in the encrypted "
                     "data; not changed (edit it in the vSphere Client)",
                     probe.path, enc->line, enc->key);
        else if (doc && !vmx_doc_is_vmware(doc))
            err_line(p, "%s: not a VMware configuration (%s); not changed", probe.path,
                     vmx_doc_not_vmware_reason(doc));
        vmx_doc_free(doc);
        diags_release(&pd);
        free(probe.data);
    }
    for (size_t i = 0; i < fs.n; i++) {
        const struct finding *f = &fs.v[i];
        const char *id = f->rule->id;
        if (!only_wants(o, id))
            continue;
        struct target *t = target_of(p, f->subject);
        char bad[160] = "";
        size_t before = t->nsets;
        int r = finding_sets(f, t, bad, sizeof(bad));
        if (r < 0) {
            buf_addf(&p->skipped, "not applied: %s on %s: its .vmx fix is not a plain key = value "
                                  "change ('%s'): a manual step (see `vmtriage fix` for the plan)\n",
                     id, f->subject, bad);
        } else if (r == 0) {
            buf_addf(&p->skipped,
                     "not applied: %s on %s: no .vmx change (see `vmtriage fix` for the plan)\n",
                     id, f->subject);
        } else {
            XGROW(t->rules, t->rules_cap, t->nrules + 1);
            t->rules[t->nrules++] = (char *)id;
        }
        (void)before;
    }
    /* Targets with no change (every finding a manual step) drop out. */
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->v[i].nsets == 0)
            target_release(&p->v[i]);
        else
            p->v[k++] = p->v[i];
    }
    p->n = k;
    if (p->n > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(p->v, p->n, sizeof(*p->v), cmp_target);
    findings_release(&fs);
    diags_release(&d);
}

static void
list_rules(struct buf *b, const struct target *t)
{
    for (size_t i = 0; i < t->nrules; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(t->rules[i], t->rules[j]) == 0;
        if (!seen)
            buf_addf(b, "%s%s", b->len ? ", " : "", t->rules[i]);
    }
}

/* Replaces one file; records it in the journal first. Returns 0, or -1
 * after printing what state the file is in. */
static int
apply_one(struct plan *p, struct journal *j, struct target *t, char **backup_out)
{
    char err[ERR_MAX];
    char *backup = backup_write(t->path, &t->st, t->data, t->len, err);
    if (backup == NULL) {
        err_line(p, "%s: %s; not changed", t->path, err);
        return -1;
    }
    *backup_out = backup;
    char abs[4096], absb[4096];
    if (realpath(t->path, abs) == NULL)
        snprintf(abs, sizeof(abs), "%s", t->path);
    if (realpath(backup, absb) == NULL)
        snprintf(absb, sizeof(absb), "%s", backup);
    struct replace r;
    if (replace_prepare(&r, t->path, &t->st, t->edit.out.p, t->edit.out.len, err) != 0) {
        replace_release(&r);
        err_line(p, "%s: %s; not changed (backup %s)", t->path, err, backup);
        return -1;
    }
    XGROW(j->v, j->cap, j->n + 1);
    struct jrec *rec = &j->v[j->n++];
    *rec = (struct jrec){.state = J_PENDING, .path = xstrdup(abs), .backup = xstrdup(absb)};
    memcpy(rec->before, t->before, SHA_HEX);
    memcpy(rec->after, t->after, SHA_HEX);
    if (journal_write(j, err) != 0) {
        replace_release(&r);
        free(j->v[j->n - 1].path);
        free(j->v[j->n - 1].backup);
        j->n--;
        err_line(p, "%s: %s; not changed (backup %s)", t->path, err, backup);
        return -1;
    }
    int rc = replace_commit(&r, t->before, err);
    replace_release(&r);
    if (rc == -1) {
        j->v[j->n - 1].state = J_FAILED;
        char e2[ERR_MAX];
        (void)journal_write(j, e2);
        err_line(p, "%s: %s; not changed (backup %s)", t->path, err, backup);
        return -1;
    }
    if (rc == -2) {
        err_line(p,
                 "%s: changed, but %s: a crash now could lose the change; `vmtriage fix --undo "
                 "%s` restores the old file",
                 t->path, err, j->path);
        return -1;
    }
    j->v[j->n - 1].state = J_DONE;
    if (journal_write(j, err) != 0) {
        err_line(p, "%s: changed, but the journal says 'pending': %s (--undo still restores it)",
                 t->path, err);
        return -1;
    }
    return 0;
}

static void
say_reload(const struct vt_opts *o, struct plan *p, const struct target *t)
{
    if (t->vmid < 0 || vim_cmd_path() == NULL)
        return;
    if (o->reload) {
        char err[ERR_MAX];
        int rc = vim_reload(t->vmid, err);
        if (rc == 0)
            term_printf(stdout, "reloaded: %s (vim-cmd vmsvc/reload %ld)\n", t->path, t->vmid);
        else if (rc < 0)
            err_line(p, "%s: %s", t->path, err);
        else
            err_line(p, "%s: vim-cmd vmsvc/reload %ld exited with status %d", t->path, t->vmid,
                     rc);
        return;
    }
    term_printf(stdout, "next: vim-cmd vmsvc/reload %ld    # so that hostd rereads %s\n", t->vmid,
                t->path);
}

static int
apply_run(struct cmd_ctx *c)
{
    const struct vt_opts *o = &c->o;
    if (c->nargs == 0) {
        cli_error("fix --apply and --dry-run need at least one .vmx file or datastore folder");
        return VT_EXIT_UNKNOWN;
    }
    for (size_t i = 0; i < o->nonly; i++)
        if (rules_find(&c->rules, o->only[i]) == NULL) {
            cli_error("--only %s: no such rule (vmtriage rules list)", o->only[i]);
            return VT_EXIT_UNKNOWN;
        }
    struct plan p = {.rules = &c->rules, .o = o};
    plan_build(c, &p);
    size_t nchange = 0;
    for (size_t i = 0; i < p.n; i++) {
        struct target *t = &p.v[i];
        if (check_target(&p, t) != 0 || t->edit.changed == 0)
            continue;
        char why[ERR_MAX];
        if (vm_running(t->path, why, sizeof(why), &t->vmid)) {
            running_refusal(&p, t->path, why, t->vmid);
            continue;
        }
        nchange++;
    }
    /* The diffs, then what is already so and what is not applied. */
    for (size_t i = 0; i < p.n; i++) {
        struct target *t = &p.v[i];
        struct buf d = BUF_INIT;
        vmx_edit_diff(&t->edit, t->data, t->path, t->path, &d);
        print_diff(&d);
        buf_release(&d);
    }
    for (size_t i = 0; i < p.n; i++) {
        struct target *t = &p.v[i];
        if (t->data && t->edit.changed == 0 && t->edit.why[0] == '\0') {
            struct buf r = BUF_INIT;
            list_rules(&r, t);
            term_printf(stdout, "already applied: %s (%s)\n", t->path, r.p ? r.p : "");
            buf_release(&r);
        }
    }
    print_diff(&p.skipped);
    int status = VT_EXIT_OK;
    if (p.errors) {
        err_line(&p, "nothing written: %d problem%s above", p.errors, p.errors == 1 ? "" : "s");
        status = VT_EXIT_UNKNOWN;
    } else if (o->dry_run) {
        printf("dry run: %zu file%s would change; nothing written\n", nchange,
               nchange == 1 ? "" : "s");
    } else if (nchange == 0) {
        printf("nothing to change\n");
    } else {
        struct journal j = {0};
        char err[ERR_MAX];
        if (journal_create(&j, err) != 0) {
            err_line(&p, "%s; nothing written", err);
            status = VT_EXIT_UNKNOWN;
        }
        for (size_t i = 0; i < p.n && status == VT_EXIT_OK; i++) {
            struct target *t = &p.v[i];
            if (t->edit.changed == 0)
                continue;
            char *backup = NULL;
            if (apply_one(&p, &j, t, &backup) != 0) {
                status = VT_EXIT_UNKNOWN;
            } else {
                term_printf(stdout, "changed: %s (backup %s)\n", t->path, backup);
                say_reload(o, &p, t);
            }
            free(backup);
        }
        if (j.path) {
            term_printf(stdout, "journal: %s (undo: vmtriage fix --undo ", j.path);
            struct buf q = BUF_INIT;
            if (quote_sh(&q, j.path))
                term_printf(stdout, "%s)\n", q.p);
            else
                term_printf(stdout, "%s)\n", "JOURNAL");
            buf_release(&q);
        }
        if (status != VT_EXIT_OK && j.path)
            err_line(&p, "stopped; the files changed so far are in the journal %s", j.path);
        journal_release(&j);
    }
    for (size_t i = 0; i < p.n; i++)
        target_release(&p.v[i]);
    free(p.v);
    buf_release(&p.skipped);
    return status;
}

/* Restores one journal record; returns 0 (restored or skipped) or -1 after
 * printing the refusal. */
static int
undo_one(struct plan *p, const struct journal *j, const struct jrec *r)
{
    char err[ERR_MAX], h[SHA_HEX];
    char *cur = NULL, *old = NULL;
    size_t clen, olen;
    struct stat st, bst;
    if (safe_read(r->path, VMX_MAX_BYTES, &cur, &clen, &st, err) != 0) {
        err_line(p, "%s:%lu: %s: %s; not restored", j->path, r->line, r->path, err);
        return -1;
    }
    sha256_hex(cur, clen, h);
    free(cur);
    if (strcmp(h, r->before) == 0) {
        term_printf(stdout, "unchanged: %s is as it was before the apply (%s); skipped\n", r->path,
                    r->state == J_DONE ? "already undone" : "the apply did not replace it");
        return 0;
    }
    if (strcmp(h, r->after) != 0) {
        err_line(p,
                 "%s: changed since the apply (its SHA-256 is neither the one the apply wrote nor "
                 "the one before): not restored; its backup is %s",
                 r->path, r->backup);
        return -1;
    }
    char why[ERR_MAX];
    long vmid;
    if (vm_running(r->path, why, sizeof(why), &vmid)) {
        running_refusal(p, r->path, why, vmid);
        return -1;
    }
    if (safe_read(r->backup, VMX_MAX_BYTES, &old, &olen, &bst, err) != 0) {
        err_line(p, "%s: backup %s: %s; not restored", r->path, r->backup, err);
        return -1;
    }
    sha256_hex(old, olen, h);
    if (strcmp(h, r->before) != 0) {
        free(old);
        err_line(p, "%s: its backup %s changed since the apply (SHA-256 differs): not restored",
                 r->path, r->backup);
        return -1;
    }
    struct replace rp;
    int rc = replace_prepare(&rp, r->path, &st, old, olen, err);
    if (rc == 0)
        rc = replace_commit(&rp, r->after, err);
    replace_release(&rp);
    free(old);
    if (rc == -1) {
        err_line(p, "%s: %s; not restored", r->path, err);
        return -1;
    }
    if (rc == -2) {
        err_line(p, "%s: restored, but %s", r->path, err);
        return -1;
    }
    term_printf(stdout, "restored: %s (from %s)\n", r->path, r->backup);
    if (vmid >= 0)
        term_printf(stdout, "next: vim-cmd vmsvc/reload %ld    # so that hostd rereads %s\n", vmid,
                    r->path);
    return 0;
}

static int
undo_run(struct cmd_ctx *c)
{
    if (c->nargs != 1) {
        cli_error("fix --undo takes one journal (the file `fix --apply` printed)");
        return VT_EXIT_UNKNOWN;
    }
    struct journal j = {0};
    char err[ERR_MAX];
    if (journal_read(&j, c->args[0], err) != 0) {
        cli_error("%s", err);
        journal_release(&j);
        return VT_EXIT_UNKNOWN;
    }
    struct plan p = {0};
    if (j.n == 0)
        term_printf(stdout, "nothing to undo: %s records no change\n", j.path);
    for (size_t i = j.n; i-- > 0;)
        (void)undo_one(&p, &j, &j.v[i]);
    journal_release(&j);
    return p.errors ? VT_EXIT_UNKNOWN : VT_EXIT_OK;
}

int
fix_apply_run(struct cmd_ctx *c)
{
    return c->o.undo ? undo_run(c) : apply_run(c);
}
