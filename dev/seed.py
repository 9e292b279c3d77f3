"""`seed` (N clients x M invoices into a database, for benchmarks) and `bench` (bench/bench_*.py)."""
from __future__ import annotations

import os
from pathlib import Path

from dev.common import MODULE, REPO, VAR, run, say
from dev.odoo_runtime import context, odoo_env


def cmd_seed(args) -> int:
    ctx = context(require=True)
    if args.fresh or not ctx.db_exists(args.db):
        ctx.drop_db(args.db)
        run(ctx.cmd("-d", args.db, "-i", MODULE, "--stop-after-init", "--no-http"), env=odoo_env(),
            cwd=str(VAR))
    script = ("import time\nfrom odoo.addons.client_hub.populate.seeder import Seeder\n"
              "t0 = time.time()\n"
              f"res = Seeder(env, seed={args.seed}).seed(n_clients={args.clients}, "
              f"invoices_per_client={args.invoices}, commit=True)\n"
              "print('SEEDED', res)\n")
    rc = ctx.shell(args.db, script)
    ctx.psql("ANALYZE", args.db)  # fresh planner statistics after tens of thousands of rows
    return rc


def cmd_bench(args) -> int:
    ctx = context(require=True)
    if not ctx.db_exists(args.db):
        say(f"creating the bench database {args.db} (install {MODULE})")
        run(ctx.cmd("-d", args.db, "-i", MODULE, "--stop-after-init", "--no-http"), env=odoo_env(),
            cwd=str(VAR))
    else:
        say(f"upgrading {MODULE} in {args.db} (the benches run the code of this checkout)")
        run(ctx.cmd("-d", args.db, "-u", MODULE, "--stop-after-init", "--no-http"), env=odoo_env(),
            cwd=str(VAR))
    scripts = [Path(s) for s in args.scripts] or sorted((REPO / "bench").glob("bench_*.py"))
    env = {**odoo_env(), "PYTHONPATH": os.pathsep.join([str(ctx.odoo.src), str(VAR / "addons")])}
    rc = 0
    for script in scripts:
        say(f"== {script.name} ==")
        rc |= run([ctx.python, script.resolve(), "--conf", ctx.conf, "--db", args.db, *args.extra],
                  env=env, check=False, cwd=str(VAR)).returncode
    return rc
