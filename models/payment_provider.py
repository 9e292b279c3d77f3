# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# per cursor (one request, one cron job): {company id: whether its clients can pay online}
CURSOR_CACHE_KEY = "client_hub_company_accepts_payments"


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    @api.model
    def _client_hub_company_accepts_payments(self, company_id):
        """Whether clients of this company can pay online: a published provider in test or
        enabled state. Without one, "Pay now" is hidden rather than a dead end."""
        known = self.env.cr.cache.setdefault(CURSOR_CACHE_KEY, {})
        if company_id not in known:
            known[company_id] = bool(self.sudo().search_count(
                [("company_id", "=", company_id), ("state", "in", ("enabled", "test")), ("is_published", "=", True)],
                limit=1,
            ))
        return known[company_id]

    def _client_hub_forget_accepts_payments(self):
        self.env.cr.cache.pop(CURSOR_CACHE_KEY, None)

    @api.model_create_multi
    def create(self, vals_list):
        self._client_hub_forget_accepts_payments()
        return super().create(vals_list)

    def write(self, vals):
        if {"state", "is_published", "company_id"} & set(vals):
            self._client_hub_forget_accepts_payments()
        return super().write(vals)

    def unlink(self):
        self._client_hub_forget_accepts_payments()
        return super().unlink()
