#!/usr/bin/python3
"""A Docker Engine API replay server for the scale benchmarks (stdlib only).

It serves synthetic images and containers on a unix socket, over HTTP/1.1,
as much of the API as docker-cleaner and the reference cleaner use:

  GET/HEAD /_ping                      "OK", Api-Version header
  GET /vX/images/json                  the image list, chunked
  GET /vX/containers/json[?all=1|filters={"status":[...]}]
  GET /vX/events?since=&until=         NDJSON, chunked: with until, the
                                       history buffer, then the end; without,
                                       history since `since`, then live events
  GET /vX/images/{ref}/json            inspect (by ID or NAME:TAG)
  GET /vX/containers/{id}/json         inspect
  DELETE /vX/images/{ref}              409 if a container uses it; events
                                       untag + delete
  DELETE /vX/containers/{id}           204; event destroy

Lists are encoded once per change and sent as chunks of CHUNK bytes (dockerd
sends a whole list as one chunk; smaller chunks only add framing work).

As a module: Replay(path, n_images, n_containers, ...) then .start(); the
benchmark driver adds images and containers and emits live events with
.emit(), and reads .requests (monotonic time, method, path) to time the
client's reaction. As a program: replay.py SOCKET N_IMAGES N_CONTAINERS
[spread] [alike].

Container j uses the j-th newest image (jobs run recent images), or with
spread, images spread evenly over the whole list (oldest included). With alike,
image and container IDs share their first 56 hex digits (see hexid()).
"""
import hashlib
import json
import os
import queue
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit

API = "1.41"
CHUNK = 65536
MIB = 1 << 20


# "alike" IDs: the first 56 hex digits the same for every ID of a kind, the
# last 8 the index (a hostile daemon's choice, or a synthetic test's)
ALIKE = {}


def hexid(kind, i, alike=False):
    if alike:
        if kind not in ALIKE:
            ALIKE[kind] = hashlib.sha256(kind.encode()).hexdigest()[:56]
        return ALIKE[kind] + "%08x" % i
    return hashlib.sha256(("%s-%d" % (kind, i)).encode()).hexdigest()


def chunked(body):
    out = []
    for o in range(0, len(body), CHUNK):
        part = body[o:o + CHUNK]
        out.append(b"%x\r\n" % len(part))
        out.append(part)
        out.append(b"\r\n")
    out.append(b"0\r\n\r\n")
    return b"".join(out)


