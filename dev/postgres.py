"""PostgreSQL: a project-local cluster in var/pg, or the server the user gives (DB_HOST...)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dev.common import REPO, VAR, SetupError, is_root, run, say


@dataclass
class Db:
    host: str
    port: str
    user: str
    password: str


def external_db() -> Db | None:
    if not os.environ.get("DB_HOST"):
        return None
    return Db(os.environ["DB_HOST"], os.environ.get("DB_PORT", "5432"),
              os.environ.get("DB_USER", "odoo"), os.environ.get("DB_PASSWORD", ""))


def pg_bindir() -> Path:
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        cand = Path(out.stdout.strip())
        if (cand / "initdb").exists():
            return cand
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    if shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent
    raise SetupError("PostgreSQL server binaries (initdb, pg_ctl) not found: install `postgresql` "
                     "or give DB_HOST/DB_PORT/DB_USER/DB_PASSWORD of a server to use.")


def _as_pg_owner(cmd: list) -> list:
    """initdb and postgres refuse to run as root: run them as the `postgres` system user."""
    if not is_root():
        return [str(c) for c in cmd]
    return ["runuser", "-u", "postgres", "--", *[str(c) for c in cmd]]


def pg_root() -> Path:
    """Where the project cluster lives: ./var/pg. As root, PostgreSQL runs as the `postgres` user;
    when that user cannot reach the checkout (say it sits in a mode-700 home), ./var/pg becomes a
    link to a folder of its own under /var/lib/postgresql, one per checkout."""
    root = VAR / "pg"
    VAR.mkdir(parents=True, exist_ok=True)
    if is_root() and not root.exists():
        reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(VAR)],
                                   capture_output=True).returncode == 0
        if not reachable:
            digest = hashlib.sha1(str(REPO).encode(), usedforsecurity=False).hexdigest()[:12]
            alt = Path("/var/lib/postgresql") / f"client_hub-{digest}"
            alt.mkdir(parents=True, exist_ok=True)
            run(["chown", "postgres:postgres", alt])
            root.symlink_to(alt, target_is_directory=True)
            say(f"the postgres user cannot reach {VAR}: cluster data in {alt} (linked as {root})")
    return root.resolve()


def ensure_postgres() -> Db:
    db = external_db()
    if db:
        say(f"PostgreSQL: using DB_HOST={db.host}:{db.port} as {db.user}")
        return db
    bindir = pg_bindir()
    root = pg_root()
    data, sock = root / "data", root / "run"
    if not (data / "PG_VERSION").exists():
        say(f"initialising a project-local PostgreSQL cluster in {data}")
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        sock.mkdir(parents=True, exist_ok=True)
        if is_root():
            run(["chown", "-R", "postgres:postgres", root])
        run(_as_pg_owner([bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust",
                          "-E", "UTF8", "--locale=C.UTF-8"]), stdout=subprocess.DEVNULL, cwd="/")
        conf = data / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as fh:
            fh.write("\n# client_hub: unix socket only, tuned for tests\n"
                     "listen_addresses = ''\n"
                     f"unix_socket_directories = '{sock}'\n"
                     "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                     "max_connections = 200\nshared_buffers = 256MB\n")
    sock.mkdir(parents=True, exist_ok=True)
    if is_root():
        run(["chown", "postgres:postgres", sock])
    status = subprocess.run(_as_pg_owner([bindir / "pg_ctl", "-D", data, "status"]),
                            capture_output=True, text=True, cwd="/")
    if status.returncode != 0:
        say("starting the project-local PostgreSQL cluster")
        run(_as_pg_owner([bindir / "pg_ctl", "-D", data, "-l", root / "server.log",
                          "-w", "-t", "60", "start"]), stdout=subprocess.DEVNULL, cwd="/")
    psql = [bindir / "psql", "-h", sock, "-U", "postgres", "-d", "postgres", "-tAc"]
    exists = subprocess.run([str(c) for c in psql] + ["SELECT 1 FROM pg_roles WHERE rolname='odoo'"],
                            capture_output=True, text=True)
    if exists.stdout.strip() != "1":
        run([*psql, "CREATE ROLE odoo LOGIN SUPERUSER"], stdout=subprocess.DEVNULL)
    return Db(str(sock), "5432", "odoo", "")


def stop_postgres() -> None:
    data = (VAR / "pg").resolve() / "data"
    if (data / "PG_VERSION").exists():
        run(_as_pg_owner([pg_bindir() / "pg_ctl", "-D", data, "-m", "fast", "stop"]), check=False,
            cwd="/")


def cmd_stop_db(args) -> int:
    stop_postgres()
    return 0
