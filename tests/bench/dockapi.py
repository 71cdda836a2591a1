"""Minimal Docker Engine API client over a unix socket (standard library).

Used by the benchmarks to fill a private dockerd with images and containers
and to read its /events stream. Not a general client: one request per
connection, API version pinned (1.41 by default, as the whole bench uses).
"""
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import time

API = os.environ.get("BENCH_API", "1.41")


class UnixConn(http.client.HTTPConnection):
    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def request(sock, method, path, body=None, headers=None, timeout=120):
    """(status, body bytes) of one request; path without the /vX prefix."""
    c = UnixConn(sock, timeout)
    try:
        c.request(method, "/v%s%s" % (API, path), body=body,
                  headers=headers or {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def get_json(sock, path):
    st, b = request(sock, "GET", path)
    if st != 200:
        raise RuntimeError("GET %s: %d %s" % (path, st, b[:200]))
    return json.loads(b)


def tiny_tar(name, pad):
    """A tar holding one file of `pad` random bytes: a distinct image."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = os.urandom(pad)
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mtime = 0
        t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def import_image(sock, repo, tag, pad=1024):
    """POST /images/create?fromSrc=-: a new image REPO:TAG; returns its ID."""
    st, b = request(sock, "POST",
                    "/images/create?fromSrc=-&repo=%s&tag=%s" % (repo, tag),
                    body=tiny_tar("pad", pad),
                    headers={"Content-Type": "application/x-tar"})
    if st != 200:
        raise RuntimeError("import: %d %s" % (st, b[:200]))
    for line in b.splitlines():
        try:
            s = json.loads(line).get("status", "")
        except ValueError:
            continue
        if s.startswith("sha256:"):
            return s
    raise RuntimeError("import: no ID in %r" % b[:200])


def retry(fn, *a):
    """fn(*a), tried 4 times: a busy machine makes dockerd fail a request
    now and then"""
    for i in range(4):
        try:
            return fn(*a)
        except (RuntimeError, OSError) as e:
            if i == 3:
                raise
            print("bench: %s; again" % e, file=sys.stderr)
            time.sleep(1)


def import_many(sock, repo, tags, pad=1024):
    """REPO:TAG for each of tags, 4 imports at a time; seconds taken"""
    from concurrent.futures import ThreadPoolExecutor
    t0 = time.monotonic()
    with ThreadPoolExecutor(4) as ex:
        list(ex.map(lambda t: retry(import_image, sock, repo, t, pad), tags))
    return time.monotonic() - t0


def create_container(sock, image):
    body = json.dumps({"Image": image, "Cmd": ["/bin/true"],
                       "HostConfig": {"NetworkMode": "none"}})
    st, b = request(sock, "POST", "/containers/create", body=body,
                    headers={"Content-Type": "application/json"})
    if st != 201:
        raise RuntimeError("create: %d %s" % (st, b[:200]))
    return json.loads(b)["Id"]


def remove_container(sock, cid):
    st, b = request(sock, "DELETE", "/containers/%s" % cid)
    if st not in (200, 204):
        raise RuntimeError("rm: %d %s" % (st, b[:200]))


def image_total(sock):
    """(count, sum of Size) of /images/json."""
    imgs = get_json(sock, "/images/json")
    return len(imgs), sum(i["Size"] for i in imgs)


class Events:
    """Follow /events (chunked NDJSON) on its own connection; next() gives
    one decoded event dict, or None at the timeout or the end."""

    def __init__(self, sock, since=None, until=None, filters=None):
        q = []
        if since is not None:
            q.append("since=%s" % since)
        if until is not None:
            q.append("until=%s" % until)
        if filters:
            from urllib.parse import quote
            q.append("filters=" + quote(json.dumps(filters)))
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(sock)
        self.s.sendall(("GET /v%s/events?%s HTTP/1.1\r\nHost: localhost\r\n"
                        "\r\n" % (API, "&".join(q))).encode())
        self.raw = b""      # undecoded bytes from the socket
        self.body = b""     # decoded body bytes not yet returned
        self.eof = False
        while b"\r\n\r\n" not in self.raw:
            self._recv(30)
        head, self.raw = self.raw.split(b"\r\n\r\n", 1)
        if b" 200 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("events: %r" % head[:100])

    def _recv(self, timeout):
        self.s.settimeout(timeout)
        d = self.s.recv(65536)
        if not d:
            self.eof = True
            raise EOFError
        self.raw += d

    def _dechunk(self):
        while True:
            i = self.raw.find(b"\r\n")
            if i < 0:
                return
            size = int(self.raw[:i].split(b";")[0], 16)
            if size == 0:
                self.eof = True
                return
            if len(self.raw) < i + 2 + size + 2:
                return
            self.body += self.raw[i + 2:i + 2 + size]
            self.raw = self.raw[i + 2 + size + 2:]

    def next(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            self._dechunk()
            if b"\n" in self.body:
                line, self.body = self.body.split(b"\n", 1)
                return json.loads(line)
            if self.eof:
                return None
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                return None
            try:
                self._recv(left)
            except (socket.timeout, TimeoutError, EOFError):
                if self.eof:
                    continue
                return None

    def close(self):
        self.s.close()


def wait_ping(sock, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        try:
            c = UnixConn(sock, 2)
            c.request("GET", "/_ping")
            if c.getresponse().status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def terminate(p, seconds):
    """SIGTERM to the process p (a Popen), SIGKILL if it is still there
    after seconds; waits for it."""
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(seconds)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
