# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import api, models


class IrFilters(models.Model):
    _inherit = "ir.filters"

    @api.model
    def get_filters(self, model, action_id=None, embedded_action_id=None, embedded_parent_res_id=None):
        """Favorites that sort by a field the user may not read are left out of its search bar:
        applying one would only raise an access error (the clients' figures, for salespeople
        without accounting rights)."""
        filters = super().get_filters(
            model, action_id=action_id, embedded_action_id=embedded_action_id,
            embedded_parent_res_id=embedded_parent_res_id,
        )
        if model not in self.env:
            return filters
        records = self.env[model]

        def readable(favorite):
            try:
                terms = json.loads(favorite.get("sort") or "[]")
            except ValueError:
                return True  # the web client ignores it too
            for term in terms if isinstance(terms, list) else ():
                field = records._fields.get(str(term).split(" ")[0].lstrip("-"))
                if field and not records._has_field_access(field, "read"):
                    return False
            return True

        return [favorite for favorite in filters if readable(favorite)]
