# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every page a client sees, held to one bar, in headless Chromium at 1280 and 375 px, in English
and in French: no horizontal scroll, no clipped text, no serious or critical axe-core violation.

axe-core comes from npm at the version `make setup` pins (dev/axe.py, in var/node); the browser
fetches it, and the check itself (tests/portal_a11y_check.js), from made-up addresses that
:meth:`fetch_proxy` answers with those files. The pages are checked one after another in one browser
per width and language; a failure lists every problem of every page."""
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .payment_common import StripePortalCommon
from .support_common import SupportFixtures
from .test_tour_payment import STRIPE_JS_STUB

# the addon is loaded through links (var/addons/client_hub/tests -> tests): the checkout's var/
HERE = Path(os.path.realpath(__file__)).parent
AXE_JS = HERE.parent / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
CHECK_JS = HERE / "portal_a11y_check.js"
# what the browser asks for, answered by fetch_proxy (the browser reaches no network in tests)
AXE_URL = "https://client-hub.test/axe-core/axe.min.js"
CHECK_URL = "https://client-hub.test/portal_a11y_check.js"

DESKTOP, PHONE = "1280x800", "375x740"
LANGS = {"en_US": "en-US,en;q=0.9", "fr_FR": "fr-FR,fr;q=0.9"}
# Odoo's modules whose words the client reads on these pages
PORTAL_MODULES = ["web", "portal", "account", "payment", "account_payment", "sale", "helpdesk_mgmt", "client_hub"]


@tagged("post_install", "-at_install")
class TestPortalAccessibility(StripePortalCommon, SupportFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("helpdesk_mgmt.group_helpdesk_manager")
        cls.setup_support()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(PORTAL_MODULES, ["fr_FR"], overwrite=True)
        cls.bob.lang = "fr_FR"
        cls.users = {"en_US": cls.ana._client_hub_portal_user(), "fr_FR": cls.bob._client_hub_portal_user()}
        # an overdue invoice, one due later, one paid: the statement's states, two to Pay all outstanding
        cls.invoice = cls.make_invoice(1250.0, due="2026-01-31")
        cls.make_invoice(480.0, due="2099-12-31")
        paid = cls.make_invoice(90.0, due="2026-01-31")
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({}).action_create_payments()
        cls.ticket = cls.env["helpdesk.ticket"].create({
            "name": "Two lines for one printer on the March invoice", "description": "<p>Why two lines?</p>",
            "partner_id": cls.ana.id, "team_id": cls.team.id,
        })
        cls.ticket.with_user(cls.agent).message_post(
            body="<p>One line per device: the second is the scanner.</p>", message_type="comment",
            subtype_xmlid="mail.mt_comment", partner_ids=cls.ana.ids,
        )
        cls.exports = {lang: cls.make_exports(user) for lang, user in cls.users.items()}
        with freeze_time(datetime.now() - timedelta(days=40)):
            cls.expired = urlsplit(cls.env["client_hub.magic.link"]._issue_url(cls.ana)).path

    @classmethod
    def make_invoice(cls, amount, due):
        move = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.client.id, "invoice_date": "2026-01-01",
            "invoice_date_due": due,
            "invoice_line_ids": [Command.create({"name": "Printer rental", "price_unit": amount, "tax_ids": []})],
        })
        move.action_post()
        return move

    @classmethod
    def make_exports(cls, user):
        """A download ready, and one in preparation (its progress bar)."""
        Export = cls.env["client_hub.portal.export"].sudo()
        archive = cls.env["ir.attachment"].sudo().create({"name": "invoices.zip", "raw": b"PK\x05\x06" + b"\0" * 18})
        moves = cls.env["account.move"].search([("partner_id", "=", cls.client.id)])
        common = {"user_id": user.id, "partner_id": user.partner_id.id, "move_ids": [Command.set(moves.ids)],
                  "document_count": len(moves), "filename": "Ticket_Client_SA-invoices.zip"}
        done = Export.create({**common, "state": "done", "progress_done": len(moves), "attachment_id": archive.id,
                              "done_at": fields.Datetime.now()})
        running = Export.create({**common, "state": "running", "progress_done": 1})
        return done, running

    def setUp(self):
        super().setUp()
        if not AXE_JS.is_file():
            self.fail(f"axe-core is missing ({AXE_JS}): run `make setup`, which installs it from npm")

    def fetch_proxy(self, url):
        if url == AXE_URL:
            return self.make_fetch_proxy_response(AXE_JS.read_bytes())
        if url == CHECK_URL:
            return self.make_fetch_proxy_response(CHECK_JS.read_bytes())
        if url.startswith("https://js.stripe.com/"):
            return self.make_fetch_proxy_response(STRIPE_JS_STUB)
        return super().fetch_proxy(url)

    # ------------------------------------------------------------------ pages
    def pages(self, lang):
        done, running = self.exports[lang]
        invoice = self.invoice.access_url
        return [
            {"name": "statement", "url": "/my/statement"},
            {"name": "invoice", "url": invoice},
            {"name": "Pay now", "url": f"{invoice}?payment=True",
             "ready": "#pay_with.show [name='o_stripe_element_container'] .o_client_hub_stripe_card"},
            {"name": "Pay all outstanding", "url": "/my/statement/pay",
             "ready": "[name='o_stripe_element_container'] .o_client_hub_stripe_card"},
            {"name": "download ready", "url": done._portal_path()},
            {"name": "download in preparation", "fetch": running._portal_path()},
            {"name": "support", "url": "/my/tickets"},
            {"name": "ticket", "url": f"/my/ticket/{self.ticket.id}",
             "ready": "#chatterRoot >>> .o-mail-Message .o-mail-Message-date"},
            {"name": "new ticket", "url": "/new/ticket"},
            # signed out from here on: the sign-in pages, as a visitor sees them
            {"name": "sign-in link not valid", "fetch": "/portal/magic/not-a-valid-token", "logout": True},
            {"name": "sign-in link expired", "fetch": self.expired},
            {"name": "ask for a sign-in link", "fetch": "/portal/magic/request"},
            {"name": "check your inbox", "submit": {
                "from": "/portal/magic/request", "form": "form.o_client_hub_magic_link_request",
                "fields": {"email": "nobody@unknown.example"},
            }},
        ]

    def check(self, size, lang):
        self.browser_size = size
        self.touch_enabled = size == PHONE
        config = {
            "label": f"{size} {lang}", "lang": lang.replace("_", "-"), "acceptLanguage": LANGS[lang],
            "axeUrl": AXE_URL, "pages": self.pages(lang),
        }
        # the check's source is fetched, not inlined: a failure's message stays the list of problems
        code = (f"fetch({json.dumps(CHECK_URL)}).then((response) => response.text())"
                f".then((source) => {{ (0, eval)(source); return clientHubCheckPages({json.dumps(config)}); }})")
        self.browser_js("/my", code, login=self.users[lang].login, timeout=240)

    def test_desktop_english(self):
        self.check(DESKTOP, "en_US")

    def test_phone_english(self):
        self.check(PHONE, "en_US")

    def test_desktop_french(self):
        self.check(DESKTOP, "fr_FR")

    def test_phone_french(self):
        self.check(PHONE, "fr_FR")
