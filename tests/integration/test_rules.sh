#!/usr/bin/env bash
# Integration tests of the keep rules and the grace period (issue 11:
# --keep, --keep-label, --min-age) against a real private dockerd.
# usage: test_rules.sh ENGINE   (20.10 or 28.5; see lib.sh)
# The digest scenario pushes to a private registry (Debian's
# docker-registry, installed if missing) on 127.0.0.1, which dockerd
# treats as insecure (plain HTTP) by default.
set -u
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/cleaner.sh"

REG_PID=
trap 'stop_cleaner; stop_registry; dc_cleanup; rm -rf "$W"' EXIT INT TERM

# --- helpers -------------------------------------------------------------

# a private registry on 127.0.0.1:$REG_PORT, data in $W/registry
start_registry() {
	local i
	_dc_apt_install docker-registry || return 1
	for i in 1 2 3 4 5; do
		REG_PORT=$((20000 + RANDOM % 20000))
		cat > "$W/registry.yml" <<-EOF
		version: 0.1
		log:
		  level: error
		storage:
		  filesystem:
		    rootdirectory: $W/registry
		http:
		  addr: 127.0.0.1:$REG_PORT
		EOF
		docker-registry serve "$W/registry.yml" > "$W/registry.log" 2>&1 &
		REG_PID=$!
		wait_for "registry up" 10 curl -fs "http://127.0.0.1:$REG_PORT/v2/" \
		    -o /dev/null && return 0
		stop_registry
	done
	return 1
}

stop_registry() {
	[ -n "$REG_PID" ] || return 0
	kill -TERM "$REG_PID" 2>/dev/null
	wait "$REG_PID" 2>/dev/null
	REG_PID=
}

# --- scenarios -------------------------------------------------------------

# --keep by a tag pattern: the least recently used image is kept, still
# counts against the quota, and the next one goes; the most recent of the
# others stays (keeping does not switch that rule off)
s_keep_tag() {
	local a b c sa
	reset_daemon
	a=$(make_image keept-a:1 100); b=$(make_image keept-b:1 100)
	c=$(make_image keept-c:1 100)
	use_image keept-a:1; sleep 0.05; use_image keept-b:1; sleep 0.05
	use_image keept-c:1
	sa=$(size_of keept-a:1)
	# room for two and a half: a (kept) and c (most recent); b goes
	cleaner --once --quota $((sa * 2 + sa / 2)) --keep 'keept-a:*' -v \
	    2> "$W/log"
	t_eq "keep tag: exit 0" 0 $?
	t_check "keep tag: kept image stays" image_exists "$a"
	t_check "keep tag: unkept LRU image deleted" gone "$b"
	t_check "keep tag: most recent of the others stays" image_exists "$c"
	t_check "keep tag: -v says why" \
	    grep -q "image $a stays: kept by rule" "$W/log"
	t_check "keep tag: -v: c most recent" \
	    grep -q "image $c stays: most recent" "$W/log"
}

# --keep by ID: a prefix of hex digits, and a glob with sha256:
s_keep_id() {
	local a b c d sa
	reset_daemon
	a=$(make_image keepi-a:1 100); b=$(make_image keepi-b:1 100)
	c=$(make_image keepi-c:1 100); d=$(make_image keepi-d:1 100)
	use_image keepi-a:1; sleep 0.05; use_image keepi-b:1; sleep 0.05
	use_image keepi-c:1; sleep 0.05; use_image keepi-d:1
	sa=$(size_of keepi-a:1)
	cleaner --once --quota $((sa * 3 + sa / 2)) --keep "${a:7:6}" \
	    --keep "sha256:${b:7:8}*" -v 2> "$W/log"
	t_eq "keep id: exit 0" 0 $?
	t_check "keep id: kept by an ID prefix" image_exists "$a"
	t_check "keep id: kept by sha256:glob" image_exists "$b"
	t_check "keep id: unkept LRU image deleted" gone "$c"
	t_check "keep id: most recent stays" image_exists "$d"
	t_check "keep id: -v says why" \
	    grep -q "image $a stays: kept by rule" "$W/log"
}

