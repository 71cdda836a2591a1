#!/bin/bash
# tests/bench/run.sh: docker-cleaner's benchmarks (`make bench`; never part
# of `make check`). Needs root: it runs a private dockerd (tests/integration
# /lib.sh) and installs what it uses from Debian when missing
# (python3-docker, gnuplot-nox, valgrind). About 15 minutes on 2 cores;
# BENCH_QUICK=1 is a smoke run of a few minutes with fewer sizes and rounds.
#
#   BENCH_ENGINE=20.10|28.5   the real daemon (default 20.10)
#   BENCH_REF=PATH            the reference cleaner (default
#                             ../shared/reference/arvados_docker_cleaner.py)
#   BENCH_OUT=DIR             results (default build/bench)
#
# tests/bench/live.sh (TLS handshakes, events during a long eviction) runs
# alone too: `bash tests/bench/live.sh`.
#
# Results: DIR/results.jsonl (every run), DIR/report.md (the tables),
# DIR/plot.png; the report is printed at the end. BENCHMARKS.md explains.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/bench/env.sh
REF=${BENCH_REF:-$ROOT/../shared/reference/arvados_docker_cleaner.py}

if [ "$QUICK" = 1 ]; then
	REAL_SIZES="200:50"
	REPS=3
	EVICTIONS=20
	SIZES=200,1000,10000
	DSIZES=10000
	SREPS=2
	DROUNDS=15
else
	REAL_SIZES="200:50 1000:250"
	REPS=5
	EVICTIONS=100
	SIZES=200,1000,10000,100000
	DSIZES=10000,100000
	SREPS=5
	DROUNDS=50
fi

_dc_apt_install python3-docker gnuplot-nox valgrind musl-tools curl || exit 1
if [ ! -f "$REF" ]; then
	echo "bench: reference cleaner not found at $REF (set BENCH_REF); " \
	    "it is left out" >&2
	REF=
fi

mkdir -p "$OUT/logs"
rm -f "$OUT/results.jsonl" "$OUT/evict.jsonl" "$OUT/load.txt"
echo '{}' >"$OUT/logs/empty.json"

# ------------------------------------------------------------- builds
say "builds"
musl-gcc -static -Os -Wall -Wextra -o "$OUT/launch" $B/launch.c || exit 1
export BENCH_LAUNCH=$OUT/launch
# variants with the Makefile's own flags, objects in $OUT/NAME/, not
# stripped (the symbol table is not loaded, so RSS is the same): sym, the
# default capacities, for callgrind (it needs the symbols); small4096,
# small tables (-DIMAGE_MAX=4096: config.h honours -D), for the behaviour
# past the maximum, which the default build (131072) does not reach here.
variant() { # NAME CPPFLAGS...
	local n=$1
	shift
	make -s B="$OUT/$n" PROG="$OUT/$n/docker-cleaner" \
	    LDFLAGS='-static -Wl,--gc-sections' CC="musl-gcc $*" \
	    "$OUT/$n/docker-cleaner" 2>&1 | grep -v 'config.h.def changed' >&2
	[ -x "$OUT/$n/docker-cleaner" ]
}
variant sym || exit 1
variant small4096 -DIMAGE_MAX=4096 || exit 1
# stripped sizes as `make` builds them, TLS off and on
sizes="{\"docker-cleaner\": $(stat -c %s docker-cleaner)"
for t in 0 1; do
	if make -s B="$OUT/tls$t" PROG="$OUT/tls$t/docker-cleaner" TLS=$t \
	    "$OUT/tls$t/docker-cleaner" >"$OUT/logs/build-tls$t.log" 2>&1; then
		sizes="$sizes, \"tls$t\": $(stat -c %s "$OUT/tls$t/docker-cleaner")"
	else
		echo "bench: the TLS=$t build failed (see $OUT/logs/build-tls$t.log)" >&2
	fi
done
echo "$sizes}" >"$OUT/sizes.json"

