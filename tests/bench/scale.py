#!/usr/bin/python3
"""Scale benchmarks against the replay server (replay.py), in one process.

  scale.py --out DIR --sizes 200,1000,10000,100000 --ids random,alike
           --reps R --containers M --bin NAME=PATH... [--ref REFERENCE.py]
           [--ref-max N] [--small NAME=PATH --small-max N]
           [--decision-sizes 10000,100000] [--decision-rounds K]
           [--callgrind NAME=PATH]...

1. Startup pass at each size and each kind of IDs (random: sha256 of a
   counter; alike: the first 56 hex digits the same, a hostile daemon's
   choice): startup.py (the reference with random IDs only, and each
   binary in --once, daemon mode, and daemon mode with a state file),
   appended to DIR/results.jsonl with the label replay-N (random) or
   replay-alike-N.
2. Table full, past the maximum: --small is a build with small tables
   (-DIMAGE_MAX=N, --small-max N), at the first decision size:
   --once --dry-run with a quota that forces deletions: what it would
   delete must be images it tracks, never one it could not account for,
   and --once must exit 1. Also with containers on the oldest images
   (spread), which needs an inspect of images that do not fit the table
   during the container list. No cliff: the same with the first binary
   (the default build) at the largest size, with M containers and with
   as many containers as images.
3. One destroy-triggered decision at each decision size, each program in
   daemon mode: the time from a live "create" event to the client's
   inspect of that container (the event path alone), and from a "destroy"
   event followed at once by a "create" to the inspect of the second
   container (the event path plus the whole destroy handling). The
   difference of the medians is the destroy handling. Quota 1T: nothing
   is deleted, so no daemon round trip is inside. With --callgrind, the
   same sources built with symbols run under valgrind --tool=callgrind
   collecting only cl_decided() (inventory facts, policy, metrics):
   instructions per decision.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import replay  # noqa: E402

PY = "/usr/bin/python3"


def log(*a):
    print(*a, flush=True)


class Prog:
    """A cleaner in daemon mode; .ready when its follow line was logged."""

    def __init__(self, cmd, line, logpath, env=None):
        self.ready = threading.Event()
        self.pat = re.compile(line.encode())
        self.log = open(logpath, "wb")
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, env=env)
        self.t = threading.Thread(target=self.read, daemon=True)
        self.t.start()

    def read(self):
        for line in self.p.stderr:
            self.log.write(line)
            if not self.ready.is_set() and self.pat.search(line):
                self.ready.set()

    def stop(self, sig=signal.SIGTERM, wait=60):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            self.p.wait(wait)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.t.join(10)
        self.log.close()


def dc_cmd(path, sock, empty, quota="1T", extra=()):
    return [path, "--host", "unix://" + sock, "--quota", quota,
            "--remove-stopped-containers", "never", "--state-file", "",
            "--config", empty, "-v"] + list(extra)


def ref_cmd(ref, empty, quota="1T"):
    return [PY, os.path.join(HERE, "ref_cleaner.py"), ref, "--config",
            empty, "--quota", quota, "--remove-stopped-containers", "never",
            "-vv"]


def cpu_ns(pid):
    """CPU time the process (its main thread) has run, in ns."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, TypeError):
        return 0


def decision_rounds(rp, rounds, settle, pid=None):
    """Per round, after 3 warm-up rounds: wall (ms) from a create event to
    the inspect of its container, and from a destroy event followed at once
    by a create to the inspect of the second container; and the CPU time
    (ms, /proc/PID/schedstat) the client spent on each. Containers use
    images already tracked (the newest ones)."""
    res = {"create": [], "dc": [], "create_cpu": [], "dc_cpu": []}
    imgs = list(rp.order[:50])
    j = 10 ** 6

    def inspected(cid):
        return lambda m, p: m == "GET" and ("/containers/%s/json" % cid) in p

    for k in range(rounds + 3):
        img = imgs[k % len(imgs)]
        attrs = {"image": rp.images[img]["RepoTags"][0]}
        j += 1
        c1 = rp.add_container(j, img, int(time.time()))
        u0 = cpu_ns(pid)
        t1 = rp.emit("container", "create", c1, attrs)
        r1 = rp.wait_request(inspected(c1), t1)
        if r1 is None:
            raise RuntimeError("no inspect after a create event")
        time.sleep(settle)
        u1 = cpu_ns(pid)
        j += 1
        c2 = rp.add_container(j, img, int(time.time()))
        rp.remove_container(c1, emit=False)
        t2 = rp.emit("container", "destroy", c1, attrs)
        rp.emit("container", "create", c2, attrs)
        r2 = rp.wait_request(inspected(c2), t2, timeout=300)
        if r2 is None:
            raise RuntimeError("no inspect after destroy + create")
        time.sleep(settle)
        u2 = cpu_ns(pid)
        if k >= 3:
            res["create"].append((r1[0] - t1) * 1000)
            res["dc"].append((r2[0] - t2) * 1000)
            res["create_cpu"].append((u1 - u0) / 1e6)
            res["dc_cpu"].append((u2 - u1) / 1e6)
    return res


