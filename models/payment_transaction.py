# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.tools import SQL, str2bool

from odoo.addons.payment_stripe import utils as stripe_utils

_logger = logging.getLogger(__name__)

RECEIPT_CRON = "client_hub.ir_cron_client_hub_payment_receipts"
RECEIPT_ATTEMPTS = 5  # a receipt that fails this many times is left "failed", logged


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    client_hub_receipt_state = fields.Selection(
        [("pending", "To send"), ("sent", "Sent"), ("failed", "Failed")],
        string="Payment Receipt", copy=False, readonly=True,
        help="The client's payment receipt of this transaction's payment: queued in the transaction "
        "that books the payment, then rendered and emailed by a background job.",
    )
    client_hub_receipt_attempts = fields.Integer(string="Receipt Attempts", copy=False, readonly=True)
    # the receipt job's query: the few transactions waiting for their receipt
    _client_hub_receipt_pending_idx = models.Index("(id) WHERE client_hub_receipt_state = 'pending'")

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
        ``account.payment`` (Odoo's own ``_post_process``), in the transaction of the request
        that learns of the payment, committed with its answer. Idempotent and safe under
        concurrency: the transaction row is locked first, so a webhook and the client's return
        arriving together wait for each other (the booking takes a few queries: the receipt is
        a background job's), and the second one (re-run by Odoo's serialization retry if need
        be) finds the transaction already post-processed."""
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
            tx._post_process()
            _logger.info("client_hub: transaction %s booked at once (payment %s)", tx.reference, tx.payment_id.id)

    def _create_payment(self, **extra_create_values):
        """Queue the client's payment receipt (its own template when it has one, with its sign-in
        link) as soon as an online payment of its invoices is booked, whoever books it (the
        webhook, the client's return or status poll, Odoo's post-processing cron): the flag is
        written in the booking's own transaction, so a booked payment never loses its receipt,
        and the receipt job is woken to render and email it within a minute."""
        payment = super()._create_payment(**extra_create_values)
        if self._client_hub_receipt_due(payment):
            self.client_hub_receipt_state = "pending"
            self.env.ref(RECEIPT_CRON).sudo()._trigger()
        return payment

    def _client_hub_receipt_due(self, payment):
        """Whether this transaction's ``payment`` gets a receipt: a payment of customer
        invoices, unless the invoice's own email is the receipt (see below)."""
        self.ensure_one()
        return bool(payment) and not self._client_hub_invoice_email_is_the_receipt() and bool(
            self.invoice_ids.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))
        )

    # ------------------------------------------------------------------ the receipt job
    @api.model
    def _cron_client_hub_send_receipts(self):
        """Render and email the receipts of the payments booked since the last run, each exactly
        once: a transaction's receipts are posted (their ``mail.mail`` queued, sent after the
        commit) and its flag set to "sent" in one database transaction, committed before the
        next. Each row is taken with ``FOR UPDATE SKIP LOCKED``: another worker or server running
        this job at the same time takes another one. A job killed half way has committed nothing
        of the receipt it was making: the next run takes that row again. A receipt that fails is
        logged and tried again at the next runs, and left "failed" after ``RECEIPT_ATTEMPTS``."""
        Cron = self.env["ir.cron"]
        last_id = 0  # a receipt that failed is tried again at the next run, not in a loop in this one
        while True:
            self.env.cr.execute(SQL(
                """SELECT id FROM payment_transaction
                    WHERE client_hub_receipt_state = 'pending' AND id > %s
                    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED""",
                last_id,
            ))
            row = self.env.cr.fetchone()
            if not row:
                return
            last_id = row[0]
            tx = self.browse(last_id)
            tx.invalidate_recordset(["client_hub_receipt_state", "client_hub_receipt_attempts"])
            tx._client_hub_deliver_receipt()
            remaining = self.search_count([("client_hub_receipt_state", "=", "pending"), ("id", ">", last_id)])
            if Cron._commit_progress(1, remaining=remaining) < 30 and remaining:
                self.env.ref(RECEIPT_CRON)._trigger()  # the rest in the next run, at once
                return

    def _client_hub_deliver_receipt(self):
        """This transaction's receipts, and its flag set to "sent", in one savepoint: a failure
        leaves neither a receipt nor the flag."""
        self.ensure_one()
        if self.client_hub_receipt_state != "pending":
            return
        try:
            with self.env.cr.savepoint():
                # decided when the payment was booked (see _client_hub_receipt_due)
                payment = self.payment_id
                payment.with_company(payment.company_id)._client_hub_send_receipt(contact=self.partner_id)
                self.client_hub_receipt_state = "sent"
        except Exception:  # the others' receipts go out; this one is tried again, logged in full
            attempts = self.client_hub_receipt_attempts + 1
            _logger.exception("client_hub: receipt of transaction %s not sent (attempt %s of %s)",
                              self.reference, attempts, RECEIPT_ATTEMPTS)
            self.write({
                "client_hub_receipt_attempts": attempts,
                "client_hub_receipt_state": "failed" if attempts >= RECEIPT_ATTEMPTS else "pending",
            })
            if attempts < RECEIPT_ATTEMPTS:
                return
            _logger.error("client_hub: receipt of transaction %s given up; send it from payment %s",
                          self.reference, self.payment_id.id)

    def _client_hub_invoice_email_is_the_receipt(self):
        """Whether this payment of a quotation also invoices it, and Odoo emails that invoice
        (Sales' "automatic invoice"): the client then gets the order confirmation and the
        invoice, marked paid, for its one click, and no third email with a receipt."""
        return bool(self.sale_order_ids) and str2bool(
            self.env["ir.config_parameter"].sudo().get_param("sale.automatic_invoice")
        ) and not self.env.context.get("skip_sale_auto_invoice_send")
