#!/usr/bin/python3
# tests/hostile/fakedockerd.py: a fake dockerd on a unix socket, sane by
# default, hostile on request. Python 3 standard library only.
#
#   fakedockerd.py --socket PATH --log FILE [--rule ENDPOINT:MODE[:TIMES]]...
#                  [--mode MODE --on ENDPOINT [--times N]]
#
# Sane, it is just enough dockerd (API 1.41) for the cleaner's passes:
#   GET  /_ping                          "OK", with Api-Version: 1.41
#   GET  /v1.41/images/json              the images below
#   GET  /v1.41/containers/json?all=1    the containers below
#   GET  /v1.41/events?since=S&until=U   past events (NDJSON, chunked);
#                                        without until: kept open, quiet
#   GET  /v1.41/images/REF/json          image inspect (by ID or tag)
#   GET  /v1.41/containers/ID/json       container inspect
#   GET  /v1.41/system/df                the images above, no layer shared
#                                        (SharedSize 0), and LayersSize
#   DELETE /v1.41/images/REF             untag, or delete by ID (409 when a
#                                        container uses it or it has other
#                                        references, as dockerd does)
#   DELETE /v1.41/containers/ID?v=1      remove (409 when running)
# With --clock-skew S the daemon's clock is S seconds off the local one:
# its Date headers, Created and event times follow it, and (as dockerd)
# a history whose until is later than its clock stays open until then.
# Deletions change what later listings show. Every request is appended to
# the log file as "METHOD PATH" (the path as sent, %-encoded), one a line,
# before it is answered, so a test can tell what the cleaner asked for.
#
# The sane inventory: with --quota 0 a complete pass removes the exited
# container C2 and deletes images B (two tags: untag old:latest, then by
# ID), C and D; image A is kept (the running container C1 uses it).
#
# Endpoints a rule can name: ping, images, containers, events (the replay:
# until given), live (the followed stream: no until), inspect (image
# inspect), ctrinspect, delete (DELETE image), rmctr (DELETE container),
# all. TIMES: only the first TIMES matching requests misbehave (default:
# every one). Modes:
#   sane              the normal reply
#   long-headers      a header block of ~12 KiB (> HTTP_HEAD_MAX 8192)
#   chunk-endless     chunked; the first chunk-size line is hex digits for
#                     ever (until the client hangs up)
#   chunk-ext-endless chunked; a chunk-size line whose extension never ends
#   chunk-overflow    chunked; chunk size ffffffffffffffffffff (80 bits)
#   huge-element      one 10 MB element: an extra image E in /images/json,
#                     an extra container in /containers/json, an extra
#                     event, or a 10 MB field in an inspect reply
#   deep-nesting      the same element with 10,000-deep nested arrays
#   endless-element   chunked; an element (a string inside it) that never
#                     ends, sent as fast as the client reads (for a minute)
#   bad-utf8          invalid UTF-8 inside strings: E's Id in /images/json
#                     (and A's RepoTags), the extra container's ImageID,
#                     an event's image attribute, inspect's RepoTags;
#                     /_ping: in a header value
#   nul-head          a NUL byte inside a header value
#   nul-body          NUL bytes inside JSON strings, where bad-utf8 puts
#                     its bytes
#   truncated         Content-Length of the whole body, half of it sent,
#                     close (cut in the middle of the JSON); chunked
#                     replies (events): a whole chunk with half the JSON,
#                     then close
#   truncated-chunk   chunked; close in the middle of a chunk's data
#   truncated-eof     no length, no chunking (read until close), and the
#                     JSON cut in the middle
#   truncated-head    close in the middle of the reply head
#   dribble           the sane reply, one byte per 100 ms (/_ping: with a
#                     minimal head, ~55 bytes)
#   dribble-endless   a head whose header line grows one byte per 100 ms,
#                     for ever
#   silent            accept, read the request, never answer
#   close             accept, read the request, close without a reply
# On the followed stream (live) the head is sent first, then: truncated,
# truncated-chunk: half an event and close; huge-element, deep-nesting,
# bad-utf8, nul-body: the replay's events with that element, then quiet;
# truncated-eof: close; dribble: an event a byte per 100 ms. The modes of
# the head (truncated-head, long-headers, nul-head), silent, close,
# chunk-*, endless-element and dribble-endless: as for other replies. Sane, it stays open and quiet, after one create event
# of C1 with --live-event, and is closed (no final chunk: a daemon going
# away) after --live-close seconds if given.
import argparse
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

API = "1.41"
SKEW = 0    # the daemon's clock minus the local one, s (--clock-skew)


def daemon_time():
    """the daemon's clock (seconds, float)"""
    return time.time() + SKEW
