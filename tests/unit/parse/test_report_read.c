/* test_report_read: the streaming reader of saved reports
 * (src/parse/report/report_read.c) and the fleet fold over it
 * (src/findings/fleet.c). The reports are written here in the shape
 * src/report/report_json.c writes; expected values are read off these texts. */
#include "findings/fleet.h"
#include "parse/report/report_read.h"
#include "t.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

int test_report_read(void);

struct seen {
    long long schema;
    char command[16];
    size_t hosts, vms, crashes, findings, errors, related;
    char kb[32], fix[16], host_name[32], crash_build[16], vm_host[16];
    int crash_findings;
};

static const char *
h_header(void *c, const struct rr_header *h)
{
    struct seen *s = c;
    s->schema = h->schema;
    snprintf(s->command, sizeof(s->command), "%s", h->command ? h->command : "");
    return NULL;
}

static const char *
h_host(void *c, const struct rr_host *h)
{
    struct seen *s = c;
    s->hosts++;
    snprintf(s->host_name, sizeof(s->host_name), "%s", h->name ? h->name : "(null)");
    return NULL;
}

static const char *
h_vm(void *c, const struct rr_vm *v)
{
    struct seen *s = c;
    s->vms++;
    snprintf(s->vm_host, sizeof(s->vm_host), "%s", v->host ? v->host : "");
    return NULL;
}

static const char *
h_crash(void *c, const struct rr_crash *x)
{
    struct seen *s = c;
    s->crashes++;
    snprintf(s->crash_build, sizeof(s->crash_build), "%s", x->build ? x->build : "");
    return NULL;
}

static const char *
h_finding(void *c, const struct rr_finding *f)
{
    struct seen *s = c;
    s->findings++;
    s->related += f->related;
    if (f->kb)
        snprintf(s->kb, sizeof(s->kb), "%s", f->kb);
    if (f->fix_status)
        snprintf(s->fix, sizeof(s->fix), "%s", f->fix_status);
    s->crash_findings += f->is_crash;
    return NULL;
}

static const char *
h_error(void *c, const struct rr_error *e)
{
    (void)e;
    ((struct seen *)c)->errors++;
    return NULL;
}

/* Reads text in chunks of `step` bytes (0: at once); returns the error or NULL. */
static const char *
read_text(const char *text, size_t step, struct seen *s, unsigned long long *at)
{
    static char err[400];
    memset(s, 0, sizeof(*s));
    struct rr_callbacks cb = {s, h_header, h_host, h_vm, h_crash, h_finding, h_error};
    struct report_reader *r = report_reader_new(&cb);
    size_t n = strlen(text);
    bool ok = true;
    for (size_t off = 0; ok && off < n;) {
        size_t k = step == 0 || n - off < step ? n - off : step;
        ok = report_reader_feed(r, (const unsigned char *)text + off, k);
        off += k;
    }
    if (ok)
        ok = report_reader_finish(r);
    const char *e = report_reader_error(r, at);
    snprintf(err, sizeof(err), "%s", e ? e : "");
    report_reader_free(r);
    return ok ? NULL : err;
}

static const char bundle_report[] =
    "{\"schema\": 1, \"command\": \"bundle\", \"vmtriage\": \"0.1.0\",\n"
    " \"hosts\": [{\"name\": \"esx01\", \"bundle\": \"b/esx01\", \"build\": \"1331820\","
    " \"cpu\": {\"model\": \"x\"}, \"nics\": [{\"name\": \"vmnic0\"}], \"crashes\": 1}],\n"
    " \"vms\": [{\"path\": \"b/esx01/vmfs/volumes/ds/web01/web01.vmx\", \"name\": \"web01\","
    " \"nics\": [{\"type\": \"e1000\"}]}],\n"
    " \"crashes\": [{\"source\": \"b/esx01/var/run/log/vmkernel.log\", \"build\": \"1331820\","
    " \"frames\": [{\"function\": \"E1000PollRxRing\"}]}],\n"
    " \"findings\": [\n"
    "  {\"rule\": \"vmx-e1000-rss-guest\", \"level\": \"critical\", \"subject\":"
    " \"b/esx01/vmfs/volumes/ds/web01/web01.vmx\", \"name\": \"web01\", \"title\": \"t\","
    " \"references\": [\"https://ugg.li/?p=921\", \"VMware KB 2059053\"], \"related\": []},\n"
    "  {\"rule\": \"psod-e1000-rss\", \"level\": \"critical\", \"subject\":"
    " \"b/esx01/var/run/log/vmkernel.log:8\", \"name\": null, \"references\": [],"
    " \"fix\": {\"status\": \"upgrade\", \"note\": null, \"fixed_in\": []},"
    " \"related\": [{\"subject\": \"a\", \"rule\": \"r\"}, {\"subject\": \"b\", \"rule\": "
    "\"r\"}]}],\n"
    " \"errors\": [{\"path\": \"b/esx01/x\", \"line\": 0, \"severity\": \"note\", \"message\": "
    "\"m\"}],\n"
    " \"summary\": {\"findings\": 2}}\n";

