#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for the contract tests (stdlib only, loopback only).

Stands in front of test/backend as the SDK's base_url and forwards every request to --upstream,
unless the current faults say otherwise. Faults are set at start (--faults JSON) and changed at
any time by the test: POST /__faults__ with a JSON object replaces them; GET /__faults__ returns
them with counters. /__faults__ is served on the proxy's own port and on a control port of its
own (--control-port-file), which stays up while the proxy refuses connections. Fields (all
optional):

  refuse          true: the proxy stops listening and cuts the connections it has, so every
                  new connection is refused (ECONNREFUSED, as from a host with the server down);
                  false (or faults without it) listens again on the same port
  dead            true: every request's connection is closed without an answer
  hang            true: every request is read and never answered (the connection stays open)
  hang_after      N: requests after the N-th hang
  delay           seconds to wait before forwarding
  error_rate      0..1: that share of requests gets HTTP 503 without being forwarded
  drop_response   {"match": "pushToRunQueueByName", "times": 1}: a request whose body holds the
                  text is forwarded (the server handles it), then its connection is closed
                  without the answer, that many times
  seed            for error_rate

Counters: requests, forwarded, dropped, hung, errors; `waiting` lists the requests being held
(delayed or hung) as "METHOD path operation", so a test can act while the client waits on one.
--port-file receives the port.
"""

import argparse
import gzip
import http.client
import json
import os
import random
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}


class State:
    def __init__(self, faults):
        self.lock = threading.Lock()
        self.faults = {}
        self.counts = {"requests": 0, "forwarded": 0, "dropped": 0, "hung": 0, "errors": 0}
        self.random = random.Random()
        self.waiting = []
        self.on_change = lambda faults: None
        self.set(faults)

    def set(self, faults):
        with self.lock:
            self.faults = dict(faults or {})
            self.random.seed(self.faults.get("seed", 1))
            drop = self.faults.get("drop_response")
            self.drops_left = int(drop.get("times", 1)) if drop else 0
        self.on_change(self.faults)

    def decide(self, body):
        """What to do with one request: dead, hang, error, drop or forward (and the delay)."""
        with self.lock:
            self.counts["requests"] += 1
            f = self.faults
            n = self.counts["requests"]
            if f.get("dead"):
                return "dead", 0
            if f.get("hang") or (f.get("hang_after") is not None and n > int(f["hang_after"])):
                self.counts["hung"] += 1
                return "hang", 0
            if f.get("error_rate") and self.random.random() < float(f["error_rate"]):
                self.counts["errors"] += 1
                return "error", 0
            drop = f.get("drop_response")
            if drop and self.drops_left > 0 and drop.get("match", "").encode() in body:
                self.drops_left -= 1
                self.counts["dropped"] += 1
                return "drop", float(f.get("delay") or 0)
            self.counts["forwarded"] += 1
            return "forward", float(f.get("delay") or 0)

    def view(self):
        with self.lock:
            return {"faults": self.faults, **self.counts, "waiting": list(self.waiting)}

    def hold(self, what, seconds=None, until=None):
        """Waits `seconds` (or until `until` is set), listed in `waiting` meanwhile."""
        with self.lock:
            self.waiting.append(what)
        try:
            if until is not None:
                while not until.is_set():
                    time.sleep(0.2)
            else:
                time.sleep(seconds)
        finally:
            with self.lock:
                self.waiting.remove(what)


OPERATION = re.compile(r"\b(?:query|mutation)\s+(\w+)")


def describe(command, path, body):
    """"POST /graphql Viewer": the request, with its GraphQL operation when it has one."""
    try:
        query = json.loads(body).get("query") or ""
    except (ValueError, AttributeError):
        query = ""
    match = OPERATION.search(query if isinstance(query, str) else "")
    return f"{command} {path}" + (f" {match.group(1)}" if match else "")


def make_handler(state, upstream, stopping, connections):
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            connections.add(self.connection)

        def finish(self):
            connections.discard(self.connection)
            super().finish()

        def log_message(self, *args):
            pass

        def do_GET(self):
            self.handle_any()

        def do_POST(self):
            self.handle_any()

        def do_PUT(self):
            self.handle_any()

        def do_DELETE(self):
            self.handle_any()

        def answer(self, code, body, headers=()):
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/__faults__"):
                if self.command == "POST":
                    state.set(json.loads(body or b"{}"))
                self.answer(200, json.dumps(state.view()).encode(), [("Content-Type", "application/json")])
                return
            plain = body
            if self.headers.get("Content-Encoding", "").lower() == "gzip":
                try:
                    plain = gzip.decompress(body)
                except OSError:
                    pass
            action, delay = state.decide(plain)
            if action == "dead":
                self.cut()
                return
            if action == "hang":
                state.hold(describe(self.command, self.path, plain), until=stopping)
                self.cut()
                return
            if action == "error":
                self.answer(503, b"fault proxy: service unavailable", [("Content-Type", "text/plain")])
                return
            if delay:
                state.hold(describe(self.command, self.path, plain), seconds=delay)
            try:
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers["Host"] = target.netloc
                conn.request(self.command, self.path, body=body, headers=headers)
                res = conn.getresponse()
                data = res.read()
                conn.close()
            except OSError as exc:
                self.answer(502, f"fault proxy: upstream failed: {exc}".encode())
                return
            if action == "drop":
                self.cut()  # the server has handled it; the client never hears
                return
            self.answer(res.status, data, [(k, v) for k, v in res.getheaders() if k.lower() not in HOP_BY_HOP])

        def cut(self):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    return Handler


class Listener:
    """The proxy's listening socket, which the `refuse` fault closes and opens again on the same
    port; connections it accepted are cut when it closes."""

    def __init__(self, state, upstream, stopping, port):
        self.connections = set()
        self.handler = make_handler(state, upstream, stopping, self.connections)
        self.lock = threading.Lock()
        self.server = None
        self.port = port
        self.open()

    def open(self):
        with self.lock:
            if self.server is None:
                self.server = serve(self.port, self.handler)
                self.port = self.server.server_address[1]

    def close(self):
        with self.lock:
            server, self.server = self.server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        for conn in list(self.connections):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def follow(self, faults):
        """Done before /__faults__ answers: once set, the port refuses (or listens again)."""
        self.close() if faults.get("refuse") else self.open()


def serve(port, handler):
    """A ThreadingHTTPServer on 127.0.0.1:port (0: any), serving in a thread of its own."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server


def write_port(path, port):
    with open(path + ".tmp", "w") as f:
        f.write(str(port))
    os.replace(path + ".tmp", path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--control-port-file", help="receives the port of /__faults__ alone")
    parser.add_argument("--faults", default="{}")
    args = parser.parse_args()
    stopping = threading.Event()
    faults = json.loads(args.faults)
    state = State({k: v for k, v in faults.items() if k != "refuse"})
    listener = Listener(state, args.upstream, stopping, args.port)
    control = serve(0, make_handler(state, args.upstream, stopping, set()))
    state.on_change = listener.follow
    state.set(faults)
    if args.control_port_file:
        write_port(args.control_port_file, control.server_address[1])
    if args.port_file:
        write_port(args.port_file, listener.port)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stopping.set()
    sys.exit(0)


if __name__ == "__main__":
    main()
