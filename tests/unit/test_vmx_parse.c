/* test_vmx_parse: the .vmx grammar of shared kb/vmx.md §1 (open-vm-tools
 * lib/dict/dictll.c DictLL_UnmarshalLine and lib/misc/escape.c Escape_Undo),
 * checked case by case against vmx_parse. Every expected value below is what
 * that grammar says, not what the parser printed. */
#include "t.h"
#include "util_buf.h"
#include "util_mem.h"
#include "vmx_parse.h"

#include <stdlib.h>
#include <string.h>

#define PRELUDE "config.version = \"8\"\n"

/* One `name = value` line after a config.version line (so the text counts as
 * a VMware config and malformed lines would be reported), looked up by `key`. */
struct vcase {
    const char *what;
    const char *line;
    const char *key;
    const char *want;
};

static const struct vcase value_cases[] = {
    {"quoted value", "displayName = \"web 01\"", "displayName", "web 01"},
    {"unquoted value", "memsize = 2048", "memsize", "2048"},
    {"no blanks around =", "memsize=2048", "memsize", "2048"},
    {"tabs and leading blanks", "\t  guestOS\t=\t\"rhel7-64\"\t", "guestOS", "rhel7-64"},
    {"# inside quotes is data", "serial0.vspc = \"telnets://h:1#thumbprint=AB\"", "serial0.vspc",
     "telnets://h:1#thumbprint=AB"},
    {"comment after quoted value", "numvcpus = \"2\"  # note", "numvcpus", "2"},
    {"comment after unquoted value", "numvcpus = 2 # note", "numvcpus", "2"},
    {"unquoted value ends at #", "numvcpus = 2#note", "numvcpus", "2"},
    {"implied empty value", "ide1:0.fileName =", "ide1:0.fileName", ""},
    {"implied empty value, trailing blanks", "ide1:0.fileName =   ", "ide1:0.fileName", ""},
    {"implied empty value, comment", "ide1:0.fileName = # none", "ide1:0.fileName", ""},
    {"empty quoted value", "annotation = \"\"", "annotation", ""},
    {"= inside unquoted value", "k = a=b", "k", "a=b"},
    {"= inside quoted value", "k = \"a = b\"", "k", "a = b"},
    {"quote inside unquoted value", "k = a\"b", "k", "a\"b"},
    {"|0A is a newline", "annotation = \"a|0Ab\"", "annotation", "a\nb"},
    {"|0a lower-case hex", "annotation = \"a|0ab\"", "annotation", "a\nb"},
    {"|22 is a double quote", "guestinfo.x = \"{|22v|22:1}\"", "guestinfo.x", "{\"v\":1}"},
    {"|4a and |4A", "k = \"|4a|4A\"", "k", "JJ"},
    {"invalid |G1 kept", "k = \"a|G1\"", "k", "a|G1"},
    {"trailing | kept", "k = \"abc|\"", "k", "abc|"},
    {"| and one hex digit at the end kept", "k = \"abc|4\"", "k", "abc|4"},
    {"|7C gives a | that is not read again", "k = \"|7C41\"", "k", "|41"},
    /* Escape_Undo: after `|` and a non-hex byte the state machine restarts at
     * the byte after it, so the second `|` of `||41` starts nothing. */
    {"||41 kept (Escape_Undo state machine)", "k = \"||41\"", "k", "||41"},
    {"|4|41 kept (Escape_Undo state machine)", "k = \"|4|41\"", "k", "|4|41"},
    {"|G|41: the second | starts a sequence", "k = \"|G|41\"", "k", "|GA"},
    {"|4G|41: the second | starts a sequence", "k = \"|4G|41\"", "k", "|4GA"},
    {"escapes in unquoted values", "k = a|20b", "k", "a b"},
    {"UTF-8 bytes pass through", "displayName = \"Caf\xc3\xa9\"", "displayName", "Caf\xc3\xa9"},
    {"* in a name", "pciPassthru*.present = \"False\"", "pciPassthru*.present", "False"},
    {": in a name", "scsi0:0.fileName = \"disk.vmdk\"", "scsi0:0.fileName", "disk.vmdk"},
    {"- in a name", "nvp.vm-uuid = \"x\"", "nvp.vm-uuid", "x"},
    {"name starting with .", ".encoding = \"UTF-8\"", ".encoding", "UTF-8"},
    {"comment-looking text in quotes", "k = \"# not a comment\" # a comment", "k",
     "# not a comment"},
};

