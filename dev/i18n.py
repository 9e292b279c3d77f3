"""`i18n`: export i18n/client_hub.pot with Odoo's exporter and merge it into i18n/fr.po."""
from __future__ import annotations

import shutil

from dev.common import MODULE, REPO, VAR, run, say
from dev.odoo_runtime import context, odoo_env
from lib import po  # the addon's PO reader (its Odoo test tests/test_i18n.py uses it too)


def cmd_i18n(args) -> int:
    ctx = context(require=True)
    dbname = "client_hub_i18n"
    ctx.drop_db(dbname)
    run(ctx.cmd("-d", dbname, "-i", MODULE, "--stop-after-init", "--no-http", "--load-language", "fr_FR"),
        env=odoo_env(), cwd=str(VAR))
    i18n = REPO / "i18n"
    run(ctx.cmd("i18n", "export", "-d", dbname, "-l", "pot", "-o", i18n / f"{MODULE}.pot", MODULE),
        env=odoo_env(), cwd=str(VAR))
    # fr.po: gettext's msgmerge carries every existing translation over to the new .pot
    # (Odoo's own export of a language drops translations equal to their source);
    # terms new in the .pot come out untranslated, which the i18n checks then report.
    fr = i18n / "fr.po"
    if not fr.exists():
        shutil.copy(i18n / f"{MODULE}.pot", fr)
    run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--update", "--backup=none", fr,
         i18n / f"{MODULE}.pot"])
    ctx.drop_db(dbname)
    missing = po.missing_translations(i18n / f"{MODULE}.pot", i18n / "fr.po")
    say(f"exported {MODULE}.pot and fr.po; untranslated French terms: {len(missing)}")
    for msgid in missing[:50]:
        print("   -", msgid)
    return 0
