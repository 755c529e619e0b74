/* cli: option parsing (getopt_long), output selection, exit status. */
#include "cmd/cli.h"
#include "util/util_mem.h"
#include "report/report_fit.h"
#include "report/report_stream.h"
#include "util/spool.h"
#include "util/util_term.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Heap a one-input run of a rules command starts with (the records, the
 * report; for an input over 64 KB the log prefilter's database, about
 * 100 KB, and its scratch): populated at once (mem_prefault_heap); past it
 * pages fault as usual. The rules themselves take none (kb_rules.h). */
#define START_HEAP (256u << 10)

void
cli_verror(const char *fmt, va_list ap)
{
    fputs("vmtriage: ", stderr);
    term_vprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_verror(fmt, ap);
    va_end(ap);
}

const struct command *const vt_commands[] = {&bundle_cmd, &scan_cmd, &psod_cmd, &logs_cmd,
                                             &dump_cmd,   &cpu_cmd,  &diagnose_cmd,
                                             &vcenter_cmd, &fix_cmd, &merge_cmd, &rules_cmd};
const size_t vt_ncommands = sizeof(vt_commands) / sizeof(vt_commands[0]);

/* Every option, the CO_* bit of the commands that take it, and its help. */
enum {
    OPT_RULES = 256,
    OPT_MIN,
    OPT_PROFILE,
    OPT_NOCOLOR,
    OPT_VMS,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_EXAMPLES,
    OPT_KIND,
    OPT_BUILD,
    OPT_DUMP,
    OPT_STOP,
    OPT_CONSOLE,
    OPT_CPUINFO,
    OPT_HOST,
    OPT_CREDENTIALS,
    OPT_CAFILE,
    OPT_THUMBPRINT,
    OPT_INSECURE,
    OPT_TIMEOUT,
    OPT_PAGESIZE,
    OPT_VCENTER,
    OPT_EMIT,
    OPT_FROM,
    OPT_APPLY,
    OPT_DRYRUN,
    OPT_UNDO,
    OPT_RELOAD,
    OPT_ONLY
};
static const struct optdef {
    const char *name; /* long name */
    int val;          /* getopt's value: the short letter or OPT_* */
    unsigned bit;     /* CO_*: the commands that take it */
    const char *arg;  /* the value's name, or NULL */
    const char *help; /* after the name in --help; "\n" continues it */
} optdefs[] = {
    {"format", 'f', CO_FORMAT, "FMT", NULL /* from the command's formats */},
    {"output", 'o', CO_OUTPUT, "FILE",
     "write the report to FILE instead of standard output\n(not one of the inputs)"},
    {"rules", OPT_RULES, CO_RULES, "DIR", "also load the rule files (*.yml) of DIR"},
    {"min-severity", OPT_MIN, CO_MIN, "L",
     "show only findings at level L or above\n(informational, low, medium, high, critical)"},
    {"profile", OPT_PROFILE, CO_PROFILE, "nested", "audit every VM as a nested hypervisor host"},
    {"jobs", 'j', CO_JOBS, "N", "worker threads (default: one per core)"},
    {"no-color", OPT_NOCOLOR, CO_COLOR, NULL, "no colour in text output (also: NO_COLOR set)"},
    {"since", OPT_SINCE, CO_WINDOW, "TIME",
     "only lines at or after TIME (2024-03-04, 2024-03-04T05:06Z;\nUTC unless a zone is written)"},
    {"until", OPT_UNTIL, CO_WINDOW, "TIME", "only lines before TIME (later than --since)"},
    {"examples", OPT_EXAMPLES, CO_WINDOW, "N", "example lines kept per finding (default 5)"},
    {"build", OPT_BUILD, CO_BUILD, "N",
     "the ESXi build the crashed host ran, when the screen does\nnot show it (vmware -v): "
     "whether a known issue's fix\nis in it"},
    {"kind", OPT_KIND, CO_KIND, "KIND",
     "list only the rules of one record kind (vm, nic, controller,\ncrash, log, dump, cpu), "
     "and count them"},
    {"dump", OPT_DUMP, CO_DIAG, "FILE|DIR",
     "the guest's Windows crash dumps (Minidump\\*.dmp, MEMORY.DMP;\nrepeatable)"},
    {"stop-code", OPT_STOP, CO_DIAG, "CODE",
     "what the blue screen said: 0x7B, 7B, INACCESSIBLE_BOOT_DEVICE\nor its 'Stop code:' line"},
    {"console", OPT_CONSOLE, CO_DIAG, "FILE|-",
     "the guest's console or serial text (a Linux panic, a\nWindows stop screen as text)"},
    {"cpuinfo", OPT_CPUINFO, CO_DIAG, "FILE",
     "the guest's /proc/cpuinfo or lscpu output, and/or the\nhost's esxcli hardware cpu global get "
     "(given twice)"},
    {"host", OPT_HOST, CO_DIAG, "PATH",
     "the ESXi host the VM runs on: its support bundle\n(vm-support .tgz or folder) or a copy of its "
     "file system:\nits build, HV Support and log lines about the VM"},
    {"vms", OPT_VMS, CO_VMS, "PATH",
     "also scan the VMs under PATH (repeatable) and list\nthose that carry a known crash's "
     "trigger"},
    {"vcenter", OPT_VCENTER, CO_VMS, "URL",
     "also read the VMs of a vCenter or ESXi host (with the\noptions below) and list those "
     "that carry a known\ncrash's trigger"},
    {"cred-file", OPT_CREDENTIALS, CO_VCENTER, "FILE",
     "user=NAME and password=SECRET lines (mode 0600);\nelse VMTRIAGE_USER and "
     "VMTRIAGE_PASSWORD, else a prompt"},
    {"ca-file", OPT_CAFILE, CO_VCENTER, "FILE", "trust the CA certificates (PEM) in FILE"},
    {"thumbprint", OPT_THUMBPRINT, CO_VCENTER, "HEX",
     "trust exactly the server certificate with this SHA-256\nthumbprint (AB:CD:...)"},
    {"insecure", OPT_INSECURE, CO_VCENTER, NULL,
     "do not check the server's certificate (warned on stderr)"},
    {"timeout", OPT_TIMEOUT, CO_VCENTER, "S", "give up a request after S seconds (default 300)"},
    {"page-size", OPT_PAGESIZE, CO_VCENTER, "N", "objects per page of the property collector "
     "(default 500)"},
    {"emit", OPT_EMIT, CO_PLAN, "FORM",
     "the plan as text (default), powercli, govc, esxi-shell\nor ansible: one script for all "
     "findings"},
    {"from", OPT_FROM, CO_PLAN, "FILE", "plan from a saved JSON report (--format json)"},
    {"apply", OPT_APPLY, CO_APPLY, NULL,
     "edit the .vmx files: a backup beside each, an atomic\nreplace, a journal for --undo"},
    {"dry-run", OPT_DRYRUN, CO_APPLY, NULL, "print the changes --apply would make; write nothing"},
    {"undo", OPT_UNDO, CO_APPLY, NULL, "restore the files a journal (the operand) recorded"},
    {"only", OPT_ONLY, CO_APPLY, "RULE", "apply only this rule's fix (repeatable)"},
    {"reload", OPT_RELOAD, CO_APPLY, NULL,
     "on ESXi, have hostd reread each edited .vmx\n(vim-cmd vmsvc/reload)"},
};
#define NOPTDEFS (sizeof(optdefs) / sizeof(optdefs[0]))

