#!/usr/bin/env bash
# Issue 11: the quota in real disk bytes, --quota N%, --min-free.
# usage: test_disk.sh ENGINE   (20.10 or 28.5; see lib.sh)
# Two images imported from the same layer tar (same layer, two IDs) and a
# third: a quota that the disk use fits keeps all three, where the sum of
# sizes (--accounting sum) deletes one; over the quota on disk, the least
# recently used go until the disk use fits. Then on a daemon whose data
# root is a 64 MiB tmpfs: --quota N% and --min-free (a size and a
# percentage) against what statvfs says, and a data root hidden from the
# cleaner (a mount namespace). Bad values: exit 2, one line.
set -u
. "$(dirname "$0")/lib.sh"

export DC_DATA_TMPFS=64m
. "$(dirname "$0")/cleaner.sh"

MB=$((1024 * 1024))

# a:1 and a:2 from one 3 MiB layer tar, c:1 alone (busybox + 100 KiB)
shared_images() {
	mkdir -p "$W/l" && head -c $((3 * MB)) /dev/urandom > "$W/l/f" &&
	    tar -C "$W/l" -cf "$W/l.tar" f &&
	    dk import -c 'ENV A=1' "$W/l.tar" a:1 >/dev/null &&
	    dk import -c 'ENV A=2' "$W/l.tar" a:2 >/dev/null &&
	    make_image c:1 100 >/dev/null
}

# uses, oldest first
uses() {
	local r
	for r in "$@"; do
		use_image "$r" || return 1
		sleep 0.05
	done
}

# what is left of the images named (a:1 a:2 c:1), e.g. "a:1 c:1"
left() {
	local r out=
	for r in "$@"; do
		image_exists "$r" && out="$out${out:+ }$r"
	done
	echo "$out"
}

s_shared() {
	local q api
	reset_daemon
	t_check "disk: images from one layer tar" shared_images || return 1
	t_check "disk: uses" uses a:1 a:2 c:1 || return 1
	echo "# sizes: a:1 $(size_of a:1), a:2 $(size_of a:2), c:1 $(size_of c:1)"
	# 3 + 2.1 MiB on disk, 8.1 summed
	q=$((6 * MB))
	cleaner --once --quota "$q" -vv > "$W/out" 2> "$W/log"
	t_eq "disk: --once exit 0" 0 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "disk: a quota the disk use fits keeps all three" \
	    "a:1 a:2 c:1" "$(left a:1 a:2 c:1)"
	api=$(api_get /version | sed -n 's/.*"ApiVersion":"\([0-9.]*\)".*/\1/p')
	if [ "${api#1.}" -ge 42 ]; then
		t_check "disk: asked /system/df?type=image (API $api)" \
		    grep -q "GET /v$api/system/df?type=image" "$W/log"
	else
		t_check "disk: asked /system/df (API $api)" \
		    grep -q "GET /v$api/system/df$" "$W/log"
	fi
	t_check "disk: the disk use was logged" grep -q "on disk: " "$W/log"
	# under the quota by the sum: /system/df is not asked
	cleaner --once --quota 100M -vv > "$W/out" 2> "$W/log"
	t_check "disk: not asked when the sum fits" \
	    lacks "system/df" "$W/log"
	cleaner --once --quota "$q" --accounting sum -v > "$W/out" 2> "$W/log"
	t_eq "disk: --accounting sum exit 0" 0 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "disk: the sum deletes the least recently used" \
	    "a:2 c:1" "$(left a:1 a:2 c:1)"
}

# no /system/df before API 1.25: the sum, said in one line
s_old_api() {
	reset_daemon
	t_check "disk: images again" shared_images || return 1
	t_check "disk: uses" uses a:1 a:2 c:1 || return 1
	DOCKER_API_VERSION=1.24 cleaner --once --quota $((6 * MB)) -v \
	    > "$W/out" 2> "$W/log"
	t_eq "disk: API 1.24: exit 0" 0 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "disk: API 1.24: the sum deletes the least recently used" \
	    "a:2 c:1" "$(left a:1 a:2 c:1)"
	t_eq "disk: API 1.24: one line says so" 1 \
	    "$(grep -c "/system/df: not before API 1.25" "$W/log")"
}

