# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Collections: pause a client's payment reminders until a date, with a reason."""
from odoo import _, fields, models
from odoo.exceptions import UserError


class ClientHubReminderPause(models.TransientModel):
    _name = "client_hub.reminder.pause"
    _description = "Pause Payment Reminders"

    partner_ids = fields.Many2many("res.partner", string="Clients", required=True)
    date = fields.Date(string="Until", required=True, help="No reminder goes out until this date, included.")
    reason = fields.Char(required=True)

    def action_pause(self):
        self.ensure_one()
        if self.date < fields.Date.context_today(self):
            raise UserError(_("Choose a date from today on."))
        self.partner_ids.commercial_partner_id.write({
            "client_hub_reminders_paused_until": self.date, "client_hub_reminders_pause_reason": self.reason,
        })
        return {"type": "ir.actions.act_window_close"}
