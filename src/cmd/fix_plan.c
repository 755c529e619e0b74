/* fix_plan: the plan half of `vmtriage fix`: every finding of the inputs
 * (VMs, datastores, support bundles, a vCenter, or a saved JSON report
 * re-audited) grouped by action, worst first, printed as text or JSON for a
 * person, or as one script for PowerCLI, govc, the ESXi shell or Ansible.
 *
 * A script holds, per finding, the rule's plan script for that tool (rendered
 * per VM when the rules ran, every value quoted by util_quote); a finding
 * without one is written as comments (a manual step), never dropped. What the
 * scripts do is data of the rules; this file only orders, frames and
 * comments them: the header, the tool's dry-run switch and the helpers the
 * rule scripts call (vt_run, vt_off, vt_on, vt_get, vt_set, vt_vmid,
 * Stop-VtVM). */
#include "cmd/fix_parts.h"
#include "source/inventory.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "util/util_quote.h"
#include "util/util_term.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum emit { EMIT_TEXT, EMIT_POWERCLI, EMIT_GOVC, EMIT_ESXI, EMIT_ANSIBLE };

static const struct {
    const char *name; /* --emit */
    const char *tool; /* the rules' tool key */
    const char *what; /* for the header */
} emits[] = {
    {"text", NULL, NULL},
    {"powercli", "powercli", "PowerShell script for VMware PowerCLI"},
    {"govc", "govc", "POSIX sh script for govc"},
    {"esxi-shell", "esxi_shell", "POSIX sh script for the ESXi shell (vim-cmd, .vmx edits)"},
    {"ansible", "ansible", "Ansible playbook (community.vmware modules)"},
};

/* One action: the findings of the rules that share a plan action (or of one
 * rule without a plan), worst first. */
struct group {
    const char *key;         /* plan action, or the rule's id */
    const struct rule *rule; /* the worst finding's rule: its plan and words */
    enum level level;
    const struct finding **v;
    size_t n, cap;
    size_t subjects; /* distinct subjects */
};

struct plan {
    struct group *g;
    size_t n, cap;
};

static const char *
group_key(const struct rule *r)
{
    return r->plan ? r->plan->action : r->id;
}

static int
cmp_finding(const void *a, const void *b)
{
    const struct finding *x = *(const struct finding *const *)a;
    const struct finding *y = *(const struct finding *const *)b;
    if (x->level != y->level)
        return x->level > y->level ? -1 : 1;
    int c = strcmp(x->subject, y->subject);
    return c ? c : strcmp(x->rule->id, y->rule->id);
}

static int
cmp_group(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->level != y->level)
        return x->level > y->level ? -1 : 1;
    if (x->subjects != y->subjects)
        return x->subjects > y->subjects ? -1 : 1;
    return strcmp(x->key, y->key);
}

static void
plan_build(struct plan *p, const struct findings *fs, int min_level)
{
    for (size_t i = 0; i < fs->n; i++) {
        const struct finding *f = &fs->v[i];
        if ((int)f->level < min_level)
            continue;
        const char *key = group_key(f->rule);
        struct group *g = NULL;
        for (size_t k = 0; k < p->n && g == NULL; k++)
            if (strcmp(p->g[k].key, key) == 0)
                g = &p->g[k];
        if (g == NULL) {
            XGROW(p->g, p->cap, p->n + 1);
            g = &p->g[p->n++];
            *g = (struct group){.key = key, .rule = f->rule, .level = f->level};
        }
        XGROW(g->v, g->cap, g->n + 1);
        g->v[g->n++] = f;
    }
    for (size_t k = 0; k < p->n; k++) {
        struct group *g = &p->g[k];
        qsort(g->v, g->n, sizeof(*g->v), cmp_finding);
        g->level = g->v[0]->level;
        g->rule = g->v[0]->rule;
        for (size_t i = 0; i < g->n; i++) {
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++)
                seen = strcmp(g->v[j]->subject, g->v[i]->subject) == 0;
            g->subjects += !seen;
        }
    }
    if (p->n > 1)
        qsort(p->g, p->n, sizeof(*p->g), cmp_group);
}

static void
plan_release(struct plan *p)
{
    for (size_t k = 0; k < p->n; k++)
        free(p->g[k].v);
    free(p->g);
}

