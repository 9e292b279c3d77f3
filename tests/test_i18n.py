# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from pathlib import Path

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

from ..lib import po

I18N = Path(__file__).resolve().parent.parent / "i18n"


@tagged("post_install", "-at_install")
class TestFrenchTranslation(TransactionCase):
    """Every term Odoo would export for client_hub is in the .pot and translated in fr.po."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reader = TranslationModuleReader(cls.env.cr, ["client_hub"])
        cls.terms = {row[4] for row in reader if row[0] == "client_hub"}

    def test_terms_exported(self):
        self.assertTrue(self.terms, "client_hub has translatable terms (menus, actions, code)")
        exported = {entry.msgid for entry in po.read(I18N / "client_hub.pot")}
        missing = sorted(self.terms - exported)
        self.assertFalse(missing, f"i18n/client_hub.pot is stale, run `make i18n`: {missing}")

    def test_french_complete(self):
        translated = {
            entry.msgid for entry in po.read(I18N / "fr.po") if entry.msgstr.strip() and not entry.fuzzy
        }
        missing = sorted(self.terms - translated)
        self.assertFalse(missing, f"French translation missing in i18n/fr.po for: {missing}")

    def test_french_loaded(self):
        """fr.po loads into the database: the app menu reads in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["client_hub"], ["fr_FR"], overwrite=True)
        menu = self.env.ref("client_hub.menu_client_hub_root").with_context(lang="fr_FR")
        self.assertEqual(menu.name, "Espace clients")
        action = self.env.ref("client_hub.action_client_hub_clients").with_context(lang="fr_FR")
        self.assertIn("Créez votre premier client", action.help)
