# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A contact's new email address, typed in the portal's *My account*, is used only once the
contact proved it reads it: until then sign-in links (and every email) go to the address on file.

The new address waits in ``client_hub_pending_email``; a link to confirm it is emailed to that
address. The link is a JWT signed with a key of its own (it can never sign anybody in), naming
the contact, the new address and an expiry; it works only while that address is still the one
waiting, so a later change, or a confirmation, spends it."""
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import jwt

from odoo import api, fields, models
from odoo.tools import email_normalize
from odoo.tools.misc import hmac as odoo_hmac

from .client_hub_magic_link import JWT_ALGORITHM, KEY_SCOPE, ROUTE, MagicLinkError

_logger = logging.getLogger(__name__)

EMAIL_CONFIRM_DAYS = 3
EMAIL_ROUTE = f"{ROUTE}/email"


class ResPartner(models.Model):
    _inherit = "res.partner"

    client_hub_pending_email = fields.Char(
        string="New Email Awaiting Confirmation",
        readonly=True,
        copy=False,
        help="Typed by the contact in its portal account; it replaces the email once the contact "
        "opens the confirmation link sent to it.",
    )

    # ------------------------------------------------------------------ tokens
    @api.model
    def _client_hub_email_key(self):
        return odoo_hmac(self.env(su=True), KEY_SCOPE, "email-confirm-hs256-v1")

    def _client_hub_email_token(self, email):
        self.ensure_one()
        now = datetime.now(UTC)
        claims = {
            "sub": str(self.id),
            "email": email,
            "exp": int((now + timedelta(days=EMAIL_CONFIRM_DAYS)).timestamp()),
            "db": self.env.cr.dbname,
        }
        return jwt.encode(claims, self._client_hub_email_key(), algorithm=JWT_ALGORITHM)

    @api.model
    def _client_hub_email_change_of(self, token):
        """(contact, new address) a confirmation token is for, or MagicLinkError: "expired", or
        "invalid" (forged, another database, or no longer the address waiting)."""
        claims = self.env["client_hub.magic.link"]._verify_jwt(
            token, self._client_hub_email_key(), ("sub", "email", "exp", "db")
        )
        partner = self.sudo().browse(int(claims["sub"])).exists()
        if not partner or email_normalize(partner.client_hub_pending_email or "") != claims["email"]:
            raise MagicLinkError("invalid")
        return partner, partner.client_hub_pending_email

    # ------------------------------------------------------------------ the change
    def _client_hub_email_needs_confirmation(self, email):
        """Whether ``email``, typed in the portal for this contact, must be confirmed first: a
        valid address other than the current one, for a contact that can get sign-in links."""
        self.ensure_one()
        normalized = email_normalize(email or "", strict=True)
        return bool(normalized) and normalized != self.email_normalized and (
            self._client_hub_magic_link_allowed() or not self.email_normalized
        )

    def _client_hub_request_email_change(self, email):
        """Keep ``email`` waiting and send it the confirmation link (queued; the mail queue is
        woken at once)."""
        self.ensure_one()
        email = email.strip()
        partner = self.sudo()
        partner.client_hub_pending_email = email
        token = partner._client_hub_email_token(email_normalize(email, strict=True))
        base_url = partner.get_base_url().rstrip("/")
        template = self.env.ref("client_hub.mail_template_email_confirm").sudo()
        template.with_context(client_hub_confirm_url=f"{base_url}{EMAIL_ROUTE}/{quote(token, safe='')}").send_mail(
            partner.id, force_send=False, email_layout_xmlid="mail.mail_notification_light"
        )
        self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        _logger.info("client_hub: contact %s asked to change its email; confirmation sent", partner.id)

    @api.model
    def _client_hub_confirm_email(self, token):
        """Apply the change a confirmation token names; returns the contact. (Writing the email
        revokes the links sent to the former address.)"""
        partner, email = self._client_hub_email_change_of(token)
        partner.write({"email": email, "client_hub_pending_email": False})
        _logger.info("client_hub: contact %s confirmed its new email", partner.id)
        return partner

    def write(self, vals):
        """An address set otherwise (from the backend, or by the confirmation) ends the wait."""
        waiting = self.env["res.partner"]
        if "email" in vals and "client_hub_pending_email" not in vals:
            new = email_normalize(vals["email"] or "")
            waiting = self.filtered(lambda p: p.client_hub_pending_email and p.email_normalized != new)
        res = super().write(vals)
        if waiting:
            waiting.write({"client_hub_pending_email": False})
        return res