/* The finding's plan script for `tool`, or NULL. */
static const struct fix *
script_of(const struct finding *f, const char *tool, size_t *from)
{
    for (size_t k = *from; k < f->nscripts; k++)
        if (strcmp(f->scripts[k].tool, tool) == 0) {
            *from = k + 1;
            return &f->scripts[k];
        }
    return NULL;
}

static bool
has_script(const struct finding *f, const char *tool)
{
    size_t k = 0;
    const struct fix *s = script_of(f, tool, &k);
    return s != NULL && !s->refused;
}

/* Whether some finding of the group has a script for each tool: bits by emit. */
static unsigned
group_tools(const struct group *g)
{
    unsigned bits = 0;
    for (size_t e = EMIT_POWERCLI; e <= EMIT_ANSIBLE; e++)
        for (size_t i = 0; i < g->n; i++)
            if (has_script(g->v[i], emits[e].tool))
                bits |= 1u << e;
    return bits;
}

/* The references of the group's rules, each once: an owned array of borrowed strings. */
static size_t
group_refs(const struct group *g, const char ***out)
{
    size_t n = 0, cap = 0;
    const char **v = NULL;
    for (size_t i = 0; i < g->n; i++) {
        const struct rule *r = g->v[i]->rule;
        for (size_t k = 0; k < r->nrefs; k++) {
            bool seen = false;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(v[j], r->refs[k]) == 0;
            if (!seen) {
                XGROW(v, cap, n + 1);
                v[n++] = r->refs[k];
            }
        }
    }
    *out = v;
    return n;
}

/* A finding's fix for a person: the vSphere Client's words, else the first tool's. */
static const struct fix *
manual_fix(const struct finding *f, const char *tool)
{
    const struct fix *x = tool ? finding_fix(f, tool) : NULL;
    if (x == NULL)
        x = finding_fix(f, "vsphere_client");
    return x ? x : f->nfixes ? &f->fixes[0] : NULL;
}

/* ---- text ---- */

static void
print_subject(FILE *fp, const struct finding *f)
{
    term_printf(fp, "     %s%s%s%s  [%s, %s", f->name ? f->name : "", f->name ? " (" : "",
                f->subject, f->name ? ")" : "", f->rule->id, level_name(f->level));
    for (size_t d = 0; d < f->ndevices; d++)
        term_printf(fp, "%s%s", d ? " " : "; ", f->devices[d]);
    term_printf(fp, "]\n");
    for (size_t k = 0; k < f->nrel; k++)
        term_printf(fp, "       carries its trigger: %s (%s)\n", f->rel[k].subject,
                    f->rel[k].rule);
}

static void
text_plan(FILE *fp, const struct plan *p, const struct findings *fs)
{
    size_t scripted = 0;
    for (size_t k = 0; k < p->n; k++)
        scripted += group_tools(&p->g[k]) != 0;
    size_t nf = 0;
    for (size_t k = 0; k < p->n; k++)
        nf += p->g[k].n;
    term_printf(fp,
                "vmtriage fix: %zu finding%s, %zu action%s (%zu with a script step, %zu "
                "manual)\n",
                nf, nf == 1 ? "" : "s", p->n, p->n == 1 ? "" : "s", scripted, p->n - scripted);
    (void)fs;
    if (p->n == 0)
        term_printf(fp, "\nNothing to do: no finding at the chosen level.\n");
    for (size_t k = 0; k < p->n; k++) {
        const struct group *g = &p->g[k];
        const struct rule_plan *pl = g->rule->plan;
        unsigned tools = group_tools(g);
        const char **refs;
        size_t nrefs = group_refs(g, &refs);
        term_printf(fp, "\n%zu. [%s] %s%s (%zu subject%s", k + 1, level_name(g->level),
                    tools ? "" : "Manual: ", pl ? pl->action : g->rule->title, g->subjects,
                    g->subjects == 1 ? "" : "s");
        if (nrefs)
            term_printf(fp, "; %s", refs[0]);
        term_printf(fp, ")\n");
        if (pl == NULL)
            term_printf(fp, "   Finding: %s\n", g->rule->id);
        for (size_t i = 0; i < g->n; i++)
            print_subject(fp, g->v[i]);
        if (pl && pl->before)
            term_printf(fp, "   First:\n"), term_print_lines(fp, "     ", pl->before);
        if (pl && pl->guest_impact)
            term_printf(fp, "   What changes for the guest:\n"),
                term_print_lines(fp, "     ", pl->guest_impact);
        if (pl && pl->nsteps) {
            term_printf(fp, "   Order:\n");
            for (size_t s = 0; s < pl->nsteps; s++)
                term_printf(fp, "     %zu. %s\n", s + 1, pl->steps[s]);
        }
        if (!tools || pl == NULL || pl->nsteps == 0) {
            const struct fix *m = manual_fix(g->v[0], NULL);
            if (m) {
                term_printf(fp, "   What to do (%s, shown for %s):\n", m->tool,
                            g->v[0]->name ? g->v[0]->name : g->v[0]->subject);
                term_print_lines(fp, "     ", m->text);
            }
        }
        if (nrefs) {
            term_printf(fp, "   Sources: ");
            for (size_t r = 0; r < nrefs; r++)
                term_printf(fp, "%s%s", r ? "; " : "", refs[r]);
            term_printf(fp, "\n");
        }
        free(refs);
        if (tools) {
            term_printf(fp, "   Scripts: vmtriage fix --emit");
            bool first = true;
            for (size_t e = EMIT_POWERCLI; e <= EMIT_ANSIBLE; e++)
                if (tools & (1u << e)) {
                    term_printf(fp, "%s%s", first ? " " : "|", emits[e].name);
                    first = false;
                }
            term_printf(fp, "\n");
        }
    }
}

