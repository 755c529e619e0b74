/* cli: what every command shares: options, rule loading, exit status, and
 * printing the report. Only the CLI talks to the user (STYLE.md). */
#ifndef VT_CLI_H
#define VT_CLI_H

#include "findings/audit_log.h"
#include "report/report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit status: the monitoring-plugin convention (DESIGN.md). */
enum vt_exit {
    VT_EXIT_OK = 0,       /* nothing at medium or above */
    VT_EXIT_WARNING = 1,  /* medium or high */
    VT_EXIT_CRITICAL = 2, /* critical */
    VT_EXIT_UNKNOWN = 3,  /* could not run: usage, unreadable or malformed input */
};

#define VT_MAX_VMS_PATHS 64

struct vt_opts {
    enum report_format format;
    const char *output;    /* -o FILE, or NULL for stdout */
    const char *rules_dir; /* --rules DIR */
    int min_level;         /* --min-severity */
    bool profile_nested;   /* --profile nested */
    bool no_color;
    int jobs;                    /* -j N; 0 = one per core */
    char *vms[VT_MAX_VMS_PATHS]; /* --vms PATH (psod): datastores to search for the trigger */
    size_t nvms;
    struct log_window window; /* --since / --until (logs) */
    int examples;             /* --examples N (logs, psod); -1: the default */
    const char *kind;         /* --kind KIND (rules list), or NULL */
    const char *build;        /* --build N (psod): the host's build when the screen has none */
    char *dumps[VT_MAX_VMS_PATHS]; /* --dump FILE|DIR (diagnose), repeatable */
    size_t ndumps;
    const char *stop_code; /* --stop-code CODE|NAME (diagnose) */
    const char *console;   /* --console FILE|- (diagnose) */
    const char *host;      /* --host PATH (diagnose): the host's bundle or file system */
    char *cpuinfos[4];     /* --cpuinfo FILE (diagnose): the guest's listing, the host's, or both */
    size_t ncpuinfos;
    const char *credentials; /* --cred-file FILE (vcenter) */
    const char *ca_file;     /* --ca-file FILE (vcenter) */
    const char *thumbprint;  /* --thumbprint SHA256 (vcenter) */
    bool insecure;           /* --insecure (vcenter) */
    int timeout;             /* --timeout SECONDS (vcenter); 0: the default */
    int page_size;           /* --page-size N (vcenter); 0: the default */
    const char *vcenter;     /* --vcenter URL (psod): an inventory to search for the trigger */
    const char *emit;        /* --emit FORM (fix): text, powercli, govc, esxi-shell, ansible */
    const char *from;        /* --from REPORT.json (fix): a saved JSON report */
    bool apply;              /* --apply (fix): edit the .vmx files */
    bool dry_run;            /* --dry-run (fix): print the diff of --apply, write nothing */
    bool undo;               /* --undo (fix): restore what a journal recorded */
    bool reload;             /* --reload (fix): vim-cmd vmsvc/reload after an edit on ESXi */
    char *only[VT_MAX_VMS_PATHS]; /* --only RULE (fix): only these rules' fixes */
    size_t nonly;
};

/* The options a command honours (struct command.opts). Its --help, the
 * parsing (an option the command does not honour is a usage error), the man
 * page and the shell completion (`vmtriage --complete`) all come from these
 * bits, so they cannot disagree. */
enum {
    CO_FORMAT = 1 << 0,  /* -f/--format FMT, one of .formats */
    CO_OUTPUT = 1 << 1,  /* -o/--output FILE */
    CO_RULES = 1 << 2,   /* --rules DIR */
    CO_MIN = 1 << 3,     /* --min-severity LEVEL */
    CO_PROFILE = 1 << 4, /* --profile nested (the VM audit) */
    CO_JOBS = 1 << 5,    /* -j/--jobs N */
    CO_COLOR = 1 << 6,   /* --no-color */
    CO_VMS = 1 << 7,     /* --vms PATH */
    CO_WINDOW = 1 << 8,  /* --since, --until, --examples */
    CO_KIND = 1 << 9,    /* --kind KIND (rules list) */
    CO_BUILD = 1 << 10,  /* --build N (psod) */
    CO_DIAG = 1 << 11,   /* --dump, --stop-code, --console, --cpuinfo (diagnose) */
    CO_VCENTER = 1 << 12, /* --cred-file, --ca-file, --thumbprint, --insecure, --timeout,
                             --page-size (vcenter) */
    CO_PLAN = 1 << 13,    /* --emit, --from (fix) */
    CO_APPLY = 1 << 14,   /* --apply, --dry-run, --undo, --only, --reload (fix) */
};
/* What every report-writing command takes. */
#define CO_REPORT (CO_FORMAT | CO_OUTPUT | CO_RULES | CO_MIN | CO_COLOR)
/* struct command.formats: bit (1 << FMT_x) per format written. */
#define FMT_BIT(f) (1u << (f))
#define FMTS_ALL                                                                                   \
    (FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_CSV) | FMT_BIT(FMT_HTML) |                \
     FMT_BIT(FMT_NAGIOS))
