/* vmx_write: the .vmx writer shared by every non-.vmx VM source (see
 * vmx_write.h). */
#include "parse/vmx/vmx_write.h"
#include "util/util_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool
vmx_writer_has(const struct vmx_writer *w, const char *key)
{
    for (size_t i = 0; i < w->nkeys; i++)
        if (strcasecmp(w->keys[i], key) == 0)
            return true;
    return false;
}

void
vmx_writer_put(struct vmx_writer *w, const char *key, const char *value)
{
    if (value == NULL || *key == '\0' || vmx_writer_has(w, key))
        return;
    for (const char *k = key; *k; k++) /* a key is one word: anything else would break the line */
        if (*k <= ' ' || *k == '=' || *k == '"' || *k == '#' || *k == 0x7f)
            return;
    XGROW(w->keys, w->cap, w->nkeys + 1);
    w->keys[w->nkeys++] = xstrdup(key);
    buf_adds(&w->b, key);
    buf_adds(&w->b, " = \"");
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '|' || *p == '#')
            buf_addf(&w->b, "|%02X", *p);
        else
            buf_addc(&w->b, (char)*p);
    }
    buf_adds(&w->b, "\"\n");
}

void
vmx_writer_putf(struct vmx_writer *w, const char *value, const char *keyfmt, ...)
{
    char key[128];
    va_list ap;
    va_start(ap, keyfmt);
    int n = vsnprintf(key, sizeof(key), keyfmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof(key))
        vmx_writer_put(w, key, value);
}

char *
vmx_writer_detach(struct vmx_writer *w, size_t *len)
{
    *len = w->b.len;
    char *s = buf_detach(&w->b);
    vmx_writer_release(w);
    return s;
}

void
vmx_writer_release(struct vmx_writer *w)
{
    for (size_t i = 0; i < w->nkeys; i++)
        free(w->keys[i]);
    free(w->keys);
    buf_release(&w->b);
    *w = (struct vmx_writer)VMX_WRITER_INIT;
}

const char *
vmx_bool_text(const char *api)
{
    if (api == NULL)
        return NULL;
    return strcasecmp(api, "true") == 0 || strcmp(api, "1") == 0 ? "TRUE" : "FALSE";
}

static const struct {
    const char *xtype, *vmx;
    bool nic;
} device_map[] = {
    {"VirtualE1000", "e1000", true},
    {"VirtualE1000e", "e1000e", true},
    {"VirtualVmxnet3", "vmxnet3", true},
    {"VirtualVmxnet3Vrdma", "vrdma", true},
    {"VirtualVmxnet2", "vmxnet", true}, /* with features 15: Enhanced vmxnet */
    {"VirtualVmxnet", "vmxnet", true},
    {"VirtualPCNet32", "vlance", true},
    {"ParaVirtualSCSIController", "pvscsi", false},
    {"VirtualLsiLogicController", "lsilogic", false},
    {"VirtualLsiLogicSASController", "lsisas1068", false},
    {"VirtualBusLogicController", "buslogic", false},
    {"VirtualNVMEController", "nvme", false},
    {"VirtualAHCIController", "sata", false},
    {"VirtualIDEController", "ide", false},
};

const char *
vmx_device_class(const char *xtype, bool *nic)
{
    *nic = false;
    for (size_t i = 0; xtype && i < sizeof(device_map) / sizeof(device_map[0]); i++)
        if (strcmp(xtype, device_map[i].xtype) == 0) {
            *nic = device_map[i].nic;
            return device_map[i].vmx;
        }
    return NULL;
}
