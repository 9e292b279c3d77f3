"""Tier 3: reading which peer tests failed from Odoo's log, and judging them against the list of
deliberate changes."""
import unittest

from dev.peers import EXPECTED_FAILURES, PEER_TAGS, failures, judge, test_tags

HEAD = "2026-12-06 10:00:00,000 1 "


def log(*lines, final="0 failed, 0 error(s) of 10 tests"):
    return "\n".join([*(HEAD + line for line in lines), HEAD + f"INFO db odoo.tests.result: {final} when loading database 'db'"])


START_A = "INFO db odoo.addons.sale.tests.test_payment_flow: Starting TestSalePayment.test_a ... "
FAIL_A = "ERROR db odoo.addons.sale.tests.test_payment_flow: FAIL: TestSalePayment.test_a"
START_B = "INFO db odoo.addons.account_payment.tests.test_payment_flows: Starting TestFlows.test_b ... "
ERROR_B = "ERROR db odoo.addons.account_payment.tests.test_payment_flows: ERROR: TestFlows.test_b"
SETUP = "ERROR db odoo.tests.suite: ERROR: setUpClass (odoo.addons.helpdesk_mgmt.tests.test_helpdesk_ticket.TestHelpdeskTicket)"
LISTED = {"account_payment:TestFlows.test_b": "on purpose"}


class TestPeers(unittest.TestCase):
    def test_tags_leave_at_install_tests_out(self):
        tags = test_tags().split(",")
        self.assertEqual(tags[-1], "-at_install")
        self.assertIn("/payment_stripe", tags)
        self.assertEqual(len(tags), len(PEER_TAGS) + 1)

    def test_failure_names(self):
        text = log(START_A, FAIL_A, FAIL_A + " (case='x')", ERROR_B, SETUP)
        self.assertEqual(failures(text), [
            "sale:TestSalePayment.test_a", "sale:TestSalePayment.test_a", "account_payment:TestFlows.test_b",
            "helpdesk_mgmt:TestHelpdeskTicket.setUpClass",
        ])

    def test_a_listed_failure_counts_as_passed(self):
        result = judge(log(START_B, ERROR_B, final="0 failed, 1 error(s) of 10 tests"), LISTED)
        self.assertEqual(result.counts.line(), "10 passed, 0 failed, 0 skipped")
        self.assertEqual((result.expected, result.unexpected, result.passing),
                         (["account_payment:TestFlows.test_b"], [], []))
        self.assertTrue(result.counts.ok)

    def test_anything_else_failing_fails(self):
        result = judge(log(START_A, FAIL_A, START_B, ERROR_B, final="1 failed, 1 error(s) of 10 tests"), LISTED)
        self.assertEqual(result.counts.line(), "9 passed, 1 failed, 0 skipped")
        self.assertEqual(result.unexpected, ["sale:TestSalePayment.test_a"])
        self.assertFalse(result.counts.ok)

    def test_an_unnamed_error_still_fails(self):
        """Odoo counted an error no FAIL/ERROR line names: it is not explained away."""
        result = judge(log(START_B, ERROR_B, final="0 failed, 2 error(s) of 10 tests"), LISTED)
        self.assertEqual(result.counts.failed, 1)

    def test_a_listed_test_that_passes_fails_the_run(self):
        result = judge(log(START_B), LISTED)
        self.assertEqual(result.passing, ["account_payment:TestFlows.test_b"])
        self.assertEqual(result.counts.failed, 1)

    def test_a_listed_test_that_did_not_run_is_no_failure(self):
        self.assertEqual(judge(log(START_A), LISTED).counts.failed, 0)

    def test_no_final_line_fails(self):
        self.assertEqual(judge(HEAD + "CRITICAL db odoo: Failed to initialize database", LISTED).counts.failed, 1)

    def test_each_listed_test_has_its_reason(self):
        for name, reason in EXPECTED_FAILURES.items():
            self.assertRegex(name, r"^\w+:\w+\.\w+$")
            self.assertGreater(len(reason), 20, name)


if __name__ == "__main__":
    unittest.main()