static struct vmx_doc *
parse(const char *text, size_t len, struct diags *d)
{
    return vmx_parse(text, len, "t.vmx", d);
}

static void
test_values(void)
{
    for (size_t i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
        const struct vcase *c = &value_cases[i];
        struct buf b = BUF_INIT;
        buf_adds(&b, PRELUDE);
        buf_adds(&b, c->line);
        buf_adds(&b, "\n");
        struct diags d = DIAGS_INIT;
        struct vmx_doc *doc = parse(b.p, b.len, &d);
        T_EQ_STR(t_fmt("%s: value", c->what), vmx_get(doc, c->key), c->want);
        T_EQ_INT(t_fmt("%s: no error", c->what), diags_count(&d, DIAG_ERROR), 0);
        T_EQ_INT(t_fmt("%s: no malformed line", c->what), vmx_malformed_lines(doc), 0);
        const struct vmx_entry *e = vmx_find(doc, c->key);
        if (T_CHECK(t_fmt("%s: entry found", c->what), e)) {
            T_EQ_INT(t_fmt("%s: line", c->what), e->line, 2);
            T_EQ_STR(t_fmt("%s: key as written", c->what), e->key, c->key);
            T_EQ_STR(t_fmt("%s: raw line", c->what), e->raw, c->line);
        }
        vmx_doc_free(doc);
        diags_release(&d);
        buf_release(&b);
    }
}

static void
test_case_insensitive(void)
{
    static const char text[] = PRELUDE "memSize = \"1024\"\n";
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = parse(text, sizeof(text) - 1, &d);
    T_EQ_STR("memSize found as memsize", vmx_get(doc, "memsize"), "1024");
    T_EQ_STR("memSize found as MEMSIZE", vmx_get(doc, "MEMSIZE"), "1024");
    T_EQ_STR("memSize found as memSize", vmx_get(doc, "memSize"), "1024");
    const struct vmx_entry *e = vmx_find(doc, "MemSize");
    if (T_CHECK("memSize entry", e)) {
        T_EQ_STR("key kept as written", e->key, "memSize");
        T_EQ_STR("lower-cased key", e->lkey, "memsize");
    }
    T_CHECK("absent key", vmx_get(doc, "memsize2") == NULL);
    T_EQ_STR("vmx_findf",
             vmx_findf(doc, "mem%s", "SIZE") ? vmx_findf(doc, "mem%s", "SIZE")->value : NULL,
             "1024");
    T_EQ_INT("no error", diags_count(&d, DIAG_ERROR), 0);
    vmx_doc_free(doc);
    diags_release(&d);
}

/* Line ends: LF, CRLF and a lone CR all end a line (kb §1.4); the \r of CRLF
 * is not part of the value or the raw line. */
struct lecase {
    const char *what;
    const char *text;
    const char *key;
    const char *want;
    unsigned long line;
    int crlf;
};

