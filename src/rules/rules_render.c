/* rules_render: turns a rule's remediation template into the fix printed for
 * one finding, and checks templates when rules load.
 *
 * Every {{field|quoting}} names how its value is quoted (util_quote.h), and
 * the quoting must fit the shell the fix is written for: sh for esxi_shell,
 * govc and guest_linux, ps for powercli, cmd for guest_windows, text (escaped
 * for the terminal, never quoted) for words a person reads, int for numbers
 * anywhere. A value that cannot be carried safely leaves its whole line out,
 * replaced by a comment that says why, so the fix never holds a half line. */
#include "rules/rules_impl.h"
#include "parse/vmx/vmx_edit.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "util/util_quote.h"
#include "util/util_term.h"

#include <stdlib.h>
#include <string.h>

const char *
placeholder_next(const char *p, const char **end, char **name, char **mod)
{
    const char *o = strstr(p, "{{");
    *end = NULL;
    *name = *mod = NULL;
    while (o != NULL && o[2] == ' ') /* "{{ x }}": Jinja2 text of an Ansible step, not ours */
        o = strstr(o + 2, "{{");
    if (o == NULL)
        return NULL;
    const char *e = strstr(o, "}}");
    if (e == NULL)
        return o;
    *end = e + 2;
    *name = xstrndup(o + 2, (size_t)(e - o - 2));
    if ((*mod = strchr(*name, '|')) != NULL)
        *(*mod)++ = '\0';
    return o;
}

static const struct {
    const char *tool;
    enum quote_family family;
    const char *shell; /* for messages */
} remedy_shells[] = {
    {"vsphere_client", QF_PROSE, "vSphere Client"},
    {"powercli", QF_PS, "PowerShell"},
    {"govc", QF_SH, "POSIX shell"},
    {"esxi_shell", QF_SH, "POSIX shell"},
    {"guest_linux", QF_SH, "POSIX shell"},
    {"guest_windows", QF_CMD, "cmd.exe"},
    {"vmx", QF_VMX, ".vmx"},
    {"ansible", QF_YAML, "Ansible playbook"},
    {"vmx_remove", QF_VMX, ".vmx"}, /* keys to delete from the .vmx, one a line */
};

/* The index of `tool` in remedy_shells, or -1. */
static int
shell_of(const char *tool)
{
    for (size_t i = 0; i < sizeof(remedy_shells) / sizeof(remedy_shells[0]); i++)
        if (strcmp(remedy_shells[i].tool, tool) == 0)
            return (int)i;
    return -1;
}

bool
remedy_tool_known(const char *tool)
{
    return shell_of(tool) >= 0;
}

/* Whether the placeholder at `at` stands in a comment of a shell line: a '#'
 * that starts a word, outside quotes, earlier on the same line. */
static bool
in_comment(const char *text, const char *at)
{
    const char *p = at;
    while (p > text && p[-1] != '\n')
        p--;
    char quote = 0;
    for (const char *q = p; q < at; q++) {
        if (quote) {
            quote = *q == quote ? 0 : quote;
        } else if (*q == '\'' || *q == '"') {
            quote = *q;
        } else if (*q == '#' && (q == p || *(q - 1) == ' ' || *(q - 1) == '\t')) {
            return true;
        }
    }
    return false;
}

/* "(sh, sh_name, ps, ps_name, cmd, text, int)": the quotings there are. */
static void
add_quoting_names(struct buf *b)
{
    for (const struct quoting *q = quotings; q->name; q++)
        buf_addf(b, "%s%s", q == quotings ? "(" : ", ", q->name);
    buf_addc(b, ')');
}

/* The shape `fix --apply` reads from .vmx remedies (docs/RULES.md): for
 * `vmx`, every line a `key = "value"` or a `#` comment; for `vmx_remove`,
 * every line a key name or a comment. Placeholders (int only) read as 0. */
static bool
vmx_shape_check(const char *tool, const char *text, struct buf *why)
{
    struct buf t = BUF_INIT;
    const char *p = text, *e;
    char *name, *mod;
    const char *o;
    while ((o = placeholder_next(p, &e, &name, &mod)) != NULL && e != NULL) {
        buf_add(&t, p, (size_t)(o - p));
        buf_addc(&t, '0');
        free(name);
        p = e;
    }
    buf_adds(&t, p);
    bool remove = strcmp(tool, "vmx_remove") == 0, ok = true;
    unsigned long n = 0;
    for (const char *l = buf_str(&t); *l && ok;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        n++;
        if (remove) {
            size_t s = strspn(l, " \t"), end = len;
            while (end > s && (l[end - 1] == ' ' || l[end - 1] == '\t'))
                end--;
            ok = end == s || l[s] == '#' || vmx_key_ok(l + s, end - s);
        } else {
            char *k, *v;
            ok = vmx_edit_parse_line(l, len, &k, &v) >= 0;
            free(k);
            free(v);
        }
        if (!ok)
            buf_addf(why,
                     "line %lu of %s is not %s: '%.*s' (fix --apply reads it; write advice as a "
                     "'#' comment)",
                     n, tool, remove ? "a .vmx key name" : "a .vmx 'key = \"value\"' line",
                     (int)(len > 80 ? 80 : len), l);
        l += len + (nl != NULL);
    }
    buf_release(&t);
    return ok;
}

