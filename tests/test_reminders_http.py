# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A payment reminder's button, followed over HTTP: the contact is signed in on Pay all outstanding."""
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.tests import tagged

from .magic_link_common import magic_urls, redirect_of
from .payment_common import StripePortalCommon


@tagged("post_install", "-at_install")
class TestReminderPayLink(StripePortalCommon):
    def test_reminder_link_lands_on_pay_all_outstanding(self):
        Partner = self.env["res.partner"]
        client = Partner.create({"name": "Reminded SA", "is_company": True, "email": "ap@reminded.example"})
        contact = Partner.create({
            "name": "Ines Invoice", "parent_id": client.id, "type": "invoice", "email": "ines@reminded.example",
        })
        today = fields.Date.context_today(self.env["res.partner"])
        first = self.open_invoice(client, 300.0, due=fields.Date.subtract(today, days=10))
        second = self.open_invoice(client, 45.0, due=fields.Date.subtract(today, days=2))
        mails = self.env["res.partner"]._client_hub_send_reminders(partners=client)
        self.assertEqual(mails.recipient_ids, contact)
        [url] = set(magic_urls(mails.body_html))
        redirect = redirect_of(url)
        self.assertEqual(urlsplit(redirect).path, "/my/statement/pay")
        self.assertEqual(parse_qs(urlsplit(redirect).query)["company_id"], [str(first.company_id.id)])

        parts = urlsplit(url)
        response = self.url_open(f"{parts.path}?{parts.query}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        landing = urlsplit(response.headers["Location"])
        self.assertEqual(landing.path, "/my/statement/pay")
        page = self.url_open(f"{landing.path}?{landing.query}")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(urlsplit(page.url).path, "/my/statement/pay", "not sent back to the statement")
        self.assertIn("o_client_hub_pay_page", page.text)
        for invoice in first | second:
            self.assertIn(invoice.name, page.text)
        self.assertIn("345.00", page.text)
