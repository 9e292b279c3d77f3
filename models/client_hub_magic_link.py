# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Passwordless client portal access: signed, expiring "magic links".

A link is a JWT (HS256) signed with a key derived from the database secret for this purpose
alone. Its random id (jti) is stored only as a SHA-256 hash, next to the contact, the expiry,
the origin document and the use counters. The signature is checked before any lookup, so a
forged token costs no query on this model.
"""
import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import jwt

from odoo import _, api, fields, models
from odoo.exceptions import AccessDenied, UserError
from odoo.tools import SQL, email_normalize
from odoo.tools.misc import hmac as odoo_hmac

from ..lib.safe_redirect import PORTAL_LANDING, portal_path

_logger = logging.getLogger(__name__)

JWT_ALGORITHM = "HS256"
KEY_SCOPE = "client_hub.magic_link"
CREDENTIAL_TYPE = "client_hub_magic_link"
ROUTE = "/portal/magic"
MAX_TOKEN_LENGTH = 2048


class MagicLinkError(AccessDenied):
    """A magic link that cannot log anybody in. ``reason`` picks the page the visitor sees:
    invalid (forged, malformed, unknown), expired, used (single use), revoked, unavailable
    (the contact can no longer use the portal)."""

    def __init__(self, reason):
        # Odoo's plain "Access Denied": the routes turn ``reason`` into a translated page, and a
        # forged credential posted to /web/login reads as an ordinary wrong login
        super().__init__()
        self.reason = reason

    def __str__(self):
        return f"magic link refused ({self.reason})"


class ClientHubMagicLink(models.Model):
    _name = "client_hub.magic.link"
    _description = "Client Portal Magic Link"
    _order = "create_date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, ondelete="cascade", readonly=True
    )
    contact_name = fields.Char(related="partner_id.name", string="Contact Name")
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Client"
    )
    email = fields.Char(
        readonly=True, help="Normalized address the link was sent to; it dies if the contact's email changes."
    )
    jti_hash = fields.Char(
        string="Token Fingerprint", required=True, readonly=True, copy=False, groups="base.group_system"
    )
    expires_at = fields.Datetime(string="Expires", required=True, readonly=True)
    single_use = fields.Boolean(readonly=True, help="Spent by its first sign-in.")
    origin_model = fields.Char(readonly=True)
    origin_id = fields.Many2oneReference(model_field="origin_model", readonly=True)
    origin_name = fields.Char(string="Sent With", compute="_compute_origin_name")
    origin_company_id = fields.Many2one(
        "res.company", string="Issuing Company", compute="_compute_origin_company_id", store=True, readonly=True,
        help="The company of the document the link was sent with: its contact's portal may see it.",
    )
    last_used_at = fields.Datetime(string="Last Used", readonly=True)
    use_count = fields.Integer(string="Uses", readonly=True, default=0)
    revoked_at = fields.Datetime(string="Revoked", readonly=True)
    revoke_reason = fields.Selection(
        [
            ("manual", "Revoked by a user"),
            ("archived", "Contact archived"),
            ("portal", "Portal access removed"),
            ("email", "Email address changed"),
        ],
        readonly=True,
    )
    state = fields.Selection(
        [("valid", "Valid"), ("used", "Used"), ("expired", "Expired"), ("revoked", "Revoked")],
        compute="_compute_state",
    )

    _jti_hash_unique = models.Constraint("UNIQUE(jti_hash)", "A magic link id is never reused.")

    @api.depends("origin_model", "origin_id")
    def _compute_origin_name(self):
        names = {}  # (model, id) -> display name, one exists() per model for the whole list
        for model in {m for m in self.mapped("origin_model") if m in self.env}:
            ids = {link.origin_id for link in self if link.origin_model == model and link.origin_id}
            origins = self.env[model].browse(ids).exists()
            readable = origins._filtered_access("read")
            names.update({(model, rec.id): rec.display_name for rec in readable})
        for link in self:
            if not link.origin_model:
                link.origin_name = _("Sign-in request")
            else:
                link.origin_name = names.get((link.origin_model, link.origin_id), False)

    @api.depends("origin_model", "origin_id")
    def _compute_origin_company_id(self):
        for link in self:
            origin = link.origin_model in self.env and self.env[link.origin_model].sudo().browse(link.origin_id)
            company = origin and origin.exists() and "company_id" in origin._fields and origin.company_id
            link.origin_company_id = company or False

    @api.depends("revoked_at", "expires_at", "single_use", "use_count")
    def _compute_state(self):
        now = fields.Datetime.now()
        for link in self:
            if link.revoked_at:
                link.state = "revoked"
            elif link.single_use and link.use_count:
                link.state = "used"
            elif link.expires_at and link.expires_at <= now:
                link.state = "expired"
            else:
                link.state = "valid"

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _lifetime_days(self):
        return self.env["ir.config_parameter"]._client_hub_param("client_hub.magic_link_lifetime_days")

    @api.model
    def _single_use_mode(self):
        return self.env["ir.config_parameter"]._client_hub_param("client_hub.magic_link_single_use")

    # ------------------------------------------------------------------
    # Tokens
    # ------------------------------------------------------------------
    @api.model
    def _signing_key(self):
        """HMAC of the database secret under this feature's own scope: the key signs nothing else,
        and rotating ``database.secret`` invalidates every link."""
        return odoo_hmac(self.env(su=True), KEY_SCOPE, "jwt-hs256-v1")

    @api.model
    def _hash_jti(self, jti):
        return hashlib.sha256(jti.encode()).hexdigest()

    @api.model
    def _verify_jwt(self, token, key, required):
        """Verified claims of a token of this addon signed with ``key`` (HS256 only), carrying
        the ``required`` claims, for this database and a numeric subject; or MagicLinkError
        "expired" or "invalid". Reads nothing from the database."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            raise MagicLinkError("invalid")
        try:
            claims = jwt.decode(token, key, algorithms=[JWT_ALGORITHM], options={"require": list(required)})
        except jwt.ExpiredSignatureError:
            raise MagicLinkError("expired") from None
        except jwt.InvalidTokenError:
            raise MagicLinkError("invalid") from None
        if claims["db"] != self.env.cr.dbname or not str(claims["sub"]).isdigit():
            raise MagicLinkError("invalid")
        return claims

    @api.model
    def _decode(self, token):
        """Verified claims of a sign-in link, or MagicLinkError. Reads nothing of this model: the
        signature, the expiry and the database are checked first."""
        claims = self._verify_jwt(token, self._signing_key(), ("sub", "jti", "iat", "exp", "db"))
        if not isinstance(claims["jti"], str) or len(claims["jti"]) < 22:
            raise MagicLinkError("invalid")
        return claims

    @api.model
    def _issue(self, partner, origin=None):
        """Create a link for ``partner`` (a contact allowed to use the portal); return
        ``(link, token)``. ``origin`` is the document the link is sent with, if any."""
        partner.ensure_one()
        if not partner._client_hub_magic_link_allowed():
            raise UserError(
                _("%(contact)s cannot receive a portal link: the contact needs an email address, "
                  "must be active and must not be an internal user.", contact=partner.display_name)
            )
        now = datetime.now(UTC).replace(microsecond=0)
        expires = now + timedelta(days=self._lifetime_days())
        jti = secrets.token_urlsafe(24)  # 192 random bits
        link = self.sudo().create({
            "partner_id": partner.id,
            "email": partner.email_normalized,
            "jti_hash": self._hash_jti(jti),
            "expires_at": expires.replace(tzinfo=None),
            "single_use": self._single_use_mode(),
            "origin_model": origin._name if origin else False,
            "origin_id": origin.id if origin else False,
        })
        claims = {
            "sub": str(partner.id),
            "jti": jti,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "db": self.env.cr.dbname,
        }
        if company := link.origin_company_id:  # the contact's portal may see the company of the document
            self.env["res.partner"]._client_hub_grant_companies([(partner.commercial_partner_id, company)])
        if link.single_use:
            claims["once"] = True  # the route knows it must ask for a click, without a lookup
        token = jwt.encode(claims, self._signing_key(), algorithm=JWT_ALGORITHM)
        return link, token

    @api.model
    def _url(self, token, redirect=None, base_url=None):
        """Absolute magic-link URL. ``redirect`` must be a portal path (checked again on use)."""
        base_url = base_url or self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        url = f"{base_url.rstrip('/')}{ROUTE}/{quote(token, safe='')}"
        redirect = portal_path(redirect, default=None) if redirect else None
        if redirect and redirect != PORTAL_LANDING:
            url += "?" + urlencode({"redirect": redirect})
        return url

    @api.model
    def _issue_url(self, partner, origin=None, redirect=None):
        return self._url(self._issue(partner, origin=origin)[1], redirect=redirect)

    @api.model
    def _check_token(self, token):
        """The usable link behind ``token`` (sudo), or MagicLinkError."""
        claims = self._decode(token)
        link = self.sudo().search([("jti_hash", "=", self._hash_jti(claims["jti"]))], limit=1)
        if not link or link.partner_id.id != int(claims["sub"]):
            raise MagicLinkError("invalid")
        if link.revoked_at:
            raise MagicLinkError("revoked")
        if link.expires_at <= fields.Datetime.now():
            raise MagicLinkError("expired")
        if link.single_use and link.use_count:
            raise MagicLinkError("used")
        partner = link.partner_id
        if partner.email_normalized != link.email or not partner._client_hub_magic_link_allowed():
            raise MagicLinkError("unavailable")
        return link

    @api.model
    def _consume_token(self, token, partner):
        """Spend one use of ``token`` for ``partner`` in a single statement that re-checks
        everything the link needs (subject, address, expiry, revocation, single use): the sign-in
        itself (res.users._check_credentials) costs one query. Returns the link."""
        claims = self._decode(token)
        if str(partner.id) != claims["sub"] or not partner.email_normalized:
            raise MagicLinkError("invalid")
        self.flush_model()
        link = self._consume_where(SQL(
            "jti_hash = %s AND partner_id = %s AND email = %s AND expires_at > (now() AT TIME ZONE 'UTC')",
            self._hash_jti(claims["jti"]), partner.id, partner.email_normalized,
        ))
        if not link:
            self._check_token(token)  # says why (expired, revoked, used...)
            raise MagicLinkError("invalid")
        return link

    def _consume_where(self, condition):
        """Count one sign-in. Atomic: two concurrent uses of a single-use link spend it once."""
        self.env.cr.execute(SQL(
            """UPDATE client_hub_magic_link
                  SET use_count = COALESCE(use_count, 0) + 1,
                      last_used_at = (now() AT TIME ZONE 'UTC'),
                      write_date = (now() AT TIME ZONE 'UTC')
                WHERE %s
                  AND revoked_at IS NULL
                  AND (single_use IS NOT TRUE OR COALESCE(use_count, 0) = 0)
            RETURNING id""",
            condition,
        ))
        link = self.sudo().browse(row[0] for row in self.env.cr.fetchall())
        link.invalidate_recordset(["use_count", "last_used_at", "write_date"], flush=False)
        return link

    # ------------------------------------------------------------------
    # Revocation
    # ------------------------------------------------------------------
    def _revoke(self, reason):
        links = self.filtered(lambda link: not link.revoked_at)
        if links:
            links.sudo().write({"revoked_at": fields.Datetime.now(), "revoke_reason": reason})
            _logger.info("client_hub: %s magic link(s) revoked (%s)", len(links), reason)
        return links

    @api.model
    def _revoke_for_partners(self, partners, reason):
        if not partners:
            return self
        links = self.sudo().search([("partner_id", "in", partners.ids), ("revoked_at", "=", False)])
        return links._revoke(reason)

    def action_revoke(self):
        self.partner_id.check_access("write")
        self._revoke("manual")

    # ------------------------------------------------------------------
    # Document emails
    # ------------------------------------------------------------------
    @api.model
    def _personalize_notification_groups(self, record, groups, client, path):
        """Split the classified notification groups of ``record`` so that every contact of
        ``client`` allowed to use the portal gets a group of its own whose main button is a
        magic link to ``path``. Internal users and third parties keep their group and links."""
        candidate_ids = {
            data["id"]
            for group in groups
            for data in group["recipients_data"]
            if data.get("id") and data.get("type") != "user"
        }
        if not candidate_ids:
            return groups
        commercial = client.commercial_partner_id
        eligible = {
            partner.id: partner
            for partner in self.env["res.partner"].sudo().browse(candidate_ids)
            if partner.commercial_partner_id == commercial and partner._client_hub_magic_link_allowed()
        }
        if not eligible:
            return groups
        result = []
        for group in groups:
            keep = [data for data in group["recipients_data"] if data.get("id") not in eligible]
            for data in group["recipients_data"]:
                partner = eligible.get(data.get("id"))
                if not partner:
                    continue
                button = dict(group.get("button_access") or {})
                button["url"] = self._issue_url(partner, origin=record, redirect=path)
                button.setdefault("title", _("Open my client portal"))
                result.append({
                    **group,
                    "button_access": button,
                    "has_button_access": True,
                    "recipients_data": [data],
                    "recipients_ids": [data["id"]],
                    "recipients_emails": [],
                })
            if keep or not group["recipients_data"]:
                result.append({
                    **group,
                    "recipients_data": keep,
                    "recipients_ids": [data["id"] for data in keep if data.get("id")],
                })
        return result

    # ------------------------------------------------------------------
    # "Send me a new link"
    # ------------------------------------------------------------------
    @api.model
    def _find_contact_by_email(self, email):
        """The client contact an address belongs to, or an empty recordset."""
        normalized = email_normalize(email or "", strict=True)
        if not normalized:
            return self.env["res.partner"]
        contacts = self.env["res.partner"].sudo().search(
            [("email_normalized", "=", normalized), ("commercial_partner_id.customer_rank", ">", 0)],
            order="id",
        )
        contacts = contacts.filtered(lambda p: p._client_hub_magic_link_allowed())
        with_user = contacts.filtered("user_ids")
        return (with_user or contacts)[:1]
