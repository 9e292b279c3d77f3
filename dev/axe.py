"""axe-core, the accessibility engine the portal's browser tests inject into each page
(tests/test_portal_a11y.py), from npm at a pinned version into var/node."""
from __future__ import annotations

import json
import shutil

from dev.common import VAR, run, say

AXE_VERSION = "4.14.1"
NODE_PREFIX = VAR / "node"
AXE_PACKAGE = NODE_PREFIX / "node_modules" / "axe-core"


def installed_version() -> str | None:
    try:
        return json.loads((AXE_PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def ensure_axe() -> None:
    if installed_version() == AXE_VERSION:
        say(f"axe-core {AXE_VERSION}: present ({AXE_PACKAGE})")
        return
    if not shutil.which("npm"):
        say(f"npm not found: axe-core {AXE_VERSION} not installed, the accessibility tests will fail "
            "(install node and npm, then `make setup`)")
        return
    say(f"installing axe-core {AXE_VERSION} from npm into {NODE_PREFIX}")
    run(["npm", "install", "--prefix", NODE_PREFIX, "--save-exact", "--no-audit", "--no-fund",
         f"axe-core@{AXE_VERSION}"])
