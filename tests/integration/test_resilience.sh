#!/usr/bin/env bash
# Integration tests: the cleaner never loses track. Daemon restarts and
# outages, the state file across cleaner restarts and kill -9, signals.
# usage: test_resilience.sh ENGINE   (20.10, sid, ...: see lib.sh)
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cleaner.sh"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
more_retries() { [ "$(grep -c retrying "$W/daemon.log")" -gt "$1" ]; }
# the state file is whole: the version line, then valid records only
state_valid() {
	[ "$(head -n 1 "$1")" = "docker-cleaner state 1" ] &&
	    [ "$(tail -n +2 "$1" | grep -Evc '^sha256:[0-9a-f]{64} [0-9]+$')" = 0 ]
}

# dockerd restarts three times: the cleaner follows again each time, and
# a destroy after each restart still evicts the least recently used image
s_daemon_restarts() {
	local s i n id
	reset_daemon
	make_image rs-0:1 50 >/dev/null
	use_image rs-0:1
	s=$(size_of rs-0:1)
	start_cleaner --quota $((s * 2 + s / 2)) --remove-stopped-containers never
	id=$(make_image rs-1:1 50)
	use_image rs-1:1
	for i in 1 2 3; do
		# the use is seen before the daemon goes: Podman's journald
		# backend sends events late, and the harness's private journal
		# (not a host's) starts empty again with the service, so a use
		# still unread at the restart would be lost for good (kept safe:
		# the image stays unmanaged), and no eviction would follow
		t_check "restart $i: the use of rs-$i seen first" \
		    wait_for "use of rs-$i" 30 grep -q "image $id used at" \
		    "$W/daemon.log"
		n=$(follows)
		dockerd_restart || { t_fail "restart $i" "dockerd did not come back"; return; }
		t_check "restart $i: cleaner still running" kill -0 "$CLEANER_PID"
		t_check "restart $i: follows events again" \
		    wait_for "reconnect $i" 30 more_follows "$n"
		id=$(make_image "rs-$((i + 1)):1" 50)
		use_image "rs-$((i + 1)):1"
		t_check "restart $i: destroy evicts the least recently used" \
		    wait_for "eviction of rs-$((i - 1))" 100 gone "rs-$((i - 1)):1"
		t_check "restart $i: recent images kept" \
		    image_exists "rs-$i:1"
	done
	stop_cleaner
	t_eq "restarts: SIGTERM exits 0" 0 "$CLEANER_STATUS"
}

# dockerd away for 20 s: no busy loop, and back to work when it returns
s_daemon_outage() {
	local n r t0 t1
	reset_daemon
	make_image out-a:1 50 >/dev/null
	start_cleaner --quota 1G --remove-stopped-containers never
	n=$(follows)
	r=$(grep -c retrying "$W/daemon.log")
	dockerd_down
	# from its first retry on: noticing the outage is not the loop
	wait_for "a retry" 30 more_retries "$r"
	t0=$(cpu_ticks "$CLEANER_PID")
	sleep 20
	t1=$(cpu_ticks "$CLEANER_PID")
	t_check "outage: still running" kill -0 "$CLEANER_PID"
	t_check "outage: no busy loop ($((t1 - t0)) ticks in 20 s)" \
	    test $((t1 - t0)) -lt 50
	t_check "outage: retries are spaced (at most 10 s apart)" \
	    test "$(grep -c retrying "$W/daemon.log")" -le 12
	dockerd_up || { t_fail "outage" "dockerd did not come back"; return; }
	t_check "outage: reconnects when the daemon returns" \
	    wait_for "reconnect" 30 more_follows "$n"
	stop_cleaner
}

