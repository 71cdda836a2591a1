#!/usr/bin/env bash
# Integration tests: a remote dockerd over TCP with mutual TLS, started
# with --tlsverify and certificates made here by openssl: an RSA 4096 set
# as in Docker's documentation, an EC P-256 set, and bad ones.
# usage: test_tls.sh ENGINE   (20.10, sid, ...: see lib.sh)
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cleaner.sh"

# the split-record proxy of s_split_records, stopped at exit too
PROXY_PID=
stop_proxy() {
	[ -n "$PROXY_PID" ] || return 0
	kill "$PROXY_PID" 2>/dev/null
	wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=
}
trap 'stop_proxy; stop_cleaner; dc_cleanup; rm -rf "$W"' EXIT INT TERM

# openssl makes the certificates; python3 picks free ports, serves the
# plain port and runs the proxy
_dc_apt_install openssl python3 ||
    { t_fail "tls setup" "openssl or python3 not installable"; t_summary; exit 1; }
C=$W/certs
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PLAIN=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# key NAME rsa|ec: a private key (RSA in PKCS#8, as OpenSSL 3 writes it)
key() {
	case $2 in
	rsa) openssl genrsa -out "$1" 4096 2>/dev/null ;;
	ec) openssl ecparam -name prime256v1 -genkey -noout -out "$1" ;;
	esac
}

# ca DIR rsa|ec: DIR/ca.pem, DIR/ca-key.pem
ca() {
	mkdir -p "$1"
	key "$1/ca-key.pem" "$2"
	openssl req -new -x509 -days 365 -key "$1/ca-key.pem" -sha256 \
	    -subj "/CN=test CA $(basename "$1")" -out "$1/ca.pem"
}

# cert CADIR OUT KEY EXT DAYS [SUBJECT]: a certificate for KEY signed by
# CADIR's CA
cert() {
	openssl req -new -key "$3" -subj "${6:-/CN=docker-cleaner-test}" -out "$2.csr"
	printf '%s\n' "$4" > "$2.ext"
	openssl x509 -req -in "$2.csr" -CA "$1/ca.pem" -CAkey "$1/ca-key.pem" \
	    -CAcreateserial -days "$5" -sha256 -extfile "$2.ext" -out "$2" 2>/dev/null
}

make_certs() {
	local t
	for t in rsa ec other; do
		if [ $t = other ]; then ca "$C/$t" ec; else ca "$C/$t" $t; fi
		key "$C/$t/server-key.pem" "${t/other/ec}"
		key "$C/$t/key.pem" "${t/other/ec}"
		cert "$C/$t" "$C/$t/server-cert.pem" "$C/$t/server-key.pem" \
		    "subjectAltName = DNS:localhost,IP:127.0.0.1
extendedKeyUsage = serverAuth" 365
		cert "$C/$t" "$C/$t/cert.pem" "$C/$t/key.pem" \
		    "extendedKeyUsage = clientAuth" 365
	done
	# the RSA server key, certified badly: expired; for another name
	cert "$C/rsa" "$C/rsa/expired-cert.pem" "$C/rsa/server-key.pem" \
	    "subjectAltName = DNS:localhost,IP:127.0.0.1" -1
	cert "$C/rsa" "$C/rsa/wrongname-cert.pem" "$C/rsa/server-key.pem" \
	    "subjectAltName = DNS:docker.example,IP:10.9.9.9" 365
	# made for clients only; the host in the Common Name only (no SAN)
	cert "$C/rsa" "$C/rsa/clientonly-cert.pem" "$C/rsa/server-key.pem" \
	    "subjectAltName = DNS:localhost,IP:127.0.0.1
extendedKeyUsage = clientAuth" 365
	cert "$C/rsa" "$C/rsa/cnonly-cert.pem" "$C/rsa/server-key.pem" \
	    "basicConstraints = CA:FALSE" 365 /CN=localhost
	# the RSA client key in PKCS#1 (traditional) form; a CA bundle of two
	openssl rsa -in "$C/rsa/key.pem" -traditional -out "$C/rsa/key-pkcs1.pem" 2>/dev/null
	cat "$C/other/ca.pem" "$C/rsa/ca.pem" > "$C/bundle.pem"
	# a folder with the CA only: no client certificate
	mkdir -p "$C/onlyca" && cp "$C/rsa/ca.pem" "$C/onlyca/"
	head -c 300 "$C/rsa/cert.pem" > "$C/truncated.pem"
	printf 'not a certificate\n' > "$C/garbage.pem"
}

