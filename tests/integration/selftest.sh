#!/usr/bin/env bash
# tests/integration/selftest.sh: proves lib.sh works against real daemons.
#
#   sudo bash tests/integration/selftest.sh            # both engines
#   sudo bash tests/integration/selftest.sh 28.5       # one engine
#
# Per engine: prepare, start, make 3 images, run containers, restart the
# daemon (images must survive), stop (temp dir, processes, mounts and cgroups
# must be gone), plus crash cases (a child script killed with SIGTERM, or
# exiting early, while a container runs must clean up through the trap).
# Ends with t_summary.
set -u
set -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

ENGINES=("$@")
[ ${#ENGINES[@]} -gt 0 ] || ENGINES=(20.10 28.5)

# Clean up even if this script dies half-way (lib.sh's trap chains to this).
trap 'rm -f "${SELF_TMPFILES[@]}"' EXIT
SELF_TMPFILES=()

# self_tmp VAR: a temp file removed at exit, name stored in VAR.
self_tmp() {
    local f
    f=$(mktemp /tmp/dc-selftest.XXXXXX)
    SELF_TMPFILES+=("$f")
    printf -v "$1" '%s' "$f"
}

# pids_mentioning STR: pids whose command line contains STR.
pids_mentioning() {
    local f pid
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}
        pid=${pid%/cmdline}
        [ "$pid" = "$BASHPID" ] && continue
        grep -qaF -- "$1" "$f" 2>/dev/null && printf '%s\n' "$pid"
    done
    return 0
}

# all_dead PID...: rc 0 if none of the pids is alive.
all_dead() {
    local p
    for p in "$@"; do
        [ -n "$p" ] && _dc_alive "$p" && return 1
    done
    return 0
}

# mounts_under DIR: count of mounts at or under DIR.
mounts_under() {
    awk -v d="$1" '$2 == d || index($2, d "/") == 1' /proc/mounts | wc -l
}

# cgroups_of NAME: cgroup dirs named NAME directly below a hierarchy root.
cgroups_of() {
    find /sys/fs/cgroup /sys/fs/cgroup/* -maxdepth 1 -name "$1" -type d 2>/dev/null | wc -l
}

# image_size_json REF: the Size that /images/json reports for REF.
image_size_json() {
    api_get "/images/json?filters=%7B%22reference%22%3A%5B%22$1%22%5D%7D" |
        sed -n 's/.*"Size":\([0-9]*\).*/\1/p'
}

# ------------------------------------------------------------ assertions
# t_* and DC_RESULTS in a child shell: its output and exit status.
selftest_assertions() {
    local res out rc=0
    self_tmp res
    out=$(DC_RESULTS=$res bash -c '
        set -u
        . "$1"
        t_pass a
        t_fail b "went wrong"
        t_check c true
        t_check d false
        t_eq e x x
        t_eq f x y
        t_summary' _ "$HERE/lib.sh" 2>&1) || rc=$?
    t_eq "lib: t_summary is the last line" "3 passed, 3 failed" "$(printf '%s\n' "$out" | tail -n 1)"
    t_eq "lib: t_summary rc non-zero on failures" 1 "$rc"
    t_check "lib: ok/FAIL lines" grep -qx 'FAIL - b: went wrong' <<<"$out"
    t_eq "lib: DC_RESULTS lines" "pass a,fail b,pass c,fail d,pass e,fail f" \
        "$(paste -sd, "$res")"
}

# ------------------------------------------------------------ one engine
selftest_engine() {
    local e=$1 t0 t1 id1 id2 id3 ids before after ctr cid out size tmp
    local dpid cpid spids ctrpid

    t0=$SECONDS
    t_check "$e: engine_prepare" engine_prepare "$e" || return
    _dc_log "$e: engine_prepare took $((SECONDS - t0)) s"

    t0=$SECONDS
    t_check "$e: dockerd_start" dockerd_start "$e" || return
    _dc_log "$e: dockerd_start took $((SECONDS - t0)) s ($DC_TMP)"
    t_eq "$e: DOCKER_HOST exported" "unix://$DC_TMP/docker.sock" "${DOCKER_HOST:-}"
    t_eq "$e: DC_ENGINE exported" "$e" "${DC_ENGINE:-}"
    out=$(api_get /version)
    case $e in
    20.10) t_check "$e: API 1.41" grep -q '"ApiVersion":"1.41"' <<<"$out" ;;
    28.5) t_check "$e: API 1.51" grep -q '"ApiVersion":"1.51"' <<<"$out" ;;
    esac
    t_eq "$e: no images at start" "" "$(image_ids)"

    # three images, distinct IDs, sizes as asked
    t0=$SECONDS
    id1=$(make_image dc-self/a:1)
    id2=$(make_image dc-self/b:1 100)
    id3=$(make_image dc-self/c:1 5)
    t1=$SECONDS
    _dc_log "$e: 3 x make_image took $((t1 - t0)) s"
    t_eq "$e: make_image prints 3 sha256 ids" 3 \
        "$(printf '%s\n' "$id1" "$id2" "$id3" | grep -cxE 'sha256:[0-9a-f]{64}')"
    ids=$(printf '%s\n' "$id1" "$id2" "$id3" | sort -u)
    t_eq "$e: image_ids lists exactly the 3 images" "$ids" "$(image_ids)"
    t_check "$e: image_exists by ref" image_exists dc-self/b:1
    t_check "$e: image_exists by id" image_exists "$id3"
    t_check "$e: image_exists false for unknown" eval '! image_exists dc-self/nope:1'
    size=$(image_size_json dc-self/b:1)
    _dc_log "$e: /images/json Size of the 100 KiB image: $size bytes" \
        "(busybox $(stat -c %s /bin/busybox) + pad 102400)"
    t_eq "$e: Size of the 100 KiB image = image_size 100" "$(image_size 100)" "$size"

    # containers
    t_eq "$e: docker run --rm echo" hi "$(dk run --rm --network none dc-self/a:1 /bin/echo hi 2>&1)"
    ctr=$(run_ctr dc-self/a:1)
    t_check "$e: run_ctr prints an id" grep -qxE '[0-9a-f]{64}' <<<"$ctr"
    t_eq "$e: run_ctr container is running" true "$(dk inspect -f '{{.State.Running}}' "$ctr" 2>&1)"
    cid=$(create_ctr dc-self/c:1)
    t_eq "$e: create_ctr container is created" created "$(dk inspect -f '{{.State.Status}}' "$cid" 2>&1)"

    # restart: images and containers survive, socket is the same
    before=$(image_ids)
    tmp=$DC_TMP
    t0=$SECONDS
    t_check "$e: dockerd_restart" dockerd_restart
    _dc_log "$e: dockerd_restart took $((SECONDS - t0)) s"
    t_eq "$e: same DC_TMP after restart" "$tmp" "${DC_TMP:-}"
    after=$(image_ids)
    t_eq "$e: images survive restart" "$before" "$after"
    t_eq "$e: containers survive restart" 2 "$(dk ps -aq | wc -l)"
    t_eq "$e: container runs after restart" hi "$(dk run --rm --network none "$id2" /bin/echo hi 2>&1)"

    # stop with a container running: everything must go
    ctr=$(run_ctr dc-self/b:1)
    ctrpid=$(dk inspect -f '{{.State.Pid}}' "$ctr" 2>/dev/null)
    read -r dpid <"$DC_TMP/dockerd.pid"
    read -r cpid <"$DC_TMP/containerd.pid"
    spids=$(pids_mentioning "$DC_TMP/exec/containerd/containerd.sock" | grep -vx -e "$dpid" -e "$cpid" | tr '\n' ' ')
    t_check "$e: a shim and a container process exist" test -n "$spids" -a "${ctrpid:-0}" -gt 0
    t0=$SECONDS
    t_check "$e: dockerd_stop" dockerd_stop
    _dc_log "$e: dockerd_stop took $((SECONDS - t0)) s"
    t_check "$e: temp dir removed" test ! -e "$tmp"
    # shellcheck disable=SC2086
    t_check "$e: dockerd, containerd, shim, container gone" all_dead "$dpid" "$cpid" $spids "$ctrpid"
    t_eq "$e: no process mentions DC_TMP" "" "$(pids_mentioning "$tmp/")"
    t_eq "$e: no mounts under DC_TMP" 0 "$(mounts_under "$tmp")"
    t_eq "$e: no cgroups left" 0 "$(cgroups_of "${tmp##*/}")"
    t_eq "$e: variables unset" "" "${DC_TMP:-}${DC_SOCK:-}${DOCKER_HOST:-}"
    t_check "$e: dockerd_stop again is a no-op" dockerd_stop
}

# ------------------------------------------------------------ crash cleanup
# selftest_trap ENGINE term|exit: a child script starts a daemon and a
# container, then is killed with SIGTERM (term) or exits 7 without stopping
# anything (exit): its trap must leave nothing behind.
selftest_trap() {
    local e=$1 mode=$2 info child tmp ctrpid rc=0 want
    self_tmp info
    bash -c '
        set -u
        . "$1"
        dockerd_start "$2" || exit 3
        img=$(make_image dc-self/t:1) || exit 4
        ctr=$(run_ctr "$img") || exit 5
        echo "$DC_TMP $(dk inspect -f "{{.State.Pid}}" "$ctr")" >"$3"
        [ "$4" = exit ] && exit 7
        while :; do sleep 0.2; done' _ "$HERE/lib.sh" "$e" "$info" "$mode" >/dev/null 2>&1 &
    child=$!
    for _ in $(seq 600); do
        [ -s "$info" ] && break
        _dc_alive "$child" || break
        sleep 0.1
    done
    read -r tmp ctrpid <"$info" || tmp=
    if [ -z "$tmp" ]; then
        t_fail "$e: trap/$mode: child started a daemon" "child did not report"
        kill "$child" 2>/dev/null
        wait "$child" 2>/dev/null
        return
    fi
    if [ "$mode" = term ]; then
        kill -TERM "$child"
        want=143
    else
        want=7
    fi
    wait "$child" || rc=$?
    t_eq "$e: trap/$mode: child's exit status kept" "$want" "$rc"
    t_check "$e: trap/$mode: temp dir removed" test ! -e "$tmp"
    t_eq "$e: trap/$mode: no process mentions DC_TMP" "" "$(pids_mentioning "$tmp/")"
    t_check "$e: trap/$mode: container process gone" all_dead "$ctrpid"
    t_eq "$e: trap/$mode: no mounts left" 0 "$(mounts_under "$tmp")"
    t_eq "$e: trap/$mode: no cgroups left" 0 "$(cgroups_of "${tmp##*/}")"
}

START=$SECONDS
selftest_assertions
for e in "${ENGINES[@]}"; do
    t0=$SECONDS
    selftest_engine "$e"
    # after a failure half-way the daemon may still run: stop it before the
    # next engine (the trap would do it at exit anyway)
    dockerd_stop
    if engine_prepare "$e" 2>/dev/null; then
        selftest_trap "$e" term
        selftest_trap "$e" exit
    fi
    _dc_log "$e: engine total $((SECONDS - t0)) s"
done
_dc_log "selftest total $((SECONDS - START)) s"
t_summary
