/* test_fix_status: is a known issue's fix in the crashed host's build
 * (findings/fix_status.c), and the ESXi build table behind it
 * (record/esxi_release.c). Builds and names are rows of data/esxi_builds.tsv
 * (KB 2143832 and the release notes each row cites). */
#include "findings/findings.h"
#include "record/esxi_release.h"
#include "t.h"

#include <stdlib.h>
#include <string.h>

static const char rule_text[] =
    "title: t\nid: t-fix\ndescription: x\nreferences:\n  - https://example.org/\n"
    "logsource:\n  category: crash\ndetection:\n  sel:\n    crash.functions: F\n"
    "  condition: sel\nlevel: critical\n"
    "fixed_in:\n  - {version: ESXi 7.0 Update 3l, build: 21424296}\n"
    "  - {version: ESXi 8.0b, build: 21203435}\n  - {version: ESXi 6.7 P07}\n"
    "remediation:\n  esxi_shell: vmware -vl\n"
    "tests:\n  match:\n    - \"x\"\n  no_match:\n    - \"y\"\n";

static enum fix_state
status(const struct rule *r, const char *product, const char *build, enum level *level, char **note)
{
    struct finding f = {.rule = r, .level = r->level};
    finding_fix_status(&f, product, build);
    *level = f.level;
    *note = f.fix_note;
    return f.fix;
}

int
test_fix_status(void)
{
    int before = t_failed;
    struct esxi_release rel;
    T_CHECK("build 21424296 is in the table", esxi_release_of_build(21424296, &rel));
    T_EQ_STR("its name", rel.name, "ESXi 7.0 Update 3l");
    T_EQ_STR("its version", rel.version, "7.0.3");
    T_CHECK("8.0 GA 20513097",
            esxi_release_of_build(20513097, &rel) && strcmp(rel.name, "ESXi 8.0 GA") == 0);
    T_CHECK("no such build", !esxi_release_of_build(1, &rel));

    static const struct {
        const char *text;
        int major, minor;
    } lines[] = {
        {"VMware ESXi 7.0.1", 7, 0}, {"ESXi 7.0 Update 3l", 7, 0}, {"7.0.3", 7, 0},
        {"ESXi 8.0b", 8, 0},         {"ESX 9.0.0.0100", 9, 0},     {"ESXi 6.7 P07", 6, 7},
        {"VMware ESX 4.1.0", 4, 1},
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        int ma = -1, mi = -1;
        T_CHECK(t_fmt("line of '%s'", lines[i].text), esxi_line_of_text(lines[i].text, &ma, &mi) &&
                                                          ma == lines[i].major &&
                                                          mi == lines[i].minor);
    }
    int ma, mi;
    T_CHECK("no line in 'build 22348816'", !esxi_line_of_text("build 22348816", &ma, &mi));
    T_CHECK("no line in 'ESXi650-201811002'", !esxi_line_of_text("ESXi650-201811002", &ma, &mi));

    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    T_EQ_INT("rule loads", rules_load_text(&rs, "fix.yml", rule_text, strlen(rule_text), &d), 0);
    if (rs.n == 1) {
        const struct rule *r = rs.v[0];
        enum level lv;
        char *note;
        T_EQ_INT("host on the fixed build: fixed in host",
                 status(r, "VMware ESXi 7.0.3", "21424296", &lv, &note), FIX_IN_HOST);
        T_EQ_INT("fixed in host: one level lower", lv, LEVEL_HIGH);
        T_CHECK("fixed in host: says look further", note && strstr(note, "look further"));
        free(note);
        T_EQ_INT("a later build of the line: fixed in host",
                 status(r, NULL, "22348816", &lv, &note), FIX_IN_HOST);
        free(note);
        T_EQ_INT("an earlier build of 7.0: upgrade",
                 status(r, "VMware ESXi 7.0.3", "19193900", &lv, &note), FIX_UPGRADE);
        T_EQ_INT("upgrade: level kept", lv, LEVEL_CRITICAL);
        T_CHECK("upgrade: names the release and build",
                note && strstr(note, "ESXi 7.0 Update 3l (build 21424296)") &&
                    strstr(note, "upgrade"));
        free(note);
        T_EQ_INT("8.0 GA (line from the table): 8.0b is the fix: upgrade",
                 status(r, NULL, "20513097", &lv, &note), FIX_UPGRADE);
        T_CHECK("8.0: names 8.0b", note && strstr(note, "ESXi 8.0b (build 21203435)"));
        free(note);
        T_EQ_INT("6.7 with no build: the 6.7 fix, no build to compare",
                 status(r, "VMware ESXi 6.7.0", NULL, &lv, &note), FIX_UPGRADE);
        T_CHECK("6.7: names P07", note && strstr(note, "ESXi 6.7 P07"));
        free(note);
        T_EQ_INT("6.5: not a listed line: every fix listed",
                 status(r, "VMware ESXi 6.5.0", "4564106", &lv, &note), FIX_LISTED);
        T_CHECK("listed: all three", note && strstr(note, "7.0 Update 3l") &&
                                         strstr(note, "8.0b") && strstr(note, "6.7 P07"));
        free(note);
        T_EQ_INT("nothing known of the host: listed", status(r, NULL, NULL, &lv, &note),
                 FIX_LISTED);
        free(note);
    }
    ruleset_release(&rs);
    diags_release(&d);
    return t_failed - before;
}