# the order of uses survives a restart of the cleaner after the daemon's
# 256-event buffer rolled over: c is older than a, a older than b
s_lru_survives() {
	local a b c i s
	reset_daemon
	c=$(make_image lr-c:1 50); a=$(make_image lr-a:1 50)
	b=$(make_image lr-b:1 50)
	start_cleaner --quota 1G --state-file "$W/state"
	use_image lr-a:1
	wait_for "state saved" 10 grep -q "${a#sha256:}" "$W/state" 2>/dev/null
	t_check "lru: state file records the use" grep -q "$a" "$W/state"
	stop_cleaner
	# 300 unrelated events: the create of a leaves the daemon's buffer
	for ((i = 0; i < 150; i++)); do
		dk tag lr-b:1 "lr-noise:$i" && dk rmi "lr-noise:$i" >/dev/null
	done
	use_image lr-b:1
	s=$(size_of lr-a:1)
	# room for two: b (newest) and a stay; c, never used, goes. Without
	# the state file a looks never used, and listing order evicts it
	cleaner --once --quota $((s * 2 + s / 2)) --state-file "$W/state" 2> "$W/log"
	t_eq "lru: exit 0" 0 $?
	t_check "lru: never-used image evicted" gone "$c"
	t_check "lru: image used before the rollover kept" image_exists "$a"
	t_check "lru: image used last kept" image_exists "$b"
	t_check "lru: state file whole" state_valid "$W/state"
	# root's file of what ran when: readable by root only
	t_eq "lru: state file mode 0600" 600 "$(stat -c %a "$W/state")"
}

# kill -9 at random moments while the state is being written: the file
# is always the old or the new version, and always loads
s_kill9() {
	local i pid bad=0 loadbad=0
	reset_daemon
	for i in 1 2 3 4 5 6; do make_image "k9-$i:1" 10 >/dev/null; done
	rm -f "$W/state"
	for ((i = 0; i < 15; i++)); do
		"$DC" --host "unix://$DC_SOCK" --config "$W/empty.json" \
		    --state-file "$W/state" --quota 1G 2>/dev/null &
		pid=$!
		use_image "k9-$((i % 6 + 1)):1"
		sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
		use_image "k9-$((i % 5 + 1)):1"
		sleep "1.$((RANDOM % 10))"
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		if [ -e "$W/state" ]; then
			state_valid "$W/state" || bad=$((bad + 1))
			cleaner --once --dry-run --quota 1G --state-file "$W/state" \
			    2>&1 | grep -q "not a valid state file" &&
			    loadbad=$((loadbad + 1))
		fi
	done
	t_check "kill -9: a state file was written" test -s "$W/state"
	t_eq "kill -9: state file always whole" 0 "$bad"
	t_eq "kill -9: state file always loads" 0 "$loadbad"
}

# SIGTERM: exit 0 within a second, with the latest uses saved
s_sigterm() {
	local a t0 t1
	reset_daemon
	a=$(make_image st-a:1 10)
	rm -f "$W/state"
	start_cleaner --quota 1G --state-file "$W/state"
	use_image st-a:1
	# the use seen (Podman's journald backend delivers events late):
	# the check is of what SIGTERM saves, not of event latency
	wait_for "the use seen" 100 grep -q "image $a used at" "$W/daemon.log"
	t0=$(date +%s%N)
	stop_cleaner
	t1=$(date +%s%N)
	t_eq "sigterm: exit 0" 0 "$CLEANER_STATUS"
	t_check "sigterm: within a second ($(((t1 - t0) / 1000000)) ms)" \
	    test $(((t1 - t0) / 1000000)) -lt 1000
	t_check "sigterm: state saved" grep -q "$a" "$W/state"
}

# SIGHUP: a broken config keeps the old one; a good one takes effect
s_sighup() {
	local a b n
	reset_daemon
	a=$(make_image hup-a:1 50); b=$(make_image hup-b:1 50)
	use_image hup-a:1; use_image hup-b:1
	echo '{"Quota": "1G", "RemoveStoppedContainers": "never"}' > "$W/hup.json"
	start_cleaner --config "$W/hup.json"
	echo '{"Quota": "12X"' > "$W/hup.json"
	kill -HUP "$CLEANER_PID"
	t_check "sighup: bad config reported" \
	    wait_for "reload error" 10 grep -q "configuration not reloaded" "$W/daemon.log"
	t_check "sighup: still running" kill -0 "$CLEANER_PID"
	n=$(decisions)
	use_image hup-b:1
	wait_for "decision" 10 more_decisions "$n"
	t_check "sighup: old quota kept (nothing deleted)" image_exists "$a"
	echo '{"Quota": 0, "RemoveStoppedContainers": "never"}' > "$W/hup.json"
	kill -HUP "$CLEANER_PID"
	t_check "sighup: good config reloaded" \
	    wait_for "reload" 10 grep -q "configuration reloaded: quota 0 bytes" "$W/daemon.log"
	use_image hup-b:1
	t_check "sighup: new quota applies at the next destroy" \
	    wait_for "eviction" 20 gone "$a"
	t_check "sighup: most recent image kept" image_exists "$b"
	stop_cleaner
}