# daemon_tls SET [SERVERCERT]: the private dockerd listening on PORT with TLS
daemon_tls() {
	DC_DOCKERD_EXTRA="--tlsverify --tlscacert $C/$1/ca.pem
	    --tlscert $C/$1/${2:-server-cert.pem} --tlskey $C/$1/server-key.pem
	    -H tcp://127.0.0.1:$PORT"
	export DC_DOCKERD_EXTRA
}

# tcl HOST ARGS: the cleaner over TCP to HOST:PORT
tcl() {
	local h=$1
	shift
	# shellcheck disable=SC2086
	env ${TCL_ENV:-} "$DC" --host "tcp://$h:$PORT" --config "$W/empty.json" --state-file "" "$@"
}
# the client files of set S as flags
files() { echo --tlscacert "$C/$1/ca.pem" --tlscert "$C/$1/cert.pem" --tlskey "$C/$1/key.pem"; }

# a refusal: exit 1, the reason in the log, the unused image still there
refused() {
	local name=$1 want=$2 rc
	shift 2
	tcl "$@" --once --quota 0 2> "$W/log"
	rc=$?
	t_eq "$name: exit 1" 1 "$rc"
	t_check "$name: says why" grep -q -- "$want" "$W/log"
	t_check "$name: one warning line for it" \
	    test "$(grep -c -- "$want" "$W/log")" -eq 1
	t_check "$name: nothing deleted" image_exists tls-unused:1
}

s_rsa() {
	local a b s
	reset_daemon
	a=$(make_image tls-a:1 50); b=$(make_image tls-b:1 50)
	use_image tls-b:1
	tcl localhost $(files rsa) --once --quota 0 -v 2> "$W/log"
	t_eq "rsa, localhost: exit 0" 0 $?
	t_check "rsa, localhost: least recently used deleted" gone "$a"
	t_check "rsa, localhost: most recent kept" image_exists "$b"
	t_check "rsa: no plain-TCP warning" lacks "plain TCP" "$W/log"
	a=$(make_image tls-c:1 50)
	TCL_ENV="DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$C/rsa"
	tcl 127.0.0.1 --once --quota 0
	t_eq "rsa, 127.0.0.1 (IP SAN), DOCKER_CERT_PATH: exit 0" 0 $?
	TCL_ENV=
	t_check "rsa, 127.0.0.1: deleted" gone "$a"
	a=$(make_image tls-f:1 50)
	tcl localhost --tlscacert "$C/bundle.pem" --tlscert "$C/rsa/cert.pem" \
	    --tlskey "$C/rsa/key-pkcs1.pem" --once --quota 0 2> "$W/log"
	t_eq "rsa: PKCS#1 key, CA file of two certificates: exit 0" 0 $?
	t_check "rsa: PKCS#1 key: deleted" gone "$a"
	t_check "rsa: the key files really differ in form" \
	    grep -q "BEGIN RSA PRIVATE KEY" "$C/rsa/key-pkcs1.pem"
	t_check "rsa: OpenSSL 3 wrote PKCS#8" grep -q "BEGIN PRIVATE KEY" "$C/rsa/key.pem"
	t_check "ec: the key is SEC1" grep -q "BEGIN EC PRIVATE KEY" "$C/ec/key.pem"
	# daemon mode: events over TLS drive the eviction
	s=$(size_of tls-b:1)
	make_image tls-d:1 50 >/dev/null; use_image tls-d:1
	: > "$W/daemon.log"
	"$DC" --host "tcp://localhost:$PORT" $(files rsa) --config "$W/empty.json" \
	    --state-file "" -vv --quota $((s * 2 + s / 2)) 2> "$W/daemon.log" &
	CLEANER_PID=$!
	wait_for "follows" 30 grep -q "listening for docker events" "$W/daemon.log"
	make_image tls-e:1 50 >/dev/null; use_image tls-e:1
	t_check "rsa, events: destroy evicts over TLS" \
	    wait_for "eviction" 20 gone "$b"
	t_check "rsa, events: recent kept" image_exists tls-e:1
	stop_cleaner
	t_eq "rsa, events: SIGTERM exits 0" 0 "$CLEANER_STATUS"
}