# --keep-label KEY and KEY=VALUE (labels set by docker import -c LABEL)
s_keep_label() {
	local k g s m
	reset_daemon
	k=$(MAKE_IMAGE_CHANGE='LABEL keep=yes' make_image keepl-k:1 50)
	g=$(MAKE_IMAGE_CHANGE='LABEL tier=gold' make_image keepl-g:1 50)
	s=$(MAKE_IMAGE_CHANGE='LABEL tier=silver' make_image keepl-s:1 50)
	m=$(make_image keepl-m:1 50)
	use_image keepl-k:1; sleep 0.05; use_image keepl-g:1; sleep 0.05
	use_image keepl-s:1; sleep 0.05; use_image keepl-m:1
	cleaner --once --quota 0 --keep-label keep --keep-label tier=gold -v \
	    2> "$W/log"
	t_eq "keep label: exit 0" 0 $?
	t_check "keep label: KEY alone keeps" image_exists "$k"
	t_check "keep label: KEY=VALUE keeps" image_exists "$g"
	t_check "keep label: another value does not" gone "$s"
	t_check "keep label: most recent stays" image_exists "$m"
	t_check "keep label: -v says why" \
	    grep -q "image $g stays: kept by rule" "$W/log"
}

# --keep by digest (repo@sha256:...): an image pushed to a registry has a
# RepoDigest; the pattern has an @, so no tag can match it
s_keep_digest() {
	local d x m ref digests
	reset_daemon
	if ! start_registry; then
		t_fail "keep digest: registry" "docker-registry did not start"
		return
	fi
	d=$(make_image keepd-d:1 50); x=$(make_image keepd-x:1 50)
	m=$(make_image keepd-m:1 50)
	ref=127.0.0.1:$REG_PORT/keepd:1
	dk tag keepd-d:1 "$ref"
	dk push "$ref" > "$W/push.log" 2>&1
	t_eq "keep digest: push" 0 $?
	# its tags: keepd-d:1 and $ref; the pattern can match the digest only
	digests=$(dk image inspect -f '{{join .RepoDigests ","}}' "$d")
	t_check "keep digest: the image has a RepoDigest" \
	    grep -q "keepd@sha256:" <<< "$digests"
	use_image "$d"; sleep 0.05; use_image keepd-x:1; sleep 0.05
	use_image keepd-m:1
	cleaner --once --quota 0 --keep '*/keepd@sha256:*' -v 2> "$W/log"
	t_eq "keep digest: exit 0" 0 $?
	t_check "keep digest: kept by its digest" image_exists "$d"
	t_check "keep digest: unkept image deleted" gone "$x"
	t_check "keep digest: most recent stays" image_exists "$m"
	stop_registry
}

# KeepImages and KeepLabels in the config file; a SIGHUP with other rules
# takes a new inventory, and the image no longer kept goes
s_keep_reload() {
	local a b
	reset_daemon
	a=$(make_image hup-a:1 50); b=$(make_image hup-b:1 50)
	use_image hup-a:1; sleep 0.05; use_image hup-b:1
	echo '{"KeepImages": ["hup-a:*"], "KeepLabels": ["nosuch"]}' \
	    > "$W/keep.json"
	start_cleaner --config "$W/keep.json" --quota 0
	t_check "reload: kept by the config file" image_exists "$a"
	t_check "reload: said why" grep -q "image $a stays: kept by rule" \
	    "$W/daemon.log"
	echo '{"KeepLabels": ["nosuch"]}' > "$W/keep.json"
	kill -HUP "$CLEANER_PID"
	wait_for "reload relists" 20 grep -q "keep rules changed" \
	    "$W/daemon.log"
	t_eq "reload: a new inventory" 0 $?
	wait_for "a deleted after reload" 20 gone "$a"
	t_check "reload: no longer kept, deleted" gone "$a"
	t_check "reload: most recent stays" image_exists "$b"
	stop_cleaner
}

# --min-age, two --once runs: a fresh image (Created now) stays until its
# grace period ends, then goes
s_min_age_once() {
	local x o t0 left
	reset_daemon
	x=$(make_image age-x:1 50); o=$(make_image age-o:1 50)
	use_image age-x:1; sleep 0.05; use_image age-o:1
	t0=$(date +%s.%N)	# its last use and arrival were before
	cleaner --once --quota 0 --min-age 6s -v 2> "$W/log"
	t_eq "min-age: exit 0" 0 $?
	t_check "min-age: fresh image stays" image_exists "$x"
	t_check "min-age: -v says why" \
	    grep -q "image $x stays: too young" "$W/log"
	# 7 s after that
	left=$(awk -v a="$t0" -v b="$(date +%s.%N)" \
	    'BEGIN { l = a + 7 - b; print (l > 0 ? l : 0) }')
	sleep "$left"
	cleaner --once --quota 0 --min-age 6s -v 2> "$W/log"
	t_eq "min-age: later: exit 0" 0 $?
	t_check "min-age: after its grace period, deleted" gone "$x"
	t_check "min-age: most recent stays" image_exists "$o"
}

