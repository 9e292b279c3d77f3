# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def _client_hub_mail_template(self):
        """The client's own payment receipt template, or an empty recordset."""
        self.ensure_one()
        if self.partner_type != "customer" or not self.partner_id:
            return self.env["mail.template"]
        return self.partner_id.commercial_partner_id._client_hub_mail_template_for("receipt")

    def _client_hub_magic_link_target(self):
        """Receipts link to the client's statement in the portal."""
        if self.partner_type == "customer" and self.partner_id:
            return self.partner_id, "/my/statement"
        return super()._client_hub_magic_link_target()

    def _client_hub_send_receipt(self, contact=None):
        """Email the payment receipt as "Send receipt by email" does: Odoo's receipt template,
        which client_hub replaces with the client's own, and a sign-in link for each contact it
        goes to. ``contact``, the client's contact who paid, receives it too."""
        self.ensure_one()
        template = self.env.ref("account.mail_template_data_payment_receipt", raise_if_not_found=False)
        if not template or self.partner_type != "customer":
            return
        # as the system: whoever's request books the payment (the client's own browser on its
        # return from Stripe) would otherwise count as the author, and an author is never notified
        payment = self.with_user(SUPERUSER_ID)
        if contact and contact.email:
            # the contact who paid follows its payment, so the receipt reaches it too
            payment.message_subscribe(partner_ids=contact.ids)
        payment.message_post_with_source(
            template, subtype_xmlid="mail.mt_comment", author_id=payment.company_id.partner_id.id,
        )
