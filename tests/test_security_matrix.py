# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every route the addon declares (read from the routing map: a new route is covered without
editing this test), called anonymously, as a contact of client A with client B's ids, as A's
colleague, without CSRF, and with malformed parameters. Expected: no server error anywhere, no
byte of B's data in A's answers, no state change without CSRF. And every route of the client portal
(Odoo's, helpdesk_mgmt's and the addon's) answers with headers that keep it out of shared caches
and out of other sites' frames; no JSON-RPC route takes a non-finite amount; no deeply nested JSON
body reaches Python's parser on the webhook."""
import html
import logging
import re

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..models.ir_http import PORTAL_PATH

_logger = logging.getLogger(__name__)

B_MARKERS = ("Bravo Secret Client", "Bianca Bravo", "Bravo secret ticket", "Bravo secret line", "Bravo-Secret-Client")
MUTED = (
    "odoo.http", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model", "werkzeug",
    "odoo.addons.client_hub.controllers.magic_link", "odoo.addons.client_hub.controllers.statement",
    "odoo.addons.client_hub.controllers.payment", "odoo.addons.payment_stripe.controllers.main",
    "odoo.addons.client_hub.models.helpdesk_ticket", "odoo.addons.payment.models.payment_transaction",
    "odoo.addons.base.models.res_users", "odoo.addons.client_hub.models.client_hub_portal_export",
)
# exceptions a JSON-RPC route may answer with on purpose (a refusal, not a crash)
EXPECTED_JSON_ERRORS = re.compile(
    r"odoo\.exceptions\.(ValidationError|UserError|AccessError|MissingError|AccessDenied)|werkzeug\.exceptions\.\w+"
    r"|odoo\.http\.SessionExpiredException"
)
# JSON values that are no amounts: Python's parser reads NaN and Infinity as floats, true as 1
NOT_AMOUNTS = ("NaN", "Infinity", "-Infinity", "1e999", "true")
NESTED_JSON = '{"a":' * 5000 + "1" + "}" * 5000
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

    # ------------------------------------------------------------------ response headers
    def portal_rules(self):
        """Every route of the client portal (Odoo's, helpdesk_mgmt's and client_hub's), read from
        the routing map: the private pages and files, which must not be cached nor framed."""
        rules = []
        for rule in self.env["ir.http"].routing_map().iter_rules():
            if not PORTAL_PATH.match(rule.rule):
                continue
            routing = rule.endpoint.routing
            if routing.get("type") == "jsonrpc" or not rule.methods or "GET" in rule.methods:
                rules.append(rule)
        return sorted(rules, key=lambda rule: rule.rule)

    def check_private_headers(self, problems, label, response):
        headers = response.headers
        if "no-store" not in headers.get("Cache-Control", ""):
            problems.append(f"{label}: Cache-Control {headers.get('Cache-Control')!r}")
        if headers.get("X-Frame-Options") not in ("SAMEORIGIN", "DENY"):
            problems.append(f"{label}: X-Frame-Options {headers.get('X-Frame-Options')!r}")
        policy = headers.get("Content-Security-Policy", "")
        if "frame-ancestors 'self'" not in policy and "frame-ancestors 'none'" not in policy:
            problems.append(f"{label}: Content-Security-Policy {policy!r}")

    def test_portal_pages_are_neither_cached_nor_framed(self):
        """Every portal route (pages, PDFs, the ZIP's page, Pay all outstanding, tickets, errors
        and redirects alike) answers ``Cache-Control: no-store``, ``X-Frame-Options`` and CSP
        ``frame-ancestors``: no shared cache keeps a client's page, no other site frames it."""
        rules = self.portal_rules()
        paths = {rule.rule for rule in rules}
        for expected in ("/my", "/my/statement", "/my/statement/pay", "/my/invoices/<int:invoice_id>",
                         "/my/ticket/<int:ticket_id>", "/my/exports/<int:export_id>", "/my/tickets"):
            self.assertIn(expected, paths)
        a = self.records["a"]
        a_ids = {**self.ids_of("a"), "order_id": 1, "access_token": "x"}
        self.authenticate(a["user"].login, a["user"].login)
        problems = []
        for rule in rules:
            with mute_logger(*MUTED):
                if rule.endpoint.routing.get("type") == "jsonrpc":
                    response = self.opener.post(self.base_url() + self.fill(rule, a_ids), json={
                        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}, timeout=60)
                else:
                    response = self.url_open(self.fill(rule, a_ids), allow_redirects=False, timeout=60)
            self.check_private_headers(problems, f"{rule.rule} ({response.status_code})", response)
        # the documents themselves, and the invoice page's own preview (an iframe of the same origin)
        invoice_page = self.url_open(a["invoice"].access_url)
        self.assertEqual(invoice_page.status_code, 200)
        previews = [html.unescape(src) for src in re.findall(r'<iframe[^>]*src="([^"]+)"', invoice_page.text)]
        self.assertTrue(previews and all(src.startswith("/my/invoices/") for src in previews), previews)
        for url in (previews[0], f"{a['invoice'].access_url}?report_type=pdf", "/my/statement/pdf",
                    f"/my/ticket/{a['ticket'].id}", f"/my/exports/{a['export'].id}", "/new/ticket",
                    f"/my/invoices/{self.records['b']['invoice'].id}"):
            with mute_logger(*MUTED):
                response = self.url_open(url, allow_redirects=False, timeout=60)
            self.check_private_headers(problems, f"{url} ({response.status_code})", response)
        self.assertEqual(self.url_open(previews[0]).status_code, 200)
        # not elsewhere: the public site keeps Odoo's own headers
        for path in ("/web/login", "/myself", "/odoo", "/shop/my", "/invoices"):
            self.assertFalse(PORTAL_PATH.match(path), path)
        _logger.info("client_hub security matrix: %s portal routes checked for private headers", len(rules))
        self.assertFalse(problems, "\n".join(problems))

    # ------------------------------------------------------------------ JSON bodies
    def test_amounts_are_finite_numbers_and_bodies_shallow(self):
        """Every JSON-RPC route of the addon (the invoice and Pay all outstanding transactions
        included) refuses, with a message and no transaction, amounts that are no finite number;
        every route taking a JSON body without CSRF (Stripe's webhook) refuses 5,000 levels of
        nesting with a 4xx, unsigned, instead of Python's RecursionError."""
        a = self.records["a"]
        a_ids = self.ids_of("a")
        self.authenticate(a["user"].login, a["user"].login)
        before = self.env["payment.transaction"].search_count([])
        problems = []
        rules = self.client_hub_rules()
        jsonrpc = [rule for rule in rules if rule.endpoint.routing.get("type") == "jsonrpc"]
        self.assertTrue(any(rule.rule.startswith("/invoice/transaction/") for rule in jsonrpc), jsonrpc)
        for rule in jsonrpc:
            for raw in NOT_AMOUNTS:
                # raw JSON: NaN, Infinity and 1e999 cannot be written by json.dumps
                token = a["invoice"]._portal_ensure_token()
                body = ('{"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"amount": ' + raw
                        + ', "provider_id": 1, "payment_method_id": 1, "flow": "direct", "access_token": "'
                        + token + '"}}')
                with mute_logger(*MUTED):
                    response = self.opener.post(self.base_url() + self.fill(rule, a_ids), data=body, timeout=60,
                                                headers={"Content-Type": "application/json"})
                self.check(problems, rule, f"amount {raw}", response.status_code, response.text)
                if '"error"' not in response.text[:200]:
                    problems.append(f"{rule.rule} [amount {raw}]: accepted")
        raw_json = [rule for rule in rules if rule.endpoint.routing.get("type") == "http"
                    and not rule.endpoint.routing.get("csrf", True) and (not rule.methods or "POST" in rule.methods)]
        self.assertTrue(raw_json, "Stripe's webhook")
        for rule in raw_json:
            with mute_logger(*MUTED):
                response = self.url_open(self.fill(rule, a_ids), data=NESTED_JSON, timeout=60,
                                         headers={"Content-Type": "application/json"})
            if not 400 <= response.status_code < 500:
                problems.append(f"{rule.rule} [5,000 levels of JSON]: HTTP {response.status_code}")
        self.assertEqual(self.env["payment.transaction"].search_count([]), before)
        self.assertFalse(problems, "\n".join(problems))
