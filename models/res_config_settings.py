# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .client_hub_magic_link import DEFAULT_LIFETIME_DAYS, PARAM_LIFETIME, PARAM_SINGLE_USE
from .client_hub_portal_export import DEFAULT_ZIP_SYNC_LIMIT, PARAM_ZIP_SYNC_LIMIT
from .helpdesk_ticket import PARAM_AUTHSERV_ID, PARAM_REOPEN, PARAM_REQUIRE_AUTHENTICATED_STAFF


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    client_hub_magic_link_lifetime_days = fields.Integer(
        string="Portal Link Lifetime (days)",
        config_parameter=PARAM_LIFETIME,
        default=DEFAULT_LIFETIME_DAYS,
        help="How long the sign-in link of a document email stays valid.",
    )
    client_hub_magic_link_single_use = fields.Boolean(
        string="Single-use Portal Links",
        config_parameter=PARAM_SINGLE_USE,
        help="Each link signs in once, after a click on 'Continue to my portal' (so that mail "
        "scanners opening links do not spend them). Off: a link can be used until it expires.",
    )

    client_hub_zip_sync_limit = fields.Integer(
        string="PDFs Rendered While the Client Waits",
        config_parameter=PARAM_ZIP_SYNC_LIMIT,
        default=DEFAULT_ZIP_SYNC_LIMIT,
        help="A portal download that needs more PDFs rendered than this is prepared in the "
        "background: the client follows its progress and is emailed when it is ready.",
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
        config_parameter="client_hub.support_max_upload_mb",
        default=10,
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
        config_parameter=PARAM_AUTHSERV_ID,
        help="The authserv-id your receiving mail server writes first in its Authentication-Results "
        "headers (often its host name). Empty: only the top-most Authentication-Results header counts.",
    )

    def get_values(self):
        res = super().get_values()
        Ticket = self.env["helpdesk.ticket"]
        res["client_hub_support_require_authenticated_staff"] = Ticket._client_hub_require_authenticated_staff()
        res["client_hub_support_reopen_on_reply"] = Ticket._client_hub_reopen_on_reply()
        return res

    def set_values(self):
        result = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for param, value in ((PARAM_REQUIRE_AUTHENTICATED_STAFF, self.client_hub_support_require_authenticated_staff),
                             (PARAM_REOPEN, self.client_hub_support_reopen_on_reply)):
            params.set_param(param, "True" if value else "False")
        return result

    @api.constrains("client_hub_support_max_upload_mb")
    def _check_client_hub_support_max_upload(self):
        for settings in self:
            if not 1 <= settings.client_hub_support_max_upload_mb <= 100:
                raise ValidationError(_("The largest file on a portal ticket must be between 1 and 100 MB."))

    @api.constrains("client_hub_zip_sync_limit")
    def _check_client_hub_zip_sync_limit(self):
        for settings in self:
            if not 0 <= settings.client_hub_zip_sync_limit <= 1000:
                raise ValidationError(
                    _("The number of PDFs rendered while the client waits must be between 0 and 1,000.")
                )

    @api.constrains("client_hub_magic_link_lifetime_days")
    def _check_client_hub_magic_link_lifetime(self):
        for settings in self:
            if not 1 <= settings.client_hub_magic_link_lifetime_days <= 365:
                raise ValidationError(_("The portal link lifetime must be between 1 and 365 days."))
