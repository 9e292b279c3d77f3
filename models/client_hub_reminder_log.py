# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payment reminders sent, one row per invoice reminded."""
from odoo import fields, models


class ClientHubReminderLog(models.Model):
    """One row per invoice per reminder sent: the history the results, the last reminder of a
    client and the minimum interval between two emails are read from."""

    _name = "client_hub.reminder.log"
    _description = "Payment Reminder Sent"
    _order = "date desc, id desc"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Client", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    level_id = fields.Many2one("client_hub.reminder.level", index=True, ondelete="set null")
    date = fields.Date(required=True, index=True)
    recipient_id = fields.Many2one("res.partner", string="Sent To", ondelete="set null")
    amount_residual = fields.Monetary(
        string="Due When Reminded", currency_field="currency_id",
        help="What was left to pay on the invoice, in the company's currency, when the reminder went out.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    mail_id = fields.Many2one("mail.mail", string="Email", ondelete="set null")
