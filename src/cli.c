/* cli: option parsing (getopt_long), output selection, exit status. */
#include "cli.h"
#include "util_mem.h"
#include "report_fit.h"
#include "util_term.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("vmtriage: ", stderr);
    va_start(ap, fmt);
    term_vprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void
print_help(const struct command *cmd)
{
    printf("usage: %s\n\n%s\n\n", cmd->usage, cmd->summary);
    fputs("options:\n"
          "  -f, --format FMT        text (default), json, csv, html (one page), or nagios\n"
          "                          (a monitoring check)\n"
          "  -o, --output FILE       write the report to FILE instead of standard output\n"
          "      --rules DIR         also load the rule files (*.yml) of DIR\n"
          "      --min-severity L    show only findings at level L or above\n"
          "                          (informational, low, medium, high, critical)\n"
          "      --profile nested    audit every VM as a nested hypervisor host\n"
          "  -j, --jobs N            worker threads (default: one per core)\n"
          "      --no-color          no colour in text output (also: NO_COLOR set)\n",
          stdout);
    if (cmd->takes_window)
        puts("      --since TIME        only lines at or after TIME (2024-03-04, "
             "2024-03-04T05:06Z;\n"
             "                          UTC unless a zone is written)\n"
             "      --until TIME        only lines before TIME\n"
             "      --examples N        example lines kept per finding (default 5)");
    if (cmd->takes_vms)
        puts("      --vms PATH          also scan the VMs under PATH (repeatable) and list\n"
             "                          those that carry a known crash's trigger");
    puts("  -h, --help              this help\n\n"
         "exit status: 0 nothing at medium or above, 1 medium/high, 2 critical,\n"
         "3 could not run (usage, unreadable or malformed input)");
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

int
cli_parse(int argc, char **argv, const struct command *cmd, struct vt_opts *o)
{
    enum {
        OPT_RULES = 256,
        OPT_MIN,
        OPT_PROFILE,
        OPT_NOCOLOR,
        OPT_VMS,
        OPT_SINCE,
        OPT_UNTIL,
        OPT_EXAMPLES
    };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {"jobs", required_argument, NULL, 'j'},
        {"min-severity", required_argument, NULL, OPT_MIN},
        {"no-color", no_argument, NULL, OPT_NOCOLOR},
        {"output", required_argument, NULL, 'o'},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"rules", required_argument, NULL, OPT_RULES},
        {"vms", required_argument, NULL, OPT_VMS},
        {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL},
        {"examples", required_argument, NULL, OPT_EXAMPLES},
        {NULL, 0, NULL, 0},
    };
    *o = (struct vt_opts){.format = FMT_TEXT, .min_level = LEVEL_INFORMATIONAL, .examples = -1};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+f:hj:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "text"))
                o->format = FMT_TEXT;
            else if (!strcmp(optarg, "json"))
                o->format = FMT_JSON;
            else if (!strcmp(optarg, "csv"))
                o->format = FMT_CSV;
            else if (!strcmp(optarg, "nagios"))
                o->format = FMT_NAGIOS;
            else if (!strcmp(optarg, "html"))
                o->format = FMT_HTML;
            else {
                cli_error("unknown format '%s' (text, json, csv, html or nagios)", optarg);
                return -1;
            }
            break;
        case 'h':
            print_help(cmd);
            return -2;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 64) {
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
                cli_error("unknown severity '%s'", optarg);
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
            if (!cmd->takes_vms) {
                cli_error("'vmtriage %s' has no --vms option", cmd->name);
                return -1;
            }
            if (o->nvms == VT_MAX_VMS_PATHS) {
                cli_error("at most %d --vms paths", VT_MAX_VMS_PATHS);
                return -1;
            }
            o->vms[o->nvms++] = optarg;
            break;
        case OPT_SINCE:
        case OPT_UNTIL:
        case OPT_EXAMPLES:
            if (!cmd->takes_window) {
                cli_error("'vmtriage %s' has no %s option", cmd->name, argv[optind - 1]);
                return -1;
            }
            if (!window_option(o, c == OPT_SINCE ? 's' : c == OPT_UNTIL ? 'u' : 'e', optarg))
                return -1;
            break;
        default:
            if (optopt)
                cli_error("unknown option '-%c'; see '%s --help'", optopt, cmd->name);
            else
                cli_error("unknown option '%s'; see 'vmtriage %s --help'", argv[optind - 1],
                          cmd->name);
            return -1;
        }
    }
    return optind;
}

bool
cli_load_rules(const struct vt_opts *o, struct ruleset *rs)
{
    struct diags d = DIAGS_INIT;
    size_t errors = rules_load_builtin(rs, &d);
    if (o->rules_dir)
        errors += rules_load_dir(rs, o->rules_dir, &d);
    for (size_t i = 0; i < d.n; i++)
        cli_error("%s:%lu: %s", d.v[i].path, d.v[i].line, d.v[i].message);
    diags_release(&d);
    return errors == 0;
}

/* The exit status of a report: 2 with a critical finding, else 3 with an
 * input error, else 1 with a medium/high finding, else 0. */
static int
exit_status(const struct report *r)
{
    int max = findings_max_level(&r->findings);
    if (max == LEVEL_CRITICAL)
        return VT_EXIT_CRITICAL;
    if (diags_count(&r->diags, DIAG_ERROR))
        return VT_EXIT_UNKNOWN;
    if (max >= LEVEL_MEDIUM)
        return VT_EXIT_WARNING;
    return VT_EXIT_OK;
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

    FILE *fp = stdout;
    if (o->output && (fp = fopen(o->output, "w")) == NULL) {
        cli_error("cannot write '%s': %s", o->output, strerror(errno));
        return VT_EXIT_UNKNOWN;
    }
    int rc, status = exit_status(r);
    if (o->format == FMT_JSON) {
        rc = report_json(fp, r);
    } else if (o->format == FMT_NAGIOS) {
        rc = report_nagios(fp, r, status);
    } else if (o->format == FMT_HTML) {
        rc = report_html(fp, r, status);
    } else if (o->format == FMT_CSV) {
        rc = report_csv(fp, r);
    } else {
        struct report_opts ro = {.color = !o->no_color && getenv("NO_COLOR") == NULL &&
                                          fp == stdout && isatty(1),
                                 .width = fp == stdout ? fit_terminal_width(1) : 0};
        rc = report_text(fp, r, &ro);
    }
    if (fp != stdout && fclose(fp) != 0)
        rc = -1;
    else if (fp == stdout && fflush(stdout) != 0)
        rc = -1;
    if (o->format == FMT_TEXT || o->format == FMT_CSV) /* the others carry the errors */
        for (size_t i = 0; i < r->diags.n; i++) {
            const struct diag *d = &r->diags.v[i];
            if (d->line)
                cli_error("%s:%lu: %s%s", d->path, d->line, d->level == DIAG_NOTE ? "note: " : "",
                          d->message);
            else
                cli_error("%s: %s%s", d->path, d->level == DIAG_NOTE ? "note: " : "", d->message);
        }
    if (rc != 0) {
        cli_error("cannot write the report: %s", strerror(errno));
        return VT_EXIT_UNKNOWN;
    }
    return status;
}
