"""The demo database's content: install (client_hub and Odoo's demo payment provider), upgrade,
the report assets built before the seeding, the seeding itself, and the banner that ends `run`."""
from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

from dev.common import DEMO_DB, MODULE, VAR, SetupError, banner, say
from dev.demo_console import ConsoleFilter, stream
from dev.odoo_runtime import Context, odoo_env
from dev.processes import HOST, tail

INSTALL_LOG = VAR / "logs" / "demo-install.log"
SEED_LOG = VAR / "logs" / "demo-seed.log"

# Odoo's demo payment provider: installed in the demo database only, never a dependency of the
# addon (see configure_demo_payments)
DEMO_MODULES = f"{MODULE},payment_demo"

DEMO_SEED = """
from odoo.addons.client_hub.populate.seeder import (Seeder, configure_demo_mail, configure_demo_payments,
                                                    wait_for_mail_queue)
def progress(text):
    print('PROGRESS ' + text, flush=True)
configure_demo_mail(env, smtp_port={mail_port}, base_url={base_url!r})
configure_demo_payments(env)
Seeder(env, seed=2026).seed_demo(base_url={base_url!r}, progress=progress)
env.cr.commit()
progress("the server's mail queue delivers the queued emails to the mail sink...")
left, failed = wait_for_mail_queue(env)
if left or failed:
    progress(f'{{left}} emails still queued, {{failed}} failed: see var/logs/demo-server.log')
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



def _odoo(ctx: Context, what: str, *args) -> None:
    """An `odoo-bin --stop-after-init` run: its log in INSTALL_LOG, progress on the console."""
    say(f"{what} (log: {INSTALL_LOG})")
    INSTALL_LOG.unlink(missing_ok=True)
    started = time.monotonic()
    if stream(ctx.cmd("-d", DEMO_DB, *args, "--stop-after-init", "--no-http"), INSTALL_LOG,
              ConsoleFilter(INSTALL_LOG), env=odoo_env(), cwd=str(VAR)):
        raise SetupError(f"{what} failed; the end of {INSTALL_LOG}:\n" + "\n".join(tail(INSTALL_LOG, 30)))
    say(f"done in {time.monotonic() - started:.0f}s")


def install(ctx: Context) -> None:
    _odoo(ctx, f"installing {DEMO_MODULES} and their dependencies in {DEMO_DB}", "-i", DEMO_MODULES)


def upgrade(ctx: Context) -> None:
    _odoo(ctx, f"upgrading {MODULE} in {DEMO_DB}", "-i", "payment_demo", "-u", MODULE)


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



def seed(ctx: Context, mail_port: int, base_url: str, mail_dir: Path) -> None:
    say(f"seeding the demo (invoices rendered and emailed through the running server; log: {SEED_LOG})")
    SEED_LOG.unlink(missing_ok=True)
    before = len(list(mail_dir.glob("*.eml")))
    started = time.monotonic()
    if ctx.shell(DEMO_DB, DEMO_SEED.format(mail_port=mail_port, base_url=base_url), log=SEED_LOG,
                 show=ConsoleFilter(SEED_LOG)) != 0:
        raise SetupError(f"seeding the demo database failed; the end of {SEED_LOG}:\n"
                         + "\n".join(tail(SEED_LOG, 30)))
    say(f"seeded in {time.monotonic() - started:.0f}s, "
        f"{len(list(mail_dir.glob('*.eml'))) - before} emails in the mail sink")


def show_banner(ctx: Context, args, base_url: str, configure: bool, mail_dir: Path) -> None:
    info = VAR / "logs" / "demo-info.log"
    info.unlink(missing_ok=True)
    script = (DEMO_MAIL.format(mail_port=args.mail_port, base_url=base_url) if configure else "")
    if ctx.shell(DEMO_DB, script + DEMO_INFO.format(base_url=base_url), log=info) != 0:
        raise SetupError(f"configuring the demo's mail or reading its info failed; see {info}")
    demo_lines = [ln[5:] for ln in info.read_text(encoding="utf-8").splitlines() if ln.startswith("DEMO ")]
    long = [ln for ln in demo_lines if "/portal/magic/" in ln or "odoo-mailgate" in ln]  # too long for the banner
    banner([f"client_hub demo: {base_url}/odoo   (database {DEMO_DB})",
            "Backend login: admin / admin",
            *[ln for ln in demo_lines if ln not in long],
            f"Emails the demo sends: http://{HOST}:{args.mail_web_port}   (files: {mail_dir}/*.eml)"])
    for line in long:
        label, command = line.split(": ", 1) if "odoo-mailgate" in line else line.rsplit(": ", 1)
        hint = " (open it in a private window)" if "/portal/magic/" in line else ""
        say(f"{label}{hint}:\n{command}\n")
