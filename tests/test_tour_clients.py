# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestClientsTour(HttpCase):
    def test_clients_menu_tour(self):
        self.env["res.partner"].create(
            {"name": "Tour Client SA", "is_company": True, "customer_rank": 1,
             "email": "tour.client@example.com"}
        )
        self.start_tour("/odoo", "client_hub_clients_tour", login="admin")
