# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Online payment of invoices: Odoo's payment routes, made strict.

Odoo 19's ``/invoice/transaction/<id>`` creates a transaction for whatever the browser sends: a
draft or an already paid invoice, any amount, any landing page. These overrides check, on the
server, that the invoice is an open invoice of the client and that the amount is at most what is
due, before Odoo's own machinery creates the transaction. Stripe's webhook only accepts events
signed with the provider's webhook secret, and answers malformed calls with a 4xx."""
import logging
import re

from werkzeug.exceptions import BadRequest, Forbidden

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.payment_stripe import utils as stripe_utils
from odoo.addons.payment_stripe.controllers.main import StripeController

_logger = logging.getLogger(__name__)

STATEMENT_URL = "/my/statement"
_SIGNATURE_ENTRY = re.compile(r"^[a-z0-9]+=[^,=]+$")


class ClientHubPaymentPortal(PaymentPortal):
    @http.route()
    def invoice_transaction(self, invoice_id, access_token=None, **kwargs):
        """Pay one invoice: refused, with the reason, unless it is an open invoice the visitor may
        read (its portal access, or the document's access token) and the amount is at most what
        is due (an installment or the whole). A signed-in client lands back on its statement."""
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
        except MissingError:
            raise ValidationError(_("This invoice does not exist.")) from None
        except AccessError:
            raise ValidationError(_("The access token is invalid.")) from None
        logged_in = not request.env.user._is_public()
        user = request.env.user
        if logged_in and user.share and invoice_sudo.commercial_partner_id != user.partner_id.commercial_partner_id:
            # a signed-in client pays its own invoices, whatever access token it holds
            raise ValidationError(_("This invoice is not one of yours."))
        invoice_sudo._client_hub_check_payable(kwargs.get("amount"))
        kwargs["landing_route"] = STATEMENT_URL if logged_in else invoice_sudo.get_portal_url()
        values = super().invoice_transaction(invoice_id, access_token, **kwargs)
        if logged_in:
            self._client_hub_land_on_statement(values)
        return values

    @http.route()
    def overdue_invoices_transaction(self, payment_reference=None, **kwargs):
        """Odoo's "pay overdue invoices" (its page sends the client to the statement's "Pay all
        outstanding" now): never more than what those invoices still owe."""
        if request.env.user._is_public():
            return super().overdue_invoices_transaction(payment_reference, **kwargs)  # "please log in"
        overdue = request.env["account.move"].search(self._get_overdue_invoices_domain())
        due = sum(overdue.mapped("amount_residual"))
        amount = kwargs.get("amount")
        if not overdue or not isinstance(amount, int | float) or amount <= 0 or (
            overdue.currency_id[:1].compare_amounts(amount, due) > 0
        ):
            raise ValidationError(_("The amount to pay is more than what is due."))
        return super().overdue_invoices_transaction(payment_reference, **kwargs)

    @staticmethod
    def _client_hub_land_on_statement(processing_values):
        """The client comes back to its statement, which then says how the payment went."""
        tx_sudo = request.env["payment.transaction"].sudo().search(
            [("reference", "=", processing_values.get("reference"))], limit=1
        )
        if tx_sudo:
            tx_sudo.landing_route = f"{STATEMENT_URL}?payment_tx={tx_sudo.id}"


class ClientHubStripeController(StripeController):
    @http.route()
    def stripe_webhook(self):
        """Malformed calls get a 400 instead of Odoo 19's server error."""
        try:
            event = request.get_json_data()
        except ValueError:
            raise BadRequest() from None
        if not isinstance(event, dict) or not isinstance(event.get("type"), str) or (
            not isinstance((event.get("data") or {}).get("object"), dict)
        ):
            _logger.warning("client_hub: malformed Stripe webhook call refused")
            raise BadRequest()
        return super().stripe_webhook()

    def _verify_signature(self, tx_sudo):
        """Only events signed with the provider's webhook secret are processed: Odoo 19 processes
        unsigned events when no secret is set, and fails with a server error on a missing or
        malformed ``Stripe-Signature`` header. Then Odoo's own check (HMAC, 10-minute
        tolerance) applies."""
        if not stripe_utils.get_webhook_secret(tx_sudo.provider_id):
            _logger.warning(
                "client_hub: Stripe event refused, provider %s has no webhook secret", tx_sudo.provider_id.id
            )
            raise Forbidden()
        header = request.httprequest.headers.get("Stripe-Signature", "")
        entries = header.split(",") if header else []
        if not entries or not all(_SIGNATURE_ENTRY.match(entry.strip()) for entry in entries):
            _logger.warning("client_hub: Stripe event refused, missing or malformed signature header")
            raise Forbidden()
        timestamp = dict(entry.strip().split("=", 1) for entry in entries).get("t", "")
        if not timestamp.isdigit():
            _logger.warning("client_hub: Stripe event refused, malformed signature timestamp")
            raise Forbidden()
        return super()._verify_signature(tx_sudo)