class Replay:
    def __init__(self, path, n_images, n_containers, history=256,
                 image_size=MIB, api=API, spread=False, alike=False):
        self.path = path
        self.alike = alike      # image and container IDs: see hexid()
        self.api = api
        self.lock = threading.Lock()
        self.images = {}        # "sha256:hex" -> dict (list form)
        self.tags = {}          # "name:tag" -> "sha256:hex"
        self.ctrs = {}          # hex -> dict (list form)
        self.order = []         # image IDs, newest first, as dockerd lists
        self.subs = []          # queues of the live event streams
        self.history = []       # encoded events (bytes), oldest first
        self.requests = []      # (monotonic, method, path)
        self.req_cv = threading.Condition()
        self.cache = {}
        now = int(time.time())
        self.t0 = now
        for i in range(n_images):
            self.add_image(i, image_size + i, now - 10 * n_images + 10 * i,
                           front=False)
        self.order.reverse()
        ids = self.order
        step = max(1, len(ids) // max(1, n_containers)) if spread else 1
        for j in range(n_containers):
            img = ids[(j * step) % len(ids)]
            self.add_container(j, img, now - 2 * n_containers + j,
                               "exited" if j % 2 else "created")
        # the daemon's buffer: the latest `history` container creates
        for j in range(max(0, n_containers - history), n_containers):
            c = self.ctrs[hexid("ctr", j, alike)]
            self.history.append(self.event(
                "container", "create", c["Id"],
                {"image": c["Image"], "name": c["Names"][0][1:]},
                c["Created"] * 1000000000 + j))

    # ------------------------------------------------------------ the data

    def add_image(self, i, size, created, front=True):
        iid = "sha256:" + hexid("img", i, self.alike)
        tag = "bench/img%d:latest" % i
        im = {"Containers": -1, "Created": created, "Id": iid,
              "Labels": None, "ParentId": "",
              "RepoDigests": ["bench/img%d@sha256:%s" % (i, hexid("dg", i))],
              "RepoTags": [tag], "SharedSize": -1, "Size": size,
              "VirtualSize": size}
        with self.lock:
            self.images[iid] = im
            self.tags[tag] = iid
            if front:
                self.order.insert(0, iid)
            else:
                self.order.append(iid)
            self.cache.pop("images", None)
        return iid, tag

    def add_container(self, j, image_id, created, state="created"):
        cid = hexid("ctr", j, self.alike)
        im = self.images[image_id]
        c = {"Id": cid, "Names": ["/bench_ctr%d" % j],
             "Image": im["RepoTags"][0], "ImageID": image_id,
             "Command": "/bin/true", "Created": created, "Ports": [],
             "Labels": {}, "State": state,
             "Status": "Exited (0) 5 minutes ago" if state == "exited"
             else "Created",
             "HostConfig": {"NetworkMode": "none"},
             "NetworkSettings": {"Networks": {"none": {
                 "IPAMConfig": None, "Links": None, "Aliases": None,
                 "NetworkID": "", "EndpointID": "", "Gateway": "",
                 "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "",
                 "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
                 "MacAddress": "", "DriverOpts": None}}},
             "Mounts": []}
        with self.lock:
            self.ctrs[cid] = c
            self.cache.pop("ctrs", None)
        return cid

    def event(self, typ, action, actor_id, attrs, time_ns):
        e = {}
        if typ == "container":
            e = {"status": action, "id": actor_id,
                 "from": attrs.get("image", "")}
        elif typ == "image":
            e = {"status": action, "id": actor_id}
        e.update({"Type": typ, "Action": action,
                  "Actor": {"ID": actor_id, "Attributes": attrs},
                  "scope": "local", "time": time_ns // 1000000000,
                  "timeNano": time_ns})
        return json.dumps(e, separators=(",", ":")).encode() + b"\n"

    def emit(self, typ, action, actor_id, attrs=None):
        """Send a live event to every follower; returns its monotonic time."""
        ev = self.event(typ, action, actor_id, attrs or {}, time.time_ns())
        with self.lock:
            subs = list(self.subs)
        t = time.monotonic()
        for q in subs:
            q.put(ev)
        return t

    def remove_container(self, cid, emit=True):
        with self.lock:
            c = self.ctrs.pop(cid, None)
            self.cache.pop("ctrs", None)
        if c and emit:
            self.emit("container", "destroy", cid,
                      {"image": c["Image"], "name": c["Names"][0][1:]})
        return c

    def list_body(self, which):
        with self.lock:
            b = self.cache.get(which)
            if b is None:
                if which == "images":
                    items = [self.images[i] for i in self.order]
                else:
                    items = sorted(self.ctrs.values(),
                                   key=lambda c: -c["Created"])
                # streamed like json.Encoder would: element by element
                b = chunked(b"[" + b",".join(
                    json.dumps(x, separators=(",", ":")).encode()
                    for x in items) + b"]\n")
                self.cache[which] = b
            return b

    def find_image(self, ref):
        if ref in self.images:
            return ref
        if ref.startswith("sha256:") is False and len(ref) == 64 and \
                "sha256:" + ref in self.images:
            return "sha256:" + ref
        if ":" not in ref.rsplit("/", 1)[-1]:
            ref += ":latest"
        return self.tags.get(ref)

    def delete_image(self, ref):
        """(status, body) as dockerd's DELETE /images/{ref}."""
        with self.lock:
            iid = self.find_image(ref)
            if iid is None:
                return 404, {"message": "No such image: %s" % ref}
            for c in self.ctrs.values():
                if c["ImageID"] == iid:
                    return 409, {"message": "conflict: unable to delete %s "
                                 "(must be forced) - image is being used by "
                                 "stopped container %s" % (iid[7:19],
                                                           c["Id"][:12])}
            im = self.images.pop(iid)
            self.order.remove(iid)
            for t in im["RepoTags"]:
                self.tags.pop(t, None)
            self.cache.pop("images", None)
        out = [{"Untagged": t} for t in im["RepoTags"] + im["RepoDigests"]]
        for t in im["RepoTags"]:
            self.emit("image", "untag", iid, {"name": t})
        self.emit("image", "delete", iid, {"name": iid})
        out.append({"Deleted": iid})
        return 200, out

    # ------------------------------------------------------------ serving

    def start(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.srv = Server(self.path, Handler)
        self.srv.replay = self
        self.thread = threading.Thread(target=self.srv.serve_forever,
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self):
        with self.lock:
            for q in self.subs:
                q.put(None)
        self.srv.shutdown()
        self.srv.server_close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def note(self, method, path):
        with self.req_cv:
            self.requests.append((time.monotonic(), method, path))
            self.req_cv.notify_all()

    def wait_request(self, pred, after, timeout=30):
        """First request with time > after matching pred(method, path)."""
        end = time.monotonic() + timeout
        with self.req_cv:
            while True:
                for r in self.requests:
                    if r[0] > after and pred(r[1], r[2]):
                        return r
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.req_cv.wait(left)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # a client that closes before the whole reply is read is no error
        if not isinstance(sys.exc_info()[1], (BrokenPipeError,
                                              ConnectionResetError)):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def address_string(self):
        return "unix"

    def head(self, status, ctype="application/json", length=None,
             extra=()):
        self.send_response(status)
        self.send_header("Api-Version", self.server.replay.api)
        self.send_header("Docker-Experimental", "false")
        self.send_header("Ostype", "linux")
        self.send_header("Server", "Docker/replay (linux)")
        self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def reply(self, status, obj):
        b = json.dumps(obj, separators=(",", ":")).encode() + b"\n"
        if status == 204:
            self.send_response(204)
            self.send_header("Api-Version", self.server.replay.api)
            self.end_headers()
            return
        self.head(status, length=len(b))
        self.wfile.write(b)

    def route(self):
        r = self.server.replay
        u = urlsplit(self.path)
        r.note(self.command, self.path)
        p = u.path
        if p == "/_ping":
            return "ping", []
        parts = p.split("/")
        if len(parts) < 3 or not parts[1].startswith("v"):
            return None, []
        return "/".join(parts[2:]), parse_qs(u.query)

    def do_HEAD(self):
        what, _ = self.route()
        if what == "ping":
            self.head(200, "text/plain; charset=utf-8", 2)
        else:
            self.head(404, length=0)

    def do_GET(self):
        r = self.server.replay
        what, q = self.route()
        if what == "ping":
            self.head(200, "text/plain; charset=utf-8", 2,
                      [("Cache-Control", "no-cache, no-store, "
                        "must-revalidate"), ("Pragma", "no-cache")])
            self.wfile.write(b"OK")
            return
        if what == "images/json":
            self.head(200)
            self.wfile.write(r.list_body("images"))
            return
        if what == "containers/json":
            flt = json.loads(q["filters"][0]) if "filters" in q else {}
            st = flt.get("status")
            if isinstance(st, dict):
                st = list(st)
            if st or "all" not in q:
                want = st or ["running"]
                with r.lock:
                    items = [c for c in r.ctrs.values() if c["State"] in want]
                self.head(200)
                self.wfile.write(chunked(json.dumps(items).encode()))
                return
            self.head(200)
            self.wfile.write(r.list_body("ctrs"))
            return
        if what == "events":
            return self.events(q)
        if what.startswith("images/") and what.endswith("/json"):
            ref = unquote(what[len("images/"):-len("/json")])
            with r.lock:
                iid = r.find_image(ref)
                im = dict(r.images[iid]) if iid else None
            if im is None:
                return self.reply(404, {"message": "No such image: " + ref})
            im.update({"Parent": "", "Comment": "", "Container": "",
                       "DockerVersion": "", "Author": "",
                       "Architecture": "amd64", "Os": "linux",
                       "Config": {"Cmd": ["/bin/sh"], "Env": None},
                       "GraphDriver": {"Name": "vfs", "Data": None},
                       "RootFS": {"Type": "layers", "Layers": [
                           "sha256:" + hexid("layer", 0)]},
                       "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"}})
            return self.reply(200, im)
        if what.startswith("containers/") and what.endswith("/json"):
            cid = what[len("containers/"):-len("/json")]
            with r.lock:
                c = r.ctrs.get(cid)
                if c is None:
                    for k in r.ctrs:
                        if k.startswith(cid):
                            c = r.ctrs[k]
                            break
            if c is None:
                return self.reply(404, {"message": "No such container: " +
                                        cid})
            return self.reply(200, {
                "Id": c["Id"], "Created": "2024-01-01T00:00:00Z",
                "Path": "/bin/true", "Args": [],
                "State": {"Status": c["State"], "Running": False},
                "Image": c["ImageID"], "Name": c["Names"][0],
                "Config": {"Image": c["Image"], "Cmd": ["/bin/true"]},
                "HostConfig": {"NetworkMode": "none"}, "Mounts": []})
        self.reply(404, {"message": "page not found"})

    def events(self, q):
        r = self.server.replay

        def num(k):
            try:
                return float(q[k][0])
            except (KeyError, ValueError):
                return None
        since, until = num("since"), num("until")
        self.head(200)
        out = []
        for ev in r.history:
            t = json.loads(ev)["timeNano"] / 1e9
            if (since is None or t >= since) and (until is None or
                                                  t <= until):
                out.append(b"%x\r\n%s\r\n" % (len(ev), ev))
        if until is not None:
            self.wfile.write(b"".join(out) + b"0\r\n\r\n")
            return
        sub = queue.Queue()
        with r.lock:
            r.subs.append(sub)
        try:
            if out:
                self.wfile.write(b"".join(out))
            self.wfile.flush()
            while True:
                ev = sub.get()
                if ev is None:
                    break
                self.wfile.write(b"%x\r\n%s\r\n" % (len(ev), ev))
                self.wfile.flush()
        except OSError:
            pass
        finally:
            with r.lock:
                r.subs.remove(sub)
        self.close_connection = True

    def do_DELETE(self):
        r = self.server.replay
        what, q = self.route()
        if what and what.startswith("images/"):
            st, body = r.delete_image(unquote(what[len("images/"):]))
            return self.reply(st, body)
        if what and what.startswith("containers/"):
            cid = what[len("containers/"):]
            if r.remove_container(cid) is None:
                return self.reply(404, {"message": "No such container: " +
                                        cid})
            return self.reply(204, None)
        self.reply(404, {"message": "page not found"})


def main():
    extra = sys.argv[4:]
    if len(sys.argv) < 4 or any(x not in ("spread", "alike") for x in extra):
        sys.exit("usage: replay.py SOCKET N_IMAGES N_CONTAINERS [spread] "
                 "[alike]")
    rp = Replay(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                spread="spread" in extra, alike="alike" in extra).start()
    print("serving %d images, %d containers on %s" % (
        len(rp.images), len(rp.ctrs), sys.argv[1]), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        rp.stop()


if __name__ == "__main__":
    main()
