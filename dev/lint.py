"""`lint` and `hooks`: OCA's pre-commit configuration (.pre-commit-config.yaml: ruff, pylint-odoo,
OCA's module and PO checks, eslint, the pre-commit-hooks checks) over every file git tracks.

pre-commit lives in its own virtualenv (var/lint-venv, pinned in requirements-lint.txt) so that it
cannot move Odoo's pins; the hooks' own environments (their tools pinned in the configuration,
installed from PyPI and npm on first use) are kept in var/pre-commit."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from dev.common import REPO, VAR, SetupError, pins_installed, read_requirements, run, say

PRE_COMMIT_HOME = VAR / "pre-commit"


def ensure_lint_venv() -> Path:
    venv = VAR / "lint-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", venv])
    reqs = read_requirements("requirements-lint.txt")
    if not pins_installed(python, reqs):
        say("installing pre-commit into var/lint-venv")
        run([python, "-m", "pip", "install", "-q", *reqs])
    return python


def pre_commit(python: Path, *args: str, check: bool = False) -> int:
    if not (REPO / ".git").exists():
        raise SetupError("pre-commit runs on a git checkout: this folder is not one (no .git).")
    if not (shutil.which("node") and shutil.which("npm")):
        raise SetupError("eslint (a pre-commit hook) needs node and npm: `make setup` installs them (Debian "
                         "packages nodejs, npm).")
    env = {**os.environ, "PRE_COMMIT_HOME": os.environ.get("PRE_COMMIT_HOME", str(PRE_COMMIT_HOME))}
    return run([python.parent / "pre-commit", *args], env=env, cwd=str(REPO), check=check).returncode


def cmd_lint(args) -> int:
    python = ensure_lint_venv()
    rc = pre_commit(python, "run", "--all-files", "--show-diff-on-failure", "--color", "auto")
    say("lint: " + ("clean" if rc == 0 else "problems found (see above)"))
    return 1 if rc else 0


def cmd_hooks(args) -> int:
    """`pre-commit install`: the same checks on the files of each commit."""
    python = ensure_lint_venv()
    pre_commit(python, "install", check=True)
    say("git hook installed: each `git commit` runs the lint on the files it changes "
        "(`git commit --no-verify` skips it once)")
    return 0
