#!/usr/bin/env bash
# The distribution files (src/dist/): make install/uninstall in a DESTDIR,
# the man page (mandoc -Tlint, every option of --help), both systemd units
# (systemd-analyze verify, the directives the README promises), make deb
# (dpkg-deb -c/-I, lintian without errors or warnings) and the fleet
# examples (YAML and JSON parsers). No daemon. Installs mandoc, systemd,
# man-db, lintian and python3-yaml when missing (lib.sh's _dc_apt_install).
# usage: test_dist.sh   (ends with "N passed, N failed")
set -u
. "$(dirname "$0")/../integration/lib.sh"

ROOT=$DC_REPO_ROOT
D=$(mktemp -d /tmp/dcdist.XXXXXX)
trap 'rm -rf "$D"' EXIT INT TERM
# the plain program, whatever make called this (make check SANITIZE=1
# passes SANITIZE=1 down through MAKEFLAGS)
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s --no-print-directory -C "$ROOT" SANITIZE=0 "$@"
}
UNITS="docker-cleaner.service docker-cleaner@.service"

_dc_apt_install mandoc systemd man-db lintian python3-yaml ||
    { t_fail "dist: tools" "cannot install them"; t_summary; exit 1; }

# files below $1, one a line, relative, sorted (directories left out)
files() { (cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort); }

# --- make install / uninstall -------------------------------------------
s_install() {
	local want got
	mk install DESTDIR="$D/root" > "$D/install.log" 2>&1 ||
	    { t_fail "install" "$(tail -n 3 "$D/install.log")"; return; }
	want="etc/docker-cleaner/docker-cleaner.json
usr/local/bin/docker-cleaner
usr/local/lib/systemd/system/docker-cleaner.service
usr/local/lib/systemd/system/docker-cleaner@.service
usr/local/share/man/man8/docker-cleaner.8"
	got=$(files "$D/root")
	t_eq "install: the files (PREFIX=/usr/local)" "$want" "$got"
	t_check "install: units name the installed program" \
	    grep -q "^ExecStart=/usr/local/bin/docker-cleaner --config /etc/docker-cleaner/" \
	    "$D/root/usr/local/lib/systemd/system/docker-cleaner.service"
	t_check "install: no placeholder left" \
	    bash -c '! grep -rIq "@[A-Z][A-Z]*@" "$0"' "$D/root"
	# an existing config is the administrator's: kept by both
	echo '{"Quota": "5G"}' > "$D/root/etc/docker-cleaner/docker-cleaner.json"
	mk install DESTDIR="$D/root" > /dev/null 2>&1
	t_eq "install: an existing config is kept" '{"Quota": "5G"}' \
	    "$(cat "$D/root/etc/docker-cleaner/docker-cleaner.json")"
	mk uninstall DESTDIR="$D/root" > /dev/null 2>&1
	t_eq "uninstall: a changed config is kept" \
	    "etc/docker-cleaner/docker-cleaner.json" "$(files "$D/root")"
	rm -rf "$D/root"
	mk install DESTDIR="$D/root" PREFIX=/opt/dc > /dev/null 2>&1
	t_check "install: PREFIX=/opt/dc" test -x "$D/root/opt/dc/bin/docker-cleaner"
	mk uninstall DESTDIR="$D/root" PREFIX=/opt/dc > /dev/null 2>&1
	t_eq "uninstall: no file left" "" "$(files "$D/root")"
	t_check "uninstall: its config folder gone" \
	    test ! -e "$D/root/etc/docker-cleaner"
}

