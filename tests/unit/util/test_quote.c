/* test_quote: the shell quoting of printed fixes (util_quote.c), the terminal
 * escaping of text output (util_term.c) and the template checks that tie a
 * placeholder's quoting to its fix's shell (rules_render.c). Expected strings
 * follow each shell's own rules: POSIX single quotes (XCU 2.2.2), PowerShell
 * verbatim strings and wildcards (about_Quoting_Rules, about_Wildcards),
 * cmd.exe double quotes. */
#include "rules/rules.h"
#include "t.h"
#include "util/util_quote.h"
#include "util/util_term.h"

#include <stdlib.h>

static const char *
q(bool (*fn)(struct buf *, const char *), const char *s)
{
    static struct buf b = BUF_INIT;
    buf_reset(&b);
    if (!fn(&b, s))
        return NULL;
    return buf_str(&b);
}

static const char *
esc(const char *s, size_t n)
{
    static struct buf b = BUF_INIT;
    buf_reset(&b);
    term_escape_n(&b, s, n);
    return buf_str(&b);
}

static const char *
tp(const char *fmt, ...)
{
    static char out[256];
    FILE *fp = fmemopen(out, sizeof(out), "w");
    va_list ap;
    va_start(ap, fmt);
    term_vprintf(fp, fmt, ap);
    va_end(ap);
    fclose(fp);
    return out;
}

static bool
check(const char *tool, const char *text, enum record_kind kind)
{
    struct buf why = BUF_INIT;
    bool ok = template_check(tool, text, kind, &why);
    buf_release(&why);
    return ok;
}