# the periodic resync takes a new inventory and keeps following
s_resync() {
	local n
	reset_daemon
	make_image ry-a:1 10 >/dev/null
	start_cleaner --quota 1G --resync-interval 1s
	n=$(follows)
	t_check "resync: a new inventory each interval" \
	    wait_for "resync" 10 grep -q "periodic resync" "$W/daemon.log"
	t_check "resync: follows events again" wait_for "follow" 10 more_follows "$n"
	stop_cleaner
}

# ---- issue 9: config and signals

# the test copy with hooks (tests/integration/hooks.mk), built once
HOOKED=$DC_REPO_ROOT/build/hooks/docker-cleaner
HOOKED_BUILT=
HOOK_ENV=()
build_hooked() {
	local out
	[ -n "$HOOKED_BUILT" ] && return 0
	out=$(cd "$DC_REPO_ROOT" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s --no-print-directory -f tests/integration/hooks.mk \
	    SANITIZE=0 TLS=0 B=build/hooks PROG=build/hooks/docker-cleaner \
	    build/hooks/docker-cleaner 2>&1) ||
	    { echo "$out" | tail -n 20 | sed 's/^/# /'; return 1; }
	HOOKED_BUILT=1
}

# start_hooked ARGS: the hooked copy as a daemon (-vv) with HOOK_ENV in
# its environment, as start_cleaner does it but with no --config unless
# ARGS name one
start_hooked() {
	: > "$W/daemon.log"
	env "${HOOK_ENV[@]}" "$HOOKED" --host "unix://$DC_SOCK" --state-file "" \
	    -vv "$@" >> "$W/daemon.out" 2> "$W/daemon.log" &
	CLEANER_PID=$!
	wait_for "cleaner follows events" 30 \
	    grep -q "listening for docker events" "$W/daemon.log"
}

# the hooks stay out of the program as built by make
s_no_hooks() {
	t_check "the program under test has no test hooks" \
	    lacks DC_TEST_ "$DC"
}

# SIGHUP while the default config file is missing: the config in force
# stays, and the log says why (it fell back to every built-in default:
# quota 1G, "always")
s_reload_missing() {
	local a
	reset_daemon
	build_hooked || { t_fail "reload missing" "hooked copy not built"; return; }
	a=$(make_image rm-a:1 50)
	use_image rm-a:1
	echo '{"Quota": 0, "RemoveStoppedContainers": "never"}' > "$W/default.json"
	HOOK_ENV=(DC_TEST_DEFAULT_CONFIG="$W/default.json")
	start_hooked
	t_check "reload missing: the default config read (quota 0)" \
	    grep -q "quota 0 bytes" "$W/daemon.log"
	rm -f "$W/default.json"
	kill -HUP "$CLEANER_PID"
	t_check "reload missing: not reloaded" wait_for "reload error" 10 \
	    grep -q "configuration not reloaded" "$W/daemon.log"
	t_check "reload missing: the reason, naming the file" \
	    grep -q "default.json: No such file" "$W/daemon.log"
	make_image rm-b:1 50 >/dev/null
	use_image rm-b:1
	# quota 0: the most recently used image only (under 1G both stay)
	t_check "reload missing: quota 0 still applies at the next destroy" \
	    wait_for "eviction" 20 gone "$a"
	t_check "reload missing: most recent image kept" image_exists rm-b:1
	stop_cleaner
	t_eq "reload missing: SIGTERM exits 0" 0 "$CLEANER_STATUS"
	HOOK_ENV=()
}

