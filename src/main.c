/* main: the command table of the one vmtriage binary. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#ifndef VT_VERSION
#define VT_VERSION "0.0.0"
#endif

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"bundle", cmd_bundle, "triage ESXi hosts from vm-support bundles or a vCenter log export"},
    {"scan", cmd_scan, "audit .vmx/.vmtx files and datastore folders"},
    {"psod", cmd_psod, "decode a purple screen, name the known issue and its fix"},
    {"logs", cmd_logs, "read ESXi and VM logs: storage, CPU, NIC and VM events, purple screens"},
    {"dump", cmd_dump, "read Windows crash dumps: bug check, culprit driver, VM-side cause"},
    {"cpu", cmd_cpu, "check a guest's /proc/cpuinfo or lscpu, or esxcli CPU output, for nesting"},
    {"rules", cmd_rules, "list, show and check the knowledge base"},
};

static void
usage(FILE *fp)
{
    fputs("usage: vmtriage [options]            triage this ESXi host, or elsewhere the example\n"
          "                                     bundle (examples/bundle)\n"
          "       vmtriage <command> [options] [args]\n\ncommands:\n",
          fp);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'vmtriage <command> --help' for a command's options; 'vmtriage --version'.\n", fp);
}

int
main(int argc, char **argv)
{
    if (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--version") != 0 &&
                     strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0))
        return cmd_default(argc, argv); /* the default run (cmd_bundle.c) */
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("vmtriage %s\n", VT_VERSION);
        return VT_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return VT_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s'; see 'vmtriage --help'", argv[1]);
    return VT_EXIT_UNKNOWN;
}
