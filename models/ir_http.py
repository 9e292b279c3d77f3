# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from odoo import models
from odoo.http import request

# The client portal's private pages and files: Odoo's and client_hub's pages under /my (statement,
# invoices and their PDFs, quotes, orders, the downloads, Pay all outstanding, support tickets),
# the support forms' routes and the payment routes of an invoice (an optional language prefix in
# front, as the website adds one). The sign-in links' pages (/portal/magic) set stricter headers
# of their own (no framing at all).
PORTAL_PATH = re.compile(
    r"^(?:/[a-z]{2}(?:_[A-Za-z0-9]{2,4})?)?"
    r"/(?:my|new/ticket|submitted/ticket|ticket/close|invoice)(?:/|$)"
)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _serve_fallback(cls):
        """An URL carrying a NUL byte (``/my/exports/%00``) matches no route; Odoo then looks it up
        as an attachment URL and PostgreSQL refuses the NUL: a server error instead of a 404."""
        if "\x00" in request.httprequest.path:
            return None
        return super()._serve_fallback()

    @classmethod
    def _post_dispatch(cls, response):
        """Every answer of the client portal (pages, PDFs, ZIPs, redirects) is private and stays
        out of shared caches (``Cache-Control: no-store``), and only the portal itself may frame
        it (``X-Frame-Options: SAMEORIGIN`` and CSP ``frame-ancestors 'self'``: the invoice
        page's own preview iframe keeps working, another site cannot clickjack a ticket's Close
        or the payment form). Odoo's hook run on every response of a route and its fallbacks;
        errors go through ``_handle_error`` below."""
        result = super()._post_dispatch(response)
        cls._client_hub_private_headers(response)
        return result

    @classmethod
    def _handle_error(cls, exception):
        """The same headers on the portal's error answers (a refused JSON-RPC call, a 404, a
        server error): Odoo builds them without ``_post_dispatch``."""
        response = super()._handle_error(exception)
        if not PORTAL_PATH.match(request.httprequest.path):
            return response
        if isinstance(response, HTTPException):
            response = response.get_response(request.httprequest.environ)
        if isinstance(response, WerkzeugResponse):
            cls._client_hub_private_headers(response)
        return response

    @classmethod
    def _client_hub_private_headers(cls, response):
        if not PORTAL_PATH.match(request.httprequest.path):
            return
        headers = response.headers
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        policy = headers.get("Content-Security-Policy")
        if not policy:
            headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        elif "frame-ancestors" not in policy:
            headers["Content-Security-Policy"] = f"{policy.rstrip('; ')}; frame-ancestors 'self'"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        """The portal's scripts are translated from these modules only (``/website/translations``):
        add the ticket page's chat (mail: "The conversation is empty."...) and helpdesk_mgmt's
        new-ticket form."""
        return [*super()._get_translation_frontend_modules_name(), "mail", "helpdesk_mgmt"]
