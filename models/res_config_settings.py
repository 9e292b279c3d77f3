# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from .ir_config_parameter import CLIENT_HUB_PARAMS

LIFETIME = "client_hub.magic_link_lifetime_days"
SINGLE_USE = "client_hub.magic_link_single_use"
ZIP_SYNC_LIMIT = "client_hub.zip_sync_limit"
REOPEN = "client_hub.support_reopen_on_reply"
MAX_UPLOAD_MB = "client_hub.support_max_upload_mb"
REQUIRE_AUTHENTICATED_STAFF = "client_hub.support_require_authenticated_staff"
AUTHSERV_ID = "client_hub.support_authserv_id"
REMINDER_MIN_DAYS = "client_hub.reminder_min_days"
# the two default-on booleans, stored as "True"/"False" (see get_values/set_values)
STORED_AS_TEXT = {
    "client_hub_support_require_authenticated_staff": REQUIRE_AUTHENTICATED_STAFF,
    "client_hub_support_reopen_on_reply": REOPEN,
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    client_hub_magic_link_lifetime_days = fields.Integer(
        string="Portal Link Lifetime (days)",
        config_parameter=LIFETIME,
        default=CLIENT_HUB_PARAMS[LIFETIME].default,
        help="How long the sign-in link of a document email stays valid.",
    )
    client_hub_magic_link_single_use = fields.Boolean(
        string="Single-use Portal Links",
        config_parameter=SINGLE_USE,
        default=CLIENT_HUB_PARAMS[SINGLE_USE].default,
        help="Each link signs in once, after a click on 'Continue to my portal' (so that mail "
        "scanners opening links do not spend them). Off: a link can be used until it expires.",
    )

    client_hub_zip_sync_limit = fields.Integer(
        string="PDFs Rendered While the Client Waits",
        config_parameter=ZIP_SYNC_LIMIT,
        default=CLIENT_HUB_PARAMS[ZIP_SYNC_LIMIT].default,
        help="A portal download that needs more PDFs rendered than this is prepared in the "
        "background: the client follows its progress and is emailed when it is ready.",
    )

    client_hub_reminder_min_days = fields.Integer(
        string="Days Between Two Payment Reminders",
        config_parameter=REMINDER_MIN_DAYS,
        default=CLIENT_HUB_PARAMS[REMINDER_MIN_DAYS].default,
        help="A client gets at most one payment reminder email from a company in this many days.",
    )

    client_hub_support_reopen_on_reply = fields.Boolean(
        string="Client Replies Reopen Closed Tickets",
        help="When a client answers a closed ticket (by email or from the portal), the ticket goes "
        "back to its team's first open stage.",
    )
    client_hub_support_team_id = fields.Many2one(
        related="company_id.client_hub_support_team_id",
        readonly=False,
    )
    client_hub_support_max_upload_mb = fields.Integer(
        string="Largest File on a Portal Ticket (MB)",
        config_parameter=MAX_UPLOAD_MB,
        default=CLIENT_HUB_PARAMS[MAX_UPLOAD_MB].default,
        help="Files a client attaches to a ticket from the portal: at most this size each.",
    )

    # on by default, these two are stored as "True"/"False": a Boolean config_parameter deletes
    # the parameter when unticked, which reads back as the default (on): they could not be turned off
    client_hub_support_require_authenticated_staff = fields.Boolean(
        string="Team Emails Must Be Authenticated",
        help="An email to a ticket from a team member's address speaks for the team only when the "
        "receiving mail server says it passed DMARC (or SPF and DKIM) in its Authentication-Results "
        "header; otherwise it is kept as a flagged internal note, never sent to the client.",
    )
    client_hub_support_authserv_id = fields.Char(
        string="Trusted Authentication Server",
        config_parameter=AUTHSERV_ID,
        help="The authserv-id your receiving mail server writes first in its Authentication-Results "
        "headers (often its host name). Empty: only the top-most Authentication-Results header counts.",
    )

    def get_values(self):
        res = super().get_values()
        params = self.env["ir.config_parameter"]
        for field_name, key in STORED_AS_TEXT.items():
            res[field_name] = params._client_hub_param(key)
        return res

    def set_values(self):
        result = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for field_name, key in STORED_AS_TEXT.items():
            params.set_param(key, "True" if self[field_name] else "False")
        return result

    def _client_hub_bounds_if_outside(self, field_name, key):
        """The bounds of ``key`` (``low``, ``high``, formatted) when a record's value is outside them."""
        param = CLIENT_HUB_PARAMS[key]
        if any(not param.low <= settings[field_name] <= param.high for settings in self):
            return {bound: formatLang(self.env, getattr(param, bound), digits=0) for bound in ("low", "high")}
        return None

    @api.constrains("client_hub_support_max_upload_mb")
    def _check_client_hub_support_max_upload(self):
        if bounds := self._client_hub_bounds_if_outside("client_hub_support_max_upload_mb", MAX_UPLOAD_MB):
            raise ValidationError(_("The largest file on a portal ticket must be between %(low)s and %(high)s MB.",
                                    **bounds))

    @api.constrains("client_hub_zip_sync_limit")
    def _check_client_hub_zip_sync_limit(self):
        if bounds := self._client_hub_bounds_if_outside("client_hub_zip_sync_limit", ZIP_SYNC_LIMIT):
            raise ValidationError(_(
                "The number of PDFs rendered while the client waits must be between %(low)s and %(high)s.", **bounds
            ))

    @api.constrains("client_hub_reminder_min_days")
    def _check_client_hub_reminder_min_days(self):
        if bounds := self._client_hub_bounds_if_outside("client_hub_reminder_min_days", REMINDER_MIN_DAYS):
            raise ValidationError(_("The days between two payment reminders must be between %(low)s and %(high)s.",
                                    **bounds))

    @api.constrains("client_hub_magic_link_lifetime_days")
    def _check_client_hub_magic_link_lifetime(self):
        if bounds := self._client_hub_bounds_if_outside("client_hub_magic_link_lifetime_days", LIFETIME):
            raise ValidationError(_("The portal link lifetime must be between %(low)s and %(high)s days.", **bounds))
