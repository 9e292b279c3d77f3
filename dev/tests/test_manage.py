"""How the developer commands find Odoo 19 and what they say when they can't."""
import contextlib
import io
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from dev import bootstrap, demo, manage, odoo_runtime, odoo_source, testing, testsummary
from dev.common import SetupError


def fake_odoo(version: int) -> Path:
    root = Path(tempfile.mkdtemp())
    (root / "odoo").mkdir()
    (root / "odoo" / "release.py").write_text(
        f"version_info = ({version}, 0, 0, 'final', 0, '')\n", encoding="utf-8")
    (root / "odoo-bin").write_text("#!/usr/bin/env python3\n", encoding="utf-8")
    (root / "addons").mkdir()
    return root


class TestFindOdoo(unittest.TestCase):
    def setUp(self):
        nowhere = Path(tempfile.mkdtemp())
        patches = [
            mock.patch.object(odoo_source, "CONVENTIONAL_SRC", nowhere / "19.0"),
            mock.patch.object(odoo_source, "VAR", nowhere / "var"),
            mock.patch.object(odoo_source, "venv_candidates", lambda: []),
            mock.patch.object(odoo_source, "probe_python", lambda python, code: None),
            mock.patch.dict(os.environ, {}, clear=False),
        ]
        for p in patches:
            p.start()
            self.addCleanup(p.stop)
        os.environ.pop("ODOO_SRC", None)

    def test_odoo_src_first(self):
        src = fake_odoo(19)
        os.environ["ODOO_SRC"] = str(src)
        odoo = odoo_source.find_odoo()
        self.assertEqual(odoo.src, src.resolve())
        self.assertIn("ODOO_SRC", odoo.origin)
        self.assertEqual(odoo.command[-1], str(src.resolve() / "odoo-bin"))
        self.assertEqual(odoo.addons_paths, [src.resolve() / "addons"])

    def test_odoo_src_wrong_version_is_an_error(self):
        os.environ["ODOO_SRC"] = str(fake_odoo(18))
        with self.assertRaisesRegex(SetupError, "found Odoo 18"):
            odoo_source.find_odoo()
        os.environ["ODOO_SRC"] = tempfile.mkdtemp()
        with self.assertRaisesRegex(SetupError, "release.py missing"):
            odoo_source.find_odoo()

    def test_conventional_location(self):
        src = fake_odoo(19)
        with mock.patch.object(odoo_source, "CONVENTIONAL_SRC", src):
            odoo = odoo_source.find_odoo()
        self.assertEqual(odoo.src, src)
        self.assertIn("conventional", odoo.origin)

    def test_importable_odoo(self):
        src = fake_odoo(19)
        answer = f"19 {src}"
        with mock.patch.object(odoo_source, "probe_python", lambda python, code: answer if "release" in code else None):
            odoo = odoo_source.find_odoo()
        self.assertIn("importable", odoo.origin)
        self.assertEqual(odoo.src, src)

    def test_nothing_found_explains_every_option(self):
        self.assertIsNone(odoo_source.find_odoo())
        text = odoo_source.NO_ODOO_HELP.format(url=odoo_source.OFFICIAL_GIT)
        for option in ("ODOO_SRC", "/opt/odoo/19.0", "import odoo", "official source", "make setup"):
            self.assertIn(option, text)

    def test_test_command_skips_odoo_tier_loudly(self):
        """Without Odoo, `test` runs the pure tier, says why the Odoo tier was skipped, and
        still ends with the summary line."""
        out = io.StringIO()
        setup = mock.Mock(return_value=2)  # what setup answers without Odoo (its banner aside)
        with mock.patch.object(testing, "run_pure_tier", lambda: testsummary.Counts(4, 0, 0)), \
                mock.patch.object(testing.Path, "mkdir", lambda *a, **k: None), \
                mock.patch.object(bootstrap, "setup", setup), \
                contextlib.redirect_stdout(out):
            rc = manage.main(["test"])
        text = out.getvalue()
        setup.assert_called_once_with(before="test")  # `make test` prepares itself first
        self.assertIn("setup did not complete", text)
        self.assertEqual(rc, 0)
        self.assertIn("ODOO TIER SKIPPED", text)
        self.assertIn("No Odoo 19 was found", text)
        self.assertEqual(text.strip().splitlines()[-1], "4 passed, 0 failed, 0 skipped")


