# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlsplit

from odoo.tests import HttpCase, tagged

from .magic_link_common import MagicLinkFixtures, magic_urls


@tagged("post_install", "-at_install")
class TestMagicLinkTour(HttpCase, MagicLinkFixtures):
    def test_magic_link_from_invoice_email(self):
        """Send an invoice as an accountant does, take the button of the email the client
        received, open it in a browser: the client lands on its invoice, signed in."""
        self.setup_magic_link_fixtures()
        wizard = self.env["account.move.send.wizard"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({})
        wizard.action_send_and_print()
        mail = self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", self.invoice.id), ("recipient_ids", "in", self.mia.ids)]
        )
        urls = magic_urls(mail.body_html)
        self.assertEqual(len(set(urls)), 1)
        parts = urlsplit(urls[0])
        self.start_tour(
            f"{parts.path}?{parts.query}", "client_hub_magic_link_tour", login=None,
        )
        self.assertTrue(self.mia.user_ids._is_portal())