static void
json_plan(FILE *fp, const struct plan *p, const struct diags *d)
{
    struct buf b = BUF_INIT;
    struct json j;
    json_init(&j, &b);
    json_obj(&j);
    json_kv_int(&j, "schema", REPORT_SCHEMA);
    json_kv_str(&j, "command", "fix");
    json_kv_str(&j, "vmtriage", VT_VERSION);
    json_key(&j, "actions");
    json_arr(&j);
    for (size_t k = 0; k < p->n; k++) {
        const struct group *g = &p->g[k];
        const struct rule_plan *pl = g->rule->plan;
        json_obj(&j);
        json_kv_str(&j, "action", pl ? pl->action : g->rule->title);
        json_kv_str(&j, "level", level_name(g->level));
        unsigned tools = group_tools(g);
        json_key(&j, "scripts");
        json_arr(&j);
        for (size_t e = EMIT_POWERCLI; e <= EMIT_ANSIBLE; e++)
            if (tools & (1u << e))
                json_str(&j, emits[e].name);
        json_arr_end(&j);
        json_kv_str(&j, "before", pl ? pl->before : NULL);
        json_kv_str(&j, "guest_impact", pl ? pl->guest_impact : NULL);
        json_kv_strs(&j, "steps", pl ? pl->steps : NULL, pl ? pl->nsteps : 0);
        const char **refs;
        size_t nrefs = group_refs(g, &refs);
        json_kv_strs(&j, "references", (char *const *)refs, nrefs);
        free(refs);
        json_key(&j, "findings");
        json_arr(&j);
        for (size_t i = 0; i < g->n; i++) {
            const struct finding *f = g->v[i];
            json_obj(&j);
            json_kv_str(&j, "rule", f->rule->id);
            json_kv_str(&j, "level", level_name(f->level));
            json_kv_str(&j, "subject", f->subject);
            json_kv_str(&j, "name", f->name);
            json_kv_strs(&j, "devices", f->devices, f->ndevices);
            json_key(&j, "manual_in");
            json_arr(&j);
            for (size_t e = EMIT_POWERCLI; e <= EMIT_ANSIBLE; e++)
                if (!has_script(f, emits[e].tool))
                    json_str(&j, emits[e].name);
            json_arr_end(&j);
            json_obj_end(&j);
        }
        json_arr_end(&j);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_key(&j, "errors");
    json_arr(&j);
    for (size_t i = 0; i < d->n; i++) {
        json_obj(&j);
        json_kv_str(&j, "path", d->v[i].path);
        json_kv_int(&j, "line", (long long)d->v[i].line);
        json_kv_str(&j, "severity", d->v[i].level == DIAG_ERROR ? "error" : "note");
        json_kv_str(&j, "message", d->v[i].message);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_obj_end(&j);
    fputs(buf_str(&b), fp);
    fputc('\n', fp);
    buf_release(&b);
}

/* ---- scripts ---- */

/* A comment line: `prefix` then the text with control characters escaped
 * (term_escape), so that no value ends the comment. */
static void
comment(FILE *fp, const char *indent, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
comment(FILE *fp, const char *indent, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct buf raw = BUF_INIT, esc = BUF_INIT;
    buf_vaddf(&raw, fmt, ap);
    va_end(ap);
    term_escape(&esc, buf_str(&raw));
    fprintf(fp, "%s# %s\n", indent, buf_str(&esc));
    buf_release(&raw);
    buf_release(&esc);
}

/* Every line of `text` as a comment. */
static void
comment_block(FILE *fp, const char *indent, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, len);
        comment(fp, indent, "  %s", line);
        free(line);
        p += len + (nl != NULL);
    }
}

/* `text` with every line indented. */
static void
indented(FILE *fp, const char *indent, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(fp, "%s%.*s\n", len ? indent : "", (int)len, p);
        p += len + (nl != NULL);
    }
}

