# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Online payment: "Pay all outstanding" from the statement (one payment for a company and
currency, net of credit notes, computed on the server), and Odoo's payment routes, made strict.

Odoo 19's ``/invoice/transaction/<id>`` creates a transaction for whatever the browser sends: a
draft or an already paid invoice, any amount, any landing page. These overrides check, on the
server, that the invoice is an open invoice of the client and that the amount is at most what is
due, that the amount is a finite number, and that the payment provider and method are ones Odoo
offers for that invoice, before Odoo's own machinery creates the transaction. Stripe's webhook
only accepts events signed with the provider's webhook secret, and answers malformed calls with a
4xx."""
import logging
import math
import re

from werkzeug.exceptions import BadRequest, Forbidden

from odoo import Command, _, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment_stripe.controllers.main import StripeController

from ..lib.statement import STATEMENT_URL
from .statement import ClientHubStatement

_logger = logging.getLogger(__name__)

_SIGNATURE_ENTRY = re.compile(r"^[a-z0-9]+=[^,=]+$")
# A Stripe event nests a dozen levels at most; Python's JSON parser recurses once per level and
# fails with RecursionError (a server error) on a few thousand
WEBHOOK_MAX_DEPTH = 64
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_NESTING = re.compile(rb"[\[\]{}]")


def json_too_deep(data, limit=WEBHOOK_MAX_DEPTH):
    """Whether the JSON text ``data`` (bytes) nests arrays and objects deeper than ``limit``,
    found without parsing it (brackets inside strings do not count)."""
    depth = 0
    for bracket in _JSON_NESTING.finditer(_JSON_STRING.sub(b'""', data)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def finite_amount(amount):
    """``amount`` when it is a finite number, else a ValidationError: JSON's ``true`` is not
    1.00, and ``NaN``, ``Infinity`` (which Python's JSON parser accepts) or a number too large for
    a float are no amounts."""
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise ValidationError(_("The amount to pay must be a number."))
    try:
        finite = math.isfinite(float(amount))
    except OverflowError:  # an integer beyond a float's range
        finite = False
    if not finite:
        raise ValidationError(_("The amount to pay must be a number."))
    return amount


def record_id(value):
    """A record id sent by the browser (a JSON number or digits), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)
    return None


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
        amount = finite_amount(kwargs.get("amount"))
        invoice_sudo._client_hub_check_payable(amount)
        partner_sudo = user.partner_id if logged_in else invoice_sudo.partner_id  # as Odoo's route
        self._client_hub_check_payment_method(invoice_sudo, partner_sudo, amount, kwargs)
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
        amount = finite_amount(kwargs.get("amount"))
        if not overdue or amount <= 0 or (
            overdue.currency_id[:1].compare_amounts(amount, due) > 0
        ):
            raise ValidationError(_("The amount to pay is more than what is due."))
        return super().overdue_invoices_transaction(payment_reference, **kwargs)

    @staticmethod
    def _client_hub_check_payment_method(invoice_sudo, partner_sudo, amount, kwargs):
        """Only a provider and a payment method (or a saved token of that provider) that Odoo's
        payment form offers for this invoice: enabled, published (for a client), of the invoice's
        company, for its partner, amount and currency. Odoo 19 creates the transaction, and calls
        the provider, with whatever ids the browser sends."""
        providers = request.env["payment.provider"].sudo()._get_compatible_providers(
            invoice_sudo.company_id.id, partner_sudo.id, amount, currency_id=invoice_sudo.currency_id.id,
        )
        provider = providers.filtered(lambda p: p.id == record_id(kwargs.get("provider_id")))
        if kwargs.get("flow") == "token":
            token_sudo = request.env["payment.token"].sudo().browse(record_id(kwargs.get("token_id")) or [])
            available = bool(provider) and token_sudo.exists().provider_id == provider
        else:
            methods = request.env["payment.method"].sudo()._get_compatible_payment_methods(
                provider.ids, partner_sudo.id, currency_id=invoice_sudo.currency_id.id,
            ) if provider else request.env["payment.method"]
            available = record_id(kwargs.get("payment_method_id")) in methods.ids
        if not available:
            raise ValidationError(_("This payment method is not available for this payment."))

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
        """Malformed calls get a 400 instead of Odoo 19's server error: a body that is not JSON,
        not an event, or nested deeper than any event (refused before it is parsed: Python's
        parser fails with RecursionError on a few thousand levels). Unsigned events get a 403:
        for a provider without a webhook secret (Odoo 19 would process them), and when Odoo's
        signature check (``_verify_signature``, left as Odoo wrote it so that what extends or
        mocks it keeps working) fails on a missing or malformed ``Stripe-Signature`` header."""
        if json_too_deep(request.httprequest.get_data()):
            _logger.warning("client_hub: Stripe webhook call nested too deep refused")
            raise BadRequest()
        try:
            event = request.get_json_data()
        except ValueError:
            raise BadRequest() from None
        if not isinstance(event, dict) or not isinstance(event.get("type"), str) or (
            not isinstance((event.get("data") or {}).get("object"), dict)
        ):
            _logger.warning("client_hub: malformed Stripe webhook call refused")
            raise BadRequest()
        if request.env["payment.transaction"].sudo()._client_hub_stripe_event_lacks_secret(event):
            _logger.warning("client_hub: Stripe event refused, its provider has no webhook secret")
            raise Forbidden()
        try:
            return super().stripe_webhook()
        except (KeyError, ValueError):
            # Odoo's signature check indexes and unpacks the header as it finds it
            if signature_header_ok(request.httprequest.headers.get("Stripe-Signature", "")):
                raise
            _logger.warning("client_hub: Stripe event refused, missing or malformed signature header")
            raise Forbidden() from None


