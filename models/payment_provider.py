# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models, tools


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    @api.model
    @tools.ormcache("company_id")
    def _client_hub_company_accepts_payments(self, company_id):
        """Whether clients of this company can pay online: a published provider in test or
        enabled state. Without one, "Pay now" is hidden rather than a dead end."""
        return bool(self.sudo().search_count(
            [("company_id", "=", company_id), ("state", "in", ("enabled", "test")), ("is_published", "=", True)],
            limit=1,
        ))

    @api.model_create_multi
    def create(self, vals_list):
        providers = super().create(vals_list)
        self.env.registry.clear_cache()
        return providers

    def write(self, vals):
        res = super().write(vals)
        if {"state", "is_published", "company_id"} & set(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res
