#!/bin/sh
# The build context of the scratch image: OUTDIR/Dockerfile,
# OUTDIR/rootfs/docker-cleaner (BIN, the static TLS build) and an empty
# OUTDIR/rootfs/var/lib/docker-cleaner (0700) for the default state file.
# usage: sh src/dist/image-context.sh BIN OUTDIR   (make image-context;
# tests/integration/test_image.sh)
set -e
bin=${1:?usage: image-context.sh BIN OUTDIR}
out=${2:?usage: image-context.sh BIN OUTDIR}
rm -rf "$out"
mkdir -p "$out/rootfs/var/lib/docker-cleaner"
chmod 0700 "$out/rootfs/var/lib/docker-cleaner"
cp "$bin" "$out/rootfs/docker-cleaner"
chmod 0755 "$out/rootfs/docker-cleaner"
cp "$(dirname "$0")/Dockerfile" "$out/Dockerfile"
