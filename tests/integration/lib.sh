# shellcheck shell=bash
# tests/integration/lib.sh: helpers for docker-cleaner's integration tests.
#
# Source it from a bash test script:   . "$(dirname "$0")/lib.sh"
# Needs root (it installs Debian packages and runs dockerd). `set -u` safe;
# with `set -e` note that t_check/t_eq/t_fail return 1 on failure.
#
# Assertions (output goes to stdout):
#   t_pass NAME              count a pass, print "ok - NAME"
#   t_fail NAME [MSG]        count a failure, print "FAIL - NAME: MSG"
#   t_check NAME CMD...      run CMD in this shell (its output hidden unless it
#                            fails); pass if it exits 0
#   t_eq NAME EXPECTED ACTUAL  pass if the two strings are equal
#   t_summary                print the closing line "N passed, N failed" (print
#                            nothing after it); returns 1 if anything failed
#   If DC_RESULTS names a file, every result is also appended to it as a line
#   "pass NAME" or "fail NAME", so a runner that starts several scripts with
#   the same DC_RESULTS can add them up:
#     grep -c '^pass ' "$DC_RESULTS"; grep -c '^fail ' "$DC_RESULTS"
#   (results recorded inside a subshell or pipeline reach only that file,
#   not this shell's counters).
#
# Engines (ENGINE is one of):
#   20.10            Debian 12's docker.io
#   sid (alias 28.5) the newest docker.io of Debian sid, not pinned (28.5 in
#                    2026; 29 once sid has it), extracted from sid's .debs
#                    into $DC_ENGINE_CACHE/sid/ (cached)
#   sid-containerd   that dockerd with the containerd image store
#                    (features.containerd-snapshotter, storage driver native)
#   podman-journald  Debian 12's Podman 4.3, `podman system service` (its
#                    Docker-compatible API), events in journald: a private
#                    systemd-journald in a private mount namespace
#   podman-file      the same with its events in a file
#   engine_prepare ENGINE    install/fetch what ENGINE needs; on failure
#                            prints one reason line, rc 1
#   engine_is_podman [ENGINE]  rc 0 if ENGINE (default DC_ENGINE) is Podman
#   dockerd_start ENGINE     start a private containerd + dockerd (Podman:
#                            `podman system service`) in a new
#                            DC_TMP=/tmp/dcXXXXXX; exports DC_TMP, DC_SOCK,
#                            DC_ENGINE, DOCKER_HOST; waits for /_ping (60 s)
#                            DC_DATA_TMPFS=SIZE (optional): the data root is
#                            a tmpfs of SIZE (mount -o size=SIZE), for tests
#                            of the filesystem's size and free space
#   dockerd_restart          stop both daemons, keep DC_TMP (data root), start
#                            them again on the same socket; images and
#                            containers survive, running containers end up
#                            stopped (no live-restore)
#   dockerd_stop             kill the running containers, stop everything
#                            dockerd_start started, unmount and remove DC_TMP;
#                            idempotent, fine after a failed test
#   dc_cleanup               what the EXIT/INT/TERM trap calls (dockerd_stop)
#   Trap: the first dockerd_start installs traps on EXIT, INT and TERM that run
#   dc_cleanup and then whatever trap the caller had set before. A caller that
#   sets its own trap *after* dockerd_start must call dc_cleanup from it.
#   Call dockerd_start/dockerd_stop in the current shell, not inside $(...).
#   Call dockerd_stop before t_summary so the trap has nothing left to print.
#   A script started with DC_TMP/DC_SOCK already exported (by a runner that
#   started the daemon) can use dk/api_get/make_image on that daemon directly.
#   DC_LOG_DIR (optional): dockerd_stop copies the daemon logs there first.
#
# Docker helpers (need a running private daemon):
#   dk ARGS...               /usr/bin/docker against the private daemon
#   api_get PATH             GET PATH (e.g. /images/json) on the socket, print
#                            the body; non-zero on HTTP >= 400
#   make_image REF [KB]      import a busybox image with a /pad of KB KiB
#                            (MAKE_IMAGE_CHANGE set: also `-c` that, e.g.
#                            'LABEL keep=yes')
#                            (default 1) random bytes; prints sha256:<id>
#   image_size KB            the Size /images/json reports for such an image
#                            (size of /bin/busybox + KB*1024, both engines)
#   image_exists REF_OR_ID   rc 0 if the image exists, 1 if not
#   image_ids                full IDs (sha256:...) of all images, sorted
#   run_ctr IMAGE [ARGS...]  docker run -d --network none; default ARGS: a
#                            shell loop that idles and exits at once on
#                            SIGTERM; prints the container ID
#   create_ctr IMAGE         docker create --network none IMAGE /bin/true;
#                            prints the container ID

if [ -n "${_DC_LIB_LOADED:-}" ]; then return 0; fi
_DC_LIB_LOADED=1

DC_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DC_REPO_ROOT=${DC_REPO_ROOT:-$(cd "$DC_LIB_DIR/../.." && pwd)}
DC_ENGINE_CACHE=${DC_ENGINE_CACHE:-$DC_REPO_ROOT/build/engines}
# Always this CLI: /usr/local/bin/docker on some machines is another version.
DC_DOCKER_CLI=/usr/bin/docker
# PATH for system binaries only (no /usr/local, no user dirs).
_DC_SYS_PATH=/usr/sbin:/usr/bin:/sbin:/bin
_DC_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

T_PASS=0
T_FAIL=0

# ---------------------------------------------------------------- messages

# _dc_log MSG...: a diagnostic line on stderr.
_dc_log() { printf '# %s\n' "$*" >&2; }

# _dc_err FUNC MSG...: a one-line error on stderr.
_dc_err() { local f=$1; shift; printf '%s: %s\n' "$f" "$*" >&2; }

