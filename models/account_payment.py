# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def _client_hub_mail_template(self):
        """The client's own payment receipt template, or an empty recordset."""
        self.ensure_one()
        if self.partner_type != "customer" or not self.partner_id:
            return self.env["mail.template"]
        return self.partner_id.commercial_partner_id._client_hub_mail_template_for("receipt")

    def _client_hub_magic_link_target(self):
        """Receipts link to the client's invoices in the portal."""
        if self.partner_type == "customer" and self.partner_id:
            return self.partner_id, "/my/invoices"
        return super()._client_hub_magic_link_target()
