# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestClientsTour(HttpCase):
    def test_clients_menu_tour(self):
        """Clients app, a client's dashboard (cards, chart) and a card opening its documents."""
        client = self.env["res.partner"].create(
            {"name": "Tour Client SA", "is_company": True, "customer_rank": 1,
             "email": "tour.client@example.com"}
        )
        today = fields.Date.today()
        for amount, days_ago in ((1000.0, 60), (150.0, 1)):  # one overdue, one not yet due
            self.env["account.move"].create({
                "move_type": "out_invoice", "partner_id": client.id,
                "invoice_date": today - timedelta(days=days_ago),
                "invoice_date_due": today - timedelta(days=days_ago - 30),
                "invoice_line_ids": [Command.create({"name": "Work", "price_unit": amount, "tax_ids": []})],
            }).action_post()
        self.start_tour("/odoo", "client_hub_clients_tour", login="admin")