#define FMTS_NO_CSV (FMTS_ALL & ~FMT_BIT(FMT_CSV))

/* What a command needs before its own code runs (struct command.needs): the
 * runner (cli_run) does it, as git's run_builtin() does for RUN_SETUP. */
enum {
    CMD_OPERAND = 1 << 0,         /* at least one operand, else .missing is the error */
    CMD_OPERAND_OR_PIPE = 1 << 1, /* an operand, or standard input that is no terminal */
    CMD_RULES = 1 << 2,           /* the built-in rules and --rules DIR, loaded into ctx->rules */
    CMD_REPORT = 1 << 3, /* ctx->rep is printed and its exit status returned (cli_finish) */
};

struct cmd_ctx;

struct command {
    const char *name;
    /* The command's own logic. With CMD_REPORT it fills ctx->rep and returns
     * VT_EXIT_OK for the runner to print it, or another status to stop there;
     * without, what it returns is the exit status. */
    int (*run)(struct cmd_ctx *ctx);
    unsigned needs;      /* CMD_* */
    const char *missing; /* the error when CMD_OPERAND finds none ("scan needs ...") */
    const char *usage;   /* "vmtriage scan [options] PATH..." */
    const char *brief;   /* one line for `vmtriage --help` */
    const char *summary; /* the paragraph of `vmtriage CMD --help` */
    unsigned opts;       /* CO_* */
    unsigned formats;    /* FMT_BIT(...) */
    const char *words;   /* operand words it takes (rules: "list show check prefilter"), or NULL */
};

/* What the runner hands a command: its options, operands, rules and report.
 * Owned by the runner, which releases the rules and the report after run. */
struct cmd_ctx {
    const struct command *cmd;
    struct vt_opts o;
    char **args; /* the operands (argv after the options) */
    size_t nargs;
    struct ruleset rules; /* loaded with CMD_RULES */
    struct report rep;    /* .command = cmd->name; the command sets what it reports */
};

/* Runs `cmd` on argv (argv[0] is the command's name): parses its options
 * (--help prints its help, exit 0; a usage error exits 3), checks its
 * operands, loads the rules, runs it, prints its report, releases it all and
 * returns the exit status. */
int cli_run(const struct command *cmd, int argc, char **argv);

/* The commands, in `vmtriage --help` order (cli.c). */
extern const struct command *const vt_commands[];
extern const size_t vt_ncommands;
extern const struct command bundle_cmd, scan_cmd, psod_cmd, logs_cmd, dump_cmd, cpu_cmd, rules_cmd,
    diagnose_cmd, vcenter_cmd, fix_cmd, merge_cmd;

/* `vmtriage CMD --help`: usage, summary, the options the command honours. */
void cli_help(const struct command *cmd, FILE *fp);
/* `vmtriage --complete`: every command's options, formats and words, one
 * fact per line, for tools/gen-completion.sh and tools/gen-man.sh. */
void cli_complete(FILE *fp);

/* Parses the options `cmd` honours; returns the index of the first operand,
 * or -1 after printing a usage error (exit VT_EXIT_UNKNOWN): an option the
 * command does not take, a missing or bad value, a format it does not write,
 * --until not after --since, -o naming one of the inputs (an operand or
 * --vms path: same path, or same file); or -2 after --help (exit 0). */
int cli_parse(int argc, char **argv, const struct command *cmd, struct vt_opts *o);
/* Loads the built-in rules and --rules DIR. Returns false after printing the
 * errors. */
bool cli_load_rules(const struct vt_opts *o, struct ruleset *rs);
/* Drops findings below --min-severity, prints the report in the chosen
 * format (errors also on stderr in text), and returns the exit status:
 * 2 with a critical finding, else 3 with an input error, else 1 with a
 * medium/high finding, else 0. */
int cli_finish(struct report *r, const struct vt_opts *o);
/* The report's destination: -o FILE opened for writing, else stdout; NULL
 * after an error message. */
FILE *cli_open_output(const struct vt_opts *o);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a va_list (for callers that also count their errors). */
void cli_verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Audits the VMs under `paths` as `scan` does and moves the findings into
 * *out and the problems into *d. Used by commands that name the VMs carrying
 * a crash's trigger (psod --vms). */
void scan_paths(char *const *paths, size_t npaths, const struct ruleset *rules,
                const struct vt_opts *o, struct findings *out, struct diags *d);

