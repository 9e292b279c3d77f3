"""OCA's `oca-checks-odoo-module` (PyPI oca-odoo-pre-commit-hooks) for a repository whose root is
the addon: the pre-commit hook of .pre-commit-config.yaml runs this file with the hook's python.

OCA's hook finds the module of each file by walking up to a __manifest__.py, but stops *below* the
git top-level (OCA repositories hold addons in sub-folders): here it would find none and check
nothing, silently. The walk is therefore bounded by the checkout's parent folder instead; the
checks themselves are OCA's, unchanged."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "dev":
        del sys.path[0]  # run as a script: dev/'s modules must not shadow the hook's imports
    from oca_pre_commit_hooks import cli, utils

    utils.top_path = lambda path: str(ROOT.parent)
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