int
test_quote(void)
{
    int before = t_failed;
    /* characters no target may carry: controls, C1, bidi, zero-width, stray bytes */
    static const char *const unsafe[] = {
        "a\nb",
        "a\rb",
        "a\x1b[31mb",
        "a\x07",
        "a\x7f",
        "tab\there",
        "\xc2\x85",
        "\xc2\x9b"
        "31m",
        "x\xe2\x80\xaey",
        "x\xe2\x81\xa6y",
        "x\xe2\x80\x8by",
        "x\xef\xbb\xbfy",
        "x\xe2\x80\xa8y",
        "\xff",
        "\xc3",
        "\xed\xa0\x80",
        "\xc0\xaf",
    };
    for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
        T_CHECK(t_fmt("sh refuses unsafe value %zu", i), q(quote_sh, unsafe[i]) == NULL);
        T_CHECK(t_fmt("ps refuses unsafe value %zu", i), q(quote_ps, unsafe[i]) == NULL);
        T_CHECK(t_fmt("cmd refuses unsafe value %zu", i), q(quote_cmd, unsafe[i]) == NULL);
    }

    T_EQ_STR("sh plain", q(quote_sh, "web01"), "'web01'");
    T_EQ_STR("sh empty", q(quote_sh, ""), "''");
    T_EQ_STR("sh quote", q(quote_sh, "it's"), "'it'\\''s'");
    T_EQ_STR("sh substitution stays text", q(quote_sh, "$(reboot)`id`;|&&>"),
             "'$(reboot)`id`;|&&>'");
    T_EQ_STR("sh UTF-8 kept", q(quote_sh, "Caf\xc3\xa9 \xe5\x90\x8d"),
             "'Caf\xc3\xa9 \xe5\x90\x8d'");
    T_EQ_STR("sh_name plain", q(quote_sh_name, "db 01"), "'db 01'");
    T_CHECK("sh_name refuses a pattern", q(quote_sh_name, "*") == NULL);
    T_CHECK("sh_name refuses [", q(quote_sh_name, "web[1]") == NULL);
    T_CHECK("sh_name refuses a backslash", q(quote_sh_name, "a\\b") == NULL);

    T_EQ_STR("ps quote doubled", q(quote_ps, "it's"), "'it''s'");
    T_EQ_STR("ps U+2018 doubled", q(quote_ps, "\xe2\x80\x98x"), "'\xe2\x80\x98\xe2\x80\x98x'");
    T_EQ_STR("ps U+2019 doubled", q(quote_ps, "x\xe2\x80\x99"), "'x\xe2\x80\x99\xe2\x80\x99'");
    T_EQ_STR("ps U+201A doubled", q(quote_ps, "\xe2\x80\x9a"), "'\xe2\x80\x9a\xe2\x80\x9a'");
    T_EQ_STR("ps U+201B doubled", q(quote_ps, "\xe2\x80\x9b"), "'\xe2\x80\x9b\xe2\x80\x9b'");
    T_EQ_STR("ps U+201C is no single quote", q(quote_ps, "\xe2\x80\x9c"), "'\xe2\x80\x9c'");
    T_EQ_STR("ps $() and backtick stay text", q(quote_ps, "$(Stop-Computer)`n;|"),
             "'$(Stop-Computer)`n;|'");
    T_EQ_STR("ps double quote plain", q(quote_ps, "\"x\""), "'\"x\"'");
    T_EQ_STR("ps_name wildcards escaped", q(quote_ps_name, "web*[1]?"), "'web`*`[1`]`?'");
    T_EQ_STR("ps_name backtick escaped", q(quote_ps_name, "a`b"), "'a``b'");
    T_EQ_STR("ps_name quote doubled", q(quote_ps_name, "o'neil"), "'o''neil'");

    T_EQ_STR("cmd metacharacters in quotes", q(quote_cmd, "a&b|c<d>e^f"), "\"a&b|c<d>e^f\"");
    T_EQ_STR("cmd driver", q(quote_cmd, "vmxnet3.sys"), "\"vmxnet3.sys\"");
    T_CHECK("cmd refuses \"", q(quote_cmd, "a\"&calc") == NULL);
    T_CHECK("cmd refuses %", q(quote_cmd, "%COMSPEC%") == NULL);
    T_CHECK("cmd refuses !", q(quote_cmd, "!x!") == NULL);
    T_EQ_STR("cmd trailing backslash doubled", q(quote_cmd, "C:\\dir\\"), "\"C:\\dir\\\\\"");
    T_EQ_STR("cmd inner backslash kept", q(quote_cmd, "a\\b"), "\"a\\b\"");

    T_EQ_STR("yaml plain, tagged !unsafe", q(quote_yaml, "web01"), "!unsafe 'web01'");
    T_EQ_STR("yaml quote doubled", q(quote_yaml, "it's"), "!unsafe 'it''s'");
    T_EQ_STR("yaml Jinja2 stays text", q(quote_yaml, "{{ lookup('pipe','id') }}"),
             "!unsafe '{{ lookup(''pipe'',''id'') }}'");
    T_EQ_STR("yaml empty", q(quote_yaml, ""), "!unsafe ''");
    T_CHECK("yaml refuses a newline", q(quote_yaml, "a\nb") == NULL);
    T_CHECK("yaml refuses U+2028", q(quote_yaml, "a\xe2\x80\xa8" "b") == NULL);
    T_CHECK("yaml refuses NEL", q(quote_yaml, "a\xc2\x85" "b") == NULL);

    const struct quoting *qs = quoting_find("sh");
    T_CHECK("quoting sh found", qs && qs->quote == quote_sh);
    T_CHECK("quoting unknown", quoting_find("raw") == NULL);

    /* terminal escaping */
    T_EQ_STR("esc plain", esc("web01", SIZE_MAX), "web01");
    T_EQ_STR("esc ESC", esc("a\x1b[31mb", SIZE_MAX), "a\\x1b[31mb");
    T_EQ_STR("esc CR LF", esc("a\r\nb", SIZE_MAX), "a\\x0d\\x0ab");
    T_EQ_STR("esc DEL", esc("\x7f", SIZE_MAX), "\\x7f");
    T_EQ_STR("esc C1 CSI", esc("\xc2\x9b", SIZE_MAX), "\\u009b");
    T_EQ_STR("esc bidi override",
             esc("a\xe2\x80\xae"
                 "b",
                 SIZE_MAX),
             "a\\u202eb");
    T_EQ_STR("esc isolate", esc("\xe2\x81\xa6", SIZE_MAX), "\\u2066");
    T_EQ_STR("esc stray byte", esc("a\xffz", SIZE_MAX), "a\\xffz");
    T_EQ_STR("esc UTF-8 kept", esc("Caf\xc3\xa9", SIZE_MAX), "Caf\xc3\xa9");
    T_EQ_STR("esc cut inside a sequence", esc("Caf\xc3\xa9", 4), "Caf\\xc3");
    T_EQ_STR("esc cut length", esc("abc", 2), "ab");

    T_EQ_STR("printf %s escaped", tp("[%s]", "a\x1b"), "[a\\x1b]");
    T_EQ_STR("printf width after escaping", tp("[%-6s]", "a\x1b"), "[a\\x1b ]");
    T_EQ_STR("printf right width", tp("[%6s]", "ab"), "[    ab]");
    T_EQ_STR("printf precision cuts input", tp("[%.*s]", 2, "ab\x1b"), "[ab]");
    T_EQ_STR("printf width and precision", tp("[%*.*s]", 4, 1, "xyz"), "[   x]");
    T_EQ_STR("printf fixed precision", tp("[%.2s]", "\x1bz"), "[\\x1bz]");
    T_EQ_STR("printf %c escaped", tp("[%c]", '\r'), "[\\x0d]");
    T_EQ_STR("printf integers",
             tp("%d %zu %lld %lu %5.1f %x %%", -3, (size_t)7, 1LL << 40, 9UL, 2.25, 255u),
             "-3 7 1099511627776 9   2.2 ff %");
    T_EQ_STR("printf literal kept", tp("a\tb\n"), "a\tb\n");

    /* templates: the quoting must fit the fix's shell */
    T_CHECK("sh in esxi_shell",
            check("esxi_shell", "esxcli -m {{crash.culprit_module|sh}}", REC_CRASH));
    T_CHECK("bare placeholder refused",
            !check("esxi_shell", "esxcli -m {{crash.culprit_module}}", REC_CRASH));
    T_CHECK("ps in esxi_shell refused",
            !check("esxi_shell", "x {{crash.culprit_module|ps}}", REC_CRASH));
    T_CHECK("text in a command refused",
            !check("esxi_shell", "grep {{crash.culprit_module|text}}", REC_CRASH));
    T_CHECK("text in a comment",
            check("esxi_shell", "ls  # {{crash.culprit_module|text}}", REC_CRASH));
    T_CHECK("text after a quoted #", !check("govc", "echo '#' {{vm.name|text}}", REC_VM));
    T_CHECK("ps_name in powercli", check("powercli", "Get-VM {{vm.name|ps_name}}", REC_VM));
    T_CHECK("sh in powercli refused", !check("powercli", "Get-VM {{vm.name|sh}}", REC_VM));
    T_CHECK("text in cmd refused", !check("guest_windows", "rem {{vm.name|text}}", REC_VM));
    T_CHECK("cmd in guest_windows", check("guest_windows", "findstr /c:{{vm.name|cmd}}", REC_VM));
    T_CHECK("text in vsphere_client", check("vsphere_client", "VM {{vm.name|text}}", REC_VM));
    T_CHECK("sh in vsphere_client refused", !check("vsphere_client", "{{vm.name|sh}}", REC_VM));
    T_CHECK("int on a number", check("vmx", "memSize = \"{{vm.memory_mb|int}}\"", REC_VM));
    T_CHECK("int on a text refused", !check("vmx", "x = \"{{vm.name|int}}\"", REC_VM));
    T_CHECK("text in vmx refused", !check("vmx", "x = \"{{vm.name|text}}\"", REC_VM));
    T_CHECK("unknown quoting refused", !check("govc", "{{vm.name|raw}}", REC_VM));
    T_CHECK("unknown tool refused", !check("bash", "{{vm.name|sh}}", REC_VM));
    return t_failed - before;
}
