# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Collections: a client's next payment reminder as it will be sent, and Send now."""
from odoo import api, fields, models


class ClientHubReminderPreview(models.TransientModel):
    _name = "client_hub.reminder.preview"
    _description = "Preview a Payment Reminder"

    partner_id = fields.Many2one("res.partner", string="Client", required=True, ondelete="cascade")
    level_id = fields.Many2one("client_hub.reminder.level", compute="_compute_preview")
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
            client.check_access("read")  # ownership first: the preview reads as the system
            values = client._client_hub_reminder_preview(today) if client else None
            wizard.update(values or {
                "level_id": False, "company_id": False, "date": False, "recipient_id": False,
                "subject": False, "body_html": False,
            })

    def action_send(self):
        self.ensure_one()
        return self.partner_id.action_client_hub_send_reminder()
