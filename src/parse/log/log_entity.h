/* log_entity: the things a log line names, for a finding's "involved"
 * lists: storage devices (naa., eui., t10., mpx., vml.), paths
 * (vmhba2:C0:T0:L6), physical NICs (vmnic0), datastores (HBX `on vol
 * 'Datastore'`, `Long VMFS3 rsv time on 'Datastore'`) and VMs (hostd
 * `vm:/vmfs/volumes/<ds>/<dir>/<name>.vmx` -> the .vmx path). Pure; spans
 * point into the line. Masked KB values (`naa.xxx`, `naa.****`) are still
 * returned as written. */
#ifndef VT_LOG_ENTITY_H
#define VT_LOG_ENTITY_H

#include "parse/log/log_line.h"

struct log_entities {
    struct log_span device;    /* first device id */
    struct log_span path;      /* first vmhbaN:Cn:Tn:Ln */
    struct log_span adapter;   /* first vmhbaN when no full path is written */
    struct log_span nic;       /* first vmnicN */
    struct log_span datastore; /* volume name inside the quotes */
    struct log_span vm;        /* .vmx path */
};

void log_entities_find(const char *s, size_t n, struct log_entities *out);

#endif
