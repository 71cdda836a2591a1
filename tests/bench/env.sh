# tests/bench/env.sh: what every benchmark script sets up, sourced from
# the repository's root by run.sh and by live.sh run alone: the
# BENCH_* settings, lib.sh (the private dockerd) and say().
ROOT=$PWD
OUT=${BENCH_OUT:-build/bench}
case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac	# absolute: scripts cd
QUICK=${BENCH_QUICK:-0}
ENGINE=${BENCH_ENGINE:-20.10}
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
B=tests/bench
START=$SECONDS

. tests/integration/lib.sh

say() {
	printf '== %s (%d s)\n' "$*" $((SECONDS - START))
	printf '%s: %s\n' "$*" "$(cat /proc/loadavg)" >>"$OUT/load.txt"
}
