/* util_quote: the one place where a value taken from input (a VM name, a
 * module, a driver, a path) is made safe to put into a command an admin will
 * paste into a root shell. One function per target shell; rule templates
 * name the function per placeholder ({{vm.name|sh}}), and `rules check`
 * refuses a placeholder whose quoting does not fit the fix's shell.
 *
 * Every function appends to `b` and returns true, or returns false and leaves
 * `b` as it was when the value cannot be carried safely in that shell: any
 * character utf8_unsafe() names (controls, newlines, bidirectional overrides),
 * bytes that are not UTF-8, and what a target cannot escape (see each). The
 * caller then names the object without putting it in a command. */
#ifndef VT_UTIL_QUOTE_H
#define VT_UTIL_QUOTE_H

#include "util/util_buf.h"

#include <stdbool.h>

/* POSIX sh, bash, ESXi's busybox ash, and so esxcli, vim-cmd and govc
 * arguments: one single-quoted word; ' becomes '\''. */
bool quote_sh(struct buf *b, const char *s);
/* The same for a govc argument that names inventory objects: govc matches
 * such names as path patterns, so a name holding * ? [ ] or \ could select
 * other VMs (`govc vm.power -s '*'` would stop them all) and is refused. */
bool quote_sh_name(struct buf *b, const char *s);
/* PowerShell single-quoted string: every character PowerShell takes as a
 * single quote (' U+2018 U+2019 U+201A U+201B) is doubled. */
bool quote_ps(struct buf *b, const char *s);
/* The same for a parameter that takes wildcard patterns (Get-VM -Name,
 * Stop-VMGuest -VM): * ? [ ] and the backtick itself are escaped with a backtick so that only the
 * object of that exact name matches. */
bool quote_ps_name(struct buf *b, const char *s);
/* The length of a character PowerShell reads as a single quote at s (ASCII '
 * or U+2018..U+201B, E2 80 98..9B in UTF-8), or 0. */
size_t ps_quote_char(const char *s);
/* cmd.exe: one double-quoted word, inside which & | < > ^ are plain text.
 * " % and ! cannot be escaped inside quotes at an interactive prompt (% and
 * !VAR! still expand) and are refused; a trailing backslash is doubled so
 * that the program's own argument parser does not read \" as a quote. */
bool quote_cmd(struct buf *b, const char *s);

/* Ansible (YAML): one single-quoted scalar tagged !unsafe, so that Ansible
 * never runs it through Jinja2 (a VM named {{ lookup('pipe','id') }} would
 * otherwise run `id` on the control node); ' becomes ''. The value must stand
 * as a whole scalar (a mapping's value or a list item). */
bool quote_yaml(struct buf *b, const char *s);

/* The quoting a template placeholder asks for with {{field|NAME}}. */
enum quote_family {
    QF_SH,    /* a POSIX shell line */
    QF_PS,    /* a PowerShell line */
    QF_CMD,   /* a cmd.exe line */
    QF_VMX,   /* a .vmx line */
    QF_YAML,  /* an Ansible playbook */
    QF_PROSE, /* words for a person, never run */
    QF_ANY,   /* fits every target: a number */
};
struct quoting {
    const char *name;         /* "sh", "sh_name", "ps", "ps_name", "cmd", "yaml", "text", "int" */
    enum quote_family family; /* the shell it quotes for */
    bool (*quote)(struct buf *b, const char *s); /* NULL for text and int */
};
/* The quoting called `name`, or NULL. */
const struct quoting *quoting_find(const char *name);
/* Every quoting, NULL-terminated by name (for messages and docs). */
extern const struct quoting quotings[];

#endif
