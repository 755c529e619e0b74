/* vsphere_cred: where the vCenter user name and password come from, never
 * argv: a credentials file (refused unless only its owner can read it),
 * else VMTRIAGE_USER and VMTRIAGE_PASSWORD, else a prompt on the terminal
 * (the password without echo). Built only with the vSphere client. */
#ifndef VT_VSPHERE_CRED_H
#define VT_VSPHERE_CRED_H

#include <stddef.h>

struct vs_cred {
    char *user;     /* owned */
    char *password; /* owned; wiped by vs_cred_release */
};

/* Fills *c from `file` (when not NULL), the environment or the terminal.
 * Returns 0, or -1 with one line in err (never the password). The file
 * holds `user=NAME` (or `username=`) and `password=SECRET` lines, `#`
 * comments; its mode must give the group and others nothing. */
int vs_cred_get(const char *file, struct vs_cred *c, char *err, size_t errlen);
void vs_cred_release(struct vs_cred *c);

#endif
