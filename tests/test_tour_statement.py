# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statement in headless Chromium: the client's journey from its email, and a phone."""
from datetime import timedelta
from urllib.parse import urlsplit

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon


@tagged("post_install", "-at_install")
class TestStatementTours(AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        client = cls.env["res.partner"].create(
            {"name": "Tour Statement SA", "is_company": True, "email": "ap@tour-statement.example", "customer_rank": 1}
        )
        cls.tess = cls.env["res.partner"].create(
            {"name": "Tess Tour", "parent_id": client.id, "email": "tess@tour-statement.example"}
        )
        today = fields.Date.context_today(cls.env.user)
        cls.moves = cls.env["account.move"]
        # three documents dated today (so this year whatever the day), one of them already past
        # due, and one of more than a year ago
        for invoice_date, due, amount in (
            (today, today - timedelta(days=1), 700.0),
            (today, today + timedelta(days=30), 120.0),
            (today, today + timedelta(days=15), 80.0),
            (today - timedelta(days=400), today - timedelta(days=370), 55.0),
        ):
            move = cls.env["account.move"].create({
                "move_type": "out_invoice", "partner_id": cls.tess.id, "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [Command.create({"name": "Work", "price_unit": amount, "tax_ids": []})],
            })
            move.action_post()
            cls.moves |= move
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.moves[3].ids
        ).create({}).action_create_payments()

    def test_journey_from_the_email_to_a_zip(self):
        Link = self.env["client_hub.magic.link"]
        url = Link._issue_url(self.tess, origin=self.moves[0])
        parts = urlsplit(url)
        self.assertFalse(parts.query, "no redirect: the link lands on the statement")
        self.start_tour(parts.path, "client_hub_statement_tour", login=None)

    def test_phone_sees_cards_without_horizontal_scroll(self):
        user = self.tess._client_hub_portal_user()
        self.browser_size = "375x740"
        self.touch_enabled = True
        self.start_tour("/my/statement", "client_hub_statement_phone_tour", login=user.login)