static const char *const format_names[] = {[FMT_TEXT] = "text",
                                           [FMT_JSON] = "json",
                                           [FMT_CSV] = "csv",
                                           [FMT_NAGIOS] = "nagios",
                                           [FMT_HTML] = "html"};
/* The order formats are listed in. */
static const enum report_format format_order[] = {FMT_TEXT, FMT_JSON, FMT_CSV, FMT_HTML,
                                                  FMT_NAGIOS};

/* "text, json or csv": the command's formats, in format_order. */
static void
print_formats(FILE *fp, unsigned formats, const char *last_sep)
{
    size_t n = 0, total = 0;
    for (size_t i = 0; i < 5; i++)
        total += (formats & FMT_BIT(format_order[i])) != 0;
    for (size_t i = 0; i < 5; i++) {
        if (!(formats & FMT_BIT(format_order[i])))
            continue;
        fprintf(fp, "%s%s",
                n == 0           ? ""
                : n + 1 == total ? last_sep
                                 : ", ",
                format_names[format_order[i]]);
        n++;
    }
}

static void
print_option(FILE *fp, const char *names, const char *help)
{
    fprintf(fp, "  %-22s", names);
    for (const char *p = help; *p; p++) {
        fputc(*p, fp);
        if (*p == '\n')
            fprintf(fp, "  %-22s", "");
    }
    fputc('\n', fp);
}

