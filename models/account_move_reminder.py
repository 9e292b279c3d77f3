# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer invoices: the payment reminders they had, and which are due for one."""
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain


class AccountMove(models.Model):
    _inherit = "account.move"

    client_hub_reminder_level_id = fields.Many2one(
        "client_hub.reminder.level",
        string="Last Reminder",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The last payment reminder level sent about this invoice.",
    )
    client_hub_reminder_date = fields.Date(string="Reminded On", readonly=True, copy=False)
    client_hub_no_reminder = fields.Boolean(
        string="No Payment Reminder",
        copy=False,
        tracking=True,
        help="Never remind the client of this invoice (under dispute, agreed delay...).",
    )
    client_hub_ticket_ids = fields.One2many("helpdesk.ticket", "client_hub_invoice_id", string="Support Tickets")

    # ------------------------------------------------------------------ what may be reminded
    @api.model
    def _client_hub_reminder_domain(self, today, paused=False):
        """Open invoices a reminder may be about on ``today``: not excluded, no online payment
        pending or authorized, no open support ticket about them, their client not paused
        (unless ``paused``)."""
        domain = Domain.AND([
            self._client_hub_open_invoice_domain(),
            [
                ("amount_residual", ">", 0),
                ("client_hub_no_reminder", "=", False),
                ("transaction_ids", "not any", [
                    ("state", "in", ("pending", "authorized")), ("provider_code", "not in", ("none", "custom")),
                ]),
                ("client_hub_ticket_ids", "not any", [("client_hub_is_closed", "=", False)]),
            ],
        ])
        if paused:
            return domain
        return domain & (
            Domain("commercial_partner_id.client_hub_reminders_paused_until", "=", False)
            | Domain("commercial_partner_id.client_hub_reminders_paused_until", "<", today)
        )

    @api.model
    def _client_hub_reminder_items(self, today, partners=None, companies=None, horizon=None, paused=False):
        """{invoice: due date of its earliest open installment} of the invoices a reminder may be
        about (see _client_hub_reminder_domain), installments due on ``horizon`` or before (all
        when None). One query; the invoices come prefetched with what the ladder needs."""
        domain = self._client_hub_reminder_domain(today, paused=paused)
        if partners is not None:
            domain &= Domain("commercial_partner_id", "in", partners.ids)
        if companies is not None:
            domain &= Domain("company_id", "in", companies.ids)
        items = Domain(self._client_hub_open_items())
        if horizon is not None:
            items &= Domain("date_maturity", "<=", horizon)
        rows = self.env["account.move.line"].sudo()._read_group(
            items & Domain("move_id", "any", domain), ["move_id"], ["date_maturity:min"]
        )
        moves = self.sudo().browse([move.id for move, _due in rows])
        moves.fetch(["commercial_partner_id", "company_id", "client_hub_reminder_level_id", "currency_id",
                     "amount_residual", "amount_residual_signed", "name", "partner_id"])
        moves.client_hub_reminder_level_id.fetch(["days"])
        return {move.with_prefetch(moves._ids): due for move, due in rows}

    @api.model
    def _client_hub_reminders_due(self, today, partners=None, companies=None, as_of=None):
        """{(client, company): {invoice: level}} of the invoices due for a reminder on ``as_of``
        (default ``today``): the highest level of their company's ladder whose days are at most
        the days since their earliest open installment's due date, above the level they last had."""
        as_of = as_of or today
        Level = self.env["client_hub.reminder.level"]
        ladders = Level._client_hub_ladders(companies)
        all_days = [level.days for ladder in ladders.values() for level in ladder]
        if not all_days:
            return {}
        horizon = as_of - timedelta(days=min(all_days))
        due = {}
        for move, date_due in self._client_hub_reminder_items(today, partners, companies, horizon).items():
            reached = Level._client_hub_reached(ladders.get(move.company_id.id, Level), (as_of - date_due).days)
            last = move.client_hub_reminder_level_id
            if reached and (not last or reached.days > last.days):
                due.setdefault((move.commercial_partner_id, move.company_id), {})[move] = reached
        return due

    def _client_hub_reminder_due_date(self):
        """Due date of this invoice's earliest open installment (from its prefetched lines)."""
        self.ensure_one()
        dates = [line.date_maturity or line.date
                 for line in self.line_ids.filtered_domain(self._client_hub_open_items())]
        return min(dates) if dates else self.invoice_date_due

    # ------------------------------------------------------------------ actions
    def action_client_hub_exclude_reminders(self):
        self.write({"client_hub_no_reminder": True})

    def action_client_hub_include_reminders(self):
        self.write({"client_hub_no_reminder": False})