MB10 = 10 * 1024 * 1024
DEPTH = 10000


def img_id(c):
    return "sha256:" + c * 64


def ctr_id(c):
    return c * 64


A, B, C, D, E = (img_id(x) for x in "abcde")
C1, C2, C3, CG = (ctr_id(x) for x in "12" + "3" + "f")
NOW = int(time.time())

# "idinspect": only the image inspects by ID (the cleaner's, before each
# deletion); "inspect": all of them (also by name, in the history replay)
ENDPOINTS = ("ping", "images", "containers", "events", "live", "inspect",
             "idinspect", "ctrinspect", "delete", "rmctr", "df", "all")
MODES = ("sane", "long-headers", "chunk-endless", "chunk-ext-endless",
         "chunk-overflow", "huge-element", "endless-element", "deep-nesting", "bad-utf8",
         "nul-head", "nul-body", "truncated", "truncated-chunk",
         "truncated-eof", "truncated-head", "dribble", "dribble-endless",
         "silent", "close")


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.images = [
            {"Id": A, "Size": 1000, "Created": NOW - 9000,
             "RepoTags": ["app:1"], "RepoDigests": []},
            {"Id": B, "Size": 2000, "Created": NOW - 8000,
             "RepoTags": ["old:1", "old:latest"], "RepoDigests": []},
            {"Id": C, "Size": 3000, "Created": NOW - 7000,
             "RepoTags": ["tmp:1"], "RepoDigests": []},
            {"Id": D, "Size": 4000, "Created": NOW - 6000,
             "RepoTags": [], "RepoDigests": ["busy@sha256:" + "d" * 64]},
        ]
        self.containers = [
            {"Id": C1, "Image": "app:1", "ImageID": A, "State": "running",
             "Created": NOW - 3600, "Names": ["/job1"]},
            {"Id": C2, "Image": "old:1", "ImageID": B, "State": "exited",
             "Created": NOW - 5000, "Names": ["/job2"]},
        ]
        # the daemon's buffer of past events: a create of C1, and of a
        # container already gone that used tmp:1 (a use of C)
        self.history = [
            {"Type": "container", "Action": "create", "status": "create",
             "id": C1, "from": "app:1",
             "Actor": {"ID": C1, "Attributes": {"image": "app:1",
                                                "name": "job1"}},
             "time": NOW - 3600, "timeNano": (NOW - 3600) * 10**9},
            {"Type": "container", "Action": "create", "status": "create",
             "id": CG, "from": "tmp:1",
             "Actor": {"ID": CG, "Attributes": {"image": "tmp:1",
                                                "name": "gone"}},
             "time": NOW - 600, "timeNano": (NOW - 600) * 10**9},
        ]

    def image(self, ref):
        """the image a reference names (ID, short ID, tag, digest)"""
        for im in self.images:
            if ref in (im["Id"], im["Id"][7:]) or ref in im["RepoTags"] \
                    or ref in im["RepoDigests"]:
                return im
        return None

    def users(self, im):
        return [c for c in self.containers if c["ImageID"] == im["Id"]]


ST = State()


# ---------------------------------------------------------------- replies

def jdump(v):
    return json.dumps(v, separators=(",", ":")).encode()


def pad_str():
    return b'"' + b"x" * MB10 + b'"'


def deep():
    return b"[" * DEPTH + b"1" + b"]" * DEPTH


class Reply:
    """a reply: status, headers, body (bytes), framing"""

    def __init__(self, status=200, body=b"", ctype="application/json",
                 framing="length", extra=None):
        self.status = status
        self.body = body
        self.ctype = ctype
        self.framing = framing      # length, chunked, close, stream
        self.extra = list(extra or [])

    def head(self, framing=None):
        framing = framing or self.framing
        reason = {200: "OK", 201: "Created", 204: "No Content",
                  404: "Not Found", 409: "Conflict"}.get(self.status, "X")
        h = [b"HTTP/1.1 %d %s" % (self.status, reason.encode()),
             b"Api-Version: " + API.encode(),
             b"Docker-Experimental: false",
             b"Ostype: linux",
             b"Server: Docker/20.10.24+dfsg1 (linux)",
             b"Date: " + time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                       time.gmtime(daemon_time())).encode()]
        if self.ctype and self.status != 204:
            h.append(b"Content-Type: " + self.ctype.encode())
        h += self.extra
        if self.status == 204:
            pass
        elif framing == "length":
            h.append(b"Content-Length: %d" % len(self.body))
        elif framing in ("chunked", "stream"):
            h.append(b"Transfer-Encoding: chunked")
        return b"\r\n".join(h) + b"\r\n\r\n"

    def chunked_body(self):
        out = b""
        for i in range(0, len(self.body), 65536):
            part = self.body[i:i + 65536]
            out += b"%x\r\n" % len(part) + part + b"\r\n"
        return out + b"0\r\n\r\n"

    def wire(self):
        if self.status == 204:
            return self.head()
        if self.framing == "chunked":
            return self.head() + self.chunked_body()
        return self.head() + self.body