static void
header(FILE *fp, enum emit e, const char *written, char *const *args, size_t nargs,
       const char *from)
{
    if (e == EMIT_GOVC || e == EMIT_ESXI)
        fprintf(fp, "#!/bin/sh\n");
    comment(fp, "", "%s: the fix plan of vmtriage %s", emits[e].what, VT_VERSION);
    struct buf cmd = BUF_INIT;
    buf_addf(&cmd, "vmtriage fix --emit %s", emits[e].name);
    if (from)
        buf_addf(&cmd, " --from %s", from);
    for (size_t i = 0; i < nargs; i++)
        buf_addf(&cmd, " %s", args[i]);
    comment(fp, "", "written %s by: %s", written, buf_str(&cmd));
    buf_release(&cmd);
    fprintf(fp, "#\n");
    static const char *const how[] = {
        [EMIT_POWERCLI] =
            "# Run it in PowerShell after Connect-VIServer. Dry run: -WhatIf (every change\n"
            "# cmdlet gets -WhatIf:$WhatIf and says what it would do; reads still run).\n",
        [EMIT_GOVC] = "# Run it with GOVC_URL (and GOVC_USERNAME, GOVC_PASSWORD) set. Dry run:\n"
                      "# DRY_RUN=1 sh SCRIPT prints each change instead of making it (reads "
                      "still run).\n",
        [EMIT_ESXI] = "# Run it in the ESXi shell of the host that has the VMs. Dry run:\n"
                      "# DRY_RUN=1 sh SCRIPT prints each change instead of making it (reads "
                      "still run).\n"
                      "# A .vmx is edited only with its VM powered off; its backup is "
                      "NAME.vmx.vmtriage-STAMP.\n",
        [EMIT_ANSIBLE] =
            "# Run: ansible-playbook PLAYBOOK -e @vcenter.yml (vcenter_hostname,\n"
            "# vcenter_username, vcenter_password; keep that file in ansible-vault).\n"
            "# Dry run: --check (the community.vmware modules support it).\n",
    };
    fputs(how[e], fp);
    fprintf(fp, "# Each step checks the VM first and changes nothing when it is fixed "
                "already,\n# so running it again is safe. Steps marked MANUAL have no "
                "automatic fix in\n# this tool: do them by hand; they are listed, not "
                "skipped.\n\n");
}

static const char sh_prelude[] =
    "set -eu\n"
    "DRY_RUN=${DRY_RUN:-0}\n"
    "\n"
    "# vt_run CMD ARG...: runs the command; with DRY_RUN=1 prints it instead.\n"
    "vt_run() {\n"
    "    if [ \"$DRY_RUN\" = 1 ]; then\n"
    "        printf 'DRY_RUN:'\n"
    "        printf ' %s' \"$@\"\n"
    "        printf '\\n'\n"
    "    else\n"
    "        \"$@\"\n"
    "    fi\n"
    "}\n";

static const char govc_prelude[] =
    "\n"
    "# vt_off VM: shuts the guest down when the VM is on and waits (10 minutes at\n"
    "# most) until it is off; vt_was_on remembers whether it was on.\n"
    "vt_off() {\n"
    "    vt_was_on=0\n"
    "    govc vm.info -- \"$1\" | grep -q 'Power state: *poweredOn' || return 0\n"
    "    vt_was_on=1\n"
    "    vt_run govc vm.power -s -- \"$1\"\n"
    "    [ \"$DRY_RUN\" != 1 ] || return 0\n"
    "    vt_n=0\n"
    "    while govc vm.info -- \"$1\" | grep -q 'Power state: *poweredOn'; do\n"
    "        vt_n=$((vt_n + 1))\n"
    "        [ \"$vt_n\" -le 120 ] || { echo \"$1: still on after 10 minutes\" >&2; exit 1; }\n"
    "        sleep 5\n"
    "    done\n"
    "}\n"
    "# vt_on VM: powers the VM on again when vt_off found it on.\n"
    "vt_on() {\n"
    "    [ \"$vt_was_on\" = 0 ] || vt_run govc vm.power -on -- \"$1\"\n"
    "}\n";

