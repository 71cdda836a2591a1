#!/usr/bin/env bash
# Integration tests of the core cleaner against a real private dockerd.
# usage: test_core.sh ENGINE   (20.10, sid, sid-containerd, podman-journald,
# podman-file; see lib.sh)
# Each scenario makes its own images with unique names, so the daemon's
# event buffer, shared by all scenarios, cannot mix them up.
set -u
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/cleaner.sh"

# --- scenarios ---------------------------------------------------------

# LRU order under the quota; the most recent images that fit stay
s_lru_order() {
	local a b c sa
	reset_daemon
	a=$(make_image lru-a:1 100); b=$(make_image lru-b:1 100)
	c=$(make_image lru-c:1 100)
	use_image lru-b:1; sleep 0.05; use_image lru-a:1; sleep 0.05
	use_image lru-c:1
	sa=$(size_of lru-a:1)
	# room for two: c (newest) and a stay, b (least recent) goes
	cleaner --once --quota $((sa * 2 + sa / 2)) -v 2> "$W/log"
	t_eq "lru: exit 0" 0 $?
	t_check "lru: least recently used deleted" gone "$b"
	t_check "lru: recent kept" image_exists "$a"
	t_check "lru: most recent kept" image_exists "$c"
	# -v, in a pass that deletes: each image kept and why
	t_check "lru: -v: why a stays" grep -q "image $a stays: fits" "$W/log"
	t_check "lru: -v: why c stays" \
	    grep -q "image $c stays: most recent" "$W/log"
	t_check "lru: -v: b not kept" lacks "image $b stays" "$W/log"
}

# images of existing containers are kept whatever the quota
s_in_use() {
	local a b r s
	reset_daemon
	a=$(make_image inuse-a:1 50); b=$(make_image inuse-b:1 50)
	r=$(run_ctr inuse-a:1)
	s=$(create_ctr inuse-b:1)	# created, never started: still a user
	use_image inuse-b:1
	cleaner --once --quota 0 --remove-stopped-containers never -v 2> "$W/log"
	t_eq "in use: exit 0" 0 $?
	# over the quota, nothing to delete: -v says why each stays
	t_check "in use: -v: why a stays" \
	    grep -q "image $a stays: in use by 1 container" "$W/log"
	t_check "in use: running container's image kept" image_exists "$a"
	t_check "in use: created container's image kept" image_exists "$b"
	dk rm -f "$r" "$s" >/dev/null
}

# nothing in use: the most recently used image stays, even over quota
s_mru_kept() {
	local a b
	reset_daemon
	a=$(make_image mru-a:1 50); b=$(make_image mru-b:1 50)
	use_image mru-a:1; sleep 0.05; use_image mru-b:1
	cleaner --once --quota 0 2> "$W/log"
	t_eq "mru: exit 0" 0 $?
	t_check "mru: most recently used kept" image_exists "$b"
	t_check "mru: other deleted" gone "$a"
}

# a use by a container removed before the cleaner started still counts:
# the event names the image; the container cannot be inspected any more
s_removed_container_use() {
	local a b sa
	reset_daemon
	a=$(make_image rm-a:1 50); b=$(make_image rm-b:1 50)
	# without the use, listing order makes rm-a the "most recent" one
	use_image rm-b:1
	sa=$(size_of rm-a:1)
	cleaner --once --quota $((sa + sa / 2)) 2> "$W/log"
	t_eq "removed container: exit 0" 0 $?
	t_check "removed container: its use counted, image kept" \
	    image_exists "$b"
	t_check "removed container: unused image deleted" gone "$a"
}

# an image with several tags in several repositories is removed whole
s_multi_tag() {
	local a b
	reset_daemon
	a=$(make_image mt-a:1 50)
	dk tag mt-a:1 mt-a:2; dk tag mt-a:1 other/mt-a:latest
	b=$(make_image mt-b:1 50)
	use_image mt-b:1
	cleaner --once --quota 0 -v 2> "$W/log"
	t_eq "multi-tag: exit 0" 0 $?
	t_check "multi-tag: image deleted" gone "$a"
	t_check "multi-tag: no tag left" gone mt-a:2
	t_check "multi-tag: deletion logged with tags" \
	    grep -q "removed image $a ($(qual mt-a:1)" "$W/log"
}

