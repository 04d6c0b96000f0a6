"""What the console needs to know about the range it fronts: where each system answers, its world."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from harness.errors import InteropError

LOOPBACK_NAMES = ("localhost",)
HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def valid_host(host: str) -> bool:
    """An IP address (v4 or v6) or a DNS host name: what a server can be bound to."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(HOST_NAME.match(host))


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class ConsoleSettings:
    """The systems (name -> base URL), the state folder, and who may use the console.

    `password` is required when `host` is not a loopback address: anyone who can reach the port
    could otherwise switch faults or read tokens.
    """

    systems: dict[str, str]
    home: Path
    host: str = "127.0.0.1"
    port: int = 8100
    password: str | None = None
    seed: int | None = None
    population: int | None = None
    # How often the live traffic view asks each system for new exchanges: a new one shows within
    # a second, and the systems' cost stays small (bench/console_overhead.py measures it).
    poll_seconds: float = 0.5

    @property
    def runs_dir(self) -> Path:
        """Where the console's verification runs write their reports (one folder per run)."""
        return self.home / "console" / "runs"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def preflight(self) -> None:
        """Everything that can be refused before the systems start: the password rule, a busy port."""
        import socket

        from simulators.core.server import port_in_use

        self.check()
        try:
            socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise InteropError(
                f"--console-host {self.host}: no such address on this machine's network"
            ) from None
        if port_in_use(self.port, self.host):
            raise InteropError(
                f"console port {self.port} is already in use on {self.host}; "
                "choose another with --console-port or turn the console off with --no-console"
            )

    def check(self) -> None:
        if not valid_host(self.host):
            raise InteropError(f"--console-host: expected an IP address or a host name; got {self.host!r}")
        if not is_loopback(self.host) and not self.password:
            raise InteropError(
                f"--console-host {self.host} is reachable from other machines: set a password with "
                "--console-password (or INTEROP_CONSOLE_PASSWORD), or keep the default 127.0.0.1"
            )
