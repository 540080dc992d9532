#!/usr/bin/env bash
# Runs every fuzz target briefly (FUZZTIME each, default 5s), failing on the
# first finding: go test then writes the failing input under the package's
# testdata/fuzz/<target>/, to commit as a seed once the bug is fixed. The
# committed seeds also run, as plain tests, in go test ./....
#
#   bash .ci/fuzz.sh                 # all targets, 5 s each
#   FUZZTIME=60s bash .ci/fuzz.sh    # the longer run by hand
#   bash .ci/fuzz.sh ./worker        # the targets of some packages
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}
if [ $# -gt 0 ]; then pkgs=("$@"); else
	# Every package with a Fuzz target.
	mapfile -t pkgs < <(git grep -l '^func Fuzz' -- '*_test.go' | xargs -n1 dirname | sort -u | sed 's|^|./|')
fi
for pkg in "${pkgs[@]}"; do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz'); do
		echo "== fuzz $pkg $target ($fuzztime)"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/fuzz.$$.log 2>&1; then
			# Go's fuzzer fails with "context deadline exceeded" and no
			# input when reading its corpus (the committed seeds and what
			# the build cache kept) outlasts -fuzztime, as on a loaded
			# machine: that is no finding, so the target gets once more
			# with time for its start-up. Anything else is a finding.
			if grep -q 'context deadline exceeded' /tmp/fuzz.$$.log && ! grep -q 'Failing input written' /tmp/fuzz.$$.log; then
				echo "   (start-up outlasted $fuzztime; once more for 30s)"
				go test -run '^$' -fuzz "^${target}\$" -fuzztime 30s "$pkg" >/tmp/fuzz.$$.log 2>&1 || {
					cat /tmp/fuzz.$$.log; rm -f /tmp/fuzz.$$.log; exit 1; }
			else
				cat /tmp/fuzz.$$.log; rm -f /tmp/fuzz.$$.log; exit 1
			fi
		fi
		tail -n 3 /tmp/fuzz.$$.log | grep -E 'elapsed|^ok' | tail -n 2
	done
done
rm -f /tmp/fuzz.$$.log
