#!/bin/sh
# t-static: `make static` gives a statically linked binary that runs (the
# ESXi shell has none of our libraries).
. "$(dirname "$0")/lib.sh"
S=build-static/vmtriage
ok "build-static/vmtriage exists" [ -x "$S" ]
ok "it has no program interpreter (static)" sh -c "! readelf -l '$S' | grep -q 'Requesting program interpreter'"
ok "it runs --version" sh -c "'$S' --version | grep -q '^vmtriage '"
ok "it runs the rule self-test" sh -c "'$S' rules check >/dev/null"
done_testing
