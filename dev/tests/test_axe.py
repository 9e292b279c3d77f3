"""axe-core for the portal's accessibility tests: installed from npm at the pinned version, left
alone when that version is there, and a clear word (not a crash) when npm is missing."""
import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from dev import axe


class TestEnsureAxe(unittest.TestCase):
    def setUp(self):
        self.prefix = Path(tempfile.mkdtemp()) / "node"
        package = self.prefix / "node_modules" / "axe-core"
        for name, value in (("NODE_PREFIX", self.prefix), ("AXE_PACKAGE", package)):
            patcher = mock.patch.object(axe, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def ensure(self, npm="/usr/bin/npm"):
        out = io.StringIO()
        with mock.patch.object(axe.shutil, "which", return_value=npm), \
                mock.patch.object(axe, "run") as run, contextlib.redirect_stdout(out):
            axe.ensure_axe()
        return run, out.getvalue()

    def install(self, version):
        axe.AXE_PACKAGE.mkdir(parents=True, exist_ok=True)
        (axe.AXE_PACKAGE / "package.json").write_text(json.dumps({"version": version}), encoding="utf-8")

    def test_installs_the_pinned_version_with_npm(self):
        run, _out = self.ensure()
        command = [str(part) for part in run.call_args.args[0]]
        self.assertEqual(command[:4], ["npm", "install", "--prefix", str(self.prefix)])
        self.assertIn(f"axe-core@{axe.AXE_VERSION}", command)
        self.assertIn("--save-exact", command)

    def test_another_version_is_replaced(self):
        self.install("4.0.0")
        run, _out = self.ensure()
        self.assertIn(f"axe-core@{axe.AXE_VERSION}", [str(part) for part in run.call_args.args[0]])

    def test_pinned_version_present_nothing_to_do(self):
        self.install(axe.AXE_VERSION)
        run, out = self.ensure()
        run.assert_not_called()
        self.assertIn(f"axe-core {axe.AXE_VERSION}: present", out)

    def test_without_npm_says_what_will_fail(self):
        run, out = self.ensure(npm=None)
        run.assert_not_called()
        self.assertIn("the accessibility tests will fail", out)
