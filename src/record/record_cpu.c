/* record_cpu: the rule vocabulary of CPU listings (cpu.*), so that
 * rules/cpu-nested.yml, not C, says what a nested hypervisor needs.
 *
 * cpu.flags is the first processor's flags and vmx flags as the kernel names
 * them; a test on it holds when any flag holds it (`cpu.flags: vmx`), and a
 * listing without flags (esxcli) reads as null. Documented in docs/RULES.md. */
#include "record/record_impl.h"

#define C (r->cpu->info)
static struct fv
g_path(const struct record *r)
{
    return v_str(r->cpu->path);
}
static struct fv
g_format(const struct record *r)
{
    return v_str(cpu_format_name(C->format));
}
static struct fv
g_arch(const struct record *r)
{
    return v_str(cpu_arch_name(C->arch));
}
static struct fv
g_vendor(const struct record *r)
{
    return v_str(C->vendor);
}
static struct fv
g_model(const struct record *r)
{
    return v_str(C->model);
}
static struct fv
g_processors(const struct record *r)
{
    return C->processors >= 0 ? v_int(C->processors) : v_null();
}
static struct fv
g_flags(const struct record *r)
{
    return v_list((const char *const *)C->flags, C->nflags);
}
static struct fv
g_flags_consistent(const struct record *r)
{
    return C->has_flags ? v_bool(C->flags_consistent) : v_null();
}
static struct fv
g_hypervisor(const struct record *r)
{
    return v_bool(C->hypervisor);
}
static struct fv
g_hypervisor_vendor(const struct record *r)
{
    return v_str(C->hypervisor_vendor);
}
static struct fv
g_virtualization(const struct record *r)
{
    return v_str(C->virtualization);
}
static struct fv
g_hv_support(const struct record *r)
{
    return C->hv_support >= 0 ? v_int(C->hv_support) : v_null();
}
static struct fv
g_packages(const struct record *r)
{
    return C->packages >= 0 ? v_int(C->packages) : v_null();
}
static struct fv
g_cores(const struct record *r)
{
    return C->cores >= 0 ? v_int(C->cores) : v_null();
}
static struct fv
g_threads(const struct record *r)
{
    return C->threads >= 0 ? v_int(C->threads) : v_null();
}

const struct field_def record_cpu_fields[] = {
    {"cpu.path", K_CPU, FV_STR, g_path, NULL, NULL, NULL},
    {"cpu.format", K_CPU, FV_STR, g_format, NULL, NULL, NULL},
    {"cpu.arch", K_CPU, FV_STR, g_arch, NULL, NULL, NULL},
    {"cpu.vendor", K_CPU, FV_STR, g_vendor, NULL, NULL, NULL},
    {"cpu.model", K_CPU, FV_STR, g_model, NULL, NULL, NULL},
    {"cpu.processors", K_CPU, FV_INT, g_processors, NULL, NULL, NULL},
    {"cpu.flags", K_CPU, FV_LIST, g_flags, NULL, NULL, NULL},
    {"cpu.flags_consistent", K_CPU, FV_BOOL, g_flags_consistent, NULL, NULL, NULL},
    {"cpu.hypervisor", K_CPU, FV_BOOL, g_hypervisor, NULL, NULL, NULL},
    {"cpu.hypervisor_vendor", K_CPU, FV_STR, g_hypervisor_vendor, NULL, NULL, NULL},
    {"cpu.virtualization", K_CPU, FV_STR, g_virtualization, NULL, NULL, NULL},
    {"cpu.hv_support", K_CPU, FV_INT, g_hv_support, NULL, NULL, NULL},
    {"cpu.packages", K_CPU, FV_INT, g_packages, NULL, NULL, NULL},
    {"cpu.cores", K_CPU, FV_INT, g_cores, NULL, NULL, NULL},
    {"cpu.threads", K_CPU, FV_INT, g_threads, NULL, NULL, NULL},
};

const size_t record_cpu_nfields = sizeof(record_cpu_fields) / sizeof(record_cpu_fields[0]);
