# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Does it work? What each payment reminder level brought in."""
from odoo import fields, models
from odoo.tools import SQL


class ClientHubReminderReport(models.Model):
    """Does it work? Each reminded invoice, whether it was paid within 7 days of the reminder
    and what came in during those 7 days (reconciled on its installments)."""

    _name = "client_hub.reminder.report"
    _description = "Payment Reminder Results"
    _auto = False
    _order = "date desc, id desc"

    level_id = fields.Many2one("client_hub.reminder.level", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Reminded On", readonly=True)
    amount_residual = fields.Monetary(string="Due When Reminded", readonly=True, currency_field="currency_id")
    amount_collected = fields.Monetary(string="Collected Within 7 Days", readonly=True, currency_field="currency_id")
    paid_count = fields.Integer(string="Paid Within 7 Days", readonly=True, aggregator="sum")
    currency_id = fields.Many2one("res.currency", readonly=True)

    @property
    def _table_query(self):
        return SQL("""
            SELECT log.id, log.level_id, log.move_id, log.partner_id, log.company_id, log.date,
                   log.amount_residual, company.currency_id,
                   LEAST(log.amount_residual, COALESCE(paid.amount, 0)) AS amount_collected,
                   CASE WHEN COALESCE(paid.amount, 0) >= log.amount_residual - 0.005 THEN 1 ELSE 0 END AS paid_count
              FROM client_hub_reminder_log log
              JOIN res_company company ON company.id = log.company_id
              LEFT JOIN LATERAL (
                    SELECT SUM(partial.amount) AS amount
                      FROM account_move_line item
                      JOIN account_partial_reconcile partial ON partial.debit_move_id = item.id
                     WHERE item.move_id = log.move_id AND item.display_type = 'payment_term'
                       AND partial.max_date BETWEEN log.date AND log.date + 7
              ) paid ON TRUE
        """)