# ------------------------------------------------------------- real dockerd
say "private dockerd $ENGINE"
dockerd_start "$ENGINE" || exit 1
version=$(api_get /version | $PY -c 'import json,sys; v=json.load(sys.stdin); print(v["Version"], v["ApiVersion"])')
echo "{\"engine\": \"$version\"}" >"$OUT/engine.json"
refargs=()
[ -n "$REF" ] && refargs=(--ref "$REF")
for nm in $REAL_SIZES; do
	n=${nm%:*}
	m=${nm#*:}
	say "filling the daemon: $n images, $m containers"
	$PY $B/populate.py "$n" "$m" || exit 1
	say "startup pass at $n images (reps $REPS)"
	$PY $B/startup.py --sock "$DC_SOCK" --label "dockerd-$n" --images "$n" \
	    --containers "$m" --reps "$REPS" --out "$OUT/results.jsonl" \
	    --logs "$OUT/logs" --curl "${refargs[@]}" \
	    --bin docker-cleaner=./docker-cleaner || exit 1
done

say "event to deletion ($EVICTIONS evictions each)"
# no containers: an image a container uses is never a candidate, and the
# reference only knows the users it saw created (last 256 events)
dk ps -aq | DOCKER_CONFIG=$DC_TMP/cli xargs -r "$DC_DOCKER_CLI" -H "unix://$DC_SOCK" rm -f >/dev/null 2>&1
label="dockerd-$(dk images -q | wc -l)"
$PY $B/evict.py --prog direct --direct --count "$EVICTIONS" --label "$label" \
    --out "$OUT/evict.jsonl" --log "$OUT/logs/evict-direct.log" --line x ||
    exit 1
if [ -n "$REF" ]; then
	$PY $B/evict.py --prog reference --count "$EVICTIONS" --label "$label" \
	    --out "$OUT/evict.jsonl" --log "$OUT/logs/evict-reference.log" \
	    --line 'Listening for docker events' -- \
	    $PY $B/ref_cleaner.py "$REF" --config "$OUT/logs/empty.json" \
	    --quota '{QUOTA}' --remove-stopped-containers never -vv || exit 1
fi
$PY $B/evict.py --prog docker-cleaner --count "$EVICTIONS" --label "$label" \
    --out "$OUT/evict.jsonl" --log "$OUT/logs/evict-docker-cleaner.log" \
    --line 'listening for docker events' -- \
    ./docker-cleaner --host "unix://$DC_SOCK" --quota '{QUOTA}' \
    --remove-stopped-containers never --state-file "" \
    --config "$OUT/logs/empty.json" -v || exit 1
# TLS handshakes and events during a long eviction (tests/bench/live.sh;
# it runs alone too): a dockerd of its own, stopped next
. $B/live.sh
say "stopping the private dockerd"
dockerd_stop

# ------------------------------------------------------------- replay server
say "scale: replay server at $SIZES images, random and alike IDs"
$PY $B/scale.py --out "$OUT" --sizes "$SIZES" --ids random,alike \
    --reps "$SREPS" --ref-reps "$([ "$QUICK" = 1 ] && echo 1 || echo 3)" \
    --decision-sizes "$DSIZES" --decision-rounds "$DROUNDS" \
    "${refargs[@]}" --bin docker-cleaner=./docker-cleaner \
    --small small4096="$OUT/small4096/docker-cleaner" --small-max 4096 \
    --callgrind sym="$OUT/sym/docker-cleaner" || exit 1

say "memory at 200 images by build; the folio demo"
$PY $B/filepages.py --out "$OUT" --reps "$SREPS" \
    --bin docker-cleaner=./docker-cleaner \
    --bin tls0="$OUT/tls0/docker-cleaner" || exit 1

# ------------------------------------------------------------- report
say "report"
$PY $B/report.py "$OUT" >"$OUT/report.md" || exit 1
[ -f "$OUT/live.md" ] && cat "$OUT/live.md" >>"$OUT/report.md"
cat "$OUT/report.md"
echo
echo "bench: $((SECONDS - START)) s; report in $OUT/report.md, plot in" \
    "$OUT/plot.png (copy it to tests/bench/results.png to update the" \
    "committed one)"
