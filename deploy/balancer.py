#!/usr/bin/env python3
"""A small TCP load balancer for compose.scale.yaml: each listening port spreads its connections
over a system's replicas, round robin, skipping a replica that refuses the connection.

    python balancer.py --route 8101=records-1:8101,records-2:8101 --route 8102=... [--stats 8100]

Why its own: the scale-out compose file must come up with the images this project builds offline
(no HAProxy or nginx image to pull), and TCP is all it needs: HTTP keep-alive stays with the
replica that accepted the connection, and every replica of a system is interchangeable because
they share one PostgreSQL (clock, quirks, faults and traffic log included). `--stats PORT` serves
`GET /` with how many connections each replica was given, which the smoke test reads to see
that both replicas were used. Standard library only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import signal
import sys

CONNECT_TIMEOUT_S = 5.0
given: dict[str, dict[str, int]] = {}


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError):
            writer.close()


def _route(port: str, backends: list[tuple[str, int]]):  # type: ignore[no-untyped-def]
    turn = itertools.cycle(range(len(backends)))
    counts = given.setdefault(port, {f"{h}:{p}": 0 for h, p in backends})

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        start = next(turn)
        for i in range(len(backends)):
            host, bport = backends[(start + i) % len(backends)]
            try:
                up_r, up_w = await asyncio.wait_for(asyncio.open_connection(host, bport), CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError):
                continue
            counts[f"{host}:{bport}"] += 1
            await asyncio.gather(_pipe(client_r, up_w), _pipe(up_r, client_w))
            return
        client_w.close()  # no replica answers: the client sees the connection closed

    return handle


async def _stats(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    body = json.dumps(given).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    w.write(head.encode() + b"Connection: close\r\n\r\n" + body)
    await w.drain()
    w.close()


def parse_route(text: str) -> tuple[str, list[tuple[str, int]]]:
    port, _, targets = text.partition("=")
    backends = []
    for target in targets.split(","):
        host, _, bport = target.strip().rpartition(":")
        backends.append((host, int(bport)))
    if not port.isdigit() or not backends:
        raise ValueError(f"--route must look like PORT=HOST:PORT,HOST:PORT; got {text!r}")
    return port, backends


async def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="balancer.py")
    p.add_argument("--route", action="append", required=True)
    p.add_argument("--stats", type=int)
    p.add_argument("--host", default="0.0.0.0")
    a = p.parse_args(argv)
    servers = []
    for text in a.route:
        port, backends = parse_route(text)
        servers.append(await asyncio.start_server(_route(port, backends), a.host, int(port)))
        print(f"balancer: :{port} -> {', '.join(f'{h}:{b}' for h, b in backends)}", flush=True)
    if a.stats:
        servers.append(await asyncio.start_server(_stats, a.host, a.stats))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):  # as PID 1 in a container, SIGTERM is ignored unless handled
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