# a resync interval under a second is bad input (a tight loop otherwise)
s_resync_short() {
	local rc
	cleaner --once --resync-interval 1ms 2> "$W/log"
	rc=$?
	t_eq "resync 1ms: exit 2" 2 "$rc"
	t_check "resync 1ms: one line naming the value" \
	    test "$(grep -c "'1ms'" "$W/log")" = 1 -a "$(wc -l < "$W/log")" = 1
	echo '{"ResyncInterval": "500ms"}' > "$W/short.json"
	"$DC" --host "unix://$DC_SOCK" --config "$W/short.json" --once \
	    --state-file "" 2> "$W/log"
	rc=$?
	t_eq "ResyncInterval 500ms: exit 2" 2 "$rc"
	t_check "ResyncInterval 500ms: named" grep -q "ResyncInterval '500ms'" "$W/log"
}

# ended: gone, or a zombie waiting for its parent (this shell)
ended() { ! [ -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat")" = Z ]; }

# end_cleaner WHAT: after a signal, wait up to 10 s for the cleaner to end
# (a hang is killed and recorded); CLEANER_STATUS: its exit status
end_cleaner() {
	if wait_for "$1: the end" 10 ended "$CLEANER_PID"; then
		t_pass "$1: ends"
	else
		t_fail "$1: ends" "still running 10 s after the signal"
		kill -9 "$CLEANER_PID"
	fi
	wait "$CLEANER_PID" 2>/dev/null
	CLEANER_STATUS=$?
	CLEANER_PID=
}

# a SIGTERM between the stop-flag check and the wait: the wait ends at
# once (it was waited out: for ever with --resync-interval 0). The hook
# pauses 1.5 s there, after a log line; the signal comes in the pause
s_stop_window() {
	reset_daemon
	build_hooked || { t_fail "stop window" "hooked copy not built"; return; }
	make_image sw-a:1 10 >/dev/null
	HOOK_ENV=(DC_TEST_IDLE_DELAY_MS=1500)
	start_hooked --config "$W/empty.json" --quota 1G --resync-interval 0
	HOOK_ENV=()
	t_check "stop window: in the window" wait_for "the window" 10 \
	    grep -q "test hook: delay" "$W/daemon.log"
	kill -TERM "$CLEANER_PID"
	end_cleaner "stop window: SIGTERM in the window"
	t_eq "stop window: exit 0" 0 "$CLEANER_STATUS"
}

# --once stopped by SIGTERM in the middle of its pass: exit 0 with the
# uses found so far saved, as the README promises (it exited 1). Every
# wait of the hooked copy pauses 0.5 s; the signal comes after the first
# use was found in the daemon's history, while the second is looked up
s_once_sigterm() {
	local a
	reset_daemon
	build_hooked || { t_fail "once sigterm" "hooked copy not built"; return; }
	a=$(make_image os-a:1 10); make_image os-b:1 10 >/dev/null
	use_image os-a:1; use_image os-b:1
	rm -f "$W/state"
	env DC_TEST_DELAY_MS=500 "$HOOKED" --host "unix://$DC_SOCK" \
	    --config "$W/empty.json" --state-file "$W/state" --quota 1G \
	    --once -vv 2> "$W/once.log" &
	CLEANER_PID=$!
	t_check "once sigterm: a use found" wait_for "a use" 60 \
	    grep -q "image ${a} used at" "$W/once.log"
	kill -TERM "$CLEANER_PID"
	end_cleaner "once sigterm"
	t_eq "once sigterm: exit 0" 0 "$CLEANER_STATUS"
	t_check "once sigterm: stopped mid-pass" \
	    lacks "images managed" "$W/once.log"
	t_check "once sigterm: the use found is saved" grep -q "$a" "$W/state"
	t_check "once sigterm: state file whole" state_valid "$W/state"
}