int
test_report_read(void)
{
    int before = t_failed;
    struct seen s, s1;
    unsigned long long at = 0;
    const char *e = read_text(bundle_report, 0, &s, &at);
    T_EQ_STR("a bundle report reads", e, NULL);
    T_EQ_INT("its schema", s.schema, 1);
    T_EQ_STR("its command", s.command, "bundle");
    T_EQ_INT("one host (its nested cpu and nics skipped)", s.hosts, 1);
    T_EQ_STR("the host's name", s.host_name, "esx01");
    T_EQ_INT("one VM (its nics skipped)", s.vms, 1);
    T_EQ_INT("one crash", s.crashes, 1);
    T_EQ_STR("the crash's build", s.crash_build, "1331820");
    T_EQ_INT("two findings", s.findings, 2);
    T_EQ_STR("the KB of the references, not the first reference", s.kb, "KB 2059053");
    T_EQ_STR("the crash finding's fix.status", s.fix, "upgrade");
    T_EQ_INT("one crash finding (it has fix)", s.crash_findings, 1);
    T_EQ_INT("related: two entries", s.related, 2);
    T_EQ_INT("one error entry (a note)", s.errors, 1);
    for (size_t step = 1; step <= 13; step += 3) {
        e = read_text(bundle_report, step, &s1, &at);
        T_CHECK(t_fmt("in chunks of %zu bytes: the same events", step),
                e == NULL && s1.hosts == s.hosts && s1.findings == s.findings &&
                    s1.related == s.related && strcmp(s1.kb, s.kb) == 0 && s1.vms == s.vms);
    }

    /* errors: what and where (offsets read off the texts) */
    static const struct {
        const char *text, *want;
        long long at; /* -1: not checked */
    } bad[] = {
        {"", "empty", 0},
        {"[]", "not a vmtriage report", -1},
        {"{\"schema\": 1, \"findings\": [], \"x\": ", "truncated", 35}, /* its length */
        {"{\"schema\": 1, \"findings\": [] } x", "not valid JSON", -1},
        {"{\"schema\": 1, \"findings\": {}}", "'findings' is not an array", -1},
        {"{\"schema\": 1, \"findings\": [3]}", "an element of 'findings' is not an object", -1},
        {"{\"schema\": 1, \"findings\": [{\"rule\": \"r\", \"level\": \"low\"}]}",
         "a finding without 'subject'", -1},
        {"{\"schema\": 1, \"findings\": [{\"rule\": 5, \"level\": \"low\", \"subject\": \"s\"}]}",
         "'rule' of a finding is not a string", -1},
        {"{\"schema\": 1, \"command\": \"scan\"}", "no 'findings' array", -1},
        {"{\"schema\": 1, \"hosts\": [{\"crashes\": \"two\"}], \"findings\": []}",
         "'crashes' of a host is not a number", -1},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        e = read_text(bad[i].text, 0, &s, &at);
        T_CHECK(t_fmt("bad %zu: '%s'", i, bad[i].want), e != NULL && strstr(e, bad[i].want));
        if (bad[i].at >= 0)
            T_EQ_INT(t_fmt("bad %zu: at byte %lld", i, bad[i].at), at, bad[i].at);
        unsigned long long at2 = 0;
        const char *e2 = read_text(bad[i].text, 2, &s, &at2);
        T_CHECK(t_fmt("bad %zu: the same in chunks of 2 bytes", i),
                e2 != NULL && strstr(e2, bad[i].want) && at2 == at);
    }
    e = read_text("{\"findings\": [], \"schema\": 1}", 0, &s, &at);
    T_EQ_INT("schema after another key: the header had none", s.schema, -1);

    /* the fleet fold: the same report twice is a duplicate; one host, two crash hosts */
    struct fleet f;
    fleet_init(&f, 0, 1);
    for (int i = 0; i < 2; i++) {
        struct fleet_digest d;
        fleet_digest_init(&d);
        fleet_digest_add(&d, bundle_report, strlen(bundle_report));
        if (!fleet_report_begin(&f, i ? "b.json" : "a.json", &d))
            continue;
        struct rr_callbacks cb = fleet_callbacks(&f);
        struct report_reader *r = report_reader_new(&cb);
        T_CHECK(
            "the fold reads the report",
            report_reader_feed(r, (const unsigned char *)bundle_report, strlen(bundle_report)) &&
                report_reader_finish(r));
        report_reader_free(r);
        fleet_report_end(&f);
    }
    fleet_end(&f);
    T_EQ_INT("fold: 2 reports, 1 duplicate", f.nreports * 10 + f.duplicates, 21);
    T_EQ_INT("fold: one host", f.nhosts, 1);
    T_CHECK("fold: the host's row", f.nhosts == 1 && strcmp(f.hosts[0].name, "esx01") == 0 &&
                                        f.hosts[0].crashes == 1 && f.hosts[0].worst == 4 &&
                                        f.hosts[0].vms_at_risk == 1 && f.hosts[0].findings == 2);
    T_CHECK("fold: the crash rule has one host with the fix in a later build",
            f.nrules == 2 && f.rules[0].level == 4 && f.rules[1].level == 4 &&
                ((f.rules[0].crash && f.rules[0].hosts_upgrade == 1) ||
                 (f.rules[1].crash && f.rules[1].hosts_upgrade == 1)));
    T_EQ_INT("fold: notes are not errors", f.nerrors, 0);
    fleet_release(&f);
    return t_failed - before;
}