/* Audits every VM of the vCenter or ESXi host at `url` as `vcenter` does
 * (cmd_vcenter.c) into `rep`: findings, hosts, errors and, when `want_json`,
 * the serialised VMs. Returns VT_EXIT_OK, or VT_EXIT_UNKNOWN after printing
 * the one-line error (also in a build without the vSphere client). */
int vcenter_read(const char *url, const struct ruleset *rules, const struct vt_opts *o,
                 bool want_json, struct report *rep);

/* How `logs` and `psod` name the subject of log findings. */
enum log_subject { SUBJECT_FOLDER, SUBJECT_FILE };

/* Reads log files and folders (every file under them; binary files are
 * noted and skipped) through the log scanner: matches of the log rules
 * become findings, purple screens are decoded and meet the crash rules,
 * each file's format and times go to r->files, and the timeline to
 * r->timeline. `-` reads standard input. Used by `logs` and `psod`. */
void logs_read(char *const *inputs, size_t ninputs, const struct ruleset *rules,
               const struct vt_opts *o, enum log_subject subject, struct report *r);

/* The same, one source at a time (bundle members): new, then each source
 * (consumed and closed; `named`: a file the user named, so a binary one is an
 * error), then finish, which audits the crashes (giving those that name no
 * product or build the host's, from log_reading_host) and the log findings
 * into r. Several readings may fill one report in turn. */
struct log_reading;
struct log_source;
struct log_reading *log_reading_new(const struct ruleset *rules, const struct vt_opts *o,
                                    enum log_subject subject, struct report *r);
void log_reading_source(struct log_reading *rd, const char *path, struct log_source *src,
                        bool named);
/* Strings borrowed: they must outlive the report. */
void log_reading_host(struct log_reading *rd, const char *product, const char *build);
void log_reading_finish(struct log_reading *rd);
/* Whether a file found in a folder is one `logs` reads (not a VM disk or memory file). */
bool log_file_wanted(const char *name);

/* Reads the dump behind `in` into r->dumps; returns whether it was one. A
 * file that is no dump is an error when the user named it, else a note. */
bool dumps_add(struct report *r, const char *path, const struct dump_input *in, bool named);
/* Reads the dumps of files and folders (a folder gives its *.dmp) into
 * r->dumps, as `dump` does (cmd_dump.c). */
void dumps_read_paths(struct report *r, char *const *paths, size_t n);
/* Sorts r's dumps by crash time (undated last) and runs the dump rules on
 * each (cmd_dump.c): what `dump` and `bundle` do once every dump is read. */
void dumps_audit(const struct ruleset *rules, struct report *r);
/* Reads support bundles (`inputs`), or the host file system under host_root
 * ("" for this host; NULL for none), into `rep`: one correlated report per
 * host, as `vmtriage bundle` and the default run make it (cmd_bundle.c).
 * With `diagnose`, the VMs whose vmware.log shows a crash are walked through
 * the diagnose tree too (rep->diagnoses). */
void bundles_read(const struct ruleset *rules, const struct vt_opts *o, struct report *rep,
                  char *const *inputs, size_t n, const char *host_root, bool diagnose);

/* A VM of a bundle that the bundle reader hands to the diagnose walk. */
struct bundle_vm_text {
    const char *folder; /* the subject of its vmware.log findings */
    const char *vmx;    /* its .vmx as messages name it, or NULL when the folder has none */
    const char *text;   /* the .vmx's bytes, or NULL */
    size_t len;
    size_t nlogs; /* its vmware*.log files read */
};
/* Why the VM whose log findings have `folder` as their subject should be
 * diagnosed unasked (data/diagnose_triggers.tsv: a guest crash, a monitor
 * panic, a reset loop), or NULL (cmd_diagnose.c). */
const char *diagnose_trigger(const struct findings *fs, const char *folder);
/* Walks that VM through the diagnose tree with what the bundle read (its
 * vmware.log findings, the host's facts and log findings naming it) and
 * appends the diagnosis to rep->diagnoses. Its own findings (the .vmx as a
 * nested hypervisor's, the host's HV Support, the stop code) serve the walk
 * only: the report's findings stay the bundle's. */
void diagnose_bundle_vm(const struct ruleset *rules, const struct vt_opts *o, struct report *rep,
                        const struct report_host *host, const struct bundle_vm_text *bv,
                        const char *why);
/* When the .vmx is an encrypted VM configuration, adds the note that says so
 * (naming the key's line: its devices cannot be audited offline) and returns
 * true: the caller neither audits it nor counts it as a VM (cmd_scan.c). */
bool vmx_encrypted_note(const struct vmx_doc *doc, const char *path, struct diags *d);
/* `vmtriage` with no command: the options of `bundle`, this host or the
 * example bundle (cmd_bundle.c). */
extern const struct command default_cmd;

#endif
