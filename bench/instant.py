"""A target that answers every HTTP request at once: what a load generator can reach at most.

Measuring a load generator's own ceiling needs a target that costs nothing: asyncio on one core,
keep-alive, `200 {}` to every request without parsing more than the request line and headers.
The harness's load suite is pointed at it in bench/load_scaling.py.

Run: ``python -m bench.instant --port N``.
"""

from __future__ import annotations

import argparse
import asyncio

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


async def _serve_one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(ANSWER)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        writer.close()


async def _main(port: int) -> None:
    server = await asyncio.start_server(_serve_one, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.instant")
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(_main(parser.parse_args(argv).port))


if __name__ == "__main__":
    main()