# RemoveStoppedContainers, one-shot: always removes exited containers
s_stopped_always_once() {
	local e r
	reset_daemon
	make_image sa-a:1 10 >/dev/null
	e=$(dk run -d --network none sa-a:1 /bin/true); dk wait "$e" >/dev/null
	r=$(run_ctr sa-a:1)
	cleaner --once --quota 1G -v 2> "$W/log"
	t_eq "always: exit 0" 0 $?
	t_check "always: exited container removed" ctr_gone "$e"
	t_check "always: running container kept" ctr_exists "$r"
	t_check "always: removal logged" grep -q "removed container $e" "$W/log"
	dk rm -f "$r" >/dev/null
}

# never: from the flag, and from a config file without the flag
s_stopped_never() {
	local e
	reset_daemon
	make_image sn-a:1 10 >/dev/null
	e=$(dk run -d --network none sn-a:1 /bin/true); dk wait "$e" >/dev/null
	cleaner --once --quota 1G --remove-stopped-containers never 2> "$W/log"
	t_check "never (flag): exited container kept" ctr_exists "$e"
	echo '{"RemoveStoppedContainers": "never", "Quota": "1G"}' > "$W/never.json"
	"$DC" --host "unix://$DC_SOCK" --config "$W/never.json" --state-file "" --once 2> "$W/log"
	t_eq "never (config): exit 0" 0 $?
	t_check "never (config file): exited container kept" ctr_exists "$e"
	dk rm -f "$e" >/dev/null
}

# onexit in daemon mode: containers that exit are removed; the startup
# sweep is not done; always adds the sweep
s_stopped_onexit_daemon() {
	local old new
	reset_daemon
	make_image so-a:1 10 >/dev/null
	old=$(dk run -d --network none so-a:1 /bin/true); dk wait "$old" >/dev/null
	start_cleaner --quota 1G --remove-stopped-containers onexit
	new=$(dk run -d --network none so-a:1 /bin/true)
	t_check "onexit: exited container removed" \
	    wait_for "removal of $new" 20 ctr_gone "$new"
	t_check "onexit: container exited before startup kept" ctr_exists "$old"
	stop_cleaner
	start_cleaner --quota 1G --remove-stopped-containers always
	t_check "always (daemon): startup sweep" \
	    wait_for "sweep of $old" 20 ctr_gone "$old"
	stop_cleaner
	t_eq "daemon: SIGTERM exits 0" 0 "$CLEANER_STATUS"
}

# daemon mode: a container's destroy triggers eviction; images loaded
# after startup and never used are not cleaned
s_event_eviction() {
	local a b c d late s n
	reset_daemon
	a=$(make_image ev-a:1 50); b=$(make_image ev-b:1 50)
	use_image ev-a:1; sleep 0.05; use_image ev-b:1
	s=$(size_of ev-a:1)
	start_cleaner --quota $((s * 2 + s / 2)) --remove-stopped-containers never
	t_check "events: nothing deleted at startup" image_exists "$a"
	late=$(make_image ev-late:1 50)
	# use a new image: now three are used, room for two
	c=$(make_image ev-c:1 50)
	use_image ev-c:1
	t_check "events: destroy evicts the least recently used" \
	    wait_for "eviction of ev-a" 20 gone "$a"
	t_check "events: recent images kept" image_exists "$b"
	t_check "events: used new image kept" image_exists "$c"
	t_check "events: image loaded after startup, unused, not cleaned" \
	    image_exists "$late"
	t_check "events: unused new image logged" \
	    grep -q "image $late is loaded but unused" "$W/daemon.log"
	# b becomes the most recent, then someone else deletes it; had it
	# still counted, using d would evict c (b, d fit; c would not)
	use_image ev-b:1
	dk rmi ev-b:1 >/dev/null
	d=$(make_image ev-d:1 50)
	n=$(decisions)
	use_image ev-d:1
	wait_for "decision after ev-d" 20 more_decisions "$n"
	t_check "events: image deleted by someone else stops counting" \
	    image_exists "$c"
	t_check "events: used image kept" image_exists "$d"
	stop_cleaner
}

