# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Stripe in test mode for the addon's payment tests: Odoo's own provider, its HTTP API mocked at
the network boundary only (the provider's ``_send_api_request``), and webhooks signed exactly as
Stripe signs them."""
import hashlib
import hmac
import itertools
import json
import time
from unittest.mock import patch

from odoo import Command

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment.tests.http_common import PaymentHttpCommon

WEBHOOK_SECRET = "whsec_client_hub_tests_only"


class FakeStripeApi:
    """Answers the calls payment_stripe makes to api.stripe.com, and remembers the intents."""

    def __init__(self):
        self.intents = {}
        self.calls = []
        self.ids = itertools.count(1)

    def __call__(self, provider, method, endpoint, *, params=None, data=None, json=None, **kwargs):
        self.calls.append((method, endpoint))
        if endpoint == "customers":
            return {"id": "cus_client_hub"}
        if endpoint == "payment_intents" and method == "POST":
            intent_id = f"pi_client_hub_{next(self.ids)}"
            self.intents[intent_id] = {
                "id": intent_id, "object": "payment_intent", "status": "requires_payment_method",
                "client_secret": f"{intent_id}_secret", "amount": int(data["amount"]),
                "currency": data["currency"], "description": data["description"],
            }
            return self.intents[intent_id]
        if endpoint.startswith("payment_intents/") and method == "GET":
            return self.intents[endpoint.split("/", 1)[1]]
        raise AssertionError(f"unexpected Stripe API call: {method} {endpoint}")

    def intent_of(self, tx):
        return next(intent for intent in self.intents.values() if intent["description"] == tx.reference)


class Refused(Exception):
    """A JSON-RPC call answered with an error: the error's message, as the client reads it."""


class StripePortalCommon(AccountPaymentCommon, PaymentHttpCommon):
    """Odoo's account_payment test base (its post-processing stub is switched off by
    AccountPaymentCommon.setUp: the invoice really gets paid), with Stripe as the only provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.card = cls.env.ref("payment.payment_method_card")
        cls.dummy_provider.state = "disabled"
        cls.stripe = cls._prepare_provider("stripe", update_values={
            "stripe_secret_key": "sk_test_client_hub",
            "stripe_publishable_key": "pk_test_client_hub",
            "stripe_webhook_secret": WEBHOOK_SECRET,
            "is_published": True,
        })
        cls.card.active = True  # once a provider supporting it is enabled
        cls.stripe.payment_method_ids = [Command.set(cls.card.ids)]
        cls.provider = cls.stripe
        cls.currency = cls.env.company.currency_id

    def setUp(self):
        super().setUp()
        self.stripe_api = FakeStripeApi()
        self.startPatcher(patch(
            "odoo.addons.payment.models.payment_provider.PaymentProvider._send_api_request",
            autospec=True, side_effect=self.stripe_api,
        ))

    # ------------------------------------------------------------------ helpers
    def open_invoice(self, partner, amount, due="2026-01-31", move_type="out_invoice", currency=None, paid=0.0):
        move = self.env["account.move"].create({
            "move_type": move_type, "partner_id": partner.id, "invoice_date": "2026-01-01",
            "invoice_date_due": due, "currency_id": (currency or self.currency).id,
            "invoice_line_ids": [Command.create({"name": "Service", "price_unit": amount, "tax_ids": []})],
        })
        move.action_post()
        if paid:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create({"amount": paid, "payment_difference_handling": "open"}).action_create_payments()
        return move

    def login(self, user):
        self.authenticate(user.login, user.login)

    def transaction(self, route, amount, access_token=None, provider=None, landing_route="/my/statement",
                    payment_method=None, raw_amount=None):
        """What the payment form's JavaScript posts when the client clicks "Pay"; ``raw_amount``:
        the amount's JSON text, sent as is."""
        return self.jsonrpc(route, {
            "provider_id": (provider or self.stripe).id,
            "payment_method_id": (payment_method or self.card).id,
            "token_id": None,
            "amount": amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": landing_route,
            "is_validation": False,
            "access_token": access_token,
        }, raw={"amount": raw_amount} if raw_amount else None)

    def jsonrpc(self, route, params, raw=None):
        """Odoo's JSON-RPC call; an error raises :class:`Refused` with the message the client sees.
        ``raw``: {param: JSON text} sent as is (``NaN``, ``Infinity``: not JSON for ``requests``)."""
        body = json.dumps({"id": 0, "jsonrpc": "2.0", "method": "call", "params": params})
        for name, text in (raw or {}).items():
            body = body.replace(f'"{name}": "RAW"', f'"{name}": {text}')
        response = self.opener.post(self._build_url(route), data=body, timeout=30,
                                    headers={"Content-Type": "application/json"})
        response.raise_for_status()
        answer = response.json()
        if "error" in answer:
            raise Refused(answer["error"]["data"].get("message") or answer["error"]["data"]["name"])
        return answer.get("result")

    def webhook(self, tx, status="succeeded", secret=WEBHOOK_SECRET, timestamp=None, reference=None, extra=None,
                header=None):
        """Stripe's event about ``tx``, signed as Stripe signs it: ``t=<ts>,v1=<HMAC-SHA256 of
        "<ts>.<payload>">`` with the endpoint's secret."""
        intent = dict(self.stripe_api.intent_of(tx)) if tx else {"id": "pi_unknown", "amount": 100, "currency": "usd"}
        intent.update({
            "status": status, "description": reference or (tx and tx.reference),
            "payment_method": {"id": "pm_client_hub", "type": "card", "card": {"brand": "visa"}},
            **(extra or {}),
        })
        event_type = {"succeeded": "payment_intent.succeeded", "processing": "payment_intent.processing",
                      "requires_payment_method": "payment_intent.payment_failed"}[status]
        body = json.dumps({"id": "evt_client_hub", "type": event_type, "data": {"object": intent}})
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json"}
        if header is not False:
            headers["Stripe-Signature"] = header or f"t={timestamp},v1={signature}"
        return self.url_open("/payment/stripe/webhook", data=body, headers=headers)

    def tx_of(self, processing_values):
        return self.env["payment.transaction"].search([("reference", "=", processing_values["reference"])])

    @staticmethod
    def minor(amount, currency):
        return payment_utils.to_minor_currency_units(amount, currency)
