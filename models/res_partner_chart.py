# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: the dashboard's 12-month chart (invoiced vs. paid)."""
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models

from ..lib.chart import monthly_bars_svg
from .res_partner import ACCOUNTING_FIELD_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"

    client_hub_chart = fields.Html(
        string="Invoiced vs. Paid",
        compute="_compute_client_hub_chart",
        sanitize=False,
        groups=ACCOUNTING_FIELD_GROUPS,
    )

    def _client_hub_monthly(self, months=12):
        """Invoiced (by invoice date) and paid (by reconciliation date) per month."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        start = (today - relativedelta(months=months - 1)).replace(day=1)
        keys = [start + relativedelta(months=i) for i in range(months)]
        invoiced = dict.fromkeys(keys, 0.0)
        paid = dict.fromkeys(keys, 0.0)
        domain = [*self._client_hub_move_domain(), ("invoice_date", ">=", start)]
        for month, amount in self.env["account.move"]._read_group(
            domain, ["invoice_date:month"], ["amount_total_signed:sum"]
        ):
            invoiced[month] = amount
        for month, amount in self.env["account.partial.reconcile"]._read_group(
            [
                ("debit_move_id.move_id.commercial_partner_id", "=", self.commercial_partner_id.id),
                ("debit_move_id.move_id.move_type", "=", "out_invoice"),
                ("debit_move_id.move_id.state", "=", "posted"),
                ("company_id", "=", self.env.company.id),
                ("max_date", ">=", start),
            ],
            ["max_date:month"],
            ["amount:sum"],
        ):
            paid[month] = amount
        return keys, invoiced, paid

    @api.depends_context("company", "lang")
    def _compute_client_hub_chart(self):
        for partner in self:
            if not partner.id:
                partner.client_hub_chart = False
                continue
            keys, invoiced, paid = partner._client_hub_monthly()
            lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
            partner.client_hub_chart = monthly_bars_svg(
                labels=[month.strftime("%m/%y") for month in keys],
                series=[
                    (_("Invoiced"), [invoiced[k] for k in keys], "#71639e"),
                    (_("Paid"), [paid[k] for k in keys], "#28a745"),
                ],
                currency_symbol=partner.currency_id.symbol or "",
                thousands_sep=lang.thousands_sep or ",",
                title=_("Invoiced vs. paid over the last 12 months"),
            )
