"""Processes of the load test (dev/load.py): the Odoo master's workers, their memory, which one is
the cron worker, starting and stopping the run's processes, and the faults: kill -9 of a worker,
PostgreSQL restarted. Standard library only; Linux /proc."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from dev.common import VAR


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Odoo's master: its HTTP, cron and gevent workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def niceness(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat[stat.rfind(")") + 2:].split()[16])


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def is_gevent_worker(pid: int) -> bool:
    """Odoo's websocket process is `odoo-bin gevent ...` (re-executed by the master)."""
    try:
        return b"gevent" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False


class MemoryWatch(threading.Thread):
    """Samples the resident memory of every worker of ``master`` (a pid, or a function giving the
    current one: a server started again) each second; keeps each process's peak (a worker recycled
    or killed leaves its own line)."""

    def __init__(self, master, roles):
        super().__init__(daemon=True, name="load-memory")
        self.master_of = master if callable(master) else (lambda: master)
        self.roles = roles
        self.peaks: dict[int, float] = {}
        self.kinds: dict[int, str] = {}
        self.stop_event = threading.Event()

    def run(self):
        while not self.stop_event.is_set():
            cron = self.roles()
            for pid in children(self.master_of()):
                mb = rss_mb(pid)
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), mb)
                if pid not in self.kinds or self.kinds[pid] == "HTTP":
                    self.kinds[pid] = "gevent" if is_gevent_worker(pid) else ("cron" if pid in cron else "HTTP")
            self.stop_event.wait(1.0)

    def stop(self):
        self.stop_event.set()
        self.join(timeout=5)


def kill9(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
        return True
    except ProcessLookupError:
        return False


def wait_for(predicate, timeout: float, step: float = 0.5):
    """The first truthy value of ``predicate()`` within ``timeout`` seconds, else None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def pg_restart(as_owner, pg_ctl: Path, data: Path, log: Path) -> tuple[int, float]:
    """`pg_ctl restart -m fast` of the project cluster: (exit code, seconds it took). The server's
    output goes to its log file (a pipe would keep this call waiting for the new server)."""
    started = time.time()
    proc = subprocess.run(as_owner([pg_ctl, "-D", data, "-l", log, "-m", "fast", "-w", "-t", "60", "restart"]),
                          capture_output=True, text=True, cwd="/", check=False)
    return proc.returncode, time.time() - started


def http_ok(url: str, timeout: float = 10) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our local server)
            return response.status == 200
    except OSError:
        return False


def start(cmd, log: Path, env=None, cwd=None) -> subprocess.Popen:
    with log.open("w", encoding="utf-8") as fh:
        return subprocess.Popen([str(c) for c in cmd], stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=str(cwd or VAR), start_new_session=True)


def stop(proc: subprocess.Popen | None, timeout: float = 60) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
