# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False):
        """A language loaded after the addon (the demo's French) brings Odoo's text of the
        payment receipt template, whose greeting names the payment's partner: it greets the
        recipient again (see ``account.payment._client_hub_receipt_greets_recipient``)."""
        result = super()._load_module_terms(modules, langs, overwrite=overwrite)
        self.env["account.payment"]._client_hub_receipt_greets_recipient()
        return result
