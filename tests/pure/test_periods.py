"""The statement period typed in a URL, and the download's file name (pure Python)."""
import unittest
from datetime import date

from lib.periods import (
    EARLIEST,
    PeriodError,
    check_period,
    default_period,
    scheduled_period,
    statement_filename,
    statement_period,
)

TODAY = date(2026, 11, 25)


class TestStatementPeriod(unittest.TestCase):
    def refused(self, date_from, date_to):
        with self.assertRaises(PeriodError) as caught:
            statement_period(date_from, date_to, TODAY)
        return caught.exception

    def test_default_is_this_year_so_far(self):
        self.assertEqual(default_period(TODAY), (date(2026, 1, 1), TODAY))
        self.assertEqual(statement_period(None, None, TODAY), (date(2026, 1, 1), TODAY))
        self.assertEqual(statement_period("", "", TODAY), (date(2026, 1, 1), TODAY))
        self.assertEqual(default_period(date(2027, 1, 1)), (date(2027, 1, 1), date(2027, 1, 1)))

    def test_explicit_dates(self):
        self.assertEqual(statement_period("2026-03-01", "2026-03-31", TODAY), (date(2026, 3, 1), date(2026, 3, 31)))
        self.assertEqual(statement_period("2026-03-01", "2026-03-01", TODAY), (date(2026, 3, 1), date(2026, 3, 1)))
        self.assertEqual(statement_period("2025-06-30", None, TODAY), (date(2025, 6, 30), TODAY))
        self.assertEqual(statement_period(None, "2026-06-30", TODAY), (date(2026, 1, 1), date(2026, 6, 30)))
        self.assertEqual(statement_period("1900-01-01", "2027-11-26", TODAY)[0], EARLIEST)

    def test_malformed_dates(self):
        for value in ("2026-13-01", "2026-02-30", "26-03-01", "2026/03/01", "01-03-2026", "2026-3-1",
                      "20260301", "2026-03-01T00:00:00", " 2026-03-01", "2026-03-01\n", "yesterday",
                      "２０２６-03-01", "2026-03-01' OR 1=1", "x" * 500):
            error = self.refused(value, "2026-03-31")
            self.assertEqual(error.reason, "malformed_from", value)
            self.assertEqual(error.value, value[:40])
            self.assertEqual(self.refused("2026-01-01", value).reason, "malformed_to", value)

    def test_non_strings_are_malformed(self):
        for value in (20260301, ["2026-03-01"], {"a": 1}):
            self.assertEqual(self.refused(value, None).reason, "malformed_from")

    def test_reversed(self):
        error = self.refused("2026-04-01", "2026-03-31")
        self.assertEqual(error.reason, "reversed")
        self.assertEqual((error.date_from, error.date_to), (date(2026, 4, 1), date(2026, 3, 31)))
        self.assertEqual(self.refused("2026-12-01", None).reason, "reversed", "default end is today")

    def test_absurd_ranges(self):
        error = self.refused("1899-12-31", "2026-01-01")
        self.assertEqual((error.reason, error.limit), ("too_early", EARLIEST))
        self.assertEqual(self.refused("0001-01-01", "0001-12-31").reason, "too_early")
        error = self.refused("2026-01-01", "2027-11-27")
        self.assertEqual((error.reason, error.limit), ("too_late", date(2027, 11, 26)))
        self.assertEqual(self.refused("2026-01-01", "9999-12-31").reason, "too_late")

    def test_check_period_on_dates(self):
        self.assertEqual(check_period(date(2026, 1, 1), date(2026, 2, 1), TODAY), (date(2026, 1, 1), date(2026, 2, 1)))
        with self.assertRaises(PeriodError):
            check_period(date(2026, 2, 2), date(2026, 2, 1), TODAY)


class TestStatementFilename(unittest.TestCase):
    def name(self, client):
        return statement_filename(client, date(2026, 1, 1), date(2026, 3, 31))

    def test_plain_name(self):
        self.assertEqual(self.name("Zygomatic Widgets SA"), "Zygomatic-Widgets-SA-statement-2026-01-01-2026-03-31.pdf")

    def test_unsafe_characters_replaced(self):
        self.assertEqual(self.name("Société Générale & Fils, S.A."),
                         "Societe-Generale-Fils-S-A-statement-2026-01-01-2026-03-31.pdf")
        self.assertEqual(self.name('../../etc/passwd"; x=\r\n'), "etc-passwd-x-statement-2026-01-01-2026-03-31.pdf")
        self.assertEqual(self.name("北京公司"), "client-statement-2026-01-01-2026-03-31.pdf")
        self.assertEqual(self.name(""), "client-statement-2026-01-01-2026-03-31.pdf")
        self.assertEqual(self.name(None), "client-statement-2026-01-01-2026-03-31.pdf")

    def test_long_names_are_cut(self):
        filename = self.name("A" * 300)
        self.assertEqual(filename, "A" * 60 + "-statement-2026-01-01-2026-03-31.pdf")

    def test_header_safe(self):
        for client in ("Zoë's Bakery", "a;b", "x\u202ey", "tab\there"):
            filename = self.name(client)
            self.assertRegex(filename, r"^[A-Za-z0-9_-]+-statement-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.pdf$", client)


if __name__ == "__main__":
    unittest.main()


class TestScheduledPeriod(unittest.TestCase):
    """The period a scheduled statement covers, from the day the cron runs."""

    def test_monthly(self):
        self.assertEqual(scheduled_period("monthly", date(2026, 7, 1)), (date(2026, 6, 1), date(2026, 6, 30)))
        self.assertEqual(scheduled_period("monthly", date(2026, 1, 1)), (date(2025, 12, 1), date(2025, 12, 31)))
        self.assertEqual(scheduled_period("monthly", date(2026, 3, 1)), (date(2026, 2, 1), date(2026, 2, 28)))
        # a run missed on the 1st catches up for a week, then the month is over
        self.assertEqual(scheduled_period("monthly", date(2026, 7, 7)), (date(2026, 6, 1), date(2026, 6, 30)))
        self.assertIsNone(scheduled_period("monthly", date(2026, 7, 8)))
        self.assertIsNone(scheduled_period("monthly", date(2026, 6, 30)))

    def test_quarterly(self):
        self.assertEqual(scheduled_period("quarterly", date(2026, 1, 1)), (date(2025, 10, 1), date(2025, 12, 31)))
        self.assertEqual(scheduled_period("quarterly", date(2026, 4, 1)), (date(2026, 1, 1), date(2026, 3, 31)))
        self.assertEqual(scheduled_period("quarterly", date(2026, 10, 3)), (date(2026, 7, 1), date(2026, 9, 30)))
        for day in (date(2026, 2, 1), date(2026, 5, 1), date(2026, 12, 1), date(2026, 4, 8)):
            self.assertIsNone(scheduled_period("quarterly", day), day)

    def test_none(self):
        self.assertIsNone(scheduled_period("none", date(2026, 7, 1)))
