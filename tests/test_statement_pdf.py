# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client statement PDF: ledger figures, the portal download, the backend wizard, two companies,
two currencies.

The client (Zygomatic Widgets SA, contact Lea) has, in company A (the test company, USD), around the
period 1-31 March 2026 (USD section, then EUR section: one ledger per currency it is billed in):

    2026-02-10  INV1    invoice 1,000.00, due 2026-02-28 (overdue at the end of the period)
    2026-02-25  PAY0    payment 400.00 on INV1 (partial)                    -> opening 600.00
    2026-03-01  INV2    invoice 500.00 to the contact Lea (first day)        1,100.00
    2026-03-10          draft invoice 77.00 (never counts)
    2026-03-15  PAY1    payment 250.00 registered for Lea, on INV2              850.00
    2026-03-20  CN1     credit note 120.00                                      730.00
    2026-03-31  INV3    invoice 800.00 (last day)                            1,530.00 -> closing
    2026-04-01  INV4    invoice 999.00 (after the period)
    2026-04-02  PAY2    payment 100.00 on INV3 (after the period)

    2026-03-05  INVEUR  invoice EUR 300.00 (booked 150.00 USD at 2 EUR per USD: never shown)
                                                          opening EUR 0.00, closing EUR 300.00

Rival SA (contact Rick) has its own invoice of 90.00 on 2026-03-10.
"""
import re
from datetime import date
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import pdf_text

REPORT = "client_hub.report_client_statement"
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@tagged("post_install", "-at_install")
class TestStatementPdf(AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company_a = cls.env.company
        cls.company_a.write({"street": "8 Harbour Road", "city": "Boston"})
        cls.eur = cls.setup_other_currency("EUR", rates=[("2016-01-01", 2.0)])
        Partner = cls.env["res.partner"]
        cls.client = Partner.create({
            "name": "Zygomatic Widgets SA", "is_company": True, "vat": "BE0477472701",
            "street": "Rue Haute 12", "zip": "1000", "city": "Brussels", "country_id": cls.env.ref("base.be").id,
            "email": "ap@zygo.example",
        })
        cls.lea = Partner.create({"name": "Lea Peeters", "parent_id": cls.client.id, "email": "lea@zygo.example"})
        cls.rival = Partner.create({"name": "Rival SA", "is_company": True, "email": "ap@rival.example"})
        cls.rick = Partner.create({"name": "Rick Rival", "parent_id": cls.rival.id, "email": "rick@rival.example"})

        cls.inv1 = cls.invoice(cls.client, 1000.0, "2026-02-10", due="2026-02-28")
        cls.pay0 = cls.register_payment(cls.inv1, 400.0, "2026-02-25")
        cls.inv2 = cls.invoice(cls.lea, 500.0, "2026-03-01", due="2026-03-31")
        cls.inv_eur = cls.invoice(cls.client, 300.0, "2026-03-05", due="2026-04-04", currency=cls.eur)
        cls.draft = cls.invoice(cls.client, 77.0, "2026-03-10", post=False)
        cls.pay1 = cls.contact_payment(cls.lea, 250.0, "2026-03-15", cls.inv2)
        cls.cn1 = cls.invoice(cls.client, 120.0, "2026-03-20", move_type="out_refund")
        cls.inv3 = cls.invoice(cls.client, 800.0, "2026-03-31", due="2026-04-30")
        cls.inv4 = cls.invoice(cls.client, 999.0, "2026-04-01")
        cls.pay2 = cls.register_payment(cls.inv3, 100.0, "2026-04-02")
        cls.rival_invoice = cls.invoice(cls.rival, 90.0, "2026-03-10")

        cls.lea_user = new_test_user(
            cls.env, login="lea@zygo.example", groups="base.group_portal", partner_id=cls.lea.id,
            company_id=cls.company_a.id,
        )
        cls.rick_user = new_test_user(
            cls.env, login="rick@rival.example", groups="base.group_portal", partner_id=cls.rick.id,
            company_id=cls.company_a.id,
        )
        cls.accountant = new_test_user(
            cls.env, login="accountant@northwind.example", groups="account.group_account_invoice",
            company_id=cls.company_a.id,
        )

    # ------------------------------------------------------------------ fixtures
    @classmethod
    def invoice(cls, partner, amount, day, move_type="out_invoice", due=None, currency=None, company=None, post=True):
        vals = {
            "move_type": move_type, "partner_id": partner.id, "invoice_date": day, "date": day,
            "invoice_line_ids": [Command.create({"name": "Consulting", "price_unit": amount, "tax_ids": []})],
        }
        if due:
            vals["invoice_date_due"] = due
        if currency:
            vals["currency_id"] = currency.id
        move = cls.env["account.move"].with_company(company or cls.company_a).create(vals)
        if post:
            move.action_post()
        return move

    @classmethod
    def register_payment(cls, invoice, amount, day):
        return cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": day})._create_payments()

    @classmethod
    def contact_payment(cls, contact, amount, day, invoice):
        """A payment registered by hand for a contact: Odoo books its receivable item on the contact."""
        payment = cls.env["account.payment"].create({
            "amount": amount, "date": day, "payment_type": "inbound", "partner_type": "customer",
            "partner_id": contact.id,
        })
        payment.action_post()
        receivable = (payment.move_id.line_ids | invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        receivable.reconcile()
        return payment

    def report_values(self, data, env=None):
        return (env or self.env)["report." + REPORT]._get_report_values(None, data=dict(data, partner_ids=self.client.ids))

    def sections(self, date_from, date_to):
        return self.report_values({"date_from": date_from, "date_to": date_to})["statements"][self.client.id]

    @staticmethod
    def figures(section):
        return [(str(row["date"]), row["number"], row["kind"], row["debit"], row["credit"], row["balance"])
                for row in section["rows"]]

    def assertNumberIn(self, move, text):
        self.assertRegex(text, rf"(?<![\w/]){re.escape(move.name)}(?![\w/])")

    def assertNumberNotIn(self, move, text):
        self.assertNotRegex(text, rf"(?<![\w/]){re.escape(move.name)}(?![\w/])")

    def download(self, query):
        return self.url_open(f"/my/statement/pdf?{query}", allow_redirects=False)

    def generate_report_assets(self):
        """Save the report's asset bundles as the first request for them would. Under test, the
        nested requests wkhtmltopdf makes for them share the read-only test cursor of the portal
        route and cannot save them (a real server opens a read-write cursor for that)."""
        QWeb = self.env["ir.qweb"]
        for bundle, css, js, autoprefix in (
            ("web.report_assets_pdf", True, False, True),
            ("web.report_assets_common", True, False, True),
            ("web.report_assets_pdf", False, True, False),
        ):
            assets = QWeb._get_asset_bundle(bundle, css=css, js=js, autoprefix=autoprefix)
            if css:
                assets.css()
            if js:
                assets.js()

    def portal_pdf_text(self, login, query):
        """The statement as a portal user downloads it, rendered for real through wkhtmltopdf (Odoo
        takes an HTML shortcut under --test-enable: the model method asks for the real PDF)."""
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        self.generate_report_assets()
        Report = type(self.env["report." + REPORT])
        render = Report._render_statement_pdf

        def real_pdf(model, *args, **kwargs):
            return render(model.with_context(force_report_rendering=True), *args, **kwargs)

        self.authenticate(login, login)
        with patch.object(Report, "_render_statement_pdf", real_pdf):
            response = self.download(query)
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        return response, pdf_text(response.content)

    # ------------------------------------------------------------------ ledger figures
    def test_receivable_items_are_booked_as_expected(self):
        """The definition's premise: invoices book on the commercial partner, a payment registered
        for a contact on the contact; both belong to the client's statement."""
        def receivable(move):
            return move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

        self.assertEqual(receivable(self.inv2).partner_id, self.client, "invoice to a contact: commercial partner")
        self.assertEqual(receivable(self.pay1.move_id).partner_id, self.lea, "manual payment: the contact")
        self.assertEqual(receivable(self.inv_eur).balance, 150.0, "300 EUR at 2 EUR per USD")
        self.assertEqual(self.inv1.amount_residual, 600.0)
        self.assertEqual(self.inv2.payment_state, "partial")

    def test_march_statement_figures(self):
        values = self.report_values(MARCH)
        self.assertEqual(values["docs"], self.client)
        self.assertEqual((values["date_from"], values["date_to"]), (date(2026, 3, 1), date(2026, 3, 31)))
        sections = values["statements"][self.client.id]
        self.assertEqual([(section["company"], section["currency"]) for section in sections],
                         [(self.company_a, self.company_a.currency_id), (self.company_a, self.eur)],
                         "one ledger per currency the client is billed in, the company's first")
        section = sections[1]
        self.assertEqual(self.figures(section), [("2026-03-05", self.inv_eur.name, "invoice", 300.0, 0.0, 300.0)],
                         "the euro invoice in euros, never converted")
        self.assertEqual((section["opening"], section["total_debit"], section["total_credit"], section["closing"]),
                         (0.0, 300.0, 0.0, 300.0))
        section = sections[0]
        self.assertEqual(section["opening"], 600.0)
        self.assertEqual(self.figures(section), [
            ("2026-03-01", self.inv2.name, "invoice", 500.0, 0.0, 1100.0),
            ("2026-03-15", self.pay1.move_id.name, "payment", 0.0, 250.0, 850.0),
            ("2026-03-20", self.cn1.name, "credit_note", 0.0, 120.0, 730.0),
            ("2026-03-31", self.inv3.name, "invoice", 800.0, 0.0, 1530.0),
        ])
        self.assertEqual(section["rows"][0]["date_due"], date(2026, 3, 31))
        self.assertIsNone(section["rows"][1]["date_due"], "due dates for invoices only")
        self.assertEqual((section["total_debit"], section["total_credit"]), (1300.0, 370.0))
        self.assertEqual(section["closing"], 1530.0)

    def test_edges_and_closing_equals_the_balance_at_that_date(self):
        # a period ending the day before an invoice leaves it out; starting on it puts it in
        section, section_eur = self.sections("2026-03-02", "2026-03-30")
        self.assertEqual(section["opening"], 1100.0, "600 + INV2 of 1 March")
        self.assertEqual([row["number"] for row in section["rows"]], [self.pay1.move_id.name, self.cn1.name])
        self.assertEqual(section["closing"], 730.0)
        self.assertEqual([row["number"] for row in section_eur["rows"]], [self.inv_eur.name])
        # a period ending before the euro invoice has no euro section
        sections = self.sections("2026-03-01", "2026-03-04")
        self.assertEqual([section["currency"] for section in sections], [self.company_a.currency_id])
        # February: INV1 and its partial payment, the opening of March
        sections = self.sections("2026-02-01", "2026-02-28")
        self.assertEqual(len(sections), 1, "no euro item up to 28 February: no euro section")
        section = sections[0]
        self.assertEqual((section["opening"], section["closing"]), (0.0, 600.0))
        self.assertEqual([(row["kind"], row["debit"], row["credit"]) for row in section["rows"]],
                         [("invoice", 1000.0, 0.0), ("payment", 0.0, 400.0)])
        # up to today: everything posted, which is what Odoo's own receivable figure says
        today = fields.Date.context_today(self.client)
        section, section_eur = self.sections("2026-01-01", str(today))
        self.assertEqual(section["closing"], 1530.0 + 999.0 - 100.0)
        self.assertEqual(section_eur["closing"], 300.0)
        self.assertEqual(section["closing"] + self.inv_eur.amount_total_signed, self.client.credit + self.lea.credit,
                         "Odoo's figure is the same, with the euro invoice converted at its booking rate")

    def test_another_client_never_sees_these_documents(self):
        values = self.env["report." + REPORT]._get_report_values(self.rick.ids, data=MARCH)
        self.assertEqual(values["docs"], self.rival, "a contact prints its company's statement")
        section = values["statements"][self.rival.id][0]
        self.assertEqual(self.figures(section), [("2026-03-10", self.rival_invoice.name, "invoice", 90.0, 0.0, 90.0)])
        self.assertEqual((section["opening"], section["closing"]), (0.0, 90.0))

    def test_client_without_documents_gets_one_empty_section(self):
        newcomer = self.env["res.partner"].create({"name": "Newcomer Ltd", "is_company": True})
        values = self.env["report." + REPORT]._get_report_values(newcomer.ids, data=MARCH)
        sections = values["statements"][newcomer.id]
        self.assertEqual(len(sections), 1)
        self.assertEqual(sections[0]["company"], self.company_a)
        self.assertEqual((sections[0]["opening"], sections[0]["rows"], sections[0]["closing"]), (0.0, [], 0.0))
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(REPORT, newcomer.ids, data=dict(MARCH))
        self.assertIn("No invoice, credit note or payment in this period.", html.decode())

    def test_queries_do_not_grow_with_documents(self):
        Report = self.env["report." + REPORT]
        period = (date(2026, 3, 1), date(2026, 3, 31))

        def count():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Report._statement_sections(self.client, self.company_a, *period)
            return self.env.cr.sql_log_count - before

        count()  # warm the registry caches (access rules)
        queries = count()
        for day in range(2, 9):
            self.invoice(self.client, 10.0 * day, f"2026-03-{day:02d}")
            self.invoice(self.client, 10.0 * day, f"2026-03-{day:02d}", currency=self.eur)
        self.env.flush_all()
        self.assertEqual(count(), queries)
        self.assertEqual(queries, 4, "the companies, two aggregate queries, the currencies")

    def test_french_labels_dates_and_amounts(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["client_hub"], ["fr_FR"], overwrite=True)
        self.client.lang = "fr_FR"
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, self.client.ids, data=dict(MARCH)
        )
        html = html.decode()
        for label in ("Relevé de compte", "Solde d'ouverture", "Solde de clôture", "Avoir", "Paiement", "Date d'émission"):
            self.assertIn(label, html)
        self.assertIn("01/03/2026", html, "French date format")
        self.assertRegex(html, r"1\s530,00", "French number format")
        self.assertIn("Montants en", html)
        self.assertNotIn("Opening balance", html)

    # ------------------------------------------------------------------ portal download
    def test_portal_pdf_of_a_contact_is_its_company_statement(self):
        response, text = self.portal_pdf_text(self.lea_user.login, "date_from=2026-03-01&date_to=2026-03-31")
        self.assertEqual(
            response.headers["Content-Disposition"],
            "attachment; filename=Zygomatic-Widgets-SA-statement-2026-03-01-2026-03-31.pdf",
        )
        self.assertIn(self.company_a.name, text, "company header")
        self.assertIn("8 Harbour Road", text, "company header")
        self.assertIn("Zygomatic Widgets SA", text)
        self.assertIn("Rue Haute 12", text)
        self.assertRegex(text, r"VAT:\s*BE0477472701", "tax ID labelled after the client's country")
        self.assertIn("Statement of account", text)
        self.assertRegex(text, r"Opening balance\s+\$\s*600\.00")
        self.assertRegex(text, r"Closing balance\s+\$\s*1,530\.00")
        for move in (self.inv2, self.inv_eur, self.cn1, self.inv3, self.pay1.move_id):
            self.assertNumberIn(move, text)
        for move in (self.inv1, self.inv4, self.rival_invoice):
            self.assertNumberNotIn(move, text)
        self.assertNotIn("77.00", text, "drafts never count")
        # billed in dollars and in euros: two ledgers, each in its currency
        self.assertEqual(len(re.findall(r"Statement of account", text)), 2, "one section per currency")
        self.assertIn("Amounts in USD", text)
        self.assertIn("Amounts in EUR", text)
        self.assertRegex(text, r"Opening balance\s+0\.00\s*€")
        self.assertRegex(text, rf"{re.escape(self.inv_eur.name)}\s+Invoice\s+300\.00\s*€\s+300\.00\s*€")
        self.assertRegex(text, r"Closing balance\s+300\.00\s*€")
        self.assertNotIn("150.00", text, "the euro invoice never converted into dollars")
        self.assertLess(text.index("Amounts in USD"), text.index("Amounts in EUR"), "the company's currency first")

    def test_portal_pdf_default_period_is_this_year(self):
        self.authenticate(self.lea_user.login, self.lea_user.login)
        response = self.download("")
        self.assertEqual(response.status_code, 200)
        today = fields.Date.context_today(self.lea_user)
        self.assertEqual(
            response.headers["Content-Disposition"],
            f"attachment; filename=Zygomatic-Widgets-SA-statement-{today.year}-01-01-{today.isoformat()}.pdf",
        )

    def test_portal_pdf_of_another_client(self):
        _response, text = self.portal_pdf_text(self.rick_user.login, "date_from=2026-03-01&date_to=2026-03-31")
        self.assertIn("Rival SA", text)
        self.assertNumberIn(self.rival_invoice, text)
        self.assertRegex(text, r"Closing balance\s+\$\s*90\.00")
        self.assertNotIn("Zygomatic", text)
        for move in (self.inv2, self.inv_eur, self.cn1, self.inv3, self.pay1.move_id):
            self.assertNumberNotIn(move, text)

    def test_portal_refuses_bad_periods_with_a_message(self):
        self.authenticate(self.lea_user.login, self.lea_user.login)
        for query, message in (
            ("date_from=2026-13-01&date_to=2026-03-31", "The start date “2026-13-01” is not a date"),
            ("date_from=2026-03-01&date_to=31/03/2026", "The end date “31/03/2026” is not a date"),
            ("date_from=2026-04-01&date_to=2026-03-31", "The start date (04/01/2026) is after the end date (03/31/2026)"),
            ("date_from=1800-01-01&date_to=2026-03-31", "Statements cannot start before 01/01/1900"),
            ("date_from=2026-01-01&date_to=9999-12-31", "The end date cannot be later than"),
            ("date_from=%3Cscript%3Ealert(1)%3C/script%3E", "The start date “&lt;script&gt;alert(1)&lt;/script&gt;” is not a date"),
        ):
            response = self.download(query)
            self.assertEqual(response.status_code, 400, query)
            self.assertIn("text/html", response.headers["Content-Type"])
            self.assertIn("This statement cannot be printed", response.text)
            self.assertIn(message, response.text, query)
            self.assertIn('href="/my/statement"', response.text)
            self.assertNotIn("<script>alert(1)", response.text)

    def test_portal_refuses_visitors_and_foreign_ids(self):
        self.opener.cookies.clear()
        response = self.download("date_from=2026-03-01&date_to=2026-03-31")
        self.assertIn(response.status_code, (302, 303), "anonymous visitors are sent to sign in")
        self.assertIn("/web/login", response.headers["Location"])
        self.authenticate(self.rick_user.login, self.rick_user.login)
        # ids in the request are ignored by the route, and refused by the report engine's own route
        response = self.download(f"date_from=2026-03-01&date_to=2026-03-31&partner_id={self.client.id}")
        self.assertEqual(response.status_code, 200)
        response = self.url_open(f"/report/pdf/{REPORT}/{self.client.id}")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(response.content.startswith(b"%PDF"))

    # ------------------------------------------------------------------ backend
    def test_backend_wizard_prints_the_same_figures(self):
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        Wizard = self.env["client_hub.statement.wizard"].with_user(self.accountant)
        today = fields.Date.context_today(self.accountant)
        defaults = Wizard.with_context(default_partner_id=self.lea.id).create({})
        self.assertEqual((defaults.date_from, defaults.date_to), (date(today.year, 1, 1), today))
        self.assertEqual(defaults.company_id, self.company_a)
        wizard = Wizard.with_context(default_partner_id=self.lea.id).create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
        action = wizard.action_print()
        self.assertEqual((action["type"], action["report_name"]), ("ir.actions.report", REPORT))
        self.assertEqual(action["data"]["partner_ids"], self.client.ids)
        self.assertEqual(action["data"]["company_ids"], self.company_a.ids)
        # the web client sends the data without docids
        Report = self.env["report." + REPORT].with_user(self.accountant)
        section = Report._get_report_values(None, data=action["data"])["statements"][self.client.id][0]
        self.assertEqual(self.figures(section), self.figures(self.report_values(MARCH)["statements"][self.client.id][0]))
        self.assertEqual((section["opening"], section["closing"]), (600.0, 1530.0))
        pdf, fmt = self.env["ir.actions.report"].with_user(self.accountant).with_context(
            force_report_rendering=True
        )._render_qweb_pdf(REPORT, None, data=action["data"])
        self.assertEqual(fmt, "pdf")
        text = pdf_text(pdf)
        self.assertRegex(text, r"Opening balance\s+\$\s*600\.00")
        self.assertRegex(text, r"Closing balance\s+\$\s*1,530\.00")
        self.assertRegex(text, r"Closing balance\s+300\.00\s*€", "the euro section, in euros")
        self.assertNotIn("150.00", text, "the euro invoice never converted")
        self.assertIn("8 Harbour Road", text)

        wizard.date_from = "2026-04-01"
        with self.assertRaisesRegex(UserError, "is after the end date"):
            wizard.action_print()

    def test_only_accounting_users_print_statements(self):
        clerk = new_test_user(self.env, login="clerk@northwind.example", groups="base.group_user",
                              company_id=self.company_a.id)
        with self.assertRaises(AccessError):
            self.report_values(MARCH, env=self.env(user=clerk))
        with self.assertRaises(AccessError):
            self.report_values(MARCH, env=self.env(user=self.rick_user))

    def test_statement_button_on_the_client_form(self):
        arch = self.env["res.partner"].with_user(self.accountant).get_view(
            self.env.ref("base.view_partner_form").id, "form"
        )["arch"]
        self.assertIn("Print statement", arch)
        clerk = new_test_user(self.env, login="clerk2@northwind.example", groups="base.group_user")
        arch = self.env["res.partner"].with_user(clerk).get_view(self.env.ref("base.view_partner_form").id, "form")["arch"]
        self.assertNotIn("Print statement", arch)

    # ------------------------------------------------------------------ two companies
    def test_two_companies_two_sections(self):
        company_b = self.setup_other_company(name="Second Company")["company"]
        company_b.write({"street": "1 Quay Street", "city": "Dublin"})
        inv_b0 = self.invoice(self.client, 30.0, "2026-01-15", due="2026-02-14", company=company_b)
        inv_b1 = self.invoice(self.lea, 70.0, "2026-03-10", due="2026-04-09", company=company_b)
        self.assertIn(company_b, self.lea_user.company_ids, "posting in B opened B to the client's portal user")

        values = self.report_values(dict(MARCH, company_ids=(self.company_a | company_b).ids))
        sections = values["statements"][self.client.id]
        self.assertEqual([(section["company"], section["currency"]) for section in sections],
                         [(self.company_a, self.company_a.currency_id), (self.company_a, self.eur),
                          (company_b, company_b.currency_id)])
        self.assertEqual((sections[0]["opening"], sections[0]["closing"]), (600.0, 1530.0))
        self.assertEqual((sections[2]["opening"], sections[2]["closing"]), (30.0, 100.0))
        self.assertEqual(self.figures(sections[2]), [("2026-03-10", inv_b1.name, "invoice", 70.0, 0.0, 100.0)])

        _response, text = self.portal_pdf_text(self.lea_user.login, "date_from=2026-03-01&date_to=2026-03-31")
        self.assertIn("8 Harbour Road", text)
        self.assertIn("1 Quay Street", text)
        self.assertIn("Second Company", text)
        self.assertEqual(len(re.findall(r"Statement of account", text)), 3, "one section per company and currency")
        self.assertRegex(text, r"Closing balance\s+\$\s*1,530\.00")
        self.assertRegex(text, r"Closing balance\s+300\.00\s*€")
        self.assertRegex(text, r"Closing balance\s+\$\s*100\.00")
        self.assertNumberIn(inv_b1, text)
        self.assertNumberNotIn(inv_b0, text)
        self.assertNotIn("1,630.00", text, "never summed across companies")

    # ------------------------------------------------------------------ the currency the client is billed in
    def test_client_billed_in_euros_gets_a_statement_in_euros(self):
        """A client of the dollar company billed only in euros (invoices, payments and credit note in
        EUR; 2 EUR per USD, then 2.5 from 12 March, so its March payment also books an exchange
        difference in dollars): one ledger in euros, no dollar amount anywhere.

            2026-02-10  invoice EUR 1,000.00 (USD 500.00)
            2026-02-25  payment EUR 400.00 on it (USD 200.00)   -> opening EUR 600.00 (USD 300.00)
            2026-03-05  invoice EUR 260.00 (USD 130.00)                    EUR 860.00 (USD 430.00)
            2026-03-15  payment EUR 320.00 on the first invoice (USD 128)  EUR 540.00 (USD 302.00)
                        + its exchange difference, USD 32.00, nothing in euros: not listed (USD 270.00)
            2026-03-20  credit note EUR 50.00 (USD 20.00)      -> closing EUR 490.00 (USD 250.00)
        """
        self.env["res.currency.rate"].create({"name": "2026-03-12", "rate": 2.5, "currency_id": self.eur.id})
        bakery = self.env["res.partner"].create({
            "name": "Boulangerie Martin", "is_company": True, "street": "3 rue du Four", "city": "Lyon",
            "country_id": self.env.ref("base.fr").id, "email": "compta@boulangerie.example",
        })
        baker = self.env["res.partner"].create(
            {"name": "Paul Martin", "parent_id": bakery.id, "email": "paul@boulangerie.example"}
        )
        baker_user = new_test_user(self.env, login="paul@boulangerie.example", groups="base.group_portal",
                                   partner_id=baker.id, company_id=self.company_a.id)
        inv_feb = self.invoice(bakery, 1000.0, "2026-02-10", due="2026-03-12", currency=self.eur)
        pay_feb = self.register_payment(inv_feb, 400.0, "2026-02-25")
        inv_mar = self.invoice(bakery, 260.0, "2026-03-05", due="2026-04-04", currency=self.eur)
        pay_mar = self.register_payment(inv_feb, 320.0, "2026-03-15")
        refund = self.invoice(bakery, 50.0, "2026-03-20", move_type="out_refund", currency=self.eur)
        # the premises: payments in euros, a dollar-only exchange difference in March
        receivable = pay_mar.move_id.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        self.assertEqual((receivable.currency_id, receivable.amount_currency, receivable.balance),
                         (self.eur, -320.0, -128.0))
        exchange = inv_feb.line_ids.matched_credit_ids.exchange_move_id
        self.assertTrue(exchange, "the March payment booked an exchange difference")

        values = self.env["report." + REPORT]._get_report_values(bakery.ids, data=MARCH)
        sections = values["statements"][bakery.id]
        self.assertEqual(len(sections), 1, "billed in one currency: one section")
        section = sections[0]
        self.assertEqual((section["company"], section["currency"]), (self.company_a, self.eur))
        self.assertEqual(section["opening"], 600.0)
        self.assertEqual(self.figures(section), [
            ("2026-03-05", inv_mar.name, "invoice", 260.0, 0.0, 860.0),
            ("2026-03-15", pay_mar.move_id.name, "payment", 0.0, 320.0, 540.0),
            ("2026-03-20", refund.name, "credit_note", 0.0, 50.0, 490.0),
        ])
        self.assertEqual((section["total_debit"], section["total_credit"], section["closing"]), (260.0, 370.0, 490.0))

        _response, text = self.portal_pdf_text(baker_user.login, "date_from=2026-03-01&date_to=2026-03-31")
        self.assertEqual(len(re.findall(r"Statement of account", text)), 1)
        self.assertIn("Amounts in EUR", text)
        self.assertRegex(text, r"Opening balance\s+600\.00\s*€")
        self.assertRegex(text, rf"{re.escape(inv_mar.name)}\s+Invoice\s+260\.00\s*€\s+860\.00\s*€")
        self.assertRegex(text, rf"{re.escape(pay_mar.move_id.name)}\s+Payment\s+320\.00\s*€\s+540\.00\s*€")
        self.assertRegex(text, rf"{re.escape(refund.name)}\s+Credit note\s+50\.00\s*€\s+490\.00\s*€")
        self.assertRegex(text, r"Total of the period\s+260\.00\s*€\s+370\.00\s*€")
        self.assertRegex(text, r"Closing balance\s+490\.00\s*€")
        self.assertNotIn("$", text, "no dollar amount")
        self.assertNotIn("USD", text)
        for dollars in ("300.00", "130.00", "430.00", "128.00", "302.00", "32.00", "270.00", "20.00", "250.00"):
            self.assertNotRegex(text, rf"(?<![\d,.]){re.escape(dollars)}", "no amount converted into dollars")
        self.assertNumberNotIn(exchange, text)
        self.assertNumberNotIn(pay_feb.move_id, text)