# ---------------------------------------------------------------- assertions

# _dc_record pass|fail NAME: append a result line to $DC_RESULTS if set.
_dc_record() {
    if [ -n "${DC_RESULTS:-}" ]; then
        printf '%s %s\n' "$1" "$2" >>"$DC_RESULTS"
    fi
    return 0
}

t_pass() {
    T_PASS=$((T_PASS + 1))
    printf 'ok - %s\n' "$1"
    _dc_record pass "$1"
}

t_fail() {
    T_FAIL=$((T_FAIL + 1))
    printf 'FAIL - %s: %s\n' "$1" "${2:-failed}"
    _dc_record fail "$1"
    return 1
}

# t_check NAME CMD...: CMD runs in the current shell (so it may set variables);
# its output is kept in a temp file and shown (last 20 lines) only on failure.
t_check() {
    local name=$1 out rc=0
    shift
    out=$(mktemp "${TMPDIR:-/tmp}/dc-check.XXXXXX") || return 1
    "$@" >"$out" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
        rm -f "$out"
        t_pass "$name"
        return 0
    fi
    t_fail "$name" "exit $rc: $*"
    tail -n 20 "$out" | sed 's/^/#   /'
    rm -f "$out"
    return 1
}

t_eq() {
    if [ "$2" = "$3" ]; then
        t_pass "$1"
    else
        t_fail "$1" "expected '$2', got '$3'"
    fi
}

t_summary() {
    printf '%d passed, %d failed\n' "$T_PASS" "$T_FAIL"
    [ "$T_FAIL" -eq 0 ]
}

# ---------------------------------------------------------------- packages

# _dc_pkg_installed PKG: rc 0 if the Debian package is installed.
_dc_pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' ok installed$'
}

# _dc_apt_install PKG...: install the missing ones; `apt-get update` and retry
# once if the first attempt fails (a fresh machine may have no lists yet).
# No service is started meanwhile (docker.io would start the system's
# dockerd): tests/no-service-starts.sh, a temporary policy-rc.d.
_DC_NOSTART=$DC_REPO_ROOT/tests/no-service-starts.sh
_dc_apt_install() {
    local missing=() p log
    for p in "$@"; do
        _dc_pkg_installed "$p" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    _dc_log "installing ${missing[*]}"
    log=$(mktemp /tmp/dc-apt-install.XXXXXX) || return 1
    # DPkg::Lock::Timeout: wait for another apt run instead of failing.
    local -a opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=300)
    if ! DEBIAN_FRONTEND=noninteractive sh "$_DC_NOSTART" apt-get install \
            "${opts[@]}" "${missing[@]}" >"$log" 2>&1; then
        if ! { apt-get update -q -o DPkg::Lock::Timeout=300 &&
               DEBIAN_FRONTEND=noninteractive sh "$_DC_NOSTART" apt-get \
                   install "${opts[@]}" "${missing[@]}"; } >>"$log" 2>&1; then
            tail -n 15 "$log" >&2
            rm -f "$log"
            _dc_err apt "could not install ${missing[*]}"
            return 1
        fi
    fi
    rm -f "$log"
    return 0
}

# ---------------------------------------------------------------- engines

# _dc_dockerd_version BIN: print dockerd's version number (e.g. 28.5.2).
_dc_dockerd_version() {
    "$1" --version 2>/dev/null |
        sed -n 's/^Docker version \([0-9][0-9.]*\).*/\1/p'
}

# the engines lib.sh knows, for messages
_DC_ENGINES="20.10, sid (28.5), sid-containerd, podman-journald, podman-file"

engine_is_podman() {
    case ${1:-${DC_ENGINE:-}} in podman-*) return 0 ;; esac
    return 1
}

# _dc_engine_env ENGINE: set _DC_DOCKERD, _DC_CONTAINERD and _DC_PATH (the PATH
# both daemons run with; containerd's shims and runc are found through it),
# and _DC_STORE: "containerd" for the containerd image store, else empty.
_dc_engine_env() {
    _DC_STORE=
    case $1 in
    20.10)
        _DC_DOCKERD=/usr/sbin/dockerd
        _DC_CONTAINERD=/usr/bin/containerd
        _DC_PATH=$_DC_SYS_PATH
        ;;
    sid|28.5|sid-containerd)
        # bin/ holds links to sid's dockerd, containerd and
        # containerd-shim-runc-v2, and runc -> bookworm's /usr/sbin/runc.
        _DC_DOCKERD=$DC_ENGINE_CACHE/sid/bin/dockerd
        _DC_CONTAINERD=$DC_ENGINE_CACHE/sid/bin/containerd
        _DC_PATH=$DC_ENGINE_CACHE/sid/bin:$_DC_SYS_PATH
        if [ "$1" = sid-containerd ]; then _DC_STORE=containerd; fi
        ;;
    podman-journald|podman-file)
        _DC_PATH=$_DC_SYS_PATH
        ;;
    *)
        _dc_err engine "unknown engine '$1' (want $_DC_ENGINES)"
        return 2
        ;;
    esac
}

# _dc_prepare_base: packages every engine needs (docker.io also brings the
# /usr/bin/docker CLI, runc and containerd used by 20.10).
_dc_prepare_base() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "engine_prepare: needs root" >&2
        return 1
    fi
    _dc_apt_install docker.io runc busybox-static curl ca-certificates \
            util-linux || {
        echo "engine_prepare: required Debian packages could not be installed" >&2
        return 1
    }
}

engine_prepare() {
    local engine=${1:-}
    case $engine in
    20.10) _dc_prepare_20_10 ;;
    sid|28.5|sid-containerd) _dc_prepare_sid ;;
    podman-journald|podman-file) _dc_prepare_podman "$engine" ;;
    *)
        echo "engine_prepare: unknown engine '$engine' (want $_DC_ENGINES)" >&2
        return 2
        ;;
    esac
}

