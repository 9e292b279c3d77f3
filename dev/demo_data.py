"""The demo database's content: install (client_hub and Odoo's demo payment provider), upgrade,
the report assets built before the seeding, the seeding itself, and the banner that ends `run`."""
from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from dev.common import DEMO_DB, MODULE, VAR, SetupError, banner, run, say
from dev.odoo_runtime import Context, odoo_env
from dev.processes import HOST

# Odoo's demo payment provider: installed in the demo database only, never a dependency of the
# addon (see configure_demo_payments)
DEMO_MODULES = f"{MODULE},payment_demo"

DEMO_SEED = """
from odoo.addons.client_hub.populate.seeder import Seeder, configure_demo_mail, configure_demo_payments
configure_demo_mail(env, smtp_port={mail_port}, base_url={base_url!r})
configure_demo_payments(env)
Seeder(env, seed=2026).seed_demo(base_url={base_url!r})
"""

DEMO_MAIL = """
from odoo.addons.client_hub.populate.seeder import configure_demo_mail, configure_demo_payments
configure_demo_mail(env, smtp_port={mail_port}, base_url={base_url!r})
configure_demo_payments(env)
"""

# The asset bundles of a PDF report (web.report_layout and web.minimal_layout). wkhtmltopdf fetches
# them from the server while the seeding transaction is still open; a server that had to create
# them then would wait for that transaction (the seeder's writes lock the company row its new
# attachments refer to), which waits for wkhtmltopdf. So the server makes them first, here.
REPORT_ASSETS = """
qweb = env['ir.qweb']
for bundle, css, js, autoprefix in (('web.report_assets_common', True, True, True),
                                    ('web.report_assets_pdf', True, False, True),
                                    ('web.report_assets_pdf', False, True, False)):
    for _tag, attrs in qweb._get_asset_nodes(bundle, css=css, js=js, autoprefix=autoprefix):
        print('ASSET', attrs.get('href') or attrs.get('src'))
env.cr.rollback()
"""

DEMO_INFO = """
from odoo.addons.client_hub.populate.seeder import demo_info
print('\\n'.join(demo_info(env, {base_url!r})))
"""



def install(ctx: Context) -> None:
    run(ctx.cmd("-d", DEMO_DB, "-i", DEMO_MODULES, "--stop-after-init", "--no-http"), env=odoo_env(),
        cwd=str(VAR))


def upgrade(ctx: Context) -> None:
    say(f"upgrading {MODULE} in {DEMO_DB}")
    run(ctx.cmd("-d", DEMO_DB, "-i", "payment_demo", "-u", MODULE, "--stop-after-init", "--no-http"),
        env=odoo_env(), cwd=str(VAR))


def warm_report_assets(ctx: Context, port: int) -> None:
    """Have the running server build the PDF report assets before the seeder renders PDFs."""
    log = VAR / "logs" / "demo-assets.log"
    log.unlink(missing_ok=True)
    ctx.shell(DEMO_DB, REPORT_ASSETS, log=log)
    urls = [ln.split()[1] for ln in log.read_text(encoding="utf-8").splitlines()
            if ln.startswith("ASSET /")]
    if not urls:
        say(f"could not list the report assets (see {log}); the PDFs will build them")
    for url in urls:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}{url}", timeout=300) as response:
                response.read()
        except (urllib.error.URLError, OSError) as exc:
            say(f"report asset {url}: {exc}")



def seed(ctx: Context, mail_port: int, base_url: str) -> None:
    say("seeding the demo (invoices rendered and emailed through the running server)...")
    if ctx.shell(DEMO_DB, DEMO_SEED.format(mail_port=mail_port, base_url=base_url)) != 0:
        raise SetupError("seeding the demo database failed (see above)")


def show_banner(ctx: Context, args, base_url: str, configure: bool, mail_dir: Path) -> None:
    info = VAR / "logs" / "demo-info.log"
    info.unlink(missing_ok=True)
    script = (DEMO_MAIL.format(mail_port=args.mail_port, base_url=base_url) if configure else "")
    if ctx.shell(DEMO_DB, script + DEMO_INFO.format(base_url=base_url), log=info) != 0:
        raise SetupError(f"configuring the demo's mail or reading its info failed; see {info}")
    demo_lines = [ln[5:] for ln in info.read_text(encoding="utf-8").splitlines() if ln.startswith("DEMO ")]
    banner([f"client_hub demo: {base_url}/odoo   (database {DEMO_DB})",
            "Backend login: admin / admin",
            *[ln for ln in demo_lines if "/portal/magic/" not in ln],
            f"Emails the demo sends: http://{HOST}:{args.mail_web_port}   (files: {mail_dir}/*.eml)"])
    for line in demo_lines:  # too long for the banner
        if "/portal/magic/" in line:
            label, url = line.rsplit(": ", 1)
            say(f"{label} (open it in a private window):\n{url}\n")