void
cli_help(const struct command *cmd, FILE *fp)
{
    fprintf(fp, "usage: %s\n\n%s\n\noptions:\n", cmd->usage, cmd->summary);
    for (size_t i = 0; i < NOPTDEFS; i++) {
        const struct optdef *od = &optdefs[i];
        if (!(cmd->opts & od->bit))
            continue;
        char names[64];
        const char *sp = od->arg ? " " : "", *arg = od->arg ? od->arg : "";
        if (od->val < 256)
            snprintf(names, sizeof(names), "-%c, --%s%s%s", od->val, od->name, sp, arg);
        else
            snprintf(names, sizeof(names), "    --%s%s%s", od->name, sp, arg);
        if (od->val == 'f') {
            fprintf(fp, "  %-22s", names);
            print_formats(fp, cmd->formats, " or ");
            fputs(" (default: text)", fp);
            if (cmd->formats & FMT_BIT(FMT_HTML))
                fprintf(fp, "\n  %-22shtml: one self-contained page", "");
            if (cmd->formats & FMT_BIT(FMT_NAGIOS))
                fprintf(fp, "\n  %-22snagios: a monitoring check", "");
            fputc('\n', fp);
        } else {
            print_option(fp, names, od->help);
        }
    }
    print_option(fp, "-h, --help", "this help");
    if (cmd->opts & CO_MIN) /* a command that reports findings */
        fputs("\nexit status: 0 nothing at medium or above, 1 medium/high, 2 critical,\n"
              "3 could not run (usage, unreadable or malformed input)\n",
              fp);
    else
        fputs("\nexit status: 0 done, 3 could not run (usage, a broken rule file) or a rule\n"
              "failed its check\n",
              fp);
}

void
cli_complete(FILE *fp)
{
    fputs("commands", fp);
    for (size_t c = 0; c < vt_ncommands; c++)
        fprintf(fp, " %s", vt_commands[c]->name);
    fputs(" help\n", fp);
    for (size_t c = 0; c < vt_ncommands; c++) {
        const struct command *cmd = vt_commands[c];
        fprintf(fp, "options %s", cmd->name);
        for (size_t i = 0; i < NOPTDEFS; i++)
            if (cmd->opts & optdefs[i].bit) {
                if (optdefs[i].val < 256)
                    fprintf(fp, " -%c", optdefs[i].val);
                fprintf(fp, " --%s%s", optdefs[i].name, optdefs[i].arg ? "=" : "");
            }
        fputs(" -h --help\n", fp);
        if (cmd->opts & CO_FORMAT) {
            fprintf(fp, "formats %s", cmd->name);
            for (size_t i = 0; i < 5; i++)
                if (cmd->formats & FMT_BIT(format_order[i]))
                    fprintf(fp, " %s", format_names[format_order[i]]);
            fputc('\n', fp);
        }
        if (cmd->words)
            fprintf(fp, "words %s %s\n", cmd->name, cmd->words);
    }
    fputs("values --min-severity informational low medium high critical\n"
          "values --profile nested\n",
          fp);
}

/* --since / --until take an ISO time or date (UTC when no zone is written),
 * --examples a count. */