static const struct lecase line_end_cases[] = {
    {"LF", "config.version = \"8\"\nb = \"2\"\n", "b", "2", 2, 0},
    {"CRLF", "config.version = \"8\"\r\nb = \"2\"\r\n", "b", "2", 2, 1},
    {"CRLF, unquoted value", "config.version = \"8\"\r\nb = 2\r\n", "b", "2", 2, 1},
    {"lone CR", "config.version = \"8\"\rb = \"2\"\r", "b", "2", 2, 0},
    {"blank CRLF line counts", "config.version = \"8\"\r\n\r\nb = \"2\"\r\n", "b", "2", 3, 1},
    {"two lone CRs", "config.version = \"8\"\r\rb = \"2\"", "b", "2", 3, 0},
    {"CR then CRLF", "config.version = \"8\"\r\r\nb = \"2\"", "b", "2", 3, 1},
    {"mixed", "config.version = \"8\"\nx = 1\r\ny = 2\rb = \"2\"\n", "b", "2", 4, 1},
    {"no final line end", "config.version = \"8\"\nb = \"2\"", "b", "2", 2, 0},
    {"CRLF, comment", "config.version = \"8\"\r\nb = \"2\" # c\r\n", "b", "2", 2, 1},
};

static void
test_line_ends(void)
{
    for (size_t i = 0; i < sizeof(line_end_cases) / sizeof(line_end_cases[0]); i++) {
        const struct lecase *c = &line_end_cases[i];
        struct diags d = DIAGS_INIT;
        struct vmx_doc *doc = parse(c->text, strlen(c->text), &d);
        const struct vmx_entry *e = vmx_find(doc, c->key);
        if (T_CHECK(t_fmt("%s: entry found", c->what), e)) {
            T_EQ_STR(t_fmt("%s: value", c->what), e->value, c->want);
            T_EQ_INT(t_fmt("%s: line", c->what), e->line, c->line);
            T_CHECK(t_fmt("%s: no CR in the raw line", c->what), strchr(e->raw, '\r') == NULL);
        }
        T_EQ_STR(t_fmt("%s: config.version", c->what), vmx_get(doc, "config.version"), "8");
        T_EQ_INT(t_fmt("%s: CRLF seen", c->what), vmx_has_crlf(doc), c->crlf);
        T_EQ_INT(t_fmt("%s: no error", c->what), diags_count(&d, DIAG_ERROR), 0);
        vmx_doc_free(doc);
        diags_release(&d);
    }
}

static void
test_bom(void)
{
    static const char text[] = "\xef\xbb\xbf.encoding = \"UTF-8\"\nconfig.version = \"8\"\n";
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = parse(text, sizeof(text) - 1, &d);
    const struct vmx_entry *e = vmx_find(doc, ".encoding");
    if (T_CHECK("BOM: .encoding is the first key", e)) {
        T_EQ_STR("BOM: key has no BOM bytes", e->key, ".encoding");
        T_EQ_INT("BOM: line 1", e->line, 1);
    }
    T_EQ_INT("BOM: two entries", vmx_count(doc), 2);
    T_EQ_STR("BOM: vmx_encoding", vmx_encoding(doc), "UTF-8");
    T_EQ_INT("BOM: no error", diags_count(&d, DIAG_ERROR), 0);
    vmx_doc_free(doc);
    diags_release(&d);
}

/* True when `msg` holds `n` as a whole decimal number. */
static int
has_number(const char *msg, unsigned long n)
{
    for (const char *p = msg; *p;) {
        if (*p >= '0' && *p <= '9') {
            char *end;
            unsigned long v = strtoul(p, &end, 10);
            if (v == n)
                return 1;
            p = end;
        } else {
            p++;
        }
    }
    return 0;
}

/* kb §1.9: duplicates (after case-folding) are flagged as errors, and the
 * first value wins (libvirt virConfGetValue walks in file order). */
