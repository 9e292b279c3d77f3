"""Driving Odoo: var/odoo.conf, the addon link in var/addons, the environment of its processes,
and the Context the commands use (odoo-bin, odoo shell, psql, databases)."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dev.common import MODULE, REPO, VAR, SetupError, run
from dev.demo_console import stream
from dev.odoo_source import NO_ODOO_HELP, OFFICIAL_GIT, Odoo, find_odoo
from dev.postgres import Db, ensure_postgres, pg_bindir
from dev.python_env import site_addons
from dev.wkhtmltopdf import WKHTML_DIR

# Top-level entries of the checkout that are not part of the addon. Odoo walks an addon's folder
# (translation export follows symlinks into every sub-folder), so it must never see ./var.
NOT_ADDON = {"var", "dev", "bench", "docs", "Makefile", "pyproject.toml", "requirements.txt",
             "requirements-test.txt", "requirements-lint.txt", "eslint.config.cjs", "prettier.config.cjs"}


def link_addon() -> Path:
    """Odoo loads this checkout as `client_hub`, whatever the checkout's folder is called:
    var/addons/client_hub is a folder of links to the addon's own entries (not to ./var)."""
    addons = VAR / "addons"
    target = addons / MODULE
    if target.is_symlink():  # layout of older checkouts: one link to the whole repository
        target.unlink()
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.name for p in REPO.iterdir() if not p.name.startswith(".") and p.name not in NOT_ADDON}
    for entry in target.iterdir():
        if entry.is_symlink() and entry.name in wanted:
            continue
        if entry.is_symlink() or entry.is_file():
            entry.unlink()
        else:
            shutil.rmtree(entry)
    for name in wanted:
        link = target / name
        if not link.is_symlink():
            link.symlink_to(REPO / name)
    return addons


def write_config(odoo: Odoo, python: Path, db: Db) -> Path:
    addons = [link_addon(), *odoo.addons_paths, *site_addons(python)]
    conf = VAR / "odoo.conf"
    conf.write_text(
        "[options]\n"
        f"addons_path = {','.join(str(p) for p in addons)}\n"
        f"data_dir = {VAR / 'data'}\n"
        f"db_host = {db.host}\n"
        f"db_port = {db.port}\n"
        f"db_user = {db.user}\n"
        + (f"db_password = {db.password}\n" if db.password else "") +
        f"bin_path = {WKHTML_DIR / 'bin'}\n"
        "admin_passwd = admin\n"
        "list_db = True\n",
        encoding="utf-8")
    return conf


def odoo_env() -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{WKHTML_DIR / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@dataclass
class Context:
    odoo: Odoo
    python: Path
    db: Db
    conf: Path

    def cmd(self, *args) -> list[str]:
        args = [str(a) for a in args]
        sub = args[:1] if args and args[0] in ("shell", "module", "i18n") else []
        if sub and args[0] in ("module", "i18n"):  # `module install ...`: subcommand, then action
            sub, args = args[:2], args[2:]
        elif sub:
            args = args[1:]
        return [*self.odoo.command, *sub, "-c", str(self.conf), *args]

    def psql(self, sql: str, dbname: str = "postgres", **variables: str) -> str:
        """Run one statement; values go in as psql variables (:'name' / :"name"), never
        formatted into the SQL text."""
        env = {**os.environ, "PGPASSWORD": self.db.password}
        psql = shutil.which("psql") or str(pg_bindir() / "psql")
        args = [psql, "-h", self.db.host, "-p", self.db.port, "-U", self.db.user, "-d", dbname,
                "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1"]
        for key, value in variables.items():
            args += ["-v", f"{key}={value}"]
        out = run(args, input=sql, capture_output=True, text=True, env=env)
        return out.stdout.strip()

    def drop_db(self, name: str) -> None:
        self.psql('DROP DATABASE IF EXISTS :"name" WITH (FORCE)', name=name)
        shutil.rmtree(VAR / "data" / "filestore" / name, ignore_errors=True)

    def db_exists(self, name: str) -> bool:
        return self.psql("SELECT 1 FROM pg_database WHERE datname = :'name'", name=name) == "1"

    def shell(self, dbname: str, script: str, timeout: int = 3600, log: Path | None = None,
              show: Callable[[str], str | None] | None = None) -> int:
        """Run a Python script in `odoo shell` (env is bound); returns the exit code. Its output
        goes to the console, or to ``log``; with ``show`` too, to the console what it makes of
        each line (see dev/demo_console.py)."""
        code = ("import sys\n"
                f"sys.path.insert(0, {str(REPO)!r})\n"
                "try:\n" + "".join(f"    {ln}\n" for ln in script.splitlines()) +
                "except BaseException:\n    import traceback; traceback.print_exc(); env.cr.rollback(); sys.exit(3)\n"
                "env.cr.commit()\n")
        if log and show:
            return stream(self.cmd("shell", "-d", dbname, "--no-http", "--log-level=warn"), log, show,
                          input=code, env=odoo_env())
        with (log.open("a", encoding="utf-8") if log else contextlib.nullcontext()) as fh:
            proc = subprocess.run(self.cmd("shell", "-d", dbname, "--no-http", "--log-level=warn"),
                                  input=code, text=True, env=odoo_env(), timeout=timeout,
                                  stdout=fh or None, stderr=subprocess.STDOUT if fh else None)
        return proc.returncode


def context(require: bool = True) -> Context | None:
    """Locate everything the Odoo tier needs, without installing anything."""
    odoo = find_odoo()
    if odoo is None or odoo.python is None:
        if require:
            raise SetupError(NO_ODOO_HELP.format(url=OFFICIAL_GIT) if odoo is None else
                             f"Odoo 19 found ({odoo.origin}) but no virtualenv runs it: run `make setup`.")
        return None
    db = ensure_postgres()
    return Context(odoo, odoo.python, db, write_config(odoo, odoo.python, db))
