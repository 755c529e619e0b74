/* test_rules: the Sigma-style rule loader and matcher (src/rules/rules.h). A typo in
 * a rule must be a load error naming the line (STYLE.md §3: never silent dead
 * data), and each Sigma construct the rules use (value lists, modifiers, null,
 * not, `1 of`, `all of them`) must select exactly the VMs it names. Expected
 * results follow the Sigma conventions DESIGN.md adopts and the field meanings
 * of kb/vmx.md; remediation quoting follows PowerShell's and POSIX sh's
 * single-quote rules. */
#include "findings/findings.h"
#include "rules/rules.h"
#include "rules/rules_re.h"
#include "t.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

#define TESTS_BLOCK                                                                                \
    "tests:\n"                                                                                     \
    "  match:\n"                                                                                   \
    "    - \"ethernet0.present = TRUE\\nethernet0.virtualDev = e1000\\n\"\n"                       \
    "  no_match:\n"                                                                                \
    "    - \"ethernet0.present = FALSE\\n\"\n"

/* A valid NIC rule; the error cases below each change one line of it. */
static const char base_rule[] =
    "title: Test rule\n"                                                 /* 1 */
    "id: t-one\n"                                                        /* 2 */
    "status: test\n"                                                     /* 3 */
    "description: a rule for the unit tests\n"                           /* 4 */
    "references:\n"                                                      /* 5 */
    "  - https://example.org/kb/1\n"                                     /* 6 */
    "logsource:\n"                                                       /* 7 */
    "  category: nic\n"                                                  /* 8 */
    "detection:\n"                                                       /* 9 */
    "  sel:\n"                                                           /* 10 */
    "    nic.type: e1000\n"                                              /* 11 */
    "    nic.present: true\n"                                            /* 12 */
    "  condition: sel\n"                                                 /* 13 */
    "level: high\n"                                                      /* 14 */
    "remediation:\n"                                                     /* 15 */
    "  powercli: \"Get-VM -Name {{vm.name|ps}} | Get-NetworkAdapter\"\n" /* 16 */
    TESTS_BLOCK;                                                         /* 17-21 */

/* `text` with the first `from` replaced by `to`; owned by the caller. */
static char *
replace(const char *text, const char *from, const char *to)
{
    const char *p = strstr(text, from);
    struct buf b = BUF_INIT;
    if (p == NULL) {
        T_CHECK(t_fmt("test bug: '%s' not in the base rule", from), 0);
        buf_adds(&b, text);
        return buf_detach(&b);
    }
    buf_add(&b, text, (size_t)(p - text));
    buf_adds(&b, to);
    buf_adds(&b, p + strlen(from));
    return buf_detach(&b);
}

/* 1-based line of the first occurrence of `needle`, or 0. */
static unsigned long
line_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    if (p == NULL)
        return 0;
    unsigned long line = 1;
    for (const char *q = text; q < p; q++)
        line += *q == '\n';
    return line;
}

static void
test_valid(void)
{
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    size_t errors = rules_load_text(&rs, "t.yml", base_rule, strlen(base_rule), &d);
    T_EQ_INT("valid rule: no errors returned", errors, 0);
    T_EQ_INT("valid rule: no diagnostics", d.n, 0);
    if (T_EQ_INT("valid rule: loaded", rs.n, 1)) {
        const struct rule *r = rules_find(&rs, "t-one");
        if (T_CHECK("valid rule: found by id", r)) {
            T_EQ_STR("title", r->title, "Test rule");
            T_EQ_INT("level", r->level, LEVEL_HIGH);
            T_EQ_INT("kind", r->kind, REC_NIC);
            T_EQ_INT("one reference", r->nrefs, 1);
            T_EQ_INT("one remedy", r->nremedies, 1);
            T_EQ_INT("one match sample", r->nmatch, 1);
            T_EQ_INT("one no_match sample", r->nno_match, 1);
            T_EQ_INT("rule line", r->line, 1);
            T_EQ_STR("rule file", r->file, "t.yml");
        }
    }
    T_CHECK("unknown id not found", rules_find(&rs, "t-two") == NULL);

    /* Two documents in one file; the second repeats the id. */
    char *two = xasprintf("%s---\n%s", base_rule, base_rule);
    struct ruleset rs2 = RULESET_INIT;
    struct diags d2 = DIAGS_INIT;
    errors = rules_load_text(&rs2, "two.yml", two, strlen(two), &d2);
    T_EQ_INT("duplicate id: one error", errors, 1);
    T_EQ_INT("duplicate id: first rule kept", rs2.n, 1);
    if (d2.n == 1)
        T_EQ_INT("duplicate id: line of the second rule", d2.v[0].line, 23);
    free(two);
    ruleset_release(&rs2);
    diags_release(&d2);
    ruleset_release(&rs);
    diags_release(&d);
    T_CHECK("released ruleset is empty", rs.n == 0 && rs.v == NULL);
}

