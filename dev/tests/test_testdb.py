"""The test database from the template cache, without Odoo: what click-odoo-initdb is asked (the
manifest's dependencies, never client_hub itself, no demo data), and what happens without it."""
import ast
import contextlib
import io
import shutil
import sys
import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from dev import testdb
from dev.common import SetupError

REPO = Path(__file__).resolve().parents[2]

# a stand-in click-odoo-initdb: writes its arguments, fails when asked to
FAKE_INITDB = """import json, sys
from pathlib import Path
Path(sys.argv[0]).with_name("args.json").write_text(json.dumps(sys.argv[1:]))
sys.exit(3 if "fail" in Path(sys.argv[0]).parent.name else 0)
"""


class FakeContext:
    def __init__(self, bindir: Path):
        self.python = bindir / "python"
        self.conf = bindir / "odoo.conf"
        self.odoo = SimpleNamespace(src=bindir)
        self.dropped = []
        self.listing = []

    def drop_db(self, name):
        self.dropped.append(name)

    def psql(self, sql, dbname="postgres", **variables):
        return "\n".join(self.listing)


class TestTemplate(unittest.TestCase):
    def setUp(self):
        self.bindir = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.bindir, ignore_errors=True)
        (self.bindir / "python").symlink_to(sys.executable)
        self.log = self.bindir / "initdb.log"

    def create(self, ctx):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            return testdb.create(ctx, "client_hub_test", self.log), out.getvalue()

    def test_dependencies_are_the_manifests(self):
        manifest = ast.literal_eval((REPO / "__manifest__.py").read_text(encoding="utf-8"))
        self.assertEqual(testdb.dependencies(), manifest["depends"])
        self.assertNotIn("client_hub", testdb.dependencies())

    def test_without_click_odoo_initdb(self):
        ctx = FakeContext(self.bindir)
        created, text = self.create(ctx)
        self.assertFalse(created)
        self.assertIn("click-odoo-initdb is not installed", text)

    def test_asks_for_the_dependencies_without_demo_data(self):
        import json
        (self.bindir / "click-odoo-initdb").write_text(FAKE_INITDB, encoding="utf-8")
        ctx = FakeContext(self.bindir)
        ctx.listing = ["chubtest-202611250000-abc"]
        created, text = self.create(ctx)
        self.assertTrue(created)
        self.assertEqual(ctx.dropped, ["client_hub_test"])
        args = json.loads((self.bindir / "args.json").read_text(encoding="utf-8"))
        self.assertEqual(args[args.index("--modules") + 1].split(","), testdb.dependencies())
        self.assertEqual(args[args.index("--new-database") + 1], "client_hub_test")
        self.assertEqual(args[args.index("--cache-prefix") + 1], testdb.CACHE_PREFIX)
        self.assertIn("--no-demo", args)
        self.assertIn("copied from the cached template", text)  # the same hash was there before

    def test_a_failure_names_its_log(self):
        failing = self.bindir / "fail"
        failing.mkdir()
        (failing / "python").symlink_to(sys.executable)
        (failing / "click-odoo-initdb").write_text(FAKE_INITDB, encoding="utf-8")
        with mock.patch.object(testdb, "tail", lambda path: ["the last lines"]), \
                self.assertRaisesRegex(SetupError, r"(?s)exit code 3.*initdb\.log"):
            self.create(FakeContext(failing))


if __name__ == "__main__":
    unittest.main()