def signature_header_ok(header):
    """Whether a ``Stripe-Signature`` header has the shape Odoo's check parses:
    ``t=<digits>,v1=<signature>[,...]``."""
    entries = [entry.strip() for entry in header.split(",")] if header else []
    if not entries or not all(_SIGNATURE_ENTRY.match(entry) for entry in entries):
        return False
    return dict(entry.split("=", 1) for entry in entries).get("t", "").isdigit()


class ClientHubPayAll(PortalAccount):
    # ------------------------------------------------------------------ pay all outstanding
    def _client_hub_pay_group(self, company_id=None, currency=None):
        """The (company, currency) group of the client's open documents asked for; with no
        parameter, the only one. None when there is nothing (or not exactly one) to pay."""
        commercial = ClientHubStatement._client_hub_commercial()
        groups = request.env["account.move"]._client_hub_payable_groups(commercial)
        if company_id is not None and str(company_id).isdigit():
            groups = [group for group in groups if group["company"].id == int(company_id)]
        if currency:
            groups = [group for group in groups if currency in (group["currency"].name, str(group["currency"].id))]
        return groups[0] if len(groups) == 1 else None

    @staticmethod
    def _client_hub_pay_token(group):
        """Signs what the page offered to pay (who, how much, which documents): the transaction
        is refused if the account changed in between."""
        return payment_utils.generate_access_token(
            request.env.user.partner_id.id, group["amount"], group["currency"].id, *sorted(group["moves"].ids)
        )

    @http.route(f"{STATEMENT_URL}/pay", type="http", auth="user", website=True, sitemap=False)
    def portal_statement_pay(self, company_id=None, currency=None, **kw):
        """One payment for every open invoice of the client in one company and currency, net of
        its open credit notes: the documents and the amount are computed here, on the server."""
        group = self._client_hub_pay_group(company_id, currency)
        if not group:
            return request.redirect(STATEMENT_URL, code=303)
        company, currency_rec = group["company"], group["currency"]
        values = self._prepare_portal_layout_values()
        # the payment form of Odoo's "pay overdue invoices" page, for this group
        values.update(self._get_common_page_view_values(invoices_data={
            "partner": request.env.user.partner_id,
            "company": company,
            "total_amount": group["amount"],
            "currency": currency_rec,
            "amount_residual": group["amount"],
            "payment_reference": False,
            "landing_route": STATEMENT_URL,
            "transaction_route": f"{STATEMENT_URL}/transaction/{company.id}/{currency_rec.id}",
        }))
        values.update({
            "page_name": "client_hub_pay",
            # the documents it settles, soonest due first
            "group": {**group, "moves": group["moves"].sorted(
                lambda move: (move.invoice_date_due or move.date, move.id)
            )},
            "amount": group["amount"],
            "currency": currency_rec,
            "access_token": self._client_hub_pay_token(group),
            "multi_company": len(request.env.user.company_ids) > 1,
        })
        return request.render("client_hub.portal_statement_pay", values)

    @http.route(f"{STATEMENT_URL}/transaction/<int:company_id>/<int:currency_id>", type="jsonrpc", auth="user")
    def portal_statement_transaction(self, company_id, currency_id, access_token=None, **kwargs):
        """Create the transaction of "Pay all outstanding" (Odoo's transaction machinery, as its
        overdue invoices route does), for what the server computes now: the amount, the
        documents, the landing page are never taken from the browser."""
        group = self._client_hub_pay_group(company_id, str(currency_id))
        if not group or not payment_utils.check_access_token(
            access_token, request.env.user.partner_id.id, group["amount"], group["currency"].id,
            *sorted(group["moves"].ids),
        ):
            raise ValidationError(request.env._(
                "Your account changed since this page was opened (a payment arrived or a document "
                "was issued). Please reload the page: nothing was charged."
            ))
        kwargs.pop("amount", None)
        kwargs.pop("landing_route", None)
        self._validate_transaction_kwargs(kwargs, additional_allowed_keys={"payment_reference"})
        kwargs.pop("payment_reference", None)
        company = group["company"]
        providers = request.env["payment.provider"].sudo()._get_compatible_providers(
            company.id, request.env.user.partner_id.id, group["amount"], currency_id=group["currency"].id,
        )
        if int(kwargs.get("provider_id") or 0) not in providers.ids:
            raise ValidationError(request.env._("This payment method is not available for this payment."))
        tx_sudo = self._create_transaction(
            amount=group["amount"],
            currency_id=group["currency"].id,
            partner_id=request.env.user.partner_id.id,
            reference_prefix=company.sudo().get_next_batch_payment_communication(),
            landing_route=STATEMENT_URL,
            custom_create_values={"invoice_ids": [Command.set(group["moves"].ids)]},
            **kwargs,
        )
        tx_sudo.landing_route = f"{STATEMENT_URL}?payment_tx={tx_sudo.id}"
        return tx_sudo._get_processing_values()

    # ------------------------------------------------------------------ Odoo's pages
    @http.route()
    def portal_my_overdue_invoices(self, access_token=None, **kw):
        """Odoo's "pay overdue invoices" page charges the invoices' totals (even when partly
        paid), leaves credit notes out and fails across companies or currencies: a signed-in
        client pays from its statement instead ("Pay all outstanding")."""
        if not request.env.user._is_public():
            return request.redirect(f"{STATEMENT_URL}?filterby=overdue", code=303)
        return super().portal_my_overdue_invoices(access_token=access_token, **kw)

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        """A signed-in client who pays an invoice lands back on its statement."""
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        if "landing_route" in values and not request.env.user._is_public():
            values["landing_route"] = STATEMENT_URL
        return values
