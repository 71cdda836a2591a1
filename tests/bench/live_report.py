#!/usr/bin/python3
"""live_report.py DIR: the tables of DIR/live.jsonl (handshakes.py,
busy_evict.py) as markdown on stdout; run.sh writes them to DIR/live.md
and appends that to DIR/report.md."""
import json
import os
import sys


def main():
    path = os.path.join(sys.argv[1], "live.jsonl")
    recs = []
    if os.path.exists(path):
        with open(path) as f:
            recs = [json.loads(ln) for ln in f if ln.strip()]
    tls = [r for r in recs if r["bench"] == "tls-handshakes"]
    busy = [r for r in recs if r["bench"] == "busy-evict"]
    print("## Real dockerd: TLS handshakes, events during a long eviction\n")
    if tls:
        print("A `--once` startup pass over tcp:// with TLS (RSA 4096, "
              "`--tlsverify`) deleting the images; handshakes = TCP "
              "connections to the daemon's port (strace), wall = median of "
              "the runs without strace.\n")
        print("| program | deletions | handshakes | wall median (s) "
              "| min..max (s) | runs | not deleted | load |")
        print("|---|---:|---:|---:|---|---:|---:|---|")
        for r in tls:
            print("| %s | %d | %s | %s | %s | %d | %d | %s |" % (
                r["prog"], r["deletions"], r["handshakes"],
                "%.3f" % r["median_s"] if r["median_s"] is not None
                else "-",
                "%.3f..%.3f" % (r["min_s"], r["max_s"])
                if r["min_s"] is not None else "-",
                len(r["walls_s"]), r["not_deleted"], " ".join(r["load"])))
        print()
    if busy:
        print("A startup pass (daemon mode, `--quota 0 -vv`) deleting the "
              "images while containers of an image that stays are created, "
              "spread over the deletions; a use is recorded when its "
              "create event's time is in the program's log.\n")
        print("| program | images | deleted | containers | uses recorded "
              "| during the pass | eviction (s, daemon clock) | pass (s) "
              "| filling (s) | load |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in busy:
            print("| %s | %d | %d | %d | %d | %d | %s | %s | %s | %s |" % (
                r["prog"], r["images"], r["deleted"], r["containers"],
                r["recorded"], r["recorded_during"], r["evict_daemon_s"],
                r["pass_s"], r["fill_s"], " ".join(r["load"])))
        print()
    if not recs:
        print("(no results)\n")


if __name__ == "__main__":
    main()
