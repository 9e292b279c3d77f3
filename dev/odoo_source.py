"""Finding Odoo 19: ODOO_SRC, the conventional /opt/odoo/19.0, an importable Odoo, or Odoo's
official source cloned into var/odoo-src; and the virtualenv whose packages run it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from dev.common import VAR, SetupError, run, say

CONVENTIONAL_SRC = Path("/opt/odoo/19.0")
CONVENTIONAL_VENV = Path("/opt/odoo/venv")
OFFICIAL_GIT = os.environ.get("ODOO_GIT_URL", "https://github.com/odoo/odoo.git")
OFFICIAL_BRANCH = "19.0"


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


def probe_python(python: Path, code: str) -> str | None:
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
        out = probe_python(python, probe)
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
        if python.exists() and probe_python(python, probe) == "ok":
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
