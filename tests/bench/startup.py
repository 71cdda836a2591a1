#!/usr/bin/python3
"""Startup-pass benchmark of several programs against one daemon socket.

  startup.py --sock PATH --label L --images N --containers M --reps R
             --out RESULTS.jsonl --logs DIR [--ref REFERENCE.py]
             [--bin NAME=PATH]... [--curl] [--state]

Each repetition runs, in turn: the reference (until it logs "Listening for
docker events" at -vv, then killed), and for each docker-cleaner binary
--once (until it exits) and the daemon mode (until "listening for docker
events" at -v); with --state, the daemon mode again with a state file
(LOGS/LABEL-NAME.state, kept from one repetition to the next, as on a
restart: mode "daemon-state", the memory goal's setting); with --curl,
the bare fetch of the same endpoints with one curl process (and curl's
own transfer time, -w time_total, summed). Every run is appended to
RESULTS.jsonl as one JSON object; the medians are printed. Quota 1T,
remove-stopped-containers never, no state file (but with --state):
nothing is deleted or removed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"     # Debian's, which has python3-docker


def measure(args, line=None, log=None, timeout=900, env=None):
    m = [PY, os.path.join(HERE, "measure.py"), "--timeout", str(timeout)]
    if line:
        m += ["--line", line]
    if log:
        m += ["--log", log]
    for k, v in (env or {}).items():
        m += ["--env", "%s=%s" % (k, v)]
    out = subprocess.run(m + ["--"] + args, stdout=subprocess.PIPE,
                         check=True).stdout
    return json.loads(out)


def curl_args(sock, api):
    now = int(time.time())
    a = ["curl", "-sSf", "--unix-socket", sock]
    for p in ("/_ping", "/v%s/images/json" % api,
              "/v%s/containers/json?all=1" % api,
              "/v%s/events?since=1&until=%d" % (api, now)):
        a += ["-o", "/dev/null", "-w", "%{time_total}\\n",
              "http://localhost" + p]
    return a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sock", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--images", type=int, required=True)
    ap.add_argument("--containers", type=int, default=0)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--ref-reps", type=int, default=None)
    ap.add_argument("--out", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--ref")
    ap.add_argument("--bin", action="append", default=[])
    ap.add_argument("--curl", action="store_true")
    ap.add_argument("--state", action="store_true")
    ap.add_argument("--api", default="1.41")
    a = ap.parse_args()
    os.makedirs(a.logs, exist_ok=True)
    empty = os.path.join(a.logs, "empty.json")
    with open(empty, "w") as f:
        f.write("{}\n")
    host = "unix://" + a.sock
    dc_flags = ["--host", host, "--quota", "1T",
                "--remove-stopped-containers", "never", "--state-file", "",
                "--config", empty, "-v"]
    runs = []
    ref_reps = a.reps if a.ref_reps is None else a.ref_reps

    def rec(prog, mode, r):
        r.update({"label": a.label, "images": a.images,
                  "containers": a.containers, "prog": prog, "mode": mode})
        runs.append(r)
        with open(a.out, "a") as f:
            f.write(json.dumps(r) + "\n")
        if not r.get("ok", True):
            print("  warning: %s %s did not complete (rc %s)" % (
                prog, mode, r.get("rc")), file=sys.stderr)

    for rep in range(a.reps):
        if a.ref and rep < ref_reps:
            r = measure([PY, os.path.join(HERE, "ref_cleaner.py"), a.ref,
                         "--config", empty, "--quota", "1T",
                         "--remove-stopped-containers", "never", "-vv"],
                        line="Listening for docker events",
                        log=os.path.join(a.logs, "%s-reference.log" %
                                         a.label),
                        env={"DOCKER_HOST": host, "BENCH_API": a.api})
            rec("reference", "daemon", r)
        for b in a.bin:
            name, path = b.split("=", 1)
            r = measure([path, "--once"] + dc_flags,
                        log=os.path.join(a.logs, "%s-%s-once.log" %
                                         (a.label, name)))
            rec(name, "once", r)
            r = measure([path] + dc_flags, line="listening for docker events",
                        log=os.path.join(a.logs, "%s-%s-daemon.log" %
                                         (a.label, name)))
            rec(name, "daemon", r)
            if a.state:
                st = os.path.join(a.logs, "%s-%s.state" % (a.label, name))
                fl = list(dc_flags)
                fl[fl.index("--state-file") + 1] = st
                r = measure([path] + fl,
                            line="listening for docker events",
                            log=os.path.join(a.logs, "%s-%s-state.log" %
                                             (a.label, name)))
                rec(name, "daemon-state", r)
        if a.curl:
            r = measure(curl_args(a.sock, a.api))
            rec("curl", "fetch", r)
            out = subprocess.run(curl_args(a.sock, a.api),
                                 stdout=subprocess.PIPE, check=True).stdout
            t = sum(float(x) for x in out.split())
            rec("curl", "transfer", {"wall": t, "ok": True})

    # medians
    keys = []
    for r in runs:
        k = (r["prog"], r["mode"])
        if k not in keys:
            keys.append(k)
    print("%s: %d images, %d containers (medians of %d)" % (
        a.label, a.images, a.containers, a.reps))
    for k in keys:
        rs = [r for r in runs if (r["prog"], r["mode"]) == k]
        med = {f: statistics.median(r[f] for r in rs)
               for f in ("wall", "cpu", "rss_kib") if f in rs[0]}
        print("  %-12s %-8s wall %8.4f s" % (k[0], k[1], med["wall"]) +
              ("  cpu %8.4f s  rss %7d KiB" % (med["cpu"], med["rss_kib"])
               if "cpu" in med else "") +
              ("" if all(r.get("ok", True) for r in rs) else "  (FAILED)"))


if __name__ == "__main__":
    main()