struct bad {
    const char *what;
    const char *from, *to;
    const char *marker; /* the error is on the line holding this text; NULL = line 1 */
};

static const struct bad bad_rules[] = {
    {"unknown top-level key", "level: high\n", "level: high\ncolour: red\n", "colour:"},
    {"unknown field", "nic.type: e1000", "nic.typo: e1000", "nic.typo"},
    {"field of another record kind", "nic.type: e1000", "controller.type: pvscsi",
     "controller.type"},
    {"bool field given 'maybe'", "nic.present: true", "nic.present: maybe", "maybe"},
    {"int field given text", "nic.present: true", "nic.index: lots", "lots"},
    {"bad regex", "nic.type: e1000", "nic.type|re: \"(unclosed\"", "(unclosed"},
    {"unknown modifier", "nic.type: e1000", "nic.type|sortof: e1000", "sortof"},
    {"two modifiers", "nic.type: e1000", "nic.type|contains|startswith: e1000", "nic.type|"},
    {"lt on a text field", "nic.type: e1000", "nic.type|lt: 5", "nic.type|lt"},
    {"contains on an int field", "nic.type: e1000", "nic.index|contains: 1", "nic.index|"},
    {"exists given text", "nic.type: e1000", "nic.type|exists: perhaps", "perhaps"},
    {"null with a modifier", "nic.type: e1000", "nic.type|contains: null", "nic.type|"},
    {"condition names a missing selection", "condition: sel\n", "condition: sel and other\n",
     "condition:"},
    {"condition pattern names nothing", "condition: sel\n", "condition: 1 of nope*\n",
     "condition:"},
    {"condition syntax", "condition: sel\n", "condition: sel and\n", "condition:"},
    {"no condition", "  condition: sel\n", "", "  sel:"},
    {"no references", "references:\n  - https://example.org/kb/1\n", "", NULL},
    {"empty references", "references:\n  - https://example.org/kb/1\n", "references: []\n",
     "references:"},
    {"missing tests", TESTS_BLOCK, "", NULL},
    /* A block mapping starts at its first key, the line after `tests:`. */
    {"tests without no_match", "  no_match:\n    - \"ethernet0.present = FALSE\\n\"\n", "",
     "  match:"},
    /* YAML map keys are unique; libyaml does not enforce it, the loader must. */
    {"duplicate selection", "  condition: sel\n",
     "  sel: # again\n    nic.index: 1\n  condition: sel\n", "# again"},
    {"duplicate condition", "  condition: sel\n", "  condition: sel\n  condition: sel # again\n",
     "# again"},
    {"duplicate top-level key", "level: high\n", "level: high\nlevel: low # again\n", "# again"},
    {"bad level", "level: high", "level: severe", "severe"},
    {"unknown category", "category: nic", "category: disk", "category:"},
    {"unknown remediation tool", "  powercli:", "  ansible:", "ansible:"},
    {"unknown placeholder", "{{vm.name|ps}}", "{{vm.nosuch|ps}}", "vm.nosuch"},
    {"unquoted placeholder", "{{vm.name|ps}}", "{{vm.name}}", "{{vm.name}}"},
    {"quoting for another shell", "{{vm.name|ps}}", "{{vm.name|sh}}", "{{vm.name|sh}}"},
    {"text in a command", "{{vm.name|ps}}", "{{vm.name|text}}", "{{vm.name|text}}"},
    {"fixed_in build not a number", "level: high\n",
     "level: high\nfixed_in:\n  - {version: ESXi 7.0 U3c, build: 19l93900}\n", "19l93900"},
    {"fixed_in without version", "level: high\n", "level: high\nfixed_in:\n  - {build: 1}\n",
     "{build: 1}"},
    {"fixed_in with an unknown key", "level: high\n",
     "level: high\nfixed_in:\n  - {version: ESXi 8.0, date: 2024}\n", "date: 2024"},
    {"affects not a list", "level: high\n", "level: high\naffects: ESXi 7.0\n", "affects:"},
    {"missing id", "id: t-one\n", "", NULL},
    {"YAML syntax error", "  sel:\n", "  sel: [\n", NULL},
};

