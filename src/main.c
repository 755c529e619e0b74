/* main: the command table of the one vmtriage binary. */
#include "cmd/cli.h"
#include "util/work_count.h"

#include <stdio.h>
#include <string.h>

#ifndef VT_VERSION
#define VT_VERSION "0.0.0"
#endif

static void
usage(FILE *fp)
{
    fputs("usage: vmtriage [options]            triage this ESXi host, or elsewhere the example\n"
          "                                     bundle (examples/bundle); the options of\n"
          "                                     'vmtriage bundle'\n"
          "       vmtriage <command> [options] [args]\n\ncommands:\n",
          fp);
    for (size_t i = 0; i < vt_ncommands; i++)
        fprintf(fp, "  %-8s %s\n", vt_commands[i]->name, vt_commands[i]->brief);
    fputs("\n'vmtriage help <command>' or 'vmtriage <command> --help' for a command's options;\n"
          "'vmtriage --version'.\n",
          fp);
}

static const struct command *
find_command(const char *name)
{
    for (size_t i = 0; i < vt_ncommands; i++)
        if (strcmp(name, vt_commands[i]->name) == 0)
            return vt_commands[i];
    return NULL;
}

static int
run(int argc, char **argv)
{
    if (argc < 2 ||
        (argv[1][0] == '-' && strcmp(argv[1], "--version") != 0 && strcmp(argv[1], "--help") != 0 &&
         strcmp(argv[1], "-h") != 0 && strcmp(argv[1], "--complete") != 0))
        return cli_run(&default_cmd, argc, argv); /* the default run (cmd_bundle.c) */
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("vmtriage %s\n", VT_VERSION);
        return VT_EXIT_OK;
    }
    if (!strcmp(argv[1], "--complete")) { /* for tools/gen-completion.sh, gen-man.sh */
        cli_complete(stdout);
        return VT_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        if (argc < 3) {
            usage(stdout);
            return VT_EXIT_OK;
        }
        const struct command *cmd = find_command(argv[2]);
        if (cmd == NULL || argc > 3) {
            cli_error("%s '%s'; see 'vmtriage --help'",
                      cmd ? "'help' takes one command, not" : "unknown command",
                      cmd ? argv[3] : argv[2]);
            return VT_EXIT_UNKNOWN;
        }
        cli_help(cmd, stdout);
        return VT_EXIT_OK;
    }
    const struct command *cmd = find_command(argv[1]);
    if (cmd != NULL)
        return cli_run(cmd, argc - 1, argv + 1);
    cli_error("unknown command '%s'; see 'vmtriage --help'", argv[1]);
    return VT_EXIT_UNKNOWN;
}

int
main(int argc, char **argv)
{
    int rc = run(argc, argv);
    work_count_print();
    return rc;
}
