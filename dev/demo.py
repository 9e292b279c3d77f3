"""`run`: the demo database (created, installed and seeded on first use) and its server."""
from __future__ import annotations

import os
import subprocess

from dev.common import DEMO_DB, MODULE, VAR, SetupError, banner, run, say
from dev.odoo_runtime import context, odoo_env

DEMO_SEED = """
from odoo.addons.client_hub.populate.seeder import Seeder
Seeder(env, seed=2026).seed_demo()
"""


def cmd_run(args) -> int:
    ctx = context(require=True)
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    if args.reset:
        ctx.drop_db(DEMO_DB)
    if not ctx.db_exists(DEMO_DB):
        say(f"creating demo database {DEMO_DB} (install {MODULE}, then seed demo clients)...")
        run(ctx.cmd("-d", DEMO_DB, "-i", MODULE, "--stop-after-init", "--no-http",
                    "--load-language", "fr_FR"), env=odoo_env(), cwd=str(VAR))
        if ctx.shell(DEMO_DB, DEMO_SEED) != 0:
            raise SetupError("seeding the demo database failed (see above)")
    elif args.upgrade:
        say(f"upgrading {MODULE} in {DEMO_DB}")
        run(ctx.cmd("-d", DEMO_DB, "-u", MODULE, "--stop-after-init", "--no-http"), env=odoo_env(),
            cwd=str(VAR))
    info = VAR / "logs" / "demo-info.log"
    info.unlink(missing_ok=True)
    ctx.shell(DEMO_DB, "from odoo.addons.client_hub.populate.seeder import demo_info\n"
                       f"print('\\n'.join(demo_info(env, 'http://127.0.0.1:{args.port}')))", log=info)
    demo_lines = [ln[5:] for ln in info.read_text(encoding="utf-8").splitlines() if ln.startswith("DEMO ")]
    banner([f"client_hub demo: http://127.0.0.1:{args.port}/odoo   (database {DEMO_DB})",
            "Backend login: admin / admin",
            *[ln for ln in demo_lines if "/portal/magic/" not in ln]])
    for line in demo_lines:  # too long for the banner
        if "/portal/magic/" in line:
            label, url = line.rsplit(": ", 1)
            say(f"{label} (open it in a private window):\n{url}\n")
    cmd = ctx.cmd("-d", DEMO_DB, "--db-filter", f"^{DEMO_DB}$", "--http-interface", "127.0.0.1",
                  "--http-port", args.port, "--workers", str(args.workers), "--max-cron-threads", "1")
    if args.detach:
        log = VAR / "logs" / "demo-server.log"
        with log.open("w", encoding="utf-8") as fh:
            proc = subprocess.Popen(cmd, env=odoo_env(), stdout=fh, stderr=subprocess.STDOUT,
                                    cwd=str(VAR), start_new_session=True)
        (VAR / "demo-server.pid").write_text(str(proc.pid), encoding="utf-8")
        say(f"demo server started in the background (pid {proc.pid}, log {log})")
        return 0
    os.chdir(VAR)
    os.execvpe(cmd[0], cmd, odoo_env())  # noqa: S606 (replace this process by Odoo's server)
    return 0