static bool
window_option(struct vt_opts *o, char which, const char *arg)
{
    if (which == 'e') {
        char *end;
        long n = strtol(arg, &end, 10);
        if (*end || end == arg || n < 0 || n > 1000) {
            cli_error("--examples takes a number from 0 to 1000, not '%s'", arg);
            return false;
        }
        o->examples = (int)n;
        return true;
    }
    int64_t ms;
    if (!log_parse_iso(arg, strlen(arg), &ms)) {
        cli_error("--%s takes a time such as 2024-03-04 or 2024-03-04T05:06:07Z, not '%s'",
                  which == 's' ? "since" : "until", arg);
        return false;
    }
    if (which == 's') {
        o->window.has_since = true;
        o->window.since_ms = ms;
    } else {
        o->window.has_until = true;
        o->window.until_ms = ms;
    }
    return true;
}

/* -o must not name an input: the report would replace what it reports on. An
 * input is an operand or a --vms path ("-" is standard input); the output is
 * one when it is the same path, the same file (device and inode: a hard or
 * symbolic link), or an existing file inside an input folder (a later read
 * of the folder would take the report for a log, and this run may have read
 * the file). */
static bool
output_is_input(const char *out, char *const *in, size_t n)
{
    struct stat so;
    bool exists = stat(out, &so) == 0;
    char *real_out = exists ? realpath(out, NULL) : NULL;
    bool clash = false;
    for (size_t i = 0; i < n && !clash; i++) {
        if (strcmp(in[i], "-") == 0)
            continue;
        struct stat si;
        if (strcmp(in[i], out) == 0) {
            clash = true;
        } else if (exists && stat(in[i], &si) == 0) {
            if (si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
                clash = true;
            } else if (S_ISDIR(si.st_mode) && real_out != NULL) {
                char *real_in = realpath(in[i], NULL);
                size_t l = real_in ? strlen(real_in) : 0;
                clash = real_in && strncmp(real_out, real_in, l) == 0 &&
                        (real_out[l] == '/' || (l == 1 && real_in[0] == '/'));
                free(real_in);
            }
        }
        if (clash)
            cli_error("-o '%s' is one of the inputs ('%s'): it would be overwritten; "
                      "write the report elsewhere",
                      out, in[i]);
    }
    free(real_out);
    return clash;
}

