#!/usr/bin/env python3
"""Developer commands for the client_hub addon (standard library only).

    python3 dev/manage.py setup     install what is missing, find Odoo 19, start PostgreSQL
    python3 dev/manage.py test      pure-Python tier, Odoo tier (tests + tours), peers' own tests, lifecycle
    python3 dev/manage.py run       demo database on http://127.0.0.1:8069, with a mail sink
    python3 dev/manage.py stop      stop a detached demo server and its mail sink
    python3 dev/manage.py lint      OCA's pre-commit checks (ruff, pylint-odoo, OCA hooks, eslint)
    python3 dev/manage.py hooks     install them as a git pre-commit hook
    python3 dev/manage.py i18n      export i18n/client_hub.pot and refresh i18n/fr.po with Odoo's tooling
    python3 dev/manage.py seed      seed N clients x M invoices into a database (benchmarks)
    python3 dev/manage.py bench     run the scripts under bench/
    python3 dev/manage.py screenshots   README screenshots from the running demo
    python3 dev/manage.py shell     odoo shell on a database (stdin is the script)
    python3 dev/manage.py stop-db   stop the project-local PostgreSQL cluster

Everything the commands create lives in ./var (git-ignored). The Makefile wraps these.
The work is done by the modules of the `dev` package, one per concern; this file only parses
the command line and dispatches.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

# Runnable from any folder as `python3 dev/manage.py`: the checkout's root goes on sys.path (in
# place of dev/ itself, which Python put first) so that the package imports as `dev`.
_DEV = Path(__file__).resolve().parent
if sys.path and sys.path[0] and Path(sys.path[0]).resolve() == _DEV:
    sys.path[0] = str(_DEV.parent)
elif str(_DEV.parent) not in sys.path:
    sys.path.insert(0, str(_DEV.parent))

from dev import bootstrap, demo, i18n, lint, postgres, screenshots, seed, testing  # noqa: E402
from dev.common import DEMO_DB, MODULE, TEST_DB, VAR, SetupError, banner, say  # noqa: E402
from dev.odoo_runtime import context  # noqa: E402


def cmd_shell(args) -> int:
    ctx = context(require=True)
    return ctx.shell(args.db, sys.stdin.read())


def _port(text: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a TCP port (1-65535)")
    return port


def _env_port(name: str, default: int) -> int:
    """Default of a port option: the environment variable the Makefile also reads, if set."""
    value = os.environ.get(name, "").strip()
    return _port(value) if value.isdigit() else default


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="install what is missing, find Odoo 19, start PostgreSQL")
    p = sub.add_parser("test", help="all tiers; the last line is `N passed, N failed, N skipped`")
    p.add_argument("--pure-only", action="store_true", help="only the pure-Python tier")
    p.add_argument("--no-setup", action="store_true", help="skip the idempotent setup that runs first")
    p.add_argument("--no-lifecycle", action="store_true", help="skip the upgrade/uninstall checks")
    p.add_argument("--keep-db", action="store_true", help=f"keep the {TEST_DB} database afterwards")
    p.add_argument("--no-template", action="store_true",
                   help="install the dependencies into an empty database instead of copying the cached template")
    p.add_argument("--fresh-template", action="store_true",
                   help="drop the cached templates first (one is built again on this run)")
    p.add_argument("--peers", action=argparse.BooleanOptionalAction, default=None,
                   help="run tier 3, Odoo's and OCA's own tests of the modules client_hub extends "
                        "(default: only with the default --tags)")
    p.add_argument("--tags", default=f"/{MODULE}",
                   help="Odoo's --test-tags, e.g. /client_hub:TestClientProfile (one class) or "
                        "/client_hub:TestClientProfile.test_quote_pdf (one test); default %(default)s")
    p = sub.add_parser("run", help="demo server on 127.0.0.1, with a local mail sink")
    p.add_argument("--port", type=_port, default=_env_port("PORT", demo.DEFAULT_PORT),
                   help="HTTP port of the demo server (env PORT, default %(default)s)")
    p.add_argument("--mail-port", type=_port, default=_env_port("MAIL_PORT", demo.DEFAULT_MAIL_PORT),
                   help="SMTP port of the mail sink (env MAIL_PORT, default %(default)s)")
    p.add_argument("--mail-web-port", type=_port,
                   default=_env_port("MAIL_WEB_PORT", demo.DEFAULT_MAIL_WEB_PORT),
                   help="port of the mail sink's web page (env MAIL_WEB_PORT, default %(default)s)")
    p.add_argument("--workers", type=int, default=0,
                   help="0: threaded, one port (websocket included); N>0 needs a proxy for /websocket")
    p.add_argument("--reset", action="store_true", help="drop and re-create the demo database")
    p.add_argument("--upgrade", action="store_true", help=f"upgrade {MODULE} in the demo database first")
    p.add_argument("--detach", action="store_true", help="start server and mail sink in the background")
    p.add_argument("--no-setup", action="store_true", help="skip the idempotent setup that runs first")
    sub.add_parser("stop", help="stop the demo server and mail sink started by `run`")
    sub.add_parser("stop-db", help="stop the project-local PostgreSQL cluster")
    sub.add_parser("lint", help="OCA's pre-commit checks (ruff, pylint-odoo, OCA hooks, eslint)")
    sub.add_parser("hooks", help="install the lint as a git pre-commit hook (pre-commit install)")
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
    p.add_argument("--port", type=_port, default=_env_port("PORT", demo.DEFAULT_PORT))
    p = sub.add_parser("shell", help="run stdin as a script in `odoo shell`")
    p.add_argument("--db", default=DEMO_DB)
    return parser


HANDLERS = {
    "setup": bootstrap.cmd_setup,
    "test": testing.cmd_test,
    "run": demo.cmd_run,
    "stop": demo.cmd_stop,
    "stop-db": postgres.cmd_stop_db,
    "lint": lint.cmd_lint,
    "hooks": lint.cmd_hooks,
    "i18n": i18n.cmd_i18n,
    "seed": seed.cmd_seed,
    "bench": seed.cmd_bench,
    "screenshots": screenshots.cmd_screenshots,
    "shell": cmd_shell,
}


def private_files(logs: Path = VAR / "logs") -> None:
    """What the commands and the servers they start write is readable by this user alone (0600
    files, 0700 folders): the logs of the demo and load servers, the test logs, the database.
    An access log holds every URL clicked (the addon redacts sign-in tokens from it, but a log
    written before did not). Logs already there are made private too."""
    os.umask(0o077)
    if logs.is_dir():
        logs.chmod(0o700)
        for path in logs.rglob("*"):
            path.chmod(0o700 if path.is_dir() else 0o600)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    private_files()
    try:
        return HANDLERS[args.command](args)
    except SetupError as exc:
        banner(["client_hub: cannot continue", *str(exc).splitlines()])
        return 2
    except subprocess.CalledProcessError as exc:
        say(f"command failed ({exc.returncode}): {' '.join(map(str, exc.cmd))}")
        return exc.returncode or 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
