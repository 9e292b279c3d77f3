# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Magic-link portal in a database with several companies (issue: a client signed in by magic link
saw none of the invoices a second company had sent it)."""
from urllib.parse import urlsplit

import lxml.html

from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .magic_link_common import magic_urls


@tagged("post_install", "-at_install")
class TestPortalMultiCompany(AccountTestInvoicingHttpCommon):
    """AccountTestInvoicingCommon's own company (never the database's main one) is company A;
    two more companies are made: B issues documents to the client, C only to somebody else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Second Company")["company"]
        cls.company_c = cls.setup_other_company(name="Third Company")["company"]
        Partner = cls.env["res.partner"]
        cls.client_co = Partner.create(
            {"name": "Multi Client SA", "is_company": True, "email": "ap@multi.example", "customer_rank": 1}
        )
        cls.lea = Partner.create({"name": "Lea Multi", "parent_id": cls.client_co.id, "email": "lea@multi.example"})
        cls.rival = Partner.create(
            {"name": "Rival SA", "is_company": True, "email": "ap@rival.example", "customer_rank": 1}
        )
        cls.rick = Partner.create({"name": "Rick Rival", "parent_id": cls.rival.id, "email": "rick@rival.example"})

    # ------------------------------------------------------------------ helpers
    def invoice(self, company, partner, amount, send=True):
        move = self.env["account.move"].with_company(company).create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_line_ids": [Command.create({"name": "Consulting", "price_unit": amount, "tax_ids": []})],
        })
        move.action_post()
        return move

    def send(self, move, contact):
        """Send the invoice as an accountant of its company does; the magic link of ``contact``'s email."""
        self.env["account.move.send.wizard"].with_company(move.company_id).with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"mail_partner_ids": [Command.set(contact.ids)]}).action_send_and_print()
        mail = self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", move.id), ("recipient_ids", "in", contact.ids)]
        )
        urls = set(magic_urls(mail.body_html))
        self.assertEqual(len(urls), 1, "one personal sign-in link in the email")
        return urls.pop()

    def sign_in(self, url):
        self.opener.cookies.clear()
        parts = urlsplit(url)
        response = self.url_open(f"{parts.path}?{parts.query}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        return urlsplit(response.headers["Location"]).path

    def my_invoices(self):
        response = self.url_open("/my/invoices")
        self.assertEqual(response.status_code, 200)
        return response.text

    @staticmethod
    def row(invoice):
        """How a listing links an invoice: by id (numbers repeat across companies)."""
        return f'href="/my/invoices/{invoice.id}?'

    # ------------------------------------------------------------------ tests
    def test_invoice_of_a_second_company_is_seen_after_the_magic_link(self):
        invoice_b = self.invoice(self.company_b, self.lea, 700.0)
        landing = self.sign_in(self.send(invoice_b, self.lea))
        self.assertEqual(landing, invoice_b.access_url)
        user = self.lea.user_ids
        self.assertTrue(user._is_portal())
        self.assertEqual(user.company_ids, self.company_b, "exactly the company that issued its documents")
        self.assertIn(self.row(invoice_b), self.my_invoices())
        page = self.url_open(invoice_b.access_url)  # no access token: the portal user's own right
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice_b.name, page.text)
        self.assertNotIn("There are currently no invoices", self.my_invoices())

        # another client, signed in with its own link, sees nothing of it
        invoice_rival = self.invoice(self.company_c, self.rick, 90.0)
        self.sign_in(self.send(invoice_rival, self.rick))
        self.assertEqual(self.rick.user_ids.company_ids, self.company_c)
        listing = self.my_invoices()
        self.assertIn(self.row(invoice_rival), listing)
        self.assertNotIn(self.row(invoice_b), listing)
        other = self.url_open(invoice_b.access_url, allow_redirects=False)
        self.assertEqual(other.status_code, 303, "another client's invoice is refused")
        self.assertEqual(urlsplit(other.headers["Location"]).path, "/my")

    def test_existing_portal_user_of_company_a_receives_a_link_from_company_b(self):
        invoice_a = self.invoice(self.company_a, self.lea, 100.0)
        self.sign_in(self.send(invoice_a, self.lea))
        user = self.lea.user_ids
        self.assertEqual(user.company_ids, self.company_a)
        # the portal user already exists when company B's invoice is posted and sent: the posting
        # grants company B, so does the link sent with it, and the sign-in with B's link checks it
        invoice_b = self.invoice(self.company_b, self.lea, 200.0)
        self.assertEqual(user.company_ids, self.company_a | self.company_b)
        user.write({"company_ids": [Command.set(self.company_a.ids)], "company_id": self.company_a.id})
        url = self.send(invoice_b, self.lea)
        self.assertEqual(user.company_ids, self.company_a | self.company_b, "the link's issue grants B")
        user.write({"company_ids": [Command.set(self.company_a.ids)], "company_id": self.company_a.id})
        self.assertEqual(self.sign_in(url), invoice_b.access_url)
        self.assertEqual(self.lea.user_ids, user, "the same portal user, no duplicate")
        self.assertEqual(user.company_ids, self.company_a | self.company_b)
        self.assertNotIn(self.company_c, user.company_ids, "no company that issued it nothing")
        listing = self.my_invoices()
        self.assertIn(self.row(invoice_a), listing)
        self.assertIn(self.row(invoice_b), listing)

    def test_client_with_documents_in_two_companies_sees_who_issued_each(self):
        invoice_a = self.invoice(self.company_a, self.client_co, 300.0)
        invoice_b = self.invoice(self.company_b, self.lea, 400.0)
        self.sign_in(self.send(invoice_b, self.lea))
        listing = self.my_invoices()
        self.assertIn("Issued by", listing)
        for invoice in (invoice_a, invoice_b):
            row = listing[listing.index(self.row(invoice)):]
            row = row[: row.index("</tr>")]
            self.assertIn(invoice.company_id.name, row)

    def test_single_company_client_has_no_company_column(self):
        invoice_a = self.invoice(self.company_a, self.lea, 300.0)
        self.sign_in(self.send(invoice_a, self.lea))
        listing = self.my_invoices()
        self.assertIn(self.row(invoice_a), listing)
        self.assertNotIn("Issued by", listing)

    def test_quotation_of_another_company_opens_the_portal_to_it(self):
        self.env.user.group_ids |= self.env.ref("sales_team.group_sale_salesman")
        invoice_a = self.invoice(self.company_a, self.lea, 100.0)
        self.sign_in(self.send(invoice_a, self.lea))
        order = self.env["sale.order"].with_company(self.company_b).create({
            "partner_id": self.client_co.id,
            "order_line": [Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})],
        })
        order.action_quotation_sent()
        self.assertEqual(self.lea.user_ids.company_ids, self.company_a | self.company_b)
        response = self.url_open("/my/quotes")
        self.assertIn(f'href="/my/orders/{order.id}?', response.text)

    def test_tour_invoice_of_a_second_company(self):
        """The browser journey of the magic-link tour, for an invoice of company B."""
        invoice_b = self.invoice(self.company_b, self.lea, 500.0)
        parts = urlsplit(self.send(invoice_b, self.lea))
        self.start_tour(f"{parts.path}?{parts.query}", "client_hub_magic_link_tour", login=None)
        self.assertEqual(self.lea.user_ids.company_ids, self.company_b)

    def test_overdue_invoices_of_two_companies_do_not_break_the_pay_page(self):
        """Odoo's one-payment page for overdue invoices needs one company (it fails otherwise): a
        signed-in client is sent to its statement, filtered on what is overdue."""
        past = {"invoice_date": "2026-01-01", "invoice_date_due": "2026-01-31"}
        invoice_a = self.invoice(self.company_a, self.lea, 100.0)
        self.sign_in(self.send(invoice_a, self.lea))
        for company in (self.company_a, self.company_b):
            move = self.env["account.move"].with_company(company).create({
                "move_type": "out_invoice", "partner_id": self.lea.id, **past,
                "invoice_line_ids": [Command.create({"name": "Late", "price_unit": 50.0, "tax_ids": []})],
            })
            move.action_post()
        response = self.url_open("/my/invoices/overdue", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        location = urlsplit(response.headers["Location"])
        self.assertEqual((location.path, location.query), ("/my/statement", "filterby=overdue"))
        page = self.url_open(response.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("Second Company", page.text, "each company on its own")

    def test_statement_figures_per_company_in_the_currencies_billed(self):
        """Company A bills the client in dollars, company B (its books in dollars too) in euros:
        one block of figures per company, each in the currency of its documents, nothing
        converted nor summed; the backend figures of B stay in B's currency."""
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        self.invoice(self.company_a, self.lea, 300.0)
        move_b = self.env["account.move"].with_company(self.company_b).create({
            "move_type": "out_invoice", "partner_id": self.lea.id, "currency_id": eur.id,
            "invoice_line_ids": [Command.create({"name": "Consulting", "price_unit": 700.0, "tax_ids": []})],
        })
        move_b.action_post()
        self.assertEqual(self.client_co.with_company(self.company_b).balance_outstanding,
                         move_b.amount_residual_signed, "the backend: in B's dollars")
        self.assertEqual(move_b.company_currency_id.name, "USD")
        user = self.lea._client_hub_portal_user()
        self.authenticate(user.login, user.login)
        response = self.url_open("/my/statement")
        self.assertEqual(response.status_code, 200)
        tree = lxml.html.fromstring(response.text)
        blocks = tree.xpath("//div[contains(@class, 'o_client_hub_figures')][@data-currency]")
        self.assertEqual([(int(block.get("data-company")), block.get("data-currency")) for block in blocks],
                         [(self.company_a.id, "USD"), (self.company_b.id, "EUR")])
        outstanding = [
            block.xpath(".//div[@data-figure='outstanding']//div[contains(@class, 'fs-4')]")[0].text_content()
            for block in blocks
        ]
        self.assertEqual([" ".join(text.split()) for text in outstanding], ["$ 300.00", "700.00 €"])
        headings = [h.text_content().strip() for h in tree.xpath("//h5[contains(@class, 'o_client_hub_figures_company')]")]
        self.assertEqual(headings, [self.company_a.name, "Second Company"])
