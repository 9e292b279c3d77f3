"""`test`: the pure-Python tier (tests/pure and dev/tests, no Odoo), then the Odoo tier (the
addon's tests and tours on a fresh database), then the peers' tier (Odoo's and OCA's own tests of
the modules client_hub extends, on that database: dev/peers.py), then the lifecycle checks; one
summary line last."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dev import bootstrap, peers, testdb, testsummary
from dev.common import MODULE, REPO, TEST_DB, VAR, SetupError, banner, free_port, say
from dev.lifecycle import run_lifecycle
from dev.odoo_runtime import Context, context, odoo_env
from dev.odoo_source import find_odoo
from dev.wkhtmltopdf import wkhtmltopdf_ok

# The pure tier: the addon's framework-free logic (lib/, manifest, i18n files) and the tooling's own
# tests. Each folder is discovered on its own (test modules are imported by their file name).
PURE_TEST_DIRS = (REPO / "tests" / "pure", REPO / "dev" / "tests")


def run_pure_tier() -> testsummary.Counts:
    say("== tier 1: pure Python (no Odoo) ==")
    total = testsummary.Counts()
    for directory in PURE_TEST_DIRS:
        counts = testsummary.run_unittest_dir(directory, top=REPO)
        say(f"   {directory.relative_to(REPO)}: {counts.line()}")
        total += counts
    return total


def run_odoo_tests(ctx: Context, log: Path, template: bool = True, tags: str = f"/{MODULE}") -> testsummary.Counts:
    say(f"== tier 2: Odoo — database {TEST_DB} with {MODULE}'s dependencies, install {MODULE}, "
        "run its tests and tours ==")
    if not (template and testdb.create(ctx, TEST_DB, VAR / "logs" / "test-initdb.log")):
        ctx.drop_db(TEST_DB)  # an empty database: odoo-bin installs the dependencies too
    port = free_port()
    cmd = ctx.cmd("-d", TEST_DB, "-i", MODULE, "--test-tags", tags, "--stop-after-init",
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


def cmd_test(args) -> int:
    if not (args.pure_only or args.no_setup):
        prepare()
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


def prepare() -> None:
    """The idempotent setup first (seconds once done). When it cannot complete (no Odoo 19, say),
    the tests still run: the pure tier always, the Odoo tier when it can, and the summary says."""
    try:
        rc = bootstrap.setup(before="test")
    except (SetupError, OSError, subprocess.SubprocessError) as exc:
        say(f"setup failed: {exc}")
        rc = 1
    if rc:
        say("setup did not complete (see above): the tests run with what there is")


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
    if args.fresh_template:
        dropped = testdb.drop_templates(ctx)
        say(f"dropped {len(dropped)} cached template(s) of the test database")
    counts = run_odoo_tests(ctx, log, template=not args.no_template, tags=args.tags)
    say(f"odoo tier: {counts.line()} (full log: {log})")
    if counts.tours_skipped:
        banner([f"{counts.tours_skipped} browser test(s) SKIPPED: headless Chromium did not start.",
                "Install Debian's `chromium` (make setup does) to run the tours."])
    run_peers = getattr(args, "peers", None)
    if run_peers is None:
        run_peers = args.tags == f"/{MODULE}"  # the full run, not a selection
    if run_peers:
        counts += peers.run_peer_tier(ctx, VAR / "logs" / "test-peers.log")
    else:
        say("tier 3 (the peers' own tests) not run: a selection of tests (--peers runs it)")
    if not args.no_lifecycle:
        counts += run_lifecycle(ctx, VAR / "logs" / "lifecycle.log")
    if not args.keep_db:
        ctx.drop_db(TEST_DB)
    return counts