static void
test_load_errors(void)
{
    for (size_t i = 0; i < sizeof(bad_rules) / sizeof(bad_rules[0]); i++) {
        const struct bad *b = &bad_rules[i];
        char *text = replace(base_rule, b->from, b->to);
        unsigned long want = b->marker ? line_of(text, b->marker) : 1;
        T_CHECK(t_fmt("%s: test marker found", b->what), want > 0);
        struct ruleset rs = RULESET_INIT;
        struct diags d = DIAGS_INIT;
        size_t errors = rules_load_text(&rs, "bad.yml", text, strlen(text), &d);
        T_CHECK(t_fmt("%s: load error", b->what), errors >= 1);
        T_EQ_INT(t_fmt("%s: rule not added", b->what), rs.n, 0);
        T_EQ_INT(t_fmt("%s: diagnostics match the count", b->what), diags_count(&d, DIAG_ERROR),
                 errors);
        if (d.n > 0) {
            /* The YAML error's line is libyaml's; only require it is within the text. */
            if (strcmp(b->what, "YAML syntax error") == 0)
                T_CHECK(t_fmt("%s: line within the file (%lu)", b->what, d.v[0].line),
                        d.v[0].line >= 10 && d.v[0].line <= 22);
            else
                T_EQ_INT(t_fmt("%s: line (%s)", b->what, d.v[0].message), d.v[0].line, want);
            T_EQ_STR(t_fmt("%s: file named", b->what), d.v[0].path, "bad.yml");
        }
        ruleset_release(&rs);
        diags_release(&d);
        free(text);
    }
}

/* Loads a rule of `category` with the given detection block (indented by two
 * spaces). Returns NULL (and fails a check) when it does not load. */
static const struct rule *
load_rule(struct ruleset *rs, const char *what, const char *category, const char *detection)
{
    struct buf b = BUF_INIT;
    buf_addf(&b,
             "title: \"%s\"\nid: t-%zu\ndescription: x\nreferences:\n  - https://example.org/\n"
             "logsource:\n  category: %s\ndetection:\n%slevel: low\n"
             "remediation:\n  vsphere_client: \"{{vm.name|text}}\"\n"
             "tests:\n  match:\n    - \"a = 1\"\n  no_match:\n    - \"a = 2\"\n",
             what, rs->n, category, detection);
    struct diags d = DIAGS_INIT;
    size_t errors = rules_load_text(rs, what, b.p, b.len, &d);
    const char *msg = d.n ? t_fmt("line %lu: %s", d.v[0].line, d.v[0].message) : "";
    T_CHECK(t_fmt("%s: rule loads (%s)", what, msg), errors == 0);
    diags_release(&d);
    buf_release(&b);
    return errors == 0 && rs->n > 0 ? rs->v[rs->n - 1] : NULL;
}

/* For a vm rule: 1 when it matches the VM of `vmx`. For a nic or controller
 * rule: a bit mask of the matching devices (NIC index / controller position). */
