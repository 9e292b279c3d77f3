# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False):
        """Loading client_hub's terms in a language translates the default reminder levels'
        names too (they are created in Python, for each company)."""
        result = super()._load_module_terms(modules, langs, overwrite=overwrite)
        if "client_hub" in modules and "client_hub.reminder.level" in self.env:
            levels = self.env["client_hub.reminder.level"].sudo().with_context(active_test=False).search([])
            levels._client_hub_translate_default_names([lang for lang in langs if lang != "en_US"])
        return result