# --min-age and Metadata.LastTagTime: an old image tagged again lately is
# young (read for the would-be-deleted only)
s_min_age_tag() {
	local t m
	reset_daemon
	t=$(make_image aget-t:1 50); m=$(make_image aget-m:1 50)
	use_image aget-t:1; sleep 0.05; use_image aget-m:1
	sleep 3.5
	dk tag aget-t:1 aget-t:2
	cleaner --once --quota 0 --min-age 3s -vv 2> "$W/log"
	t_eq "min-age tag: exit 0" 0 $?
	t_check "min-age tag: tagged lately, stays" image_exists "$t"
	t_check "min-age tag: -v says why" \
	    grep -q "image $t stays: too young" "$W/log"
	sleep 3.5
	cleaner --once --quota 0 --min-age 3s 2> "$W/log"
	t_eq "min-age tag: later: exit 0" 0 $?
	t_check "min-age tag: after the grace period, deleted" gone "$t"
	t_check "min-age tag: most recent stays" image_exists "$m"
}

# --min-age in daemon mode: an image that arrives while the cleaner runs
# stays until its grace period ends; the cleaner wakes then and deletes it
s_min_age_daemon() {
	local o y t0
	reset_daemon
	o=$(make_image aged-o:1 50)
	use_image aged-o:1
	sleep 5.5			# o is old
	start_cleaner --quota 0 --min-age 5s
	t0=$(date +%s.%N)
	y=$(make_image aged-y:1 50)	# arrives now
	use_image aged-y:1; sleep 0.05; use_image aged-o:1
	wait_for "a decision after the uses" 10 \
	    grep -q "image $y stays: too young" "$W/daemon.log"
	t_eq "min-age daemon: young image stays, said why" 0 $?
	wait_for "y deleted after its grace period" 30 gone "$y"
	t_check "min-age daemon: deleted after its grace period" gone "$y"
	# not before: it arrived after t0 (the machine may be slow: no upper
	# bound but the wait's)
	t_check "min-age daemon: not deleted within its grace period" \
	    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a >= 5) }'
	t_check "min-age daemon: woke for it" \
	    grep -q "a grace period ended" "$W/daemon.log"
	t_check "min-age daemon: most recent stays" image_exists "$o"
	stop_cleaner
}

# bad patterns, labels, durations: one line naming the value, exit 2,
# nothing deleted
s_bad_rules() {
	local a out rc long
	reset_daemon
	a=$(make_image badr-a:1 10)
	long=$(printf 'x%.0s' $(seq 600))
	# each: the arguments, then what the one line must say
	for args in "--keep=|--keep '': empty" \
	    "--keep-label==v|--keep-label '=v': no label key" \
	    "--keep-label=|--keep-label '': empty" \
	    "--min-age 5x|--min-age '5x': not a duration" \
	    "--min-age -1h|--min-age '-1h': negative" \
	    "--min-age 99999999999999d|'99999999999999d': too large" \
	    "--min-age 213503982335d|'213503982335d': too large" \
	    "--keep $long|longer than 511 bytes"; do
		out=$("$DC" --host "unix://$DC_SOCK" --once --quota 0 \
		    ${args%%|*} 2>&1)
		rc=$?
		t_eq "bad rule '${args:0:30}': exit 2" 2 "$rc"
		t_eq "bad rule '${args:0:30}': one line" 1 \
		    "$(printf '%s\n' "$out" | wc -l)"
		t_check "bad rule '${args:0:30}': names the value" \
		    grep -qF -- "${args#*|}" <<< "$out"
	done
	out=$("$DC" --host "unix://$DC_SOCK" --once --quota 0 \
	    $(for i in $(seq 33); do echo "--keep k$i"; done) 2>&1)
	t_eq "bad rule: 33 patterns: exit 2" 2 $?
	t_check "bad rule: 33 patterns: said" grep -q "more than 32" <<< "$out"
	echo '{"KeepImages": "x"}' > "$W/bad.json"
	"$DC" --host "unix://$DC_SOCK" --once --config "$W/bad.json" --quota 0 \
	    2>/dev/null
	t_eq "bad KeepImages: exit 2" 2 $?
	echo '{"MinAge": "-1h"}' > "$W/bad.json"
	"$DC" --host "unix://$DC_SOCK" --once --config "$W/bad.json" --quota 0 \
	    2>/dev/null
	t_eq "bad MinAge: exit 2" 2 $?
	t_check "bad rules: nothing deleted" image_exists "$a"
}

# --- run ----------------------------------------------------------------
start_engine
for s in ${SCENARIOS:-s_keep_tag s_keep_id s_keep_label s_keep_digest \
    s_keep_reload s_min_age_once s_min_age_tag s_min_age_daemon \
    s_bad_rules}; do
	echo "# $s ($ENGINE)"
	$s
done
stop_cleaner
t_summary
