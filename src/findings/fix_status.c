/* fix_status: is the fix of a known issue in the build the crashed host runs?
 *
 * A crash signature rule may state, per release line, the first release with
 * the fix (rules' `fixed_in`, with its build when the source gives one). With
 * the host's build (from the purple screen's banner, `vmware -vl` in a
 * bundle, or psod --build) and release line (from data/esxi_builds.tsv, else
 * from the product text), the finding says one of: the fix is in this build
 * already, so the signature matching is a weaker lead (look further, level
 * one step lower); or the fix is in a later build of the host's line
 * (upgrade); or only which releases have it. */
#include "findings/findings.h"
#include "record/esxi_release.h"
#include "util/util_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
fix_state_name(enum fix_state s)
{
    switch (s) {
    case FIX_LISTED:
        return "listed";
    case FIX_UPGRADE:
        return "upgrade";
    case FIX_IN_HOST:
        return "fixed-in-host";
    case FIX_NONE:
        break;
    }
    return "none";
}

/* The release line of a build (its row of the build table), else of a text
 * (a product banner, a fixed_in version); either may be 0 / NULL. */
static bool
release_line(long long build, const char *text, int *major, int *minor)
{
    struct esxi_release rel;
    if (build > 0 && esxi_release_of_build(build, &rel) &&
        esxi_line_of_text(rel.version, major, minor))
        return true;
    return text && esxi_line_of_text(text, major, minor);
}

/* "ESXi 7.0 Update 3l (build 21424296)"; a version written as a build gets
 * the release's name from the build table: "ESXi 7.0 build 22348816 (ESXi 7.0
 * Update 3o)". */
static void
add_entry(struct buf *b, const struct fixed_in *e)
{
    buf_adds(b, e->version);
    if (e->build == 0)
        return;
    char digits[24];
    snprintf(digits, sizeof(digits), "%lld", e->build);
    struct esxi_release rel;
    if (strstr(e->version, digits) == NULL)
        buf_addf(b, " (build %s)", digits);
    else if (esxi_release_of_build(e->build, &rel) && strcmp(rel.name, e->version) != 0)
        buf_addf(b, " (%s)", rel.name);
}

void
finding_fix_status(struct finding *f, const char *product, const char *build)
{
    const struct rule *r = f->rule;
    if (r->nfixed_in == 0)
        return;
    long long host = build ? strtoll(build, NULL, 10) : 0;
    int hmaj = 0, hmin = 0;
    bool has_line = release_line(host, product, &hmaj, &hmin);
    const struct fixed_in *same = NULL; /* the entry of the host's line */
    for (size_t i = 0; has_line && i < r->nfixed_in; i++) {
        int maj, min;
        if (release_line(r->fixed_in[i].build, r->fixed_in[i].version, &maj, &min) && maj == hmaj &&
            min == hmin)
            same = &r->fixed_in[i];
    }
    struct buf b = BUF_INIT;
    if (same && same->build && host > 0 && host >= same->build) {
        f->fix = FIX_IN_HOST;
        buf_adds(&b, "matches, but the fix is in ");
        add_entry(&b, same);
        buf_addf(&b, ", and this host runs build %lld: a weaker lead, look further", host);
        if (f->level > LEVEL_INFORMATIONAL)
            f->level--;
    } else if (same && same->build && host > 0) {
        f->fix = FIX_UPGRADE;
        buf_adds(&b, "fixed in ");
        add_entry(&b, same);
        buf_addf(&b, "; this host runs build %lld: upgrade", host);
    } else if (same) {
        f->fix = FIX_UPGRADE;
        buf_adds(&b, "fixed in ");
        add_entry(&b, same);
        if (host > 0)
            buf_addf(&b, "; this host runs build %lld: upgrade unless it is that release or later",
                     host);
        else
            buf_adds(&b, " for this host's release line: upgrade unless it runs it or later");
    } else {
        f->fix = FIX_LISTED;
        buf_adds(&b, "fixed in ");
        for (size_t i = 0; i < r->nfixed_in; i++) {
            buf_adds(&b, i ? "; " : "");
            add_entry(&b, &r->fixed_in[i]);
        }
        if (host > 0 && has_line)
            buf_addf(&b, " (this host: ESXi %d.%d, build %lld)", hmaj, hmin, host);
        else if (host > 0)
            buf_addf(&b, " (this host: build %lld)", host);
    }
    f->fix_note = buf_detach(&b);
}

const struct fix *
finding_fix(const struct finding *f, const char *tool)
{
    for (size_t i = 0; i < f->nfixes; i++)
        if (strcmp(f->fixes[i].tool, tool) == 0)
            return &f->fixes[i];
    return NULL;
}
