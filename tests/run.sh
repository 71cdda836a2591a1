#!/bin/sh
# The whole test suite: unit tests, then the integration tests against each
# engine (a private real dockerd each), then the misbehaving-daemon tests
# (tests/hostile: a fake dockerd, no engine) and the packaging tests
# (tests/dist: no daemon). Ends with one line
# "N passed, N failed" that adds up every part; exit 1 if anything failed.
# ENGINES="20.10 sid sid-containerd podman-journald podman-file" by default
# (tests/integration/lib.sh; "28.5" is an alias of sid); set it to run
# fewer. Every script runs against 20.10 and sid; the core and resilience
# scripts against the others. Each script's time is printed ("# time:").
# A missing engine is a failure. UNIT names the
# unit-test binary (./build/unit). Set by `make check SANITIZE=1`: SAN_PROG,
# the program built with sanitizers, and SAN_LOG, where they write their
# reports (SAN_LOG.PID): each report fails. (The hostile tests build their
# own sanitizer copy then, and check its reports themselves.)
cd "$(dirname "$0")/.." || exit 2
results=$(mktemp /tmp/dcresults.XXXXXX)
trap 'rm -f "$results" "$results.json"' EXIT
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

ENGINES=${ENGINES:-20.10 sid sid-containerd podman-journald podman-file}
# SAN_ONLY=1 (with SAN_PROG): the sanitizer runs below only, not the plain
# program's suite (CI runs that on its own, with every engine)
if [ -z "${SAN_ONLY:-}" ]; then
for engine in $ENGINES; do
	case $engine in
	20.10|sid|28.5) scripts=$(echo tests/integration/test_*.sh) ;;
	*) scripts="tests/integration/test_core.sh tests/integration/test_resilience.sh" ;;
	esac
	for t in $scripts; do
		echo "# $t $engine"
		t0=$(date +%s)
		DC_RESULTS=$results bash "$t" "$engine" | sed 's/^\([0-9]* passed, [0-9]* failed\)$/# part: \1/'
		echo "# time: $t $engine $(($(date +%s) - t0)) s"
	done
done
# misbehaving daemons: a fake dockerd, once (no engine needed)
echo "# tests/hostile/test_hostile.sh"
DC_RESULTS=$results bash tests/hostile/test_hostile.sh | sed 's/^\([0-9]* passed, [0-9]* failed\)$/# part: \1/'
# the distribution files (src/dist/): install, man page, units, deb,
# examples; once (no engine)
echo "# tests/dist/test_dist.sh"
DC_RESULTS=$results bash tests/dist/test_dist.sh | sed 's/^\([0-9]* passed, [0-9]* failed\)$/# part: \1/'
# the build without TLS (make TLS=0): the core tests once, and its refusal
# of tcp:// hosts
if [ -n "${NOTLS:-}" ] && [ -x "$NOTLS" ]; then
	echo "# TLS=0 build: $NOTLS"
	DC=$NOTLS DC_RESULTS=$results bash tests/integration/test_core.sh \
	    "${ENGINES%% *}" | sed 's/^\([0-9]* passed, [0-9]* failed\)$/# part: \1/'
	echo '{}' > "$results.json"
	msg=$("$NOTLS" --host tcp://127.0.0.1:2376 --config "$results.json" --once 2>&1)
	if [ $? -eq 2 ] && echo "$msg" | grep -q "built without TLS"; then
		echo "pass notls-tcp" >> "$results"
		echo "ok - TLS=0 build: tcp:// host exits 2, built without TLS"
	else
		echo "fail notls-tcp" >> "$results"
		echo "FAIL - TLS=0 build: tcp:// host: $msg"
	fi
fi
fi	# SAN_ONLY
# the sanitizer build (make check SANITIZE=1): the core and resilience
# tests once more, with the program under ASan and UBSan; and the
# misbehaving-daemon tests against their own ASan/UBSan copy (each
# sanitizer report fails its case)
if [ -n "${SAN_PROG:-}" ] && [ -x "$SAN_PROG" ]; then
	for t in test_core test_resilience; do
		echo "# ASan/UBSan build: $t $SAN_PROG"
		DC=$SAN_PROG DC_RESULTS=$results bash "tests/integration/$t.sh" \
		    "${ENGINES%% *}" | sed 's/^\([0-9]* passed, [0-9]* failed\)$/# part: \1/'
	done
	echo "# ASan/UBSan build: tests/hostile/test_hostile.sh"
	HOSTILE_SAN=1 DC_RESULTS=$results bash tests/hostile/test_hostile.sh |
	    sed 's/^\([0-9]* passed, [0-9]* failed\)$/# part: \1/'
fi
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
