"""`load` (issues 14, 24): the whole client journey under load, and faults, on real multi-worker servers.

    make load                                   200 users, 3 minutes, on client_hub_bench (make seed)
    make load FAULTS=1                          the same with faults during the load
    make load USERS=50 DURATION=120             other figures (environment variables or options)
    make load SERVERS=2 [FAULTS=1]              two servers behind HAProxy (deploy/haproxy.cfg)
    python3 -m dev.load --users 20 --duration 60 --db mydb [--faults] [--servers 2] [--no-upgrade]

What it does: upgrades client_hub in the database (the run measures this checkout), starts the
local mail sink, the fake Stripe API (bench/load/fake_stripe.py) and a production-like
`odoo-bin --workers 4 --max-cron-threads 1` with Odoo's usual limits (var/load/odoo-load.conf;
`--load ...,client_hub_load_stripe` points payment_stripe at the fake API) -- or, with SERVERS=2, two
`odoo-bin --workers 2 --proxy-mode` servers sharing the database and the data directory behind HAProxy
(dev/load_servers.py; its config rendered from deploy/haproxy.cfg into var/load/<label>/haproxy.cfg) --,
prepares the users (`odoo shell`: magic links, tickets, Stripe in test mode: dev/load_scripts.py), runs
Locust headless (bench/load/locustfile.py, its own virtualenv var/locust-venv, version pinned in
requirements-test.txt), samples each worker's memory, optionally injects the faults
(dev/load_faults.py), waits for the background exports, reads back from the database that nothing
was lost, stops everything and prints the report (dev/load_report.py; also var/load/report.txt).
Exit code 1 when a check fails.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dev import load_report, load_servers
from dev.common import MODULE, REPO, VAR, free_port, run, say
from dev.load_cluster import start_servers
from dev.load_faults import FaultDriver, ServerKill
from dev.load_procs import MemoryWatch, children, start, stop
from dev.load_scripts import CHECK, PREPARE
from dev.load_setup import LOAD, ensure_locust, locust_pin, wait_exports
from dev.odoo_runtime import Context, context, odoo_env

__all__ = ["LoadRun", "locust_pin", "run_load"]
LOCUSTFILE = REPO / "bench" / "load" / "locustfile.py"
FAKE_STRIPE = REPO / "bench" / "load" / "fake_stripe.py"
MAILGATE = Path("addons/mail/static/scripts/odoo-mailgate.py")
WEBHOOK_SECRET = "whsec_client_hub_load_only"  # noqa: S105 (the fake Stripe's, for the load database)


@dataclass
class LoadRun:
    db: str
    users: int = 200
    duration: int = 180
    faults: bool = False
    upgrade: bool = True
    spawn_rate: float = 10.0
    prefix: str = "Seed Client"
    zip_sync_limit: int = 1  # PDFs rendered in the request (the product's default); more: a background export
    label: str = "load"
    thresholds: dict = field(default_factory=dict)
    servers: int = 1  # 2: two --workers 2 servers behind HAProxy
    jobs_timeout: float = 900  # seconds to wait for the background jobs before the check (0: the curve's points)


def run_load(ctx: Context, opts: LoadRun) -> tuple[bool, str]:
    """One load run; (passed, report text)."""
    out = LOAD / opts.label
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    locust = ensure_locust()
    if opts.upgrade:
        say(f"upgrading {MODULE} in {opts.db} (the load runs this checkout's code)")
        run(ctx.cmd("-d", opts.db, "-u", MODULE, "--stop-after-init", "--no-http"), env=odoo_env(), cwd=str(VAR),
            stdout=(out / "upgrade.log").open("w"), stderr=subprocess.STDOUT)
    stripe_port, smtp_port, mail_web = (free_port() for _ in range(3))
    run_tag = datetime.now().strftime("%m%d%H%M%S")
    procs: dict[str, subprocess.Popen] = {}
    servers, balancer, watches, driver = [], None, [], None
    try:
        mail_dir = out / "mail"
        mail_dir.mkdir()
        procs["mail sink"] = start([ctx.python, REPO / "dev" / "mailsink.py", "--smtp-port", smtp_port,
                                    "--web-port", mail_web, "--dir", mail_dir, "--host", "127.0.0.1"],
                                   out / "mailsink.log")
        procs["fake Stripe"] = start([sys.executable, FAKE_STRIPE, "--port", stripe_port], out / "fake-stripe.log")
        env = {**odoo_env(), "CLIENT_HUB_FAKE_STRIPE_URL": f"http://127.0.0.1:{stripe_port}/v1"}
        servers, balancer, base, report_url = start_servers(ctx, opts, out, env)
        server_log = servers[0].log if len(servers) == 1 else out
        since = (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S")
        data_file = out / "users.json"
        prep = {"run": run_tag, "base": base, "report_url": report_url,
                "smtp_port": smtp_port, "webhook_secret": WEBHOOK_SECRET, "users": opts.users, "prefix": opts.prefix,
                "zip_sync_limit": opts.zip_sync_limit, "out": str(data_file),
                "stripe_api": f"http://127.0.0.1:{stripe_port}/v1", "mail_pace": 3.0 if opts.users >= 100 else 2.0,
                "mailgate": {"python": str(ctx.python), "script": str(ctx.odoo.src / MAILGATE), "db": opts.db,
                             "port": int(base.rsplit(":", 1)[1])}}
        say(f"preparing {opts.users} client contacts (magic links, tickets, their documents' PDFs)")
        started = time.time()
        code = ctx.shell(opts.db, PREPARE.format(opts=json.dumps(prep)), log=out / "prepare.log")
        if code or not data_file.exists():
            raise RuntimeError(f"preparing the users failed (exit {code}), see {out / 'prepare.log'}")
        say(f"prepared in {time.time() - started:.0f}s")
        results = out / "results.json"
        storm_at = round(opts.duration * 0.75) if opts.faults else None
        cmd = [locust, "-f", LOCUSTFILE, "--headless", "--host", base, "-u", opts.users + 2, "-r", opts.spawn_rate,
               "--run-time", f"{opts.duration}s", "--stop-timeout", "240", "--csv", out / "locust",
               "--only-summary", "--loglevel", "WARNING"]
        lenv = {**os.environ, "LOAD_DATA": str(data_file), "LOAD_RESULTS": str(results),
                **({"LOAD_STORM_AT": str(storm_at)} if storm_at else {})}
        if opts.faults and balancer:
            driver = ServerKill(ctx, opts.db, servers, balancer, opts.duration, out)
        elif opts.faults:
            driver = FaultDriver(ctx, opts.db, servers[0].master, opts.duration, base, out)
        for server in servers:
            roles = driver.cron_pids if isinstance(driver, FaultDriver) else (
                lambda s=server: FaultDriver.cron_of(ctx, s.master))
            watches.append(MemoryWatch(lambda s=server: s.master, roles))
            watches[-1].start()
        say(f"Locust: {opts.users} clients + Stripe + mail server for {opts.duration}s" + (
            "" if not opts.faults else " with faults: " + (
                "a whole server killed (kill -9) and started again, webhook storm" if balancer else
                "kill -9 of workers, PostgreSQL restart, webhook storm")))
        locust_started = time.time()
        load_start = os.getloadavg()[0]
        if driver:
            driver.start()
        with (out / "locust.log").open("w", encoding="utf-8") as fh:
            locust_rc = subprocess.run([str(c) for c in cmd], env=lenv, stdout=fh, stderr=subprocess.STDOUT,
                                       cwd=str(out), check=False).returncode
        wall = time.time() - locust_started
        load_end = os.getloadavg()[0]
        if driver:
            driver.join(timeout=180)
        say(f"Locust done in {wall:.0f}s (exit {locust_rc}); waiting for the background exports")
        exports_wait = wait_exports(ctx, opts.db, since, timeout=opts.jobs_timeout)
        if driver:
            driver.finish()
        intents = out / "intents.json"
        with urllib.request.urlopen(f"http://127.0.0.1:{stripe_port}/_load/intents", timeout=30) as response:
            intents.write_bytes(response.read())
        for watch in watches:
            watch.stop()
        workers_after = sum(len(children(s.master)) for s in servers if s.alive())
        per_server = load_servers.collect(servers, balancer, watches, locust_started, wall) if balancer else None
        check_log = out / "check.log"
        ctx.shell(opts.db, CHECK.format(opts=json.dumps({"results": str(results), "intents": str(intents),
                                                          "since": since})), log=check_log)
        match = re.search(r"^LOAD_CHECK (.+)$", check_log.read_text(encoding="utf-8"), re.MULTILINE)
        checks = json.loads(match.group(1)) if match else None
        peaks = {pid: mb for w in watches for pid, mb in w.peaks.items()}
        kinds = {pid: kind for w in watches for pid, kind in w.kinds.items()}
        report = load_report.build(
            opts=opts, out=out, results=json.loads(results.read_text()) if results.exists() else None,
            checks=checks, memory=(peaks, kinds), locust_rc=locust_rc, wall=wall,
            exports_wait=exports_wait, faults=driver.report if driver else None, workers_after=workers_after,
            server_log=server_log, loadavg=(load_start, load_end), servers=per_server,
            clients=ctx.psql("SELECT count(*) FROM res_partner WHERE is_company AND customer_rank > 0", opts.db))
    finally:
        for watch in watches:
            watch.stop()
        for server in servers:
            server.stop()
        if balancer:
            balancer.stop()
        for name in ("fake Stripe", "mail sink"):
            stop(procs.get(name))
    (out / "report.txt").write_text(report.text + "\n", encoding="utf-8")
    (LOAD / "report.txt").write_text(report.text + "\n", encoding="utf-8")
    return report.passed, report.text


def label(faults: bool, servers: int) -> str:
    """The run's folder under var/load/: load, faults, load-2-servers, faults-2-servers."""
    return ("faults" if faults else "load") + (f"-{servers}-servers" if servers > 1 else "")