static unsigned
matches(const struct rule *rule, const char *vmx)
{
    if (rule == NULL)
        return 0xdead;
    struct diags d = DIAGS_INIT;
    struct buf text = BUF_INIT;
    buf_adds(&text, "config.version = \"8\"\n");
    buf_adds(&text, vmx);
    struct vm *vm = vm_from_vmx(vmx_parse(text.p, text.len, "m.vmx", &d), "m.vmx");
    T_EQ_INT(t_fmt("%s: sample .vmx has no error", rule->title), diags_count(&d, DIAG_ERROR), 0);
    struct record_ctx ctx = {false};
    struct record r = {.kind = rule->kind, .vm = vm, .ctx = &ctx};
    unsigned mask = 0;
    if (rule->kind == REC_VM) {
        mask = rule_match(rule, &r);
    } else if (rule->kind == REC_NIC) {
        for (size_t i = 0; i < vm->nnics; i++) {
            r.nic = &vm->nics[i];
            if (rule_match(rule, &r))
                mask |= 1u << vm->nics[i].index;
        }
    } else {
        for (size_t i = 0; i < vm->nctrls; i++) {
            r.ctrl = &vm->ctrls[i];
            if (rule_match(rule, &r))
                mask |= 1u << i;
        }
    }
    vm_free(vm);
    diags_release(&d);
    buf_release(&text);
    return mask;
}

struct mcase {
    const char *vmx;
    unsigned want;
};

struct mrule {
    const char *what;
    const char *category;
    const char *detection;
    struct mcase cases[5];
};

