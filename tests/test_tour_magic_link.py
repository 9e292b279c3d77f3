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

    def test_send_me_a_new_link(self):
        """The sign-in page's form, clicked: the request is answered by the job (woken at once,
        see test_magic_link), which emails the contact a fresh link through the mail queue."""
        self.setup_magic_link_fixtures()
        self.start_tour("/portal/magic/request", "client_hub_magic_link_request_tour", login=None)
        requests = self.env["client_hub.magic.link.request"].search([])
        self.assertEqual(requests.mapped("email"), ["mia@magic.example"])
        cron = self.env.ref("client_hub.ir_cron_client_hub_magic_link_request")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "the job is woken at once")
        requests._cron_send_links()
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.mia.ids)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(len(set(magic_urls(mail.body_html))), 1)
