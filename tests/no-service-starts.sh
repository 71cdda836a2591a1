#!/bin/sh
# usage: sh tests/no-service-starts.sh COMMAND [ARG...]
# Runs COMMAND (an apt-get install) with a temporary /usr/sbin/policy-rc.d
# that refuses every service start (exit 101: invoke-rc.d and
# deb-systemd-invoke obey it), so installing docker.io for the tests starts
# no docker.service or containerd.service on the machine. Only when there
# is no policy-rc.d already (one that is there is the machine's and is
# left alone); removed afterwards, also when COMMAND fails or is
# interrupted. Exit status: COMMAND's.
p=${DC_POLICY_RC_D:-/usr/sbin/policy-rc.d}	# (another path: tests of this script)
if [ -e "$p" ] || [ -L "$p" ]; then
	"$@"
	exit
fi
printf '#!/bin/sh\n# %s\nexit 101\n' \
    "docker-cleaner tests: no service starts while packages install" > "$p.$$"
chmod 0755 "$p.$$"
mv "$p.$$" "$p"
trap 'rm -f "$p"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
"$@"
