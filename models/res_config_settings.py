# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .client_hub_magic_link import DEFAULT_LIFETIME_DAYS, PARAM_LIFETIME, PARAM_SINGLE_USE


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

    @api.constrains("client_hub_magic_link_lifetime_days")
    def _check_client_hub_magic_link_lifetime(self):
        for settings in self:
            if not 1 <= settings.client_hub_magic_link_lifetime_days <= 365:
                raise ValidationError(_("The portal link lifetime must be between 1 and 365 days."))
