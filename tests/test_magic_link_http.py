# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The magic-link routes over real HTTP requests."""
import logging
import re
from datetime import datetime, timedelta
from unittest.mock import patch
from urllib.parse import quote, urlsplit

import jwt
import lxml.html
from freezegun import freeze_time

import odoo.http
from odoo.service.server import CommonRequestHandler
from odoo.tests import HttpCase, tagged
from odoo.tools import config, mute_logger

from .magic_link_common import MagicLinkFixtures, token_of

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# headers a visitor could compare between two answers (not Date, Set-Cookie or Content-Length)
OBSERVABLE_HEADERS = ("Content-Type", "Cache-Control", "Referrer-Policy", "X-Frame-Options", "X-Robots-Tag")


def card_text(html):
    """The visible text of a sign-in page's card, whitespace-normalised (no hidden inputs)."""
    card = lxml.html.fromstring(html).xpath("//div[contains(@class, 'o_client_hub_magic_link')]")[0]
    return " ".join(" ".join(card.itertext()).split())


def card_forms(html):
    """Each form of the card as (action, method, visible field names): the CSRF value is left out."""
    card = lxml.html.fromstring(html).xpath("//div[contains(@class, 'o_client_hub_magic_link')]")[0]
    return [
        (form.get("action"), form.get("method"),
         sorted(field.get("name") for field in form.xpath(".//input|.//textarea|.//select") if field.get("name")))
        for form in card.xpath(".//form")
    ]
EMAIL = "/portal/magic/email"
LOGGERS = ("odoo.addons.client_hub.controllers.magic_link", "odoo.addons.base.models.res_users", "odoo.http")


