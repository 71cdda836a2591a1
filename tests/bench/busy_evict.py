#!/usr/bin/python3
"""Events during a long eviction, against a real dockerd (issue 12, "no
event lost during a long eviction").

  busy_evict.py --sock S --images N --containers M --out RESULTS.jsonl
                --logs DIR --bin NAME=PATH...

For each program in turn: N tiny images are imported (bench/busy:K, one
file of 64 random bytes; the filling time is recorded) next to an image
that stays (bench/stay:1, with a container made before, so it is in use).
The program starts in daemon mode with --quota 0 -vv: its startup pass
deletes the N images. Meanwhile this script follows the daemon's /events
itself and, spread evenly over the deletions (one after every N/M image
deletes), creates M containers of bench/stay:1 (`docker create`: each a
use). When the program says it listens for events (the startup pass is
over), it is given SETTLE seconds more, then SIGTERM. A use counts as
recorded when its create event's timeNano appears in the program's
"image <stay> used at <ns>" lines (-vv); "during" counts those logged
before the pass ended. dockerd drops events for a subscriber that does not
read them (its queue is bounded, 100 ms timeout per event), so a program
that reads nothing between deletions loses some.
"""
import argparse
import atexit
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dockapi as d  # noqa: E402

REPO = "bench/busy"
STAY = "bench/stay:1"
PAD = 64
SETTLE = 3.0
LISTEN = b"listening for docker events"
USED = re.compile(rb"image (?:sha256:)?([0-9a-f]{64}) used at (\d+)")


def tagged(sock, repo):
    return [t for i in d.get_json(sock, "/images/json")
            for t in (i.get("RepoTags") or []) if t.startswith(repo + ":")]


def one(a, name, path, stay_id):
    sock = a.sock
    for t in tagged(sock, REPO):        # a previous program's leftovers
        d.request(sock, "DELETE", "/images/%s" % t)
    fill_s = d.import_many(sock, REPO, ["%s-%d" % (name, k)
                                        for k in range(a.images)], PAD)
    keeper = d.create_container(sock, STAY)
    logname = os.path.join(a.logs, "busy-evict-%s.log" % name)
    ev = d.Events(sock, since="%.9f" % time.time(),
                  filters={"type": ["container", "image"]})
    t0 = time.monotonic()
    log = open(logname, "wb")
    p = subprocess.Popen(
        [path, "--host", "unix://" + sock, "--quota", "0", "--state-file",
         "", "--remove-stopped-containers", "never", "--config",
         os.path.join(a.logs, "empty.json"), "-vv"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
    # never left running by an exception here (a daemon-mode program)
    atexit.register(lambda: p.poll() is None and p.kill())
    creates = {}        # container ID -> create timeNano
    made = []
    deletes = 0
    first_del = last_del = None
    end = time.monotonic() + a.timeout
    while time.monotonic() < end:
        want = len(made) * a.images // a.containers
        if len(made) < a.containers and deletes and deletes >= want:
            made.append(d.retry(d.create_container, sock, STAY))
            continue
        e = ev.next(timeout=1)
        if e is None:
            if p.poll() is not None:
                break
            if deletes >= a.images and len(made) >= a.containers:
                break
            with open(logname, "rb") as f:
                if LISTEN in f.read():
                    break       # the pass is over, deletions stalled
            continue
        if e.get("Type") == "image" and e.get("Action") == "delete":
            deletes += 1
            first_del = first_del or e["timeNano"]
            last_del = e["timeNano"]
        elif e.get("Type") == "container" and e.get("Action") == "create":
            creates[e["Actor"]["ID"]] = e["timeNano"]
        if deletes >= a.images and len(made) >= a.containers and \
                all(c in creates for c in made):
            break
    # the end of the startup pass, then SETTLE seconds to read the rest
    t_listen = None
    while time.monotonic() < end and p.poll() is None:
        with open(logname, "rb") as f:
            if LISTEN in f.read():
                t_listen = time.monotonic() - t0
                break
        time.sleep(0.05)
    while len(creates) < len(made):     # their create events, if late
        e = ev.next(timeout=2)
        if e is None:
            break
        if e.get("Type") == "container" and e.get("Action") == "create":
            creates[e["Actor"]["ID"]] = e["timeNano"]
    time.sleep(SETTLE)
    d.terminate(p, 30)
    log.close()
    ev.close()
    with open(logname, "rb") as f:
        text = f.read()
    cut = text.find(LISTEN)
    used, during = set(), set()
    for m in USED.finditer(text):
        if m.group(1).decode() != stay_id:
            continue
        used.add(int(m.group(2)))
        if cut < 0 or m.start() < cut:
            during.add(int(m.group(2)))
    mine = [creates.get(c) for c in made]
    rec = {"bench": "busy-evict", "prog": name, "images": a.images,
           "containers": len(made), "fill_s": round(fill_s, 1),
           "deleted": deletes,
           "removed_lines": text.count(b"removed image"),
           "catch_up_lines": text.count(b"event read between deletions"),
           "recorded": sum(1 for t in mine if t in used),
           "recorded_during": sum(1 for t in mine if t in during),
           "create_events_seen": sum(1 for t in mine if t is not None),
           "pass_s": round(t_listen, 2) if t_listen else None,
           "evict_daemon_s": round((last_del - first_del) / 1e9, 2)
           if first_del else None,
           "exit": p.returncode,
           "load": open("/proc/loadavg").read().split()[:3]}
    for c in made + [keeper]:
        d.request(sock, "DELETE", "/containers/%s" % c)
    for t in tagged(sock, REPO):
        d.request(sock, "DELETE", "/images/%s" % t)
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sock", required=True)
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--containers", type=int, default=100)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--out", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--bin", action="append", required=True)
    a = ap.parse_args()
    if not tagged(a.sock, "bench/stay"):
        d.import_image(a.sock, "bench/stay", "1", PAD)
    stay_id = d.get_json(a.sock, "/images/%s/json" % STAY)["Id"]
    stay_id = stay_id.split(":", 1)[-1]
    for b in a.bin:
        name, path = b.split("=", 1)
        r = one(a, name, path, stay_id)
        with open(a.out, "a") as f:
            f.write(json.dumps(r) + "\n")
        print("  %-14s %d images, %d containers made during the pass: "
              "%d uses recorded (%d during the pass), %d deleted in "
              "%s s (pass %s s; filling took %.0f s)" % (
                  name, a.images, r["containers"], r["recorded"],
                  r["recorded_during"], r["deleted"], r["evict_daemon_s"],
                  r["pass_s"], r["fill_s"]))


if __name__ == "__main__":
    main()