def err(status, msg):
    return Reply(status, jdump({"message": msg}) + b"\n")


def bad_bytes(mode):
    return b"\x00\x00" if mode == "nul-body" else b"\xff\xfe\xc3\x28"


def cut(body):
    """a length of body that ends inside its last JSON value"""
    last = body.rfind(b"\n", 0, len(body) - 1) + 1
    return last + max(1, (len(body) - last) // 2)


def with_element(items, extra):
    """a JSON array: items, with the raw element extra second"""
    parts = [jdump(x) for x in items]
    parts.insert(min(1, len(parts)), extra)
    return b"[" + b",".join(parts) + b"]\n"


def element_for(kind, mode):
    """the hostile element of a listing (kind: images, containers)"""
    if kind == "images":
        base = b'{"Id":"%s","Size":5000,"Created":%d,"RepoTags":["huge:1"]' \
            % (E.encode(), NOW)
        if mode == "huge-element":
            return base + b',"Labels":{"pad":' + pad_str() + b"}}"
        if mode == "deep-nesting":
            return base + b',"Labels":{"deep":' + deep() + b"}}"
        # bad-utf8, nul-body: the Id itself is damaged
        return b'{"Id":"sha256:' + b"e" * 30 + bad_bytes(mode) + \
            b"e" * 30 + b'","Size":5000,"RepoTags":["huge:1"]}'
    base = b'{"Id":"%s","Image":"e:1","ImageID":"%s","State":"running",' \
        b'"Created":%d' % (C3.encode(), E.encode(), NOW)
    if mode == "huge-element":
        return base + b',"Labels":{"pad":' + pad_str() + b"}}"
    if mode == "deep-nesting":
        return base + b',"Labels":{"deep":' + deep() + b"}}"
    return b'{"Id":"%s","Image":"e:1","ImageID":"sha256:' % C3.encode() + \
        b"e" * 30 + bad_bytes(mode) + b"e" * 30 + \
        b'","State":"running","Created":%d}' % NOW


def list_images(mode):
    with ST.lock:
        items = [{"Id": im["Id"], "ParentId": "", "Size": im["Size"],
                  "SharedSize": -1, "VirtualSize": im["Size"],
                  "Created": im["Created"], "Containers": -1,
                  "Labels": None,
                  "RepoTags": im["RepoTags"] or None,
                  "RepoDigests": im["RepoDigests"] or None}
                 for im in ST.images]
    if mode in ("huge-element", "deep-nesting", "bad-utf8", "nul-body"):
        body = with_element(items, element_for("images", mode))
        if mode in ("bad-utf8", "nul-body"):
            # also inside a readable image's tags: harmless to the cleaner
            body = body.replace(b'"app:1"', b'"app' + bad_bytes(mode) +
                                b':1"', 1)
        return Reply(200, body)
    return Reply(200, jdump(items) + b"\n")


def disk_usage(mode):
    """/system/df: the images (no layer shared) inside an object"""
    with ST.lock:
        items = [{"Id": im["Id"], "ParentId": "", "Size": im["Size"],
                  "SharedSize": 0, "VirtualSize": im["Size"],
                  "Created": im["Created"], "Containers": 0,
                  "Labels": None, "RepoTags": im["RepoTags"] or None,
                  "RepoDigests": im["RepoDigests"] or None}
                 for im in ST.images]
        total = sum(im["Size"] for im in ST.images)
    if mode in ("huge-element", "deep-nesting", "bad-utf8", "nul-body"):
        arr = with_element(items, element_for("images", mode)).rstrip()
    else:
        arr = jdump(items)
    return Reply(200, b'{"LayersSize":%d,"Images":%s,"Containers":[],'
                 b'"Volumes":[],"BuildCache":null}\n' % (total, arr))


def list_containers(mode):
    with ST.lock:
        items = [dict(c, Command="/bin/sh", Ports=[], Labels={},
                      Status=c["State"]) for c in ST.containers]
    if mode in ("huge-element", "deep-nesting", "bad-utf8", "nul-body"):
        return Reply(200, with_element(items, element_for("containers",
                                                          mode)))
    return Reply(200, jdump(items) + b"\n")


def events(mode, query):
    """the replay: past events up to until, NDJSON"""
    until = float(query.get("until", ["0"])[0] or 0)
    lines = [jdump(ev) + b"\n" for ev in ST.history
             if ev.get("time", 0) <= until or
             ev in getattr(ST, "unfiltered", ())]
    ev = b'{"Type":"container","Action":"create","status":"create",' \
        b'"id":"%s","Actor":{"ID":"%s","Attributes":{"image":' \
        % (C3.encode(), C3.encode())
    tail = b'}},"time":%d,"timeNano":%d}\n' % (NOW - 60, (NOW - 60) * 10**9)
    if mode == "huge-element":
        lines.insert(1, ev + b'"e:1","pad":' + pad_str() + tail)
    elif mode == "deep-nesting":
        lines.insert(1, ev + b'"e:1","deep":' + deep() + tail)
    elif mode in ("bad-utf8", "nul-body"):
        lines.insert(1, ev + b'"e' + bad_bytes(mode) + b':1"' + tail)
    return Reply(200, b"".join(lines), framing="chunked")


def inspect_image(ref, mode):
    with ST.lock:
        im = ST.image(ref)
        if not im:
            return err(404, "No such image: " + ref)
        obj = {"Id": im["Id"], "RepoTags": im["RepoTags"],
               "RepoDigests": im["RepoDigests"], "Parent": "",
               "Created": "2024-01-01T00:00:00Z", "Size": im["Size"],
               "VirtualSize": im["Size"], "Os": "linux",
               "Architecture": "amd64"}
    body = jdump(obj)
    if mode == "huge-element":
        body = body[:-1] + b',"Pad":' + pad_str() + b"}"
    elif mode == "deep-nesting":
        body = body[:-1] + b',"Deep":' + deep() + b"}"
    elif mode in ("bad-utf8", "nul-body"):
        # a tag with bad bytes in it (the image's own tags follow it)
        body = body.replace(b'"RepoTags":[', b'"RepoTags":["bad' +
                            bad_bytes(mode) + b':1"' +
                            (b"," if im["RepoTags"] else b""), 1)
    return Reply(200, body + b"\n")


def inspect_container(cid):
    with ST.lock:
        for c in ST.containers:
            if c["Id"] == cid or c["Id"].startswith(cid):
                return Reply(200, jdump({"Id": c["Id"], "Image": c["ImageID"],
                                         "State": {"Status": c["State"]},
                                         "Config": {"Image": c["Image"]}})
                             + b"\n")
    return err(404, "No such container: " + cid)


def delete_image(ref):
    with ST.lock:
        im = ST.image(ref)
        if not im:
            return err(404, "No such image: " + ref)
        if ref in im["RepoTags"] or ref in im["RepoDigests"]:
            if ref in im["RepoTags"]:
                im["RepoTags"].remove(ref)
            else:
                im["RepoDigests"].remove(ref)
            out = [{"Untagged": ref}]
            if not im["RepoTags"] and not im["RepoDigests"] and \
                    not ST.users(im):
                ST.images.remove(im)
                out.append({"Deleted": im["Id"]})
            return Reply(200, jdump(out) + b"\n")
        if ST.users(im):
            return err(409, "conflict: unable to delete %s (must be forced)"
                       " - image is being used by container %s"
                       % (im["Id"][7:19], ST.users(im)[0]["Id"][:12]))
        if len(im["RepoTags"]) + len(im["RepoDigests"]) > 1:
            return err(409, "conflict: unable to delete %s (must be forced)"
                       " - image is referenced in multiple repositories"
                       % im["Id"][7:19])
        ST.images.remove(im)
        out = [{"Untagged": r} for r in im["RepoTags"] + im["RepoDigests"]]
        return Reply(200, jdump(out + [{"Deleted": im["Id"]}]) + b"\n")


def remove_container(cid):
    with ST.lock:
        for c in ST.containers:
            if c["Id"] == cid or c["Id"].startswith(cid):
                if c["State"] == "running":
                    return err(409, "You cannot remove a running container")
                ST.containers.remove(c)
                return Reply(204, b"", ctype=None)
    return err(404, "No such container: " + cid)


# ---------------------------------------------------------------- server

class Rules:
    def __init__(self, specs):
        self.rules = []     # [endpoint, mode, times left or None]
        self.lock = threading.Lock()
        for s in specs:
            parts = s.split(":")
            if len(parts) not in (2, 3) or parts[0] not in ENDPOINTS or \
                    parts[1] not in MODES:
                sys.exit("fakedockerd: bad rule '%s' (ENDPOINT:MODE[:TIMES]"
                         "; endpoints %s; modes %s)"
                         % (s, ",".join(ENDPOINTS), ",".join(MODES)))
            self.rules.append([parts[0], parts[1],
                               int(parts[2]) if len(parts) == 3 else None])

    def mode(self, endpoint, rest=None):
        byid = endpoint == "inspect" and rest and \
            unquote(rest).startswith("sha256:")
        with self.lock:
            for r in self.rules:
                if (r[0] in (endpoint, "all") or
                        (r[0] == "idinspect" and byid)) and r[2] != 0:
                    if r[2] is not None:
                        r[2] -= 1
                    return r[1]
        return "sane"


def classify(method, path):
    """(endpoint, rest, query) of a request"""
    u = urllib.parse.urlsplit(path)
    q = urllib.parse.parse_qs(u.query)
    p = u.path
    if p == "/_ping":
        return "ping", None, q
    parts = p.split("/")
    if len(parts) > 1 and parts[1].startswith("v"):
        p = "/" + "/".join(parts[2:])     # without the version prefix
    if method == "GET" and p == "/images/json":
        return "images", None, q
    if method == "GET" and p == "/containers/json":
        return "containers", None, q
    if method == "GET" and p == "/system/df":
        return "df", None, q
    if method == "GET" and p == "/events":
        return ("events" if "until" in q else "live"), None, q
    if method == "GET" and p.startswith("/images/") and p.endswith("/json"):
        return "inspect", p[len("/images/"):-len("/json")], q
    if method == "GET" and p.startswith("/containers/") and \
            p.endswith("/json"):
        return "ctrinspect", p[len("/containers/"):-len("/json")], q
    if method == "DELETE" and p.startswith("/images/"):
        return "delete", p[len("/images/"):], q
    if method == "DELETE" and p.startswith("/containers/"):
        return "rmctr", p[len("/containers/"):], q
    return "other", None, q


def unquote(s):
    # the reference as bytes, then as text (bad bytes kept as latin-1)
    return urllib.parse.unquote_to_bytes(s).decode("latin-1")


def sane_reply(endpoint, rest, q, mode):
    """the reply to change; mode shapes the content where it applies"""
    if endpoint == "ping":
        r = Reply(200, b"OK", ctype="text/plain; charset=utf-8",
                  extra=[b"Cache-Control: no-cache, no-store, "
                         b"must-revalidate", b"Pragma: no-cache"])
        if mode == "bad-utf8":
            r.extra.append(b"X-Note: caf\xc3\x28 \xff\xfe")
        return r
    if endpoint == "images":
        return list_images(mode)
    if endpoint == "containers":
        return list_containers(mode)
    if endpoint == "df":
        return disk_usage(mode)
    if endpoint == "events":
        return events(mode, q)
    if endpoint == "inspect":
        return inspect_image(unquote(rest), mode)
    if endpoint == "ctrinspect":
        return inspect_container(unquote(rest))
    if endpoint == "delete":
        return delete_image(unquote(rest))
    if endpoint == "rmctr":
        return remove_container(unquote(rest))
    return err(404, "page not found")


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.request.settimeout(None)

    def read_request(self):
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = self.request.recv(4096)
            if not d:
                return None
            buf += d
            if len(buf) > 65536:
                return None
        line = buf.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        if len(parts) != 3:
            return None
        return parts[0], parts[1]

    def wait_close(self, limit=120):
        """keep the connection until the client hangs up (or limit s)"""
        end = time.time() + limit
        self.request.settimeout(0.5)
        while time.time() < end and not self.server.stopping:
            try:
                if not self.request.recv(4096):
                    return
            except socket.timeout:
                continue
            except OSError:
                return

    def send(self, data):
        self.request.sendall(data)

    def endless(self, first, unit, limit=60):
        """send first, then unit again and again until the client hangs
        up (or limit s): a line that never ends"""
        self.send(first)
        block = unit * max(1, 65536 // len(unit))
        end = time.time() + limit
        while time.time() < end and not self.server.stopping:
            self.send(block)

    def handle(self):
        try:
            req = self.read_request()
            if not req:
                return
            method, path = req
            self.server.log_request(method, path)
            endpoint, rest, q = classify(method, path)
            mode = self.server.rules.mode(endpoint, rest)
            self.server.log_note(endpoint, mode)
            self.reply(endpoint, rest, q, mode)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        except OSError:
            pass

    def reply(self, endpoint, rest, q, mode):
        if mode == "silent":
            self.wait_close()
            return
        if mode == "close":
            return
        r = sane_reply(endpoint, rest, q, mode)
        live = endpoint == "live"
        if live:
            r = Reply(200, b"", framing="stream")
        if mode == "long-headers":
            r.extra += [b"X-Pad-%02d: %s" % (i, b"p" * 500)
                        for i in range(24)]
        elif mode == "nul-head":
            r.extra.append(b"X-Note: a\x00b")
        if mode == "chunk-endless":
            self.endless(r.head("chunked"), b"0")   # "0000..." for ever
            return
        if mode == "chunk-ext-endless":
            self.endless(r.head("chunked") + b"5;ext=", b"x")
            return
        if mode == "endless-element":
            start = b'[{"Id":"%s","Size":5000,"Pad":"' % E.encode() \
                if endpoint in ("images", "containers") else b'{"Pad":"'
            data = b"x" * 65536
            self.endless(r.head("chunked") + b"%x\r\n" % len(start) + start +
                         b"\r\n", b"%x\r\n" % len(data) + data + b"\r\n")
            return
        if mode == "chunk-overflow":
            self.send(r.head("chunked") + b"ffffffffffffffffffff\r\n" +
                      (r.body or b"[]") + b"\r\n0\r\n\r\n")
            return
        if mode == "dribble-endless":
            self.send(b"HTTP/1.1 200 OK\r\nApi-Version: " + API.encode() +
                      b"\r\nX-Slow: ")
            end = time.time() + 3600
            while time.time() < end and not self.server.stopping:
                time.sleep(0.1)
                self.send(b"a")
            return
        if mode == "truncated-head":
            w = r.head()
            self.send(w[:len(w) // 2])
            return
        if live:
            self.live(r, mode)
            return
        if mode == "truncated":
            if r.framing == "chunked":
                half = r.body[:cut(r.body)]
                self.send(r.head() + b"%x\r\n" % len(half) + half + b"\r\n")
            else:
                self.send(r.head("length") + r.body[:cut(r.body)])
            return
        if mode == "truncated-chunk":
            self.send(r.head("chunked") + b"%x\r\n" % len(r.body) +
                      r.body[:cut(r.body)])
            return
        if mode == "truncated-eof":
            self.send(r.head("close") + r.body[:cut(r.body)])
            return
        if mode == "dribble":
            # a minimal head, so that a dribbled ping takes seconds, not
            # half a minute
            w = r.wire() if endpoint != "ping" else \
                b"HTTP/1.1 200 OK\r\nApi-Version: " + API.encode() + \
                b"\r\nContent-Length: 2\r\n\r\nOK"
            for b in w:
                self.send(bytes([b]))
                time.sleep(0.1)
            return
        if endpoint == "events" and mode == "sane" and r.status == 200:
            # as dockerd: an until later than the daemon's clock keeps the
            # history open until its clock gets there
            hold = float(q.get("until", ["0"])[0] or 0) - daemon_time()
            if hold > 0:
                self.send(r.head() + r.chunked_body()[:-5])
                end = time.time() + min(hold, 3600)
                while time.time() < end and not self.server.stopping:
                    time.sleep(0.1)
                self.send(b"0\r\n\r\n")
                return
        self.send(r.wire())

    def live(self, r, mode):
        """the followed /events stream: the head, then mode's body"""
        self.send(r.head())
        ev = self.server.live_event()
        if mode == "sane":
            if ev:
                self.send(b"%x\r\n" % len(ev) + ev + b"\r\n")
            # --live-close: a daemon that goes away (without the final
            # chunk) after that many seconds
            self.wait_close(limit=self.server.live_close or 3600)
            return
        if mode == "truncated":
            self.send(b"%x\r\n" % (len(ev or b"{}") // 2) +
                      (ev or b"{}")[:len(ev or b"{}") // 2] + b"\r\n")
            return
        if mode == "truncated-chunk":
            self.send(b"100\r\n" + b'{"Type":"container"')
            return
        if mode in ("huge-element", "deep-nesting", "bad-utf8", "nul-body"):
            body = events(mode, {"until": [str(NOW + 10**6)]}).body
            self.send(b"%x\r\n" % len(body) + body + b"\r\n")
            self.wait_close(limit=3600)
            return
        if mode == "truncated-eof":
            return
        if mode == "dribble":
            for b in (ev or b"\n"):
                self.send(b"1\r\n" + bytes([b]) + b"\r\n")
                time.sleep(0.1)
            self.wait_close(limit=3600)
            return
        # long-headers, nul-head: the head was the point; other modes have
        # no meaning here: open and quiet
        self.wait_close(limit=3600)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, path, log, rules, live_events, live_close):
        self.stopping = False
        self.logf = open(log, "a", buffering=1) if log else None
        self.loglock = threading.Lock()
        self.rules = rules
        self.live_events = live_events
        self.live_close = live_close
        self.nlive = 0
        tmp = path + ".tmp"
        for p in (path, tmp):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        super().__init__(tmp, Handler)
        # listening before the name appears: a client that sees the
        # socket can connect
        os.rename(tmp, path)
        self.path = path

    def log_request(self, method, path):
        if self.logf:
            with self.loglock:
                self.logf.write("%s %s\n" % (method, path))

    def log_note(self, endpoint, mode):
        if mode != "sane" and self.logf:
            with self.loglock:
                self.logf.write("# %s: %s\n" % (endpoint, mode))

    def live_event(self):
        """a create event of C1 on live streams, when asked for"""
        if not self.live_events:
            return None
        t = time.time_ns() + SKEW * 10**9
        return jdump({"Type": "container", "Action": "create",
                      "status": "create", "id": C1,
                      "Actor": {"ID": C1, "Attributes": {"image": "app:1"}},
                      "time": t // 10**9, "timeNano": t}) + b"\n"

# ---- issue 9: tables and times
# Options for the cases of issue 9 (tests/hostile/test_hostile.sh, the
# section of the same name):
#   --dup-container N    the container listing shows C1 N times in all
#   --extra-images N     N more untagged images (after A..D), 100 bytes each
#   --extra-containers N N more running containers, each of one of the
#                        extra images in turn (of A when there are none)
#   --ctr-created V      the "Created" of every container (Unix seconds)
#   --event-time V       the "time" of the history event of tmp:1 (a use
#                        of C); "drop" leaves the field out
#   --event-time-nano V  its "timeNano"; "drop" leaves the field out

def issue9_args(ap):
    ap.add_argument("--dup-container", type=int, default=0)
    ap.add_argument("--extra-images", type=int, default=0)
    ap.add_argument("--extra-containers", type=int, default=0)
    ap.add_argument("--ctr-created", type=int)
    ap.add_argument("--event-time")
    ap.add_argument("--event-time-nano")


def issue9_apply(a):
    for i in range(a.extra_images):
        ST.images.append({"Id": "sha256:%064x" % (0x9000 + i), "Size": 100,
                          "Created": NOW - 100, "RepoTags": [],
                          "RepoDigests": []})
    for i in range(a.extra_containers):
        img = ("sha256:%064x" % (0x9000 + i % a.extra_images)
               if a.extra_images else A)
        ST.containers.append({"Id": "%064x" % (0xc000 + i), "Image": img,
                              "ImageID": img, "State": "running",
                              "Created": NOW - 200, "Names": ["/x%d" % i]})
    if a.ctr_created is not None:
        for c in ST.containers:
            c["Created"] = a.ctr_created
    if a.dup_container > 1:
        c1 = ST.containers[0]
        ST.containers[1:1] = [c1] * (a.dup_container - 1)
    ev = ST.history[1]
    if a.event_time is not None or a.event_time_nano is not None:
        ST.unfiltered = [ev]    # sent by the replay whatever its time
    for opt, key in ((a.event_time, "time"), (a.event_time_nano, "timeNano")):
        if opt == "drop":
            del ev[key]
        elif opt is not None:
            ev[key] = int(opt)


def clock_apply(skew):
    """--clock-skew: every time the daemon shows is on its own clock"""
    global SKEW
    SKEW = skew
    for x in ST.images + ST.containers:
        x["Created"] += skew
    for ev in ST.history:
        for key, unit in (("time", 1), ("timeNano", 10**9)):
            if key in ev:
                ev[key] += skew * unit


def main():
    ap = argparse.ArgumentParser(description="a fake, hostile dockerd")
    ap.add_argument("--socket", required=True)
    ap.add_argument("--log", help="append each request here")
    ap.add_argument("--rule", action="append", default=[],
                    help="ENDPOINT:MODE[:TIMES]")
    ap.add_argument("--mode", choices=MODES)
    ap.add_argument("--on", choices=ENDPOINTS, default="all")
    ap.add_argument("--times", type=int)
    ap.add_argument("--live-event", action="store_true",
                    help="each live stream starts with a create of C1")
    ap.add_argument("--live-close", type=float, default=0,
                    help="close sane live streams after this many seconds")
    issue9_args(ap)
    ap.add_argument("--clock-skew", type=int, default=0,
                    help="the daemon's clock is this many seconds off the "
                    "local one (negative: behind); its times, Date headers "
                    "and history follow it")
    a = ap.parse_args()
    issue9_apply(a)
    clock_apply(a.clock_skew)
    specs = list(a.rule)
    if a.mode:
        specs.append("%s:%s%s" % (a.on, a.mode, "" if a.times is None
                                  else ":%d" % a.times))
    srv = Server(a.socket, a.log, Rules(specs), a.live_event,
                 a.live_close)

    def stop(*_):
        srv.stopping = True
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
        try:
            os.unlink(srv.path)
        except OSError:
            pass


# ---- issue 9: deletion safety
# Images with several references: the tags the cleaner removes by name
# must come back when the delete by ID is refused, and a tag that a pull
# moved to another image must not be deleted. Served besides the above:
#   POST /v1.41/images/REF/tag?repo=R&tag=T   R:T names the image REF
#                                             (moved from any other), 201
# and --deletion-case CASE (taken from the command line before main()
# reads it) sets one of these up:
#   multi-refusal      B is tagged old:1 and other:1 (two repositories);
#                      its DELETE by ID is refused: 409 "image has
#                      dependent child images" (as for a child image)
#   multi-refusal-500  the same refused with 500, as Podman does
#   multi-digest       B has digests in two repositories (old@, other@)
#   moved-tag          the first inspect of B by ID is answered, then
#                      old:latest moves to a new image F (a pull between
#                      the cleaner's inspect and its untag)
#   moved-use          tmp:1 names an image (C) created after the
#                      history's create of the gone container CG on tmp:1
#                      (NOW - 600): that use was of another image
#   moved-use-tagtime  the same known by Metadata.LastTagTime (Created
#                      old: a pull of an image built long ago)
F = img_id("f")
DELETION_CASES = ("multi-refusal", "multi-refusal-500", "multi-digest",
                  "moved-tag", "moved-use", "moved-use-tagtime")


def take_deletion_case(argv):
    """remove --deletion-case CASE from argv; the case or "" """
    if "--deletion-case" not in argv:
        return ""
    i = argv.index("--deletion-case")
    if i + 1 >= len(argv) or argv[i + 1] not in DELETION_CASES:
        sys.exit("fakedockerd: --deletion-case needs one of " +
                 ",".join(DELETION_CASES))
    case = argv[i + 1]
    del argv[i:i + 2]
    return case


DELETION_CASE = take_deletion_case(sys.argv)
MOVED = []      # set once old:latest has moved
base_classify, base_sane_reply = classify, sane_reply


def tag_image(ref, q):
    repo, tag = q.get("repo", [""])[0], q.get("tag", ["latest"])[0]
    name = repo + ":" + tag
    with ST.lock:
        im = ST.image(ref)
        if not im:
            return err(404, "No such image: " + ref)
        if not repo:
            return err(400, "repository name must have at least one "
                       "component")
        for other in ST.images:
            if name in other["RepoTags"]:
                other["RepoTags"].remove(name)
        im["RepoTags"].append(name)
    return Reply(201, b"", ctype=None)


def classify(method, path):
    u = urllib.parse.urlsplit(path)
    parts = u.path.split("/")
    if method == "POST" and len(parts) > 4 and parts[1].startswith("v") \
            and parts[2] == "images" and parts[-1] == "tag":
        return "tag", "/".join(parts[3:-1]), urllib.parse.parse_qs(u.query)
    return base_classify(method, path)


def sane_reply(endpoint, rest, q, mode):
    ref = unquote(rest) if rest is not None else None
    if endpoint == "tag":
        return tag_image(ref, q)
    if endpoint == "delete" and ref in (B, B[7:]) and \
            DELETION_CASE.startswith("multi-refusal"):
        with ST.lock:
            present = ST.image(B) is not None
        if present:
            status = 500 if DELETION_CASE.endswith("500") else 409
            return err(status, "conflict: unable to delete %s (cannot be "
                       "forced) - image has dependent child images"
                       % B[7:19])
    r = base_sane_reply(endpoint, rest, q, mode)
    if endpoint == "inspect" and ref == "tmp:1" and \
            DELETION_CASE.startswith("moved-use") and r.status == 200:
        now = time.strftime("%Y-%m-%dT%H:%M:%S.5Z", time.gmtime())
        unset = "0001-01-01T00:00:00Z"
        obj = json.loads(r.body)
        if DELETION_CASE == "moved-use":
            obj["Created"] = now
            obj["Metadata"] = {"LastTagTime": unset}
        else:
            obj["Metadata"] = {"LastTagTime": now}
        r.body = jdump(obj) + b"\n"
    if endpoint == "inspect" and ref == B and \
            DELETION_CASE == "moved-tag" and not MOVED:
        with ST.lock:
            im = ST.image(B)
            im["RepoTags"].remove("old:latest")
            ST.images.append({"Id": F, "Size": 6000, "Created": NOW,
                              "RepoTags": ["old:latest"],
                              "RepoDigests": []})
        MOVED.append(1)
    return r


if DELETION_CASE.startswith("multi-refusal"):
    ST.images[1]["RepoTags"] = ["old:1", "other:1"]
elif DELETION_CASE == "multi-digest":
    ST.images[1]["RepoDigests"] = ["old@sha256:" + "1" * 64,
                                   "other@sha256:" + "2" * 64]

if __name__ == "__main__":
    main()