static void
test_duplicates(void)
{
    static const char text[] = "config.version = \"8\"\n"      /* 1 */
                               "displayName = \"dup\"\n"       /* 2 */
                               "msg.autoAnswer = \"TRUE\"\n"   /* 3 */
                               "guestOS = \"other\"\n"         /* 4 */
                               "\n"                            /* 5 */
                               "# comment\n"                   /* 6 */
                               "memsize = \"512\"\n"           /* 7 */
                               "numvcpus = \"1\"\n"            /* 8 */
                               "annotation = \"x\"\n"          /* 9 */
                               "floppy0.present = \"FALSE\"\n" /* 10 */
                               "msg.autoanswer = \"FALSE\"\n"; /* 11 */
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = parse(text, sizeof(text) - 1, &d);
    T_EQ_STR("duplicate: first value wins", vmx_get(doc, "msg.autoAnswer"), "TRUE");
    T_EQ_INT("duplicate: one error", diags_count(&d, DIAG_ERROR), 1);
    if (T_EQ_INT("duplicate: one diagnostic", d.n, 1)) {
        T_EQ_INT("duplicate: error level", d.v[0].level, DIAG_ERROR);
        T_EQ_INT("duplicate: reported at the second line", d.v[0].line, 11);
        T_CHECK(t_fmt("duplicate: message names line 3 (%s)", d.v[0].message),
                has_number(d.v[0].message, 3));
        T_EQ_STR("duplicate: path", d.v[0].path, "t.vmx");
    }
    /* Both occurrences stay visible to a reporter. */
    int seen = 0;
    for (size_t i = 0; i < vmx_count(doc); i++) {
        const struct vmx_entry *e = vmx_at(doc, i);
        if (strcmp(e->lkey, "msg.autoanswer") != 0)
            continue;
        seen++;
        if (e->line == 3)
            T_EQ_INT("duplicate: first has no earlier entry", e->first, -1);
        else if (T_EQ_INT("duplicate: second at line 11", e->line, 11) && e->first >= 0)
            T_EQ_INT("duplicate: points at line 3", vmx_at(doc, (size_t)e->first)->line, 3);
    }
    T_EQ_INT("duplicate: both entries kept", seen, 2);
    vmx_doc_free(doc);
    diags_release(&d);

    static const char three[] = "config.version = \"8\"\nk = 1\nK = 2\nk = 3\n";
    doc = parse(three, sizeof(three) - 1, &d);
    T_EQ_INT("triplicate: two errors", diags_count(&d, DIAG_ERROR), 2);
    for (size_t i = 0; i < d.n; i++)
        T_CHECK(t_fmt("triplicate: error %zu names line 2", i), has_number(d.v[i].message, 2));
    T_EQ_STR("triplicate: first value wins", vmx_get(doc, "k"), "1");
    vmx_doc_free(doc);
    diags_release(&d);
}

/* Lines that do not match the grammar (kb §1.1: "weird" lines). */
static void
test_malformed(void)
{
    static const char text[] = "config.version = \"8\"\n" /* 1 */
                               "numvcpus = \"2\n"         /* 2 unbalanced quote */
                               "displayName = my vm\n"    /* 3 text after the value */
                               "justtext\n"               /* 4 no = */
                               "memsize = \"1024\"\n"     /* 5 fine */
                               "= \"noname\"\n"           /* 6 no name */
                               "guestOS = \"a\" \"b\"\n"  /* 7 text after the value */
                               "annotation = \"a\"b\n"    /* 8 text right after the quote */
                               "\t\n";                    /* 9 blank */
    static const unsigned long bad[] = {2, 3, 4, 6, 7, 8};
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = parse(text, sizeof(text) - 1, &d);
    T_EQ_INT("malformed: count", vmx_malformed_lines(doc), 6);
    if (T_EQ_INT("malformed: one error per bad line", diags_count(&d, DIAG_ERROR), 6)) {
        for (size_t i = 0; i < 6; i++) {
            T_EQ_INT(t_fmt("malformed: error %zu line", i), d.v[i].line, bad[i]);
            T_EQ_STR(t_fmt("malformed: error %zu path", i), d.v[i].path, "t.vmx");
        }
    }
    T_CHECK("malformed: unbalanced quote defines nothing", vmx_get(doc, "numvcpus") == NULL);
    T_CHECK("malformed: 'key = a b' defines nothing", vmx_get(doc, "displayName") == NULL);
    T_CHECK("malformed: text after quotes defines nothing", vmx_get(doc, "guestOS") == NULL);
    T_EQ_STR("malformed: good line still read", vmx_get(doc, "memsize"), "1024");
    T_EQ_INT("malformed: entries", vmx_count(doc), 2);
    vmx_doc_free(doc);
    diags_release(&d);
}

