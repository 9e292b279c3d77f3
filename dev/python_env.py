"""The virtualenv that runs Odoo and the tests: Odoo's own requirements when setup creates it,
then the project's pins (requirements.txt, requirements-test.txt)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from dev.common import VAR, pins_installed, read_requirements, run, say
from dev.odoo_source import Odoo, probe_python


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
    out = probe_python(python, "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    if not out:
        return []
    path = Path(out) / "odoo" / "addons"
    return [path] if path.is_dir() else []
