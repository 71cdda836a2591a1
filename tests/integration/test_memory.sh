#!/usr/bin/env bash
# The memory bound, proven: the test copy with the high-water painting
# (tests/integration/hiwater.mk), run with DOCKER_CLEANER_HIGHWATER set,
# paints its fixed buffers and its stack and reports how far each was
# written (the program under test, $DC, must have none of that code). Here it meets the largest replies a real dockerd makes for it:
# an image whose list element nearly fills REPLY_WINDOW, one of nearly
# JSON_TOKENS tokens, a container whose create event nearly fills
# EVENT_WINDOW, and elements past those bounds (skipped, never deleted).
# usage: test_memory.sh ENGINE
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cleaner.sh"

# bound NAME: the value of a bound in the build (config.h, else .def)
bound() {
	{ grep -h "^#define $1 " "$DC_REPO_ROOT/config.h" 2>/dev/null
	  grep -h "^#define $1 " "$DC_REPO_ROOT/config.h.def"; } |
	    head -n 1 | awk '{print $3}'
}
# label LEN: LEN characters
label() { head -c "$1" /dev/zero | tr '\0' x; }

# the test copy with the painting, built by the Makefile's rules (with
# TLS, as the program is built), in build/hiwater/
PRODUCT=$DC
HIWATER=$DC_REPO_ROOT/build/hiwater/docker-cleaner
build_hiwater() {
	local out
	out=$(cd "$DC_REPO_ROOT" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s --no-print-directory -f tests/integration/hiwater.mk \
	    SANITIZE=0 B=build/hiwater PROG=build/hiwater/docker-cleaner \
	    build/hiwater/docker-cleaner 2>&1) ||
	    { echo "$out" | tail -n 20 | sed 's/^/# /'; return 1; }
}

# the painting stays out of the program as built by make
s_no_highwater() {
	t_check "the program under test has no high-water mode" \
	    lacks DOCKER_CLEANER_HIGHWATER "$PRODUCT"
	t_check "the test copy has the high-water mode" \
	    grep -q DOCKER_CLEANER_HIGHWATER "$HIWATER"
}

# rss LOG: the peak RSS the cleaner reported, in kB
rss() { awk '/^peak-rss/ {print $2}' "$1"; }

# every "highwater" line of $2, printed as a table; the stack's depth
# within STACK_MAX (a buffer's high-water mark is within its size by
# construction, so only the report of each is checked)
check_report() {
	local what=$1 log=$2 name used size n=0
	while read -r _ name used size; do
		n=$((n + 1))
		echo "#   $what: $name $used of $size bytes"
		[ "$name" = stack ] &&
			t_check "$what: stack within STACK_MAX" test "$used" -le "$size"
	done < <(grep '^highwater ' "$log" | sed 's/ (\([a-z]*\))/-\1/')
	t_check "$what: buffers and stack reported" test "$n" -ge 10
}

# reached WHAT LOG NAME: the scenario filled NAME to 90% of its size at
# least (else it tests less than its largest case)
reached() {
	local used size
	read -r used size < <(awk -v n="$3" '$1 == "highwater" && $2 == n {
	    print $3, $4; exit }' "$2")
	t_check "$1: $3 filled to 90% at least (${used:-?} of ${size:-?})" \
	    test "$((${used:-0} * 10))" -ge "$((${size:-1} * 9))"
}