static void
test_comments(void)
{
    static const char shebang[] = "#!/usr/bin/vmware\nconfig.version = \"8\"\n";
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = parse(shebang, sizeof(shebang) - 1, &d);
    T_EQ_INT("shebang: no error", diags_count(&d, DIAG_ERROR), 0);
    T_EQ_INT("shebang: one comment line", vmx_comment_lines(doc), 1);
    T_EQ_INT("shebang: one entry", vmx_count(doc), 1);
    T_EQ_INT("shebang: config.version on line 2",
             vmx_find(doc, "config.version") ? vmx_find(doc, "config.version")->line : 0, 2);
    vmx_doc_free(doc);
    diags_release(&d);

    static const char text[] = "# a\n\n  \t# b\nconfig.version = \"8\" # c\n"
                               "#ethernet0.virtualDev = \"e1000\" # commented out\n";
    doc = parse(text, sizeof(text) - 1, &d);
    T_EQ_INT("comments: three comment lines", vmx_comment_lines(doc), 3);
    T_EQ_INT("comments: one entry", vmx_count(doc), 1);
    T_CHECK("comments: commented-out key is not set", vmx_get(doc, "ethernet0.virtualDev") == NULL);
    T_EQ_INT("comments: no error", diags_count(&d, DIAG_ERROR), 0);
    vmx_doc_free(doc);
    diags_release(&d);
}

/* kb §1.6: a non-UTF-8 .encoding is converted (libvirt converts the whole file). */
static void
test_encoding(void)
{
    static const char text[] = ".encoding = \"windows-1252\"\nconfig.version = \"8\"\n"
                               "displayName = \"Caf\xe9\"\n";
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = parse(text, sizeof(text) - 1, &d);
    T_EQ_STR("windows-1252: 0xE9 becomes UTF-8 e-acute", vmx_get(doc, "displayName"),
             "Caf\xc3\xa9");
    T_EQ_STR("windows-1252: encoding", vmx_encoding(doc), "windows-1252");
    T_EQ_INT("windows-1252: no error", diags_count(&d, DIAG_ERROR), 0);
    vmx_doc_free(doc);
    diags_release(&d);

    static const char late[] = "config.version = \"8\"\ndisplayName = \"Caf\xe9\"\n"
                               ".encoding = \"windows-1252\"\n";
    doc = parse(late, sizeof(late) - 1, &d);
    T_EQ_STR("windows-1252 declared last: still converted", vmx_get(doc, "displayName"),
             "Caf\xc3\xa9");
    vmx_doc_free(doc);
    diags_release(&d);

    static const char utf8[] = ".encoding = \"UTF-8\"\nconfig.version = \"8\"\n"
                               "displayName = \"Caf\xc3\xa9\"\n";
    doc = parse(utf8, sizeof(utf8) - 1, &d);
    T_EQ_STR("UTF-8: unchanged", vmx_get(doc, "displayName"), "Caf\xc3\xa9");
    T_EQ_INT("UTF-8: no diagnostics", d.n, 0);
    vmx_doc_free(doc);
    diags_release(&d);

    static const char odd[] = ".encoding = \"x-no-such-charset\"\nconfig.version = \"8\"\n"
                              "displayName = \"Caf\xe9\"\n";
    doc = parse(odd, sizeof(odd) - 1, &d);
    T_EQ_STR("unknown encoding: value kept as stored", vmx_get(doc, "displayName"), "Caf\xe9");
    T_EQ_INT("unknown encoding: not an error", diags_count(&d, DIAG_ERROR), 0);
    T_EQ_INT("unknown encoding: a note", diags_count(&d, DIAG_NOTE), 1);
    vmx_doc_free(doc);
    diags_release(&d);
}

