#!/usr/bin/env bash
# The scratch image (src/dist/Dockerfile) against the daemon it runs on.
# usage: test_image.sh ENGINE   (20.10 or 28.5; see lib.sh)
# Builds the image from the TLS build on the private dockerd (no registry,
# the legacy builder), checks it holds the binary alone, then runs it in
# --once mode with the daemon's socket mounted: the least recently used
# images over the quota go; the newer ones and the cleaner's own image, in
# use by its container while it runs, stay; the state file is written in
# the image's /var/lib/docker-cleaner.
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

[ -x "$DC" ] || { t_fail "image" "no program $DC"; t_summary; exit 1; }
start_engine
s_build && s_evict
dockerd_stop
t_summary
