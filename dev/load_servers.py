"""`make load SERVERS=2` (issue 24): several `odoo-bin --workers 2` servers on one database and one
data directory (file store and sessions), behind HAProxy with the repository's deploy/haproxy.cfg.

- `haproxy_binary()`: Debian's haproxy, installed with apt-get when missing and allowed (root);
- `render()`: deploy/haproxy.cfg with the run's local ports (a runtime copy under var/load/<label>/);
- `OdooServer`: one server (its config, log, process group; started again after a kill);
- `Balancer`: HAProxy in the foreground, its log (one line per request) and its CSV statistics;
- `parse_log()`, `parse_stats()`, `per_server()`: the figures per server for the report.
Standard library only.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from dev.common import REPO, SetupError, is_root, say
from dev.load_procs import children, http_ok, start, stop

HAPROXY_CFG = REPO / "deploy" / "haproxy.cfg"
# the production addresses of deploy/haproxy.cfg that a run replaces (see its header)
PROD_HTTP, PROD_GEVENT = "10.0.0.1{n}:8069", "10.0.0.1{n}:8072"
PROD_FRONT, PROD_REPORTS, PROD_STATS = "bind :80", "127.0.0.1:8073", "127.0.0.1:8404"


def haproxy_binary(install: bool = True) -> str:
    """The haproxy executable; installs Debian's package when missing (root), else says how."""
    found = shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if os.path.exists(p)), None)
    if found:
        return found
    if install and is_root() and shutil.which("apt-get"):
        say("HAProxy is missing: installing Debian's package (apt-get install -y haproxy)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-q", "haproxy"], env=env, check=False,
                       stdout=subprocess.DEVNULL)
        return haproxy_binary(install=False)
    raise SetupError("HAProxy is not installed: `make load SERVERS=2` runs the servers behind it.\n"
                     "Install Debian's package: sudo apt-get install -y haproxy")


@dataclass
class Ports:
    front: int
    reports: int
    stats: int
    http: list[int]
    gevent: list[int]


def render(text: str, ports: Ports) -> str:
    """deploy/haproxy.cfg for a local run: every production address replaced by a loopback port
    (all of them, or an error: a run must never point at an address of the example)."""
    text = text.replace(PROD_FRONT, f"bind 127.0.0.1:{ports.front}")
    text = text.replace(PROD_REPORTS, f"127.0.0.1:{ports.reports}").replace(PROD_STATS, f"127.0.0.1:{ports.stats}")
    listed = len(re.findall(r"^\s*server odoo\d+ \S+:8069", text, re.MULTILINE))
    if listed != len(ports.http):
        raise ValueError(f"deploy/haproxy.cfg lists {listed} Odoo servers, the run has {len(ports.http)}")
    for n, (http_port, gevent_port) in enumerate(zip(ports.http, ports.gevent, strict=True), start=1):
        text = text.replace(PROD_HTTP.format(n=n), f"127.0.0.1:{http_port}")
        text = text.replace(PROD_GEVENT.format(n=n), f"127.0.0.1:{gevent_port}")
    left = re.findall(r"10\.0\.0\.\d+:\d+|^\s*bind :\d+", text, re.MULTILINE)
    if left:
        raise ValueError(f"deploy/haproxy.cfg: addresses left unreplaced: {left}")
    return text


@dataclass
class OdooServer:
    """One Odoo server of the run (a process group: its master and its workers)."""

    name: str
    cmd: list
    log: Path
    env: dict
    http_port: int
    gevent_port: int = 0
    proc: subprocess.Popen | None = None
    starts: list[float] = field(default_factory=list)

    def start(self):
        self.starts.append(time.time())
        if self.log.exists():  # started again after a kill: keep the first life's log
            self.log.rename(self.log.with_suffix(f".{len(self.starts) - 1}.log"))
        self.proc = start(self.cmd, self.log, env=self.env)

    @property
    def master(self) -> int:
        return self.proc.pid if self.proc else 0

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_up(self, timeout: float = 180) -> float | None:
        """Seconds until /web/health answers (None: it did not, or the process died)."""
        started = time.time()
        while time.time() - started < timeout:
            if http_ok(f"http://127.0.0.1:{self.http_port}/web/health", timeout=5):
                return time.time() - started
            if not self.alive():
                return None
            time.sleep(0.5)
        return None

    def kill9(self) -> list[int]:
        """kill -9 of the whole server: its master and, with it, every worker (its process group)."""
        pids = [self.master, *children(self.master)]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.master, signal.SIGKILL)
        self.proc.wait(timeout=30)
        return pids

    def stop(self):
        stop(self.proc)


