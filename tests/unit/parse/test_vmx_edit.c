/* test_vmx_edit: the .vmx writer (src/parse/vmx/vmx_edit.c) against its
 * contract in vmx_edit.h: every expected output below is the input with the
 * change the contract describes written by hand (the key's spelling, spacing,
 * comment and line end kept; new keys appended with the file's first line
 * end), not what the program printed. Then every shared corpus .vmx is
 * edited and read back with vmx_parse: the keys changed have their new
 * values and every other entry is the same. */
#include "t.h"
#include "parse/vmx/vmx_edit.h"
#include "parse/vmx/vmx_parse.h"
#include "util/util_mem.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAXSETS 4

struct ecase {
    const char *what;
    const char *in;
    struct vmx_set sets[MAXSETS];
    const char *want; /* NULL: refused */
};

static const struct ecase cases[] = {
    {"replace in place, key spelling and comment kept",
     "config.version = \"8\"\nETHERNET0.VirtualDev   =  \"e1000\"   # old nic\n",
     {{"ethernet0.virtualDev", "vmxnet3"}},
     "config.version = \"8\"\nETHERNET0.VirtualDev   =  \"vmxnet3\"   # old nic\n"},
    {"unquoted value replaced by a quoted one", "config.version = 8\nmemsize = 2048\n",
     {{"memSize", "8192"}}, "config.version = 8\nmemsize = \"8192\"\n"},
    {"implied empty value", "config.version = \"8\"\nk =\n", {{"k", "v"}},
     "config.version = \"8\"\nk =\"v\"\n"},
    {"implied empty value before a comment", "config.version = \"8\"\nk = # c\n", {{"k", "v"}},
     "config.version = \"8\"\nk = \"v\"# c\n"},
    {"append with LF", "config.version = \"8\"\n", {{"vhv.enable", "TRUE"}},
     "config.version = \"8\"\nvhv.enable = \"TRUE\"\n"},
    {"append with CRLF, the file's line end", "config.version = \"8\"\r\nguestOS = \"x\"\r\n",
     {{"vhv.enable", "TRUE"}},
     "config.version = \"8\"\r\nguestOS = \"x\"\r\nvhv.enable = \"TRUE\"\r\n"},
    {"CRLF line keeps its CRLF", "config.version = \"8\"\r\nk = \"a\"\r\n", {{"k", "b"}},
     "config.version = \"8\"\r\nk = \"b\"\r\n"},
    {"lone CR file", "config.version = \"8\"\rk = \"a\"\r", {{"n", "1"}},
     "config.version = \"8\"\rk = \"a\"\rn = \"1\"\r"},
    {"no final line end: one is added before the new key", "config.version = \"8\"\nk = \"a\"",
     {{"n", "1"}}, "config.version = \"8\"\nk = \"a\"\nn = \"1\"\n"},
    {"no final line end, value replaced: still none", "config.version = \"8\"\nk = \"a\"",
     {{"k", "b"}}, "config.version = \"8\"\nk = \"b\""},
    {"BOM kept", "\xef\xbb\xbf" "config.version = \"8\"\nk = \"a\"\n", {{"k", "b"}},
     "\xef\xbb\xbf" "config.version = \"8\"\nk = \"b\"\n"},
    {"remove a key: its whole line", "config.version = \"8\"\nvhc.enable = \"TRUE\"\nx = \"1\"\n",
     {{"vhc.enable", NULL}}, "config.version = \"8\"\nx = \"1\"\n"},
    {"remove an absent key: nothing", "config.version = \"8\"\n", {{"vhc.enable", NULL}},
     "config.version = \"8\"\n"},
    {"remove and set together", "config.version = \"8\"\nvhc.enable = \"TRUE\"\n",
     {{"vhc.enable", NULL}, {"vhv.enable", "TRUE"}},
     "config.version = \"8\"\nvhv.enable = \"TRUE\"\n"},
    {"same value: untouched (spelling and case kept)", "config.version = \"8\"\nk = \"TRUE\"\n",
     {{"K", "TRUE"}}, "config.version = \"8\"\nk = \"TRUE\"\n"},
    {"comments, blank and malformed lines kept", "# top\n\nconfig.version = \"8\"\nbad line\n",
     {{"a", "1"}}, "# top\n\nconfig.version = \"8\"\nbad line\na = \"1\"\n"},
    {"quote, bar and newline escaped", "config.version = \"8\"\n",
     {{"annotation", "say \"hi\"|41\nbye"}},
     "config.version = \"8\"\nannotation = \"say |22hi|22|7C41|0Abye\"\n"},
    {"UTF-8 value in a file with no .encoding", "config.version = \"8\"\n",
     {{"displayName", "caf\xc3\xa9"}}, "config.version = \"8\"\ndisplayName = \"caf\xc3\xa9\"\n"},
    {"UTF-8 value in a UTF-8 .encoding file", ".encoding = \"UTF-8\"\n",
     {{"displayName", "caf\xc3\xa9"}}, ".encoding = \"UTF-8\"\ndisplayName = \"caf\xc3\xa9\"\n"},
    {"ASCII value in a windows-1252 file", ".encoding = \"windows-1252\"\nk = \"\xe9\"\n",
     {{"n", "1"}}, ".encoding = \"windows-1252\"\nk = \"\xe9\"\nn = \"1\"\n"},
    {"two identical changes of one key: one line", "config.version = \"8\"\n",
     {{"vhv.enable", "TRUE"}, {"VHV.enable", "TRUE"}},
     "config.version = \"8\"\nvhv.enable = \"TRUE\"\n"},
    {"empty file", "", {{"a", "1"}}, "a = \"1\"\n"},
    /* Refusals. */
    {"non-ASCII value in a windows-1252 file", ".encoding = \"windows-1252\"\n",
     {{"displayName", "caf\xc3\xa9"}}, NULL},
    {"value not UTF-8", "config.version = \"8\"\n", {{"displayName", "caf\xe9"}}, NULL},
    {"key set twice in the file", "config.version = \"8\"\nk = \"1\"\nK = \"2\"\n", {{"k", "3"}},
     NULL},
    {"two changes of one key disagree", "config.version = \"8\"\n", {{"k", "1"}, {"K", "2"}},
     NULL},
    {"a key with a blank", "config.version = \"8\"\n", {{"a b", "1"}}, NULL},
    {"a key with =", "config.version = \"8\"\n", {{"a=b", "1"}}, NULL},
    {".encoding itself", "config.version = \"8\"\n", {{".encoding", "UTF-8"}}, NULL},
    {"UTF-16 file", "\xff\xfe" "c\0=\0" "1\0", {{"a", "1"}}, NULL},
};