def cmd_load(args) -> int:
    ctx = context(require=True)
    if not ctx.db_exists(args.db):
        say(f"database {args.db} does not exist: run `make seed` first (2,000 clients, about 20 minutes; "
            "`python3 dev/manage.py seed --clients 300` for a smaller one)")
        return 2
    opts = LoadRun(db=args.db, users=args.users, duration=args.duration, faults=args.faults,
                   upgrade=not args.no_upgrade, spawn_rate=args.spawn_rate, zip_sync_limit=args.zip_sync_limit,
                   prefix=args.prefix, servers=args.servers,
                   label=label(args.faults, args.servers))
    passed, text = run_load(ctx, opts)
    print(text, flush=True)
    return 0 if passed else 1


SMOKE_SEED = """
from odoo.addons.client_hub.populate.seeder import Seeder
if env['res.partner'].search_count([('name', '=like', 'Load Client %'), ('is_company', '=', True)]) < {clients}:
    Seeder(env, seed=14).seed(n_clients={clients}, invoices_per_client=6, name_prefix='Load Client')
"""
SMOKE_USERS, SMOKE_SECONDS = 20, 60
# The smoke run checks what must hold on any machine (no 5xx, no failed request, nothing lost) and
# reports the response times per route; it has no time threshold: on shared cores the same code
# measured p95 from 2 s (quiet) to 29 s (other jobs running), and a verdict that follows the
# machine's load is a flaky test. Capacity targets are `make load`'s.
SMOKE_THRESHOLDS: dict = {}