# _dc_prepare_20_10: the system's docker.io, checked to be 20.10.x.
_dc_prepare_20_10() {
    local v
    _dc_prepare_base || return 1
    v=$(_dc_dockerd_version /usr/sbin/dockerd)
    case $v in
    20.10.*) return 0 ;;
    esac
    echo "engine 20.10 unavailable: /usr/sbin/dockerd reports '${v:-nothing}'" >&2
    return 1
}

# _dc_prepare_sid: reuse $DC_ENGINE_CACHE/sid if it holds a dockerd,
# otherwise fetch it (under a lock, in case two scripts prepare at once).
# Not pinned: whatever sid has when the cache is made (CI starts empty).
_dc_prepare_sid() {
    local dir=$DC_ENGINE_CACHE/sid
    _dc_prepare_base || return 1
    _dc_enginesid_ok "$dir" && return 0
    mkdir -p "$DC_ENGINE_CACHE" || return 1
    (
        flock 9
        _dc_enginesid_ok "$dir" && exit 0
        _dc_fetch_sid "$dir"
    ) 9>"$DC_ENGINE_CACHE/.lock"
}

# _dc_enginesid_ok DIR: rc 0 if DIR is a usable extracted sid engine.
_dc_enginesid_ok() {
    local v
    [ -x "$1/bin/containerd" ] && [ -x "$1/bin/containerd-shim-runc-v2" ] &&
        [ -x "$1/bin/runc" ] || return 1
    v=$(_dc_dockerd_version "$1/bin/dockerd")
    [ -n "$v" ]
}

# _dc_mirror_deb822 FILE: first main-archive URI in a deb822 .sources file.
# "Main archive" = a deb source with component main, a plain suite name (no
# '-' or '/': not -security/-updates) and, if it has Signed-By, Debian's
# keyring.
_dc_mirror_deb822() {
    awk '
        function flush(   n, i, s, u) {
            if (!found && types ~ /(^| )deb( |$)/ && enabled != "no" &&
                uris != "" && comps ~ /(^| )main( |$)/ &&
                (signed == "" || signed ~ /debian-archive/)) {
                n = split(suites, s, /[ \t]+/)
                for (i = 1; i <= n; i++)
                    if (s[i] != "" && s[i] !~ /[-\/]/) {
                        split(uris, u, /[ \t]+/); print u[1]; found = 1; exit
                    }
            }
            types = uris = suites = comps = enabled = signed = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]/   { next }                      # continuation line
        {
            key = tolower($0); sub(/:.*/, "", key)
            val = $0; sub(/^[^:]*:[ \t]*/, "", val)
            if (key == "types") types = val
            else if (key == "uris") uris = val
            else if (key == "suites") suites = val
            else if (key == "components") comps = val
            else if (key == "enabled") enabled = tolower(val)
            else if (key == "signed-by") signed = val
        }
        END { flush() }' "$1"
}

# _dc_mirror_oneline FILE: the same for a one-line-style .list file.
_dc_mirror_oneline() {
    awk '
        $1 != "deb" { next }
        {
            line = $0; opts = ""
            sub(/^[ \t]+/, "", line)
            if (match(line, /\[[^]]*\]/)) {
                opts = substr(line, RSTART, RLENGTH)
                line = substr(line, 1, RSTART - 1) substr(line, RSTART + RLENGTH)
            }
            n = split(line, w, /[ \t]+/)
            if (n < 4 || w[3] ~ /[-\/]/) next
            if (opts ~ /signed-by/ && opts !~ /debian-archive/) next
            for (i = 4; i <= n; i++) if (w[i] == "main") { print w[2]; exit }
        }' "$1"
}

# _dc_debian_mirror: print the URI of the main Debian archive from the
# system's apt sources (debian.sources, other .sources, then sources.list and
# .list files). Nothing is hard-coded: the mirror is whatever apt uses.
_dc_debian_mirror() {
    local f uri
    for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        uri=$(_dc_mirror_deb822 "$f")
        if [ -n "$uri" ]; then printf '%s\n' "$uri"; return 0; fi
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        uri=$(_dc_mirror_oneline "$f")
        if [ -n "$uri" ]; then printf '%s\n' "$uri"; return 0; fi
    done
    return 1
}

