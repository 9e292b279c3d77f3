# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    client_hub_support_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Team of Portal Tickets",
        domain="[('company_id', 'in', [id, False])]",
        ondelete="set null",
        help="The team a ticket opened from the client portal goes to: its members are notified and "
        "the replies carry its email alias. Empty: the company's first team.",
    )

    def _client_hub_support_team(self):
        """The team of this company's portal tickets: the one set, else its first active team
        (helpdesk_mgmt's order), else an empty recordset."""
        self.ensure_one()
        team = self.sudo().client_hub_support_team_id
        if team.active and team.company_id in (self, self.browse()):
            return team
        return self.env["helpdesk.ticket.team"].sudo().search(
            [("company_id", "in", [self.id, False])], limit=1
        )

    @api.model_create_multi
    def create(self, vals_list):
        """Every new company gets the default payment reminder ladder."""
        companies = super().create(vals_list)
        self.env["client_hub.reminder.level"]._client_hub_create_default_ladders(companies)
        return companies
