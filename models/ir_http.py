# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.http import request


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
    def _get_translation_frontend_modules_name(cls):
        """The portal's scripts are translated from these modules only (``/website/translations``):
        add the ticket page's chat (mail: "The conversation is empty."...) and helpdesk_mgmt's
        new-ticket form."""
        return [*super()._get_translation_frontend_modules_name(), "mail", "helpdesk_mgmt"]
