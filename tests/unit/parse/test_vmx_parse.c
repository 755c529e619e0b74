/* test_vmx_parse: the .vmx grammar of shared kb/vmx.md §1 (open-vm-tools
 * lib/dict/dictll.c DictLL_UnmarshalLine and lib/misc/escape.c Escape_Undo),
 * checked case by case against vmx_parse. Every expected value below is what
 * that grammar says, not what the parser printed. */
#include "t.h"
#include "parse/vmx/codepage.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "parse/vmx/vmx_parse.h"

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
    T_EQ_INT("unknown encoding: an error", diags_count(&d, DIAG_ERROR), 1);
    if (T_CHECK("unknown encoding: one diagnostic", d.n == 1)) {
        T_EQ_INT("unknown encoding: names the .encoding line", d.v[0].line, 1);
        T_CHECK("unknown encoding: names the encoding",
                strstr(d.v[0].message, "x-no-such-charset"));
    }
    vmx_doc_free(doc);
    diags_release(&d);

    /* Bytes a known code page does not define: an error naming the line, key
     * and encoding; the value reads with U+FFFD there (cp1252 leaves 0x81 undefined). */
    static const char undef[] = ".encoding = \"windows-1252\"\nconfig.version = \"8\"\n"
                                "displayName = \"a\x81\xe9\"\n";
    doc = parse(undef, sizeof(undef) - 1, &d);
    T_EQ_STR("cp1252 0x81: U+FFFD in its place", vmx_get(doc, "displayName"), u8"a\uFFFD\u00E9");
    if (T_CHECK("cp1252 0x81: one error", d.n == 1 && d.v[0].level == DIAG_ERROR)) {
        T_EQ_INT("cp1252 0x81: on line 3", d.v[0].line, 3);
        T_CHECK("cp1252 0x81: names key, encoding and byte",
                strstr(d.v[0].message, "displayName") && strstr(d.v[0].message, "windows-1252") &&
                    strstr(d.v[0].message, "0x81"));
    }
    vmx_doc_free(doc);
    diags_release(&d);

    /* No .encoding: the text must be UTF-8. */
    static const char latin[] = "config.version = \"8\"\ndisplayName = \"Caf\xe9\"\n";
    doc = parse(latin, sizeof(latin) - 1, &d);
    T_EQ_INT("no .encoding, Latin-1 byte: an error", diags_count(&d, DIAG_ERROR), 1);
    T_EQ_STR("no .encoding, Latin-1 byte: U+FFFD", vmx_get(doc, "displayName"), u8"Caf\uFFFD");
    vmx_doc_free(doc);
    diags_release(&d);

    /* UTF-16 with a byte-order mark, both orders: read as the UTF-8 it
     * converts to ("Café" with U+00E9; U+1F600 as a surrogate pair). */
    static const char le[] = "\xff\xfe"
                             "c\0o\0n\0f\0i\0g\0.\0v\0e\0r\0s\0i\0o\0n\0=\0\"\0008\0\"\0\r\0\n\0"
                             "n\0=\0C\0a\0f\0\xe9\0\x3d\xd8\x00\xde\n\0";
    doc = parse(le, sizeof(le) - 1, &d);
    T_CHECK("UTF-16LE: a VMware config", vmx_doc_is_vmware(doc));
    T_EQ_STR("UTF-16LE: value", vmx_get(doc, "n"), u8"Caf\u00E9\U0001F600");
    T_EQ_STR("UTF-16LE: reported", vmx_doc_utf16(doc), "UTF-16LE");
    T_EQ_INT("UTF-16LE: no diagnostics", d.n, 0);
    T_CHECK("UTF-16LE: CRLF seen", vmx_has_crlf(doc));
    vmx_doc_free(doc);
    diags_release(&d);
    static const char be[] = "\xfe\xff"
                             "\0c\0o\0n\0f\0i\0g\0.\0v\0e\0r\0s\0i\0o\0n\0=\0\"\0\x38\0\"\0\n"
                             "\0n\0=\0C\0a\0f\0\xe9\xd8\x3d\xde\x00\0\n";
    doc = parse(be, sizeof(be) - 1, &d);
    T_EQ_STR("UTF-16BE: value", vmx_get(doc, "n"), u8"Caf\u00E9\U0001F600");
    T_EQ_INT("UTF-16BE: no diagnostics", d.n, 0);
    vmx_doc_free(doc);
    diags_release(&d);
    static const char lone[] = "\xff\xfe"
                               "c\0o\0n\0f\0i\0g\0.\0v\0e\0r\0s\0i\0o\0n\0=\0\x38\0\n\0"
                               "n\0=\0\x00\xd8x\0\n\0";
    doc = parse(lone, sizeof(lone) - 1, &d);
    T_EQ_STR("UTF-16LE lone surrogate: U+FFFD", vmx_get(doc, "n"), u8"\uFFFDx");
    if (T_CHECK("UTF-16LE lone surrogate: one error", diags_count(&d, DIAG_ERROR) == 1))
        T_EQ_INT("UTF-16LE lone surrogate: on line 2", d.v[0].line, 2);
    vmx_doc_free(doc);
    diags_release(&d);
}

