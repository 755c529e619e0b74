/* cmd_cpu: `vmtriage cpu FILE|-...`: can this CPU run a nested hypervisor?
 *
 * A nested FusionCompute CNA (ask.csdn.net/questions/8904055) blue-screens when the vCPU lacks
 * VT-x/AMD-V (vhv.enable) or instructions such as POPCNT, SSE4.1 and AVX2.
 * Give it what the guest shows (cat /proc/cpuinfo, lscpu) or what the ESXi
 * host shows (esxcli hardware cpu global get, esxcli hardware cpu list): each
 * input (a file, or `-` for standard input) is read whole, at most
 * CPU_MAX_BYTES, parsed (cpu_parse.c), checked by the cpu rules
 * (rules/cpu-nested.yml), and reported with a verdict line. An input that is
 * no CPU listing is an error naming the line or offset (exit 3). */
#include "cmd/cli.h"
#include "source/input.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int run_cpu(struct cmd_ctx *c);

const struct command cpu_cmd = {
    .name = "cpu",
    .run = run_cpu,
    .needs = CMD_OPERAND_OR_PIPE | CMD_RULES | CMD_REPORT,
    .missing = "cpu needs a file, or '-' for standard input",
    .usage = "vmtriage cpu [options] FILE|-...",
    .brief = "check a guest's /proc/cpuinfo or lscpu, or esxcli CPU output, for nesting",
    .summary =
        "Check a CPU listing for nested virtualization: a guest's /proc/cpuinfo or lscpu output\n"
        "(vmx/svm, ept/npt, popcnt, sse4_1, sse4_2, avx2, the hypervisor flag), or an ESXi\n"
        "host's esxcli hardware cpu global get / list output (HV Support). '-' reads standard\n"
        "input. Prints a verdict (nested-ready, or what is missing) and the fix.",
    .opts = CO_REPORT,
    .formats = FMTS_NO_CSV};

/* Reads all of fd, at most CPU_MAX_BYTES + 1 bytes (one more than a listing
 * may have, so that the parser can say the input is too large). Returns 0,
 * or -1 after an error naming `path`. */
static int
read_input(int fd, const char *path, struct buf *out, struct diags *d)
{
    size_t want = (size_t)CPU_MAX_BYTES + 1;
    while (out->len < want) {
        size_t room = want - out->len < 65536 ? want - out->len : 65536;
        buf_grow(out, room);
        ssize_t got = read(fd, out->p + out->len, room);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            diags_add(d, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
            return -1;
        }
        if (got == 0)
            break;
        out->len += (size_t)got;
        out->p[out->len] = '\0';
    }
    return 0;
}

/* "title; title" of the findings at medium or above for `subject`, or NULL. */
static char *
serious_titles(const struct findings *f, size_t from, const char *subject, bool *any)
{
    struct buf b = BUF_INIT;
    *any = false;
    for (size_t i = from; i < f->n; i++) {
        if (f->v[i].level < LEVEL_MEDIUM || strcmp(f->v[i].subject, subject) != 0)
            continue;
        *any = true;
        buf_addf(&b, "%s%s", b.len ? "; " : "", f->v[i].rule->title);
    }
    return b.len ? buf_detach(&b) : (buf_release(&b), NULL);
}

static void
read_one(const char *path, struct report *rep)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = input_open(path, INPUT_STDIN, NULL, &rep->diags);
    if (fd < 0)
        return;
    struct buf text = BUF_INIT;
    int rc = read_input(fd, path, &text, &rep->diags);
    if (!is_stdin)
        close(fd);
    if (rc != 0) {
        buf_release(&text);
        return;
    }
    struct report_cpu rc1 = {.path = xstrdup(path)};
    if (cpu_parse(text.p ? text.p : "", text.len, path, &rc1.info, &rep->diags) != 0) {
        buf_release(&text);
        cpu_release(&rc1.info);
        free(rc1.path);
        return;
    }
    buf_release(&text);
    rep->cpus = xreallocarray(rep->cpus, rep->ncpus + 1, sizeof(*rep->cpus));
    rep->cpus[rep->ncpus++] = rc1;
}

static int
run_cpu(struct cmd_ctx *c)
{
    struct report *rep = &c->rep;
    rep->has_cpus = true;
    if (c->nargs == 0)
        read_one("-", rep);
    for (size_t i = 0; i < c->nargs; i++)
        read_one(c->args[i], rep);
    /* the views point into rep->cpus: build them once it no longer moves */
    for (size_t i = 0; i < rep->ncpus; i++) {
        struct report_cpu *cp = &rep->cpus[i];
        cp->view = (struct cpu_view){&cp->info, cp->path};
        size_t from = rep->findings.n;
        char *ev = cpu_evidence_text(&cp->info);
        audit_cpu(&c->rules, &cp->view, cp->info.has_flags ? cp->info.flags_line : cp->info.hv_line,
                  ev, &rep->findings);
        rule_re_report(&rep->diags, cp->path, 0);
        free(ev);
        bool serious;
        char *titles = serious_titles(&rep->findings, from, cp->path, &serious);
        cp->verdict = cpu_verdict(&cp->info, serious, titles, &cp->ready);
        free(titles);
    }
    return VT_EXIT_OK;
}
