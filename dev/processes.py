"""Ports and processes: is a port free or answering, the live process a pid file names (never a
recycled pid), stopping a process group gently then firmly. Used by the demo and the e2e check."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from pathlib import Path

from dev.common import say

HOST = "127.0.0.1"


def port_busy(port: int, host: str = HOST) -> bool:
    """True when a server could not listen on host:port (something already does)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def port_answers(port: int, host: str = HOST, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def next_free_port(port: int, avoid: tuple[int, ...] = ()) -> int:
    for candidate in range(port + 1, min(port + 100, 65535)):
        if candidate not in avoid and not port_busy(candidate):
            return candidate
    return port + 1


def cmdline(pid: int) -> str:
    """The command line of a live process ('' when there is none, or it is a zombie)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def read_pid(path: Path, mark: str) -> int | None:
    """The live process a pid file names, else None; a stale file (no such process, or a
    recycled pid running something else) is removed."""
    try:
        pid = int(path.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        path.unlink(missing_ok=True)
        return None
    if mark not in cmdline(pid):
        path.unlink(missing_ok=True)
        return None
    return pid


def stop_pid(pid: int, name: str, timeout: float = 30) -> None:
    """SIGTERM to the process group the process leads (it was started in a session of its own),
    SIGKILL after `timeout` seconds."""
    def signal_group(sig):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)

    signal_group(signal.SIGTERM)
    deadline = time.time() + timeout
    while cmdline(pid) and time.time() < deadline:
        time.sleep(0.2)
    if cmdline(pid):
        say(f"{name} (pid {pid}) still running after {timeout:.0f}s: killing it")
        signal_group(signal.SIGKILL)
    say(f"stopped the {name} (pid {pid})")


def stop_pidfile(path: Path, mark: str, name: str) -> bool:
    pid = read_pid(path, mark)
    if pid is None:
        return False
    stop_pid(pid, name)
    path.unlink(missing_ok=True)
    return True


def tail(path: Path, lines: int = 15) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return []