# no heap, as the README says: the program as make builds it (musl,
# static), a whole --once pass over the unix socket with the state file,
# and tcp:// to an IP address (musl's getaddrinfo allocated there; only a
# host name goes through it now)
s_no_heap() {
	local prog=$DC_REPO_ROOT/docker-cleaner h
	heap_ready "no heap" || return 0
	reset_daemon
	make_image nh-a:1 10 >/dev/null; make_image nh-b:1 10 >/dev/null
	use_image nh-a:1
	rm -f "$W/nh.state"
	heap_calls "$prog" --host "unix://$DC_SOCK" --config "$W/empty.json" \
	    --state-file "$W/nh.state" --quota 0 --once -vv
	t_eq "no heap: --once over the unix socket: exit 0" 0 "$HEAP_RC"
	t_check "no heap: --once over the unix socket: state saved" \
	    test -s "$W/nh.state"
	t_eq "no heap: --once over the unix socket: no brk or mmap" 0 "$HEAP_N"
	t_check "no heap: --once over the unix socket: deleted what it should" \
	    gone nh-b:1
	for h in 127.0.0.1:1 '[::1]:1'; do
		heap_calls "$prog" --host "tcp://$h" --config "$W/empty.json" \
		    --state-file "" --once
		t_eq "no heap: tcp://$h (refused): exit 1" 1 "$HEAP_RC"
		t_eq "no heap: tcp://$h: no brk or mmap" 0 "$HEAP_N"
	done
}

# one connection for requests (HTTP keep-alive): a --once pass that
# deletes five images (an inspect and a DELETE each, besides the listings)
# connects to the daemon twice: requests (/_ping included), and the event
# history. Before keep-alive: one connection per request, 15 here.
s_keep_alive() {
	local i n
	# under strace: not the valgrind wrapper, nor the sanitizer build
	# (LeakSanitizer does not work under ptrace)
	if [ "$DC" != "$DC_REPO_ROOT/docker-cleaner" ]; then
		echo "# s_keep_alive: for the program make builds; not $DC"
		return 0
	fi
	command -v strace >/dev/null || _dc_apt_install strace ||
	    { t_fail "keep-alive" "strace not installed"; return; }
	reset_daemon
	for i in 1 2 3 4 5 6; do make_image ka-$i:1 10 >/dev/null; done
	use_image ka-6:1
	# (the sum of sizes: Podman's /system/df is warned about, not the
	# point here)
	strace -f -e trace=connect -o "$W/strace.ka" "$DC" \
	    --host "unix://$DC_SOCK" --config "$W/empty.json" --state-file "" \
	    --quota 0 --accounting sum --once -vv 2> "$W/ka.log"
	t_eq "keep-alive: exit 0" 0 $?
	for i in 1 2 3 4 5; do
		t_check "keep-alive: ka-$i deleted" gone ka-$i:1
	done
	t_check "keep-alive: the most recent kept" image_exists ka-6:1
	n=$(grep -c "connect(.*$DC_SOCK" "$W/strace.ka")
	echo "# keep-alive: $n connections to the daemon"
	t_check "keep-alive: 2 connections for the pass ($n)" test "$n" -eq 2
	t_check "keep-alive: no warning logged" lacks "] warning: " "$W/ka.log"
	t_check "keep-alive: no error logged" lacks "] error: " "$W/ka.log"
}

# --resync-interval 30d, over the 24.8 days an int of milliseconds holds:
# the idle wait for events still has a timeout (before: the interval
# wrapped to a negative int, an endless wait, and no resync ever came
# while the daemon was quiet)
s_resync_long() {
	local n
	if [ "$DC" != "$DC_REPO_ROOT/docker-cleaner" ]; then
		echo "# s_resync_long: for the program make builds; not $DC"
		return 0
	fi
	command -v strace >/dev/null || _dc_apt_install strace ||
	    { t_fail "resync 30d" "strace not installed"; return; }
	: > "$W/rl.log"
	strace -f -e trace=ppoll -o "$W/strace.rl" "$DC" \
	    --host "unix://$DC_SOCK" --config "$W/empty.json" --state-file "" \
	    --resync-interval 30d -v 2> "$W/rl.log" &
	n=$!
	t_check "resync 30d: follows events" wait_for "resync 30d" 30 \
	    grep -q "listening for docker events" "$W/rl.log"
	sleep 1
	# to the cleaner: strace -o blocks the fatal signals it is sent
	kill -TERM $(pgrep -P "$n")
	wait "$n"
	t_eq "resync 30d: SIGTERM exits 0" 0 $?
	t_check "resync 30d: the idle waits have a timeout" \
	    grep -q 'ppoll(.*tv_sec=1073741,' "$W/strace.rl"
	t_check "resync 30d: no endless wait" lacks 'ppoll(.*, NULL, ' \
	    "$W/strace.rl"
}

