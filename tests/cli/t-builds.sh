#!/bin/sh
# t-builds: the shape of data/esxi_builds.tsv (ESXi release -> build table) and
# a handful of rows checked against the pages they were read from.
. "$(dirname "$0")/lib.sh"
T="$(dirname "$0")/../../data/esxi_builds.tsv"

# tsv PYTHON-EXPR: evaluates EXPR with h = the header fields and r = the data
# rows (lists of fields; '#' comment lines at the top skipped).
tsv() {
    python3 - "$T" "$1" <<'PY'
import sys, re, datetime
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
if lines and lines[-1] == '':
    lines.pop()
i = 0
while i < len(lines) and lines[i].startswith('#'):
    i += 1
h = lines[i].split('\t') if i < len(lines) else []
r = [l.split('\t') for l in lines[i + 1:]]
def date_ok(s):
    try:
        datetime.date.fromisoformat(s)
        return bool(re.fullmatch(r'\d{4}-\d\d-\d\d', s))
    except ValueError:
        return False
def row(build):
    m = [x for x in r if len(x) > 2 and x[2] == str(build)]
    return m[0] if len(m) == 1 else None
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

ok "table exists" [ -s "$T" ]
ok "header line" tsv "h == ['version', 'name', 'build', 'release_date', 'source']"
ok "no comment or blank lines after the header" tsv "all(x and not x[0].startswith('#') for x in r)"
ok "at least 300 rows" tsv "len(r) >= 300"
ok "5 columns per row" tsv "all(len(x) == 5 for x in r)"
ok "builds are integers" tsv "all(re.fullmatch(r'[1-9][0-9]*', x[2]) for x in r)"
ok "builds strictly increasing (sorted, no duplicates)" \
    tsv "all(int(a[2]) < int(b[2]) for a, b in zip(r, r[1:]))"
ok "versions dotted X.Y.Z" tsv "all(re.fullmatch(r'\d+\.\d+\.\d+', x[0]) for x in r)"
ok "names start with ESXi/ESX" tsv "all(re.match(r'ESXi? ', x[1]) for x in r)"
ok "name's X.Y matches the version's X.Y" \
    tsv "all(re.match(r'ESXi? (\d+\.\d+)', x[1]).group(1) == x[0].rsplit('.', 1)[0] for x in r)"
ok "7.0/8.0 'Update N' names carry version X.Y.N" \
    tsv "all(x[0].endswith('.' + m.group(1)) for x in r for m in [re.search(r'Update (\d)', x[1])] if m and int(x[0].split('.')[0]) >= 7)"
ok "release dates valid YYYY-MM-DD when present" tsv "all(x[3] == '' or date_ok(x[3]) for x in r)"
ok "every source is an https URL" tsv "all(re.fullmatch(r'https://[^\s]+', x[4]) for x in r)"
ok "covers 5.0 to 9.0" tsv "{x[0][:3] for x in r} >= {'5.0', '5.1', '5.5', '6.0', '6.5', '6.7', '7.0', '8.0', '9.0'}"
ok "GA and Update releases of 6.0-8.0 present" \
    tsv "all(any(x[1] == n for x in r) for n in ['ESXi 6.0 GA', 'ESXi 6.0 Update 3', 'ESXi 6.5 GA', 'ESXi 6.5 Update 3', 'ESXi 6.7 GA', 'ESXi 6.7 Update 3', 'ESXi 7.0 GA', 'ESXi 7.0 Update 1', 'ESXi 7.0 Update 2', 'ESXi 7.0 Update 3', 'ESXi 8.0 GA', 'ESXi 8.0 Update 1', 'ESXi 8.0 Update 2', 'ESXi 8.0 Update 3'])"

# Rows checked by hand against their source.
# vmware/vcfcheck @81e14bd Data/MarketingVersionAliases/EsxMarketingVersionAliases.json:
#   "8.0U3e": Version 8.0.3.24674464, ReleaseDate 2025-04-10; "8.0": 8.0.0.20513097, 2022-10-11
ok "ESXi 8.0 Update 3e = 24674464 (vcfcheck)" \
    tsv "row(24674464)[:4] == ['8.0.3', 'ESXi 8.0 Update 3e', '24674464', '2025-04-10'] and 'vmware/vcfcheck' in row(24674464)[4]"
ok "ESXi 8.0 GA = 20513097 (vcfcheck)" \
    tsv "row(20513097)[:4] == ['8.0.0', 'ESXi 8.0 GA', '20513097', '2022-10-11']"
# KB 2143832 as scraped in dominikzorgnotti/vmware_product_releases_machine-readable @c1298f2
# records/kb2143832_vmware_vsphere_esxi_table0_release_as-records.json:
#   "ESXi 7.0 Update 2a" 17867351 2021-04-29; "ESXi 6.7 P05" 17700523 2021-03-18;
#   "ESXi 6.0 GA" 2494585 2015-03-12; "ESXi 5.0 GA" 469512 2011-08-24
ok "ESXi 7.0 Update 2a = 17867351 (KB 2143832)" \
    tsv "row(17867351)[:4] == ['7.0.2', 'ESXi 7.0 Update 2a', '17867351', '2021-04-29']"
ok "ESXi 6.7 P05 = 17700523 (KB 2143832)" \
    tsv "row(17700523)[:4] == ['6.7.0', 'ESXi 6.7 P05', '17700523', '2021-03-18']"
ok "ESXi 6.0 GA = 2494585 (KB 2143832)" \
    tsv "row(2494585)[:4] == ['6.0.0', 'ESXi 6.0 GA', '2494585', '2015-03-12']"
ok "ESXi 5.0 GA = 469512 (KB 2143832)" \
    tsv "row(469512)[:4] == ['5.0.0', 'ESXi 5.0 GA', '469512', '2011-08-24']"
# CVE-2025-22224 (VMware CNA), affected lessThan "ESXi70U3s-24585291"
ok "ESXi 7.0 Update 3s = 24585291 (CVE-2025-22224)" \
    tsv "row(24585291)[:3] == ['7.0.3', 'ESXi 7.0 Update 3s', '24585291']"
# techdocs.broadcom.com VMware ESX 9.0.0.0100 Release Notes: "15 JUL 2025 | Build 24813472"
ok "ESX 9.0.0.0100 = 24813472 (release notes)" \
    tsv "row(24813472)[:4] == ['9.0.0', 'ESX 9.0.0.0100', '24813472', '2025-07-15']"
# virten.net esxiReleases.json (2020-02-20): 14141615 "ESXi 6.7 Update 3 (Security Only)" 2019-08-20
ok "ESXi 6.7 Update 3 (Security Only) = 14141615 (virten.net)" \
    tsv "row(14141615)[:4] == ['6.7.0', 'ESXi 6.7 Update 3 (Security Only)', '14141615', '2019-08-20']"
# wireshark packet-vmware-hb.c @ffdced1: { 19193900, "ESXi 7.0 Update 3c" }
ok "ESXi 7.0 Update 3c = 19193900 (wireshark table)" \
    tsv "row(19193900)[:3] == ['7.0.3', 'ESXi 7.0 Update 3c', '19193900']"
done_testing
