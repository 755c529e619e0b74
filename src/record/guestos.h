/* guestos: what a .vmx guestOS value means (family, Windows version, bits).
 *
 * The table is data/guestos.tsv (open-vm-tools GUEST_OS_KEY_MAP plus family
 * and NT version columns, each sourced in the file), embedded at build time. */
#ifndef VT_GUESTOS_H
#define VT_GUESTOS_H

#include <stdbool.h>

enum guest_family {
    GUEST_UNKNOWN,
    GUEST_WINDOWS,
    GUEST_LINUX,
    GUEST_VMKERNEL,
    GUEST_BSD,
    GUEST_SOLARIS,
    GUEST_DARWIN,
    GUEST_OTHER,
};

struct guestos {
    const char *key;    /* as VMware spells it, e.g. "windows9-64" */
    const char *vim_id; /* e.g. "windows9_64Guest" */
    enum guest_family family;
    int windows_nt; /* NT version x100 (600 = Vista/2008); 0 = not NT or unknown */
    int bits;
    bool reversible; /* the key vSphere writes for vim_id (column 3) */
};

/* Looks `key` up ignoring case. Returns a borrowed entry, or NULL when the
 * table does not know the key. Thread-safe. */
const struct guestos *guestos_lookup(const char *key);
/* The key for a vSphere API guestId ("windows9_64Guest"), exactly as
 * written; the reversible row when several keys share the id. Borrowed, or
 * NULL when the table does not know the id. Thread-safe. */
const struct guestos *guestos_lookup_vim(const char *vim_id);
/* Family of a key the table does not know, from its prefix ("win…",
 * "vmkernel…"), or GUEST_UNKNOWN. */
enum guest_family guestos_guess_family(const char *key);
const char *guest_family_name(enum guest_family f);

#endif
