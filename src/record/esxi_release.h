/* esxi_release: which ESXi release a build number is, and which release
 * line (major.minor) a text names, from data/esxi_builds.tsv (compiled in;
 * each row cites the page it was read from). Used to tell whether a known
 * issue's fix is in the build a crashed host runs. */
#ifndef VT_ESXI_RELEASE_H
#define VT_ESXI_RELEASE_H

#include <stdbool.h>

struct esxi_release {
    const char *version; /* "7.0.3"; lives for the process */
    const char *name;    /* "ESXi 7.0 Update 3l" */
    long long build;
};

/* The release whose build is `build`, exactly; false when the table has no
 * such row. Thread-safe (the table is read once). */
bool esxi_release_of_build(long long build, struct esxi_release *out);
/* The release line a text names: "VMware ESXi 7.0.1", "ESXi 7.0 Update 3l",
 * "7.0.3", "ESXi 8.0b", "ESX 9.0.0.0100", "ESXi 6.7 P07" give 7.0, 7.0, 7.0,
 * 8.0, 9.0, 6.7. False when it names none. */
bool esxi_line_of_text(const char *s, int *major, int *minor);

#endif
