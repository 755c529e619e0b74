/* dump_names: the words reports and messages use for a dump's architecture,
 * type, format and culprit rule (dump.h). Below the format readers, which
 * name the architecture in their messages. */
#include "parse/dump/dump.h"

const char *
dump_arch_name(enum dump_arch a)
{
    switch (a) {
    case DUMP_ARCH_X86:
        return "x86";
    case DUMP_ARCH_X64:
        return "x64";
    case DUMP_ARCH_ARM64:
        return "arm64";
    case DUMP_ARCH_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *
dump_type_name(enum dump_type t)
{
    switch (t) {
    case DUMP_TYPE_FULL:
        return "full";
    case DUMP_TYPE_SUMMARY:
        return "kernel";
    case DUMP_TYPE_HEADER:
        return "header";
    case DUMP_TYPE_TRIAGE:
        return "small";
    case DUMP_TYPE_BITMAP_FULL:
        return "bitmap-full";
    case DUMP_TYPE_BITMAP_KERNEL:
        return "bitmap-kernel";
    case DUMP_TYPE_AUTOMATIC:
        return "automatic";
    case DUMP_TYPE_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *
dump_culprit_rule_name(enum dump_culprit_rule r)
{
    switch (r) {
    case CULPRIT_RULE_PARAMETER:
        return "parameter";
    case CULPRIT_RULE_CONTEXT:
        return "context";
    case CULPRIT_RULE_STACK:
        return "stack";
    case CULPRIT_RULE_KERNEL:
        return "kernel";
    case CULPRIT_RULE_EXCEPTION:
        return "exception";
    case CULPRIT_RULE_NONE:
        break;
    }
    return "none";
}

const char *
dump_format_name(enum dump_format f)
{
    switch (f) {
    case DUMP_FORMAT_KERNEL32:
        return "kernel32";
    case DUMP_FORMAT_KERNEL64:
        return "kernel64";
    case DUMP_FORMAT_USER:
        return "user";
    }
    return "unknown";
}
