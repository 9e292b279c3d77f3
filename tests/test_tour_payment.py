# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pay now in headless Chromium: magic link, statement, invoice, Stripe's card form."""
from urllib.parse import urlsplit

from odoo.tests import tagged

from .payment_common import StripePortalCommon

# A stand-in for https://js.stripe.com/v3/ (no network in tests): the calls payment_stripe makes
# to build its inline form, mounting a visible card field.
STRIPE_JS_STUB = """
window.Stripe = function () {
    const element = {
        mount(target) {
            const node = typeof target === "string" ? document.querySelector(target) : target;
            const field = document.createElement("div");
            field.className = "o_client_hub_stripe_card form-control";
            field.textContent = "1234 1234 1234 1234";
            node.appendChild(field);
        },
        on() {}, update() {}, unmount() {}, destroy() {},
    };
    return {
        elements() {
            return { create: () => element, update() {}, submit: async () => ({}), getElement: () => element };
        },
        confirmPayment: async () => ({}),
    };
};
"""


@tagged("post_install", "-at_install")
class TestPayNowTour(StripePortalCommon):
    def fetch_proxy(self, url):
        if url.startswith("https://js.stripe.com/"):
            return self.make_fetch_proxy_response(STRIPE_JS_STUB)
        return super().fetch_proxy(url)

    def test_pay_now_reaches_the_stripe_card_form(self):
        client = self.env["res.partner"].create(
            {"name": "Tour Payer SA", "is_company": True, "email": "ap@tour-payer.example"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Tom Payer", "parent_id": client.id, "email": "tom@tour-payer.example"}
        )
        invoice = self.open_invoice(client, 250.0)
        url = self.env["client_hub.magic.link"]._issue_url(contact, origin=invoice)
        self.start_tour(urlsplit(url).path, "client_hub_pay_now_tour", login=None)
