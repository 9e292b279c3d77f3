# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Scheduled statements (issue 23): on the first day of a month (of a quarter) the daily cron emails
each client asking for them its statement PDF of the period just ended, its aging and a link to pay
it all; once per client and period, from each company it has documents in, to its invoice contact in
that contact's language. Every run goes through ir.cron.method_direct_trigger() on a frozen clock."""
import base64
import re
from datetime import date
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo import Command
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import pdf_text

CRON = "client_hub.ir_cron_client_statements"
REPORT = "report.client_hub.report_client_statement"


@tagged("post_install", "-at_install")
class TestScheduledStatements(AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company_a = cls.env.company
        Partner = cls.env["res.partner"]
        cls.client = Partner.create({
            "name": "Zygomatic Widgets SA", "is_company": True, "email": "ap@zygo.example",
            "client_hub_statement_frequency": "monthly",
        })
        cls.billing = Partner.create({
            "name": "Léa Comptable", "parent_id": cls.client.id, "type": "invoice", "email": "billing@zygo.example",
        })
        cls.settled = Partner.create({
            "name": "Settled SA", "is_company": True, "email": "ap@settled.example",
            "client_hub_statement_frequency": "monthly",
        })
        cls.quarterly = Partner.create({
            "name": "Quarterly SA", "is_company": True, "email": "ap@quarterly.example",
            "client_hub_statement_frequency": "quarterly",
        })
        cls.never = Partner.create({"name": "No Statements SA", "is_company": True, "email": "ap@never.example"})
        # Zygomatic: 1,000 due 2026-03-31 (61 days late on 1 June), 400 due 2026-05-20 (12 days),
        # 250 due 2026-06-15 (not yet due)
        cls.old = cls.invoice(cls.client, 1000.0, "2026-03-01", "2026-03-31")
        cls.may = cls.invoice(cls.client, 400.0, "2026-05-05", "2026-05-20")
        cls.late_may = cls.invoice(cls.client, 250.0, "2026-05-16", "2026-06-15")
        # Settled: paid in full long ago, nothing in May
        cls.pay(cls.invoice(cls.settled, 80.0, "2026-01-10", "2026-01-31"), "2026-01-20")
        cls.invoice(cls.quarterly, 60.0, "2026-04-10", "2026-05-10")
        cls.invoice(cls.never, 999.0, "2026-05-10", "2026-05-11")

    @classmethod
    def invoice(cls, partner, amount, day, due, company=None):
        move = cls.env["account.move"].with_company(company or cls.company_a).create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": day, "date": day,
            "invoice_date_due": due,
            "invoice_line_ids": [Command.create({"name": "Consulting", "price_unit": amount, "tax_ids": []})],
        })
        move.action_post()
        return move

    @classmethod
    def pay(cls, invoice, day):
        return cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": day})._create_payments()

    def run_cron(self):
        self.env.ref(CRON).method_direct_trigger()  # HttpCase: the registry is in test mode already
        self.env.invalidate_all()

    def statements(self, partner=None):
        domain = [("attachment_ids.name", "ilike", "-statement-")]
        if partner:
            domain.append(("recipient_ids", "in", partner.ids))
        return self.env["mail.mail"].search(domain)

    # ------------------------------------------------------------------ the monthly statement
    @freeze_time("2026-06-01 06:00:00")
    def test_monthly_statement_on_the_first(self):
        self.run_cron()
        mail = self.statements()
        self.assertEqual(mail.recipient_ids, self.billing, "only Zygomatic, to its invoice contact")
        self.assertEqual(mail.state, "outgoing", "queued, not sent inside the run")
        self.assertEqual(self.client.client_hub_statement_last_sent.isoformat(), "2026-05-31")
        body = " ".join(mail.body_html.split())
        self.assertIn("Zygomatic Widgets SA", body)
        self.assertIn("05/01/2026", body)
        self.assertIn("05/31/2026", body)
        for label, amount in (("Not yet due", "250.00"), ("1 to 30 days late", "400.00"),
                              ("31 to 60 days late", "0.00"), ("61 to 90 days late", "1,000.00"),
                              ("Over 90 days late", "0.00"), ("Total outstanding", "1,650.00")):
            self.assertRegex(body, rf"{label}</td>\s*<td[^>]*>[^<]*{amount}", label)
        # the buckets are the client's fields, the total its Outstanding
        self.assertEqual(
            (self.client.client_hub_aging_not_due, self.client.client_hub_aging_1_30,
             self.client.client_hub_aging_61_90, self.client.balance_outstanding),
            (250.0, 400.0, 1000.0, 1650.0),
        )
        # the magic link signs the invoice contact in straight onto "Pay all outstanding"
        url = re.search(r'href="([^"]*/magic[^"]*)"', mail.body_html) or re.search(
            r'href="(http[^"]*redirect=[^"]*)"', mail.body_html)
        self.assertTrue(url, "the pay link is in the email")
        redirect = parse_qs(urlsplit(url.group(1).replace("&amp;", "&")).query)["redirect"][0]
        self.assertEqual(redirect, f"/my/statement/pay?company_id={self.company_a.id}")
        link = self.env["client_hub.magic.link"].sudo().search([("partner_id", "=", self.billing.id)])
        self.assertEqual(len(link), 1)
        # the statement PDF of May is attached (rendered through the report)
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertEqual(mail.attachment_ids.name, "Zygomatic-Widgets-SA-statement-2026-05-01-2026-05-31.pdf")

    @freeze_time("2026-06-01 06:00:00")
    def test_statement_pdf_is_the_real_statement(self):
        """The attachment is the statement report's PDF of May, rendered for real through wkhtmltopdf
        (Odoo takes an HTML shortcut under --test-enable). The client's step of the run is called
        directly here: inside the cron's cursor, wkhtmltopdf's requests for the report's styles
        would wait for the test cursor the cron holds."""
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        Report = type(self.env[REPORT])
        render = Report._render_statement_pdf

        def real_pdf(model, *args, **kwargs):
            return render(model.with_context(force_report_rendering=True), *args, **kwargs)

        with patch.object(Report, "_render_statement_pdf", real_pdf):
            mail = self.client._client_hub_send_scheduled_statement(*self.may_period())
        self.assertEqual(mail, self.statements())
        pdf = base64.b64decode(mail.attachment_ids.datas)
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = " ".join(pdf_text(pdf).split())
        self.assertIn("Statement of account", text)
        self.assertIn("05/01/2026 – 05/31/2026", text)
        self.assertIn(self.may.name, text)
        self.assertIn(self.late_may.name, text)
        self.assertNotIn(self.old.name, text, "March is before the period: in the opening balance")
        self.assertIn("1,650.00", text, "closing balance")
        self.assertEqual(self.client.client_hub_statement_last_sent, date(2026, 5, 31))

    def test_none_for_a_client_owing_nothing_without_documents(self):
        with freeze_time("2026-06-01 06:00:00"):
            self.run_cron()
        self.assertFalse(self.statements(self.settled))
        self.assertFalse(self.statements(self.never), "no frequency: no statement")
        # considered for May all the same: the next runs do not look at it again
        self.assertEqual(self.settled.client_hub_statement_last_sent.isoformat(), "2026-05-31")

    def test_quarterly_only_in_quarter_months(self):
        with freeze_time("2026-05-01 06:00:00"):
            self.run_cron()
        self.assertFalse(self.statements(self.quarterly))
        self.assertEqual(len(self.statements(self.billing)), 1, "monthly: April")
        with freeze_time("2026-07-01 06:00:00"):
            self.run_cron()
        mail = self.statements(self.quarterly)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.attachment_ids.name, "Quarterly-SA-statement-2026-04-01-2026-06-30.pdf")

    def test_same_day_twice_sends_once_and_catches_up(self):
        with freeze_time("2026-06-01 06:00:00"):
            self.run_cron()
            self.run_cron()
        with freeze_time("2026-06-02 06:00:00"):
            self.run_cron()
        self.assertEqual(len(self.statements(self.billing)), 1)
        # another run that took the client after this one listed it finds the period sent, under lock
        self.assertFalse(self.client._client_hub_send_scheduled_statement(*self.may_period()))
        # a run missed on the 1st (server down) sends on the next days, not after a week
        self.quarterly.client_hub_statement_frequency = "monthly"
        with freeze_time("2026-06-05 06:00:00"):
            self.run_cron()
        self.assertEqual(len(self.statements(self.quarterly)), 1)
        self.client.client_hub_statement_last_sent = False
        with freeze_time("2026-06-08 06:00:00"):
            self.run_cron()
        self.assertEqual(len(self.statements(self.billing)), 1)

    @freeze_time("2026-06-01 06:00:00")
    def test_one_failing_client_holds_up_nobody(self):
        self.quarterly.client_hub_statement_frequency = "monthly"
        Report = type(self.env[REPORT])
        render = Report._render_statement_pdf

        def broken_for_zygomatic(model, partner, *args, **kwargs):
            if partner == self.client:
                raise ValueError("wkhtmltopdf crashed")
            return render(model, partner, *args, **kwargs)

        with patch.object(Report, "_render_statement_pdf", broken_for_zygomatic), \
                mute_logger("odoo.addons.client_hub.models.res_partner_statement_schedule"):
            self.run_cron()
        self.assertEqual(len(self.statements(self.quarterly)), 1)
        self.assertFalse(self.statements(self.billing))
        self.assertFalse(self.client.client_hub_statement_last_sent, "retried at the next run")
        self.assertFalse(self.env["ir.attachment"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.client.id),
        ]))
        with freeze_time("2026-06-02 06:00:00"):
            self.run_cron()
        self.assertEqual(len(self.statements(self.billing)), 1)

    def may_period(self):
        return date(2026, 5, 1), date(2026, 5, 31)

    @freeze_time("2026-06-01 06:00:00")
    def test_two_companies_one_email_each(self):
        other = self.setup_other_company(name="Northwind Europe")["company"]
        self.env.user.company_ids |= other
        self.invoice(self.client, 700.0, "2026-02-01", "2026-02-15", company=other)
        self.run_cron()
        mails = self.statements(self.billing)
        self.assertEqual(len(mails), 2)
        by_company = {mail.subject.split(":")[0]: " ".join(mail.body_html.split()) for mail in mails}
        self.assertEqual(set(by_company), {self.company_a.name, "Northwind Europe"})
        self.assertRegex(by_company["Northwind Europe"], r"Over 90 days late</td>\s*<td[^>]*>[^<]*700.00")
        self.assertRegex(by_company[self.company_a.name], r"Total outstanding</td>\s*<td[^>]*>[^<]*1,650.00")
        self.assertIn(f"company_id%3D{other.id}", by_company["Northwind Europe"])

    @freeze_time("2026-06-01 06:00:00")
    def test_invoice_contact_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["client_hub"], ["fr_FR"], overwrite=True)
        self.billing.lang = "fr_FR"
        self.run_cron()
        mail = self.statements(self.billing)
        self.assertEqual(len(mail), 1)
        body = " ".join(mail.body_html.split())
        self.assertIn("votre relevé de compte au 31/05/2026", mail.subject)
        self.assertIn(
            "Veuillez trouver ci-joint le relevé de compte de Zygomatic Widgets SA du 01/05/2026 au 31/05/2026", body,
        )
        self.assertIn("Tout régler", body)
        self.assertRegex(body, r"1\s000,00")
