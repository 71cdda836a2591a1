#!/bin/sh
# Build dependencies from Debian: musl-gcc (musl-tools) and jsmn.h
# (libjsmn-dev). Installs what is missing when run as root; otherwise
# names the packages and fails.
need=""
command -v musl-gcc >/dev/null 2>&1 || need="$need musl-tools"
[ -f /usr/include/jsmn.h ] || need="$need libjsmn-dev"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "docker-cleaner needs Debian packages:$need (apt-get install$need)" >&2
	exit 1
fi
echo "installing$need"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q $need >/dev/null 2>&1 ||
	{ apt-get update -q >/dev/null && apt-get install -y -q $need >/dev/null; } ||
	{ echo "apt-get install$need failed" >&2; exit 1; }
