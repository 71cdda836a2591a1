#!/bin/sh
# The whole test suite: unit tests, then the integration tests against each
# engine (a private real dockerd each). Ends with one line
# "N passed, N failed" that adds up every part; exit 1 if anything failed.
# ENGINES="20.10 28.5" by default; set it to run fewer. UNIT names the
# unit-test binary (./build/unit); SAN_LOG, set by `make check SANITIZE=1`,
# is where sanitizers write their reports (SAN_LOG.PID): each one fails.
cd "$(dirname "$0")/.." || exit 2
results=$(mktemp /tmp/dcresults.XXXXXX)
trap 'rm -f "$results"' EXIT
pass=0
fail=0

# unit tests: their own summary line "unit: N passed, N failed"
[ -n "${SAN_LOG:-}" ] && rm -f "$SAN_LOG".*
out=$(${UNIT:-./build/unit})
echo "$out"
line=$(echo "$out" | tail -n 1)
up=$(echo "$line" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
uf=$(echo "$line" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$up" ]; then
	echo "FAIL - unit tests did not finish"
	uf=1
	up=0
fi
pass=$((pass + up))
fail=$((fail + uf))

for engine in ${ENGINES:-20.10 28.5}; do
	for t in tests/integration/test_*.sh; do
		echo "# $t $engine"
		DC_RESULTS=$results bash "$t" "$engine" | sed 's/^\([0-9]* passed, [0-9]* failed\)$/# part: \1/'
	done
done
ip=$(grep -c '^pass ' "$results")
if_=$(grep -c '^fail ' "$results")
pass=$((pass + ip))
fail=$((fail + if_))
if [ -n "${SAN_LOG:-}" ]; then
	for f in "$SAN_LOG".*; do
		[ -f "$f" ] || continue
		echo "FAIL - sanitizer report $f"
		head -n 30 "$f" | sed 's/^/#   /'
		fail=$((fail + 1))
	done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