static const char esxi_prelude[] =
    "VT_STAMP=$(date -u +%Y%m%dT%H%M%S) # names this run's backups\n"
    "\n"
    "# vt_get VMX KEY: the key's value (ASCII case ignored, the last line wins),\n"
    "# lower-cased; empty when the file does not set it.\n"
    "vt_get() {\n"
    "    VT_KEY=$2 awk 'BEGIN { k = tolower(ENVIRON[\"VT_KEY\"]) }\n"
    "        { l = $0; sub(/^[ \\t]+/, \"\", l); i = index(l, \"=\"); if (i == 0) next\n"
    "          key = substr(l, 1, i - 1); sub(/[ \\t]+$/, \"\", key); if (tolower(key) != k) next\n"
    "          v = substr(l, i + 1); sub(/^[ \\t]*\"/, \"\", v); sub(/\"[ \\t\\r]*$/, \"\", v)\n"
    "          val = tolower(v) }\n"
    "        END { print val }' \"$1\"\n"
    "}\n"
    "# vt_set VMX KEY VALUE: sets the key (its lines replaced by one at the end, with\n"
    "# the file's line end), every other line kept. The first change of a file in this\n"
    "# run backs it up as VMX.vmtriage-STAMP; the new file is written beside it (its\n"
    "# mode kept) and renamed over it, so the .vmx is either the old or the new one.\n"
    "vt_set() {\n"
    "    if [ \"$DRY_RUN\" = 1 ]; then\n"
    "        printf 'DRY_RUN: set %s = \"%s\" in %s\\n' \"$2\" \"$3\" \"$1\"\n"
    "        return 0\n"
    "    fi\n"
    "    [ -e \"$1.vmtriage-$VT_STAMP\" ] || cp -p -- \"$1\" \"$1.vmtriage-$VT_STAMP\"\n"
    "    cp -p -- \"$1\" \"$1.vmtriage-new\"\n"
    "    VT_KEY=$2 VT_VAL=$3 awk 'BEGIN { k = tolower(ENVIRON[\"VT_KEY\"]) }\n"
    "        NR == 1 && /\\r$/ { crlf = 1 }\n"
    "        { l = $0; sub(/^[ \\t]+/, \"\", l); i = index(l, \"=\")\n"
    "          key = i ? substr(l, 1, i - 1) : \"\"; sub(/[ \\t]+$/, \"\", key)\n"
    "          if (i && tolower(key) == k) next; print }\n"
    "        END { printf \"%s = \\\"%s\\\"%s\\n\", ENVIRON[\"VT_KEY\"], ENVIRON[\"VT_VAL\"], "
    "crlf ? \"\\r\" : \"\" }' \"$1\" >\"$1.vmtriage-new\"\n"
    "    mv -f -- \"$1.vmtriage-new\" \"$1\"\n"
    "}\n"
    "# vt_vmid VMX: the Vmid hostd lists for the .vmx at /vmfs/volumes/DATASTORE/REL.\n"
    "vt_vmid() {\n"
    "    VT_REL=${1#*/vmfs/volumes/*/} vim-cmd vmsvc/getallvms |\n"
    "        VT_REL=${1#*/vmfs/volumes/*/} awk 'index($0, \"] \" ENVIRON[\"VT_REL\"]) { print $1; "
    "f = 1; exit } END { exit !f }' ||\n"
    "        { echo \"$1: not registered on this host; skipped\" >&2; return 1; }\n"
    "}\n"
    "# vt_off VMID: shuts the guest down when the VM is on and waits (10 minutes at\n"
    "# most) until it is off; vt_was_on remembers whether it was on.\n"
    "vt_off() {\n"
    "    vt_was_on=0\n"
    "    vim-cmd vmsvc/power.getstate \"$1\" | grep -q 'Powered on' || return 0\n"
    "    vt_was_on=1\n"
    "    vt_run vim-cmd vmsvc/power.shutdown \"$1\"\n"
    "    [ \"$DRY_RUN\" != 1 ] || return 0\n"
    "    vt_n=0\n"
    "    while vim-cmd vmsvc/power.getstate \"$1\" | grep -q 'Powered on'; do\n"
    "        vt_n=$((vt_n + 1))\n"
    "        [ \"$vt_n\" -le 120 ] || { echo \"VM $1: still on after 10 minutes\" >&2; exit 1; }\n"
    "        sleep 5\n"
    "    done\n"
    "}\n"
    "# vt_on VMID: powers the VM on again when vt_off found it on.\n"
    "vt_on() {\n"
    "    [ \"$vt_was_on\" = 0 ] || vt_run vim-cmd vmsvc/power.on \"$1\"\n"
    "}\n";

