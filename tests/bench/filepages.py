#!/usr/bin/python3
"""Memory at 200 images by build, and why the binary's pages are not ours.

  filepages.py --out DIR --bin NAME=PATH... [--reps R]

1. The folio demo: a static musl program with 256 functions of 4 KiB
   each (1 MiB of text) reads its own text mapping's Rss from
   /proc/self/smaps at the start of main, after calling the 100th
   function and after calling the 200th. Were the kernel to map only the
   pages a program touches, with fault-around, each call would add at
   most 64 KiB; on kernels with large page-cache folios it adds whole
   folios. Written to DIR/filepages.jsonl.
2. Each --bin (the default build and the TLS=0 build, say) at 200 images
   and 500 containers on the replay server, daemon mode with a state
   file (the memory goal's setting): startup.py with the label
   builds-200, appended to DIR/results.jsonl (VmHWM, RssAnon, RssFile).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import replay  # noqa: E402

PY = "/usr/bin/python3"
NFUN = 256


def demo_source():
    s = ["#include <stdio.h>\n#include <string.h>\n"]
    for i in range(NFUN):
        s.append("__attribute__((noinline, aligned(4096))) int f%d(int x) "
                 "{ return x * %d + 1; }\n" % (i, i))
    s.append(r'''
static long text_rss(void)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char l[256];
	int on = 0;
	long kb = -1;

	while (f && fgets(l, sizeof l, f))
		if (strstr(l, "r-xp"))
			on = 1;
		else if (on && sscanf(l, "Rss: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

int main(void)
{
	long a = text_rss(), b, c;
	int x = f100(3);

	b = text_rss();
	x += f200(3);
	c = text_rss();
	printf("%ld %ld %ld\n", a, b, c);
	return x == 0;
}
''')
    return "".join(s)


def folio_demo(out):
    d = tempfile.mkdtemp(prefix="bench-folio.")
    src, prog = os.path.join(d, "demo.c"), os.path.join(d, "demo")
    with open(src, "w") as f:
        f.write(demo_source())
    subprocess.run(["musl-gcc", "-static", "-O1", "-o", prog, src],
                   check=True)
    subprocess.run([prog], stdout=subprocess.DEVNULL)   # into the cache
    a, b, c = (int(x) for x in subprocess.run(
        [prog], stdout=subprocess.PIPE, check=True).stdout.split())
    r = {"kind": "folio-demo", "text_kib": NFUN * 4, "start_kib": a,
         "after_one_kib": b, "after_two_kib": c,
         "kernel": os.uname().release}
    with open(os.path.join(out, "filepages.jsonl"), "a") as f:
        f.write(json.dumps(r) + "\n")
    print("folio demo: text %d KiB; text Rss %d kB at main, %d kB after "
          "one call, %d kB after two (kernel %s)" % (
              r["text_kib"], a, b, c, r["kernel"]), flush=True)
    for p in (src, prog):
        os.unlink(p)
    os.rmdir(d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--bin", action="append", default=[])
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    folio_demo(a.out)
    d = tempfile.mkdtemp(prefix="bench-builds.")
    sock = os.path.join(d, "docker.sock")
    rp = replay.Replay(sock, 200, 500).start()
    cmd = [PY, os.path.join(HERE, "startup.py"), "--sock", sock,
           "--label", "builds-200", "--images", "200", "--containers",
           "500", "--reps", str(a.reps), "--state",
           "--out", os.path.join(a.out, "results.jsonl"),
           "--logs", os.path.join(a.out, "logs")]
    for b in a.bin:
        cmd += ["--bin", b]
    try:
        subprocess.run(cmd, check=True)
    finally:
        rp.stop()
        if os.path.exists(sock):
            os.unlink(sock)
        os.rmdir(d)


if __name__ == "__main__":
    main()