static const struct mrule match_rules[] = {
    {"list of values is OR",
     "vm",
     "  sel:\n    vm.guest_os:\n      - windows9-64\n      - windows7-64\n  condition: sel\n",
     {{"guestOS = \"windows7-64\"\n", 1},
      {"guestOS = \"windows9-64\"\n", 1},
      {"guestOS = \"rhel7-64\"\n", 0},
      {"", 0}}},
    {"|all needs every value",
     "vm",
     "  sel:\n    vm.guest_os|contains|all:\n      - windows\n      - \"-64\"\n  condition: sel\n",
     {{"guestOS = \"windows9-64\"\n", 1},
      {"guestOS = \"windows9\"\n", 0},
      {"guestOS = \"rhel7-64\"\n", 0}}},
    {"|contains ignores case (Sigma)",
     "vm",
     "  sel:\n    vm.name|contains: prod\n  condition: sel\n",
     {{"displayName = \"web-PROD-01\"\n", 1}, {"displayName = \"web-test\"\n", 0}, {"", 0}}},
    {"|startswith",
     "vm",
     "  sel:\n    vm.guest_os|startswith: windows\n  condition: sel\n",
     {{"guestOS = \"windows9-64\"\n", 1},
      {"guestOS = \"winvista\"\n", 0},
      {"guestOS = \"otherwindows\"\n", 0}}},
    {"|endswith",
     "vm",
     "  sel:\n    vm.guest_os|endswith: \"-64\"\n  condition: sel\n",
     {{"guestOS = \"rhel7-64\"\n", 1}, {"guestOS = \"rhel7\"\n", 0}}},
    {"|re",
     "vm",
     "  sel:\n    vm.guest_os|re: '^rhel[0-9]+-64$'\n  condition: sel\n",
     {{"guestOS = \"rhel7-64\"\n", 1},
      {"guestOS = \"rhel7\"\n", 0},
      {"guestOS = \"xrhel7-64\"\n", 0}}},
    {"|lt",
     "vm",
     "  sel:\n    vm.memory_mb|lt: 8192\n  condition: sel\n",
     {{"memsize = \"4096\"\n", 1}, {"memsize = \"8192\"\n", 0}, {"", 0}}},
    {"|gte",
     "vm",
     "  sel:\n    vm.hw_version|gte: 15\n  condition: sel\n",
     {{"virtualHW.version = \"15\"\n", 1},
      {"virtualHW.version = \"14\"\n", 0},
      {"virtualHW.version = \"20\"\n", 1},
      {"", 0}}},
    {"|exists: true",
     "vm",
     "  sel:\n    vm.mem_reservation_mb|exists: true\n  condition: sel\n",
     {{"memsize = \"4096\"\nsched.mem.min = \"1024\"\n", 1}, {"memsize = \"4096\"\n", 0}}},
    {"|exists: false",
     "vm",
     "  sel:\n    vm.mem_reservation_mb|exists: false\n  condition: sel\n",
     {{"memsize = \"4096\"\nsched.mem.min = \"1024\"\n", 0}, {"memsize = \"4096\"\n", 1}}},
    {"null",
     "vm",
     "  sel:\n    vm.name: null\n  condition: sel\n",
     {{"", 1}, {"displayName = \"web\"\n", 0}}},
    {"false is not null",
     "vm",
     "  sel:\n    vm.vhv_enable: false\n  condition: sel\n",
     {{"vhv.enable = \"FALSE\"\n", 1}, {"vhv.enable = \"TRUE\"\n", 0}, {"", 0}}},
    {"not",
     "vm",
     "  sel:\n    vm.guest_family: windows\n  filter:\n    vm.hw_version|gte: 15\n"
     "  condition: sel and not filter\n",
     {{"guestOS = \"windows9-64\"\nvirtualHW.version = \"14\"\n", 1},
      {"guestOS = \"windows9-64\"\nvirtualHW.version = \"15\"\n", 0},
      {"guestOS = \"rhel7-64\"\nvirtualHW.version = \"14\"\n", 0}}},
    {"1 of sel_*",
     "vm",
     "  sel_sound:\n    vm.sound_present: true\n  sel_usb:\n    vm.usb_present: true\n"
     "  other:\n    vm.vcpus|gte: 1\n  condition: 1 of sel_*\n",
     {{"sound.present = \"TRUE\"\n", 1},
      {"usb.present = \"TRUE\"\n", 1},
      {"numvcpus = \"2\"\n", 0}}},
    {"all of them",
     "vm",
     "  a:\n    vm.vhv_enable: true\n  b:\n    vm.memory_mb|gte: 8192\n  condition: all of them\n",
     {{"vhv.enable = \"TRUE\"\nmemsize = \"8192\"\n", 1},
      {"vhv.enable = \"TRUE\"\nmemsize = \"4096\"\n", 0},
      {"memsize = \"16384\"\n", 0}}},
    {"or and parentheses",
     "vm",
     "  a:\n    vm.sound_present: true\n  b:\n    vm.usb_present: true\n  c:\n"
     "    vm.vcpus|gte: 4\n  condition: (a or b) and c\n",
     {{"sound.present = \"TRUE\"\nnumvcpus = \"4\"\n", 1},
      {"sound.present = \"TRUE\"\n", 0},
      {"numvcpus = \"8\"\n", 0}}},
    {"list of maps is OR of ANDs",
     "vm",
     "  sel:\n    - vm.guest_os: rhel7-64\n      vm.memory_mb|lt: 2048\n"
     "    - vm.memory_mb|lt: 512\n  condition: sel\n",
     {{"guestOS = \"rhel7-64\"\nmemsize = \"1024\"\n", 1},
      {"guestOS = \"rhel7-64\"\nmemsize = \"4096\"\n", 0},
      {"guestOS = \"ubuntu-64\"\nmemsize = \"256\"\n", 1}}},
    {"raw vmx.* field",
     "vm",
     "  sel:\n    vmx.vhc.enable|exists: true\n  condition: sel\n",
     {{"vhc.enable = \"TRUE\"\n", 1}, {"vhv.enable = \"TRUE\"\n", 0}}},
    /* A NIC rule looks at one NIC at a time (DESIGN.md: "never mixes two NICs"). */
    {"nic record per device",
     "nic",
     "  sel:\n    nic.type: e1000\n    nic.present: true\n  condition: sel\n",
     {{"ethernet0.present = \"FALSE\"\nethernet0.virtualDev = \"e1000\"\n"
       "ethernet1.present = \"TRUE\"\nethernet1.virtualDev = \"vmxnet3\"\n",
       0},
      {"ethernet0.present = \"TRUE\"\nethernet0.virtualDev = \"vmxnet3\"\n"
       "ethernet1.present = \"TRUE\"\nethernet1.virtualDev = \"E1000\"\n",
       1u << 1}}},
    {"controller record",
     "controller",
     "  sel:\n    controller.type: pvscsi\n    controller.present: true\n  condition: sel\n",
     {{"scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"lsilogic\"\n"
       "scsi1.present = \"TRUE\"\nscsi1.virtualDev = \"pvscsi\"\n",
       1u << 1},
      {"scsi0.present = \"FALSE\"\nscsi0.virtualDev = \"pvscsi\"\n", 0}}},
};