static const char ps_prelude[] =
    "param([switch]$WhatIf)\n"
    "$ErrorActionPreference = 'Stop'\n"
    "\n"
    "# Shuts the guest down when the VM is on and waits (10 minutes at most) until it\n"
    "# is off; returns whether it was on.\n"
    "function Stop-VtVM($vm) {\n"
    "    if ($vm.PowerState -ne 'PoweredOn') { return $false }\n"
    "    Stop-VMGuest -VM $vm -Confirm:$false -WhatIf:$WhatIf | Out-Null\n"
    "    if ($WhatIf) { return $true }\n"
    "    $n = 0\n"
    "    while ((Get-VM -Id $vm.Id).PowerState -ne 'PoweredOff') {\n"
    "        $n++\n"
    "        if ($n -gt 120) { throw \"$($vm.Name): still on after 10 minutes\" }\n"
    "        Start-Sleep -Seconds 5\n"
    "    }\n"
    "    return $true\n"
    "}\n";

static const char ansible_prelude[] =
    "- name: vmtriage fix plan\n"
    "  hosts: localhost\n"
    "  connection: local\n"
    "  gather_facts: false\n"
    "  module_defaults:\n"
    "    group/community.vmware.vmware:\n"
    "      hostname: \"{{ vcenter_hostname }}\"\n"
    "      username: \"{{ vcenter_username }}\"\n"
    "      password: \"{{ vcenter_password }}\"\n"
    "      validate_certs: true\n"
    "  tasks:\n"
    "    - name: the vCenter connection is given (vcenter_hostname, vcenter_username, "
    "vcenter_password)\n"
    "      ansible.builtin.assert:\n"
    "        that: [vcenter_hostname is defined, vcenter_username is defined, "
    "vcenter_password is defined]\n";

static void
emit_script(FILE *fp, enum emit e, const struct plan *p, const char *written, char *const *args,
            size_t nargs, const char *from)
{
    const char *tool = emits[e].tool;
    const char *ind = e == EMIT_ANSIBLE ? "    " : "";
    header(fp, e, written, args, nargs, from);
    if (e == EMIT_GOVC || e == EMIT_ESXI)
        fputs(sh_prelude, fp);
    if (e == EMIT_GOVC)
        fputs(govc_prelude, fp);
    if (e == EMIT_ESXI)
        fputs(esxi_prelude, fp);
    if (e == EMIT_POWERCLI)
        fputs(ps_prelude, fp);
    if (e == EMIT_ANSIBLE)
        fputs(ansible_prelude, fp);
    size_t step = 0;
    for (size_t k = 0; k < p->n; k++) {
        const struct group *g = &p->g[k];
        const struct rule_plan *pl = g->rule->plan;
        const char **refs;
        size_t nrefs = group_refs(g, &refs);
        fputc('\n', fp);
        comment(fp, ind, "==== %zu. [%s] %s", k + 1, level_name(g->level),
                pl ? pl->action : g->rule->title);
        for (size_t r = 0; r < nrefs; r++)
            comment(fp, ind, "source: %s", refs[r]);
        free(refs);
        for (size_t i = 0; i < g->n; i++) {
            const struct finding *f = g->v[i];
            fputc('\n', fp);
            step++;
            comment(fp, ind, "step %zu: %s (%s): %s%s%s%s", step, f->rule->id,
                    level_name(f->level), f->name ? f->name : "", f->name ? " (" : "",
                    f->subject, f->name ? ")" : "");
            size_t from_k = 0;
            const struct fix *s = script_of(f, tool, &from_k);
            if (s == NULL || s->refused) {
                comment(fp, ind, "MANUAL: %s", s ? "a value cannot be quoted safely for this "
                                                   "tool; do it by hand"
                                                 : "no automatic fix in this tool; by hand:");
                const struct fix *m = manual_fix(f, tool);
                if (m)
                    comment_block(fp, ind, m->text);
                for (size_t r = 0; r < f->nrel; r++)
                    comment(fp, ind, "  carries its trigger: %s (%s)", f->rel[r].subject,
                            f->rel[r].rule);
                continue;
            }
            if (e == EMIT_ANSIBLE) {
                struct buf name = BUF_INIT, q = BUF_INIT;
                buf_addf(&name, "step %zu: %s: %s", step, f->rule->id,
                         f->name ? f->name : f->subject);
                if (!quote_yaml(&q, buf_str(&name))) {
                    buf_reset(&q);
                    buf_addf(&q, "'step %zu: %s'", step, f->rule->id);
                }
                fprintf(fp, "    - name: %s\n      block:\n", buf_str(&q));
                buf_release(&name);
                buf_release(&q);
            }
            for (; s; s = script_of(f, tool, &from_k))
                indented(fp, e == EMIT_ANSIBLE ? "        " : "", s->text);
        }
    }
    fprintf(fp, "\n%s# end of the plan\n", ind);
}

