#!/bin/sh
# Run fuzz targets, each for FUZZ_SECONDS (default 60), from a working copy
# of its seeds in build/fuzz/corpus/NAME/ (the committed corpus is only
# read; what the fuzzer finds stays in the working copy for the next run).
# Prints one table (executions, executions per second, working corpus
# size, peak RSS) and exits 1 if any target failed: a crash, a sanitizer
# report, a leak, a slow input (-timeout) or more than 512 MB of RSS. The
# input that failed is in build/fuzz/crash/NAME/; the report in
# build/fuzz/NAME.log.
# usage: run.sh NAME...   (the binaries are build/fuzz/fuzz_NAME)
cd "$(dirname "$0")/../.." || exit 2
secs=${FUZZ_SECONDS:-60}
b=build/fuzz
failed=0
table=$(mktemp /tmp/dcfuzz.XXXXXX)
trap 'rm -f "$table"' EXIT

for name in "$@"; do
	work=$b/corpus/$name
	mkdir -p "$work" "$b/crash/$name"
	# seeds: the target's own; the HTTP parser also gets the real replies
	seeds=tests/fuzz/corpus/$name
	[ "$name" = http ] && seeds="$seeds tests/fuzz/corpus/docker"
	for d in $seeds; do
		cp "$d"/* "$work"/
	done
	# replies and bodies large enough to overflow the fuzz build's windows
	case $name in
	http|json|docker) maxlen=16384 ;;
	config) maxlen=4096 ;;
	x509) maxlen=4096 ;;	# the server certificates of the seeds: < 1 KiB
	*) maxlen=64 ;;
	esac
	echo "fuzz_$name: $secs s"
	"$b/fuzz_$name" -max_total_time="$secs" -rss_limit_mb=512 -timeout=10 \
	    -max_len="$maxlen" -print_final_stats=1 \
	    -artifact_prefix="$b/crash/$name/" "$work" > "$b/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$b/$name.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$b/$name.log")
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$b/$name.log")
	units=$(ls "$work" | wc -l)
	result=ok
	if [ "$rc" -ne 0 ] || [ -z "$execs" ]; then
		result=FAIL
		failed=1
		echo "fuzz_$name failed (exit $rc); end of $b/$name.log:" >&2
		tail -n 40 "$b/$name.log" | sed 's/^/#   /' >&2
	fi
	printf '%-8s %-5s %12s %9s %8s %8s\n' "$name" "$result" "${execs:--}" \
	    "${rate:--}" "$units" "${rss:--}" >> "$table"
done

echo
printf '%-8s %-5s %12s %9s %8s %8s\n' target result executions exec/s corpus \
    rss_mb
cat "$table"
exit "$failed"
