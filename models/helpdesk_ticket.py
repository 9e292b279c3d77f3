# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _client_hub_magic_link_target(self):
        """Replies to a ticket sign its client's contacts straight into the ticket."""
        if self.partner_id:
            return self.partner_id, self.access_url
        return super()._client_hub_magic_link_target()
