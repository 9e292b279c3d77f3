"""The summary line CI reads, and parsing Odoo's test log."""
import unittest

from dev.testsummary import Counts, is_interesting_odoo_line, parse_odoo_log

LOG = """\
2026-11-25 07:00:00,000 1 INFO db odoo.modules.loading: loading 1 modules...
2026-11-25 07:00:01,000 1 INFO db odoo.addons.client_hub.tests.test_tour: skipped test_tour (odoo.addons.client_hub.tests.test_tour.T.test_tour) : Failed to detect chrome devtools port after 10.0s.
2026-11-25 07:00:01,000 1 INFO db odoo.addons.client_hub.tests.test_x: skipped test_y (odoo.addons.client_hub.tests.test_x.T.test_y) : not on this platform
2026-11-25 07:00:02,000 1 ERROR db odoo.addons.client_hub.tests.test_x: FAIL: T.test_z
2026-11-25 07:00:03,000 1 ERROR db odoo.tests.result: 1 failed, 2 error(s) of 12 tests when loading database 'db'
"""


class TestSummary(unittest.TestCase):
    def test_line_format(self):
        self.assertEqual(Counts(3, 1, 2).line(), "3 passed, 1 failed, 2 skipped")

    def test_parse(self):
        counts = parse_odoo_log(LOG)
        self.assertEqual((counts.passed, counts.failed, counts.skipped), (7, 3, 2))
        self.assertEqual(counts.tours_skipped, 1)
        self.assertFalse(counts.ok)

    def test_no_final_line_is_a_failure(self):
        counts = parse_odoo_log("2026-11-25 07:00:00,000 1 CRITICAL db odoo: Failed to initialize\n")
        self.assertEqual(counts.failed, 1)
        self.assertFalse(counts.ok)

    def test_green(self):
        counts = parse_odoo_log("x INFO db odoo.tests.result: 0 failed, 0 error(s) of 5 tests when loading database 'd'\n")
        self.assertEqual(counts.line(), "5 passed, 0 failed, 0 skipped")
        self.assertTrue(counts.ok)

    def test_nothing_ran_is_not_green(self):
        self.assertFalse(Counts().ok)

    def test_add(self):
        total = Counts(1, 0, 1)
        total += Counts(2, 1, 0, tours_skipped=0)
        self.assertEqual(total.line(), "3 passed, 1 failed, 1 skipped")

    def test_interesting_lines(self):
        self.assertTrue(is_interesting_odoo_line(LOG.splitlines()[3]))
        self.assertFalse(is_interesting_odoo_line(LOG.splitlines()[0]))
