/* record_impl: the field-table row shared by record.c (lookup) and the
 * per-domain tables (record_vm.c, record_crash.c); not part of the API. */
#ifndef VT_RECORD_IMPL_H
#define VT_RECORD_IMPL_H

#include "record/record.h"

#define K_VM (1u << REC_VM)
#define K_NIC (1u << REC_NIC)
#define K_CTRL (1u << REC_CONTROLLER)
#define K_VMS (K_VM | K_NIC | K_CTRL)
#define K_CRASH (1u << REC_CRASH)
#define K_LOG (1u << REC_LOG)
#define K_DUMP (1u << REC_DUMP)
#define K_CPU (1u << REC_CPU)

typedef struct fv (*getter_fn)(const struct record *r);
typedef const struct vmx_entry *(*source_fn)(const struct record *r);

struct field_def {
    const char *name;
    unsigned kinds;
    enum fv_type type;
    getter_fn get;
    source_fn source;
    char *raw_key;      /* vmx.<key> fields only (heap-allocated defs) */
    const char *needle; /* log fields decoded from a fixed text: a pattern (hyperscan
                           syntax) every line holds where the field is not null, or NULL */
};

static inline struct fv
v_null(void)
{
    return (struct fv){FV_NULL, 0, NULL, NULL};
}

static inline struct fv
v_str(const char *s)
{
    return s ? (struct fv){FV_STR, 0, s, NULL} : v_null();
}

static inline struct fv
v_int(long long i)
{
    return (struct fv){FV_INT, i, NULL, NULL};
}

static inline struct fv
v_bool(int b)
{
    return b < 0 ? v_null() : (struct fv){FV_BOOL, b != 0, NULL, NULL};
}

static inline struct fv
v_list(const char *const *list, size_t n)
{
    return n ? (struct fv){FV_LIST, (long long)n, NULL, list} : v_null();
}

/* The getter of a vmx.<key> handle (field_get reads its raw_key instead;
 * this one is never called). Named for tools/gen_kb.c, which writes the
 * built-in rules' vmx.* handles as static data. */
struct fv field_raw_getter(const struct record *r);

extern const struct field_def record_vm_fields[];
extern const size_t record_vm_nfields;
extern const struct field_def record_crash_fields[];
extern const size_t record_crash_nfields;
extern const struct field_def record_log_fields[];
extern const size_t record_log_nfields;
extern const struct field_def record_dump_fields[];
extern const size_t record_dump_nfields;
extern const struct field_def record_cpu_fields[];
extern const size_t record_cpu_nfields;

#endif
