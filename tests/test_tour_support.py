# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Support tickets in headless Chromium: the client's Support tab, the team's badge."""
from urllib.parse import urlsplit

from odoo.tests import HttpCase, tagged

from .support_common import SUPPORT, SupportFixtures

# a plain-text email, as mail clients send it: one long line Odoo keeps in a monospace <pre>
LONG_LINE = (
    "Thanks for the quick answer; we reorganised the warehouse and every delivery now goes to "
    "Quai des Usines 12, 1000 Brussels, gate B, first floor, ask for the logistics desk, and "
    "this line is long enough to run past a phone's screen in Odoo's chat"
)


@tagged("post_install", "-at_install")
class TestSupportTours(HttpCase, SupportFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_support()

    def test_client_reaches_its_ticket_from_the_magic_link(self):
        ticket = self.env["helpdesk.ticket"].create({
            "name": "Printer invoice question", "description": "<p>Why two lines?</p>",
            "partner_id": self.ana.id, "team_id": self.team.id,
        })
        self.agent_reply(ticket, body="<p>One line per device.</p>")
        url = self.env["client_hub.magic.link"]._issue_url(self.ana)
        self.start_tour(urlsplit(url).path, "client_hub_support_portal_tour", login=None)

    def test_team_badge_opens_the_tickets_awaiting_an_answer(self):
        # only this ticket awaits the team: the others of the database are answered or closed
        self.env["helpdesk.ticket"].search([]).write({"client_hub_waiting": "client"})
        self.env["helpdesk.ticket"].create({
            "name": "Need a copy of the contract", "description": "<p>Please.</p>",
            "partner_id": self.ana.id, "team_id": self.team.id,
        })
        self.agent.write({"password": "agent-tour-2026"})
        self.start_tour("/odoo", "client_hub_support_badge_tour", login=self.agent.login)

    # ------------------------------------------------------------------ layout and language
    def _ticket_with_an_emailed_reply(self):
        ticket = self.env["helpdesk.ticket"].create({
            "name": "Since last month our invoices should go to the reorganised delivery addresses of both sites",
            "description": "<p>New addresses.</p>", "partner_id": self.ana.id, "team_id": self.team.id,
        })
        parent = self.agent_reply(ticket, body="<p>Which address should we use?</p>")
        self.deliver(self.email("Ana Client <ana@client.example>", SUPPORT, f"Re: {ticket.name}",
                                text=f"{LONG_LINE} (sent from Odoo's chat test)\n\nAna", in_reply_to=parent.message_id))
        self.assertEqual(ticket.message_ids[0].message_type, "email", "the reply came by email")
        return ticket

    def test_support_pages_on_a_phone(self):
        self._ticket_with_an_emailed_reply()
        user = self.ana._client_hub_portal_user()
        self.browser_size = "375x740"
        self.touch_enabled = True
        self.start_tour("/my/tickets", "client_hub_support_layout_tour", login=user.login)

    def test_support_pages_on_a_desktop(self):
        self._ticket_with_an_emailed_reply()
        user = self.ana._client_hub_portal_user()
        self.browser_size = "1280x800"
        self.start_tour("/my/tickets", "client_hub_support_layout_tour", login=user.login)

    def test_ticket_page_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["helpdesk_mgmt", "client_hub"], ["fr_FR"], overwrite=True)
        self.ana.lang = "fr_FR"
        ticket = self.env["helpdesk.ticket"].create({
            "name": "Question sans réponse", "description": "<p>Bonjour.</p>", "partner_id": self.ana.id,
            "team_id": self.team.id,
        })
        user = self.ana._client_hub_portal_user()
        self.start_tour(f"/my/ticket/{ticket.id}", "client_hub_support_french_tour", login=user.login)
