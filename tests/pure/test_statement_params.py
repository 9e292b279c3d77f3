"""The statement's query parameters, ids of a download form and archive names."""
import unittest

from lib.statement import (
    PAGE_SIZE,
    InvalidIds,
    StatementQuery,
    parse_ids,
    parse_query,
    parse_year,
    safe_filename,
    unique_names,
)


class TestQuery(unittest.TestCase):
    def test_defaults(self):
        self.assertEqual(parse_query(), StatementQuery("date", "desc", "all", None))
        self.assertEqual(PAGE_SIZE, 20)

    def test_contract_values_are_kept(self):
        for sortby in ("date", "due_date", "name", "amount", "status"):
            for order in ("asc", "desc"):
                query = parse_query(sortby, order, "overdue", "2025")
                self.assertEqual((query.sortby, query.order, query.filterby, query.year),
                                 (sortby, order, "overdue", 2025))
        for filterby in ("all", "unpaid", "overdue", "paid", "credit_notes"):
            self.assertEqual(parse_query(filterby=filterby).filterby, filterby)

    def test_unknown_values_fall_back(self):
        query = parse_query("state; DROP TABLE", "sideways", "everything", "20256")
        self.assertEqual(query, StatementQuery())
        for year in ("25", "abcd", "1899", "3000", "", None, " 2025x", "２０２５"):
            self.assertIsNone(parse_year(year), repr(year))
        self.assertEqual(parse_year(" 2024 "), 2024)

    def test_links_keep_filters_and_toggle_order(self):
        query = parse_query("amount", "desc", "paid", "2024")
        self.assertEqual(query.url_args(), {"sortby": "amount", "order": "desc", "filterby": "paid", "year": "2024"})
        self.assertEqual(query.toggled("amount").order, "asc")
        self.assertEqual(query.toggled("amount").toggled("amount").order, "desc")
        self.assertEqual(query.toggled("name"), StatementQuery("name", "asc", "paid", 2024))
        self.assertEqual(query.toggled("status").order, "asc", "business order first")
        self.assertNotIn("year", parse_query().url_args())


class TestIds(unittest.TestCase):
    def test_repeated_and_comma_separated(self):
        self.assertEqual(parse_ids(["3", "5,7", " 9 ", "3"]), [3, 5, 7, 9])
        self.assertEqual(parse_ids("12,13"), [12, 13])
        self.assertEqual(parse_ids(None), [])
        self.assertEqual(parse_ids(["", " , "]), [])

    def test_anything_else_refuses_the_whole_request(self):
        for bad in (["abc"], ["1", "x"], ["-4"], ["1.5"], ["0"], ["١٢"], ["9" * 13], ["1;2"]):
            with self.assertRaises(InvalidIds, msg=repr(bad)):
                parse_ids(bad)
        with self.assertRaises(InvalidIds):
            parse_ids([",".join(str(i) for i in range(1, 5003))])


class TestNames(unittest.TestCase):
    def test_safe_filename(self):
        self.assertEqual(safe_filename("INV/2026/00042"), "INV_2026_00042")
        self.assertEqual(safe_filename("Zygomatic Widgets SA"), "Zygomatic_Widgets_SA")
        self.assertEqual(safe_filename("Société Générale / Ça"), "Societe_Generale_Ca")
        self.assertEqual(safe_filename("../../etc/passwd"), "etc_passwd")
        self.assertEqual(safe_filename("///"), "document")
        self.assertEqual(safe_filename(None, default="client"), "client")

    def test_unique_names(self):
        self.assertEqual(
            unique_names(["INV_1.pdf", "INV_2.pdf", "INV_1.pdf", "inv_1.pdf", "README"]),
            ["INV_1.pdf", "INV_2.pdf", "INV_1-2.pdf", "inv_1-3.pdf", "README"],
        )


if __name__ == "__main__":
    unittest.main()
