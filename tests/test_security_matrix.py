# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every route the addon declares (read from the routing map: a new route is covered without
editing this test), called anonymously, as a contact of client A with client B's ids, as A's
colleague, without CSRF, and with malformed parameters. Expected: no server error anywhere, no
byte of B's data in A's answers, no state change without CSRF."""
import logging
import re

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

B_MARKERS = ("Bravo Secret Client", "Bianca Bravo", "Bravo secret ticket", "Bravo secret line", "Bravo-Secret-Client")
MUTED = (
    "odoo.http", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model", "werkzeug",
    "odoo.addons.client_hub.controllers.magic_link", "odoo.addons.client_hub.controllers.portal",
    "odoo.addons.client_hub.controllers.payment", "odoo.addons.payment_stripe.controllers.main",
    "odoo.addons.client_hub.models.helpdesk_ticket", "odoo.addons.payment.models.payment_transaction",
    "odoo.addons.base.models.res_users", "odoo.addons.client_hub.models.client_hub_portal_export",
)
# exceptions a JSON-RPC route may answer with on purpose (a refusal, not a crash)
EXPECTED_JSON_ERRORS = re.compile(
    r"odoo\.exceptions\.(ValidationError|UserError|AccessError|MissingError|AccessDenied)|werkzeug\.exceptions\.\w+"
    r"|odoo\.http\.SessionExpiredException"
)
MALFORMED = ("abc", "-7", "99999999999999999999", "1.5", "x" * 10_000, "%FF%FE%00", "1,2,abc")


@tagged("post_install", "-at_install")
class TestSecurityMatrix(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        if not env.company.chart_template:
            env["account.chart.template"].try_loading("generic_coa", env.company, install_demo=False)
        Partner = env["res.partner"]
        cls.alpha = Partner.create({"name": "Alpha Client", "is_company": True, "email": "ap@alpha.example"})
        cls.anna = Partner.create({"name": "Anna Alpha", "parent_id": cls.alpha.id, "email": "anna@alpha.example"})
        cls.arno = Partner.create({"name": "Arno Alpha", "parent_id": cls.alpha.id, "email": "arno@alpha.example"})
        cls.bravo = Partner.create({"name": "Bravo Secret Client", "is_company": True, "email": "ap@bravo.example"})
        cls.bianca = Partner.create({"name": "Bianca Bravo", "parent_id": cls.bravo.id, "email": "bianca@bravo.example"})
        cls.records = {}
        for key, contact in (("a", cls.anna), ("b", cls.bianca)):
            label = "Bravo secret line" if key == "b" else "Alpha line"
            invoice = env["account.move"].create({
                "move_type": "out_invoice", "partner_id": contact.id,
                "invoice_date": fields.Date.today(), "invoice_date_due": fields.Date.today(),
                "invoice_line_ids": [Command.create({"name": label, "price_unit": 321.0, "tax_ids": []})],
            })
            invoice.action_post()
            ticket = env["helpdesk.ticket"].create({
                "name": "Bravo secret ticket" if key == "b" else "Alpha ticket",
                "description": "<p>details</p>", "partner_id": contact.id,
            })
            user = contact._client_hub_portal_user()
            export = env["client_hub.portal.export"].create({
                "user_id": user.id, "partner_id": contact.id, "move_ids": [Command.set(invoice.ids)],
                "document_count": 1, "filename": f"{contact.commercial_partner_id.name.replace(' ', '-')}-invoices.zip",
            })
            cls.records[key] = {"invoice": invoice, "ticket": ticket, "user": user, "export": export}
        cls.arno_user = cls.arno._client_hub_portal_user()

    # ------------------------------------------------------------------ the routes
    def client_hub_rules(self):
        rules = []
        for rule in self.env["ir.http"].routing_map().iter_rules():
            module = getattr(rule.endpoint, "__module__", "") or ""
            if module.startswith("odoo.addons.client_hub."):
                rules.append(rule)
        return sorted(rules, key=lambda rule: rule.rule)

    def fill(self, rule, ids):
        """The rule's URL with its path arguments taken from ``ids`` (name -> value)."""
        def value(match):
            converter, name = match.group(1), match.group(2)
            if name in ids:
                return str(ids[name])
            return "1" if converter == "int" else "x"
        return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)

    def ids_of(self, key):
        records = self.records[key]
        return {
            "invoice_id": records["invoice"].id, "export_id": records["export"].id, "ticket_id": records["ticket"].id,
            "page": 1, "company_id": self.env.company.id, "currency_id": self.env.company.currency_id.id,
            "token": "not-a-token",
        }

    def state(self):
        """What a forged request could change."""
        env = self.env
        env.invalidate_all()
        return (
            env["helpdesk.ticket"].search_count([]),
            env["client_hub.portal.export"].search_count([]),
            env["payment.transaction"].search_count([]),
            env["client_hub.magic.link"].search_count([]),
            tuple(env["helpdesk.ticket"].search([]).mapped("stage_id").ids),
            env["mail.message"].search_count([("model", "=", "helpdesk.ticket")]),
        )

    # ------------------------------------------------------------------ one call
    def call(self, rule, url, params=None, csrf=True, raw_query=None):
        """Call ``rule`` the way its type expects; return (status, text)."""
        methods = sorted((rule.methods or {"GET", "POST"}) - {"OPTIONS", "HEAD"})
        routing = rule.endpoint.routing
        if raw_query:
            url = f"{url}?{raw_query}"
        with mute_logger(*MUTED):
            if routing.get("type") == "jsonrpc":
                response = self.opener.post(self.base_url() + url, json={
                    "jsonrpc": "2.0", "method": "call", "id": 1, "params": params or {}}, timeout=60)
                return response.status_code, response.text
            if "GET" in methods and not params:
                response = self.url_open(url, allow_redirects=False, timeout=60)
                return response.status_code, response.text
            data = dict(params or {})
            if csrf and routing.get("csrf", True) and self.session:
                data["csrf_token"] = self.csrf_token()
            response = self.url_open(url, data=data, allow_redirects=False, timeout=60)
            return response.status_code, response.text

    def csrf_token(self):
        page = self.url_open("/my/statement").text
        match = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(r'csrf_token: "([^"]+)"', page)
        return match.group(1) if match else ""

    def check(self, problems, rule, case, status, text, forbidden=B_MARKERS):
        if status >= 500:
            problems.append(f"{rule.rule} [{case}]: HTTP {status}")
        if '"error"' in text[:200] and '"jsonrpc"' in text[:200]:
            name = re.search(r'"name": "([^"]+)"', text)
            if not name or not EXPECTED_JSON_ERRORS.fullmatch(name.group(1)):
                problems.append(f"{rule.rule} [{case}]: server error {name.group(1) if name else text[:200]}")
        for marker in forbidden:
            if marker in text:
                problems.append(f"{rule.rule} [{case}]: leaks {marker!r}")

    # ------------------------------------------------------------------ the matrix
    def test_every_route_against_every_case(self):
        rules = self.client_hub_rules()
        self.assertGreaterEqual(len(rules), 15, [rule.rule for rule in rules])
        problems, calls = [], 0
        a_ids, b_ids = self.ids_of("a"), self.ids_of("b")
        a_invoice = self.records["a"]["invoice"]
        for rule in rules:
            webhook = rule.rule.startswith("/payment/stripe")
            # 1. anonymous, with A's ids: nothing of A or B
            self.opener.cookies.clear()
            self.session = None
            status, text = self.call(rule, self.fill(rule, a_ids))
            calls += 1
            self.check(problems, rule, "anonymous", status, text, forbidden=(*B_MARKERS, "Anna Alpha", "Alpha ticket"))
            # 2. a contact of A, with B's ids (and B's ids as parameters)
            self.authenticate(self.records["a"]["user"].login, self.records["a"]["user"].login)
            before = self.state()
            for case, params in (
                ("B's ids in the path", None),
                ("B's ids as parameters", {"invoice_ids": str(b_ids["invoice_id"]), "ticket_id": b_ids["ticket_id"],
                                           "invoice_id": b_ids["invoice_id"], "stage_id": 1, "amount": 321.0,
                                           "access_token": "x", "provider_id": 1, "payment_method_id": 1}),
            ):
                if webhook:
                    continue
                status, text = self.call(rule, self.fill(rule, b_ids), params=params)
                calls += 1
                self.check(problems, rule, case, status, text)
            # 3. POST without CSRF: refused, nothing changes
            if not webhook and rule.endpoint.routing.get("type") == "http" and rule.endpoint.routing.get("csrf", True) \
                    and (not rule.methods or "POST" in rule.methods):
                status, text = self.call(rule, self.fill(rule, a_ids), params={"invoice_ids": str(a_invoice.id),
                                         "subject": "forged", "description": "forged", "email": "anna@alpha.example",
                                         "ticket_id": self.records["a"]["ticket"].id, "stage_id": 1}, csrf=False)
                calls += 1
                self.check(problems, rule, "POST without CSRF", status, text)
                if status not in (400, 403, 404, 405):
                    problems.append(f"{rule.rule} [POST without CSRF]: answered {status}")
            if self.state() != before:
                problems.append(f"{rule.rule}: the database changed under B's ids or without CSRF: {before} -> {self.state()}")
            # 4. malformed parameters, as A
            for bad in MALFORMED:
                bad_ids = dict.fromkeys(a_ids, bad)
                status, text = self.call(rule, self.fill(rule, bad_ids), params=None if webhook else {
                    "invoice_ids": bad, "sortby": bad, "order": bad, "filterby": bad, "year": bad, "page": bad,
                    "date_from": bad, "date_to": bad, "currency": bad, "company_id": bad, "amount": bad,
                    "ticket_id": bad, "stage_id": bad, "email": bad, "redirect": bad, "token": bad})
                calls += 1
                self.check(problems, rule, f"malformed {bad[:12]!r}", status, text)
            # repeated parameters and non-UTF-8 bytes in the query string
            status, text = self.call(rule, self.fill(rule, a_ids),
                                     raw_query="invoice_ids=1&invoice_ids=abc&sortby=date&sortby=%FF%FE&year=%C3%28")
            calls += 1
            self.check(problems, rule, "repeated and non-UTF-8 parameters", status, text)
        _logger.info("client_hub security matrix: %s routes x cases = %s calls, %s problems", len(rules), calls, len(problems))
        self.assertFalse(problems, "\n".join(problems))

    def test_a_colleague_is_allowed_where_the_issue_says_so(self):
        """Arno, Anna's colleague: the client's statement, tickets and invoices, not Anna's export."""
        self.authenticate(self.arno_user.login, self.arno_user.login)
        self.assertEqual(self.url_open("/my/statement").status_code, 200)
        self.assertIn("Alpha ticket", self.url_open("/my/tickets").text)
        self.assertEqual(self.url_open(self.records["a"]["invoice"].access_url).status_code, 200)
        with mute_logger(*MUTED):
            self.assertEqual(self.url_open(f"/my/exports/{self.records['a']['export'].id}").status_code, 404)