# over the quota on disk: the oldest go until the disk use fits
s_lru() {
	local q=$((4 * MB))
	reset_daemon
	t_check "disk: images again" shared_images || return 1
	t_check "disk: uses, c:1 oldest" uses c:1 a:1 a:2 || return 1
	cleaner --once --quota "$q" --dry-run > "$W/out" 2> "$W/log"
	t_eq "disk: dry run: c:1 alone would go" 1 \
	    "$(grep -c "would delete image" "$W/out")"
	cleaner --once --quota "$q" -v > "$W/out" 2> "$W/log"
	t_eq "disk: over on disk: exit 0" 0 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "disk: c:1 (2 MiB of its own) goes, 3 MiB left fit" \
	    "a:1 a:2" "$(left a:1 a:2 c:1)"
	# a:1 frees nothing alone: then /system/df again, a:2 frees 3 MiB
	reset_daemon
	t_check "disk: images again" shared_images || return 1
	t_check "disk: uses, a:1 oldest" uses a:1 a:2 c:1 || return 1
	cleaner --once --quota 3M -vv > "$W/out" 2> "$W/log"
	t_eq "disk: shared: exit 0" 0 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "disk: both sharers go, c:1 stays" "c:1" "$(left a:1 a:2 c:1)"
	t_eq "disk: /system/df read again after a sharer went" 2 \
	    "$(grep -c "GET /v[0-9.]*/system/df" "$W/log")"
}

# daemon mode: an image that arrives after /system/df was read, then is
# used (managed from then on, no image event): /system/df is read again,
# not the old reply taken without it
s_daemon_tracked() {
	local n
	reset_daemon
	t_check "daemon: images" shared_images || return 1
	t_check "daemon: uses" uses a:1 a:2 c:1 || return 1
	start_cleaner --quota $((6 * MB)) || { t_fail "daemon: start"; return 1; }
	t_eq "daemon: the disk use fits: all stay" "a:1 a:2 c:1" \
	    "$(left a:1 a:2 c:1)"
	make_image d:1 100 >/dev/null
	n=$(decisions)
	use_image c:1
	wait_for "a decision" 20 more_decisions "$n"
	t_eq "daemon: d:1 unmanaged, the rest fits" "a:1 a:2 c:1 d:1" \
	    "$(left a:1 a:2 c:1 d:1)"
	# d:1 used: managed, the newest; 7.3 MiB on disk: a:1 and a:2 go
	n=$(decisions)
	use_image d:1
	wait_for "a decision" 20 more_decisions "$n"
	wait_for "a:2 deleted" 20 gone a:2
	t_eq "daemon: d:1 counted once managed" "c:1 d:1" \
	    "$(left a:1 a:2 c:1 d:1)"
	stop_cleaner
}

# the data root's filesystem: size and free space, bytes
fs_size() { stat -f -c '%b %S' "$DC_TMP/data" | awk '{ print $1 * $2 }'; }
fs_free() { stat -f -c '%a %S' "$DC_TMP/data" | awk '{ print $1 * $2 }'; }

three() {
	make_image p:1 1024 >/dev/null && make_image p:2 1024 >/dev/null &&
	    make_image p:3 1024 >/dev/null && uses p:1 p:2 p:3
}
pleft() { left p:1 p:2 p:3; }

s_percent() {
	local size sz pct
	reset_daemon
	size=$(fs_size)
	t_eq "fs: the data root is the 64 MiB tmpfs" $((64 * MB)) "$size"
	t_check "fs: three images" three || return 1
	sz=$(size_of p:1)
	echo "# each $sz bytes"
	# a share that holds all three, then one that holds two
	pct=$(((3 * sz * 100 + size - 1) / size + 1))
	cleaner --once --quota "$pct%" -v > "$W/out" 2> "$W/log"
	t_eq "fs: --quota $pct% exit 0" 0 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "fs: --quota $pct% keeps three" "p:1 p:2 p:3" "$(pleft)"
	pct=$(((2 * sz * 100) / size))
	[ $((size * pct / 100)) -ge $((2 * sz)) ] || pct=$((pct + 1))
	cleaner --once --quota "$pct%" -v > "$W/out" 2> "$W/log"
	t_eq "fs: --quota $pct% exit 0" 0 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "fs: --quota $pct% deletes the oldest" "p:2 p:3" "$(pleft)"
}