static void
test_matching(void)
{
    for (size_t i = 0; i < sizeof(match_rules) / sizeof(match_rules[0]); i++) {
        const struct mrule *m = &match_rules[i];
        struct ruleset rs = RULESET_INIT;
        const struct rule *rule = load_rule(&rs, m->what, m->category, m->detection);
        for (size_t k = 0; k < 5 && m->cases[k].vmx; k++)
            T_EQ_INT(t_fmt("%s: sample %zu", m->what, k), matches(rule, m->cases[k].vmx),
                     m->cases[k].want);
        ruleset_release(&rs);
    }
}

static void
test_render(void)
{
    struct ruleset rs = RULESET_INIT;
    const struct rule *rule =
        load_rule(&rs, "render", "vm", "  sel:\n    vm.name|exists: true\n  condition: sel\n");
    if (rule == NULL) {
        ruleset_release(&rs);
        return;
    }
    static const char vmx[] = "config.version = \"8\"\ndisplayName = \"Bob's VM\"\n"
                              "memsize = \"4096\"\n";
    struct diags d = DIAGS_INIT;
    struct vm *vm = vm_from_vmx(vmx_parse(vmx, sizeof(vmx) - 1, "r.vmx", &d), "r.vmx");
    struct record r = {.kind = REC_VM, .vm = vm};
    char *s = rule_render(rule, "powercli", "Get-VM -Name {{vm.name|ps}}", &r);
    T_EQ_STR("|ps doubles a single quote", s, "Get-VM -Name 'Bob''s VM'");
    free(s);
    s = rule_render(rule, "esxi_shell", "vim-cmd {{vm.name|sh}}", &r);
    T_EQ_STR("|sh closes, escapes and reopens", s, "vim-cmd 'Bob'\\''s VM'");
    free(s);
    s = rule_render(rule, "vsphere_client", "{{vm.name|text}} has {{vm.memory_mb|int}} MB", &r);
    T_EQ_STR("text and number placeholders", s, "Bob's VM has 4096 MB");
    free(s);
    s = rule_render(rule, "vsphere_client", "no placeholder", &r);
    T_EQ_STR("text without placeholders", s, "no placeholder");
    free(s);
    vm_free(vm);

    static const char noname[] = "config.version = \"8\"\n";
    vm = vm_from_vmx(vmx_parse(noname, sizeof(noname) - 1, "n.vmx", &d), "n.vmx");
    r.vm = vm;
    s = rule_render(rule, "powercli", "Get-VM -Name {{vm.name|ps}}", &r);
    T_EQ_STR("missing value renders as an empty quoted string", s, "Get-VM -Name ''");
    free(s);
    vm_free(vm);

    /* a name holding a newline and an ESC (|0A, |1B in the .vmx) */
    static const char evil[] = "config.version = \"8\"\ndisplayName = \"a|0Arm -rf /|1B[2J\"\n";
    vm = vm_from_vmx(vmx_parse(evil, sizeof(evil) - 1, "e.vmx", &d), "e.vmx");
    r.vm = vm;
    s = rule_render(rule, "esxi_shell", "  vim-cmd x {{vm.name|sh}} # a\nvmware -vl\n", &r);
    T_EQ_STR("unquotable value: its line left out, the others kept", s,
             "  # (a line is left out here: vm.name holds characters that cannot be put safely "
             "into a POSIX shell command; act on the object this finding names by hand)\n"
             "vmware -vl\n");
    free(s);
    s = rule_render(rule, "guest_windows", "findstr /c:{{vm.name|cmd}}", &r);
    T_CHECK("cmd: left out with a rem line",
            s && strncmp(s, "rem (a line is left out", 23) == 0 && strchr(s, '\n') == NULL);
    free(s);
    s = rule_render(rule, "vsphere_client", "VM {{vm.name|text}}.", &r);
    T_EQ_STR("text: escaped, on one line", s, "VM a\\x0arm -rf /\\x1b[2J.");
    free(s);
    vm_free(vm);
    diags_release(&d);
    ruleset_release(&rs);
}