# s_split_records: over TLS the event stream outlives the whole-reply
# deadline of requests, even when its records span TCP segments (a proxy
# sends each read of the daemon's in two, 0.2 s apart). The cleaner is a
# copy built with REPLY_TIMEOUT_MS=1000, so REPLY_DEADLINE_MS is 4 s.
s_split_records() {
	local short=$DC_REPO_ROOT/build/tlsshort/docker-cleaner out pport a s n
	out=$(cd "$DC_REPO_ROOT" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s --no-print-directory -f tests/hostile/build.mk SANITIZE=0 \
	    TLS=1 B=build/tlsshort PROG=build/tlsshort/docker-cleaner \
	    HOSTILE_TIMEOUT_MS=1000 build/tlsshort/docker-cleaner 2>&1) ||
	    { t_fail "split records: build the short copy" "$(echo "$out" | tail -n 5)"; return; }
	reset_daemon
	pport=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	/usr/bin/python3 "$DC_LIB_DIR/splitproxy.py" "$pport" "$PORT" 0.2 > "$W/proxy.log" 2>&1 &
	PROXY_PID=$!
	wait_for "the proxy" 10 grep -q ready "$W/proxy.log"
	a=$(make_image tls-s1:1 50); use_image tls-s1:1
	make_image tls-s2:1 50 >/dev/null; use_image tls-s2:1
	s=$(size_of tls-s1:1)
	: > "$W/split.log"
	"$short" --host "tcp://localhost:$pport" $(files rsa) --config "$W/empty.json" \
	    --state-file "" -vv --quota $((s * 2 + s / 2)) 2> "$W/split.log" &
	CLEANER_PID=$!
	wait_for "follows" 60 grep -q "listening for docker events" "$W/split.log"
	sleep 5		# past the copy's REPLY_DEADLINE_MS
	n=$(wc -l < "$W/proxy.log")
	make_image tls-s3:1 50 >/dev/null; use_image tls-s3:1
	t_check "split records: the events evict" wait_for "eviction" 30 gone "$a"
	sleep 1
	t_check "split records: event records were split" \
	    test "$(wc -l < "$W/proxy.log")" -gt "$n"
	t_check "split records: the stream did not end" lacks "event stream" "$W/split.log"
	t_check "split records: no TLS failure" lacks "TLS to" "$W/split.log"
	t_eq "split records: one stream, no new inventory" 1 \
	    "$(grep -c "listening for docker events" "$W/split.log")"
	stop_cleaner
	t_eq "split records: SIGTERM exits 0" 0 "$CLEANER_STATUS"
	stop_proxy
}

s_refusals() {
	reset_daemon
	make_image tls-unused:1 50 >/dev/null
	make_image tls-used:1 50 >/dev/null; use_image tls-used:1
	refused "unknown CA" "not signed by a trusted CA" localhost \
	    --tlscacert "$C/other/ca.pem" --tlscert "$C/rsa/cert.pem" --tlskey "$C/rsa/key.pem"
	TCL_ENV="DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$C/onlyca"
	refused "no client certificate" "no client certificate, or one it" localhost
	TCL_ENV=
	refused "client certificate of another CA" "no client certificate, or one it" localhost \
	    --tlscacert "$C/rsa/ca.pem" --tlscert "$C/other/cert.pem" --tlskey "$C/other/key.pem"
	refused "plain HTTP to the TLS port" "HTTPS" 127.0.0.1
	t_check "plain TCP: warned unauthenticated" grep -q "neither encrypted nor authenticated" "$W/log"
	/usr/bin/python3 -m http.server --bind 127.0.0.1 "$PLAIN" >/dev/null 2>&1 &
	local web=$!
	sleep 0.5
	"$DC" --host "tcp://127.0.0.1:$PLAIN" $(files rsa) --config "$W/empty.json" \
	    --state-file "" --once 2> "$W/log"
	t_eq "TLS to a plain port: exit 1" 1 $?
	t_check "TLS to a plain port: says why" grep -q "does not speak TLS" "$W/log"
	kill "$web"
	local f
	for f in truncated garbage; do
		tcl localhost --tlscacert "$C/$f.pem" --tlscert "$C/rsa/cert.pem" \
		    --tlskey "$C/rsa/key.pem" --once --quota 0 2> "$W/log"
		t_eq "$f PEM: exit 2" 2 $?
		t_check "$f PEM: names the file" grep -q "$C/$f.pem" "$W/log"
		t_eq "$f PEM: one line" 1 "$(wc -l < "$W/log")"
	done
	tcl localhost --tlscacert "$C/rsa/ca.pem" --tlscert "$C/rsa/cert.pem" \
	    --tlskey "$C/truncated.pem" --once 2> "$W/log"
	t_eq "truncated key: exit 2" 2 $?
	tcl localhost --tlscacert "$C/rsa/ca.pem" --tlscert "$C/rsa/cert.pem" \
	    --tlskey "$C/rsa/nosuch.pem" --once 2> "$W/log"
	t_eq "missing key named: exit 2" 2 $?
	t_check "refusals: the unused image survived them all" image_exists tls-unused:1
}

