"""The lint's configuration: OCA's pre-commit hooks, each a local hook with pinned tools (this
project's machines reach PyPI and npm, not github.com), and the OCA module check's wrapper."""
import re
import unittest
from pathlib import Path

from dev import lint

REPO = Path(__file__).resolve().parents[2]
CONFIG = (REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8")


class TestPreCommitConfig(unittest.TestCase):
    def test_every_hook_is_local(self):
        repos = re.findall(r"^\s*- repo: (\S+)", CONFIG, re.MULTILINE)
        self.assertTrue(repos)
        self.assertEqual(set(repos), {"local"}, "a remote hook repository is fetched from github.com")

    def test_every_tool_is_pinned(self):
        deps = re.findall(r'"([^"]+)"', "\n".join(re.findall(r"additional_dependencies:(.*(?:\n\s+- .*)*)", CONFIG)))
        self.assertTrue(deps)
        for dep in deps:
            with self.subTest(dep):
                self.assertRegex(dep, r"^(@?[\w.-]+(/[\w.-]+)?@\d[\w.]*|[\w.-]+==\d[\w.]*)$")

    def test_oca_hooks_and_linters_are_there(self):
        for hook in ("oca-checks-odoo-module", "oca-checks-po", "eslint", "prettier", "ruff", "pylint_odoo",
                     "trailing-whitespace", "end-of-file-fixer", "check-xml", "debug-statements"):
            self.assertRegex(CONFIG, rf"- id: {re.escape(hook)}\n")

    def test_pre_commit_is_pinned(self):
        self.assertRegex((REPO / "requirements-lint.txt").read_text(encoding="utf-8"), r"(?m)^pre-commit==\d")
        self.assertEqual(lint.PRE_COMMIT_HOME.parent.name, "var")  # what the commands create stays in var/

    def test_oca_module_check_sees_the_root_addon(self):
        """OCA's hook stops below the git top-level; the wrapper lets it find the root manifest."""
        wrapper = (REPO / "dev" / "oca_checks_odoo_module.py").read_text(encoding="utf-8")
        self.assertIn("utils.top_path = ", wrapper)
        self.assertIn("entry: python dev/oca_checks_odoo_module.py", CONFIG)


if __name__ == "__main__":
    unittest.main()
