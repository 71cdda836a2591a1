# shellcheck shell=bash
# tests/integration/cleaner.sh: what the integration tests of docker-cleaner
# share, on top of lib.sh. Sourced by test_*.sh with the engine as $1.
#   cleaner ARGS           the cleaner against the private daemon (no state
#                          file, empty config unless ARGS say otherwise)
#   start_cleaner ARGS     the same as a daemon in the background (-vv), log
#                          in $W/daemon.log; waits until it follows events
#   stop_cleaner           SIGTERM and wait; CLEANER_STATUS: its exit status
#   wait_for WHAT SECS CMD poll CMD every 0.1 s until it succeeds
#   use_image REF          a container created on REF and removed: a use
#   reset_daemon           remove every container and image
#   start_engine           prepare and start the private daemon of $ENGINE,
#                          or record a failure and exit
#   heap_ready NAME        can the heap check run (see below)
#   heap_calls PROG ARGS   PROG under strace: HEAP_N brk/mmap calls, HEAP_RC
# W is a scratch folder, removed at exit with the private daemon. DC is the
# program under test (default: the repository's ./docker-cleaner).

ENGINE=${1:-20.10}
DC=${DC:-$DC_REPO_ROOT/docker-cleaner}
W=$(mktemp -d /tmp/dct.XXXXXX)
CLEANER_PID=
trap 'stop_cleaner; dc_cleanup; rm -rf "$W"' EXIT INT TERM
echo '{}' > "$W/empty.json"

# the cleaner against the private daemon, with an empty config file and
# no state file (scenarios start without history)
cleaner() {
	"$DC" --host "unix://$DC_SOCK" --config "$W/empty.json" --state-file "" "$@"
}

# the cleaner as a daemon in the background; log in $W/daemon.log
start_cleaner() {
	: > "$W/daemon.log"
	CLEANER_LOG=$W/daemon.log
	# not through cleaner(): $! must be the cleaner, not a subshell
	"$DC" --host "unix://$DC_SOCK" --config "$W/empty.json" --state-file "" -vv "$@" \
	    >> "$W/daemon.out" 2> "$W/daemon.log" &
	CLEANER_PID=$!
	wait_for "cleaner follows events" 30 \
	    grep -q "listening for docker events" "$W/daemon.log"
}

stop_cleaner() {
	[ -n "$CLEANER_PID" ] || return 0
	kill -TERM "$CLEANER_PID" 2>/dev/null
	wait "$CLEANER_PID" 2>/dev/null
	CLEANER_STATUS=$?
	CLEANER_PID=
}

# wait_for WHAT SECONDS CMD...: poll CMD until it succeeds; 1 on timeout
wait_for() {
	local what=$1 secs=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	echo "# timed out waiting: $what" >&2
	return 1
}

# times the daemon-mode cleaner has started following events
follows() { grep -c "listening for docker events" "$W/daemon.log"; }
more_follows() { [ "$(follows)" -gt "$1" ]; }
# lacks PATTERN FILE: FILE has no line matching PATTERN
lacks() { ! grep -q -- "$1" "$2"; }
# the Size of image $1 in the image list (what the cleaner counts; inspect's
# is less on the containerd store)
size_of() {
	local id
	id=$(dk image inspect -f '{{.Id}}' "$1") || return 1
	api_get /images/json | python3 -c 'import json, sys
print(next(i["Size"] for i in json.load(sys.stdin) if i["Id"] == sys.argv[1]))' "$id"
}
# qual REF: REF as the engine names it in RepoTags (Podman: fully
# qualified, docker.io/library/m:1)
qual() {
	if ! engine_is_podman "$ENGINE"; then
		echo "$1"
	elif [[ $1 == */* ]]; then
		echo "docker.io/$1"
	else
		echo "docker.io/library/$1"
	fi
}
gone() { ! image_exists "$1"; }
ctr_exists() { dk container inspect "$1" >/dev/null 2>&1; }
ctr_gone() { ! ctr_exists "$1"; }
# how many eviction decisions the daemon-mode cleaner has logged
decisions() { grep -c "images managed" "$W/daemon.log"; }
more_decisions() { [ "$(decisions)" -gt "$1" ]; }
# a container that ran on image $1 and is removed again: a use of $1
use_image() {
	local c
	c=$(create_ctr "$1") && dk rm "$c" >/dev/null
}

# remove every container and image, between scenarios
reset_daemon() {
	local c i
	c=$(dk ps -aq)
	[ -n "$c" ] && dk rm -f $c >/dev/null
	i=$(dk images -aq | sort -u)
	[ -n "$i" ] && dk rmi -f $i >/dev/null
	return 0
}


start_engine() {
	local api
	engine_prepare "$ENGINE" ||
	    { t_fail "engine $ENGINE" "not available"; t_summary; exit 1; }
	dockerd_start "$ENGINE" ||
	    { t_fail "dockerd $ENGINE" "did not start"; t_summary; exit 1; }
	api=$(api_get /version | sed -n 's/.*"ApiVersion":"\([0-9.]*\)".*/\1/p')
	echo "# engine $ENGINE, API $api"
}

# heap_calls PROG ARGS: PROG run under strace; HEAP_N: how many brk, mmap
# or mremap calls it made (musl's malloc needs them; the static program
# makes none otherwise); HEAP_RC: its exit status
heap_calls() {
	strace -f -e trace=brk,mmap,mremap -o "$W/strace" "$@" >/dev/null 2>&1
	HEAP_RC=$?
	HEAP_N=$(grep -cE '(brk|mmap|mremap)\(' "$W/strace")
}

# heap_ready NAME: 0 when the heap check NAME can run: $DC is the musl
# program make builds, and strace is there (else a note or a failure: 1)
heap_ready() {
	if [ "$DC" != "$DC_REPO_ROOT/docker-cleaner" ]; then
		echo "# $1: for the musl program make builds; not $DC"
		return 1
	fi
	command -v strace >/dev/null || _dc_apt_install strace ||
	    { t_fail "$1" "strace not installed"; return 1; }
}
