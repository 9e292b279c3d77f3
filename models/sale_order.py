# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    client_hub_status = fields.Selection(
        [
            ("draft", "Quotation"),
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("rejected", "Rejected"),
            ("expired", "Expired"),
        ],
        string="Client Status",
        compute="_compute_client_hub_status",
        help="Accepted: confirmed order. Rejected: cancelled. Expired: not accepted before its "
        "expiration date.",
    )

    @api.depends("state", "validity_date")
    def _compute_client_hub_status(self):
        today = fields.Date.context_today(self)
        for order in self:
            if order.state == "sale":
                status = "accepted"
            elif order.state == "cancel":
                status = "rejected"
            elif order.validity_date and order.validity_date < today:
                status = "expired"
            else:
                status = order.state if order.state in ("draft", "sent") else "draft"
            order.client_hub_status = status

    # ------------------------------------------------------------------ per-client emails
    def _client_hub_mail_template(self):
        self.ensure_one()
        return self.partner_id.commercial_partner_id._client_hub_mail_template_for("quote")

    def _find_mail_template(self):
        template = super()._find_mail_template()
        if self.env.context.get("proforma"):
            return template
        return self._client_hub_mail_template() or template

    def _get_confirmation_template(self):
        return self._client_hub_mail_template() or super()._get_confirmation_template()

    # ------------------------------------------------------------------ multi-company portal
    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in ("sent", "sale"):
            # a quotation sent or an order confirmed: the client's portal may see its company
            self.env["res.partner"]._client_hub_grant_companies(
                [(order.partner_id.commercial_partner_id, order.company_id) for order in self]
            )
        return res

    # ------------------------------------------------------------------ magic links
    def _client_hub_magic_link_target(self):
        # a pro-forma carries no access button at all (see sale's own notification groups)
        if self.partner_id and self.state != "cancel" and not self.env.context.get("proforma"):
            return self.partner_id, self.access_url
        return super()._client_hub_magic_link_target()
