"""The tooling's layout: a package of modules by concern that never imports odoo, and lib/ that
keeps only the addon's framework-free logic."""
import ast
import subprocess
import sys
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEV = REPO / "dev"

# what blocks `import odoo` in a child interpreter, as on a machine without Odoo
NO_ODOO = """
import importlib.abc, sys
class NoOdoo(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "odoo" or name.startswith("odoo."):
            raise ImportError("odoo is not installed here")
sys.meta_path.insert(0, NoOdoo())
"""


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def lib_modules_imported(path: Path) -> set[str]:
    """The lib/ modules a file imports, however it spells it: `from ..lib import po`,
    `from ..lib.po import x`, `from lib import po` (pure tests), `odoo.addons.client_hub.lib.po`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if "lib" not in parts:
                continue
            rest = parts[parts.index("lib") + 1:]
            relative_or_ours = node.level > 0 or parts[0] == "lib" or node.module.startswith("odoo.addons.client_hub.")
            if relative_or_ours:
                found.update(rest[:1] or [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "lib" and len(parts) > 1:
                    found.add(parts[1])
    return found


class TestLayout(unittest.TestCase):
    def test_no_tooling_module_imports_odoo(self):
        for path in [*DEV.glob("*.py"), *DEV.glob("tests/*.py")]:
            odoo = [n for n in imported_modules(path) if n.split(".")[0] == "odoo"]
            self.assertFalse(odoo, f"{path.relative_to(REPO)} imports {odoo}")

    def test_every_module_and_pure_test_imports_without_odoo(self):
        modules = [f"dev.{p.stem}" for p in sorted(DEV.glob("*.py")) if p.stem != "__init__"]
        tests = [p.stem for p in sorted((REPO / "tests" / "pure").glob("test_*.py"))]
        code = NO_ODOO + (
            "import importlib\n"
            f"sys.path[:0] = [{str(REPO)!r}, {str(REPO / 'tests' / 'pure')!r}]\n"
            f"for name in {modules + tests!r}:\n"
            "    importlib.import_module(name)\n"
            "assert not [m for m in sys.modules if m == 'odoo' or m.startswith('odoo.')]\n"
            "print('ok')\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=False)
        self.assertEqual(out.stdout.strip(), "ok", out.stderr)

    def test_lib_keeps_only_the_addons_logic(self):
        """lib/ is the addon's framework-free logic: every module of it is imported by the addon's
        own code (models, controllers, wizards, the seeder, the addon's Odoo tests), never by the
        developer tooling alone; the tooling may use what the addon has (dev/i18n.py reads PO
        files with lib/po.py, which tests/test_i18n.py uses in the Odoo tier)."""
        modules = sorted(p.stem for p in (REPO / "lib").glob("*.py") if p.stem != "__init__")
        by_addon, by_tooling = set(), set()
        for path in REPO.rglob("*.py"):
            parts = path.relative_to(REPO).parts
            if {"var", ".git", "lib"} & set(parts):
                continue
            tooling = parts[0] in ("dev", "bench") or parts[:2] == ("tests", "pure")
            for name in lib_modules_imported(path):
                (by_tooling if tooling else by_addon).add(name)
        for module in modules:
            with self.subTest(module):
                self.assertIn(module, by_addon, f"lib/{module}.py is imported by no addon code: it belongs in dev/")
        self.assertLessEqual(by_tooling, by_addon, "the tooling imports lib/ modules the addon does not use")
        self.assertIn("po", by_tooling & by_addon)  # the one lib/ module dev/ uses (make i18n)

    def test_lib_imports_neither_odoo_nor_the_tooling(self):
        for path in (REPO / "lib").glob("*.py"):
            roots = {n.split(".")[0] for n in imported_modules(path)}
            self.assertFalse(roots & {"odoo", "dev"}, f"lib/{path.name} imports {roots & {'odoo', 'dev'}}")

    def test_no_tooling_module_over_300_lines(self):
        """dev/ stays a package of small modules, one concern each."""
        for path in [*DEV.glob("*.py"), *DEV.glob("tests/*.py")]:
            with self.subTest(path.name):
                lines = len(path.read_text(encoding="utf-8").splitlines())
                self.assertLessEqual(lines, 300, f"{path.relative_to(REPO)} has {lines} lines: split it by concern")

    def test_tooling_tests_live_in_dev(self):
        self.assertFalse(list((REPO / "tests" / "pure").glob("test_manage*.py")))
        self.assertFalse(list((REPO / "tests" / "pure").glob("test_testsummary.py")))
