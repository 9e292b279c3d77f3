"""The load test's setup (dev/load.py): Locust in its own virtualenv, each server's configuration
(a production one: workers, limits, --proxy-mode behind HAProxy), and the wait for the background
exports after the run."""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from dev.common import REPO, VAR, run, say
from dev.odoo_runtime import Context

LOAD = VAR / "load"
LOCUST_VENV = VAR / "locust-venv"
LOAD_ADDONS = REPO / "bench" / "load" / "addons"
# A production configuration (README "Deployment and scaling"): 4 workers, one cron worker, limits;
# several servers (SERVERS=2): 2 workers each, --proxy-mode behind HAProxy.
PRODUCTION = {
    "workers": 4, "max_cron_threads": 1, "limit_memory_soft": 640 * 1024 * 1024,
    "limit_memory_hard": 768 * 1024 * 1024, "limit_time_cpu": 60, "limit_time_real": 120,
    "limit_request": 65536, "list_db": "False", "proxy_mode": "False", "log_level": "info",
}
WORKERS_PER_SERVER = {1: 4, 2: 2}


def locust_pin() -> str:
    """`locust==X` from requirements-test.txt, where it is a comment: it goes into its own
    virtualenv, not Odoo's (locust needs gevent >= 24 and Flask 3; Odoo 19 pins gevent 22 and
    Werkzeug 2)."""
    text = (REPO / "requirements-test.txt").read_text(encoding="utf-8")
    match = re.search(r"^#\s*load:\s*(locust==[\w.]+)", text, re.MULTILINE)
    if not match:
        raise RuntimeError("requirements-test.txt has no `# load: locust==X` line")
    return match.group(1)


def ensure_locust() -> Path:
    pin = locust_pin()
    python = LOCUST_VENV / "bin" / "python"
    probe = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('locust'))"],
                           capture_output=True, text=True, check=False) if python.exists() else None
    if probe is None or probe.stdout.strip() != pin.split("==")[1]:
        say(f"installing {pin} into {LOCUST_VENV} (its own virtualenv)")
        if not python.exists():
            run([sys.executable, "-m", "venv", LOCUST_VENV])
        run([python, "-m", "pip", "install", "-q", pin])
    return LOCUST_VENV / "bin" / "locust"


def write_conf(ctx: Context, port: int, gevent_port: int, db: str, name: str = "odoo-load",
               workers: int = 4, proxy: bool = False) -> Path:
    """var/load/<name>.conf: the project's configuration (same data directory: file store and
    sessions) with the production settings, this server's ports and the load run's Stripe module."""
    base = ctx.conf.read_text(encoding="utf-8").splitlines()
    lines = []
    for line in base:
        if line.startswith("addons_path"):
            line = f"{line},{LOAD_ADDONS}"
        if line.split("=")[0].strip() in ("list_db",):
            continue
        lines.append(line)
    settings = {**PRODUCTION, "workers": workers, "proxy_mode": str(proxy)}
    lines += [f"{key} = {value}" for key, value in settings.items()]
    lines += ["http_interface = 127.0.0.1", f"http_port = {port}", f"gevent_port = {gevent_port}",
              f"db_name = {db}", f"dbfilter = ^{db}$", "server_wide_modules = base,rpc,web,client_hub_load_stripe"]
    conf = LOAD / f"{name}.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf


def wait_exports(ctx: Context, db: str, since: str, timeout: float = 900) -> float:
    """Seconds the background jobs of the run (exports, payment receipts) took to finish after Locust stopped."""
    started = time.time()
    while time.time() - started < timeout:
        left = ctx.psql("SELECT (SELECT count(*) FROM client_hub_portal_export WHERE create_date >= :'since' "
                        "AND state IN ('queued', 'running')) + (SELECT count(*) FROM payment_transaction "
                        "WHERE client_hub_receipt_state = 'pending')", db, since=since)
        if left == "0":
            break
        time.sleep(3)
    return time.time() - started
