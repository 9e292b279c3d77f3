# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Support tickets in headless Chromium: the client's Support tab, the team's badge."""
from urllib.parse import urlsplit

from odoo.tests import HttpCase, tagged

from .support_common import SupportFixtures


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
