# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""client_hub's system parameters: each one's key, type, default and bounds in one table, read
through one method, so that the settings screen and every reader agree."""
from collections import namedtuple

from odoo import api, models
from odoo.tools import str2bool

Param = namedtuple("Param", "kind default low high", defaults=(None, None))

CLIENT_HUB_PARAMS = {
    "client_hub.magic_link_lifetime_days": Param("int", 30, 1, 365),
    "client_hub.magic_link_single_use": Param("bool", False),
    "client_hub.magic_link_max_failures": Param("int", 10, 1),
    "client_hub.magic_link_max_requests": Param("int", 5, 1),
    "client_hub.zip_sync_limit": Param("int", 1, 0, 1000),  # PDFs rendered while a client waits
    "client_hub.support_reopen_on_reply": Param("bool", True),
    "client_hub.support_require_authenticated_staff": Param("bool", True),
    "client_hub.support_authserv_id": Param("str", ""),
    "client_hub.support_max_upload_mb": Param("int", 10, 1, 100),
    "client_hub.reminder_min_days": Param("int", 3, 0, 365),
}


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model
    def _client_hub_param(self, key):
        """The value of client_hub's parameter ``key``, parsed; its default when unset or invalid."""
        param = CLIENT_HUB_PARAMS[key]
        value = self.sudo().get_param(key)
        if value in (False, None, ""):
            return param.default
        if param.kind == "bool":
            return str2bool(value, param.default)
        if param.kind == "str":
            return value.strip()
        try:
            number = int(value)
        except ValueError:
            return param.default
        if (param.low is not None and number < param.low) or (param.high is not None and number > param.high):
            return param.default
        return number
