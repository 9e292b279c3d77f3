"""Lifecycle checks of the Odoo tier, on the test database holding seeded data: upgrade,
uninstall (nothing of client_hub left), reinstall; then a real `--workers 2` server proves the
sign-in rate limit is shared by the worker processes, and the support email round trip runs end to
end (SMTP sink, odoo-mailgate into a running server: dev/e2e_support.py)."""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time
from pathlib import Path

from dev import testsummary
from dev.common import MODULE, TEST_DB, VAR, free_port, say
from dev.e2e_support import STEPS as E2E_STEPS
from dev.e2e_support import check_support_round_trip
from dev.load import check_load_smoke
from dev.odoo_runtime import Context, odoo_env

LIFECYCLE_SEED = """
from odoo.addons.client_hub.populate.seeder import Seeder
Seeder(env, seed=7).seed(n_clients=6, invoices_per_client=4)
"""

LIFECYCLE_CHECK = """
mod = env['ir.module.module'].search([('name', '=', 'client_hub')])
partners = env['res.partner'].search_count([('name', '=like', 'Seed Client %')])
moves = env['account.move'].search_count([('partner_id.name', '=like', 'Seed Client %')])
print('LIFECYCLE', mod.state, partners, moves)
"""


def run_lifecycle(ctx: Context, log: Path) -> testsummary.Counts:
    """Install, upgrade, uninstall and reinstall on a database that holds data."""
    say("== lifecycle: seed data, upgrade, uninstall, reinstall (database holds data), support e2e ==")
    counts = testsummary.Counts()
    results: list[tuple[str, bool, str]] = []

    def check(step: str, expected_state: str) -> None:
        out_log = VAR / "logs" / "lifecycle-check.log"
        out_log.unlink(missing_ok=True)
        code = ctx.shell(TEST_DB, LIFECYCLE_CHECK, log=out_log)
        text = out_log.read_text(encoding="utf-8") if out_log.exists() else ""
        match = re.search(r"LIFECYCLE (\w+) (\d+) (\d+)", text)
        ok = bool(code == 0 and match and match.group(1) == expected_state
                  and int(match.group(2)) >= 6 and int(match.group(3)) >= 24)
        results.append((step, ok, match.group(0) if match else text[-500:]))

    def step(name: str, *args) -> bool:
        with log.open("a", encoding="utf-8") as fh:
            proc = subprocess.run(ctx.cmd(*args), env=odoo_env(), stdout=fh, stderr=subprocess.STDOUT,
                                  cwd=str(VAR))
        if proc.returncode:
            results.append((name, False, f"exit code {proc.returncode}, see {log}"))
        return proc.returncode == 0

    if ctx.shell(TEST_DB, LIFECYCLE_SEED, log=log) != 0:
        results.append(("seed data", False, f"seeding failed, see {log}"))
    else:
        check("install on a database with data", "installed")
        if step("upgrade", "-d", TEST_DB, "-u", MODULE, "--stop-after-init", "--no-http"):
            check("upgrade keeps data", "installed")
        if step("uninstall", "module", "uninstall", "-d", TEST_DB, MODULE):
            check("uninstall keeps partners and invoices", "uninstalled")
            leftovers = ctx.psql("SELECT count(*) FROM ir_model_data WHERE module = 'client_hub'", TEST_DB)
            results.append(("uninstall removes every client_hub record", leftovers == "0",
                            f"{leftovers} ir_model_data rows left"))
            indexes = ctx.psql("SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%client_hub%'", TEST_DB)
            columns = ctx.psql("SELECT count(*) FROM information_schema.columns "
                               "WHERE column_name LIKE 'client_hub%' OR column_name LIKE 'lifetime%'", TEST_DB)
            tables = ctx.psql("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_name LIKE 'client_hub%'", TEST_DB)
            results.append(("uninstall drops client_hub's tables, indexes and columns",
                            indexes == columns == tables == "0",
                            f"{tables} tables, {indexes} indexes, {columns} columns left"))
        if step("reinstall", "module", "install", "-d", TEST_DB, MODULE):
            check("reinstall over the same data", "installed")
            results.append(check_rate_limit_across_workers(ctx))
            results += check_support_round_trip(ctx)
            results += check_load_smoke(ctx, TEST_DB)
    if not any(name in E2E_STEPS for name, _ok, _detail in results):
        results += [(name, False, "not run: client_hub was not reinstalled") for name in E2E_STEPS]
    for name, ok, detail in results:
        say(f"   lifecycle {'ok  ' if ok else 'FAIL'} {name}: {detail}")
        if ok:
            counts.passed += 1
        else:
            counts.failed += 1
    return counts


WORKERS_LINK = """
partner = env['res.partner'].create({'name': 'Workers Check', 'email': 'workers.check@example.com',
                                     'customer_rank': 1})
link, token = env['client_hub.magic.link']._issue(partner)
link._revoke('manual')
print('WORKERS_PATH /portal/magic/' + token)
"""


def check_rate_limit_across_workers(ctx: Context) -> tuple[str, bool, str]:
    """A real `--workers 2` server: the failures one worker process counts stop the other one,
    because the rate limit lives in the database (24 uses of a revoked link, 4 at a time)."""
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    name = "rate limit shared by 2 worker processes"
    out = VAR / "logs" / "workers-link.log"
    out.unlink(missing_ok=True)
    if ctx.shell(TEST_DB, WORKERS_LINK, log=out) != 0 or "WORKERS_PATH" not in out.read_text(encoding="utf-8"):
        return name, False, f"could not issue a link, see {out}"
    path = re.search(r"WORKERS_PATH (\S+)", out.read_text(encoding="utf-8")).group(1)
    port = free_port()
    server_log = VAR / "logs" / "workers-server.log"
    cmd = ctx.cmd("-d", TEST_DB, "--db-filter", f"^{TEST_DB}$", "--http-interface", "127.0.0.1",
                  "--http-port", port, "--gevent-port", free_port(), "--workers", "2",
                  "--max-cron-threads", "0", "--log-level", "info")
    base = f"http://127.0.0.1:{port}"

    def status(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our local server)
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    with server_log.open("w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, env=odoo_env(), stdout=fh, stderr=subprocess.STDOUT, cwd=str(VAR),
                                start_new_session=True)
    try:
        deadline = time.time() + 90
        while status(f"{base}/web/health") != 200:
            if time.time() > deadline or proc.poll() is not None:
                return name, False, f"the server did not start, see {server_log}"
            time.sleep(1)
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(status, [base + path] * 24))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
        proc.wait(timeout=60)
    # the access log writes the link's path with its token redacted: the requests are found by
    # that, and the token itself must be nowhere in the log
    log_text = server_log.read_text(encoding="utf-8")
    token = path.rsplit("/", 1)[-1].split("?", 1)[0]
    pids = {ln.split()[2] for ln in log_text.splitlines() if "GET /portal/magic/<redacted>" in ln}
    refused, limited = statuses.count(403), statuses.count(429)
    leaked = token in log_text
    ok = limited > 0 and refused <= 10 + 3 and refused + limited == 24 and len(pids) >= 2 and not leaked
    return name, ok, (f"{refused} refused (403) then {limited} rate-limited (429), served by {len(pids)} processes; "
                      f"token {'FOUND' if leaked else 'absent'} in the server's log")