# --dry-run reports and deletes nothing
s_dry_run() {
	local a b e
	reset_daemon
	a=$(make_image dry-a:1 50); b=$(make_image dry-b:1 50)
	use_image dry-b:1
	e=$(dk run -d --network none dry-b:1 /bin/true); dk wait "$e" >/dev/null
	cleaner --once --quota 0 --dry-run -v > "$W/out" 2> "$W/log"
	t_eq "dry run: exit 0" 0 $?
	t_check "dry run: image kept" image_exists "$a"
	t_check "dry run: container kept" ctr_exists "$e"
	t_check "dry run: would-delete line with ID, tags, size, last use" \
	    grep -Eq "^would delete image $a tags=$(qual dry-a:1) size=[0-9]+ last_used=never$" "$W/out"
	t_check "dry run: would-remove line" \
	    grep -q "^would remove container $e" "$W/out"
	t_check "dry run: -v: why b stays" grep -q "image $b stays: " "$W/log"
	t_check "dry run: -v: a would go, so no reason" lacks "image $a stays" "$W/log"
	dk rm -f "$e" >/dev/null
}

# bad input: one line, exit 2, nothing contacted or deleted
s_bad_input() {
	local a rc out
	reset_daemon
	a=$(make_image bad-a:1 10)
	for args in "--quota 12X" "--quota -1" "--quota 1.5.5G" \
	    "--quota 99999999999999999999" "--remove-stopped-containers sometimes" \
	    "--frobnicate" "--config /nonexistent.json"; do
		out=$("$DC" --host "unix://$DC_SOCK" --once $args 2>&1)
		rc=$?
		t_eq "bad input '$args': exit 2" 2 "$rc"
		t_eq "bad input '$args': one line" 1 "$(printf '%s\n' "$out" | wc -l)"
	done
	printf '{"Quota": true}' > "$W/bad.json"
	"$DC" --host "unix://$DC_SOCK" --once --config "$W/bad.json" --quota 0 2>/dev/null
	t_eq "bad config: exit 2" 2 $?
	t_check "bad input: nothing deleted" image_exists "$a"
}