s_largest() {
	local win ntok ewin big many ctr i args=()
	reset_daemon
	win=$(bound REPLY_WINDOW); ntok=$(bound JSON_TOKENS)
	ewin=$(bound EVENT_WINDOW)
	# an image element of nearly REPLY_WINDOW bytes
	big=$(make_image mem-big:1 10)
	dk tag mem-big:1 mem-big:2
	make_labeled mem-wide:1 --change "LABEL big=$(label $((win - 2000)))" >/dev/null
	# an image element of nearly JSON_TOKENS tokens: labels are 2 each
	for ((i = 0; i < (ntok - 60) / 2; i++)); do
		args+=(--change "LABEL l$i=$i")
	done
	# a container whose create event nearly fills EVENT_WINDOW
	many=$(make_labeled mem-many:1 "${args[@]}")
	ctr=$(dk create --network none --label "big=$(label $((ewin - 1500)))" \
	    mem-big:1 /bin/true)
	dk rm "$ctr" >/dev/null
	DOCKER_CLEANER_HIGHWATER=1 cleaner --once --quota 0 -v \
	    --metrics-file "$W/metrics.prom" 2> "$W/hw.log"
	t_eq "largest, --once: exit 0 (no bound exceeded)" 0 $?
	t_check "largest: metrics written" \
	    grep -q "^docker_cleaner_deleted_images_total [1-9]" "$W/metrics.prom"
	check_report "largest, --once" "$W/hw.log"
	reached "largest, --once" "$W/hw.log" REPLY_WINDOW
	reached "largest, --once" "$W/hw.log" JSON_TOKENS
	t_check "largest: the wide image was read (deleted)" gone mem-wide:1
	t_check "largest: the many-label image was read (deleted)" gone "$many"
	t_check "largest: the image used last kept" image_exists mem-big:1
	t_check "largest: peak RSS under 2 MiB ($(rss "$W/hw.log") kB)" \
	    test "$(rss "$W/hw.log")" -lt 2048
}

# past the bounds: an element over REPLY_WINDOW is skipped, and that
# image is unknown, so never deleted; an event over EVENT_WINDOW makes
# the daemon mode take a new inventory
s_past_bounds() {
	local win ewin over ctr n
	reset_daemon
	win=$(bound REPLY_WINDOW); ewin=$(bound EVENT_WINDOW)
	# (one label line must stay under 64 KiB for docker import --change)
	over=$(make_labeled mem-over:1 --change "LABEL a=$(label $((win / 2 + 500)))" \
	    --change "LABEL b=$(label $((win / 2 + 500)))")
	make_image mem-small:1 10 >/dev/null
	use_image mem-small:1
	DOCKER_CLEANER_HIGHWATER=1 cleaner --once --quota 0 2> "$W/hw.log"
	t_eq "past bounds, --once: exit 0" 0 $?
	t_check "past bounds: warned of the element" \
	    grep -q "larger than the $win-byte window" "$W/hw.log"
	t_check "past bounds: the unknown image not deleted" image_exists "$over"
	t_check "past bounds: peak RSS under 2 MiB ($(rss "$W/hw.log") kB)" \
	    test "$(rss "$W/hw.log")" -lt 2048
	check_report "past bounds, --once" "$W/hw.log"
	DOCKER_CLEANER_HIGHWATER=1 start_cleaner --quota 1G
	n=$(grep -c "listening for docker events" "$W/daemon.log")
	ctr=$(dk create --network none --label "big=$(label $((ewin + 1000)))" \
	    mem-small:1 /bin/true)
	t_check "past bounds: a lost event means a new inventory" \
	    wait_for "new inventory" 20 grep -q "an event was lost" "$W/daemon.log"
	t_check "past bounds: follows again" wait_for "follow" 20 more_follows "$n"
	dk rm "$ctr" >/dev/null
	stop_cleaner
	t_eq "past bounds, daemon: exit 0 (no bound exceeded)" 0 "$CLEANER_STATUS"
	check_report "past bounds, daemon" "$W/daemon.log"
}

# make_labeled REF --change "LABEL ..."...: a busybox image with labels;
# prints its ID
make_labeled() {
	local ref=$1 c id
	shift
	make_image "$ref-base" 1 >/dev/null || return 1
	c=$(dk create "$ref-base" /bin/true) || return 1
	id=$(dk export "$c" | dk import "$@" - "$ref")
	dk rm "$c" >/dev/null
	dk rmi "$ref-base" >/dev/null
	echo "$id"
}

if build_hiwater; then
	DC=$HIWATER
	start_engine
	scenarios=${SCENARIOS:-s_no_highwater s_largest s_past_bounds}
else
	t_fail "high-water copy" "not built"
	scenarios=
fi
for s in $scenarios; do
	echo "# $s ($ENGINE)"
	$s
done
stop_cleaner
t_summary
