#!/usr/bin/python3
"""Fill the private dockerd at DC_SOCK up to N bench images and M containers.

  populate.py N M      (totals; what exists already counts)

Images are tiny distinct imports (bench/img:K, one file of 1 KiB random
bytes); containers are created (never started) from images spread evenly
over the list. Imports run 4 at a time (dockerd takes ~100 ms each).
"""
import os
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dockapi as d  # noqa: E402

sock = os.environ["DC_SOCK"]
n, m = int(sys.argv[1]), int(sys.argv[2])
imgs = d.get_json(sock, "/images/json")
have = len(imgs)
d.import_many(sock, "bench/img", [str(k) for k in range(have, n)])
imgs = [i["Id"] for i in d.get_json(sock, "/images/json")]
ctrs = len(d.get_json(sock, "/containers/json?all=1"))
step = max(1, len(imgs) // max(1, m))
with ThreadPoolExecutor(2) as ex:
    list(ex.map(lambda k: d.retry(d.create_container, sock,
                                   imgs[(k * step) % len(imgs)]),
                range(ctrs, m)))
print("images %d containers %d" % (
    len(d.get_json(sock, "/images/json")),
    len(d.get_json(sock, "/containers/json?all=1"))))
