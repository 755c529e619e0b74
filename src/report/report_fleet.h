/* report_fleet: the fleet summary of `vmtriage merge` (findings/fleet.h) in
 * the five formats. Reporters only format: the counting is fleet.c's. Each
 * returns 0, or -1 when the stream failed; `status` is the exit status the
 * command returns (0-3), which HTML and Nagios name. */
#ifndef VT_REPORT_FLEET_H
#define VT_REPORT_FLEET_H

#include "findings/fleet.h"

#include <stdio.h>

int fleet_text(FILE *fp, const struct fleet *f);
int fleet_json(FILE *fp, const struct fleet *f);
int fleet_csv(FILE *fp, const struct fleet *f);
int fleet_html(FILE *fp, const struct fleet *f, int status);
int fleet_nagios(FILE *fp, const struct fleet *f, int status);
/* "KB 2059053: 340 VMs on 41 hosts; 3 hosts on builds with the fix only in a
 * later build": how far a rule reaches, appended to b. */
struct buf;
void fleet_rule_spread(struct buf *b, const struct fleet_rule *r);

#endif
