"""Tier 3 of `test`: Odoo's and OCA's own tests of the modules client_hub extends, run by Odoo's
runner on the database of tier 2 (client_hub installed). A test client_hub breaks on purpose is
listed here, once, with the reason; it is expected to fail by name. Any other failure, or a listed
test that passes (the list is out of date), fails the run."""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dev import testsummary
from dev.common import TEST_DB, VAR, banner, free_port, say
from dev.odoo_runtime import Context, odoo_env

# The peers' tests that see client_hub: their post_install tests (the registry then holds every
# installed module). Their at_install tests run while their module is loaded, before account and
# client_hub are: on a database where those are installed they fail on other modules' NOT NULL
# columns (res_partner.autopost_bills) whatever client_hub does, and never see client_hub's code.
PEER_TAGS = (
    "/account:TestAccountMoveSend", "/account:TestAccountComposerPerformance",
    "/account:TestPortalAttachment", "/account:TestPortalInvoice",
    "/account_payment", "/payment_stripe", "/portal", "/auth_signup", "/helpdesk_mgmt",
    "/sale:TestSalePayment", "/sale:TestAccessRightsControllers", "/sale:TestSalesControllers",
    "/sale:TestSaleSignature",
    "/mail:TestMailTemplate", "/mail:TestMailTemplateReset", "/mail:TestMailTemplateUI",
    "/mail:TestTemplateConfigRestrictEditor", "/mail:TestSearchTemplateCategory",
)

# module:Class.test -> why client_hub changes that behaviour on purpose (README, Tests section)
EXPECTED_FAILURES = {
    "account_payment:TestFlows.test_invoice_payment_flow":
        "its \"invoice\" is a journal entry (move_type 'entry'): client_hub lets a client pay "
        "online only an open customer invoice, for at most what is due",
    "account_payment:TestFlows.test_invoice_overdue_payment_flow":
        "Odoo's /my/invoices/overdue sends the client to its statement, whose \"Pay all "
        "outstanding\" pays the overdue invoices net of its credit notes",
    "account:TestPortalInvoice.test_portal_my_invoice_detail_download_proforma":
        "an issued invoice's first download renders its official PDF once and stores it (reused by every "
        "later download, ZIP and reminder) instead of a pro forma rendered at every click",
}
_EMAIL_CHANGE = ("the form changes the contact's email: client_hub keeps the address on file until the new "
                 "one is confirmed from the link sent to it, and shows My account, which says so")
EXPECTED_FAILURES.update({f"portal:TestPortalAddresses.{test}": _EMAIL_CHANGE
                          for test in ("test_main_address_update", "test_success_url", "test_vat_update")})

# `... ERROR db odoo.addons.sale.tests.test_x: FAIL: TestX.test_y (case=1)` and
# `... ERROR db odoo.tests.suite: ERROR: setUpClass (odoo.addons.sale.tests.test_x.TestX)`
_TEST_FAILURE = re.compile(r" odoo\.addons\.(?P<module>\w+)\.tests\.[\w.]*: (?:FAIL|ERROR): "
                           r"(?P<test>\w+\.\w+)")
_STARTED = re.compile(r" odoo\.addons\.(\w+)\.tests\.[\w.]*: Starting (\w+\.\w+) ")
_CLASS_FAILURE = re.compile(r": (?:FAIL|ERROR): (?P<hook>setUpClass|tearDownClass) "
                            r"\(odoo\.addons\.(?P<module>\w+)\.tests\.[\w.]*?\.(?P<cls>\w+)\)")


def test_tags() -> str:
    """Odoo's --test-tags for the peer suites, at_install tests left out (see PEER_TAGS)."""
    return ",".join((*PEER_TAGS, "-at_install"))


def failures(log_text: str) -> list[str]:
    """`module:Class.test` of each FAIL/ERROR line of an Odoo test log, in order (a test that fails
    in several subtests appears once per subtest)."""
    found = []
    for line in log_text.splitlines():
        match = _TEST_FAILURE.search(line)
        if match:
            found.append(f"{match['module']}:{match['test']}")
            continue
        match = _CLASS_FAILURE.search(line)
        if match:
            found.append(f"{match['module']}:{match['cls']}.{match['hook']}")
    return found


@dataclass
class PeerResult:
    counts: testsummary.Counts
    unexpected: list[str] = field(default_factory=list)   # failed and not listed
    expected: list[str] = field(default_factory=list)     # listed and failed, as expected
    passing: list[str] = field(default_factory=list)      # listed but passed: the list is stale


def judge(log_text: str, expected: dict[str, str] = EXPECTED_FAILURES) -> PeerResult:
    """Counts of a peer run. A listed failure counts as passed (with a note); each failure line
    Odoo counted but no listed test explains stays a failure, as does a listed test that passed."""
    counts = testsummary.parse_odoo_log(log_text)
    names = failures(log_text)
    result = PeerResult(counts)
    result.expected = sorted({n for n in names if n in expected})
    result.unexpected = sorted({n for n in names if n not in expected})
    ran = _ran_tests(log_text)
    result.passing = sorted(n for n in expected if n in ran and n not in result.expected)
    explained = sum(1 for n in names if n in expected)
    counts.failed = max(counts.failed - explained, 0) + len(result.passing)
    counts.passed += len(result.expected)
    return result


def _ran_tests(log_text: str) -> set[str]:
    """`module:Class.test` of every test Odoo started (`... odoo.addons.m.tests.x: Starting C.t ...`)."""
    return {f"{module}:{test}" for module, test in _STARTED.findall(log_text)}


def run_peer_tier(ctx: Context, log: Path) -> testsummary.Counts:
    say(f"== tier 3: Odoo's and OCA's own tests (post_install) of the modules client_hub extends, "
        f"on {TEST_DB} with client_hub installed ==")
    cmd = ctx.cmd("-d", TEST_DB, "--test-tags", test_tags(), "--stop-after-init",
                  "--http-interface", "127.0.0.1", "--http-port", free_port(), "--workers", "0",
                  "--max-cron-threads", "0", "--log-level", "info")
    say("$ " + " ".join(cmd))
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, env=odoo_env(), stdout=fh, stderr=subprocess.STDOUT, cwd=str(VAR), check=False)
    result = judge(log.read_text(encoding="utf-8"))
    if proc.returncode and not (result.counts.failed or result.expected):  # failing tests exit 1 too
        result.counts.failed += 1
        say(f"Odoo exited with code {proc.returncode} (see {log})")
    lines = [f"PEER TESTS: {result.counts.line()} (full log: {log})",
             f"ran: {', '.join(PEER_TAGS)}"]
    lines += [f"expected failure (counted as passed), deliberate: {n}: {EXPECTED_FAILURES[n]}"
              for n in result.expected]
    lines += [f"FAILED: {n}" for n in result.unexpected]
    lines += [f"FAILED: {n} passes: remove it from EXPECTED_FAILURES in dev/peers.py" for n in result.passing]
    banner(lines)
    sys.stdout.flush()
    return result.counts