s_bad_server_certs() {
	daemon_tls rsa expired-cert.pem
	dockerd_restart || { t_fail "restart" "dockerd with an expired certificate"; return; }
	refused "expired server certificate" "expired" localhost $(files rsa)
	daemon_tls rsa wrongname-cert.pem
	dockerd_restart || { t_fail "restart" "dockerd with another name"; return; }
	refused "name not in the certificate" "not for this host" localhost $(files rsa)
	refused "address not in the certificate" "not for this host" 127.0.0.1 $(files rsa)
	# as Go's crypto/x509 for the docker CLI: a purpose other than
	# serverAuth, or the host in the Common Name only, is refused
	daemon_tls rsa clientonly-cert.pem
	dockerd_restart || { t_fail "restart" "dockerd with a client certificate"; return; }
	refused "server certificate for clients only" "lacks serverAuth" localhost $(files rsa)
	refused "server certificate for clients only, by address" "lacks serverAuth" \
	    127.0.0.1 $(files rsa)
	t_check "cnonly: the certificate names localhost in its CN alone" \
	    sh -c "openssl x509 -in '$C/rsa/cnonly-cert.pem' -noout -text |
	        grep -q 'Subject: CN *= *localhost' &&
	    ! openssl x509 -in '$C/rsa/cnonly-cert.pem' -noout -text |
	        grep -q 'Subject Alternative Name'"
	daemon_tls rsa cnonly-cert.pem
	dockerd_restart || { t_fail "restart" "dockerd with a CN-only certificate"; return; }
	refused "host only in the Common Name" "no subjectAltName" localhost $(files rsa)
}

s_ec() {
	local a
	daemon_tls ec
	dockerd_restart || { t_fail "restart" "dockerd with EC certificates"; return; }
	a=$(make_image tls-ec:1 50)
	make_image tls-ec2:1 50 >/dev/null; use_image tls-ec2:1
	tcl 127.0.0.1 $(files ec) --once --quota 0
	t_eq "ec: exit 0" 0 $?
	t_check "ec: evicted over TLS" gone "$a"
	t_check "ec: most recent kept" image_exists tls-ec2:1
}

# one TLS connection for requests (keep-alive): a --once pass deleting
# four images makes two TLS connections (requests, the event history),
# so two handshakes; before keep-alive: one per request, over ten. With
# the rsa set, so before s_bad_server_certs and s_ec restart the daemon
# with other certificates
s_keep_alive() {
	local i n
	if [ "$(head -c 2 "$DC")" = "#!" ]; then
		echo "# s_keep_alive: for a program, not the wrapper $DC"
		return 0
	fi
	command -v strace >/dev/null || _dc_apt_install strace ||
	    { t_fail "tls keep-alive" "strace not installed"; return; }
	reset_daemon
	for i in 1 2 3 4 5; do make_image tls-ka$i:1 10 >/dev/null; done
	use_image tls-ka5:1
	strace -f -e trace=connect -o "$W/strace.ka" "$DC" \
	    --host "tcp://127.0.0.1:$PORT" $(files rsa) --config "$W/empty.json" \
	    --state-file "" --once --quota 0 2> "$W/log"
	t_eq "tls keep-alive: exit 0" 0 $?
	for i in 1 2 3 4; do
		t_check "tls keep-alive: tls-ka$i deleted" gone tls-ka$i:1
	done
	t_check "tls keep-alive: the most recent kept" image_exists tls-ka5:1
	n=$(grep -c "connect(.*sin_port=htons($PORT)" "$W/strace.ka")
	echo "# tls keep-alive: $n connections (handshakes)"
	t_check "tls keep-alive: 2 connections for the pass ($n)" test "$n" -eq 2
}

make_certs || { t_fail certs "openssl failed"; t_summary; exit 1; }
daemon_tls rsa
start_engine
for s in ${SCENARIOS:-s_rsa s_keep_alive s_split_records s_refusals \
    s_bad_server_certs s_ec}; do
	echo "# $s ($ENGINE)"
	$s
done
stop_cleaner
t_summary
