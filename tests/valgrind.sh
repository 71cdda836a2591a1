#!/bin/sh
# valgrind's memcheck on full integration runs: the core and resilience
# tests against the first engine of ENGINES, with the program under test
# run by valgrind. Any valgrind report fails. usage: valgrind.sh DIR
# (DIR/docker-cleaner.bin is a glibc build with debug information).
cd "$(dirname "$0")/.." || exit 2
dir=$(cd "${1:?usage: valgrind.sh DIR}" && pwd)
command -v valgrind >/dev/null || {
	[ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null
}
rm -f "$dir"/vg.*.log
cat > "$dir/docker-cleaner" <<EOS
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \\
    --errors-for-leak-kinds=definite --log-file=$dir/vg.%p.log $dir/docker-cleaner.bin "\$@"
EOS
chmod +x "$dir/docker-cleaner"
results=$(mktemp /tmp/dcvg.XXXXXX)
trap 'rm -f "$results"' EXIT
engine=${ENGINES:-20.10}
engine=${engine%% *}
for t in test_core test_resilience; do
	echo "# valgrind: $t $engine"
	DC=$dir/docker-cleaner DC_RESULTS=$results bash "tests/integration/$t.sh" \
	    "$engine" | sed 's/^\([0-9]* passed, [0-9]* failed\)$/# part: \1/'
done
runs=0
for f in "$dir"/vg.*.log; do
	[ -f "$f" ] || continue
	runs=$((runs + 1))
	if [ -s "$f" ]; then
		echo "FAIL - valgrind report $f"
		sed 's/^/#   /' "$f" | head -n 40
		echo "fail valgrind" >> "$results"
	fi
done
echo "# valgrind ran the program $runs times"
[ "$runs" -gt 0 ] && echo "pass valgrind-ran" >> "$results" ||
	echo "fail valgrind-ran" >> "$results"
echo "$(grep -c '^pass ' "$results") passed, $(grep -c '^fail ' "$results") failed"
[ "$(grep -c '^fail ' "$results")" -eq 0 ]
