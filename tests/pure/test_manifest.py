"""The addon's manifest and file layout, checked without Odoo."""
import ast
import glob
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OSI = {"AGPL-3", "LGPL-3", "GPL-3", "GPL-3 or any later version", "MIT", "Apache-2.0"}


class TestManifest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.manifest = ast.literal_eval((REPO / "__manifest__.py").read_text(encoding="utf-8"))

    def test_identity(self):
        self.assertEqual(self.manifest["version"], "19.0.1.0.0")
        self.assertIn(self.manifest["license"], OSI)
        self.assertTrue(self.manifest["installable"])

    def test_dependencies(self):
        for dep in ("account_payment", "payment_stripe", "sale_management", "portal", "mail",
                    "base_vat", "helpdesk_mgmt"):
            self.assertIn(dep, self.manifest["depends"])
        self.assertIn("pyjwt", self.manifest["external_dependencies"]["python"])
        reqs = (REPO / "requirements.txt").read_text(encoding="utf-8")
        self.assertIn("PyJWT==", reqs)
        self.assertIn("helpdesk_mgmt==19.0.", reqs)

    def test_data_files_exist(self):
        for key in ("data", "demo"):
            for rel in self.manifest.get(key, []):
                self.assertTrue((REPO / rel).is_file(), rel)

    def test_assets_match_files(self):
        for bundle, patterns in self.manifest.get("assets", {}).items():
            for pattern in patterns:
                rel = pattern.split("/", 1)[1]
                self.assertTrue(glob.glob(str(REPO / rel), recursive=True), f"{bundle}: {pattern}")

    def test_layout(self):
        for folder in ("models", "controllers", "views", "security", "data", "report", "static",
                       "tests", "i18n"):
            self.assertTrue((REPO / folder).is_dir(), folder)
        for path in ("README.md", ".ci/run", "Makefile", "i18n/fr.po", "i18n/client_hub.pot",
                     "security/ir.model.access.csv"):
            self.assertTrue((REPO / path).exists(), path)

    def test_pure_library_never_imports_odoo(self):
        for path in (REPO / "lib").glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                self.assertFalse([n for n in names if n.split(".")[0] == "odoo"], path.name)


class TestModelConventions(unittest.TestCase):
    """OCA conventions for the models the addon creates (``_name`` without ``_inherit`` of itself).
    Report models (``report.client_hub.<template>``, abstract: no table, so no access rights or
    record rule) are named after their QWeb template: ``models/<template>.py``."""

    REPORT_PREFIX = "report.client_hub."

    @classmethod
    def setUpClass(cls):
        cls.models = {}
        cls.report_models = {}
        for path in (REPO / "models").glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_name" for t in node.targets):
                    name = node.value.value
                    found = cls.report_models if name.startswith(cls.REPORT_PREFIX) else cls.models
                    found[name] = path

    def test_report_models_named_after_their_template(self):
        for name, path in self.report_models.items():
            self.assertEqual(path.stem, name.removeprefix(self.REPORT_PREFIX), name)
            self.assertIn("models.AbstractModel", path.read_text(encoding="utf-8"), name)

    def test_one_model_per_file_named_after_it(self):
        self.assertTrue(self.models, "no model found")
        for name, path in self.models.items():
            self.assertEqual(path.stem, name.replace(".", "_"), name)

    def test_every_model_has_access_rights_and_a_record_rule(self):
        acl = (REPO / "security" / "ir.model.access.csv").read_text(encoding="utf-8")
        rules = (REPO / "security" / "client_hub_security.xml").read_text(encoding="utf-8")
        for name in self.models:
            xmlid = "model_" + name.replace(".", "_")
            self.assertIn(f",{xmlid},", acl, f"{name}: no line in ir.model.access.csv")
            self.assertIn(f'ref="{xmlid}"', rules, f"{name}: no record rule")
