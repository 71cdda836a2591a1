#!/usr/bin/python3
"""Measure one process's startup pass: wall time, CPU (user+sys) and peak RSS.

  measure.py [--line REGEX] [--timeout S] [--log FILE] [--env K=V]... -- CMD...

Without --line: until CMD exits (its stderr closes). With --line: until a
line of CMD's stderr matches REGEX; CMD is then killed (SIGKILL). CMD runs
under build/bench/launch (launch.c), which takes its rusage with wait4():
forked from Python, the child would inherit Python's peak RSS. Wall runs
from just before the fork to the exit or the line.
Prints one JSON object: wall, user, sys, cpu, rss_kib, rc, ok, and with
--line hwm_kib: the child's VmHWM when the line was read (exact; rss_kib,
ru_maxrss, moves in steps of 128 KiB on recent kernels), and anon_kib and
file_kib: its RssAnon (bss, data and stack pages the program wrote: the
program's own memory, which in daemon mode only grows) and RssFile (the
binary's pages, which the kernel maps in blocks around each fault, 64
KiB or a whole page-cache folio, not page by page as the program touches
them) at that moment.
"""
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

LAUNCH = os.environ.get("BENCH_LAUNCH", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "bench",
    "launch"))


STATUS = {"VmHWM:": "hwm_kib", "RssAnon:": "anon_kib",
          "RssFile:": "file_kib"}


def vmhwm(launch_pid):
    """VmHWM, RssAnon and RssFile (kB) of launch's child, read from /proc
    before it is killed, as a dict with the keys of STATUS: exact, where
    ru_maxrss from wait4() moves in steps of 128 KiB on recent kernels
    (per-CPU RSS counters). Empty when unreadable."""
    got = {}
    try:
        with open("/proc/%d/task/%d/children" % (launch_pid,
                                                 launch_pid)) as f:
            kids = f.read().split()
        with open("/proc/%s/status" % kids[0]) as f:
            for line in f:
                w = line.split()
                if w and w[0] in STATUS:
                    got[STATUS[w[0]]] = int(w[1])
    except (OSError, IndexError, ValueError):
        pass
    return got


def main():
    args = sys.argv[1:]
    line_re = None
    timeout = 600.0
    log = None
    env = dict(os.environ)
    while args and args[0] != "--":
        opt = args.pop(0)
        if opt == "--line":
            line_re = re.compile(args.pop(0).encode())
        elif opt == "--timeout":
            timeout = float(args.pop(0))
        elif opt == "--log":
            log = open(args.pop(0), "wb")
        elif opt == "--env":
            k, v = args.pop(0).split("=", 1)
            env[k] = v
        else:
            sys.exit("measure.py: unknown option " + opt)
    cmd = args[1:]
    fd_, rfile = tempfile.mkstemp(prefix="bench-rusage.")
    os.close(fd_)
    t0 = time.monotonic()
    p = subprocess.Popen([LAUNCH, rfile] + cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         env=env)
    fd = p.stderr.fileno()
    buf = b""
    matched = False
    t1 = None
    end = t0 + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            break
        d = os.read(fd, 65536)
        if not d:
            t1 = time.monotonic()   # stderr closed: the child ended
            break
        if log:
            log.write(d)
        buf += d
        if line_re:
            lines = buf.split(b"\n")
            buf = lines.pop()
            if any(line_re.search(x) for x in lines):
                t1 = time.monotonic()
                matched = True
                break
    ok = matched if line_re else t1 is not None
    if t1 is None:
        t1 = time.monotonic()
    mem = vmhwm(p.pid) if matched else {}
    if line_re or not ok:
        p.send_signal(signal.SIGTERM)   # launch kills the child
    p.wait()
    if log:
        log.close()
    with open(rfile) as f:
        rss, user, sys_, rc = f.read().split()
    os.unlink(rfile)
    user, sys_ = float(user), float(sys_)
    print(json.dumps({
        "wall": round(t1 - t0, 6), "user": user, "sys": sys_,
        "cpu": round(user + sys_, 6), "rss_kib": int(rss), "rc": int(rc),
        "ok": ok, **mem}))


if __name__ == "__main__":
    main()
