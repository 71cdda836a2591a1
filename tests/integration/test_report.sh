#!/usr/bin/env bash
# Integration tests of the report (--report, --report --json, SIGUSR1 in
# daemon mode), the reasons of a dry run and the metrics file, against a
# real private dockerd.
# usage: test_report.sh ENGINE   (20.10 or 28.5; see lib.sh)
set -u
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/cleaner.sh"

# the Prometheus parser (python3-prometheus-client) and Debian's python3
PY=/usr/bin/python3
_dc_apt_install python3 python3-prometheus-client ||
    { t_fail "report setup" "python3-prometheus-client not installable"
      t_summary; exit 1; }

# --- helpers -------------------------------------------------------------

# json_get FILE EXPR: EXPR (python, over the document d) of the JSON FILE
json_get() {
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# the IDs the JSON report FILE would delete, one a line, sorted
json_deletes() {
	json_get "$1" '"\n".join(sorted(i["id"] for i in d["images"] if i["decision"] == "delete"))'
}

# the short IDs the text report FILE would delete, sorted
text_deletes() {
	awk '/  delete  / { print $1 }' "$1" | sort
}

# the full IDs of the images the daemon has, sorted
have_ids() { dk images -aq --no-trunc | sort -u; }

# metric FILE NAME [LABELS]: the value of the sample NAME (a python dict
# of labels, default none) in the metrics FILE, read by the Prometheus
# parser; fails if the file does not parse or the sample is missing
metric() {
	"$PY" - "$1" "$2" "${3:-{\}}" <<'EOF'
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
want = eval(sys.argv[3])
for fam in text_string_to_metric_families(text):
    for s in fam.samples:
        if s.name == sys.argv[2] and s.labels == want:
            v = s.value
            print(int(v) if v == int(v) else v)
            sys.exit(0)
sys.exit("no sample %s %s" % (sys.argv[2], want))
EOF
}

# every metric family of FILE has HELP and TYPE, all named docker_cleaner_
metrics_wellformed() {
	"$PY" - "$1" <<'EOF'
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
fams = list(text_string_to_metric_families(text))
assert len(fams) >= 11, len(fams)
for f in fams:
    assert f.name.startswith("docker_cleaner_"), f.name
    assert f.documentation, f.name
    assert f.type in ("gauge", "counter"), (f.name, f.type)
    assert "# HELP " + f.name in text and "# TYPE " + f.name in text, f.name
EOF
}

# --- scenarios ---------------------------------------------------------

# four images used in a known order, one in use by a running container,
# one by an exited container: the report deletes nothing, removes no
# container, and its decisions are what the real pass then deletes
s_report_matches() {
	local a b c d e x r s ex q n
	reset_daemon
	a=$(make_image rp-a:1 100); b=$(make_image rp-b:1 100)
	c=$(make_image rp-c:1 100); d=$(make_image rp-d:1 100)
	e=$(make_image rp-e:1 100); x=$(make_image rp-x:1 100)
	dk tag rp-a:1 rp-a:extra
	use_image rp-b:1; sleep 0.05; use_image rp-a:1; sleep 0.05
	use_image rp-c:1
	r=$(run_ctr rp-e:1)
	ex=$(dk run -d --network none rp-x:1 /bin/true); dk wait "$ex" >/dev/null
	s=$(size_of rp-a:1)
	# e and x in use take two; room for one more: c (the newest) stays;
	# d (never used), then b, then a go
	q=$((s * 3 + s / 2))
	cleaner --report --quota $q > "$W/report.txt" 2> "$W/log"
	t_eq "report: exit 0" 0 $?
	sed 's/^/# /' "$W/report.txt"	# for the reader of the test log
	cleaner --report --json --quota $q > "$W/report.json" 2> "$W/log.json"
	t_eq "report --json: exit 0" 0 $?
	t_check "report: nothing deleted" image_exists "$d"
	t_check "report: nothing deleted (b)" image_exists "$b"
	t_check "report: exited container not removed" ctr_exists "$ex"
	t_check "report --json: parses (json.tool)" \
	    "$PY" -m json.tool "$W/report.json"
	t_eq "report --json: the expected deletions" \
	    "$(printf '%s\n' "$a" "$b" "$d" | sort)" "$(json_deletes "$W/report.json")"
	t_eq "report: text and JSON agree" \
	    "$(json_deletes "$W/report.json" | sed 's/^sha256://' | cut -c1-12)" \
	    "$(text_deletes "$W/report.txt")"
	# eviction order: the deletions first, least recently used first
	t_eq "report --json: deletions first, LRU first" \
	    "$d $b $a" "$(json_get "$W/report.json" '" ".join(i["id"] for i in d["images"][:3])')"
	t_eq "report --json: every image" 6 \
	    "$(json_get "$W/report.json" 'len(d["images"])')"
	t_eq "report --json: reason of e" "in use by 1 container" \
	    "$(json_get "$W/report.json" "[i['reason'] for i in d['images'] if i['id'] == '$e'][0]")"
	t_eq "report --json: containers of x" 1 \
	    "$(json_get "$W/report.json" "[i['containers'] for i in d['images'] if i['id'] == '$x'][0]")"
	t_eq "report --json: reason of c" "fits" \
	    "$(json_get "$W/report.json" "[i['reason'] for i in d['images'] if i['id'] == '$c'][0]")"
	# the action says delete; the reason why, once (not "delete delete")
	t_eq "report --json: reason of a" "over the quota" \
	    "$(json_get "$W/report.json" "[i['reason'] for i in d['images'] if i['id'] == '$a'][0]")"
	t_check "report: the text says why a goes" \
	    grep -q "^${a:7:12} .*  delete  over the quota " "$W/report.txt"
	t_eq "report --json: refs of a" "['rp-a:1', 'rp-a:extra']" \
	    "$(json_get "$W/report.json" "sorted([i['refs'] for i in d['images'] if i['id'] == '$a'][0])")"
	t_eq "report --json: size of a" "$s" \
	    "$(json_get "$W/report.json" "[i['size'] for i in d['images'] if i['id'] == '$a'][0]")"
	# over the quota, /system/df was read: the unique sizes are known,
	# each between 0 and the image's size (null only where not read)
	t_eq "report --json: unique sizes read from /system/df" "True" \
	    "$(json_get "$W/report.json" "any(i['unique_size'] is not None for i in d['images'])")"
	t_eq "report --json: unique sizes within the sizes" "True" \
	    "$(json_get "$W/report.json" "all(i['unique_size'] is None or 0 <= i['unique_size'] <= i['size'] for i in d['images'])")"
	t_eq "report --json: d never used" "never" \
	    "$(json_get "$W/report.json" "[i['last_used_ago'] for i in d['images'] if i['id'] == '$d'][0]")"
	t_eq "report --json: totals" "$q 6 3 True" \
	    "$(json_get "$W/report.json" '"%d %d %d %s" % (d["quota"], d["managed_images"], d["delete_images"], d["complete"])')"
	t_eq "report --json: bytes to delete" $((s * 3)) \
	    "$(json_get "$W/report.json" 'd["delete_bytes"]')"
	t_check "report: text header" grep -q "^IMAGE .*REASON .*REFERENCES$" "$W/report.txt"
	t_check "report: text line of a with its last use and tags" \
	    grep -Eq "^${a:7:12} .* [0-9]+s ago .* delete .* rp-a:(1,rp-a:extra|extra,rp-a:1)$" "$W/report.txt"
	t_check "report: text line of e, in use" \
	    grep -Eq "^${e:7:12} .* 1  keep .*in use by 1 container .*rp-e:1$" "$W/report.txt"
	t_check "report: text totals" \
	    grep -q "^6 images, 6 managed: .* to delete: 3 images" "$W/report.txt"
	t_check "report: stdout is the report only (no log)" \
	    lacks "docker-cleaner\[" "$W/report.txt"
	# the real pass deletes exactly what the report said
	n=$(have_ids | wc -l)
	cleaner --once --quota $q --remove-stopped-containers never 2> "$W/log"
	t_eq "report: real pass exit 0" 0 $?
	t_eq "report: the real pass deleted what the report said" \
	    "$(json_deletes "$W/report.json")" \
	    "$(comm -23 <(printf '%s\n' "$a" "$b" "$c" "$d" "$e" "$x" | sort) <(have_ids))"
	t_eq "report: images left" $((n - 3)) "$(have_ids | wc -l)"
	dk rm -f "$r" "$ex" >/dev/null
}

# --dry-run -v: every image that stays says why, even under the quota
s_dry_run_reasons() {
	local a b
	reset_daemon
	a=$(make_image drr-a:1 50); b=$(make_image drr-b:1 50)
	use_image drr-a:1; sleep 0.05; use_image drr-b:1
	cleaner --once --dry-run -v --quota 1G > "$W/out" 2> "$W/log"
	t_eq "dry-run reasons: exit 0" 0 $?
	t_check "dry-run reasons: a stays: fits" \
	    grep -q "image $a stays: fits" "$W/log"
	t_check "dry-run reasons: b stays: most recent" \
	    grep -q "image $b stays: most recent" "$W/log"
	# without --dry-run, under the quota, the log stays short
	cleaner --once -v --quota 1G 2> "$W/log"
	t_check "no dry run, under the quota: no reasons" lacks "stays:" "$W/log"
}

# SIGUSR1 in daemon mode: the report once, from the current inventory;
# the loop goes on (no new inventory, events still handled)
s_sigusr1() {
	local a b n
	reset_daemon
	a=$(make_image su-a:1 50); b=$(make_image su-b:1 50)
	use_image su-a:1
	: > "$W/daemon.out"
	start_cleaner --quota 1G --resync-interval 0
	n=$(follows)
	kill -USR1 "$CLEANER_PID"
	t_check "SIGUSR1: the report printed" \
	    wait_for "report" 20 grep -q "^2 images, 2 managed" "$W/daemon.out"
	t_check "SIGUSR1: a in it" grep -q "^${a:7:12} .*su-a:1$" "$W/daemon.out"
	t_check "SIGUSR1: b in it, never used" \
	    grep -Eq "^${b:7:12} .* never .*su-b:1$" "$W/daemon.out"
	t_eq "SIGUSR1: once" 1 "$(grep -c '^IMAGE ' "$W/daemon.out")"
	# a use after the report: the next report has it (current inventory)
	use_image su-b:1
	sleep 0.5
	kill -USR1 "$CLEANER_PID"
	t_check "SIGUSR1: a second report" \
	    wait_for "second report" 20 eval '[ "$(grep -c "^IMAGE " "$W/daemon.out")" -eq 2 ]'
	t_check "SIGUSR1: the later use is in it" \
	    eval 'tail -n 3 "$W/daemon.out" | grep -Eq "^${b:7:12} .* [0-9]+s ago .*su-b:1$"'
	t_eq "SIGUSR1: no new inventory" "$n" "$(follows)"
	t_check "SIGUSR1: the cleaner still runs" kill -0 "$CLEANER_PID"
	stop_cleaner
	t_eq "SIGUSR1: SIGTERM exits 0" 0 "$CLEANER_STATUS"
	# --json: the report as one JSON document
	: > "$W/daemon.out"
	start_cleaner --quota 1G --json
	kill -USR1 "$CLEANER_PID"
	t_check "SIGUSR1 --json: printed" \
	    wait_for "JSON report" 20 grep -q '"complete":true}$' "$W/daemon.out"
	t_check "SIGUSR1 --json: parses" "$PY" -m json.tool "$W/daemon.out"
	t_eq "SIGUSR1 --json: both images" 2 \
	    "$(json_get "$W/daemon.out" 'len(d["images"])')"
	stop_cleaner
}

# --metrics-file: Prometheus text after each pass, atomically, 0644;
# the counters move with deletions, also between passes in daemon mode
s_metrics() {
	local a b c e s m=$W/metrics/docker-cleaner.prom
	reset_daemon
	mkdir -p "$W/metrics"
	a=$(make_image mt-a:1 50); b=$(make_image mt-b:1 50)
	use_image mt-a:1; sleep 0.05; use_image mt-b:1
	s=$(size_of mt-a:1)
	cleaner --once --quota $((s + s / 2)) --metrics-file "$m" 2> "$W/log"
	t_eq "metrics: exit 0" 0 $?
	t_check "metrics: a deleted" gone "$a"
	t_check "metrics: parses, HELP and TYPE, docker_cleaner_" \
	    metrics_wellformed "$m"
	t_eq "metrics: mode 0644" 644 "$(stat -c %a "$m")"
	t_eq "metrics: no temporary file left" 1 "$(ls "$W/metrics" | wc -l)"
	t_eq "metrics: images deleted" 1 "$(metric "$m" docker_cleaner_deleted_images_total)"
	t_eq "metrics: bytes deleted" "$s" "$(metric "$m" docker_cleaner_deleted_bytes_total)"
	t_eq "metrics: quota" $((s + s / 2)) "$(metric "$m" docker_cleaner_quota_bytes)"
	t_eq "metrics: images managed" 2 "$(metric "$m" docker_cleaner_managed_images)"
	t_eq "metrics: bytes managed" $((s * 2)) "$(metric "$m" docker_cleaner_managed_bytes)"
	t_eq "metrics: inventory complete" 1 "$(metric "$m" docker_cleaner_inventory_complete)"
	t_eq "metrics: pass made" 1 "$(metric "$m" docker_cleaner_last_pass_success)"
	t_eq "metrics: no failed requests" 0 \
	    "$(metric "$m" docker_cleaner_errors_total "{'kind': 'failed'}")"
	t_check "metrics: time of the last pass is now" \
	    eval '[ $(( $(date +%s) - $(metric "$m" docker_cleaner_last_pass_timestamp_seconds | cut -d. -f1) )) -lt 60 ]'
	# daemon mode: counters across the process's life, written after
	# deletions between passes too
	start_cleaner --quota $((s + s / 2)) --metrics-file "$m" \
	    --remove-stopped-containers onexit
	t_eq "metrics (daemon): a new process starts at 0" 0 \
	    "$(metric "$m" docker_cleaner_deleted_images_total)"
	c=$(make_image mt-c:1 50)
	use_image mt-c:1	# b is now the older: it goes
	t_check "metrics (daemon): b deleted" wait_for "eviction of b" 20 gone "$b"
	t_check "metrics (daemon): one image deleted" wait_for "metrics" 20 \
	    eval '[ "$(metric "$m" docker_cleaner_deleted_images_total)" = 1 ]'
	e=$(dk run -d --network none mt-c:1 /bin/true)
	t_check "metrics (daemon): exited container removed" \
	    wait_for "removal of $e" 20 ctr_gone "$e"
	t_check "metrics (daemon): one container removed" wait_for "metrics" 20 \
	    eval '[ "$(metric "$m" docker_cleaner_removed_containers_total)" = 1 ]'
	t_eq "metrics (daemon): still one image deleted" 1 \
	    "$(metric "$m" docker_cleaner_deleted_images_total)"
	stop_cleaner
	t_check "metrics (daemon): parses" metrics_wellformed "$m"
}

# bad metrics paths and report flags: one line, exit 2, nothing contacted
s_bad_input() {
	local out rc p long
	long=$W/$(head -c 600 /dev/zero | tr '\0' a)
	for p in "" "$W/nosuch/m.prom" "$W" "$long"; do
		out=$("$DC" --host unix://$W/nosuch.sock --config "$W/empty.json" \
		    --once --metrics-file "$p" 2>&1)
		rc=$?
		t_eq "bad metrics path '${p:0:40}': exit 2" 2 "$rc"
		t_eq "bad metrics path '${p:0:40}': one line" 1 \
		    "$(printf '%s\n' "$out" | wc -l)"
	done
	echo "{\"MetricsFile\": \"$W/nosuch/m.prom\"}" > "$W/bad.json"
	out=$("$DC" --host unix://$W/nosuch.sock --config "$W/bad.json" --once 2>&1)
	t_eq "bad MetricsFile: exit 2" 2 $?
	t_check "bad MetricsFile: names it" grep -q "MetricsFile" <<< "$out"
}

# no heap (README): the report, text and JSON, and a pass that deletes
# and writes the metrics file, with the musl program make builds
s_no_heap() {
	local prog=$DC_REPO_ROOT/docker-cleaner mode
	heap_ready "report: no heap" || return 0
	reset_daemon
	make_image nhr-a:1 10 >/dev/null; make_image nhr-b:1 10 >/dev/null
	use_image nhr-a:1
	for mode in "--report" "--report --json" \
	    "--once --metrics-file $W/nh.prom"; do
		heap_calls "$prog" --host "unix://$DC_SOCK" \
		    --config "$W/empty.json" --state-file "" --quota 0 $mode
		t_eq "no heap: $mode: exit 0" 0 "$HEAP_RC"
		t_eq "no heap: $mode: no brk or mmap" 0 "$HEAP_N"
	done
	t_check "no heap: metrics written" test -s "$W/nh.prom"
	t_check "no heap: b deleted by the last pass" gone nhr-b:1
}

# --- run ----------------------------------------------------------------
start_engine
for s in ${SCENARIOS:-s_report_matches s_dry_run_reasons s_sigusr1 \
    s_metrics s_bad_input s_no_heap}; do
	echo "# $s ($ENGINE)"
	$s
done
stop_cleaner
t_summary
