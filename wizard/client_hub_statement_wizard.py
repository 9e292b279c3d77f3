# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Print a client's statement from its form, for the current company."""
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib.periods import PeriodError, check_period, default_period


class ClientHubStatementWizard(models.TransientModel):
    _name = "client_hub.statement.wizard"
    _description = "Print a Client Statement"

    partner_id = fields.Many2one("res.partner", string="Client", required=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(string="From", required=True, default=lambda self: self._default_period()[0])
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_period()[1])

    @api.model
    def _default_period(self):
        return default_period(fields.Date.context_today(self))

    def action_print(self):
        self.ensure_one()
        Report = self.env["report.client_hub.report_client_statement"]
        try:
            check_period(self.date_from, self.date_to, fields.Date.context_today(self))
        except PeriodError as error:
            raise UserError(Report._period_error_message(error)) from None
        return Report._statement_report_action(self.partner_id, self.date_from, self.date_to, self.company_id)