@tagged("post_install", "-at_install")
class TestMagicLinkHttp(HttpCase, MagicLinkFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_magic_link_fixtures()

    # ------------------------------------------------------------------ helpers
    def path(self, url):
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def issue(self, partner=None, redirect=None):
        return self.path(self.Link._issue_url(partner or self.mia, origin=self.invoice, redirect=redirect))

    def get(self, path, **kw):
        return self.url_open(path, allow_redirects=False, **kw)

    def session_of_visitor(self):
        sid = self.opener.cookies.get("session_id")
        return odoo.http.root.session_store.get(sid) if sid else None

    def assertNoSession(self, response):
        session = self.session_of_visitor()
        self.assertFalse(session and session.uid, "no one is signed in")
        self.assertNotIn("Location", response.headers)

    def assertSecureHeaders(self, response):
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer")

    def assertSignedInAs(self, partner):
        session = self.session_of_visitor()
        self.assertTrue(session and session.uid)
        user = self.env["res.users"].browse(session.uid)
        self.assertEqual(user.partner_id, partner)
        return user

    def csrf(self, html):
        return CSRF.search(html).group(1)

    # ------------------------------------------------------------------ sign in
    def test_valid_link_signs_in_and_lands_where_asked(self):
        self.assertFalse(self.mia.user_ids)
        self.url_open("/web/login")  # a visitor session exists before the click
        before = self.opener.cookies["session_id"]
        response = self.get(self.issue(redirect=self.invoice.access_url))
        self.assertEqual(response.status_code, 303)
        self.assertSecureHeaders(response)
        self.assertEqual(urlsplit(response.headers["Location"]).path, self.invoice.access_url)
        self.assertNotEqual(self.opener.cookies["session_id"], before, "the session id is rotated")
        user = self.assertSignedInAs(self.mia)
        # the portal user was created on the fly: portal group, no password, no invitation
        self.assertTrue(user._is_portal())
        self.assertEqual(user.login, "mia@magic.example")
        self.env.cr.execute("SELECT password FROM res_users WHERE id = %s", [user.id])
        self.assertFalse(self.env.cr.fetchone()[0])
        invitations = self.env["mail.mail"].search([("recipient_ids", "in", self.mia.ids)])
        self.assertFalse(invitations, "no invitation email")
        link = self.Link.search([("partner_id", "=", self.mia.id)])
        self.assertEqual(link.use_count, 1)
        self.assertTrue(link.last_used_at)
        # the landing page is the client's invoice, and the token is gone from the address bar
        page = self.url_open(response.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice.name, page.text)
        self.assertNotIn("/portal/magic/", page.url)

    def test_reusable_link_and_existing_portal_user(self):
        path = self.issue()
        self.assertEqual(self.get(path).status_code, 303)
        user = self.assertSignedInAs(self.mia)
        self.opener.cookies.clear()
        response = self.get(path)  # clicked again later (or opened by a mail scanner first)
        self.assertEqual((response.status_code, urlsplit(response.headers["Location"]).path), (303, "/my/statement"))
        self.assertEqual(self.assertSignedInAs(self.mia), user, "the same portal user, no duplicate")

    def test_sign_in_takes_no_rate_limit_lock(self):
        """Only a failure is recorded and locks its address's gate row: sign-ins from one address
        (an office behind one NAT) never wait for each other."""
        for _click in range(2):
            self.opener.cookies.clear()
            self.assertEqual(self.get(self.issue()).status_code, 303)
        self.env.cr.execute("SELECT count(*) FROM client_hub_magic_link_gate WHERE ip = '127.0.0.1'")
        self.assertFalse(self.env.cr.fetchone()[0], "no lock taken")
        self.assertFalse(self.env["client_hub.magic.link.attempt"].search([("ip", "=", "127.0.0.1")]))

    # ------------------------------------------------------------------ refusals
    def refused(self, path, expected_text):
        self.opener.cookies.clear()
        with mute_logger(*LOGGERS):
            response = self.get(path)
        self.assertEqual(response.status_code, 403, path)
        self.assertSecureHeaders(response)
        self.assertIn(expected_text, response.text)
        self.assertIn('action="/portal/magic/request"', response.text, "offers a new link")
        self.assertNoSession(response)
        return response

    def test_forged_and_malformed_tokens(self):
        token = token_of(self.issue())
        claims = jwt.decode(token, options={"verify_signature": False})
        key = self.Link._signing_key()
        variants = {
            "forged signature": jwt.encode(claims, "attacker-key-" * 3, algorithm="HS256"),
            "alg none": jwt.encode(claims, None, algorithm="none"),
            "other database": jwt.encode({**claims, "db": "someone_elses_db"}, key, algorithm="HS256"),
            "truncated": token[:-10],
            "garbage": "%00%ff<script>",
            "huge": "a" * 4000,
        }
        for name, bad in variants.items():
            with self.subTest(name):
                self.refused(f"/portal/magic/{quote(bad, safe='%')}", "This sign-in link is not valid")
        self.assertFalse(self.env["client_hub.magic.link.attempt"].search([]), "forged tokens write nothing")

    def test_expired_revoked_archived(self):
        expired = self.issue()
        with freeze_time(datetime.now() + timedelta(days=31)):
            self.refused(expired, "This sign-in link has expired")
        revoked = self.issue()
        self.client.action_client_hub_revoke_links()
        self.refused(revoked, "This sign-in link was revoked")
        archived = self.issue(partner=self.max)
        self.max.action_archive()
        self.refused(archived, "This sign-in link was revoked")
        reasons = self.env["client_hub.magic.link.attempt"].search([]).mapped("reason")
        self.assertEqual(sorted(reasons), ["expired", "revoked", "revoked"])

    def test_single_use_needs_a_click(self):
        self.env["ir.config_parameter"].sudo().set_param("client_hub.magic_link_single_use", "True")
        path = self.issue(redirect=self.invoice.access_url)
        link = self.Link.search([("partner_id", "=", self.mia.id)])
        for _scanner in range(2):  # a mail scanner's GETs spend nothing
            page = self.get(path)
            self.assertEqual(page.status_code, 200)
            self.assertSecureHeaders(page)
            self.assertIn("Continue to my portal", page.text)
            self.assertNoSession(page)
        self.assertEqual(link.use_count, 0)
        form = {"csrf_token": self.csrf(page.text), "token": token_of(path), "redirect": self.invoice.access_url}
        with mute_logger(*LOGGERS):
            no_csrf = self.url_open("/portal/magic/confirm", data={**form, "csrf_token": "x"}, allow_redirects=False)
        self.assertEqual(no_csrf.status_code, 400)
        self.assertNoSession(no_csrf)
        response = self.url_open("/portal/magic/confirm", data=form, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(urlsplit(response.headers["Location"]).path, self.invoice.access_url)
        self.assertSignedInAs(self.mia)
        # spent: neither the POST nor the link work again
        self.opener.cookies.clear()
        page = self.get("/portal/magic/request")
        form["csrf_token"] = self.csrf(page.text)
        with mute_logger(*LOGGERS):
            again = self.url_open("/portal/magic/confirm", data=form, allow_redirects=False)
        self.assertEqual(again.status_code, 403)
        self.assertIn("This sign-in link was already used", again.text)
        self.assertNoSession(again)
        self.refused(path, "This sign-in link was already used")

    def test_link_never_replaces_another_signed_in_user(self):
        """Login CSRF: an <img src> of another client's link must not sign the visitor into that
        account. Signed in as Mia, Max's link asks first (who is signed in, who the link is
        for); only its CSRF-protected POST switches. Mia's own link just goes on."""
        mia_path = self.issue()
        max_path = self.issue(partner=self.max, redirect=self.invoice.access_url)
        self.assertEqual(self.get(mia_path).status_code, 303)
        self.assertSignedInAs(self.mia)
        page = self.get(max_path)
        self.assertEqual(page.status_code, 200)
        self.assertSecureHeaders(page)
        text = card_text(page.text)
        self.assertIn("You are signed in as Mia Magic", text)
        self.assertIn("This link signs in Max Magic", text)
        self.assertIn("Continue as Max Magic", text)
        self.assertSignedInAs(self.mia)
        max_link = self.Link.search([("partner_id", "=", self.max.id)])
        self.assertEqual(max_link.use_count, 0, "asking spends nothing")
        # the same user's link: straight on, nothing asked
        again = self.get(self.issue(redirect=self.invoice.access_url))
        self.assertEqual((again.status_code, urlsplit(again.headers["Location"]).path), (303, self.invoice.access_url))
        self.assertSignedInAs(self.mia)
        # a forged POST (no CSRF token) switches nothing
        form = {"csrf_token": self.csrf(page.text), "token": token_of(max_path), "redirect": self.invoice.access_url}
        with mute_logger(*LOGGERS):
            forged = self.url_open("/portal/magic/confirm", data={**form, "csrf_token": "x"}, allow_redirects=False)
        self.assertEqual(forged.status_code, 400)
        self.assertSignedInAs(self.mia)
        response = self.url_open("/portal/magic/confirm", data=form, allow_redirects=False)
        self.assertEqual((response.status_code, urlsplit(response.headers["Location"]).path),
                         (303, self.invoice.access_url))
        self.assertSignedInAs(self.max)
        self.assertEqual(max_link.use_count, 1)
        self.assertFalse(self.env["client_hub.magic.link.attempt"].search([]), "no failure counted")

    def test_admin_session_is_not_replaced_silently(self):
        self.authenticate("admin", "admin")
        admin = self.env.ref("base.user_admin")
        page = self.get(self.issue())
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"You are signed in as {admin.name}", card_text(page.text))
        session = odoo.http.root.session_store.get(self.opener.cookies["session_id"])
        self.assertEqual(session.uid, admin.id)
        self.assertFalse(self.mia.user_ids, "no portal user created by a mere GET")

    def test_access_log_keeps_no_token(self):
        """Odoo's request line (its request handler's ``log_request``, logger werkzeug) names the
        link's path, not its token."""
        path = self.issue(redirect=self.invoice.access_url)
        token = token_of(path)
        self.assertEqual(self.get(path).status_code, 303)
        handler = CommonRequestHandler.__new__(CommonRequestHandler)  # the line of that request
        handler.client_address, handler.command, handler.request_version = ("127.0.0.1", 0), "GET", "HTTP/1.1"
        handler.path = path
        handler.requestline = f"GET {path} HTTP/1.1"
        # (a level number: Odoo names its level 25 "INFO" too)
        with self.assertLogs("werkzeug", logging.INFO) as captured:
            handler.log_request(303, "-")
        line = captured.records[0].getMessage()
        self.assertIn('"GET /portal/magic/<redacted>?redirect=', line)
        self.assertNotIn(token, line)
        self.assertNotIn(token.split(".")[-1], line)

    def test_new_email_from_my_account_waits_for_its_confirmation(self):
        """A contact types a new address in My account: the rest of the form is saved, the
        address on file (where sign-in links go) is kept until the link sent to the new one is
        opened and its button clicked."""
        old_link = self.issue()
        self.assertEqual(self.get(old_link).status_code, 303)
        csrf = self.csrf(self.url_open("/my/account").text)
        new = "mia.new@elsewhere.example"
        response = self.url_open("/my/address/submit", data={
            "csrf_token": csrf, "partner_id": self.mia.id, "name": "Mia Magic", "email": new,
            "phone": "+32 2 123 45 67", "street": "Rue Haute 1", "city": "Bruxelles", "zip": "1000",
            "country_id": self.env.ref("base.be").id, "address_type": "billing", "use_delivery_as_billing": "true",
        })
        self.assertEqual(response.json().get("redirectUrl"), "/my/account", response.text)
        self.env.invalidate_all()
        self.assertEqual((self.mia.email, self.mia.street), ("mia@magic.example", "Rue Haute 1"))
        self.assertEqual(self.mia.client_hub_pending_email, new)
        account = " ".join(re.sub(r"<[^>]+>", "", self.url_open("/my/account").text).split())
        self.assertIn(f"We sent a confirmation link to {new}. Your email address changes when you open it", account)
        # meanwhile sign-in links go to the address on file, never to the new one
        Requests = self.env["client_hub.magic.link.request"]
        Requests._enqueue(new)
        Requests._enqueue("mia@magic.example")
        Requests._cron_send_links()
        links = self.env["mail.mail"].search([("body_html", "ilike", "/portal/magic/ey")])
        self.assertEqual(links.recipient_ids, self.mia)
        self.assertFalse(any(links.mapped("email_to")), "to the contact (its address on file) only")
        self.assertTrue(self.Link.search([("partner_id", "=", self.mia.id), ("revoked_at", "=", False)]))
        # the confirmation goes to the new address only
        confirmation = self.env["mail.mail"].search([("body_html", "ilike", "/portal/magic/email/")])
        self.assertEqual((confirmation.email_to, confirmation.recipient_ids.ids), (new, []))
        url = re.search(r'href="([^"]*/portal/magic/email/[^"]+)"', confirmation.body_html).group(1)
        path = self.path(url.replace("&amp;", "&"))
        self.opener.cookies.clear()
        page = self.get(path)  # opened (by a person or a mail scanner): nothing changes yet
        self.assertEqual(page.status_code, 200)
        self.assertIn("Confirm your new email address", page.text)
        self.env.invalidate_all()
        self.assertEqual(self.mia.email, "mia@magic.example")
        with mute_logger(*LOGGERS):
            forged = self.url_open(f"{EMAIL}/confirm", data={"csrf_token": "x", "token": token_of(path)})
        self.assertEqual(forged.status_code, 400)
        done = self.url_open(f"{EMAIL}/confirm", data={"csrf_token": self.csrf(page.text), "token": token_of(path)})
        self.assertEqual(done.status_code, 200)
        self.assertIn("Your email address is confirmed", done.text)
        self.env.invalidate_all()
        self.assertEqual((self.mia.email, self.mia.client_hub_pending_email), (new, False))
        self.refused(old_link, "This sign-in link was revoked")  # sent to the former address
        with mute_logger(*LOGGERS):
            self.assertEqual(self.get(path).status_code, 403, "spent")

    def test_open_redirects_go_to_the_statement(self):
        attempts = [
            "https://evil.example", "//evil.example", "/\\evil.example", "%2F%2Fevil.example",
            "/%2Fevil.example", "%5C%5Cevil.example", "/%5Cevil.example", "https:%2F%2Fevil.example",
            "%252F%252Fevil.example", "/my/../web", "javascript:alert(1)", "/my@evil.example",
            "/web/login?redirect=https://evil.example", "/my%0d%0aLocation:%20https://evil.example",
        ]
        token = token_of(self.issue())
        for attempt in attempts:
            with self.subTest(attempt):
                self.opener.cookies.clear()
                response = self.get(f"/portal/magic/{token}?redirect={quote(attempt, safe='%')}")
                self.assertEqual(response.status_code, 303)
                location = urlsplit(response.headers["Location"])
                self.assertIn(location.netloc, ("", urlsplit(self.base_url()).netloc))
                self.assertEqual(location.path, "/my/statement")

    def test_credential_type_is_not_a_password_backdoor(self):
        """/web/login passes a posted `type` on to authenticate(): ours must refuse anything but a
        real token (the login form never carries one), as a plain wrong login."""
        token = token_of(self.issue())
        page = self.url_open("/web/login")
        for login in ("mia@magic.example", "admin"):
            with mute_logger(*LOGGERS):
                response = self.url_open("/web/login", data={
                    "csrf_token": self.csrf(page.text), "login": login, "password": token,
                    "type": "client_hub_magic_link",
                })
            self.assertIn("Wrong login/password", response.text)
            session = self.session_of_visitor()
            self.assertFalse(session and session.uid)

    # ------------------------------------------------------------------ "send me a new link"
    def test_new_link_form_reveals_nothing(self):
        """A known and an unknown address get the same answer: same status, same headers, same
        visible message and form; only the known client contact gets an email. Compares what a
        visitor (or an attacker) can observe, never the page's volatile parts (CSRF token)."""
        page = self.get("/portal/magic/request")
        self.assertEqual(page.status_code, 200)
        answers = {}
        for email in ("mia@magic.example", "nobody@unknown.example"):
            csrf = self.csrf(self.get("/portal/magic/request").text)
            response = self.url_open("/portal/magic/request", data={"csrf_token": csrf, "email": email})
            answers[email] = (
                response.status_code,
                {key: value for key, value in response.headers.items() if key in OBSERVABLE_HEADERS},
                card_text(response.text).replace(email, "EMAIL"),
                card_forms(response.text),
            )
        self.assertEqual(answers["mia@magic.example"], answers["nobody@unknown.example"])
        status, headers, text, _forms = answers["nobody@unknown.example"]
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("Cache-Control"), "no-store")
        self.assertIn("we are sending it a new sign-in link now", text)
        self.assertIn("We received your request for: EMAIL", text)
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", self.mia.ids)]), "sent by the job")
        self.env["client_hub.magic.link.request"]._cron_send_links()
        mails = self.env["mail.mail"].search([("recipient_ids", "in", self.mia.ids)])
        self.assertEqual(len(mails), 1, "only the client contact gets an email")
        self.assertIn("/portal/magic/", mails.body_html)
        self.assertFalse(self.env["mail.mail"].search([("email_to", "ilike", "nobody@unknown.example")]))
        # no CSRF token, no email
        with mute_logger(*LOGGERS):
            forged = self.url_open("/portal/magic/request", data={"email": "mia@magic.example"})
        self.assertEqual(forged.status_code, 400)
        # an empty form keeps the page and says what is missing
        csrf = self.csrf(self.get("/portal/magic/request").text)
        empty = self.url_open("/portal/magic/request", data={"csrf_token": csrf, "email": "  "})
        self.assertIn("Please enter your email address.", empty.text)

    def test_pages_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["client_hub"], ["fr_FR"], overwrite=True)
        self.opener.cookies.clear()
        french = {"Accept-Language": "fr-FR,fr;q=0.9"}
        with mute_logger(*LOGGERS):
            response = self.get("/portal/magic/not-a-token", headers=french)
        self.assertRegex(response.text, r"Ce lien de connexion n(&#39;|')est pas valide")
        self.assertIn("Envoyez-moi un nouveau lien", response.text)
        # the 429 page too (its message is built in Python)
        self.env["ir.config_parameter"].sudo().set_param("client_hub.magic_link_max_requests", "1")
        for _attempt in range(2):
            csrf = self.csrf(self.get("/portal/magic/request", headers=french).text)
            with mute_logger(*LOGGERS):
                response = self.url_open("/portal/magic/request", data={"csrf_token": csrf, "email": "x@y.example"},
                                         headers=french)
        self.assertEqual(response.status_code, 429)
        self.assertIn("veuillez patienter 15 minutes", response.text)

    # ------------------------------------------------------------------ rate limit
    def test_rate_limit_is_shared_by_every_cursor(self):
        """Failures recorded by other requests, and by another cursor (as another worker would
        through its own connection), add up: state is in the database, not in a process."""
        ICP = self.env["ir.config_parameter"].sudo()
        ICP.set_param("client_hub.magic_link_max_failures", "3")
        revoked = self.issue()
        self.client.action_client_hub_revoke_links()
        self.refused(revoked, "revoked")  # failure 1, request cursor
        self.refused(revoked, "revoked")  # failure 2, another request cursor
        with self.registry.cursor() as other_cr:  # failure 3, a cursor of its own
            other_cr.execute(
                "INSERT INTO client_hub_magic_link_attempt (ip, kind, reason, at) "
                "VALUES ('127.0.0.1', 'failure', 'other worker', now() AT TIME ZONE 'UTC')"
            )
        valid = self.issue()
        self.opener.cookies.clear()
        with mute_logger(*LOGGERS):
            response = self.get(valid)
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.headers.get("Retry-After"), "900")
        self.assertSecureHeaders(response)
        self.assertIn("Too many attempts", response.text)
        self.assertNoSession(response)
        # the window slides: later, the same link works
        with freeze_time(datetime.now() + timedelta(minutes=16)):
            self.assertEqual(self.get(valid).status_code, 303)

    def test_new_link_requests_are_rate_limited(self):
        self.env["ir.config_parameter"].sudo().set_param("client_hub.magic_link_max_requests", "2")
        statuses = []
        for _attempt in range(3):
            csrf = self.csrf(self.get("/portal/magic/request").text)
            with mute_logger(*LOGGERS):
                response = self.url_open("/portal/magic/request", data={"csrf_token": csrf, "email": "mia@magic.example"})
            statuses.append(response.status_code)
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(self.env["client_hub.magic.link.request"].search_count([]), 2)
        self.env["client_hub.magic.link.request"]._cron_send_links()
        self.assertEqual(len(self.env["mail.mail"].search([("recipient_ids", "in", self.mia.ids)])), 1,
                         "one email per contact and run of the job")

    def test_new_link_request_costs_the_same_for_any_address(self):
        """The answer's time must not tell who has an account: the request runs the same queries
        for a client contact, an internal user, a stranger and a typo (the lookup, the link and
        the email are the job's)."""
        self.env["ir.config_parameter"].sudo().set_param("client_hub.magic_link_max_requests", "50")
        emails = ["warm-up@unknown.example", "warm-up@unknown.example", "mia@magic.example",
                  "nobody@unknown.example", "admin@yourcompany.example.com", "not an address", "max@magic.example"]
        queries = {}
        for email in emails:
            csrf = self.csrf(self.get("/portal/magic/request").text)
            before = self.cr.sql_log_count
            response = self.url_open("/portal/magic/request", data={"csrf_token": csrf, "email": email})
            queries[email] = self.cr.sql_log_count - before
            self.assertEqual(response.status_code, 200)
        queries.pop("warm-up@unknown.example")  # the first requests fill Odoo's caches
        self.assertEqual(len(set(queries.values())), 1, queries)
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", (self.mia | self.max).ids)]))
        self.assertEqual(self.env["client_hub.magic.link.request"].search_count([]), len(emails))

    # ------------------------------------------------------------------ multi-database server
    def serve_without_database(self):
        """The routes of client_hub served to requests without a database (--load=base,web,client_hub)."""
        server_wide = config["server_wide_modules"]
        config["server_wide_modules"] = [*server_wide, "client_hub"]
        self.addCleanup(config.__setitem__, "server_wide_modules", server_wide)
        odoo.http.root.__dict__.pop("nodb_routing_map", None)
        self.addCleanup(odoo.http.root.__dict__.pop, "nodb_routing_map", None)

    def test_link_to_a_database_not_served(self):
        """Without a database to render a page in, a link naming a database this server does not
        serve gets one line, in the visitor's language."""
        self.serve_without_database()
        dbname = self.env.cr.dbname
        token = jwt.encode({"db": "client_hub_elsewhere", "sub": "1"}, "any key", algorithm="HS256")
        with patch.object(odoo.http, "db_list", lambda force=False, host=None: [dbname, "client_hub_other"]):
            for language, text in (("en-US,en;q=0.9", "Invalid link."), ("fr-BE,fr;q=0.9", "Lien non valide.")):
                self.opener.cookies.clear()
                response = self.get(f"/portal/magic/{token}", headers={"Accept-Language": language})
                self.assertEqual((response.status_code, response.text), (404, text))
                self.assertSecureHeaders(response)

    def test_multi_database_server(self):
        """Without a dbfilter pinning one database, the token names its database: the first
        request (served without database) remembers it in the session and comes back."""
        dbname = self.env.cr.dbname
        self.serve_without_database()
        with patch.object(odoo.http, "db_list", lambda force=False, host=None: [dbname, "client_hub_other"]):
            path = self.issue(redirect=self.invoice.access_url)
            self.opener.cookies.clear()
            first = self.get(path)
            self.assertEqual(first.status_code, 303)
            self.assertEqual(self.path(first.headers["Location"]), path, "back to the same link")
            self.assertEqual(self.session_of_visitor().db, dbname)
            second = self.get(path)
        self.assertEqual(second.status_code, 303)
        self.assertEqual(urlsplit(second.headers["Location"]).path, self.invoice.access_url)
        self.assertSignedInAs(self.mia)
