"""The tooling's layout: a package of modules by concern that never imports odoo, and lib/ that
keeps only the addon's framework-free logic."""
import ast
import re
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
        """Every module of lib/ is imported by the addon's own code (models, controllers, seeder,
        the addon's Odoo tests), none by the developer tooling alone."""
        addon_code = "\n".join(
            p.read_text(encoding="utf-8") for p in REPO.rglob("*.py")
            if not {"lib", "dev", "bench", "pure", "var", ".git"} & set(p.relative_to(REPO).parts)
        )
        for module in sorted((REPO / "lib").glob("*.py")):
            if module.stem == "__init__":
                continue
            with self.subTest(module.name):
                pattern = rf"from \.+lib(\.{module.stem} import|\s+import\s+{module.stem}\b)"
                self.assertTrue(re.search(pattern, addon_code), f"lib/{module.name} is imported by no addon code")

    def test_no_tooling_module_over_300_lines(self):
        """dev/ stays a package of small modules, one concern each."""
        for path in [*DEV.glob("*.py"), *DEV.glob("tests/*.py")]:
            with self.subTest(path.name):
                lines = len(path.read_text(encoding="utf-8").splitlines())
                self.assertLessEqual(lines, 300, f"{path.relative_to(REPO)} has {lines} lines: split it by concern")

    def test_tooling_tests_live_in_dev(self):
        self.assertFalse(list((REPO / "tests" / "pure").glob("test_manage*.py")))
        self.assertFalse(list((REPO / "tests" / "pure").glob("test_testsummary.py")))