static size_t
nsets(const struct ecase *c)
{
    size_t n = 0;
    while (n < MAXSETS && c->sets[n].key)
        n++;
    return n;
}

static int
edit_cases(void)
{
    int failed = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct ecase *c = &cases[i];
        struct vmx_edit e = VMX_EDIT_INIT;
        size_t len = c->in[0] == '\xff' ? 6 : strlen(c->in);
        int rc = vmx_edit_apply(c->in, len, c->sets, nsets(c), &e);
        if (c->want == NULL) {
            failed += !T_CHECK(t_fmt("%s: refused", c->what), rc == -1 && e.why[0] != '\0');
        } else {
            failed += !T_EQ_INT(t_fmt("%s: accepted", c->what), rc, 0);
            if (rc == 0) {
                failed += !T_EQ_INT(t_fmt("%s: length", c->what), e.out.len, strlen(c->want));
                failed += !T_CHECK(t_fmt("%s: bytes", c->what),
                                   e.out.len == strlen(c->want) &&
                                       memcmp(e.out.p ? e.out.p : "", c->want, e.out.len) == 0);
                bool same = strcmp(c->in, c->want) == 0;
                failed += !T_CHECK(t_fmt("%s: changed iff the bytes differ", c->what),
                                   (e.changed == 0) == same);
            }
        }
        vmx_edit_release(&e);
    }
    return failed;
}

/* The diff of a known edit, hunk by hunk (unified diff: 3 lines of context,
 * -start,count +start,count). */