/* ---- gathering the findings ---- */

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static bool
is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A support bundle: an archive, or a folder that is (or holds) the unpacked
 * esx-HOST-DATE folder with its commands/ folder. */
static bool
looks_like_bundle(const char *path)
{
    if (ends_with(path, ".tgz") || ends_with(path, ".tar.gz") || ends_with(path, ".tar") ||
        ends_with(path, ".zip"))
        return true;
    if (!is_dir(path))
        return false;
    char *sub = xasprintf("%s/commands", path);
    bool yes = is_dir(sub);
    free(sub);
    if (yes)
        return true;
    DIR *d = opendir(path);
    if (d == NULL)
        return false;
    struct dirent *de;
    while (!yes && (de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "esx-", 4) != 0)
            continue;
        sub = xasprintf("%s/%s/commands", path, de->d_name);
        yes = is_dir(sub);
        free(sub);
    }
    closedir(d);
    return yes;
}

static bool
is_url(const char *s)
{
    return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

struct from_ctx {
    const struct ruleset *rules;
    struct record_ctx rctx;
    struct findings *out;
    size_t vms;
};

static void
from_vm(void *arg, struct vm *vm)
{
    struct from_ctx *fc = arg;
    audit_vm(fc->rules, vm, &fc->rctx, fc->out);
    fc->vms++;
    vm_free(vm);
}

/* Reads every input into rep (findings and problems). Returns VT_EXIT_OK or
 * VT_EXIT_UNKNOWN after a one-line error. */
static int
gather(struct cmd_ctx *c, struct report *rep)
{
    const struct vt_opts *o = &c->o;
    if (o->from) {
        struct from_ctx fc = {.rules = &c->rules,
                              .rctx = {.profile_nested = o->profile_nested},
                              .out = &rep->findings};
        int rc = inventory_read(o->from, from_vm, &fc, &rep->diags);
        if (rc == 0) {
            cli_error("%s: not a vmtriage JSON report", o->from);
            return VT_EXIT_UNKNOWN;
        }
        rep->nvms += fc.vms;
        return VT_EXIT_OK;
    }
    char **scan = xcalloc(c->nargs ? c->nargs : 1, sizeof(char *));
    char **bundles = xcalloc(c->nargs ? c->nargs : 1, sizeof(char *));
    size_t nscan = 0, nbundles = 0;
    bool vc_opts = o->credentials || o->ca_file || o->thumbprint || o->insecure;
    int rc = VT_EXIT_OK;
    for (size_t i = 0; i < c->nargs && rc == VT_EXIT_OK; i++) {
        const char *a = c->args[i];
        if (is_url(a) || (vc_opts && strstr(a, "://") == NULL && !is_dir(a) &&
                          access(a, F_OK) != 0)) {
            struct report vr = {.command = "vcenter"};
            rc = vcenter_read(a, &c->rules, o, false, &vr);
            findings_move(&rep->findings, &vr.findings);
            diags_move(&rep->diags, &vr.diags);
            report_release(&vr);
        } else if (looks_like_bundle(a)) {
            bundles[nbundles++] = c->args[i];
        } else {
            scan[nscan++] = c->args[i];
        }
    }
    if (rc == VT_EXIT_OK && nscan)
        scan_paths(scan, nscan, &c->rules, o, &rep->findings, &rep->diags);
    if (rc == VT_EXIT_OK && nbundles) {
        struct report br = {.command = "bundle"};
        struct vt_opts bo = *o;
        bo.format = FMT_TEXT; /* no serialised VMs */
        bundles_read(&c->rules, &bo, &br, bundles, nbundles, NULL, false);
        findings_move(&rep->findings, &br.findings);
        diags_move(&rep->diags, &br.diags);
        report_release(&br);
    }
    free(scan);
    free(bundles);
    return rc;
}

static void
print_diags(const struct diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct diag *x = &d->v[i];
        const char *note = x->level == DIAG_NOTE ? "note: " : "";
        if (x->line)
            cli_error("%s:%lu: %s%s", x->path, x->line, note, x->message);
        else
            cli_error("%s: %s%s", x->path, note, x->message);
    }
}

