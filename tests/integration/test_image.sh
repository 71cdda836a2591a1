#!/usr/bin/env bash
# The scratch image (src/dist/Dockerfile) against the daemon it runs on.
# usage: test_image.sh ENGINE   (20.10 or 28.5; see lib.sh)
# Builds the image from the TLS build on the private dockerd (no registry,
# the legacy builder), checks it holds the binary alone, then runs it in
# --once mode with the daemon's socket mounted: the least recently used
# images over the quota go; the newer ones and the cleaner's own image, in
# use by its container while it runs, stay; the state file is written in
# the image's /var/lib/docker-cleaner. A dry run with quota 0 shows that
# being in use, not its recent use, is what keeps its image. Then as a daemon: evictions on
# events keep its own image, and docker stop ends it with status 0.
set -u
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/cleaner.sh"

IMG=docker-cleaner-test:image

build_image() { DOCKER_BUILDKIT=0 dk build -q -t "$IMG" "$W/ctx"; }

# build the image from $DC; its layer must hold the binary alone
s_build() {
	local files size
	sh "$DC_REPO_ROOT/src/dist/image-context.sh" "$DC" "$W/ctx" ||
	    { t_fail "image: context"; return 1; }
	t_check "image: docker build (scratch, legacy builder)" build_image ||
	    return 1
	# every file of the image: the binary and the empty state folder
	dk save "$IMG" > "$W/image.tar" &&
	    mkdir -p "$W/save" && tar -xf "$W/image.tar" -C "$W/save" &&
	    files=$(for l in "$W"/save/*/layer.tar "$W"/save/blobs/sha256/*; do
		tar -tf "$l" 2>/dev/null; done | sort -u | tr '\n' ' ')
	t_eq "image: files are the binary and the state folder" \
	    "docker-cleaner var/ var/lib/ var/lib/docker-cleaner/ " "$files"
	size=$(dk image inspect -f '{{.Size}}' "$IMG")
	echo "# image $IMG: $size bytes (binary $(stat -c %s "$DC"))"
	t_check "image: size is the binary's (+4 KiB at most)" \
	    test "$size" -le $(($(stat -c %s "$DC") + 4096))
}

# LRU images over the quota, the cleaner run from its image
s_evict() {
	local o1 o2 n1 n2 self sz q rc
	o1=$(make_image img-old1:1 100); o2=$(make_image img-old2:1 100)
	n1=$(make_image img-new1:1 100); n2=$(make_image img-new2:1 100)
	self=$(dk image inspect -f '{{.Id}}' "$IMG")
	use_image img-old1:1; sleep 0.05; use_image img-old2:1; sleep 0.05
	use_image img-new1:1; sleep 0.05; use_image img-new2:1
	sz=$(size_of img-new1:1)
	# room for the cleaner's image and the two newest, not a third
	q=$(($(size_of "$IMG") + sz * 2 + sz / 2))
	dk run --name dc-image --network none \
	    -v "$DC_SOCK:/var/run/docker.sock" "$IMG" \
	    --once --quota "$q" -v > "$W/run.out" 2> "$W/run.log"
	rc=$?
	t_eq "image: --once exit 0" 0 "$rc" ||
	    sed 's/^/#   /' "$W/run.log" "$W/run.out"
	t_check "image: least recently used deleted" gone "$o1"
	t_check "image: next least recently used deleted" gone "$o2"
	t_check "image: recent kept" image_exists "$n1"
	t_check "image: most recent kept" image_exists "$n2"
	t_check "image: its own image kept" image_exists "$self"
	t_check "image: deletions logged" grep -q "img-old1:1" "$W/run.log"
	# the default state file, in the image's folder
	dk cp dc-image:/var/lib/docker-cleaner/state - > "$W/state.tar" 2>&1
	t_check "image: state file written in the container" \
	    grep -aq "docker-cleaner state 1" "$W/state.tar"
	dk rm dc-image > /dev/null
}

# in use is what keeps its own image, not its recent use: with another
# container running and quota 0, a dry run would delete every image but
# those two (the daemon would refuse to delete an image in use anyway, so
# the dry run shows the cleaner's own decision)
s_in_use() {
	local r n1 n2 self out
	n1=$(dk image inspect -f '{{.Id}}' img-new1:1)
	n2=$(dk image inspect -f '{{.Id}}' img-new2:1)
	self=$(dk image inspect -f '{{.Id}}' "$IMG")
	r=$(run_ctr img-new2:1)
	out=$(dk run --rm --network none -v "$DC_SOCK:/var/run/docker.sock" \
	    "$IMG" --once --dry-run --quota 0 2> "$W/dry.log")
	t_eq "image dry run: exit 0" 0 "$?"
	echo "$out" | sed "s/^/#   /"
	t_check "image dry run: would delete the image no container uses" \
	    grep -q "^would delete image $n1 " <<< "$out"
	t_check "image dry run: not the running container's" \
	    lacks "${n2#sha256:}" <(echo "$out")
	t_check "image dry run: not its own" lacks "${self#sha256:}" <(echo "$out")
	dk rm -f "$r" > /dev/null
}

# the image as a daemon: evictions on destroy events while it runs keep
# its own image; docker stop (SIGTERM) ends it with status 0
dlogs() { dk logs dc-imaged 2>&1; }
s_daemon() {
	local d1 d2 d3 sz q
	d1=$(make_image imgd-1:1 100); d2=$(make_image imgd-2:1 100)
	use_image imgd-1:1; sleep 0.05; use_image imgd-2:1
	sz=$(size_of imgd-1:1)
	# room for the cleaner's image and one more
	q=$(($(size_of "$IMG") + sz + sz / 2))
	dk run -d --name dc-imaged --network none \
	    -v "$DC_SOCK:/var/run/docker.sock" "$IMG" --quota "$q" -vv \
	    > /dev/null
	t_check "image daemon: follows events" wait_for "events" 30 \
	    eval 'dlogs | grep -q "listening for docker events"'
	t_check "image daemon: startup pass deletes the LRU image" \
	    wait_for "imgd-1 gone" 30 gone "$d1"
	d3=$(make_image imgd-3:1 100)
	use_image imgd-3:1	# its destroy runs the eviction
	t_check "image daemon: destroy deletes the next LRU image" \
	    wait_for "imgd-2 gone" 30 gone "$d2"
	t_check "image daemon: newest kept" image_exists "$d3"
	t_check "image daemon: its own image kept" image_exists "$IMG"
	dk stop -t 10 dc-imaged > /dev/null
	t_eq "image daemon: docker stop, exit 0" 0 \
	    "$(dk inspect -f '{{.State.ExitCode}}' dc-imaged)"
	dlogs | grep -E "error|warning" | sed 's/^/#   /'
	dk rm dc-imaged > /dev/null
}

[ -x "$DC" ] || { t_fail "image" "no program $DC"; t_summary; exit 1; }
start_engine
s_build && s_evict && s_in_use && s_daemon
dockerd_stop
t_summary
