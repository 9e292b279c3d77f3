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

    def test_client_list_tour(self):
        """The client list sorted by what clients owe (both ways), its footer, the Overdue filter,
        grouped by salesperson with sums, and the kanban's columns and cards."""
        seller = self.env["res.users"].create({
            "name": "Tour Seller", "login": "tour.seller",
            "group_ids": [Command.link(self.env.ref("sales_team.group_sale_salesman").id)],
        })
        today = fields.Date.today()
        Move = self.env["account.move"]
        for name, documents in (
            ("North", [("out_invoice", 600.0, 60), ("out_invoice", 400.0, 1)]),
            ("East", [("out_invoice", 300.0, 1)]),
            ("West", [("out_refund", 120.0, 1)]),
        ):
            client = self.env["res.partner"].create(
                {"name": f"Tour List {name}", "is_company": True, "customer_rank": 1, "user_id": seller.id}
            )
            for move_type, amount, days_ago in documents:
                Move.create({
                    "move_type": move_type, "partner_id": client.id,
                    "invoice_date": today - timedelta(days=days_ago),
                    "invoice_date_due": today - timedelta(days=days_ago - 30),
                    "invoice_line_ids": [Command.create({"name": "Work", "price_unit": amount, "tax_ids": []})],
                }).action_post()
        self.start_tour("/odoo", "client_hub_client_list_tour", login="admin")