# no daemon: --once exits 1 naming the socket; a daemon keeps retrying
# without a busy loop
s_unreachable() {
	local out rc pid ticks t0
	out=$("$DC" --host unix://$W/nosuch.sock --config "$W/empty.json" --state-file "" --once 2>&1)
	rc=$?
	t_eq "unreachable: --once exits 1" 1 "$rc"
	t_check "unreachable: message names the socket" \
	    grep -q "$W/nosuch.sock" <<< "$out"
	# a first dry run that explains itself: it never says "deleted"
	out=$("$DC" --host unix://$W/nosuch.sock --config "$W/empty.json" \
	    --state-file "" --once --dry-run -v 2>&1)
	t_eq "unreachable: dry run exits 1" 1 $?
	t_check "unreachable: dry run never says deleted" \
	    lacks deleted - <<< "$out"
	t_check "unreachable: says where it tried" \
	    grep -q "cannot connect to $W/nosuch.sock: No such file" <<< "$out"
	t_check "unreachable: suggests the cause" \
	    grep -q "is dockerd running? is DOCKER_HOST or --host right?" <<< "$out"
	t_check "unreachable: named config: not the default's line" \
	    lacks "default config file" - <<< "$out"
	# a missing default config file: one info line (-v), no warning
	if [ ! -e /etc/arvados/docker-cleaner/docker-cleaner.json ]; then
		out=$("$DC" --host unix://$W/nosuch.sock --state-file "" \
		    --once --dry-run 2>&1)
		t_check "no default config: not a warning" \
		    lacks "default config file" - <<< "$out"
		out=$("$DC" --host unix://$W/nosuch.sock --state-file "" \
		    --once --dry-run -v 2>&1)
		t_eq "no default config: -v: said once, at info level" 1 \
		    "$(grep -c "info: default config file .* not found" <<< "$out")"
	fi
	"$DC" --host unix://$W/nosuch.sock --config "$W/empty.json" --state-file "" 2> "$W/retry.log" &
	pid=$!
	# the window starts at the first retry: a slow start (valgrind, a
	# loaded machine) is not a loop
	wait_for "a first retry" 30 grep -q retrying "$W/retry.log"
	t0=$(awk '{print $14 + $15}' /proc/$pid/stat)
	sleep 3
	t_check "unreachable: daemon mode keeps running" kill -0 "$pid"
	ticks=$(($(awk '{print $14 + $15}' /proc/$pid/stat) - t0))
	t_check "unreachable: no busy loop ($ticks ticks in 3 s)" test "$ticks" -lt 20
	t_check "unreachable: retries logged" grep -q "retrying" "$W/retry.log"
	kill -TERM "$pid"; wait "$pid"
	t_eq "unreachable: SIGTERM exits 0" 0 $?
}

# ---- issue 9: deletion safety

# an image tagged in two repositories whose delete by ID is refused (it
# has a child image: `docker commit` of a container made from it): the
# tag the cleaner untagged first is put back, so it keeps both tags
s_multi_tag_refused() {
	local p c k i n
	if engine_is_podman "$ENGINE" || [ "$ENGINE" = sid-containerd ]; then
		echo "# skipped on $ENGINE: it deletes an image that has a child image, so there is no refusal to provoke"
		return 0
	fi
	reset_daemon
	p=$(make_image mtr-p:1 50)
	dk tag mtr-p:1 other/mtr-p:1
	k=$(create_ctr mtr-p:1)
	c=$(dk commit "$k" mtr-c:1)
	dk rm "$k" >/dev/null
	use_image mtr-c:1	# the child is the most recently used: kept
	cleaner --once --quota 0 -v 2> "$W/log"
	t_eq "multi-tag refused: exit 1 (not deleted)" 1 $?
	t_check "multi-tag refused: child image kept" image_exists "$c"
	t_check "multi-tag refused: image kept" image_exists "$p"
	t_eq "multi-tag refused: mtr-p:1 still names it" "$p" \
	    "$(dk image inspect -f '{{.Id}}' mtr-p:1 2>&1)"
	t_eq "multi-tag refused: other/mtr-p:1 still names it" "$p" \
	    "$(dk image inspect -f '{{.Id}}' other/mtr-p:1 2>&1)"
	t_check "multi-tag refused: restore logged" \
	    grep -q "info: restored tag .*mtr-p:1 on image $p" "$W/log"
	t_check "multi-tag refused: refusal logged" \
	    grep -q "warning: failed to remove image $p: 409" "$W/log"
	# daemon mode: refused once, then kept and not asked again at each
	# decision (before: an untag and a restore at every destroy)
	start_cleaner --quota 0 --remove-stopped-containers never
	t_check "multi-tag refused, daemon: refused" wait_for "the refusal" \
	    30 grep -q "failed to remove image $p: 409" "$W/daemon.log"
	for i in 1 2; do
		n=$(decisions)
		use_image mtr-c:1
		t_check "multi-tag refused, daemon: destroy $i decided" \
		    wait_for "a decision" 30 more_decisions "$n"
	done
	t_eq "multi-tag refused, daemon: not asked again" 1 \
	    "$(grep -c "failed to remove image $p" "$W/daemon.log")"
	t_check "multi-tag refused, daemon: says why it stays" \
	    grep -q "image $p stays: refused by the daemon" "$W/daemon.log"
	t_eq "multi-tag refused, daemon: both tags still name it" "$p $p" \
	    "$(dk image inspect -f '{{.Id}}' mtr-p:1 other/mtr-p:1 | xargs)"
	# the child goes (an image left): the next decision asks again, and
	# the image goes (the new image, used last, stays)
	dk rmi "$c" >/dev/null
	make_image mtr-z:1 10 >/dev/null
	use_image mtr-z:1
	t_check "multi-tag refused, daemon: deleted once its child went" \
	    wait_for "the deletion" 30 gone "$p"
	t_check "multi-tag refused, daemon: no tag left" gone other/mtr-p:1
	stop_cleaner
}

# a removed container's use, known by name only (mv-x:1, then image X),
# is not credited to Y, imported later under the same name: Y is unused
# and goes, Z (used before) stays, with room for one image
s_moved_tag_use() {
	local x y z sz
	reset_daemon
	x=$(make_image mv-x:1 50)
	dk tag mv-x:1 mv-keep:1		# X keeps a tag of its own
	z=$(make_image mv-z:1 50)
	use_image mv-z:1; sleep 0.05
	use_image mv-x:1; sleep 1.1	# a use of X, by the name mv-x:1
	y=$(make_image mv-x:1 50)	# Y arrives, and takes the name
	sz=$(size_of mv-z:1)
	cleaner --once --quota $((sz + sz / 2)) -vv 2> "$W/log"
	t_eq "moved tag: exit 0" 0 $?
	t_check "moved tag: the later image is not credited" \
	    grep -q "image '$(qual mv-x:1)' is now $y, which got that name after" "$W/log"
	t_check "moved tag: the later image, unused, deleted" gone "$y"
	t_check "moved tag: the image used before it kept" image_exists "$z"
	t_check "moved tag: the old image, untracked use, deleted" gone "$x"
}

# an image mounted into a container (a Mount of Type "image", API 1.48+)
# is in use, though the container's Image names another: never deleted,
# even with --quota 0. The CLI here (20.10's) cannot make such a mount:
# the API directly.
s_image_mount() {
	local a b c api
	api=$(api_get /version | sed -n 's/.*"ApiVersion":"\([0-9.]*\)".*/\1/p')
	case $api in
	1.4[89]|1.[5-9][0-9]) ;;
	*)	t_pass "image mount: skipped (engine $ENGINE, API $api: image mounts need 1.48)"
		return ;;
	esac
	reset_daemon
	a=$(make_image imnt-a:1 50); b=$(make_image imnt-b:1 50)
	c=$(curl -sS --unix-socket "$DC_SOCK" -H 'Content-Type: application/json' \
	    -d '{"Image":"imnt-a:1","Cmd":["/bin/true"],"HostConfig":{"NetworkMode":"none","Mounts":[{"Type":"image","Source":"imnt-b:1","Target":"/x"}]}}' \
	    "http://localhost/v$api/containers/create" | sed -n 's/.*"Id":"\([0-9a-f]*\)".*/\1/p')
	t_check "image mount: container made" test -n "$c"
	cleaner --once --quota 0 --dry-run -vv > "$W/out" 2> "$W/log"
	t_eq "image mount: dry run exit 0" 0 $?
	t_check "image mount: the mounted image would stay" \
	    lacks "would delete image $b" "$W/out"
	t_check "image mount: the mount seen" \
	    grep -q "container $c mounts image $b" "$W/log"
	cleaner --once --quota 0 -v 2> "$W/log"
	t_eq "image mount: exit 0" 0 $?
	t_check "image mount: the mounted image kept" image_exists "$b"
	t_check "image mount: no delete of it tried" lacks "remove[d]* image $b" "$W/log"
	t_check "image mount: the container's image kept" image_exists "$a"
	# once the container is gone, nothing uses b
	dk rm "$c" >/dev/null
	cleaner --once --quota 0 -v 2> "$W/log"
	t_check "image mount: unmounted, then deleted" gone "$b"
}

