"""The Odoo tier's database: a copy of a cached template that holds client_hub's dependencies.

`click-odoo-initdb` (click-odoo-contrib, pinned in requirements-test.txt) does the work: it hashes
the modules to install, with their dependencies and auto-install modules (every file of each), and
looks for a template database of that hash (`chubtest-<date>-<hash>`). When there is one, the test
database is `CREATE DATABASE ... TEMPLATE` of it (seconds); otherwise it installs the modules into
the new database and keeps a copy of it as the template for the next run. The template never holds
client_hub itself: the tests then install it with `odoo-bin -i client_hub --test-tags /client_hub`,
so every run still tests a fresh install of the addon. A change of the manifest's `depends`, or of
any file of a dependency (an Odoo or helpdesk_mgmt update), makes a new template; the cache keeps
the 3 most recently used ones.
"""
from __future__ import annotations

import ast
import os
import subprocess
import time
from pathlib import Path

from dev.common import REPO, VAR, SetupError, say
from dev.odoo_runtime import Context, odoo_env
from dev.processes import tail

CACHE_PREFIX = "chubtest"  # click-odoo-initdb drops any database named chubtest-<12 digits>-...
CACHE_SIZE = 3


def dependencies(manifest: Path = REPO / "__manifest__.py") -> list[str]:
    """The addon's `depends`, read from its manifest (a Python literal)."""
    return list(ast.literal_eval(manifest.read_text(encoding="utf-8"))["depends"])


def initdb_command(ctx: Context) -> list[str] | None:
    """click-odoo-initdb from the virtualenv that runs Odoo, or None when it is not installed."""
    script = ctx.python.parent / "click-odoo-initdb"
    return [str(ctx.python), str(script)] if script.is_file() else None


def templates(ctx: Context) -> list[str]:
    """The cached templates, most recently used first."""
    out = ctx.psql("SELECT datname FROM pg_database WHERE datname LIKE :'pattern' ORDER BY datname DESC",
                   pattern=f"{CACHE_PREFIX}-%")
    return out.splitlines()


def create(ctx: Context, name: str, log: Path) -> bool:
    """(Re)create database `name` holding client_hub's dependencies from the template cache.
    False when click-odoo-initdb is not there (the caller then installs everything itself)."""
    initdb = initdb_command(ctx)
    if initdb is None:
        say("click-odoo-initdb is not installed (run `make setup`): installing every dependency afresh")
        return False
    ctx.drop_db(name)
    known = {t.rsplit("-", 1)[-1] for t in templates(ctx)}  # hashes (a used template is renamed)
    cmd = [*initdb, "-c", ctx.conf, "--new-database", name, "--modules", ",".join(dependencies()),
           "--no-demo", "--cache-prefix", CACHE_PREFIX, "--cache-max-size", str(CACHE_SIZE),
           "--cache-max-age", "30", "--log-level", "warn"]
    env = {**odoo_env(), "PYTHONPATH": os.pathsep.join(filter(None, [str(ctx.odoo.src),
                                                                     os.environ.get("PYTHONPATH")]))}
    t0 = time.time()
    with log.open("w", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(map(str, cmd)) + "\n")
        fh.flush()
        proc = subprocess.run([str(c) for c in cmd], env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=str(VAR))
    if proc.returncode:
        raise SetupError(f"click-odoo-initdb could not make the test database (exit code {proc.returncode});\n"
                         f"the end of {log}:\n" + "\n".join(tail(log)))
    made = [t for t in templates(ctx) if t.rsplit("-", 1)[-1] not in known]
    if made:
        say(f"test database {name}: dependencies installed in {time.time() - t0:.0f}s, "
            f"kept as template {made[0]} for the next runs")
    else:
        say(f"test database {name}: copied from the cached template of client_hub's dependencies "
            f"in {time.time() - t0:.0f}s")
    return True


def drop_templates(ctx: Context) -> list[str]:
    """Drop every cached template (`test --fresh-template`)."""
    names = templates(ctx)
    for name in names:
        ctx.drop_db(name)
    return names
