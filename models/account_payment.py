# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, models

from ..lib.statement import STATEMENT_URL

RECEIPT_TEMPLATE = "client_hub.mail_template_payment_receipt"


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
            return self.partner_id, STATEMENT_URL
        return super()._client_hub_magic_link_target()

    def _client_hub_receipt_recipients(self, contact=None):
        """Who receives the receipt of this customer payment: ``contact``, the person who paid,
        and the client's invoice address (its ``type='invoice'`` contact) when that is another
        person. The client's company address only when nobody else can receive it (nobody
        paid online, or the payer has no email), as Odoo's template would."""
        self.ensure_one()
        commercial = self.partner_id.commercial_partner_id
        recipients = self.env["res.partner"]
        if contact and contact.email_normalized:
            recipients |= contact
        invoice_address = commercial.browse(commercial.address_get(["invoice"])["invoice"])
        if (
            invoice_address != commercial
            and invoice_address.type == "invoice"
            and invoice_address.email_normalized
            and invoice_address.email_normalized not in recipients.mapped("email_normalized")
        ):
            recipients |= invoice_address
        if not recipients and self.partner_id.email_normalized:
            recipients = self.partner_id
        return recipients

    def _client_hub_send_receipt(self, contact=None):
        """Email the payment receipt as "Send receipt by email" does (Odoo's receipt template,
        which client_hub replaces with the client's own, and a sign-in link), once per person it
        is for (see ``_client_hub_receipt_recipients``), each greeted by its own name: one
        message per recipient, to that recipient only (not to the payment's followers, nor to
        the template's default recipient, the client's company address)."""
        self.ensure_one()
        template = self.env.ref(RECEIPT_TEMPLATE, raise_if_not_found=False)
        if not template or self.partner_type != "customer":
            return
        # as the system: whoever's request books the payment (the client's own browser on its
        # return from Stripe) would otherwise count as the author, and an author is never notified
        payment = self.with_user(SUPERUSER_ID)
        for recipient in payment._client_hub_receipt_recipients(contact):
            payment.with_context(
                client_hub_recipient_name=recipient.name, client_hub_recipient_lang=recipient.lang
            ).message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                author_id=payment.company_id.partner_id.id,
                partner_ids=recipient.ids,
                notify_skip_followers=True,
            )