bool
template_check(const char *tool, const char *text, enum record_kind kind, struct buf *why)
{
    int sh = shell_of(tool);
    if (sh < 0) {
        buf_addf(why, "unknown remediation tool '%s'", tool);
        return false;
    }
    enum quote_family family = remedy_shells[sh].family;
    const char *p = text, *e;
    char *name, *mod;
    const char *o;
    bool ok = true;
    while (ok && (o = placeholder_next(p, &e, &name, &mod)) != NULL) {
        if (e == NULL) {
            buf_adds(why, "unclosed '{{' in remediation");
            return false;
        }
        const struct field_def *f = field_lookup(kind, name);
        const struct quoting *q = mod ? quoting_find(mod) : NULL;
        if (f == NULL) {
            buf_addf(why, "unknown field in '{{%s}}'", name);
            ok = false;
        } else if (mod == NULL) {
            buf_addf(why, "'{{%s}}' in %s inserts the value unquoted: write {{%s|QUOTING}} ", name,
                     tool, name);
            add_quoting_names(why);
            ok = false;
        } else if (q == NULL) {
            buf_addf(why, "unknown quoting '|%s' in '{{%s|%s}}' ", mod, name, mod);
            add_quoting_names(why);
            ok = false;
        } else if (q->family == QF_ANY) {
            if (field_type(f) != FV_INT) {
                buf_addf(why, "'{{%s|int}}': %s is not a number", name, name);
                ok = false;
            }
        } else if (q->family == QF_PROSE) {
            bool commented =
                (family == QF_SH || family == QF_PS || family == QF_YAML) && in_comment(text, o);
            if (family != QF_PROSE && !commented) {
                buf_addf(why,
                         "'{{%s|text}}' in %s is not quoted for the %s: use |%s, or put it "
                         "in a comment",
                         name, tool, remedy_shells[sh].shell,
                         family == QF_PS     ? "ps"
                         : family == QF_CMD  ? "cmd"
                         : family == QF_YAML ? "yaml"
                                             : "sh");
                ok = false;
            }
        } else if (q->family != family) {
            buf_addf(why, "'{{%s|%s}}' quotes for another shell than %s's %s", name, mod, tool,
                     remedy_shells[sh].shell);
            ok = false;
        }
        field_release(f);
        free(name);
        p = e;
    }
    if (ok && family == QF_VMX)
        ok = vmx_shape_check(tool, text, why);
    return ok;
}

/* Renders one placeholder's value into b. Returns false when the quoting
 * refuses the value. */
static bool
render_value(struct buf *b, const struct quoting *q, struct fv v)
{
    struct buf val = BUF_INIT;
    if (v.t == FV_STR)
        buf_adds(&val, v.s);
    else if (v.t == FV_INT)
        buf_addf(&val, "%lld", v.i);
    else if (v.t == FV_BOOL)
        buf_adds(&val, v.i ? "TRUE" : "FALSE");
    else if (v.t == FV_LIST)
        for (long long i = 0; i < v.i; i++)
            buf_addf(&val, "%s%s", i ? ", " : "", v.list[i]);
    bool ok = true;
    if (q->quote)
        ok = q->quote(b, buf_str(&val));
    else if (q->family == QF_PROSE)
        term_escape(b, buf_str(&val));
    else if ((ok = v.t == FV_INT)) /* int */
        buf_adds(b, buf_str(&val));
    buf_release(&val);
    return ok;
}

char *
rule_render(const struct rule *rule, const char *tool, const char *text, const struct record *r)
{
    bool refused;
    return rule_render_ex(rule, tool, text, r, &refused);
}

char *
rule_render_ex(const struct rule *rule, const char *tool, const char *text, const struct record *r,
               bool *any_refused)
{
    *any_refused = false;
    int sh = shell_of(tool);
    enum quote_family family = sh >= 0 ? remedy_shells[sh].family : QF_PROSE;
    struct buf out = BUF_INIT, line = BUF_INIT;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        char *src = xstrndup(p, len);
        buf_reset(&line);
        const char *s = src, *o, *e;
        char *refused = NULL; /* the first field whose value was refused */
        char *name, *mod;
        while ((o = placeholder_next(s, &e, &name, &mod)) != NULL && e != NULL) {
            buf_add(&line, s, (size_t)(o - s));
            const struct field_def *f = field_lookup(rule->kind, name);
            const struct quoting *q = quoting_find(mod ? mod : "");
            struct fv v = f ? field_get(f, r) : (struct fv){FV_NULL, 0, NULL, NULL};
            if ((q == NULL || !render_value(&line, q, v)) && refused == NULL)
                refused = xstrdup(name);
            field_release(f);
            free(name);
            s = e;
        }
        buf_adds(&line, s);
        if (refused) {
            *any_refused = true;
            size_t indent = strspn(src, " \t");
            buf_add(&out, src, indent);
            buf_addf(&out,
                     "%s (a line is left out here: %s holds characters that cannot be put "
                     "safely into a %s command; act on the object this finding names by hand)%s",
                     family == QF_CMD ? "rem" : "#", refused,
                     sh >= 0 ? remedy_shells[sh].shell : "shell", nl ? "\n" : "");
        } else {
            buf_add(&out, line.p, line.len);
        }
        free(refused);
        free(src);
        p += len;
    }
    buf_release(&line);
    return buf_detach(&out);
}