int
cli_parse(int argc, char **argv, const struct command *cmd, struct vt_opts *o)
{
    struct option longopts[NOPTDEFS + 2];
    for (size_t i = 0; i < NOPTDEFS; i++)
        longopts[i] =
            (struct option){optdefs[i].name, optdefs[i].arg ? required_argument : no_argument, NULL,
                            optdefs[i].val};
    longopts[NOPTDEFS] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[NOPTDEFS + 1] = (struct option){NULL, 0, NULL, 0};
    *o = (struct vt_opts){.format = FMT_TEXT, .min_level = LEVEL_INFORMATIONAL, .examples = -1};
    optind = 1;
    opterr = 0;
    int c;
    /* options may follow operands (GNU order: `rules list -f json`; "--" ends them);
     * ':': a missing value is ':' */
    while ((c = getopt_long(argc, argv, ":f:hj:o:", longopts, NULL)) != -1) {
        const char *typed = argv[optind - 1]; /* "--format", "-f", "-fjson" ... */
        if (c == ':') {
            if (optopt > 0 && optopt < 256 && typed[0] == '-' && typed[1] != '-')
                cli_error("option '-%c' needs a value; see 'vmtriage %s --help'", optopt,
                          cmd->name);
            else
                cli_error("option '%s' needs a value; see 'vmtriage %s --help'", typed, cmd->name);
            return -1;
        }
        if (c == '?') {
            if (optopt)
                cli_error("unknown option '-%c'; see 'vmtriage %s --help'", optopt, cmd->name);
            else
                cli_error("unknown option '%s'; see 'vmtriage %s --help'", typed, cmd->name);
            return -1;
        }
        if (c == 'h') {
            cli_help(cmd, stdout);
            return -2;
        }
        const struct optdef *od = NULL;
        for (size_t i = 0; i < NOPTDEFS && od == NULL; i++)
            if (optdefs[i].val == c)
                od = &optdefs[i];
        if (od == NULL || !(cmd->opts & od->bit)) {
            cli_error("'vmtriage %s' has no --%s option; see 'vmtriage %s --help'", cmd->name,
                      od ? od->name : "?", cmd->name);
            return -1;
        }
        switch (c) {
        case 'f': {
            int f = -1;
            for (int i = 0; i < 5; i++)
                if (strcmp(optarg, format_names[i]) == 0)
                    f = i;
            if (f < 0 || !(cmd->formats & FMT_BIT(f))) {
                if (f < 0)
                    fprintf(stderr, "vmtriage: unknown format '%s'; 'vmtriage %s' writes ", optarg,
                            cmd->name);
                else
                    fprintf(stderr, "vmtriage: 'vmtriage %s' does not write %s; it writes ",
                            cmd->name, optarg);
                print_formats(stderr, cmd->formats, " or ");
                fputc('\n', stderr);
                return -1;
            }
            o->format = (enum report_format)f;
            break;
        }
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || end == optarg || n < 1 || n > 64) {
                cli_error("--jobs takes a number from 1 to 64, not '%s'", optarg);
                return -1;
            }
            o->jobs = (int)n;
            break;
        }
        case 'o':
            o->output = optarg;
            break;
        case OPT_RULES:
            o->rules_dir = optarg;
            break;
        case OPT_MIN:
            if ((o->min_level = level_from_name(optarg)) < 0) {
                cli_error("unknown severity '%s' (informational, low, medium, high, critical)",
                          optarg);
                return -1;
            }
            break;
        case OPT_PROFILE:
            if (strcmp(optarg, "nested") != 0) {
                cli_error("unknown profile '%s' (nested)", optarg);
                return -1;
            }
            o->profile_nested = true;
            break;
        case OPT_NOCOLOR:
            o->no_color = true;
            break;
        case OPT_VMS:
            if (o->nvms == VT_MAX_VMS_PATHS) {
                cli_error("at most %d --vms paths", VT_MAX_VMS_PATHS);
                return -1;
            }
            o->vms[o->nvms++] = optarg;
            break;
        case OPT_BUILD:
            if (optarg[0] == '\0' || strspn(optarg, "0123456789") != strlen(optarg) ||
                strlen(optarg) > 9) {
                cli_error("--build takes an ESXi build number (digits, as 'vmware -v' shows it), "
                          "not '%s'",
                          optarg);
                return -1;
            }
            o->build = optarg;
            break;
        case OPT_DUMP:
            if (o->ndumps == VT_MAX_VMS_PATHS) {
                cli_error("at most %d --dump paths", VT_MAX_VMS_PATHS);
                return -1;
            }
            o->dumps[o->ndumps++] = optarg;
            break;
        case OPT_STOP:
            o->stop_code = optarg;
            break;
        case OPT_CONSOLE:
            o->console = optarg;
            break;
        case OPT_HOST:
            o->host = optarg;
            break;
        case OPT_CPUINFO:
            if (o->ncpuinfos == 2) {
                cli_error("at most two --cpuinfo listings (the guest's and the host's)");
                return -1;
            }
            o->cpuinfos[o->ncpuinfos++] = optarg;
            break;
        case OPT_VCENTER:
            o->vcenter = optarg;
            break;
        case OPT_CREDENTIALS:
            o->credentials = optarg;
            break;
        case OPT_CAFILE:
            o->ca_file = optarg;
            break;
        case OPT_THUMBPRINT:
            o->thumbprint = optarg;
            break;
        case OPT_INSECURE:
            o->insecure = true;
            break;
        case OPT_TIMEOUT:
        case OPT_PAGESIZE: {
            char *end;
            long n = strtol(optarg, &end, 10);
            long max = c == OPT_TIMEOUT ? 86400 : 100000;
            if (*end || end == optarg || n < 1 || n > max) {
                cli_error("--%s takes a number from 1 to %ld, not '%s'", od->name, max, optarg);
                return -1;
            }
            *(c == OPT_TIMEOUT ? &o->timeout : &o->page_size) = (int)n;
            break;
        }
        case OPT_EMIT:
            o->emit = optarg;
            break;
        case OPT_FROM:
            o->from = optarg;
            break;
        case OPT_APPLY:
            o->apply = true;
            break;
        case OPT_DRYRUN:
            o->dry_run = true;
            break;
        case OPT_UNDO:
            o->undo = true;
            break;
        case OPT_RELOAD:
            o->reload = true;
            break;
        case OPT_ONLY:
            if (o->nonly == VT_MAX_VMS_PATHS) {
                cli_error("at most %d --only rules", VT_MAX_VMS_PATHS);
                return -1;
            }
            o->only[o->nonly++] = optarg;
            break;
        case OPT_KIND:
            if (record_kind_from_name(optarg) < 0) {
                cli_error("--kind takes vm, nic, controller, crash, log, dump or cpu, not '%s'",
                          optarg);
                return -1;
            }
            o->kind = optarg;
            break;
        case OPT_SINCE:
        case OPT_UNTIL:
        case OPT_EXAMPLES:
            if (!window_option(o, c == OPT_SINCE ? 's' : c == OPT_UNTIL ? 'u' : 'e', optarg))
                return -1;
            break;
        default:
            VT_BUG("option %d in optdefs but not parsed", c);
        }
    }
    if (o->window.has_since && o->window.has_until && o->window.until_ms <= o->window.since_ms) {
        cli_error("--until must be later than --since (nothing would be read)");
        return -1;
    }
    if (o->output && (output_is_input(o->output, argv + optind, (size_t)(argc - optind)) ||
                      output_is_input(o->output, o->vms, o->nvms) ||
                      output_is_input(o->output, o->dumps, o->ndumps) ||
                      (o->console && output_is_input(o->output, (char **)&o->console, 1)) ||
                      output_is_input(o->output, o->cpuinfos, o->ncpuinfos) ||
                      (o->host && output_is_input(o->output, (char **)&o->host, 1))))
        return -1;
    return optind;
}