s_min_free() {
	local free
	reset_daemon
	t_check "fs: three images" three || return 1
	free=$(fs_free)
	cleaner --once --min-free 1% -v > "$W/out" 2> "$W/log"
	t_eq "fs: --min-free 1% exit 0" 0 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "fs: --min-free 1% deletes nothing" "p:1 p:2 p:3" "$(pleft)"
	cleaner --once --min-free "$free" -v > "$W/out" 2> "$W/log"
	t_eq "fs: --min-free of what is free deletes nothing" \
	    "p:1 p:2 p:3" "$(pleft)"
	free=$(fs_free)
	cleaner --once --min-free $((free + 1)) -v > "$W/out" 2> "$W/log"
	t_eq "fs: --min-free one byte short exit 0" 0 "$?" ||
	    sed 's/^/#   /' "$W/log"
	t_eq "fs: one byte short: the oldest goes" "p:2 p:3" "$(pleft)"
	cleaner --once --min-free 99% -v > "$W/out" 2> "$W/log"
	t_eq "fs: --min-free 99% exit 0" 0 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "fs: --min-free 99%: all but the newest go" "p:3" "$(pleft)"
	# the config key
	echo '{"MinFree":"99%","Quota":"50%"}' > "$W/c.json"
	t_check "fs: config MinFree and Quota N% accepted" \
	    "$DC" --host "unix://$DC_SOCK" --config "$W/c.json" \
	    --state-file "" --once --dry-run
}

# the cleaner in a mount namespace where DC_TMP, and so the data root, is
# hidden under an empty tmpfs (the socket bound elsewhere first)
unmeasured() {
	mkdir -p "$W/sock" && : > "$W/sock/s" &&
	    unshare -m sh -c 'mount --bind "$1" "$2" && mount -t tmpfs none "$3" &&
		shift 3 && exec "$@"' sh "$DC_SOCK" "$W/sock/s" "$DC_TMP" \
	    "$DC" --host "unix://$W/sock/s" --config "$W/empty.json" \
	    --state-file "" --once -v "$@"
}

# a path that cannot be measured: logged, nothing deleted for that
# measure, --once exits 1
s_unmeasured() {
	reset_daemon
	t_check "fs: three images" three || return 1
	unmeasured --quota 1% > "$W/out" 2> "$W/log"
	t_eq "unmeasured: --quota 1%: exit 1" 1 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "unmeasured: nothing deleted" "p:1 p:2 p:3" "$(pleft)"
	t_check "unmeasured: the path is logged" \
	    grep -q "$DC_TMP/data: cannot measure its filesystem" "$W/log"
	# the other measure still counts: the quota in bytes deletes
	unmeasured --quota $((2 * $(size_of p:1) + 1)) --min-free 99% \
	    > "$W/out" 2> "$W/log"
	t_eq "unmeasured: --min-free: exit 1" 1 "$?" || sed 's/^/#   /' "$W/log"
	t_eq "unmeasured: the quota in bytes still deletes the oldest" \
	    "p:2 p:3" "$(pleft)"
}

# bad values: one line naming the value, exit 2, nothing contacted
bad() {
	local want=$1 rc
	shift
	"$DC" --config "$W/empty.json" --state-file "" --once "$@" \
	    > "$W/bad.out" 2> "$W/bad.err"
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l < "$W/bad.err")" = 1 ] &&
	    grep -qF -- "$want" "$W/bad.err" && [ ! -s "$W/bad.out" ] ||
	    { echo "# rc $rc: $(cat "$W/bad.err")"; return 1; }
}

bad_env() { local h=$1; shift; DOCKER_HOST=$h bad "$@"; }

s_bad() {
	local v
	for v in 0% 101% abc% 1.5%; do
		t_check "bad: --quota $v" bad "'$v'" --host "unix://$DC_SOCK" \
		    --quota "$v"
		t_check "bad: --min-free $v" bad "'$v'" \
		    --host "unix://$DC_SOCK" --min-free "$v"
	done
	t_check "bad: --accounting layers" bad "'layers'" \
	    --host "unix://$DC_SOCK" --accounting layers
	# tcp://: a listener that must see no connection
	python3 -c 'import socket,sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); s.settimeout(3)
try:
    s.accept(); print("contacted", flush=True)
except OSError:
    pass' > "$W/port" &
	local lp=$!
	wait_for "listener" 5 test -s "$W/port"
	v=$(head -1 "$W/port")
	t_check "bad: --quota 20% with tcp://" bad "'20%'" \
	    --host "tcp://127.0.0.1:$v" --quota 20%
	t_check "bad: --min-free 1G with tcp://" bad "min-free" \
	    --host "tcp://127.0.0.1:$v" --min-free 1G
	echo '{"Quota":"20%"}' > "$W/q.json"
	t_check "bad: Quota 20% in the config, DOCKER_HOST=tcp://" \
	    bad_env "tcp://127.0.0.1:$v" "'20%'" --config "$W/q.json"
	wait "$lp"
	t_check "bad: the tcp:// daemon was never contacted" \
	    lacks contacted "$W/port"
}

start_engine
s_shared
s_old_api
s_daemon_tracked
s_lru
s_percent
s_min_free
s_unmeasured
s_bad
dockerd_stop
t_summary
