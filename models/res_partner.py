# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients (res.partner): what client_hub's features share. Each feature has its own file of the
same model: res_partner_templates, _metrics, _client_list, _chart, _documents, _portal."""
from odoo import _, api, fields, models

from .account_move import CUSTOMER_DOCUMENTS

# who sees a client's accounting figures and prints its statement; as a field's ``groups=``
ACCOUNTING_GROUPS = ("account.group_account_invoice", "account.group_account_readonly")
ACCOUNTING_FIELD_GROUPS = ",".join(ACCOUNTING_GROUPS)


class ResPartner(models.Model):
    _inherit = "res.partner"

    client_hub_vat_label = fields.Char(
        string="Client Tax ID Label",
        compute="_compute_client_hub_vat_label",
        help="How the client's country names its tax ID (VAT, TIN, GSTIN, ABN...).",
    )

    @api.depends("country_id", "commercial_partner_id.country_id")
    @api.depends_context("company", "lang")
    def _compute_client_hub_vat_label(self):
        company_label = self.env.company.account_fiscal_country_id.vat_label
        for partner in self:
            country = partner.commercial_partner_id.country_id or partner.country_id
            partner.client_hub_vat_label = country.vat_label or company_label or _("Tax ID")

    # ------------------------------------------------------------------ the client's documents
    # (what the figures, the chart and the card actions are made of)
    def _client_hub_company_move_domain(self):
        """Posted customer invoices and credit notes of the current company: what the figures add up."""
        return [
            ("move_type", "in", CUSTOMER_DOCUMENTS),
            ("state", "=", "posted"),
            ("company_id", "=", self.env.company.id),
        ]

    def _client_hub_move_domain(self):
        return [
            ("commercial_partner_id", "in", self.commercial_partner_id.ids),
            *self._client_hub_company_move_domain(),
        ]

    def write(self, vals):
        emails_before = {p.id: p.email_normalized for p in self} if "email" in vals else {}
        res = super().write(vals)
        links = self.env["client_hub.magic.link"]
        if "active" in vals and not vals["active"]:
            links._revoke_for_partners(self, "archived")
        if emails_before:
            changed = self.filtered(lambda p: p.email_normalized != emails_before[p.id])
            links._revoke_for_partners(changed, "email")
        return res
