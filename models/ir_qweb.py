# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..lib.statement import STATEMENT_URL


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _prepare_environment(self, values):
        # the portal's pages link to the client's statement by its one URL, wherever they render
        values.setdefault("client_hub_statement_url", STATEMENT_URL)
        return super()._prepare_environment(values)
