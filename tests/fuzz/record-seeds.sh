#!/usr/bin/env bash
# Record the real-daemon seeds of tests/fuzz/corpus/: raw HTTP replies
# (head and body exactly as sent, chunked framing kept) from a private
# dockerd, into corpus/docker/ENGINE-NAME.http, and a few bodies, de-chunked,
# into corpus/json/ENGINE-NAME.json. Maintenance tool, not run by make:
#   bash tests/fuzz/record-seeds.sh [20.10|28.5]	(root; see lib.sh)
# The hand-written seeds (Docker 29, Podman, framing corner cases) are
# files of their own in the corpus and are not touched.
set -u
. "$(dirname "$0")/../integration/lib.sh"

ENGINE=${1:-20.10}
OUT=$DC_REPO_ROOT/tests/fuzz/corpus
case $ENGINE in
20.10) V=v1.41 P=d20 ;;
28.5) V=v1.51 P=d28 ;;
*) echo "usage: $0 [20.10|28.5]" >&2; exit 2 ;;
esac
mkdir -p "$OUT/docker" "$OUT/json"

# raw METHOD PATH NAME: the reply to the request docker-cleaner sends
raw() {
	curl -s -i --raw --max-time 10 --unix-socket "$DC_SOCK" -X "$1" \
	    -H 'Host: api.moby.localhost' -H 'Accept:' \
	    -H 'User-Agent: docker-cleaner/0.1.0' -H 'Connection: close' \
	    "http://localhost$2" > "$OUT/docker/$P-$3.http"
	printf '%6d %s\n' "$(wc -c < "$OUT/docker/$P-$3.http")" "docker/$P-$3.http"
}

# body PATH NAME: the body alone, as the JSON framer sees it
body() {
	curl -s --max-time 10 --unix-socket "$DC_SOCK" "http://localhost$1" \
	    > "$OUT/json/$P-$2.json"
	printf '%6d %s\n' "$(wc -c < "$OUT/json/$P-$2.json")" "json/$P-$2.json"
}

now() { date +%s.%N; }

filters='%7B%22type%22%3A%5B%22container%22%2C%22image%22%5D%7D'

dockerd_start "$ENGINE" || exit 1
t0=$(now)
demo=$(make_image demo:1) || exit 1
dk tag demo:1 demo:2
dk tag demo:1 other/demo:latest
for i in 1 2 3 4 5 6; do
	make_image "app$i:v$i" >/dev/null || exit 1
done
old=$(make_image old:1) || exit 1
lone=$(make_image lone:1) || exit 1
created=$(create_ctr demo:1)
running=$(run_ctr app1:v1)
exited=$(dk run -d --network none app2:v2 /bin/true)
dk wait "$exited" >/dev/null
t1=$(now)

raw GET /_ping ping
raw GET "/$V/images/json" images
raw GET "/$V/containers/json?all=1" containers
raw GET "/$V/images/demo:1/json" inspect-image
raw GET "/$V/containers/$created/json" inspect-container
if [ "$ENGINE" = 20.10 ]; then	# the same shapes on 28.5
	raw DELETE "/$V/images/$demo" delete-409
	raw DELETE "/$V/images/$lone" delete-ok
	raw GET "/$V/containers/nosuch/json" inspect-404
	raw DELETE "/$V/images/demo:2" delete-untag
	raw DELETE "/$V/containers/$exited?v=1" rm-204
	raw GET /v1.11/version old-api
fi
raw GET "/$V/events?since=$t1&until=$(now)&filters=$filters" events
# the container's life: create, start, die, destroy
t2=$(now)
c=$(dk run -d --network none old:1 /bin/true)
dk wait "$c" >/dev/null
dk rm "$c" >/dev/null
raw GET "/$V/events?since=$t2&until=$(now)&filters=$filters" events-life
body "/$V/images/json" images
body "/$V/containers/json?all=1" containers
body "/$V/events?since=$t2&until=$(now)&filters=$filters" events
: "$old" "$running"
dockerd_stop