class TestCommandsSetUpFirst(unittest.TestCase):
    def test_pure_only_and_no_setup_skip_it(self):
        for argv in (["test", "--pure-only"], ["test", "--no-setup", "--pure-only"]):
            with mock.patch.object(bootstrap, "setup", side_effect=AssertionError("no setup")), \
                    mock.patch.object(testing, "run_pure_tier", lambda: testsummary.Counts(1, 0, 0)), \
                    contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(manage.main(argv), 0)

    def test_run_stops_when_setup_cannot_complete(self):
        with mock.patch.object(demo, "preflight", lambda args: None), \
                mock.patch.object(bootstrap, "setup", mock.Mock(return_value=2)) as setup, \
                mock.patch.object(demo, "context", side_effect=AssertionError("no database work")), \
                contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(manage.main(["run"]), 2)
        setup.assert_called_once_with(before="run")


class TestSetupWithoutOdoo(TestFindOdoo):
    def test_setup_says_what_is_missing(self):
        out = io.StringIO()
        os.environ["CLIENT_HUB_NO_FETCH"] = "1"
        self.addCleanup(os.environ.pop, "CLIENT_HUB_NO_FETCH", None)
        with mock.patch.object(bootstrap, "ensure_system_packages", lambda: None), \
                contextlib.redirect_stdout(out):
            rc = manage.main(["setup"])
        self.assertEqual(rc, 2)
        self.assertIn("SETUP INCOMPLETE: Odoo 19 not found", out.getvalue())
        self.assertIn("ODOO_SRC=", out.getvalue())


class TestLinkAddon(unittest.TestCase):
    def test_only_addon_entries_are_linked(self):
        """Odoo walks the addon folder (translation export follows links): ./var, the developer
        tooling and dotfiles must stay out of it."""
        repo = Path(tempfile.mkdtemp())
        for name in ("models", "views", "var", "dev", "bench", "docs", ".git"):
            (repo / name).mkdir()
        for name in ("__manifest__.py", "__init__.py", "Makefile", "pyproject.toml", "README.md"):
            (repo / name).write_text("", encoding="utf-8")
        with mock.patch.object(odoo_runtime, "REPO", repo), mock.patch.object(odoo_runtime, "VAR", repo / "var"):
            addons = odoo_runtime.link_addon()
            (repo / "models").rename(repo / "models_renamed")  # entries that go away are unlinked
            addons = odoo_runtime.link_addon()
        linked = {p.name: p for p in (addons / "client_hub").iterdir()}
        self.assertEqual(set(linked), {"models_renamed", "views", "__manifest__.py", "__init__.py", "README.md"})
        self.assertTrue(all(p.is_symlink() for p in linked.values()))
        self.assertEqual(linked["views"].resolve(), (repo / "views").resolve())


class TestPrivateFiles(unittest.TestCase):
    def test_logs_are_private(self):
        """Logs written before are made 0600, and everything the commands (and the servers they
        start) create afterwards is 0600 too: the umask is inherited by child processes."""
        logs = Path(tempfile.mkdtemp()) / "logs"
        (logs / "load").mkdir(parents=True)
        old = logs / "demo-server.log"
        old.write_text("GET /portal/magic/x\n", encoding="utf-8")
        old.chmod(0o644)
        (logs / "load" / "server.log").write_text("", encoding="utf-8")
        previous = os.umask(0o022)
        try:
            manage.private_files(logs)
            new = logs / "new.log"
            with new.open("w", encoding="utf-8"):
                pass
            import subprocess
            subprocess.run(["touch", str(logs / "child.log")], check=True)
        finally:
            os.umask(previous)
        for path in (old, new, logs / "child.log", logs / "load" / "server.log"):
            self.assertEqual(path.stat().st_mode & 0o777, 0o600, path.name)
        self.assertEqual(logs.stat().st_mode & 0o777, 0o700)