static int
diff_cases(void)
{
    int failed = 0;
    const char *in = "l1 = \"1\"\nl2 = \"2\"\nl3 = \"3\"\nl4 = \"4\"\nl5 = \"5\"\n"
                     "l6 = \"6\"\nl7 = \"7\"\nl8 = \"8\"\nl9 = \"9\"\nl10 = \"10\"\n";
    struct vmx_set s[] = {{"l2", "two"}, {"l10", NULL}, {"n", "new"}};
    struct vmx_edit e = VMX_EDIT_INIT;
    struct buf d = BUF_INIT;
    failed += !T_EQ_INT("diff: edit", vmx_edit_apply(in, strlen(in), s, 3, &e), 0);
    vmx_edit_diff(&e, in, "a.vmx", "a.vmx", &d);
    const char *want = "--- a.vmx\n+++ a.vmx\n"
                       "@@ -1,5 +1,5 @@\n l1 = \"1\"\n-l2 = \"2\"\n+l2 = \"two\"\n l3 = \"3\"\n"
                       " l4 = \"4\"\n l5 = \"5\"\n"
                       "@@ -7,4 +7,4 @@\n l7 = \"7\"\n l8 = \"8\"\n l9 = \"9\"\n-l10 = \"10\"\n"
                       "+n = \"new\"\n";
    failed += !T_EQ_STR("diff: two hunks", d.p, want);
    vmx_edit_release(&e);
    buf_release(&d);

    const char *in2 = "a = \"1\"";
    struct vmx_set s2[] = {{"b", "2"}};
    struct vmx_edit e2 = VMX_EDIT_INIT;
    struct buf d2 = BUF_INIT;
    failed += !T_EQ_INT("diff, no final newline: edit", vmx_edit_apply(in2, strlen(in2), s2, 1, &e2), 0);
    vmx_edit_diff(&e2, in2, "b.vmx", "b.vmx", &d2);
    failed += !T_EQ_STR("diff, no final newline", d2.p,
                        "--- b.vmx\n+++ b.vmx\n@@ -1 +1,2 @@\n-a = \"1\"\n"
                        "\\ No newline at end of file\n+a = \"1\"\n+b = \"2\"\n");
    vmx_edit_release(&e2);
    buf_release(&d2);

    struct vmx_edit e3 = VMX_EDIT_INIT;
    struct buf d3 = BUF_INIT;
    struct vmx_set s3[] = {{"a", "1"}};
    failed += !T_EQ_INT("diff, nothing to do: edit", vmx_edit_apply(in2, strlen(in2), s3, 1, &e3), 0);
    vmx_edit_diff(&e3, in2, "c.vmx", "c.vmx", &d3);
    failed += !T_EQ_INT("diff, nothing to do: empty", d3.len, 0);
    vmx_edit_release(&e3);
    buf_release(&d3);
    return failed;
}

static int
remedy_lines(void)
{
    int failed = 0;
    char *k, *v;
    failed += !T_EQ_INT("remedy: key = value", vmx_edit_parse_line("vhv.enable = \"TRUE\"  # x", 24, &k, &v), 1);
    failed += !T_EQ_STR("remedy: key", k, "vhv.enable");
    failed += !T_EQ_STR("remedy: value", v, "TRUE");
    free(k);
    free(v);
    failed += !T_EQ_INT("remedy: comment", vmx_edit_parse_line("# delete the lines", 18, &k, &v), 0);
    failed += !T_EQ_INT("remedy: a sentence", vmx_edit_parse_line("delete the lines", 16, &k, &v), -1);
    failed += !T_EQ_INT("remedy: half line", vmx_edit_parse_line("k = \"open", 9, &k, &v), -1);
    return failed;
}

/* Every corpus .vmx: set a new key, change the first entry's value, remove
 * the second entry; read back: exactly those differ. */
