# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Loaded server-wide (``--load base,web,client_hub_load_stripe``) by `make load`'s server only,
never installed in a database: ``payment_stripe`` builds its API URLs from a constant
(``https://api.stripe.com/v1/`` in ``PaymentProvider._build_request_url``), so this points that one
URL at the local fake Stripe server named by ``CLIENT_HUB_FAKE_STRIPE_URL``. Everything else is
Odoo's own code: the HTTP request (``requests``), its headers and idempotency key, the parsing of
the answer, and the errors raised when the API does not answer."""
import logging
import os

_logger = logging.getLogger(__name__)


def post_load():
    base = os.environ.get("CLIENT_HUB_FAKE_STRIPE_URL", "")
    if not base.startswith(("http://127.", "http://localhost")):
        raise RuntimeError("client_hub_load_stripe: CLIENT_HUB_FAKE_STRIPE_URL must be a local http URL")
    from odoo.tools.urls import urljoin as url_join

    from odoo.addons.payment_stripe.models.payment_provider import PaymentProvider

    original = PaymentProvider._build_request_url

    def _build_request_url(self, endpoint, *, is_proxy_request=False, version=1, **kwargs):
        if self.code == "stripe" and not is_proxy_request:
            return url_join(base.rstrip("/") + "/", endpoint)
        return original(self, endpoint, is_proxy_request=is_proxy_request, version=version, **kwargs)

    PaymentProvider._build_request_url = _build_request_url
    _logger.warning("client_hub_load_stripe: Stripe API calls go to %s (load test server)", base)
