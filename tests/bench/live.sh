#!/bin/bash
# tests/bench/live.sh: the real-dockerd benchmarks of issue 12, sourced by
# run.sh after "event to deletion" (it replaces run.sh's private dockerd by
# one of its own, which run.sh stops next), or run alone:
#
#   bash tests/bench/live.sh     (root; BENCH_QUICK, BENCH_ENGINE,
#                                 BENCH_OUT as for run.sh; ./docker-cleaner
#                                 is built with `make` when missing)
#
# 1. handshakes.py: a --once pass over TLS deleting 50 images: handshakes
#    and wall time, the program before keep-alive and now.
# 2. busy_evict.py: a startup pass deleting 1,000 images while 100
#    containers are created: uses recorded, the program before it read the
#    events between deletions and now. (The old program loses the uses
#    made after about 570 deletions, when dockerd's queue for its unread
#    stream is full; BENCH_QUICK's 300 images do not get there.)
# The "before" programs are built from git in $OUT/before-NAME/. Results:
# $OUT/live.jsonl, the tables in $OUT/live.md (run.sh appends them to
# report.md).

# live_before NAME COMMIT: $OUT/before-NAME/docker-cleaner as COMMIT built
# it (its tree from git, this tree's BearSSL build)
live_before() {
	local d=$OUT/before-$1
	rm -rf "$d"
	mkdir -p "$d/build" &&
	    git -C "$ROOT" archive "$2" | tar -x -C "$d" &&
	    cp -r "$ROOT/build/bearssl" "$ROOT/build/include" "$d/build/" &&
	    cp "$d/config.h.def" "$d/config.h" &&
	    make -s -C "$d" docker-cleaner >"$OUT/logs/build-before-$1.log" 2>&1
}

live_block() {
	local images=1000 ctrs=100 reps=5 port c
	local -a tlsbins=() evbins=()
	if [ "$QUICK" = 1 ]; then
		images=300
		ctrs=30
		reps=2
	fi
	rm -f "$OUT/live.jsonl" "$OUT/live.md"
	_dc_apt_install strace openssl || return 1
	say "live: the programs before the changes"
	# 2f5d7da "docker: one connection for requests (HTTP keep-alive)";
	# afc9764 "cleaner: read the live events between deletions" (its
	# parent is 2f5d7da)
	if live_before keepalive 2f5d7da^; then
		tlsbins+=(--bin "before-keepalive=$OUT/before-keepalive/docker-cleaner")
	else
		echo "bench: live: no build before keep-alive (see" \
		    "$OUT/logs/build-before-keepalive.log)" >&2
	fi
	if live_before catchup afc9764^; then
		evbins+=(--bin "before-catchup=$OUT/before-catchup/docker-cleaner")
	else
		echo "bench: live: no build before the events between" \
		    "deletions (see $OUT/logs/build-before-catchup.log)" >&2
	fi
	tlsbins+=(--bin "docker-cleaner=$ROOT/docker-cleaner")
	evbins+=(--bin "docker-cleaner=$ROOT/docker-cleaner")

	say "live: a private dockerd $ENGINE of its own, on TLS too"
	dockerd_stop
	c=$OUT/logs/certs
	$PY "$B"/handshakes.py certs "$c" || return 1
	port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	DC_DOCKERD_EXTRA="--tlsverify --tlscacert $c/ca.pem
	    --tlscert $c/server-cert.pem --tlskey $c/server-key.pem
	    -H tcp://127.0.0.1:$port"
	export DC_DOCKERD_EXTRA
	dockerd_start "$ENGINE" || return 1
	unset DC_DOCKERD_EXTRA

	say "live: TLS passes deleting 50 images (reps $reps)"
	$PY "$B"/handshakes.py run --sock "$DC_SOCK" --port "$port" \
	    --certs "$c" --count 50 --reps "$reps" --out "$OUT/live.jsonl" \
	    --logs "$OUT/logs" "${tlsbins[@]}" || return 1
	say "live: events during a $images-image eviction ($ctrs containers)"
	$PY "$B"/busy_evict.py --sock "$DC_SOCK" --images "$images" \
	    --containers "$ctrs" --out "$OUT/live.jsonl" --logs "$OUT/logs" \
	    "${evbins[@]}" || return 1
	say "live: done"
	$PY "$B"/live_report.py "$OUT" >"$OUT/live.md"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then	# run alone
	set -u
	cd "$(dirname "$0")/../.." || exit 2
	. tests/bench/env.sh
	mkdir -p "$OUT/logs"
	echo '{}' >"$OUT/logs/empty.json"
	[ -x docker-cleaner ] || make -s docker-cleaner || exit 1
	live_block
	rc=$?
	dockerd_stop
	[ -f "$OUT/live.md" ] && cat "$OUT/live.md"
	exit $rc
fi
live_block || exit 1
