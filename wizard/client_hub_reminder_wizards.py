# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Collections: preview a client's next payment reminder; pause a client's reminders."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ClientHubReminderPreview(models.TransientModel):
    _name = "client_hub.reminder.preview"
    _description = "Preview a Payment Reminder"

    partner_id = fields.Many2one("res.partner", string="Client", required=True, ondelete="cascade")
    level_id = fields.Many2one("client_hub.reminder.level", string="Level", compute="_compute_preview")
    company_id = fields.Many2one("res.company", compute="_compute_preview")
    date = fields.Date(string="Goes Out On", compute="_compute_preview")
    recipient_id = fields.Many2one("res.partner", string="To", compute="_compute_preview")
    subject = fields.Char(compute="_compute_preview")
    body_html = fields.Html(string="Email", compute="_compute_preview", sanitize=False)

    @api.depends("partner_id")
    def _compute_preview(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            client = wizard.partner_id.commercial_partner_id
            values = client._client_hub_reminder_preview(today) if client else None
            wizard.update(values or {
                "level_id": False, "company_id": False, "date": False, "recipient_id": False,
                "subject": False, "body_html": False,
            })

    def action_send(self):
        self.ensure_one()
        return self.partner_id.action_client_hub_send_reminder()


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
