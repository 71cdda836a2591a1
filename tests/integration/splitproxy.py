#!/usr/bin/env python3
"""A TCP proxy for test_tls.sh: 127.0.0.1:LISTEN to 127.0.0.1:TARGET. What
the server sends goes on in two writes per read, PAUSE seconds apart (0.2
by default), so that TLS records span TCP segments; one line per split on
stdout. Prints "ready" once it listens.
usage: splitproxy.py LISTEN TARGET [PAUSE]"""
import socket
import sys
import threading
import time


def pipe(src, dst, pause):
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            if pause is not None and len(b) > 1:
                h = len(b) // 2
                dst.sendall(b[:h])
                time.sleep(pause)
                dst.sendall(b[h:])
                print("split %d bytes" % len(b), flush=True)
            else:
                dst.sendall(b)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(c, target, pause):
    try:
        u = socket.create_connection(("127.0.0.1", target))
    except OSError:
        c.close()
        return
    for s in (c, u):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threading.Thread(target=pipe, args=(c, u, None), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c, pause), daemon=True).start()


def main():
    listen, target = int(sys.argv[1]), int(sys.argv[2])
    pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", listen))
    ls.listen(16)
    print("ready", flush=True)
    while True:
        c, _ = ls.accept()
        serve(c, target, pause)


if __name__ == "__main__":
    main()