# events are read between deletions (dockerd drops events for a subscriber
# that does not read): the hooked copy, slowed before every wait, takes
# seconds over its startup eviction; containers created meanwhile on the
# images it is deleting are read at once, before the eviction ends, and
# their images are not deleted. Before: the stream was read only after.
# (16 images, 300 ms before each wait: long enough for Podman, whose
# container creation is slower)
s_events_between_deletions() {
	local i n=0 ev listen line
	build_hooked || { t_fail "events between deletions" "hooked build"; return; }
	reset_daemon
	for i in $(seq 1 16); do make_image evd-$i:1 10 >/dev/null; done
	make_image evd-keep:1 10 >/dev/null; use_image evd-keep:1
	: > "$W/daemon.log"
	env DC_TEST_DELAY_MS=300 "$HOOKED" --host "unix://$DC_SOCK" \
	    --state-file "" --config "$W/empty.json" --quota 0 -vv \
	    >> "$W/daemon.out" 2> "$W/daemon.log" &
	CLEANER_PID=$!
	wait_for "a first deletion" 60 grep -q "removed image" "$W/daemon.log"
	# from both ends in turn (16 1 15 2 ...): the order of deletion
	# follows the engine's listing, and a create that follows the
	# deletions step by step would find each image gone
	for i in 16 1 15 2 14 3 13 4 12 5 11 6 10 7 9 8; do
		dk create --network none --name "evd-c$i" "evd-$i:1" /bin/true \
		    >/dev/null 2>&1 &&
		    n=$((n + 1))
	done
	wait_for "the eviction ends" 120 \
	    grep -q "listening for docker events" "$W/daemon.log"
	echo "# events between deletions: $n containers made during the eviction"
	t_check "events between deletions: containers made during it ($n)" \
	    test "$n" -ge 1
	ev=$(grep -n -m1 "event read between deletions" "$W/daemon.log" | cut -d: -f1)
	listen=$(grep -n -m1 "listening for docker events" "$W/daemon.log" | cut -d: -f1)
	t_check "events between deletions: read before the eviction ended" \
	    test -n "$ev" -a "${ev:-0}" -lt "${listen:-0}"
	for i in $(seq 1 16); do
		dk inspect "evd-c$i" >/dev/null 2>&1 || continue
		t_check "events between deletions: evd-$i, in use, kept" \
		    image_exists "evd-$i:1"
		line=$(grep -n -m1 "image $(dk image inspect -f '{{.Id}}' \
		    "evd-$i:1") used at" "$W/daemon.log" | cut -d: -f1)
		t_check "events between deletions: evd-$i's use read during the eviction" \
		    test -n "$line" -a "${line:-0}" -lt "${listen:-0}"
	done
	stop_cleaner
	t_eq "events between deletions: SIGTERM exits 0" 0 "$CLEANER_STATUS"
	for i in $(seq 1 16); do dk rm -f "evd-c$i" >/dev/null 2>&1; done
}

start_engine
for s in ${SCENARIOS:-s_daemon_restarts s_lru_survives s_kill9 s_sigterm \
    s_sighup s_resync s_daemon_outage \
    s_no_hooks s_reload_missing s_resync_short s_stop_window \
    s_once_sigterm s_no_heap s_keep_alive s_events_between_deletions \
    s_resync_long}; do
	echo "# $s ($ENGINE)"
	$s
done
stop_cleaner
t_summary