int
cli_run(const struct command *cmd, int argc, char **argv)
{
    struct cmd_ctx c = {.cmd = cmd, .rules = RULESET_INIT};
    int first = cli_parse(argc, argv, cmd, &c.o);
    if (first == -2)
        return VT_EXIT_OK;
    if (first < 0)
        return VT_EXIT_UNKNOWN;
    c.args = argv + first;
    c.nargs = (size_t)(argc - first);
    bool none = c.nargs == 0;
    if (((cmd->needs & CMD_OPERAND) && none) ||
        ((cmd->needs & CMD_OPERAND_OR_PIPE) && none && isatty(0))) {
        cli_error("%s; see 'vmtriage %s --help'", cmd->missing, cmd->name);
        return VT_EXIT_UNKNOWN;
    }
    int rc = VT_EXIT_OK;
    if (cmd->needs & CMD_RULES)
        mem_prefault_heap(START_HEAP);
    if ((cmd->needs & CMD_RULES) && !cli_load_rules(&c.o, &c.rules))
        rc = VT_EXIT_UNKNOWN;
    c.rep.command = cmd->name;
    if (rc == VT_EXIT_OK)
        rc = cmd->run(&c);
    if (rc == VT_EXIT_OK && (cmd->needs & CMD_REPORT))
        rc = cli_finish(&c.rep, &c.o);
    report_release(&c.rep);
    /* The process ends next: freeing a few hundred rules one by one is
     * start-up cost a Nagios check pays on every call (1.3 M instructions),
     * so only the sanitizer builds, whose leak check reads it, free them. */
#if defined(__SANITIZE_ADDRESS__) || defined(VT_FREE_AT_EXIT)
    ruleset_release(&c.rules);
#endif
    return rc;
}

/* One input problem on standard error: `vmtriage: FILE[:LINE]: [note: ]message`. */
static void
print_diag(const struct diag *d)
{
    const char *note = d->level == DIAG_NOTE ? "note: " : "";
    if (d->line)
        cli_error("%s:%lu: %s%s", d->path, d->line, note, d->message);
    else
        cli_error("%s: %s%s", d->path, note, d->message);
}

