#!/usr/bin/python3
"""Run the reference arvados-docker-cleaner unchanged under Debian's
python3-docker (docker-py 5).

docker-py 5 names the low-level client docker.APIClient (the reference calls
docker.Client), and the reference pins version='1.14' in main(), which
dockerd 28.5 refuses (min 1.24); it also reads VirtualSize, gone from API
1.44. So docker.Client here is an APIClient at API 1.41 on DOCKER_HOST.
Usage: ref_cleaner.py REFERENCE.py [reference's arguments...]
"""
import os
import runpy
import sys

import docker


def client(version=None, **kw):
    return docker.APIClient(
        base_url=os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"),
        version=os.environ.get("BENCH_API", "1.41"), **kw)


docker.Client = client
ref = sys.argv[1]
sys.argv = [ref] + sys.argv[2:]
runpy.run_path(ref, run_name="__main__")