def callgrind(path, sock, empty, rounds, outdir, name):
    """Instructions of cl_decided() per call, in daemon mode at the replay
    server's size: the startup pass's decision plus `rounds` destroys."""
    out = os.path.join(outdir, "callgrind.%s.out" % name)
    cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
           "--toggle-collect=cl_decided", "--callgrind-out-file=" + out,
           ] + dc_cmd(path, sock, empty)
    return cmd, out


def callgrind_totals(out):
    total = None
    with open(out) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    sortir = 0
    try:
        ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", out],
                             stdout=subprocess.PIPE, text=True).stdout
        for line in ann.splitlines():
            m = re.match(r"\s*([\d,]+)\s.*\?\?\?:qsort \[", line)
            if m:
                sortir = int(m.group(1).replace(",", ""))
    except OSError:
        pass
    return total, sortir


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", default="200,1000,10000,100000")
    ap.add_argument("--ids", default="random,alike")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--ref-reps", type=int, default=3)
    ap.add_argument("--containers", type=int, default=500)
    ap.add_argument("--bin", action="append", default=[])
    ap.add_argument("--ref")
    ap.add_argument("--ref-max", type=int, default=100000)
    ap.add_argument("--decision-sizes", default="10000,100000")
    ap.add_argument("--small")
    ap.add_argument("--small-max", type=int, default=4096)
    ap.add_argument("--decision-rounds", type=int, default=50)
    ap.add_argument("--callgrind", action="append", default=[])
    ap.add_argument("--callgrind-rounds", type=int, default=10)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    logs = os.path.join(a.out, "logs")
    os.makedirs(logs, exist_ok=True)
    empty = os.path.join(logs, "empty.json")
    with open(empty, "w") as f:
        f.write("{}\n")
    tmp = tempfile.mkdtemp(prefix="dcbench.")
    sock = os.path.join(tmp, "replay.sock")
    results = os.path.join(a.out, "results.jsonl")
    bins = [b.split("=", 1) for b in a.bin]

    # 1. startup pass at each size, random and alike IDs
    for n in [int(x) for x in a.sizes.split(",") if x]:
        for ids in a.ids.split(","):
            alike = ids == "alike"
            lab = "replay-%s%d" % ("alike-" if alike else "", n)
            t = time.time()
            rp = replay.Replay(sock, n, a.containers, alike=alike).start()
            rp.list_body("images")
            rp.list_body("ctrs")
            log("replay server: %d images (%s IDs), %d containers (%.1f s "
                "to generate)" % (n, ids, a.containers, time.time() - t))
            cmd = [PY, os.path.join(HERE, "startup.py"), "--sock", sock,
                   "--label", lab, "--images", str(n),
                   "--containers", str(a.containers), "--reps", str(a.reps),
                   "--ref-reps", str(a.ref_reps), "--out", results,
                   "--logs", logs, "--state"]
            if a.ref and n <= a.ref_max and not alike:
                cmd += ["--ref", a.ref]
            for name, path in bins:
                cmd += ["--bin", "%s=%s" % (name, path)]
            subprocess.run(cmd, check=True)
            # table-full log lines of the default build: none expected
            name = bins[0][0]
            with open(os.path.join(logs, "%s-%s-once.log" % (lab, name)),
                      "rb") as f:
                full = sum(1 for x in f if b"table full" in x or
                           b"tables are full" in x)
            with open(results, "a") as f:
                f.write(json.dumps({"label": lab, "prog": name,
                                    "mode": "table-full-lines",
                                    "lines": full}) + "\n")
            log("  %s --once logged 'table full' %d times" % (name, full))
            rp.stop()

    # 2. past the maximum (a build with small tables), and no cliff (the
    # default build at the largest size, also with as many containers)
    dsizes = [int(x) for x in a.decision_sizes.split(",") if x]
    top = max(int(x) for x in a.sizes.split(",") if x)
    runs = []
    if a.small:
        name, path = a.small.split("=", 1)
        runs += [("table-full", name, path, dsizes[0], a.containers, sp,
                  a.small_max) for sp in (False, True)]
    runs += [("no-cliff", bins[0][0], bins[0][1], top, m, False, None)
             for m in (a.containers, top)]
    for label, name, path, n, m, spread, imax in runs:
        past_max(label, name, path, n, m, spread, imax, sock, empty,
                 results)

    # 3. one destroy-triggered decision at each decision size
    for n in dsizes:
        decisions(a, n, bins, sock, empty, logs, results)
    try:
        os.rmdir(tmp)
    except OSError:
        pass


