"""`setup`: Debian packages, Odoo 19, its virtualenv, wkhtmltopdf, axe-core, PostgreSQL and var/odoo.conf."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from dev.axe import ensure_axe
from dev.common import MODULE, REPO, VAR, SetupError, banner, is_root, run, say
from dev.odoo_runtime import link_addon, write_config
from dev.odoo_source import NO_ODOO_HELP, OFFICIAL_GIT, fetch_official_source, find_odoo
from dev.postgres import ensure_postgres
from dev.python_env import ensure_venv
from dev.wkhtmltopdf import ensure_wkhtmltopdf

APT_PACKAGES = [
    "postgresql", "postgresql-client", "poppler-utils", "chromium", "git", "gettext",
    "fontconfig", "fonts-dejavu-core", "fonts-liberation", "xfonts-75dpi", "xfonts-base",
    "libxrender1", "libxext6", "libfontconfig1", "libjpeg62-turbo",
    "libldap2-dev", "libsasl2-dev", "libpq-dev", "gcc", "make", "pkg-config", "python3-venv",
    "python3-polib",  # lib/po.py in the pure tier, for Debian's own python3
]


def ensure_pure_deps() -> None:
    """polib for lib/po.py in the pure tier, which runs on the python3 that runs this script
    (Debian's package does not reach a pyenv or venv python3): installed from PyPI when missing."""
    try:
        import polib  # noqa: F401
    except ImportError:
        say("installing polib for the pure tier (pip)")
        run([sys.executable, "-m", "pip", "install", "-q", "polib==1.1.1"])


def missing_apt_packages() -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for pkg in APT_PACKAGES:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
        if "install ok installed" not in out.stdout:
            missing.append(pkg)
    # node and npm run the lint's JavaScript hooks (eslint); any install of them will do (a
    # NodeSource `nodejs` ships its own npm, which Debian's `npm` package would conflict with)
    if not (shutil.which("node") and shutil.which("npm")):
        missing += ["nodejs", "npm"]
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


def setup(before: str = "") -> int:
    """Idempotent: installs only what is missing (about 3 seconds once everything is there).
    `before` names the command it prepares (test, run), which then follows."""
    t0 = time.time()
    VAR.mkdir(exist_ok=True)
    ensure_system_packages()
    ensure_pure_deps()
    odoo = find_odoo()
    if odoo is None and os.environ.get("CLIENT_HUB_NO_FETCH") != "1":
        odoo = fetch_official_source()
    if odoo is None:
        banner(["SETUP INCOMPLETE: Odoo 19 not found", *NO_ODOO_HELP.format(url=OFFICIAL_GIT).splitlines()])
        return 2
    say(f"Odoo 19: {odoo.origin}")
    python = ensure_venv(odoo)
    ensure_wkhtmltopdf(python)
    ensure_axe()
    db = ensure_postgres()
    conf = write_config(odoo, python, db)
    say(f"Odoo config: {conf} (addons: {link_addon() / MODULE} -> {REPO})")
    if before:
        say(f"setup done in {time.time() - t0:.0f}s; now `{before}`")
    else:
        say(f"setup done in {time.time() - t0:.0f}s. Next: `make test` or `make run`.")
    return 0


def cmd_setup(args) -> int:
    return setup()