# ---- issue 13: engines

# an image delete event for an image still there (Podman sends one when an
# image loses one of its tags): it keeps its use, and goes in its turn;
# on Docker an external untag (no delete event) must not lose it either
s_delete_event_survivor() {
	local a b c s n
	reset_daemon
	a=$(make_image des-a:1 50); dk tag des-a:1 des-a:2
	b=$(make_image des-b:1 50)
	use_image des-a:1; sleep 0.05; use_image des-b:1
	s=$(size_of des-a:1)
	start_cleaner --quota $((s * 2 + s / 2)) --remove-stopped-containers never
	t_check "delete event: nothing deleted at startup" image_exists "$a"
	dk rmi des-a:2 >/dev/null
	t_check "delete event: the image untagged is still there" image_exists "$a"
	c=$(make_image des-c:1 50)
	n=$(decisions)
	use_image des-c:1
	wait_for "decision after des-c" 20 more_decisions "$n"
	# three used, room for two: the least recent, the untagged one, goes
	t_check "delete event: the untagged image still counts, and goes" \
	    wait_for "eviction of des-a" 20 gone "$a"
	t_check "delete event: recent image kept" image_exists "$b"
	t_check "delete event: newest image kept" image_exists "$c"
	stop_cleaner
}

# an image that arrives after startup counts with the image list's Size:
# on the containerd store, inspect's is less than half of it
s_late_image_size() {
	local a late s n
	reset_daemon
	a=$(make_image lsz-a:1 100)
	use_image lsz-a:1
	s=$(size_of lsz-a:1)
	# room for a bit less than two such images
	start_cleaner --quota $((s * 2 - s / 10)) --remove-stopped-containers never
	t_check "late size: nothing deleted at startup" image_exists "$a"
	late=$(make_image lsz-late:1 100)
	n=$(decisions)
	use_image lsz-late:1
	wait_for "decision after lsz-late" 20 more_decisions "$n"
	t_check "late size: counted at the list's size, the older image goes" \
	    wait_for "eviction of lsz-a" 20 gone "$a"
	t_check "late size: the newer image kept" image_exists "$late"
	stop_cleaner
}