# _dc_fetch_sid DIR: download sid's docker.io and containerd with a private,
# throw-away apt configuration (the system's apt lists, cache and sources are
# not touched), extract them and build DIR (staged, then moved into place).
_dc_fetch_sid() {
    local dir=$1 uri work stage rc=0 v deb
    local -a apt_opts
    uri=$(_dc_debian_mirror) || {
        echo "engine sid unavailable: no Debian archive URI found in the apt sources" >&2
        return 1
    }
    _dc_apt_install debian-archive-keyring || {
        echo "engine sid unavailable: debian-archive-keyring not installable" >&2
        return 1
    }
    work=$(mktemp -d /tmp/dc-sid.XXXXXX) || return 1
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
    cat >"$work/sid.sources" <<EOF
Types: deb
URIs: $uri
Suites: sid
Components: main
Signed-By: $_DC_KEYRING
EOF
    apt_opts=(
        -o "Dir::Etc::sourcelist=$work/sid.sources"
        -o "Dir::Etc::sourceparts=-"
        -o "Dir::Etc::preferences=/dev/null"
        -o "Dir::Etc::preferencesparts=-"
        -o "Dir::State::Lists=$work/lists"
        -o "Dir::Cache=$work/cache"
        -o "APT::Sandbox::User=root"
    )
    _dc_log "engine sid: downloading docker.io and containerd from sid"
    # a snapshot mirror's sid index may be past its Valid-Until date: not
    # checked for this one index (its signature still is)
    if ! apt-get "${apt_opts[@]}" -o Acquire::Check-Valid-Until=false \
            -q --error-on=any update >"$work/apt.log" 2>&1; then
        echo "engine sid unavailable: apt-get update of sid failed: $(grep -E '^(E|W):' "$work/apt.log" | head -n 1)" >&2
        rm -rf "$work"
        return 1
    fi
    if ! (cd "$work/debs" && apt-get "${apt_opts[@]}" -q download docker.io/sid containerd/sid) >>"$work/apt.log" 2>&1; then
        echo "engine sid unavailable: sid's docker.io/containerd could not be downloaded: $(grep -E '^E:' "$work/apt.log" | head -n 1)" >&2
        rm -rf "$work"
        return 1
    fi
    stage=$(mktemp -d "$DC_ENGINE_CACHE/.sid.XXXXXX") || { rm -rf "$work"; return 1; }
    for deb in "$work"/debs/*.deb; do
        dpkg -x "$deb" "$stage/root" || rc=1
        basename "$deb" >>"$stage/DEBS"
    done
    rm -rf "$work"
    if [ "$rc" -ne 0 ] || ! _dc_enginesid_links "$stage"; then
        echo "engine sid unavailable: could not extract sid's packages into $stage" >&2
        rm -rf "$stage"
        return 1
    fi
    v=$(_dc_dockerd_version "$stage/bin/dockerd")
    if ! _dc_enginesid_ok "$stage"; then
        echo "engine sid unavailable: sid provides dockerd '${v:-?}' ($(tr '\n' ' ' <"$stage/DEBS" 2>/dev/null)), no usable dockerd" >&2
        rm -rf "$stage"
        return 1
    fi
    rm -rf "$dir"
    mv "$stage" "$dir"
    _dc_log "engine sid: dockerd $v cached in $dir"
}

# _dc_enginesid_links DIR: DIR/bin = the binaries the sid daemons run with.
# sid's dockerd, containerd and shim; runc stays bookworm's /usr/sbin/runc.
_dc_enginesid_links() {
    local b=$1/bin
    mkdir -p "$b" || return 1
    ln -s ../root/usr/sbin/dockerd "$b/dockerd" &&
        ln -s ../root/usr/sbin/docker-proxy "$b/docker-proxy" &&
        ln -s ../root/usr/bin/containerd "$b/containerd" &&
        ln -s ../root/usr/bin/containerd-shim-runc-v2 "$b/containerd-shim-runc-v2" &&
        ln -s ../root/usr/bin/ctr "$b/ctr" &&
        ln -s /usr/sbin/runc "$b/runc" || return 1
    # sid's docker-init points at a tini-static that is not extracted: use the
    # system's (bookworm docker.io -> tini) when present.
    rm -f "$1/root/usr/bin/docker-init"
    if [ -e /usr/bin/docker-init ]; then
        ln -s /usr/bin/docker-init "$b/docker-init"
    fi
    return 0
}

# ---------------------------------------------------------------- processes

# _dc_alive PID: rc 0 if PID exists and is not a zombie.
_dc_alive() {
    local stat
    [ -n "$1" ] && read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# _dc_owned PID: rc 0 if PID's command line mentions our DC_TMP (so we never
# signal a recycled pid or someone else's process).
_dc_owned() {
    [ -n "${DC_TMP:-}" ] && grep -qaF -- "$DC_TMP/" "/proc/$1/cmdline" 2>/dev/null
}

# _dc_wait_gone TIMEOUT_S PID...: wait until none of the pids is alive.
_dc_wait_gone() {
    local ticks=$(($1 * 10)) p left
    shift
    while :; do
        left=0
        for p in "$@"; do _dc_alive "$p" && left=1; done
        [ "$left" -eq 0 ] && return 0
        [ "$ticks" -le 0 ] && return 1
        ticks=$((ticks - 1))
        sleep 0.1
    done
}

# _dc_stop_pidfile FILE TIMEOUT_S: TERM the process named in FILE, KILL it if
# it is still there after TIMEOUT_S, remove FILE.
_dc_stop_pidfile() {
    local pid
    [ -f "$1" ] || return 0
    read -r pid <"$1" || pid=
    if [ -n "$pid" ] && _dc_alive "$pid" && _dc_owned "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        if ! _dc_wait_gone "$2" "$pid"; then
            _dc_log "pid $pid ignored SIGTERM for $2 s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            _dc_wait_gone 5 "$pid" || true
        fi
    fi
    rm -f "$1"
    return 0
}

# _dc_children_map: fill _DC_PPID[pid]=ppid for all processes.
_dc_children_map() {
    local f stat pid
    _DC_PPID=()
    for f in /proc/[0-9]*/stat; do
        read -r stat 2>/dev/null <"$f" || continue
        pid=${f#/proc/}
        pid=${pid%/stat}
        stat=${stat##*) }   # "S PPID ..."
        stat=${stat#* }
        _DC_PPID[pid]=${stat%% *}
    done
}

# _dc_leftover_pids: pids of anything still belonging to this daemon: every
# daemon process (dockerd, containerd, shims, runc, docker-proxy) whose
# command line mentions DC_TMP (shims carry -address $DC_TMP/...), all their
# descendants (container processes) and everything in the daemon's cgroup
# parent. Never our shell, and never a client of the daemon (a program
# under test names DC_TMP's socket on its command line too).
_dc_leftover_pids() {
    local -A seen=()
    local -a queue=()
    local f pid p changed cg
    local -a _DC_PPID
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}
        pid=${pid%/cmdline}
        case $(cat "/proc/$pid/comm" 2>/dev/null) in
        dockerd|containerd|containerd-shim*|runc|docker-proxy|podman|conmon) ;;
        *) continue ;;
        esac
        grep -qaF -- "$DC_TMP/" "$f" 2>/dev/null && queue+=("$pid")
    done
    for cg in /sys/fs/cgroup/"${DC_TMP##*/}" /sys/fs/cgroup/*/"${DC_TMP##*/}"; do
        [ -d "$cg" ] || continue
        while read -r p; do queue+=("$p"); done < <(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)
    done
    for p in "${queue[@]}"; do seen[$p]=1; done
    _dc_children_map
    changed=1
    while [ "$changed" -eq 1 ]; do
        changed=0
        for pid in "${!_DC_PPID[@]}"; do
            if [ -z "${seen[$pid]:-}" ] && [ -n "${seen[${_DC_PPID[$pid]}]:-}" ]; then
                seen[$pid]=1
                changed=1
            fi
        done
    done
    # never ourselves or our ancestors
    p=$BASHPID
    while [ -n "$p" ] && [ "$p" != 0 ]; do
        unset "seen[$p]"
        p=${_DC_PPID[$p]:-}
    done
    unset "seen[$$]"
    for pid in "${!seen[@]}"; do
        _dc_alive "$pid" && printf '%s\n' "$pid"
    done
    return 0
}

