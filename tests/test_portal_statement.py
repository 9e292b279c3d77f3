# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's statement page, over real HTTP, as a portal contact."""
from odoo import Command
from odoo.tests import tagged

from .portal_common import StatementCommon


@tagged("post_install", "-at_install")
class TestPortalStatement(StatementCommon):
    def test_figures_in_each_currency_the_client_is_billed_in(self):
        """Billed in dollars and in euros: a headline in each, never converted into the other.
        The backend's figures (company currency, euros converted) stay what they were."""
        client = self.client.with_company(self.env.company)
        self.assertEqual(
            (client.lifetime_invoiced, client.lifetime_paid, client.balance_outstanding, client.balance_overdue),
            (2550.0, 1400.0, 1150.0, 600.0),
        )
        self.login(self.sam_user)
        response, tree = self.page()
        self.assertIn("Hello Sam Statement", response.text)
        company = self.env.company
        self.assertEqual(self.figure_blocks(tree), [(company.id, "USD"), (company.id, "EUR")],
                         "the company's currency first")
        figures = {
            currency: [self.figure(tree, name, currency=currency) for name in ("paid", "outstanding", "overdue")]
            for currency in ("USD", "EUR")
        }
        self.assertEqual(figures, {"USD": [1400.0, 900.0, 350.0], "EUR": [0.0, 500.0, 500.0]})
        for currency, symbol in (("USD", "$"), ("EUR", "€")):
            block = tree.xpath(f"//div[contains(@class, 'o_client_hub_figures')][@data-currency='{currency}']")[0]
            self.assertIn(f"Amounts in {currency}", " ".join(block.text_content().split()))
            for card in block.xpath(".//div[@data-figure]//div[contains(@class, 'fs-4')]"):
                self.assertIn(symbol, card.text_content())
        self.assertFalse(tree.xpath("//*[contains(@class, 'o_client_hub_foreign_totals')]"))
        # the EUR invoice keeps its currency on its row
        row = tree.xpath(f"//tr[@data-id='{self.eur_invoice.id}']")[0]
        self.assertIn("€", row.text_content())

    def test_a_client_billed_only_in_euros_sees_euros(self):
        """A client billed only in euros by a company keeping its books in dollars: its headline
        is in euros, and no dollar figure shows anywhere on its statement."""
        self.assertEqual(self.env.company.currency_id.name, "USD")
        bakery = self.env["res.partner"].create({
            "name": "Boulangerie Test", "is_company": True, "email": "compta@boulangerie.example",
            "customer_rank": 1, "lang": "en_US",
        })
        baker = self.env["res.partner"].create(
            {"name": "Bea Baker", "parent_id": bakery.id, "email": "bea@boulangerie.example"}
        )
        self.make_invoice(bakery, "2026-01-10", "2026-02-10", 1140.0, pay=1140.0, currency=self.eur)
        self.make_invoice(baker, "2026-04-01", "2026-05-01", 475.0, pay=75.0, currency=self.eur)
        self.make_invoice(bakery, "2026-06-01", "2026-07-01", 285.0, currency=self.eur)
        backend = bakery.with_company(self.env.company)
        self.assertEqual((backend.balance_outstanding, backend.balance_overdue), (342.5, 200.0),
                         "the backend keeps the company's dollars")
        self.login(baker._client_hub_portal_user())
        _response, tree = self.page()
        self.assertEqual(self.figure_blocks(tree), [(self.env.company.id, "EUR")])
        self.assertEqual([self.figure(tree, name) for name in ("paid", "outstanding", "overdue")],
                         [1215.0, 685.0, 400.0])
        statement = tree.xpath("//div[hasclass('o_client_hub_statement')]")[0].text_content()
        self.assertIn("€", statement)
        self.assertNotIn("$", statement, "no dollar figure for a client billed in euros")
        self.assertNotIn("Amounts in", statement, "one currency: no per-currency caption")

    def test_dates_are_dates_and_today_is_the_clients(self):
        """Every date the statement shows is a date (no time of day, so no server's zone), and
        "overdue" counts from the client's own today: at 10:00 UTC on 15 June it is already
        16 June in Kiritimati (UTC+14), where an invoice due on the 15th is overdue."""
        due_today = self.make_invoice(self.client, "2026-06-01", "2026-06-15", 60.0)
        for tz, status in (("UTC", "open"), ("Pacific/Kiritimati", "overdue")):
            with self.subTest(tz=tz):
                self.sam_user.tz = tz
                self.env.flush_all()
                self.login(self.sam_user)
                _response, tree = self.page()
                badge = tree.xpath(f"//tr[@data-id='{due_today.id}']//span[@data-status]")[0]
                self.assertEqual(badge.get("data-status"), status)
                statement = tree.xpath("//div[hasclass('o_client_hub_statement')]")[0].text_content()
                self.assertIn("06/15/2026", statement)
                self.assertNotRegex(statement, r"\b\d{1,2}:\d{2}\b", "a time of day on the statement")

    def test_every_issued_document_of_the_client_and_nothing_else(self):
        self.login(self.sam_user)
        _response, tree = self.page()
        self.assertEqual(set(self.row_ids(tree)), set(self.issued.ids))
        for hidden in (self.draft, self.cancelled, self.rival_invoice):
            self.assertNotIn(hidden.id, self.row_ids(tree))
        statuses = {int(row.get("data-id")): row.xpath(".//span[@data-status]")[0].get("data-status")
                    for row in tree.xpath("//tr[contains(@class, 'o_client_hub_row')]")}
        self.assertEqual(statuses, {
            self.paid.id: "paid", self.late.id: "overdue", self.part.id: "partial", self.open.id: "open",
            self.cn.id: "credit_note", self.eur_invoice.id: "overdue",
        })
        # rows open Odoo's own invoice page, which the contact may read
        link = tree.xpath(f"//tr[@data-id='{self.late.id}']//a/@href")[0]
        self.assertEqual(link, self.late.access_url)
        self.assertEqual(self.url_open(link).status_code, 200)

    def test_sentences_with_figures_in_french(self):
        """The page's sentences live in the template, one term each, its figures inside."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["client_hub"], ["fr_FR"], overwrite=True)
        self.sue.lang = "fr_FR"
        self.login(self.sue_user)
        _response, tree = self.page()
        text = " ".join(tree.text_content().split())
        self.assertIn("Bonjour Sue Statement,", text)
        self.assertIn("Voici le compte de Statement Client SA chez nous.", text)
        self.assertIn("6 document(s)", text)
        self.assertIn("Tout télécharger (6)", text)
        _response, tree = self.page("/my/statement?filterby=overdue")
        self.assertIn("2 document(s) dans cette liste", " ".join(tree.text_content().split()))
        response = self.url_open("/my/invoices/zip", data={"csrf_token": self.csrf()})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Sélectionnez au moins une facture à télécharger.", response.text)

    def test_a_colleague_sees_the_same_statement(self):
        self.login(self.sam_user)
        _response, sam_tree = self.page()
        self.login(self.sue_user)
        response, sue_tree = self.page()
        self.assertIn("Hello Sue Statement", response.text)
        self.assertEqual(self.row_ids(sue_tree), self.row_ids(sam_tree))
        self.assertEqual(self.figure(sue_tree, "outstanding"), self.figure(sam_tree, "outstanding"))

    def test_another_client_sees_none_of_it(self):
        self.login(self.rick_user)
        _response, tree = self.page()
        self.assertEqual(self.row_ids(tree), [self.rival_invoice.id])
        self.assertEqual(self.figure(tree, "outstanding"), 333.0)

    def expected(self, key, reverse):
        rank = {"overdue": 1, "partial": 2, "open": 3, "paid": 4, "credit_note": 5}
        sort_value = {
            "date": lambda m: m.invoice_date,
            "due_date": lambda m: m.invoice_date_due,
            "name": lambda m: m.name,
            "amount": lambda m: m.amount_total_signed,
            "status": lambda m: rank[m.client_hub_portal_status],
        }[key]
        # ties: newest first, then highest id (as the page does)
        ordered = sorted(self.issued, key=lambda m: (m.invoice_date, m.id), reverse=True)
        return [m.id for m in sorted(ordered, key=sort_value, reverse=reverse)]

    def test_sorting_by_each_column_both_ways(self):
        self.login(self.sam_user)
        _response, tree = self.page()
        self.assertEqual(self.row_ids(tree), self.expected("date", True), "default: date, newest first")
        for key in ("date", "due_date", "name", "amount", "status"):
            for order in ("asc", "desc"):
                with self.subTest(sortby=key, order=order):
                    _response, tree = self.page(f"/my/statement?sortby={key}&order={order}")
                    self.assertEqual(self.row_ids(tree), self.expected(key, order == "desc"))
        # the business order of statuses, not the alphabet
        _response, tree = self.page("/my/statement?sortby=status&order=asc")
        self.assertEqual(self.row_ids(tree)[-1], self.cn.id)
        self.assertIn(self.row_ids(tree)[0], (self.late | self.eur_invoice).ids)
        # amounts: credit notes are negative
        _response, tree = self.page("/my/statement?sortby=amount&order=asc")
        self.assertEqual(self.row_ids(tree)[0], self.cn.id)

    def test_filters_and_year(self):
        self.login(self.sam_user)
        cases = {
            "all": self.issued,
            "unpaid": self.late | self.part | self.open | self.eur_invoice,
            "overdue": self.late | self.eur_invoice,
            "paid": self.paid,
            "credit_notes": self.cn,
        }
        for filterby, expected in cases.items():
            with self.subTest(filterby=filterby):
                _response, tree = self.page(f"/my/statement?filterby={filterby}")
                self.assertEqual(set(self.row_ids(tree)), set(expected.ids))
        _response, tree = self.page("/my/statement?year=2025")
        self.assertEqual(self.row_ids(tree), self.paid.ids)
        _response, tree = self.page("/my/statement?year=2026&filterby=unpaid")
        self.assertEqual(set(self.row_ids(tree)), set((self.late | self.part | self.open | self.eur_invoice).ids))
        # unknown values fall back to the defaults instead of failing
        _response, tree = self.page("/my/statement?sortby=state;drop&order=up&filterby=x&year=20x5")
        self.assertEqual(self.row_ids(tree), self.expected("date", True))

    def test_pagination_keeps_sort_and_filter(self):
        extra = self.env["account.move"]
        for day in range(1, 23):
            extra |= self.make_invoice(self.client, f"2026-01-{day:02d}", f"2026-12-{day:02d}", 10.0 + day)
        self.login(self.sam_user)
        response, tree = self.page("/my/statement?filterby=unpaid&sortby=amount&order=asc")
        unpaid = (self.late | self.part | self.open | self.eur_invoice | extra).sorted(
            lambda m: (m.amount_total_signed, m.invoice_date, m.id))
        self.assertIn("26 document(s) in this list", " ".join(response.text.split()))
        first = self.row_ids(tree)
        self.assertEqual(len(first), 20)
        pager_links = tree.xpath("//ul[contains(@class, 'pagination')]//a/@href")
        second_url = next(link for link in pager_links if "/page/2" in link)
        self.assertIn("filterby=unpaid", second_url)
        self.assertIn("sortby=amount", second_url)
        self.assertIn("order=asc", second_url)
        _response, tree = self.page(second_url)
        second = self.row_ids(tree)
        self.assertEqual(len(second), 6)
        ordered = sorted(unpaid, key=lambda m: m.amount_total_signed)
        self.assertEqual([m.amount_total_signed for m in self.env["account.move"].browse(first + second)],
                         [m.amount_total_signed for m in ordered])
        self.assertEqual(set(first + second), set(unpaid.ids))
        # a page past the end shows the last one
        _response, tree = self.page("/my/statement/page/9?filterby=unpaid&sortby=amount&order=asc")
        self.assertEqual(self.row_ids(tree), second)

    def test_column_headers_link_to_the_other_direction(self):
        self.login(self.sam_user)
        _response, tree = self.page("/my/statement?sortby=amount&order=desc&filterby=unpaid&year=2026")
        link = tree.xpath("//a[@data-sortby='amount']/@href")[0]
        for part in ("sortby=amount", "order=asc", "filterby=unpaid", "year=2026"):
            self.assertIn(part, link)
        self.assertIn("order=desc", tree.xpath("//a[@data-sortby='date']/@href")[0])

    def test_query_count_does_not_grow_with_documents(self):
        """Twice as many documents (and more than a page), the same queries."""
        self.login(self.sam_user)
        self.url_open("/my/statement")  # warm caches (routing, assets, ACL)

        def queries():
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.url_open("/my/statement?sortby=status")
            return self.cr.sql_log_count - before

        few = queries()
        for day in range(1, 26):
            self.make_invoice(self.client, f"2026-01-{day:02d}", f"2026-02-{day:02d}", 5.0)
        self.env.flush_all()
        self.assertEqual(queries(), few)
        with self.assertQueryCount(few):
            self.env.invalidate_all()
            self.url_open("/my/statement?sortby=status")

    def test_portal_home_shows_the_statement_first(self):
        self.login(self.sam_user)
        _response, tree = self.page("/my")
        cards = tree.xpath("//div[contains(@class, 'o_portal_index_card')]//a/@href")
        self.assertEqual(cards[0], "/my/statement")
        # from the statement, the other pages are one click away
        _response, tree = self.page()
        links = tree.xpath("//nav[contains(@class, 'o_client_hub_portal_nav')]//a/@href")
        self.assertEqual(links, ["/my/statement", "/my/invoices", "/my/quotes", "/my/orders", "/my/tickets"])

    def test_a_client_with_two_companies_sees_each_on_its_own(self):
        company_b = self.setup_other_company(name="Statement Second Co")["company"]
        other = self.env["account.move"].with_company(company_b).create({
            "move_type": "out_invoice", "partner_id": self.sam.id,
            "invoice_date": "2026-06-01", "invoice_date_due": "2026-07-01",
            "invoice_line_ids": [Command.create({"name": "x", "price_unit": 4000.0, "tax_ids": []})],
        })
        other.action_post()
        self.assertIn(company_b, self.sam_user.company_ids)
        self.login(self.sam_user)
        response, tree = self.page()
        self.assertIn(other.id, self.row_ids(tree))
        self.assertIn("Statement Second Co", response.text)
        company_a = self.env.company
        self.assertEqual(self.figure_blocks(tree), [
            (company_a.id, "USD"), (company_a.id, "EUR"), (company_b.id, company_b.currency_id.name),
        ])
        self.assertEqual(
            [self.figure(tree, "outstanding", currency=currency, company=company)
             for company, currency in ((company_a, "USD"), (company_a, "EUR"), (company_b, company_b.currency_id.name))],
            [900.0, 500.0, 4000.0], "never summed across companies, nor across currencies",
        )
        headings = [h.text_content().strip() for h in tree.xpath("//h5[contains(@class, 'o_client_hub_figures_company')]")]
        self.assertEqual(headings, [company_a.name, "Statement Second Co"], "each company named once")
