"""`lint`: ruff over the whole checkout, pylint-odoo (OCA checks) over the addon's code, with the
tools in their own virtualenv (var/lint-venv) so they cannot move Odoo's pins."""
from __future__ import annotations

import sys
from pathlib import Path

from dev.common import REPO, VAR, pins_installed, read_requirements, run, say


def ensure_lint_venv() -> Path:
    venv = VAR / "lint-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", venv])
    reqs = read_requirements("requirements-lint.txt")
    if not pins_installed(python, reqs):
        say("installing lint tools (ruff, pylint-odoo) into var/lint-venv")
        run([python, "-m", "pip", "install", "-q", *reqs])
    return python


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
