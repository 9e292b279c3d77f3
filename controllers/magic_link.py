# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Magic-link sign-in routes. Thin: tokens, rate limits and portal users live on the models;
the sign-in itself is Odoo's (``session.authenticate`` with a credential of our own type)."""
import logging
from urllib.parse import quote

import jwt

from odoo import http
from odoo.exceptions import AccessDenied
from odoo.http import request
from odoo.tools.translate import LazyTranslate

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..lib import log_redaction
from ..lib.safe_redirect import portal_path
from ..models.client_hub_magic_link import CREDENTIAL_TYPE, MAX_TOKEN_LENGTH, ROUTE, MagicLinkError
from ..models.client_hub_magic_link_attempt import WINDOW_MINUTES
from ..models.res_partner_email_change import EMAIL_ROUTE

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__, default_lang="en_US")

# the access log (werkzeug's request line, written by Odoo's request handler) never keeps a token
log_redaction.install()

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Frame-Options": "DENY",
}


class RateLimited(Exception):
    pass


class MagicLinkController(http.Controller):
    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _secure(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    @staticmethod
    def _ip():
        return request.httprequest.remote_addr or ""

    def _redirect(self, location):
        return self._secure(request.redirect(location, code=303, local=True))

    @staticmethod
    def _ensure_user():
        if request.env.uid is None:
            # auth="none" (reachable without a database, see _route_database): render as the
            # visitor's session user, or the public user, like /web/login does
            if request.session.uid:
                request.update_env(user=request.session.uid)
            else:
                request.env["ir.http"]._auth_method_public()

    def _render(self, template, values=None, status=200):
        self._ensure_user()
        response = request.render(template, {"route": ROUTE, **(values or {})})
        response.status_code = status
        return self._secure(response)

    def _route_database(self, token):
        """Multi-database servers: the token names its database. Without a database in the
        session, remember the one the token names (if the dbfilter allows it) and come back to
        the same URL, as ``web.controllers.utils.ensure_db`` does. The claim is only used to
        pick the database; the signature is checked there."""
        try:
            claimed = jwt.decode(token, options={"verify_signature": False}).get("db")
        except (jwt.InvalidTokenError, AttributeError, TypeError):
            claimed = None
        if request.db and (not claimed or claimed == request.db):
            return None
        host = request.httprequest.environ.get("HTTP_HOST", "")
        if not isinstance(claimed, str) or claimed not in http.db_list(force=True, host=host):
            if request.db:
                return None  # the token is for a database we do not serve: refused as invalid
            # no database, so no page of ours: a line in the visitor's language (the .po files)
            message = _lt("Invalid link.")._translate(request.best_lang or "en_US")
            return self._secure(request.make_response(message, status=404))
        if request.session.uid:
            request.session.logout(keep_db=False)
        request.session.db = claimed
        return self._secure(request.redirect(request.httprequest.full_path, code=303, local=True))

    def _acquire(self, kind, reason=None):
        """Count one attempt of ``kind`` for the visitor's address: its row id, or RateLimited."""
        attempt = request.env["client_hub.magic.link.attempt"].sudo()._acquire(self._ip(), kind, reason)
        if not attempt:
            raise RateLimited
        return attempt

    def _too_many(self):
        _logger.warning("client_hub: magic-link rate limit reached for %s", self._ip())
        response = self._render("client_hub.magic_link_too_many", {"window_minutes": WINDOW_MINUTES}, status=429)
        response.headers["Retry-After"] = str(WINDOW_MINUTES * 60)
        return response

    def _refused(self, reason):
        """The page of a link that cannot sign in, with the "send me a new link" form; not counted
        (a forged token costs no lookup: a row for it would turn forged links into database load)."""
        _logger.info("client_hub: magic link refused (%s) from %s", reason, self._ip())
        return self._render("client_hub.magic_link_refused", {"reason": reason}, status=403)

    def _failed(self, reason):
        """A failed sign-in, counted: the refusal page, or 429 once the address used its allowance."""
        try:
            self._acquire("failure", reason)
        except RateLimited:
            return self._too_many()
        return self._refused(reason)

    def _sign_in(self, token, target):
        credential = {"type": CREDENTIAL_TYPE, "token": token}
        auth_info = request.session.authenticate(request.env, credential)
        if not request.session.uid:
            # a second factor the contact set up (auth_totp) still applies
            user = request.env["res.users"].sudo().browse(auth_info["uid"])
            mfa_url = user._mfa_url() or "/web/login"
            return self._redirect(f"{mfa_url}?redirect={quote(target, safe='')}")
        return self._redirect(target)

    @staticmethod
    def _signed_in_user():
        """The user of the visitor's session, if one is signed in (the system reads it: it is the
        session's own user)."""
        uid = request.session.uid
        user = request.env["res.users"].sudo().browse(uid).exists() if uid else None
        return user if user and not user._is_public() else None

    def _use(self, token, redirect, confirmed):
        target = portal_path(redirect)
        Link = request.env["client_hub.magic.link"]
        try:
            claims = Link._decode(token)  # signature (HS256 only), expiry, database: no query of ours
        except MagicLinkError as error:
            return self._refused("invalid") if error.reason == "invalid" else self._failed(error.reason)
        # only failures are recorded (and lock): a sign-in reads the count, and never waits for another
        if not request.env["client_hub.magic.link.attempt"].sudo()._allowed(self._ip(), "failure"):
            return self._too_many()
        try:
            current = None if confirmed else self._signed_in_user()
            if current or (not confirmed and claims.get("once")):
                link = Link._check_token(token)
                if current and current.partner_id == link.partner_id:
                    return self._redirect(target)  # already signed in as the link's contact
                # a mail scanner's GET spends nothing, and a link never replaces silently
                # whoever is signed in (login CSRF: an <img src> of another client's link)
                return self._render("client_hub.magic_link_confirm", {
                    "token": token,
                    "redirect": target,
                    "signed_in_name": current.name if current else None,
                    "link_name": link.partner_id.name,
                })
            return self._sign_in(token, target)
        except MagicLinkError as error:
            return self._failed(error.reason)
        except AccessDenied:
            return self._failed("invalid")

    # ------------------------------------------------------------------ routes
    @http.route(
        f"{ROUTE}/<string:token>", type="http", auth="none", methods=["GET"], sitemap=False, readonly=False
    )
    def magic_link(self, token, redirect=None, **kwargs):
        if len(token) > MAX_TOKEN_LENGTH:
            return self._refused("invalid")
        return self._route_database(token) or self._use(token, redirect, confirmed=False)

    @http.route(f"{ROUTE}/confirm", type="http", auth="public", methods=["POST"], sitemap=False, csrf=True)
    def magic_link_confirm(self, token=None, redirect=None, **kwargs):
        return self._use(token or "", redirect, confirmed=True)

    @http.route(f"{ROUTE}/request", type="http", auth="public", methods=["GET", "POST"], sitemap=False, csrf=True)
    def magic_link_request(self, email=None, **kwargs):
        """Ask for a fresh link. The answer is the same whether or not the address is known."""
        if request.httprequest.method == "GET":
            return self._render("client_hub.magic_link_refused", {"reason": "request"})
        email = (email or "").strip()[:254]
        if not email:
            return self._render("client_hub.magic_link_refused", {"reason": "request", "error": "empty"})
        try:
            self._acquire("request")
        except RateLimited:
            return self._too_many()
        # the same work whatever the address: the link is looked up and sent by a job
        request.env["client_hub.magic.link.request"].sudo()._enqueue(email)
        return self._render("client_hub.magic_link_request_sent", {"email": email})

    # ------------------------------------------------------------------ new email address
    @http.route(f"{EMAIL_ROUTE}/<string:token>", type="http", auth="public", methods=["GET"], sitemap=False)
    def email_change(self, token, **kwargs):
        """The link emailed to a new address: a page whose button (a POST) confirms it, so that a
        mail scanner opening the link changes nothing."""
        try:
            partner, email = request.env["res.partner"]._client_hub_email_change_of(token)
        except MagicLinkError as error:
            return self._render("client_hub.magic_link_email_change", {"state": error.reason}, status=403)
        return self._render("client_hub.magic_link_email_change", {
            "state": "ask", "token": token, "email": email, "contact_name": partner.name,
        })

    @http.route(f"{EMAIL_ROUTE}/confirm", type="http", auth="public", methods=["POST"], sitemap=False, csrf=True)
    def email_change_confirm(self, token=None, **kwargs):
        try:
            partner = request.env["res.partner"]._client_hub_confirm_email(token or "")
        except MagicLinkError as error:
            return self._render("client_hub.magic_link_email_change", {"state": error.reason}, status=403)
        return self._render("client_hub.magic_link_email_change", {"state": "done", "email": partner.email})


class MagicLinkAccountPortal(CustomerPortal):
    def _create_or_update_address(self, partner_sudo, *args, **form_data):
        """*My account*: a new email address is kept waiting until the contact opens the link
        sent to it; the rest of the form is saved at once, and the address on file is kept."""
        new_email = form_data.get("email")
        if not (partner_sudo and partner_sudo == request.env.user.partner_id
                and partner_sudo._client_hub_email_needs_confirmation(new_email)):
            return super()._create_or_update_address(partner_sudo, *args, **form_data)
        form_data["email"] = partner_sudo.email or ""
        partner_sudo, feedback = super()._create_or_update_address(partner_sudo, *args, **form_data)
        if feedback.get("redirectUrl") is not None:
            partner_sudo._client_hub_request_email_change(new_email)
            feedback["redirectUrl"] = "/my/account"  # where the page says what happens next
        return partner_sudo, feedback