/* The rules compiled into the binary (the .yml files of rules/) all load. */
static void
test_builtin(void)
{
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    size_t errors = rules_load_builtin(&rs, &d);
    const char *first = d.n ? t_fmt("%s:%lu: %s", d.v[0].path, d.v[0].line, d.v[0].message) : "";
    T_EQ_INT(t_fmt("built-in rules load without errors (%s)", first), errors, 0);
    T_EQ_INT("built-in rules: no error diagnostics", diags_count(&d, DIAG_ERROR), 0);
    for (size_t i = 0; i < rs.n; i++)
        T_CHECK(t_fmt("%s: cites a reference", rs.v[i]->id), rs.v[i]->nrefs > 0);
    ruleset_release(&rs);
    diags_release(&d);
}

/* The known-issue facts of a rule: affects, fixed_in, workaround. */
static void
test_known_issue(void)
{
    char *text = replace(base_rule, "level: high\n",
                         "level: high\naffects: [ESXi 6.7, ESXi 7.0 Update 2]\nfixed_in:\n"
                         "  - {version: ESXi 7.0 Update 3c, build: 19193900}\n"
                         "  - version: ESXi 6.7 P07\nworkaround: Turn it off.\n");
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    size_t errors = rules_load_text(&rs, "ki.yml", text, strlen(text), &d);
    T_EQ_INT("known issue: loads", errors, 0);
    if (rs.n == 1) {
        const struct rule *r = rs.v[0];
        T_EQ_INT("affects count", r->naffects, 2);
        T_EQ_STR("affects[1]", r->naffects > 1 ? r->affects[1] : NULL, "ESXi 7.0 Update 2");
        T_EQ_INT("fixed_in count", r->nfixed_in, 2);
        T_EQ_STR("fixed_in version", r->nfixed_in ? r->fixed_in[0].version : NULL,
                 "ESXi 7.0 Update 3c");
        T_EQ_INT("fixed_in build", r->nfixed_in ? r->fixed_in[0].build : -1, 19193900);
        T_EQ_INT("fixed_in without build", r->nfixed_in > 1 ? r->fixed_in[1].build : -1, 0);
        T_EQ_STR("workaround", r->workaround, "Turn it off.");
    }
    ruleset_release(&rs);
    diags_release(&d);
    free(text);
}

/* `key: ` then n nested flow lists on line 2 (after a title line): the
 * document's map is level 1, so the lists are levels 2..n+1. */
static char *
nested_lists(size_t n)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "title: deep\nkey: ");
    for (size_t i = 0; i < n; i++)
        buf_addc(&b, '[');
    for (size_t i = 0; i < n; i++)
        buf_addc(&b, ']');
    buf_addc(&b, '\n');
    return buf_detach(&b);
}

/* The first error's message, or "". */
static const char *
first_msg(const struct diags *d)
{
    return d->n ? d->v[0].message : "";
}

/* Hostile rule texts (--rules DIR is input): bounded YAML depth before
 * libyaml builds the document, no aliases, the condition's token bound
 * without a leak (the asan suite), and a regex that gives up is reported. */