# --- the man page -----------------------------------------------------------
s_man() {
	local man=$ROOT/src/dist/docker-cleaner.8 out f syn missing=""
	# (mandoc.db notes are about this machine's database, not the page)
	out=$(mandoc -Tlint "$man" 2>&1 | grep -v 'mandoc\.db')
	t_eq "man: mandoc -Tlint clean" "" "$out"
	# every option of --help is in the synopsis and described, and the
	# reverse
	syn=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$man")
	for f in $("$ROOT/docker-cleaner" --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q "^\.It Fl .*${f#-}\b" "$man" || missing="$missing $f"
		grep -q " ${f#-}\b" <<< "$syn" || missing="$missing $f(synopsis)"
	done
	t_eq "man: every option of --help" "" "$missing"
	# the usage line (up to the first empty line) names every option
	missing=""
	for f in $("$ROOT/docker-cleaner" --help | grep -o -- '--[a-z-]*' | sort -u); do
		"$ROOT/docker-cleaner" --help | sed '/^$/q' | grep -q -- "$f\b" ||
		    missing="$missing $f"
	done
	t_eq "--help: the usage line is complete" "" "$missing"
	missing=""
	for f in $(sed -n 's/^\.It Fl \(-[a-z-]*\).*/-\1/p' "$man" | sort -u); do
		"$ROOT/docker-cleaner" --help | grep -q -- "$f" || missing="$missing $f"
	done
	t_eq "man: every option it documents is in --help" "" "$missing"
	missing=""
	for f in Quota RemoveStoppedContainers Verbose StateFile ResyncInterval \
	    Host TLSVerify TLSCACert TLSCert TLSKey KeepImages KeepLabels MinAge \
	    Accounting MinFree; do
		grep -q "^\.It .*\b$f\b" "$man" || missing="$missing $f"
		"$ROOT/docker-cleaner" --help | grep -q "$f" ||
		    missing="$missing $f(--help)"
	done
	t_eq "man: every config key" "" "$missing"
	missing=""
	for f in DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH \
	    DOCKER_API_VERSION SIGTERM SIGINT SIGHUP SIGPIPE; do
		grep -q "^\.It .*\b$f\b" "$man" || missing="$missing $f"
	done
	t_eq "man: environment and signals" "" "$missing"
	# (exit status 3 and DOCKER_CLEANER_HIGHWATER belong to the test
	# build of tests/integration/hiwater.mk, not to the program)
	t_eq "man: exit statuses 0 1 2" "0 1 2" \
	    "$(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh/s/^\.It \([0-9]\)$/\1/p' "$man" | tr '\n' ' ' | sed 's/ $//')"
	t_check "man: no test-build variable" \
	    sh -c '! grep -q DOCKER_CLEANER_HIGHWATER "$1"' sh "$man"
	t_check "man: examples" grep -q "^\.Sh EXAMPLES" "$man"
}

# --- the systemd units ------------------------------------------------------
# verify: against an install whose paths are real (ExecStart must exist),
# with the man page found through MANPATH (Documentation=); any message fails
s_units() {
	local u v=$D/v out d
	mk install PREFIX="$v/usr" SYSCONFDIR="$v/etc" > /dev/null 2>&1 ||
	    { t_fail "units: install for verify"; return; }
	for u in $UNITS; do
		out=$(cd "$v" && MANPATH=$v/usr/share/man \
		    systemd-analyze verify "$v/usr/lib/systemd/system/$u" 2>&1)
		t_eq "units: systemd-analyze verify $u" "0:" "$?:$out"
	done
	for u in $UNITS; do
		for d in Restart=always RestartPreventExitStatus=2 \
		    StateDirectory=docker-cleaner ProtectSystem=strict \
		    NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes; do
			t_check "units: $u has $d" grep -qx "$d" "$ROOT/src/dist/$u"
		done
	done
	t_check "units: the service after docker.service" \
	    grep -qx After=docker.service "$ROOT/src/dist/docker-cleaner.service"
	t_check "units: the service wants docker.service" \
	    grep -qx Wants=docker.service "$ROOT/src/dist/docker-cleaner.service"
	t_check "units: the template reads NAME.json, keeps NAME.state" \
	    grep -q -- "--config @SYSCONFDIR@/docker-cleaner/%i.json --state-file %S/docker-cleaner/%i.state" \
	    "$ROOT/src/dist/docker-cleaner@.service"
}

# --- make deb ---------------------------------------------------------------
s_deb() {
	local deb list info lint
	deb=$(mk deb 2>"$D/deb.log" | tail -n 1)
	deb=$ROOT/${deb#"$ROOT"/}
	t_check "deb: make deb" test -f "$deb" ||
	    { tail -n 5 "$D/deb.log" | sed 's/^/#   /'; return; }
	list=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | LC_ALL=C sort | tr '\n' ' ')
	t_eq "deb: the files" "./etc/docker-cleaner/docker-cleaner.json ./lib/systemd/system/docker-cleaner.service ./lib/systemd/system/docker-cleaner@.service ./usr/bin/docker-cleaner ./usr/share/doc/docker-cleaner/changelog.gz ./usr/share/doc/docker-cleaner/copyright ./usr/share/lintian/overrides/docker-cleaner ./usr/share/man/man8/docker-cleaner.8.gz " "$list"
	info=$(dpkg-deb -I "$deb")
	t_check "deb: control names the package and version" \
	    grep -q "^ Package: docker-cleaner" <<< "$info"
	t_eq "deb: the config is a conffile" "/etc/docker-cleaner/docker-cleaner.json" \
	    "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)"
	t_check "deb: units name /usr/bin/docker-cleaner" \
	    bash -c 'dpkg-deb --fsys-tarfile "$0" | tar -xOf - ./lib/systemd/system/docker-cleaner.service | grep -q "^ExecStart=/usr/bin/docker-cleaner "' "$deb"
	lint=$(lintian "$deb" 2>&1 | grep -E '^[EW]: ')
	t_eq "deb: lintian, no error or warning" "" "$lint"
}

# --- fleet examples ---------------------------------------------------------
s_examples() {
	local ex=$ROOT/src/dist/examples
	t_check "examples: daemonset.yaml parses, a DaemonSet on the host's socket and state" \
	    python3 - "$ex/daemonset.yaml" <<'EOF'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
ds = [d for d in docs if d["kind"] == "DaemonSet"][0]
spec = ds["spec"]["template"]["spec"]
vols = {v["name"]: v for v in spec["volumes"]}
paths = {v["hostPath"]["path"]: v["hostPath"].get("type") for v in vols.values() if "hostPath" in v}
assert paths["/var/run/docker.sock"] == "Socket", paths
assert "/var/lib/docker-cleaner" in paths, paths
c = spec["containers"][0]
mounts = {m["mountPath"] for m in c["volumeMounts"]}
assert {"/var/run/docker.sock", "/var/lib/docker-cleaner"} <= mounts, mounts
assert c["resources"]["requests"]["memory"] and c["resources"]["limits"]["memory"]
EOF
	t_check "examples: nomad.json parses, a system job on the host's socket" \
	    python3 - "$ex/nomad.json" <<'EOF'
import json, sys
job = json.load(open(sys.argv[1]))["Job"]
assert job["Type"] == "system", job["Type"]
task = job["TaskGroups"][0]["Tasks"][0]
assert "/var/run/docker.sock:/var/run/docker.sock" in task["Config"]["volumes"]
assert task["Resources"]["MemoryMB"] > 0
EOF
	t_check "examples: the config file parses" \
	    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
	    "$ROOT/src/dist/docker-cleaner.json"
	# a bad config is exit 2; a good one goes on and finds no daemon: 1
	"$ROOT/docker-cleaner" --config "$ROOT/src/dist/docker-cleaner.json" \
	    --host unix://"$D"/none.sock --state-file "" --once --dry-run \
	    > /dev/null 2> "$D/cfg.log"
	t_eq "examples: the program accepts the config file (exit 1: no daemon)" \
	    1 "$?"
}

s_install
s_man
s_units
s_deb
s_examples
t_summary