def past_max(label, name, path, n, m, spread, imax, sock, empty, results):
    """--once --dry-run -vv at n images, m containers, quota ~1000 images:
    what would be deleted, and whether any of it is in use or past the
    table (list position >= imax)."""
    rp = replay.Replay(sock, n, m, spread=spread).start()
    listed = list(rp.order)
    used = {c["ImageID"] for c in rp.ctrs.values()}
    size = rp.images[listed[0]]["Size"]
    quota = 1000 * size      # room for ~1000 of the images
    t = time.monotonic()
    p = subprocess.run(dc_cmd(path, sock, empty, str(quota),
                              ["--once", "--dry-run", "-vv"]),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - t
    would = re.findall(rb"would delete image (sha256:[0-9a-f]{64})",
                       p.stdout)
    would = [w.decode() for w in would]
    pos = {iid: i for i, iid in enumerate(listed)}
    managed = re.findall(rb"(\d+) images managed", p.stderr)
    full = p.stderr.count(b"table full") + p.stderr.count(b"tables are full")
    errs = [x.decode(errors="replace") for x in p.stderr.splitlines()
            if b"table full" not in x and (b"error" in x or
                                           b"warning" in x)][:5]
    r = {"label": label, "prog": name, "mode": "spread" if spread
         else "newest", "images": n, "containers": m, "image_max": imax,
         "quota": quota, "rc": p.returncode, "wall": round(wall, 3),
         "would_delete": len(would),
         "managed": int(managed[-1]) if managed else None,
         "table_full_lines": full,
         "max_list_pos": max((pos[w] for w in would), default=None),
         "deleted_in_use": sum(1 for w in would if w in used),
         "deleted_untracked": sum(1 for w in would if imax and
                                  pos[w] >= imax),
         "errors": errs}
    with open(results, "a") as f:
        f.write(json.dumps(r) + "\n")
    log("%s (%s, %d images, %d containers on the %s images): rc %d, "
        "manages %s, would delete %d (latest list position %s), %d in "
        "use, %d 'table full' lines%s" % (
            label, name, n, m, "spread" if spread else "newest",
            p.returncode, r["managed"], len(would), r["max_list_pos"],
            r["deleted_in_use"], full,
            "; " + " | ".join(errs) if errs else ""))
    rp.stop()


def decisions(a, n, bins, sock, empty, logs, results):
    progs = [(nm, dc_cmd(pth, sock, empty), "listening for docker events")
             for nm, pth in bins]
    if a.ref:
        progs.append(("reference", ref_cmd(a.ref, empty),
                      "Listening for docker events"))
    for nm, cmd, line in progs:
        rp = replay.Replay(sock, n, a.containers).start()
        env = dict(os.environ, DOCKER_HOST="unix://" + sock)
        pr = Prog(cmd, line, os.path.join(logs, "decision-%d-%s.log" %
                                          (n, nm)), env)
        if not pr.ready.wait(900):
            pr.stop()
            rp.stop()
            log("decision: %s did not start following events" % nm)
            continue
        time.sleep(0.5)
        settle = 0.3 if nm == "reference" else 0.05
        res = decision_rounds(rp, a.decision_rounds, settle, pr.p.pid)
        pr.stop()
        rp.stop()
        m = {k: statistics.median(v) for k, v in res.items()}
        r = {"label": "decision-%d" % n, "prog": nm, "mode": "decision",
             "rounds": len(res["dc"]), "create_ms": m["create"],
             "destroy_create_ms": m["dc"],
             "decision_ms": m["dc"] - m["create"],
             "destroy_create_max_ms": max(res["dc"]),
             "create_cpu_ms": m["create_cpu"], "dc_cpu_ms": m["dc_cpu"],
             "decision_cpu_ms": m["dc_cpu"] - m["create_cpu"],
             "all": res}
        with open(results, "a") as f:
            f.write(json.dumps(r) + "\n")
        log("decision at %d images, %-14s: wall create %.3f ms, "
            "destroy+create %.3f ms (worst %.3f): destroy %.3f ms; CPU "
            "create %.3f ms, destroy+create %.3f ms: destroy %.3f ms "
            "(medians of %d)" % (
                n, nm, m["create"], m["dc"], max(res["dc"]), r["decision_ms"],
                m["create_cpu"], m["dc_cpu"], r["decision_cpu_ms"],
                len(res["dc"])))

    for spec in a.callgrind:
        nm, path = spec.split("=", 1)
        rp = replay.Replay(sock, n, a.containers).start()
        cmd, out = callgrind(path, sock, empty, a.callgrind_rounds, a.out,
                            "%s-%d" % (nm, n))
        pr = Prog(cmd, "listening for docker events",
                  os.path.join(logs, "callgrind-%d-%s.log" % (n, nm)))
        if not pr.ready.wait(900):
            pr.stop()
            rp.stop()
            log("callgrind: %s did not start" % nm)
            continue
        decision_rounds(rp, a.callgrind_rounds - 3, 0.3)
        pr.stop(wait=120)
        rp.stop()
        total, sortir = callgrind_totals(out)
        calls = 1 + a.callgrind_rounds   # the startup pass, each destroy
        r = {"label": "decision-%d" % n, "prog": nm, "mode": "callgrind",
             "ir_total": total, "calls": calls,
             "ir_per_decision": total / calls if total else None,
             "qsort_share": sortir / total if total else None}
        with open(results, "a") as f:
            f.write(json.dumps(r) + "\n")
        log("callgrind at %d images, %-10s: %.2f M instructions per "
            "decision (cl_decided), %.0f%% in qsort" % (
                n, nm, r["ir_per_decision"] / 1e6 if total else -1,
                100 * (r["qsort_share"] or 0)))


if __name__ == "__main__":
    main()
