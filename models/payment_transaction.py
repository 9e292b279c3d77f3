# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models
from odoo.tools import SQL, str2bool

from odoo.addons.payment_stripe import utils as stripe_utils

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    @api.model
    def _client_hub_stripe_event_lacks_secret(self, event):
        """Whether the Stripe webhook ``event`` is about a transaction whose provider has no
        webhook secret: its signature cannot be checked, and Odoo 19 would process it unsigned.
        The transaction is found as Odoo's webhook finds it, only when such a provider exists."""
        if not self.env["payment.provider"].sudo().search_count(
            [("code", "=", "stripe"), ("stripe_webhook_secret", "=", False)], limit=1,
        ):
            return False
        stripe_object = event["data"]["object"]
        tx_sudo = self.sudo()._search_by_reference("stripe", {
            "reference": stripe_object.get("description"), "event_type": event["type"],
            "object_id": stripe_object.get("id"),
        })
        return bool(tx_sudo) and not stripe_utils.get_webhook_secret(tx_sudo.provider_id[:1])

    def _process(self, provider_code, payment_data):
        """Book a confirmed invoice payment at once, in the request that learns of it (Stripe's
        webhook or the client's return), instead of waiting for the client's status-page poll or
        Odoo's post-processing cron (every 10 minutes)."""
        tx = super()._process(provider_code, payment_data)
        tx._client_hub_post_process_now()
        return tx

    def _client_hub_post_process_now(self):
        """Post-process the done invoice transactions of ``self``: create, post and reconcile their
        ``account.payment`` (Odoo's own ``_post_process``). Idempotent and safe under
        concurrency: the transaction row is locked first, so a webhook and the client's return
        arriving together wait for each other, and the second one (re-run by Odoo's serialization
        retry if need be) finds the transaction already post-processed.

        The booking is committed before the receipt is sent: the receipt (a PDF rendered by
        wkhtmltopdf, then an email) takes seconds on a busy server, and every request about the
        same transaction (the webhook's duplicate, the client's return, its status poll) would
        hold a worker waiting for the lock meanwhile."""
        booked = []
        for tx in self:
            if tx.state != "done" or tx.is_post_processed or tx.operation == "validation" or not tx.invoice_ids:
                continue
            tx.flush_recordset()
            self.env.cr.execute(SQL(
                "SELECT is_post_processed, payment_id FROM payment_transaction WHERE id = %s FOR UPDATE", tx.id,
            ))
            post_processed, payment_id = self.env.cr.fetchone()
            if post_processed or payment_id:
                tx.invalidate_recordset(["is_post_processed", "payment_id"])
                continue
            tx.with_context(client_hub_receipt_later=True)._post_process()
            _logger.info("client_hub: transaction %s booked at once (payment %s)", tx.reference, tx.payment_id.id)
            booked.append(tx)
        if not booked:
            return
        # the payments are booked for good, and the row locks released, before the receipts
        self.env.cr.commit()  # pylint: disable=invalid-commit
        for tx in booked:
            try:
                with self.env.cr.savepoint():
                    tx._client_hub_send_receipt()
            except Exception:  # the payment stays booked; the receipt can be sent from the payment
                _logger.exception("client_hub: receipt of transaction %s not sent", tx.reference)

    def _create_payment(self, **extra_create_values):
        """Send the client its payment receipt (its own template when it has one, with its
        sign-in link) as soon as an online payment of its invoices is booked: here, or right
        after the booking is committed when client_hub books it (see above)."""
        payment = super()._create_payment(**extra_create_values)
        if not self.env.context.get("client_hub_receipt_later"):
            self._client_hub_send_receipt(payment)
        return payment

    def _client_hub_send_receipt(self, payment=None):
        self.ensure_one()
        payment = payment or self.payment_id
        if self._client_hub_invoice_email_is_the_receipt():
            return
        if payment and self.invoice_ids.filtered(lambda move: move.move_type in ("out_invoice", "out_refund")):
            payment._client_hub_send_receipt(contact=self.partner_id)

    def _client_hub_invoice_email_is_the_receipt(self):
        """Whether this payment of a quotation also invoices it, and Odoo emails that invoice
        (Sales' "automatic invoice"): the client then gets the order confirmation and the
        invoice, marked paid, for its one click, and no third email with a receipt."""
        return bool(self.sale_order_ids) and str2bool(
            self.env["ir.config_parameter"].sudo().get_param("sale.automatic_invoice")
        ) and not self.env.context.get("skip_sale_auto_invoice_send")