/* shared corpus/vmx/SKIPPED.md: the .vmx extension alone does not identify a
 * VMware config (Valve Hammer maps, binary course files). */
static void
test_is_vmware(void)
{
    static const char hammer[] = "versioninfo\n{\n\t\"editorversion\" \"400\"\n}\n";
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = parse(hammer, sizeof(hammer) - 1, &d);
    T_CHECK("Hammer map is not VMware", !vmx_doc_is_vmware(doc));
    T_EQ_INT("Hammer map: no diagnostics", d.n, 0);
    vmx_doc_free(doc);
    diags_release(&d);

    static const char nul[] = "config.version = \"8\"\nx = \"a\0b\"\n";
    doc = parse(nul, sizeof(nul) - 1, &d);
    T_CHECK("NUL byte: not VMware", !vmx_doc_is_vmware(doc));
    vmx_doc_free(doc);
    diags_release(&d);

    static const char minimal[] = "config.version = \"8\"\n";
    doc = parse(minimal, sizeof(minimal) - 1, &d);
    T_CHECK("config.version alone is VMware", vmx_doc_is_vmware(doc));
    T_EQ_INT("config.version alone: no diagnostics", d.n, 0);
    vmx_doc_free(doc);
    diags_release(&d);

    static const char hw[] = "virtualHW.version = \"4\"\n";
    doc = parse(hw, sizeof(hw) - 1, &d);
    T_CHECK("virtualHW.version alone is VMware", vmx_doc_is_vmware(doc));
    vmx_doc_free(doc);
    diags_release(&d);

    doc = parse("", 0, &d);
    T_CHECK("empty text: a document", doc != NULL);
    if (doc) {
        T_CHECK("empty text is not VMware", !vmx_doc_is_vmware(doc));
        T_EQ_INT("empty text: no entries", vmx_count(doc), 0);
    }
    vmx_doc_free(doc);
    diags_release(&d);
}

static void
test_size_limit(void)
{
    size_t n = VMX_MAX_BYTES + 1;
    char *big = xmalloc(n);
    memset(big, ' ', n);
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = parse(big, n, &d);
    T_CHECK("over VMX_MAX_BYTES: refused", doc == NULL);
    T_EQ_INT("over VMX_MAX_BYTES: one error", diags_count(&d, DIAG_ERROR), 1);
    vmx_doc_free(doc);
    diags_release(&d);
    doc = parse(big, n - 1, &d);
    T_CHECK("exactly VMX_MAX_BYTES: parsed", doc != NULL);
    vmx_doc_free(doc);
    diags_release(&d);
    free(big);
}

/* kb §1.8: TRUE/true/True/FALSE/false/False all occur. */
static void
test_bool(void)
{
    static const struct {
        const char *s;
        int want;
    } rows[] = {
        {"TRUE", 1}, {"true", 1}, {"True", 1}, {"FALSE", 0}, {"false", 0},  {"False", 0},
        {"yes", 1},  {"no", 0},   {"1", 1},    {"0", 0},     {"maybe", -1}, {"", -1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        T_EQ_INT(t_fmt("vmx_bool(\"%s\")", rows[i].s), vmx_bool(rows[i].s), rows[i].want);
    T_EQ_INT("vmx_bool(NULL)", vmx_bool(NULL), -1);
}

int
test_vmx_parse(void)
{
    int before = t_failed;
    test_values();
    test_case_insensitive();
    test_line_ends();
    test_bom();
    test_duplicates();
    test_malformed();
    test_comments();
    test_encoding();
    test_is_vmware();
    test_size_limit();
    test_bool();
    return t_failed - before;
}