# _dc_kill_leftovers: SIGKILL whatever _dc_leftover_pids finds, wait for it.
_dc_kill_leftovers() {
    local -a pids=()
    local p
    while read -r p; do pids+=("$p"); done < <(_dc_leftover_pids)
    [ ${#pids[@]} -eq 0 ] && return 0
    kill -KILL "${pids[@]}" 2>/dev/null || true
    _dc_wait_gone 5 "${pids[@]}" || _dc_log "still alive after SIGKILL: ${pids[*]}"
    return 0
}

# _dc_shim_sockets_cleanup: remove the sockets of dead shims that containerd
# keeps outside DC_TMP (/run/containerd/s/<hash>), listed in the bundles'
# `address` files.
_dc_shim_sockets_cleanup() {
    local f a
    for f in "$DC_TMP"/exec/containerd/daemon/io.containerd.runtime.v2.task/*/*/address; do
        [ -f "$f" ] || continue
        read -r a <"$f" || continue
        a=${a#unix://}
        case $a in /run/containerd/s/*) rm -f "$a" || true ;; esac
    done
    return 0
}

# _dc_cgroups_cleanup: remove the (now empty) cgroup parent of this daemon.
_dc_cgroups_cleanup() {
    local cg
    for cg in /sys/fs/cgroup/"${DC_TMP##*/}" /sys/fs/cgroup/*/"${DC_TMP##*/}"; do
        if [ -d "$cg" ]; then
            find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
        fi
    done
    return 0
}

# _dc_unmount_all DIR: unmount everything mounted at or below DIR, deepest
# first (container shm, netns and rootfs mounts after a crash); lazy unmount
# as the last resort.
_dc_unmount_all() {
    local dir=$1 m try
    local -a mps
    for try in 1 2 3; do
        mapfile -t mps < <(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r)
        [ ${#mps[@]} -eq 0 ] && return 0
        for m in "${mps[@]}"; do
            umount "$m" 2>/dev/null || { [ "$try" -gt 1 ] && umount -l "$m" 2>/dev/null; }
        done
    done
    awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { f = 1 } END { exit f }' /proc/mounts
}

# ---------------------------------------------------------------- daemons

# _dc_write_configs: empty daemon.json (so /etc/docker/daemon.json is never
# read) and a containerd config that keeps every path, socket and plugin
# state inside DC_TMP. Plugins that would use global paths (CRI, NRI's
# /var/run/nri socket) are disabled; unknown names are ignored by 1.6.
_dc_write_configs() {
    _dc_engine_env "$DC_ENGINE" || return 1
    if engine_is_podman; then
        _dc_podman_configs
        return
    fi
    if [ "$_DC_STORE" = containerd ]; then
        printf '{"features":{"containerd-snapshotter":true}}\n' >"$DC_TMP/daemon.json"
    else
        printf '{}\n' >"$DC_TMP/daemon.json"
    fi
    cat >"$DC_TMP/containerd.toml" <<EOF
version = 2
root = "$DC_TMP/data/containerd"
state = "$DC_TMP/exec/containerd/daemon"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.nri.v1.nri", "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime"]

[grpc]
  address = "$DC_TMP/exec/containerd/containerd.sock"

[debug]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$DC_TMP/data/containerd/opt"
EOF
}

# _dc_spawn NAME CMD...: start CMD detached (double fork: reparented to init,
# so the shell never reports its death), with a clean environment and the
# engine's PATH; pid in $DC_TMP/NAME.pid, output appended to $DC_TMP/NAME.log.
_dc_spawn() {
    local name=$1
    shift
    (
        env -i PATH="$_DC_PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 \
            TMPDIR="$DC_TMP/tmp" "$@" </dev/null >>"$DC_TMP/$name.log" 2>&1 &
        echo $! >"$DC_TMP/$name.pid"
    )
}

# _dc_ping: rc 0 if dockerd answers /_ping with OK.
_dc_ping() {
    [ "$(curl -s --max-time 2 --unix-socket "$DC_SOCK" http://localhost/_ping 2>/dev/null)" = OK ]
}

# _dc_daemons_up: start containerd, then dockerd, wait until /_ping is OK.
_dc_daemons_up() {
    local deadline=$((SECONDS + 60)) pid driver=vfs
    _dc_engine_env "$DC_ENGINE" || return 1
    engine_is_podman && { _dc_podman_up; return; }
    # vfs is not a containerd snapshotter; native is its equivalent
    [ "$_DC_STORE" = containerd ] && driver=native
    mkdir -p "$DC_TMP/data" "$DC_TMP/exec/containerd" "$DC_TMP/tmp"
    _dc_spawn containerd "$_DC_CONTAINERD" --config "$DC_TMP/containerd.toml"
    while [ ! -S "$DC_TMP/exec/containerd/containerd.sock" ]; do
        read -r pid <"$DC_TMP/containerd.pid"
        if ! _dc_alive "$pid" || [ "$SECONDS" -ge "$deadline" ]; then
            _dc_err dockerd_start "containerd did not come up"
            return 1
        fi
        sleep 0.1
    done
    # --containerd: our own containerd (never the system's
    # /run/containerd/containerd.sock, which dockerd would otherwise pick up
    # if it exists); --config-file: never /etc/docker/daemon.json;
    # --cgroup-parent: containers go below a cgroup named after DC_TMP, so a
    # crash cleanup can find them; cgroupfs: no systemd involvement.
    _dc_spawn dockerd "$_DC_DOCKERD" \
        --config-file "$DC_TMP/daemon.json" \
        --data-root "$DC_TMP/data" \
        --exec-root "$DC_TMP/exec" \
        -H "unix://$DC_SOCK" \
        --pidfile "$DC_TMP/docker.pid" \
        --containerd "$DC_TMP/exec/containerd/containerd.sock" \
        --storage-driver "$driver" \
        --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
        --bridge=none --userland-proxy=false \
        --exec-opt native.cgroupdriver=cgroupfs \
        --cgroup-parent "/${DC_TMP##*/}" \
        ${DC_DOCKERD_EXTRA:-}
    read -r pid <"$DC_TMP/dockerd.pid"
    _dc_wait_ping dockerd "$pid" "$deadline"
}

# _dc_wait_ping WHAT PID DEADLINE: wait until /_ping is OK, while PID (the
# daemon WHAT) lives and until SECONDS reaches DEADLINE
_dc_wait_ping() {
    until _dc_ping; do
        if ! _dc_alive "$2"; then
            _dc_err dockerd_start "$1 ($DC_ENGINE) exited during start-up"
            return 1
        fi
        if [ "$SECONDS" -ge "$3" ]; then
            _dc_err dockerd_start "$1 ($DC_ENGINE) did not answer /_ping within 60 s"
            return 1
        fi
        sleep 0.2
    done
    return 0
}

# _dc_kill_containers: SIGKILL every running container through the API, so a
# final stop need not wait 10 s for containers whose PID 1 ignores SIGTERM.
# (Not used by dockerd_restart, which stops containers the way dockerd does.)
_dc_kill_containers() {
    local id
    [ -S "${DC_SOCK:-}" ] || return 0
    for id in $(curl -s --max-time 5 --unix-socket "$DC_SOCK" \
                    http://localhost/containers/json 2>/dev/null |
                grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
        curl -s --max-time 5 -X POST --unix-socket "$DC_SOCK" \
            "http://localhost/containers/$id/kill" >/dev/null 2>&1 || true
    done
    return 0
}

# _dc_daemons_down: dockerd (TERM, 15 s, KILL), then containerd (TERM, 10 s,
# KILL), then any shim or container process still around.
_dc_daemons_down() {
    engine_is_podman && { _dc_podman_down; return; }
    _dc_stop_pidfile "$DC_TMP/dockerd.pid" 15
    _dc_stop_pidfile "$DC_TMP/containerd.pid" 10
    _dc_kill_leftovers
    _dc_shim_sockets_cleanup
}

# _dc_show_logs: tail of both daemon logs on stderr (after a failed start).
_dc_show_logs() {
    local n
    for n in containerd dockerd podman; do
        [ -s "$DC_TMP/$n.log" ] || continue
        printf '# --- last lines of %s.log\n' "$n" >&2
        tail -n 25 "$DC_TMP/$n.log" | sed 's/^/#   /' >&2
    done
}

# _dc_trap_cmd SIG: the command of the trap currently set for SIG, if any.
_dc_trap_cmd() {
    local line
    line=$(trap -p "$1")
    [ -n "$line" ] || return 0
    eval "set -- $line"     # trap -- 'CMD' SIG
    printf '%s' "$3"
}

# _dc_install_trap: once per shell, make EXIT/INT/TERM run dc_cleanup and then
# the trap that was there before.
_dc_install_trap() {
    local prev_exit prev_int prev_term
    [ -n "${_DC_TRAP_SET:-}" ] && return 0
    _DC_TRAP_SET=1
    prev_exit=$(_dc_trap_cmd EXIT)
    prev_int=$(_dc_trap_cmd INT)
    prev_term=$(_dc_trap_cmd TERM)
    # shellcheck disable=SC2064  # expand the previous traps now
    trap "dc_cleanup${prev_exit:+; $prev_exit}" EXIT
    # shellcheck disable=SC2064
    trap "dc_cleanup${prev_int:+; $prev_int}; exit 130" INT
    # shellcheck disable=SC2064
    trap "dc_cleanup${prev_term:+; $prev_term}; exit 143" TERM
}

dc_cleanup() {
    dockerd_stop
}

dockerd_start() {
    local engine=${1:-}
    if [ -n "${DC_TMP:-}" ]; then
        _dc_err dockerd_start "a private daemon is already running in $DC_TMP (dockerd_stop first)"
        return 1
    fi
    engine_prepare "$engine" || return 1
    _dc_install_trap
    DC_TMP=$(mktemp -d /tmp/dcXXXXXX) || return 1
    DC_SOCK=$DC_TMP/docker.sock
    DC_ENGINE=$engine
    DOCKER_HOST=unix://$DC_SOCK
    export DC_TMP DC_SOCK DC_ENGINE DOCKER_HOST
    if [ -n "${DC_DATA_TMPFS:-}" ]; then
        mkdir -p "$DC_TMP/data" &&
            mount -t tmpfs -o "size=$DC_DATA_TMPFS" tmpfs "$DC_TMP/data" || {
            _dc_err dockerd_start "cannot mount a tmpfs of $DC_DATA_TMPFS on $DC_TMP/data"
            dockerd_stop
            return 1
        }
    fi
    _dc_write_configs
    if ! _dc_daemons_up; then
        _dc_show_logs
        dockerd_stop
        return 1
    fi
    return 0
}

# dockerd_down / dockerd_up: the two halves of dockerd_restart, for tests
# that keep the daemon away for a while.
dockerd_down() {
    [ -n "${DC_TMP:-}" ] || { _dc_err dockerd_down "no private daemon"; return 1; }
    _dc_daemons_down
}

dockerd_up() {
    [ -n "${DC_TMP:-}" ] || { _dc_err dockerd_up "no private daemon"; return 1; }
    _dc_daemons_up || { _dc_show_logs; return 1; }
}

dockerd_restart() {
    if [ -z "${DC_TMP:-}" ]; then
        _dc_err dockerd_restart "no private daemon running"
        return 1
    fi
    _dc_daemons_down
    if ! _dc_daemons_up; then
        _dc_show_logs
        return 1
    fi
    return 0
}

# _dc_save_logs: copy the daemon logs to $DC_LOG_DIR, if set.
_dc_save_logs() {
    local n
    [ -n "${DC_LOG_DIR:-}" ] || return 0
    mkdir -p "$DC_LOG_DIR" || return 0
    for n in containerd dockerd podman; do
        [ -f "$DC_TMP/$n.log" ] &&
            cp "$DC_TMP/$n.log" "$DC_LOG_DIR/${DC_ENGINE:-x}-${DC_TMP##*/}-$n.log"
    done
    return 0
}

dockerd_stop() {
    local tmp=${DC_TMP:-} rc=0
    [ -n "$tmp" ] || return 0
    case $tmp in
    /tmp/dc?*) ;;
    *)
        _dc_err dockerd_stop "refusing to clean up unexpected DC_TMP '$tmp'"
        return 1
        ;;
    esac
    _dc_kill_containers
    _dc_daemons_down
    _dc_cgroups_cleanup
    _dc_save_logs
    _dc_unmount_all "$tmp" || { _dc_err dockerd_stop "mounts left under $tmp"; rc=1; }
    rm -rf --one-file-system "$tmp" 2>/dev/null || true
    if [ -e "$tmp" ]; then
        _dc_err dockerd_stop "could not remove $tmp"
        rc=1
    fi
    unset DC_TMP DC_SOCK DC_ENGINE DOCKER_HOST
    return "$rc"
}

# ---------------------------------------------------------------- podman

# _dc_prepare_podman ENGINE: Debian's podman (4.3 on Debian 12) and, for the
# journald variant, systemd-journald.
_dc_prepare_podman() {
    local -a pk=(podman)
    _dc_prepare_base || return 1
    [ "$1" = podman-journald ] && pk+=(systemd)
    _dc_apt_install "${pk[@]}" || {
        echo "engine $1 unavailable: ${pk[*]} could not be installed" >&2
        return 1
    }
    if ! podman --version >/dev/null 2>&1; then
        echo "engine $1 unavailable: podman --version fails" >&2
        return 1
    fi
    if [ "$1" = podman-journald ] && [ ! -x /lib/systemd/systemd-journald ]; then
        echo "engine $1 unavailable: no /lib/systemd/systemd-journald" >&2
        return 1
    fi
}

# _dc_podman_configs: storage.conf and containers.conf keeping every path in
# DC_TMP; the ulimits are the machine's hard limits (Podman's default
# 1048576 needs CAP_SYS_RESOURCE; nproc also at most pid_max); no network, cgroupfs, file locks, runc;
# events in journald or in DC_TMP/events.log. And podman-ns.sh, what runs
# in the service's private mount namespace before the service itself.
_dc_podman_configs() {
    local logger=file
    [ "$DC_ENGINE" = podman-journald ] && logger=journald
    # the service's own nproc limit, where Podman puts it: at most pid_max
    local np pm
    np=$(ulimit -Hu)
    read -r pm </proc/sys/kernel/pid_max
    [ "$np" = unlimited ] || [ "$np" -gt "$pm" ] && np=$pm
    mkdir -p "$DC_TMP/root" "$DC_TMP/run" "$DC_TMP/tmp" "$DC_TMP/net"
    cat >"$DC_TMP/storage.conf" <<EOT
[storage]
driver = "vfs"
runroot = "$DC_TMP/run"
graphroot = "$DC_TMP/root"
EOT
    cat >"$DC_TMP/containers.conf" <<EOT
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$np:$np"]
netns = "none"

[network]
network_config_dir = "$DC_TMP/net"

[engine]
tmp_dir = "$DC_TMP/tmp"
cgroup_manager = "cgroupfs"
lock_type = "file"
runtime = "runc"
events_logger = "$logger"
events_logfile_path = "$DC_TMP/events.log"
EOT
    # journald: as on a systemd host, with /run (and the persistent
    # journal) private to the namespace; its pid in DC_TMP/journald.pid
    cat >"$DC_TMP/podman-ns.sh" <<EOT
set -e
if [ "$logger" = journald ]; then
    mount -t tmpfs tmpfs /run
    [ ! -d /var/log/journal ] || mount -t tmpfs tmpfs /var/log/journal
    /lib/systemd/systemd-journald </dev/null >>"$DC_TMP/journald.log" 2>&1 &
    echo \$! >"$DC_TMP/journald.pid"
    for i in \$(seq 100); do
        [ -S /run/systemd/journal/socket ] && break
        sleep 0.1
    done
    [ -S /run/systemd/journal/socket ] || { echo "journald did not start"; exit 1; }
fi
exec "\$@"
EOT
}

# _dc_podman_up: `podman system service` on DC_SOCK, in a private mount
# namespace (its mounts, and journald's /run, stay there); waits for /_ping
_dc_podman_up() {
    local deadline=$((SECONDS + 60)) pid
    : >"$DC_TMP/events.log"
    _dc_spawn podman unshare -m --propagation private \
        bash "$DC_TMP/podman-ns.sh" \
        env CONTAINERS_CONF="$DC_TMP/containers.conf" \
        CONTAINERS_STORAGE_CONF="$DC_TMP/storage.conf" \
        podman --root "$DC_TMP/root" --runroot "$DC_TMP/run" \
        --storage-driver vfs system service --time=0 "unix://$DC_SOCK"
    read -r pid <"$DC_TMP/podman.pid"
    _dc_wait_ping podman "$pid" "$deadline"
}

# _dc_podman_down: remove the containers (inside the service's namespace),
# stop the service, its journald and any conmon left.
_dc_podman_down() {
    local pid f c
    if [ -f "$DC_TMP/podman.pid" ]; then
        read -r pid <"$DC_TMP/podman.pid" || pid=
        if [ -n "$pid" ] && _dc_alive "$pid" && _dc_owned "$pid"; then
            PATH=$_DC_SYS_PATH nsenter -t "$pid" -m env \
                CONTAINERS_CONF="$DC_TMP/containers.conf" \
                CONTAINERS_STORAGE_CONF="$DC_TMP/storage.conf" \
                podman --root "$DC_TMP/root" --runroot "$DC_TMP/run" \
                --storage-driver vfs rm -f -a -t 0 >/dev/null 2>&1 || true
        fi
    fi
    _dc_stop_pidfile "$DC_TMP/podman.pid" 10
    if [ -f "$DC_TMP/journald.pid" ]; then
        read -r pid <"$DC_TMP/journald.pid" || pid=
        if [ -n "$pid" ] && _dc_alive "$pid" &&
                [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd-journal ]; then
            kill -TERM "$pid" 2>/dev/null || true
            _dc_wait_gone 5 "$pid" || kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$DC_TMP/journald.pid"
    fi
    for f in "$DC_TMP"/run/*-containers/*/userdata/conmon.pid; do
        [ -f "$f" ] || continue
        read -r c <"$f" || continue
        if [ -n "$c" ] && _dc_alive "$c" &&
                [ "$(cat "/proc/$c/comm" 2>/dev/null)" = conmon ]; then
            kill -KILL "$c" 2>/dev/null || true
        fi
    done
    _dc_kill_leftovers
}

# ---------------------------------------------------------------- docker

# _dc_need_daemon FUNC: rc 1 with a message if no private daemon is running.
_dc_need_daemon() {
    if [ -z "${DC_SOCK:-}" ]; then
        _dc_err "$1" "no private daemon (call dockerd_start first)"
        return 1
    fi
}

# dk ARGS...: the docker CLI on the private socket, with its own (empty)
# client config so ~/.docker (contexts, credential helpers) plays no part.
dk() {
    _dc_need_daemon dk || return 1
    DOCKER_CONFIG=$DC_TMP/cli "$DC_DOCKER_CLI" -H "unix://$DC_SOCK" "$@"
}

api_get() {
    _dc_need_daemon api_get || return 1
    curl -sS -g --fail-with-body --unix-socket "$DC_SOCK" "http://localhost$1"
}

# _dc_base_rootfs: $DC_TMP/rootfs/bin = static busybox + sh/true/sleep/echo
# links, built once per daemon and shared by every make_image.
_dc_base_rootfs() {
    local r=$DC_TMP/rootfs l
    [ -x "$r/bin/busybox" ] && return 0
    mkdir -p "$r/bin" && cp /bin/busybox "$r/bin/busybox" || return 1
    for l in sh true sleep echo; do
        ln -sf busybox "$r/bin/$l" || return 1
    done
}

make_image() {
    local ref=${1:-} kb=${2:-1} pad id rc=0
    local -
    set -o pipefail
    _dc_need_daemon make_image || return 1
    if [ -z "$ref" ] || ! [[ $kb =~ ^[0-9]+$ ]]; then
        _dc_err make_image "usage: make_image REF [SIZE_KB]"
        return 2
    fi
    _dc_base_rootfs || return 1
    pad=$(mktemp -d "$DC_TMP/pad.XXXXXX") || return 1
    head -c $((kb * 1024)) /dev/urandom >"$pad/pad"
    id=$(tar --numeric-owner --owner=0 --group=0 -cf - \
        -C "$DC_TMP/rootfs" bin -C "$pad" pad |
        dk import ${MAKE_IMAGE_CHANGE:+-c "$MAKE_IMAGE_CHANGE"} - "$ref") ||
        rc=$?
    rm -rf "$pad"
    # Podman's import says "sha256:ID: sha256:ID"
    id=${id##* }
    [ "$rc" -eq 0 ] && [ -n "$id" ] || return 1
    printf '%s\n' "$id"
}

# image_size KB: the Size (bytes) the API reports for `make_image REF KB`
# (vfs counts file bytes: busybox + pad; the symlinks count 0).
image_size() {
    echo $(($(stat -c %s /bin/busybox) + ${1:-1} * 1024))
}

image_exists() {
    dk image inspect --format '{{.Id}}' "${1:-}" >/dev/null 2>&1
}

image_ids() {
    local -
    set -o pipefail
    dk image ls -a -q --no-trunc | sort -u
}

# The default command idles as PID 1 but exits on SIGTERM (a bare `sleep` as
# PID 1 ignores it, so stopping it, or the daemon, would take 10 s).
run_ctr() {
    local img=${1:-}
    shift || true
    if [ $# -eq 0 ]; then
        set -- /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done'
    fi
    dk run -d --network none "$img" "$@"
}

create_ctr() {
    dk create --network none "${1:-}" /bin/true
}