bool
cli_load_rules(const struct vt_opts *o, struct ruleset *rs)
{
    struct diags d = DIAGS_INIT;
    size_t errors = rules_load_builtin(rs, &d);
    if (o->rules_dir)
        errors += rules_load_dir(rs, o->rules_dir, &d);
    for (size_t i = 0; i < d.n; i++)
        print_diag(&d.v[i]);
    diags_release(&d);
    return errors == 0;
}

/* Whether the user's locale is UTF-8, from the environment as setlocale reads
 * it (LC_ALL, then LC_CTYPE, then LANG): the static binary loads no locale. */
static bool
locale_utf8(void)
{
    const char *names[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            return strcasestr(v, "utf-8") != NULL || strcasestr(v, "utf8") != NULL;
    }
    return false;
}

/* The exit status of a report: 2 with a critical finding, else 3 with an
 * input error (or diagnose's walk answered no node at all), else 1 with a
 * medium/high finding (or a node of diagnose's walk is a problem), else 0. */
static int
exit_status(const struct report *r)
{
    int max = r->stream ? report_stream_max_level(r->stream) : findings_max_level(&r->findings);
    size_t dv[3];
    diagnoses_count(r, dv);
    if (max == LEVEL_CRITICAL)
        return VT_EXIT_CRITICAL;
    if (diags_count(&r->diags, DIAG_ERROR) || (r->ndiagnoses && dv[DV_OK] + dv[DV_PROBLEM] == 0))
        return VT_EXIT_UNKNOWN;
    if (max >= LEVEL_MEDIUM || dv[DV_PROBLEM])
        return VT_EXIT_WARNING;
    return VT_EXIT_OK;
}

FILE *
cli_open_output(const struct vt_opts *o)
{
    FILE *fp = stdout;
    if (o->output && (fp = fopen(o->output, "w")) == NULL)
        cli_error("cannot write '%s': %s", o->output, strerror(errno));
    return fp;
}

int
cli_finish(struct report *r, const struct vt_opts *o)
{
    size_t keep = 0;
    for (size_t i = 0; i < r->findings.n; i++) {
        if ((int)r->findings.v[i].level >= o->min_level) {
            r->findings.v[keep++] = r->findings.v[i];
        } else {
            finding_release(&r->findings.v[i]);
        }
    }
    r->findings.n = keep;

    /* a streamed report (scan) opened the output and holds its own findings */
    FILE *fp = r->stream ? report_stream_file(r->stream) : cli_open_output(o);
    if (fp == NULL)
        return VT_EXIT_UNKNOWN;
    int rc, status = exit_status(r);
    struct report_opts ro = {.color = !o->no_color && getenv("NO_COLOR") == NULL && fp == stdout &&
                                      isatty(1),
                             .width = fp == stdout ? fit_terminal_width(1) : 0,
                             .utf8 = !o->no_color && getenv("NO_COLOR") == NULL && locale_utf8()};
    if (r->stream) {
        rc = report_stream_finish(r->stream, r, &ro);
        if (rc == -2) {
            cli_error("cannot write a temporary file of the report in %s (TMPDIR): %s",
                      spool_tmpdir(), strerror(errno));
            if (fp != stdout)
                fclose(fp);
            return VT_EXIT_UNKNOWN;
        }
    } else if (o->format == FMT_JSON) {
        rc = report_json(fp, r);
    } else if (o->format == FMT_NAGIOS) {
        rc = report_nagios(fp, r, status);
    } else if (o->format == FMT_HTML) {
        rc = report_html(fp, r, status);
    } else if (o->format == FMT_CSV) {
        rc = report_csv(fp, r);
    } else {
        rc = report_text(fp, r, &ro);
    }
    if (fp != stdout && fclose(fp) != 0)
        rc = -1;
    else if (fp == stdout && fflush(stdout) != 0)
        rc = -1;
    if (o->format == FMT_TEXT || o->format == FMT_CSV) /* the others carry the errors */
        for (size_t i = 0; i < r->diags.n; i++) {
            print_diag(&r->diags.v[i]);
        }
    if (rc != 0) {
        cli_error("cannot write the report: %s", strerror(errno));
        return VT_EXIT_UNKNOWN;
    }
    return status;
}
