#!/usr/bin/python3
"""TLS handshakes of a startup pass with deletions, against a real dockerd
listening on tcp://127.0.0.1:PORT with --tlsverify (issue 12, "one
connection for requests").

  handshakes.py certs DIR
      an RSA 4096 set as in Docker's documentation (CA, server certificate
      for 127.0.0.1 and localhost, client certificate): DIR/ca.pem,
      server-cert.pem, server-key.pem, cert.pem, key.pem
  handshakes.py run --sock S --port P --certs DIR --count N --reps R
                    --out RESULTS.jsonl --logs DIR --bin NAME=PATH...
      R+1 rounds per program, the programs in turn: N tiny images are
      imported (through the unix socket S), then `PROG --once --quota 0`
      over TLS deletes them. In round 0 the program runs under strace
      (connect(2) only, filtered by seccomp): the TCP connections to P are
      the TLS handshakes (each one a full handshake: no session resumption).
      Rounds 1..R run without strace: their wall times are the figures.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dockapi as d  # noqa: E402

REPO = "bench/tls"
PAD = 64


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def certs(dirname):
    os.makedirs(dirname, exist_ok=True)

    def p(n):
        return os.path.join(dirname, n)

    for k in ("ca-key.pem", "server-key.pem", "key.pem"):
        sh("openssl", "genrsa", "-out", p(k), "4096")
    sh("openssl", "req", "-new", "-x509", "-days", "30", "-key",
       p("ca-key.pem"), "-sha256", "-subj", "/CN=bench CA", "-out", p("ca.pem"))
    for crt, key, ext in (
            ("server-cert.pem", "server-key.pem",
             "subjectAltName = DNS:localhost,IP:127.0.0.1\n"
             "extendedKeyUsage = serverAuth\n"),
            ("cert.pem", "key.pem", "extendedKeyUsage = clientAuth\n")):
        with open(p(crt + ".ext"), "w") as f:
            f.write(ext)
        sh("openssl", "req", "-new", "-key", p(key), "-subj",
           "/CN=docker-cleaner-bench", "-out", p(crt + ".csr"))
        sh("openssl", "x509", "-req", "-in", p(crt + ".csr"), "-CA",
           p("ca.pem"), "-CAkey", p("ca-key.pem"), "-CAcreateserial",
           "-days", "30", "-sha256", "-extfile", p(crt + ".ext"),
           "-out", p(crt))


def bench_images(sock):
    return sum(1 for i in d.get_json(sock, "/images/json")
               for t in (i.get("RepoTags") or []) if t.startswith(REPO + ":"))


def clear(sock):
    for i in d.get_json(sock, "/images/json"):
        for t in i.get("RepoTags") or []:
            if t.startswith(REPO + ":"):
                d.request(sock, "DELETE", "/images/%s" % t)


def one(a, name, path, rnd, traced):
    """one pass: (wall s, connections or None, deletions, images left,
    exit status)"""
    # the most recent image stays: one more than the deletions
    d.import_many(a.sock, REPO, ["%s-%d-%d" % (name, rnd, k) for k in
                                 range(a.count + 1 - bench_images(a.sock))],
                  PAD)
    c = a.certs
    cmd = [path, "--host", "tcp://127.0.0.1:%d" % a.port,
           "--tlscacert", os.path.join(c, "ca.pem"),
           "--tlscert", os.path.join(c, "cert.pem"),
           "--tlskey", os.path.join(c, "key.pem"),
           "--config", os.path.join(a.logs, "empty.json"),
           "--state-file", "", "--once", "--quota", "0", "-v"]
    st = os.path.join(a.logs, "handshakes-%s.strace" % name)
    if traced:
        cmd = ["strace", "-f", "--seccomp-bpf", "-e", "trace=connect",
               "-o", st] + cmd
    logname = os.path.join(a.logs, "handshakes-%s-%d.log" % (name, rnd))
    with open(logname, "wb") as log:
        t0 = time.monotonic()
        rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=log).returncode
        wall = time.monotonic() - t0
    with open(logname, "rb") as log:
        dels = log.read().count(b"removed image")
    conns = None
    if traced:
        with open(st) as f:
            conns = sum(1 for ln in f if "connect(" in ln and
                        "sin_port=htons(%d)" % a.port in ln)
    return wall, conns, dels, bench_images(a.sock) - 1, rc


def run(a):
    bins = [b.split("=", 1) for b in a.bin]
    left = bench_images(a.sock)
    if left:
        sys.exit("handshakes.py: %d %s images there already" % (left, REPO))
    res = {n: {"walls": [], "conns": None, "left": 0, "rcs": [],
               "dels": []} for n, _ in bins}
    for rnd in range(a.reps + 1):
        for name, path in bins:
            wall, conns, dels, left, rc = one(a, name, path, rnd, rnd == 0)
            r = res[name]
            r["rcs"].append(rc)
            r["dels"].append(dels)
            r["left"] += left
            if rnd == 0:
                r["conns"] = conns
            else:
                r["walls"].append(wall)
            if left:    # not deleted: removed here, counted above
                clear(a.sock)
    clear(a.sock)       # the most recent one, which stayed
    with open(a.out, "a") as f:
        for name, _ in bins:
            r = res[name]
            w = sorted(r["walls"])
            rec = {"bench": "tls-handshakes", "prog": name,
                   "deletions": min(r["dels"]), "handshakes": r["conns"],
                   "median_s": statistics.median(w) if w else None,
                   "min_s": w[0] if w else None,
                   "max_s": w[-1] if w else None, "walls_s": w,
                   "not_deleted": r["left"], "exit": r["rcs"],
                   "load": open("/proc/loadavg").read().split()[:3]}
            f.write(json.dumps(rec) + "\n")
            print("  %-14s %d deletions over TLS: %s handshakes, wall "
                  "median %.3f s (%.3f..%.3f, %d runs)%s" % (
                      name, rec["deletions"], r["conns"], rec["median_s"] or -1,
                      rec["min_s"] or -1, rec["max_s"] or -1, len(w),
                      ", %d images not deleted" % r["left"]
                      if r["left"] else ""))


def main():
    if sys.argv[1:2] == ["certs"] and len(sys.argv) == 3:
        certs(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["run"])
    ap.add_argument("--sock", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--certs", required=True)
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--bin", action="append", required=True)
    run(ap.parse_args())


if __name__ == "__main__":
    main()