/* "2026-12-05 03:05 UTC", from SOURCE_DATE_EPOCH when set (reproducible output). */
static void
written_at(char out[32])
{
    time_t t = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (*end == '\0' && v >= 0)
            t = (time_t)v;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

int
fix_plan_run(struct cmd_ctx *c)
{
    const struct vt_opts *o = &c->o;
    int e = -1;
    for (size_t i = 0; i < sizeof(emits) / sizeof(emits[0]); i++)
        if (strcmp(o->emit ? o->emit : "text", emits[i].name) == 0)
            e = (int)i;
    if (e < 0) {
        cli_error("--emit takes text, powercli, govc, esxi-shell or ansible, not '%s'", o->emit);
        return VT_EXIT_UNKNOWN;
    }
    if (e != EMIT_TEXT && o->format == FMT_JSON) {
        cli_error("--format json goes with --emit text (the plan as JSON), not with a script");
        return VT_EXIT_UNKNOWN;
    }
    if (o->from && c->nargs) {
        cli_error("give either --from REPORT.json or the paths and URLs to read, not both");
        return VT_EXIT_UNKNOWN;
    }
    if (!o->from && c->nargs == 0) {
        cli_error("fix needs .vmx files, datastore folders, support bundles or a vCenter URL, "
                  "or --from REPORT.json");
        return VT_EXIT_UNKNOWN;
    }
    struct report rep = {.command = "fix"};
    int rc = gather(c, &rep);
    if (rc != VT_EXIT_OK) {
        print_diags(&rep.diags);
        report_release(&rep);
        return rc;
    }
    struct plan p = {0};
    plan_build(&p, &rep.findings, o->min_level);
    FILE *fp = stdout;
    if (o->output && (fp = fopen(o->output, "w")) == NULL) {
        cli_error("cannot write '%s': %s", o->output, strerror(errno));
        plan_release(&p);
        report_release(&rep);
        return VT_EXIT_UNKNOWN;
    }
    char written[32];
    written_at(written);
    if (e == EMIT_TEXT && o->format == FMT_JSON)
        json_plan(fp, &p, &rep.diags);
    else if (e == EMIT_TEXT)
        text_plan(fp, &p, &rep.findings);
    else
        emit_script(fp, (enum emit)e, &p, written, c->args, c->nargs, o->from);
    bool failed = fp != stdout ? fclose(fp) != 0 : fflush(stdout) != 0;
    if (o->format != FMT_JSON)
        print_diags(&rep.diags);
    int max = -1;
    for (size_t k = 0; k < p.n; k++)
        max = (int)p.g[k].level > max ? (int)p.g[k].level : max;
    plan_release(&p);
    if (failed) {
        cli_error("cannot write the plan: %s", strerror(errno));
        report_release(&rep);
        return VT_EXIT_UNKNOWN;
    }
    /* as every report: critical 2, else an input error 3, else medium/high 1 */
    rc = max == LEVEL_CRITICAL                         ? VT_EXIT_CRITICAL
         : diags_count(&rep.diags, DIAG_ERROR)         ? VT_EXIT_UNKNOWN
         : max >= LEVEL_MEDIUM                         ? VT_EXIT_WARNING
                                                       : VT_EXIT_OK;
    report_release(&rep);
    return rc;
}