static int
corpus_edits(void)
{
    int failed = 0;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/corpus/vmx", t_shared);
    if (!t_have_shared(dir, "vmx_edit corpus"))
        return 0;
    DIR *d = opendir(dir);
    size_t files = 0;
    for (struct dirent *de; d && (de = readdir(d)) != NULL;) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".vmx") != 0)
            continue;
        char path[2048];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            continue;
        static char data[1 << 20];
        size_t len = fread(data, 1, sizeof(data), f);
        fclose(f);
        struct diags dg = DIAGS_INIT;
        struct vmx_doc *doc = vmx_parse(data, len, path, &dg);
        if (doc == NULL || vmx_count(doc) < 4 || vmx_doc_utf16(doc)) {
            vmx_doc_free(doc);
            diags_release(&dg);
            continue;
        }
        files++;
        /* The first two entries that are not .encoding (which is never changed). */
        size_t base = strcmp(vmx_at(doc, 0)->lkey, ".encoding") == 0;
        const struct vmx_entry *e0 = vmx_at(doc, base), *e1 = vmx_at(doc, base + 1);
        struct vmx_set s[] = {{"vmtriage.test", "a \"b\" |41 c"}, {e0->key, "changed|22"},
                              {e1->key, NULL}};
        bool dup = e0->first >= 0 || e1->first >= 0 || vmx_find(doc, "vmtriage.test");
        for (size_t i = 0; i < vmx_count(doc); i++)
            dup |= vmx_at(doc, i)->first >= 0 && (strcasecmp(vmx_at(doc, i)->key, e0->key) == 0 ||
                                                 strcasecmp(vmx_at(doc, i)->key, e1->key) == 0);
        struct vmx_edit ed = VMX_EDIT_INIT;
        int rc = vmx_edit_apply(data, len, s, 3, &ed);
        if (dup) {
            failed += !T_EQ_INT(t_fmt("%s: duplicate key refused", de->d_name), rc, -1);
        } else if (rc != 0) {
            failed += !T_EQ_STR(t_fmt("%s: edited", de->d_name), ed.why, "");
        } else if (T_EQ_INT(t_fmt("%s: edited", de->d_name), rc, 0)) {
            struct diags d2 = DIAGS_INIT;
            struct vmx_doc *nd = vmx_parse(ed.out.p, ed.out.len, path, &d2);
            failed += !T_EQ_STR(t_fmt("%s: new key", de->d_name), vmx_get(nd, "vmtriage.test"),
                                "a \"b\" |41 c");
            failed += !T_EQ_STR(t_fmt("%s: changed key", de->d_name), vmx_get(nd, e0->key),
                                "changed|22");
            failed += !T_CHECK(t_fmt("%s: removed key", de->d_name), vmx_find(nd, e1->key) == NULL);
            failed += !T_EQ_INT(t_fmt("%s: entries", de->d_name), vmx_count(nd), vmx_count(doc));
            bool same = true;
            for (size_t i = 0; i < vmx_count(doc) && same; i++) {
                if (i == base || i == base + 1)
                    continue;
                const struct vmx_entry *a = vmx_at(doc, i), *b = vmx_at(nd, i < base ? i : i - 1);
                same = b && strcmp(a->key, b->key) == 0 && strcmp(a->value, b->value) == 0 &&
                       strcmp(a->raw, b->raw) == 0;
            }
            failed += !T_CHECK(t_fmt("%s: every other entry as it was", de->d_name), same);
            failed += !T_EQ_INT(t_fmt("%s: no new error", de->d_name), diags_count(&d2, DIAG_ERROR),
                                diags_count(&dg, DIAG_ERROR));
            failed += !T_EQ_INT(t_fmt("%s: CRLF kept", de->d_name), vmx_has_crlf(nd),
                                vmx_has_crlf(doc));
            vmx_doc_free(nd);
            diags_release(&d2);
        } else {
            failed++;
        }
        vmx_edit_release(&ed);
        vmx_doc_free(doc);
        diags_release(&dg);
    }
    if (d)
        closedir(d);
    failed += !T_CHECK("vmx_edit corpus: some files edited", files > 10);
    return failed;
}

int
test_vmx_edit(void)
{
    return edit_cases() + diff_cases() + remedy_lines() + corpus_edits();
}