static void
test_hostile(void)
{
    static const struct {
        size_t lists;
        bool too_deep;
    } depth[] = {{63, false}, {64, true}, {100000, true}};
    for (size_t i = 0; i < sizeof(depth) / sizeof(depth[0]); i++) {
        char *text = nested_lists(depth[i].lists);
        struct ruleset rs = RULESET_INIT;
        struct diags d = DIAGS_INIT;
        size_t errors = rules_load_text(&rs, "deep.yml", text, strlen(text), &d);
        bool deep = d.n > 0 && strstr(d.v[0].message, "nests deeper than 64") != NULL;
        T_CHECK(t_fmt("%zu nested lists: an error either way (schema or depth)", depth[i].lists),
                errors >= 1);
        T_EQ_INT(t_fmt("%zu nested lists (%zu levels): depth error (%s)", depth[i].lists,
                       depth[i].lists + 1, first_msg(&d)),
                 deep, depth[i].too_deep);
        if (depth[i].too_deep) {
            T_EQ_INT(t_fmt("%zu nested lists: one error", depth[i].lists), errors, 1);
            T_EQ_INT(t_fmt("%zu nested lists: line 2", depth[i].lists), d.n ? d.v[0].line : 0, 2);
            T_EQ_STR(t_fmt("%zu nested lists: file named", depth[i].lists),
                     d.n ? d.v[0].path : NULL, "deep.yml");
        }
        ruleset_release(&rs);
        diags_release(&d);
        free(text);
    }

    char *alias = replace(base_rule, "title: Test rule\n", "title: &t Test rule\nauthor: *t\n");
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    size_t errors = rules_load_text(&rs, "alias.yml", alias, strlen(alias), &d);
    T_EQ_INT("alias: one error", errors, 1);
    T_EQ_INT("alias: rule not added", rs.n, 0);
    T_EQ_INT("alias: its line", d.n ? d.v[0].line : 0, 2);
    T_CHECK(t_fmt("alias: says so (%s)", first_msg(&d)), strstr(first_msg(&d), "alias '*t'"));
    ruleset_release(&rs);
    diags_release(&d);
    free(alias);

    /* 150 selections joined by `or`: 299 tokens, past the bound of 256 */
    struct buf cond = BUF_INIT;
    buf_adds(&cond, "condition: sel");
    for (int i = 1; i < 150; i++)
        buf_adds(&cond, " or sel");
    buf_addc(&cond, '\n');
    char *longc = replace(base_rule, "condition: sel\n", buf_str(&cond));
    rs = (struct ruleset)RULESET_INIT;
    errors = rules_load_text(&rs, "cond.yml", longc, strlen(longc), &d);
    T_EQ_INT("299-token condition: one error", errors, 1);
    T_CHECK(t_fmt("299-token condition: too long (%s)", first_msg(&d)),
            strstr(first_msg(&d), "condition is too long"));
    T_EQ_INT("299-token condition: its line", d.n ? d.v[0].line : 0, 13);
    ruleset_release(&rs);
    diags_release(&d);
    free(longc);
    buf_release(&cond);

    /* (a+)+$ on 40 a's and a b backtracks 2^40 times: past the match limit */
    int code;
    PCRE2_SIZE off;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR) "^(a+)+$", PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    char slow[48];
    memset(slow, 'a', 40);
    memcpy(slow + 40, "b", 2);
    T_CHECK("regex: a plain match is a match", rule_re_match(re, "^(a+)+$", "aaaa"));
    T_CHECK("regex: a plain match leaves nothing to report", !rule_re_report(&d, "x.vmx", 0));
    T_CHECK("regex: a quick miss is a miss", !rule_re_match(re, "^(a+)+$", "b"));
    T_CHECK("regex: a quick miss leaves nothing to report", !rule_re_report(&d, "x.vmx", 0));
    T_CHECK("regex: gave up is not a match", !rule_re_match(re, "^(a+)+$", slow));
    T_CHECK("regex: gave up is reported", rule_re_report(&d, "x.vmx", 7));
    T_EQ_INT("regex: one error", diags_count(&d, DIAG_ERROR), 1);
    T_EQ_INT("regex: the record's line", d.n ? d.v[0].line : 0, 7);
    T_CHECK(t_fmt("regex: names the pattern and the limit (%s)", first_msg(&d)),
            strstr(first_msg(&d), "'^(a+)+$' gave up (match limit"));
    T_CHECK("regex: reported once", !rule_re_report(&d, "x.vmx", 0));
    pcre2_code_free(re);
    diags_release(&d);
}

int
test_rules(void)
{
    int before = t_failed;
    test_valid();
    test_load_errors();
    test_matching();
    test_render();
    test_known_issue();
    test_builtin();
    test_hostile();
    return t_failed - before;
}
