# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

CLIENT_HUB_MOVE_STATUSES = [
    ("draft", "Draft"),
    ("posted", "Posted"),
    ("sent", "Sent"),
    ("partial", "Partially Paid"),
    ("paid", "Paid"),
    ("overdue", "Overdue"),
    ("cancel", "Cancelled"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    # Lifetime metrics aggregate posted customer documents per commercial entity and company:
    # a covering partial index answers them from the index alone (bench/bench_metrics.py).
    _client_hub_metrics_idx = models.Index(
        "(commercial_partner_id, company_id) "
        "INCLUDE (amount_total_signed, amount_residual_signed, invoice_date_due) "
        "WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')"
    )

    client_hub_status = fields.Selection(
        CLIENT_HUB_MOVE_STATUSES,
        string="Client Status",
        compute="_compute_client_hub_status",
        help="Where the document stands for the client: overdue wins over sent or partially paid.",
    )

    @api.depends(
        "state", "payment_state", "is_move_sent", "amount_residual",
        "line_ids.date_maturity", "line_ids.reconciled",
    )
    def _compute_client_hub_status(self):
        today = fields.Date.context_today(self)
        for move in self:
            if move.state in ("draft", "cancel"):
                status = move.state
            elif move.payment_state in ("paid", "in_payment", "reversed"):
                status = "paid"
            elif move.move_type == "out_invoice" and move._client_hub_is_past_due(today):
                status = "overdue"
            elif move.payment_state == "partial":
                status = "partial"
            else:
                status = "sent" if move.is_move_sent else "posted"
            move.client_hub_status = status

    def _client_hub_is_past_due(self, today):
        """An open installment of this document is past its due date (the definition the
        client's overdue figure uses, installment by installment)."""
        return not self.currency_id.is_zero(self.amount_residual) and any(
            line.display_type == "payment_term" and not line.reconciled
            and (line.date_maturity or line.date) < today
            for line in self.line_ids
        )

    # ------------------------------------------------------------------ per-client emails
    def _client_hub_mail_template(self):
        """The client's own template for this document, or an empty recordset."""
        self.ensure_one()
        kind = {"out_invoice": "invoice", "out_refund": "credit_note"}.get(self.move_type)
        if not kind:
            return self.env["mail.template"]
        return self.commercial_partner_id._client_hub_mail_template_for(kind)

    def _get_mail_template(self):
        """The send wizard (single, batch and scheduled sending) shows and uses the client's
        template; mail_template.py redirects any other rendering of the global one."""
        template = super()._get_mail_template()
        if len(self) == 1 and (own := self._client_hub_mail_template()):
            return own
        return template

    # ------------------------------------------------------------------ multi-company portal
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))._client_hub_grant_portal_companies()
        return posted

    def _client_hub_grant_portal_companies(self):
        """The client's portal users may see the company that issued these documents: one search
        for the whole batch, a write only for the users that miss a company."""
        if self:
            self.env["res.partner"]._client_hub_grant_companies(
                [(move.commercial_partner_id, move.company_id) for move in self]
            )

    # ------------------------------------------------------------------ magic links
    def _client_hub_magic_link_target(self):
        if self.move_type in ("out_invoice", "out_refund") and self.state == "posted" and self.partner_id:
            return self.partner_id, self.access_url
        return super()._client_hub_magic_link_target()
