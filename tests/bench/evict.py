#!/usr/bin/python3
"""Event-to-deletion benchmark against a real dockerd (DC_SOCK).

  evict.py --prog NAME --count N --out RESULTS.jsonl --log FILE
           --line REGEX -- CMD... ({QUOTA} in CMD is replaced)

The quota is the images' total size now plus half an image, so the startup
pass deletes nothing and each new image pushes the total over by half an
image. Then N times: import a new image, create a container from it (a
use), wait GAP, remove the container. The cleaner sees the "destroy" and
deletes the least recently used image. (Without GAP the reference often
inspects the container after it is gone and loses the use: its defect,
not what is measured here.) From the daemon's own /events stream (read
here) the time from the container's destroy (timeNano) to the image's
delete (timeNano) is taken: both are the daemon's clock. The first rounds
are a warm-up and not counted.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dockapi as d  # noqa: E402

PAD = 1024
WARM = 3
GAP = 0.3       # s between a container's create and its removal
SETTLE = 0.2    # s after each deletion


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prog", required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--out", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--line", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--direct", action="store_true",
                    help="no cleaner: the harness deletes the oldest image "
                    "itself on reading the destroy (the daemon's floor)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    sock = os.environ["DC_SOCK"]
    n, total = d.image_total(sock)
    quota = total + PAD // 2
    cmd = [x.replace("{QUOTA}", str(quota)) for x in cmd]
    ev = d.Events(sock, since="%.9f" % time.time(),
                  filters={"type": ["container", "image"]})
    seen = threading.Event()
    pat = re.compile(a.line.encode())
    log = open(a.log, "wb")
    if a.direct:
        # the oldest images first, as the cleaners would pick them
        victims = [i["Id"] for i in d.get_json(sock, "/images/json")]
        p = subprocess.Popen(["sleep", "3600"])
        seen.set()
    else:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)

    def reader():
        for line in p.stderr:
            log.write(line)
            log.flush()
            if pat.search(line):
                seen.set()
    th = threading.Thread(target=reader if not a.direct else lambda: None,
                          daemon=True)
    th.start()
    if not seen.wait(600):
        p.kill()
        sys.exit("evict.py: %s never started following events" % a.prog)
    lat = []
    misses = 0
    tag = "%d%d" % (os.getpid(), int(time.time()))
    for i in range(a.count + WARM):
        img = d.import_image(sock, "bench/evict", "%s-%d" % (tag, i), PAD)
        cid = d.create_container(sock, img)
        # the reference inspects the container on its create event: one
        # removed before that is a use lost (its defect), so give it time
        time.sleep(GAP)
        d.remove_container(sock, cid)
        t_destroy = t_delete = None
        end = time.monotonic() + 30
        while t_delete is None and time.monotonic() < end:
            e = ev.next(timeout=max(0.01, end - time.monotonic()))
            if e is None:
                continue
            if e.get("Type") == "container" and e.get("Action") == \
                    "destroy" and e["Actor"]["ID"] == cid:
                t_destroy = e["timeNano"]
                if a.direct:
                    st, _ = d.request(sock, "DELETE", "/images/%s" %
                                      victims.pop(0))
            elif e.get("Type") == "image" and e.get("Action") == "delete" \
                    and t_destroy is not None:
                t_delete = e["timeNano"]
        if t_delete is None:
            misses += 1
            print("  %s: round %d: no deletion within 30 s" % (a.prog, i),
                  file=sys.stderr)
            continue
        if i >= WARM:
            lat.append((t_delete - t_destroy) / 1e6)
        time.sleep(SETTLE)     # the reference lists all images after it
    d.terminate(p, 10)
    th.join(5)
    log.close()
    ev.close()
    lat.sort()
    r = {"prog": a.prog, "label": a.label, "rounds": len(lat),
         "misses": misses, "quota": quota, "images_before": n,
         "median_ms": statistics.median(lat) if lat else None,
         "p90_ms": lat[int(0.9 * (len(lat) - 1))] if lat else None,
         "max_ms": lat[-1] if lat else None,
         "min_ms": lat[0] if lat else None, "all_ms": lat}
    with open(a.out, "a") as f:
        f.write(json.dumps(r) + "\n")
    print("  %-12s destroy->delete over %d evictions: median %.2f ms, "
          "p90 %.2f ms, worst %.2f ms%s" % (
              a.prog, len(lat), r["median_ms"] or -1, r["p90_ms"] or -1,
              r["max_ms"] or -1,
              ", %d rounds without deletion" % misses if misses else ""))


if __name__ == "__main__":
    main()