# the refusals the cleaner reads by meaning (DK_CONFLICT): Docker answers
# 409; Podman 500, with a message src/docker_req.c's podman_conflicts names
s_conflict_status() {
	local r st want=409 says
	reset_daemon
	make_image cf-a:1 10 >/dev/null; dk tag cf-a:1 other/cf-a:1
	make_image cf-b:1 10 >/dev/null
	r=$(run_ctr cf-b:1)
	engine_is_podman "$ENGINE" && want=500
	st=$(curl -s -o "$W/body" -w '%{http_code}' -X DELETE \
	    --unix-socket "$DC_SOCK" "http://localhost/v1.41/images/$(dk image inspect -f '{{.Id}}' cf-a:1)")
	t_eq "conflict: delete by ID, tags in two repositories: $want" "$want" "$st"
	says=$(cat "$W/body")
	if [ "$want" = 500 ]; then
		t_check "conflict: Podman's message is one docker_req.c knows" \
		    grep -Eq "referenced in multiple repositories|more than one tag" <<< "$says"
	fi
	st=$(curl -s -o "$W/body" -w '%{http_code}' -X DELETE \
	    --unix-socket "$DC_SOCK" "http://localhost/v1.41/containers/$r")
	t_eq "conflict: removal of a running container: $want" "$want" "$st"
	says=$(cat "$W/body")
	if [ "$want" = 500 ]; then
		t_check "conflict: Podman's message is one docker_req.c knows" \
		    grep -q "state improper" <<< "$says"
	fi
	dk rm -f "$r" >/dev/null
}

# --- run ----------------------------------------------------------------
start_engine
for s in ${SCENARIOS:-s_lru_order s_in_use s_mru_kept s_removed_container_use s_multi_tag \
    s_stopped_always_once s_stopped_never s_stopped_onexit_daemon \
    s_event_eviction s_dry_run s_bad_input s_unreachable \
    s_multi_tag_refused s_moved_tag_use s_image_mount s_delete_event_survivor \
    s_late_image_size s_conflict_status}; do
	echo "# $s ($ENGINE)"
	$s
done
stop_cleaner
t_summary