def check_load_smoke(ctx: Context, db: str) -> list[tuple[str, bool, str]]:
    """The lifecycle's smoke version: 20 users for 60 seconds on the test database (its small
    seeded data, plus 20 clients seeded for them), the same journey, checks and report."""
    name = f"load smoke: {SMOKE_USERS} users for {SMOKE_SECONDS} s on a --workers 4 server, nothing lost"
    log = VAR / "logs" / "load-smoke.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    if ctx.shell(db, SMOKE_SEED.format(clients=SMOKE_USERS + 12), log=log) != 0:
        return [(name, False, f"seeding its clients failed, see {log}")]
    opts = LoadRun(db=db, users=SMOKE_USERS, duration=SMOKE_SECONDS, upgrade=False, spawn_rate=5,
                   prefix="Load Client", label="smoke", thresholds=SMOKE_THRESHOLDS,
                   zip_sync_limit=0)
    try:
        passed, text = run_load(ctx, opts)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        return [(name, False, f"{type(exc).__name__}: {exc} (see {LOAD / 'smoke'})")]
    summary = [ln for ln in text.splitlines() if ln.startswith(("requests:", "RESULT"))]
    return [(name, passed, " / ".join(summary) + f" (report: {LOAD / 'smoke' / 'report.txt'})")]


def build_parser(p=None):
    import argparse

    p = p or argparse.ArgumentParser(prog="python3 -m dev.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="client_hub_bench")
    p.add_argument("--users", type=int, default=int(os.environ.get("USERS") or 200))
    p.add_argument("--duration", type=int, default=int(os.environ.get("DURATION") or 180), help="seconds")
    p.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second")
    p.add_argument("--faults", action="store_true", default=os.environ.get("FAULTS", "") not in ("", "0"),
                   help="kill -9 workers, restart PostgreSQL and a webhook storm during the load")
    p.add_argument("--servers", type=int, choices=(1, 2), default=int(os.environ.get("SERVERS") or 1),
                   help="1: one --workers 4 server; 2: two --workers 2 servers behind HAProxy (deploy/haproxy.cfg)")
    p.add_argument("--no-upgrade", action="store_true", help=f"do not upgrade {MODULE} in the database first")
    p.add_argument("--zip-sync-limit", type=int, default=1,
                   help="PDFs a ZIP may render in the request, more: a background export (default %(default)s)")
    p.add_argument("--prefix", default="Seed Client", help="name prefix of the seeded clients to use")
    return p


def main(argv=None) -> int:
    from dev.common import SetupError, banner

    args = build_parser().parse_args(argv)
    try:
        return cmd_load(args)
    except SetupError as exc:
        banner(["client_hub: cannot continue", *str(exc).splitlines()])
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