/* The converter against the code pages' definitions (Unicode's mapping files
 * for the Microsoft code pages, ISO 8859, KOI8-R/U RFC 1489/2319, JIS X 0208
 * and 0212 in EUC-JP, KS X 1001 / UHC, GBK, Big5). */
static void
test_codepage(void)
{
    static const struct {
        const char *name, *in, *want;
    } rows[] = {
        {"windows-1252", "\x80\xe9\x9f", u8"\u20AC\u00E9\u0178"},
        {"windows-1250", "\x8a\xb9", u8"\u0160\u0105"},
        {"windows-1251", "\xc0\xff", u8"\u0410\u044F"},
        {"windows-1253", "\xc1", u8"\u0391"},
        {"windows-1254", "\xf0", u8"\u011F"},
        {"windows-1255", "\xe0", u8"\u05D0"},
        {"windows-1256", "\xc7", u8"\u0627"},
        {"windows-1257", "\xe0", u8"\u0105"},
        {"windows-1258", "\xd0", u8"\u0110"},
        {"windows-874", "\xa1", u8"\u0E01"},
        {"ISO-8859-1", "\xe9", u8"\u00E9"},
        {"ISO-8859-2", "\xa9", u8"\u0160"},
        {"ISO-8859-5", "\xb0", u8"\u0410"},
        {"ISO-8859-7", "\xc1", u8"\u0391"},
        {"ISO-8859-15", "\xa4", u8"\u20AC"},
        {"KOI8-R", "\xc1\xe1", u8"\u0430\u0410"},
        {"KOI8-U", "\xa4", u8"\u0454"},
        {"Shift_JIS", "\x82\xa0\x93\xfa\xb1\\\x81\x60", u8"\u3042\u65E5\uFF71\\\uFF5E"},
        {"EUC-JP", "\xa4\xa2\x8e\xb1\x8f\xb0\xa1", u8"\u3042\uFF71\u4E02"},
        {"GBK", "\xc4\xe3\xba\xc3\x81\x40", u8"\u4F60\u597D\u4E02"},
        {"Big5", "\xa4\xa4\xa4\x40", u8"\u4E2D\u4E00"},
        {"EUC-KR", "\xc7\xd1\xb1\xdb\x81\x41", u8"\uD55C\uAE00\uAC02"},
        {"UTF-8", "caf\xc3\xa9", u8"caf\u00E9"},
    };
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct cp_table *t = codepage_find(rows[i].name);
        if (!T_CHECK(t_fmt("%s: known", rows[i].name), t))
            continue;
        buf_reset(&out);
        size_t at = 99;
        size_t bad = codepage_decode(t, rows[i].in, strlen(rows[i].in), &out, &at);
        T_EQ_INT(t_fmt("%s: no bad byte", rows[i].name), bad, 0);
        T_EQ_STR(t_fmt("%s: text", rows[i].name), buf_str(&out), rows[i].want);
    }

    /* Names as VMware products and users write them, and what they must be. */
    static const struct {
        const char *a, *b; /* the same table */
    } same[] = {
        {"windows-949-2000", "windows-949"},
        {"windows-949", "EUC-KR"},
        {"ks_c_5601-1987", "CP949"},
        {"WINDOWS-1252", "cp1252"},
        {"shift_jis", "Shift-JIS"},
        {"Shift_JIS", "windows-932"},
        {"GB2312", "gbk"},
        {"windows-936", "CP936"},
        {"big5", "windows-950"},
        {"latin1", "ISO_8859-1"},
        {"latin9", "iso-8859-15"},
        {"utf8", "UTF-8"},
        {"US-ASCII", "utf-8"},
        {"koi8r", "KOI8-R"},
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
        T_CHECK(t_fmt("'%s' is '%s'", same[i].a, same[i].b),
                codepage_find(same[i].a) && codepage_find(same[i].a) == codepage_find(same[i].b));
    static const char *const unknown[] = {"x-no-such", "windows-1259", "iso-8859-12",
                                          "UTF-16",    "GB18030",      "",
                                          "windows-",  "windows-2000"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        T_CHECK(t_fmt("'%s' is unknown", unknown[i]), codepage_find(unknown[i]) == NULL);

    /* Bad bytes: counted, the first offset given, U+FFFD in their place, and
     * an ASCII byte after a bad lead byte is read as itself. */
    static const struct {
        const char *name, *in, *want;
        size_t bad, at;
    } bad[] = {
        {"Shift_JIS", "a\x82 b", u8"a\uFFFD b", 1, 1},        /* 0x20 is no trail byte */
        {"Shift_JIS", "ab\x82", u8"ab\uFFFD", 1, 2},          /* lead byte at the end */
        {"windows-1252", "\x81\x8d", u8"\uFFFD\uFFFD", 2, 0}, /* undefined in cp1252 */
        {"EUC-KR", "\xff\xff", u8"\uFFFD\uFFFD", 2, 0},
        {"UTF-8", "x\xc3(", u8"x\uFFFD(", 1, 1},                 /* cut-short sequence */
        {"UTF-8", "\xc0\xaf", u8"\uFFFD\uFFFD", 2, 0},           /* overlong '/' */
        {"UTF-8", "\xed\xa0\x80", u8"\uFFFD\uFFFD\uFFFD", 3, 0}, /* a surrogate */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        buf_reset(&out);
        size_t at = 99;
        size_t n =
            codepage_decode(codepage_find(bad[i].name), bad[i].in, strlen(bad[i].in), &out, &at);
        T_EQ_INT(t_fmt("bad %s #%zu: count", bad[i].name, i), n, bad[i].bad);
        T_EQ_INT(t_fmt("bad %s #%zu: first offset", bad[i].name, i), at, bad[i].at);
        T_EQ_STR(t_fmt("bad %s #%zu: text", bad[i].name, i), buf_str(&out), bad[i].want);
    }
    buf_release(&out);
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
    T_CHECK("Hammer map: the reason",
            vmx_doc_not_vmware_reason(doc) &&
                strstr(vmx_doc_not_vmware_reason(doc), "no 'name = value' line"));
    T_EQ_INT("Hammer map: no diagnostics", d.n, 0);
    vmx_doc_free(doc);
    diags_release(&d);

    /* A NUL byte in a config: that line is an error naming it and the
     * offset, the rest of the file is read. */
    static const char nul[] = "config.version = \"8\"\nx = \"a\0b\"\nmemSize = \"4096\"\n";
    doc = parse(nul, sizeof(nul) - 1, &d);
    T_CHECK("NUL byte: still a VMware config", vmx_doc_is_vmware(doc));
    T_EQ_STR("NUL byte: the next line is read", vmx_get(doc, "memSize"), "4096");
    T_CHECK("NUL byte: its line defines nothing", vmx_get(doc, "x") == NULL);
    if (T_CHECK("NUL byte: one error", d.n == 1 && d.v[0].level == DIAG_ERROR)) {
        T_EQ_INT("NUL byte: on line 2", d.v[0].line, 2);
        /* "x = \"a" is 6 bytes: the NUL is byte 7 of the line, offset 21 + 6. */
        T_CHECK("NUL byte: byte and offset", strstr(d.v[0].message, "byte 7 of the line") &&
                                                 strstr(d.v[0].message, "offset 27"));
    }
    vmx_doc_free(doc);
    diags_release(&d);

    /* A binary with NULs is still not a config, and the reason says why. */
    static const char bin[] = "\x7f"
                              "ELF\x02\x01\x01\0\0\0\n\0\0\x03\0>\0\n";
    doc = parse(bin, sizeof(bin) - 1, &d);
    T_CHECK("binary: not VMware", !vmx_doc_is_vmware(doc));
    T_CHECK("binary: the reason counts the NUL bytes",
            vmx_doc_not_vmware_reason(doc) && strstr(vmx_doc_not_vmware_reason(doc), "NUL bytes"));
    T_EQ_INT("binary: no diagnostics (not a config)", d.n, 0);
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
    test_codepage();
    test_is_vmware();
    test_size_limit();
    test_bool();
    return t_failed - before;
}