class Balancer:
    """HAProxy in the foreground (-db): its log is its standard output (deploy/haproxy.cfg logs to stdout)."""

    def __init__(self, binary: str, cfg: Path, log: Path, stats_port: int):
        self.binary, self.cfg, self.log, self.stats_port = binary, cfg, log, stats_port
        self.proc = None

    def start(self):
        check = subprocess.run([self.binary, "-c", "-q", "-f", str(self.cfg)], capture_output=True, text=True,
                               check=False)
        if check.returncode:
            raise RuntimeError(f"haproxy -c refused {self.cfg}: {check.stderr.strip()[-500:]}")
        self.proc = start([self.binary, "-db", "-f", self.cfg], self.log)

    def stats_csv(self) -> str:
        url = f"http://127.0.0.1:{self.stats_port}/stats;csv"
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()

    def stop(self):
        stop(self.proc, timeout=10)


def parse_stats(text: str) -> dict[str, dict]:
    """HAProxy's CSV statistics: {"backend/server": row} for the servers (not FRONTEND/BACKEND rows)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("# ")))
    return {f"{row['pxname']}/{row['svname']}": row for row in reader
            if row.get("svname") not in ("FRONTEND", "BACKEND", None)}


LOG_LINE = re.compile(r"^(?P<t>\d+\.\d+) (?P<method>\S+) (?P<path>\S+) (?P<backend>\S+) (?P<server>\S+) "
                      r"(?P<status>-?\d+) (?P<ta>-?\d+) (?P<tw>-?\d+) (?P<tc>-?\d+) (?P<tr>-?\d+) "
                      r"(?P<retries>\+?\d+) (?P<term>\S+)")


def route(path: str) -> str:
    """A path as a route name: numbers and long tokens replaced (/my/invoices/42 -> /my/invoices/<id>)."""
    path = re.sub(r"/[A-Za-z0-9_-]{24,}", "/<token>", path)
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def parse_log(lines) -> list[dict]:
    """The requests of HAProxy's log (deploy/haproxy.cfg's log-format), one dict per line."""
    out = []
    for line in lines:
        match = LOG_LINE.match(line.strip())
        if not match:
            continue
        g = match.groupdict()
        out.append({"t": float(g["t"]), "method": g["method"], "route": route(g["path"]), "backend": g["backend"],
                    "server": g["server"], "status": int(g["status"]), "ms": int(g["ta"]),
                    "retries": int(g["retries"].lstrip("+")), "redispatched": g["retries"].startswith("+"),
                    "term": g["term"]})
    return out


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def per_server(requests: list[dict], seconds: float) -> dict[str, dict]:
    """Per server (and "all"): requests, per second, p50/p95/p99 ms, 5xx, failed (no answer), retried;
    and per route the same. Websocket tunnels are left out (their time is the connection's life)."""
    table: dict[str, dict] = {}
    for req in requests:
        if req["backend"] != "odoo_http":
            continue
        for key in (req["server"], "all"):
            table.setdefault(key, {"ms": [], "routes": {}, "5xx": 0, "failed": 0, "retried": 0})
            entry = table[key]
            entry["ms"].append(req["ms"])
            entry["routes"].setdefault(f"{req['method']} {req['route']}", []).append(req["ms"])
            entry["5xx"] += req["status"] >= 500
            entry["failed"] += req["status"] < 0 or req["status"] >= 500
            entry["retried"] += req["retries"] > 0
    for entry in table.values():
        ms = entry.pop("ms")
        entry.update(requests=len(ms), per_second=len(ms) / seconds if seconds else 0.0,
                     p50=percentile(ms, 50), p95=percentile(ms, 95), p99=percentile(ms, 99))
    return table


def wait_backends_up(balancer: Balancer, count: int, timeout: float = 60) -> bool:
    """True once HAProxy's health checks see ``count`` servers UP in odoo_http."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            rows = parse_stats(balancer.stats_csv())
            if sum(1 for key, row in rows.items() if key.startswith("odoo_http/") and row["status"] == "UP") >= count:
                return True
        time.sleep(1)
    return False


def collect(servers: list[OdooServer], balancer: Balancer, watches, t0: float, seconds: float) -> dict:
    """After the run: HAProxy's statistics and log per server, each server's worker memory and starts."""
    stats = {}
    with contextlib.suppress(OSError):
        stats = parse_stats(balancer.stats_csv())
    requests = [r for r in parse_log(balancer.log.read_text(encoding="utf-8", errors="replace").splitlines())
                if r["t"] >= t0]
    return {"stats": stats, "log": per_server(requests, seconds),
            "memory": {s.name: (w.peaks, w.kinds) for s, w in zip(servers, watches, strict=True)},
            "starts": {s.name: len(s.starts) for s in servers}, "haproxy_cfg": str(balancer.cfg)}


def _ms(value) -> str:
    return "-" if value is None else f"{value:,.0f}"


def report_lines(info: dict) -> list[str]:
    """The report's per-server section: HAProxy's log (every request, by the server that answered
    it), its statistics (retries, redispatches, health checks), each server's workers' memory."""
    log, stats = info["log"], info["stats"]
    lines = [f"per server (HAProxy's log and statistics; config {info['haproxy_cfg']}; <NOSRV>: no server "
             "was up, HAProxy answered 503 itself):"]
    names = [*sorted(info["memory"]), *sorted(set(log) - set(info["memory"]) - {"all"}), "all"]
    rows = []
    for name in names:
        entry = log.get(name, {"requests": 0, "per_second": 0.0, "p50": None, "p95": None, "p99": None,
                               "5xx": 0, "failed": 0, "retried": 0})
        rows_of = [row for key, row in stats.items() if key.startswith("odoo_http/")] if name == "all" else [
            stats.get(f"odoo_http/{name}", {})]
        total = {k: sum(int(r.get(k) or 0) for r in rows_of) for k in ("wretr", "wredis", "chkdown")}
        state = "" if name == "all" else rows_of[0].get("status", "")
        rows.append([name, f"{entry['requests']:,}", f"{entry['per_second']:.1f}", _ms(entry["p50"]),
                     _ms(entry["p95"]), _ms(entry["p99"]), entry["5xx"], entry["failed"], entry["retried"],
                     total["wretr"], total["wredis"], total["chkdown"], state, info["starts"].get(name, "")])
    headers = ["server", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "5xx", "failed", "answered after a retry",
               "retries", "redispatches", "checks down", "state", "starts"]
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines += ["  " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in [headers, *rows]]
    for name in sorted(info["memory"]):
        routes = log.get(name, {}).get("routes", {})
        busiest = sorted(routes.items(), key=lambda item: -len(item[1]))[:8]
        lines.append(f"  {name} routes (requests, p50/p95 ms): " + "; ".join(
            f"{route} {len(ms)} {_ms(percentile(ms, 50))}/{_ms(percentile(ms, 95))}" for route, ms in busiest))
        peaks, kinds = info["memory"][name]
        lines.append(f"  {name} peak memory per worker (RSS, MB): " + (", ".join(
            f"{kinds.get(pid, '?')} {pid}: {mb:.0f}" for pid, mb in sorted(peaks.items(), key=lambda x: -x[1]))
            or "none sampled"))
    return lines
