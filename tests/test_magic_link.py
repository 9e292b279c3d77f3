# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import random
import threading
import time
from datetime import datetime, timedelta

import jwt
from freezegun import freeze_time
from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.orm.environments import Transaction
from odoo.tests import TransactionCase, tagged, users
from odoo.tools import mute_logger

from odoo.addons.client_hub.models.client_hub_magic_link import CREDENTIAL_TYPE, MagicLinkError
from odoo.addons.mail.tests.common import MailCase, mail_new_test_user

from .common import ClientHubCommon
from .magic_link_common import MagicLinkFixtures, claims_of, magic_urls, redirect_of, token_of


@tagged("post_install", "-at_install")
class TestMagicLinkTokens(ClientHubCommon, MagicLinkFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_magic_link_fixtures()

    def assertRefused(self, token, reason):
        with self.assertRaises(MagicLinkError) as caught:
            self.Link._check_token(token)
        self.assertEqual(caught.exception.reason, reason)

    def test_token_claims_and_storage(self):
        link, token = self.Link._issue(self.mia, origin=self.invoice)
        claims = jwt.decode(token, options={"verify_signature": False})
        self.assertEqual(jwt.get_unverified_header(token)["alg"], "HS256")
        self.assertEqual(claims["sub"], str(self.mia.id))
        self.assertEqual(claims["db"], self.env.cr.dbname)
        self.assertGreaterEqual(len(claims["jti"]), 22, "at least 128 random bits")
        self.assertEqual(claims["exp"] - claims["iat"], 30 * 86400, "default lifetime: 30 days")
        # the random id is stored only as a hash; no column holds the token or the id
        self.assertEqual(link.sudo().jti_hash, hashlib.sha256(claims["jti"].encode()).hexdigest())
        self.env.flush_all()
        self.env.cr.execute("SELECT row_to_json(l)::text FROM client_hub_magic_link l WHERE id = %s", [link.id])
        row = self.env.cr.fetchone()[0]
        self.assertNotIn(claims["jti"], row)
        self.assertNotIn(token, row)
        self.assertEqual((link.origin_model, link.origin_id), ("account.move", self.invoice.id))
        self.assertEqual(link.origin_name, self.invoice.display_name)
        self.assertEqual(link.state, "valid")
        self.assertEqual(self.Link._check_token(token), link)

    def test_two_links_never_share_an_id(self):
        first = claims_of(self.Link._issue_url(self.mia))
        second = claims_of(self.Link._issue_url(self.mia))
        self.assertNotEqual(first["jti"], second["jti"])

    def test_lifetime_setting(self):
        settings = self.env["res.config.settings"].create({"client_hub_magic_link_lifetime_days": 7})
        settings.execute()
        link, token = self.Link._issue(self.mia)
        claims = jwt.decode(token, options={"verify_signature": False})
        self.assertEqual(claims["exp"] - claims["iat"], 7 * 86400)
        self.assertAlmostEqual(link.expires_at, fields.Datetime.now() + timedelta(days=7), delta=timedelta(seconds=5))
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"client_hub_magic_link_lifetime_days": 0})

    def test_forged_tokens_refused_without_lookup(self):
        _link, token = self.Link._issue(self.mia)
        claims = jwt.decode(token, options={"verify_signature": False})
        key = self.Link._signing_key()
        forged = {
            "other key": jwt.encode(claims, "not-the-key-" * 4, algorithm="HS256"),
            "tampered subject": jwt.encode({**claims, "sub": str(self.max.id)}, "x" * 32, algorithm="HS256"),
            "alg none": jwt.encode(claims, None, algorithm="none"),
            "HS512 with the right key": jwt.encode(claims, key, algorithm="HS512"),
            "other database": jwt.encode({**claims, "db": "another_db"}, key, algorithm="HS256"),
            "missing expiry": jwt.encode({k: v for k, v in claims.items() if k != "exp"}, key, algorithm="HS256"),
            "short random id": jwt.encode({**claims, "jti": "abc"}, key, algorithm="HS256"),
            "garbage": "not.a.jwt",
            "empty": "",
            "huge": "a" * 5000,
        }
        self.Link._decode(token)  # warm the parameter cache: the key is derived without a query
        for name, bad in forged.items():
            reason = None
            # (not assertRaises: Odoo's wraps it in a savepoint, three queries of its own)
            with self.subTest(name), self.assertQueryCount(0):
                try:
                    self.Link._decode(bad)
                except MagicLinkError as error:
                    reason = error.reason
            self.assertEqual(reason, "invalid", name)

    def test_unknown_id_with_valid_signature(self):
        _link, token = self.Link._issue(self.mia)
        claims = jwt.decode(token, options={"verify_signature": False})
        stray = jwt.encode({**claims, "jti": "z" * 32}, self.Link._signing_key(), algorithm="HS256")
        self.assertRefused(stray, "invalid")
        # a valid token cannot be moved to another contact (its subject is signed, and checked)
        moved = jwt.encode({**claims, "sub": str(self.max.id)}, self.Link._signing_key(), algorithm="HS256")
        self.assertRefused(moved, "invalid")

    def test_expiry(self):
        _link, token = self.Link._issue(self.mia)
        with freeze_time(datetime.now() + timedelta(days=29)):
            self.assertTrue(self.Link._check_token(token))
        with freeze_time(datetime.now() + timedelta(days=30, minutes=1)):
            self.assertRefused(token, "expired")

    def test_database_secret_rotation_kills_links(self):
        _link, token = self.Link._issue(self.mia)
        self.env["ir.config_parameter"].sudo().set_param("database.secret", "rotated-secret")
        self.assertRefused(token, "invalid")

    def test_revoked_when_contact_archived(self):
        link, token = self.Link._issue(self.mia)
        self.mia.action_archive()
        self.assertEqual((link.state, link.revoke_reason), ("revoked", "archived"))
        self.assertRefused(token, "revoked")

    def test_revoked_when_email_changes(self):
        link, token = self.Link._issue(self.mia)
        self.mia.email = "MIA@magic.example"  # same address, other case: kept
        self.assertFalse(link.revoked_at)
        self.mia.email = "mia.new@magic.example"
        self.assertEqual(link.revoke_reason, "email")
        self.assertRefused(token, "revoked")

    def test_revoked_when_portal_access_removed(self):
        link, token = self.Link._issue(self.mia)
        user = self.mia._client_hub_portal_user()
        self.assertTrue(user._is_portal())
        self.assertFalse(link.revoked_at, "creating the portal user keeps the link")
        wizard = self.env["portal.wizard"].create({"partner_ids": [Command.set(self.mia.ids)]})
        wizard.user_ids.action_revoke_access()
        self.assertEqual(link.revoke_reason, "portal")
        self.assertRefused(token, "revoked")
        # and no new link can be issued for a contact whose access was removed
        with self.assertRaises(UserError):
            self.Link._issue(self.mia)

    def test_internal_users_get_no_link(self):
        mail_new_test_user(self.env, login="mia.internal", email="mia@magic.example", groups="base.group_user",
                           partner_id=self.mia.id)
        self.assertFalse(self.mia._client_hub_magic_link_allowed())
        with self.assertRaises(UserError):
            self.Link._issue(self.mia)

    def test_contacts_sharing_an_address(self):
        """Logins are unique: a second contact with the same address gets no portal user (its
        link is refused as unavailable) instead of taking over the first contact's account."""
        twin = self.env["res.partner"].create({"name": "Mia Twin", "parent_id": self.rival.id, "email": "mia@magic.example"})
        user = self.mia._client_hub_portal_user()
        self.assertTrue(user)
        with mute_logger("odoo.addons.client_hub.models.res_partner_portal", "odoo.sql_db"):
            self.assertFalse(twin._client_hub_portal_user())
        self.assertEqual(user.partner_id, self.mia)

    def test_revoke_all_links_of_a_client(self):
        mia_link, _token = self.Link._issue(self.mia)
        max_link, _token = self.Link._issue(self.max)
        rival_link, _token = self.Link._issue(self.rival)
        self.client.action_client_hub_revoke_links()
        self.assertEqual((mia_link.revoke_reason, max_link.revoke_reason), ("manual", "manual"))
        self.assertFalse(rival_link.revoked_at, "another client's links are untouched")
        self.assertEqual(self.client.client_hub_magic_link_ids, mia_link | max_link)

    def test_consume_counts_and_single_use(self):
        link, token = self.Link._issue(self.mia)
        self.assertEqual(self.Link._consume_token(token, self.mia), link)
        self.Link._consume_token(token, self.mia)
        self.assertEqual(link.use_count, 2)
        self.assertTrue(link.last_used_at)
        # the statement re-checks the contact the link was sent to
        with self.assertRaises(MagicLinkError):
            self.Link._consume_token(token, self.max)
        self.assertEqual(link.use_count, 2)
        self.env["ir.config_parameter"].sudo().set_param("client_hub.magic_link_single_use", "True")
        once, token = self.Link._issue(self.mia)
        self.assertTrue(once.single_use)
        self.Link._consume_token(token, self.mia)
        with self.assertRaises(MagicLinkError) as caught:
            self.Link._consume_token(token, self.mia)
        self.assertEqual(caught.exception.reason, "used")
        self.assertEqual((once.use_count, once.state), (1, "used"))
        self.assertRefused(token, "used")

    def test_returning_sign_in_reads_no_documents(self):
        """The client's companies are granted when a document is posted or a link issued: a
        returning sign-in reads none of its documents, it only checks its link's company."""
        _link, token = self.Link._issue(self.mia, origin=self.invoice)
        Users = self.env["res.users"]
        user = Users.browse(Users.authenticate({"type": CREDENTIAL_TYPE, "token": token}, {})["uid"])
        self.assertEqual(user.company_ids, self.invoice.company_id)
        Users.authenticate({"type": CREDENTIAL_TYPE, "token": token}, {})  # Odoo's caches warm
        self.env.invalidate_all()  # a request starts with no record in its cache
        with self.assertQueryCount(10):
            self.assertEqual(Users.authenticate({"type": CREDENTIAL_TYPE, "token": token}, {})["uid"], user.id)


@tagged("post_install", "-at_install")
class TestMagicLinkEmails(ClientHubCommon, MailCase, MagicLinkFixtures):
    """Every document email to a client contact carries a magic link for that recipient only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_manager") | cls.env.ref(
            "helpdesk_mgmt.group_helpdesk_manager"
        )
        cls.setup_magic_link_fixtures()
        cls.accountant = mail_new_test_user(
            cls.env, login="ch_accountant", email="accountant@company.example", notification_type="email",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
        )

    def mails_to(self, partner):
        return self._new_mails.filtered(lambda m: partner in m.recipient_ids)

    def single_magic_url(self, partner):
        mails = self.mails_to(partner)
        self.assertEqual(len(mails), 1, f"one email to {partner.name}")
        urls = set(magic_urls(mails.body_html))
        self.assertEqual(len(urls), 1, f"exactly one magic link for {partner.name}")
        return urls.pop()

    def test_invoice_email(self):
        self.invoice.message_subscribe(partner_ids=(self.max | self.rival | self.accountant.partner_id).ids)
        with self.mock_mail_gateway():
            wizard = self.env["account.move.send.wizard"].with_context(
                active_model="account.move", active_ids=self.invoice.ids
            ).create({})
            wizard.action_send_and_print()
            # a message posted on the invoice later reaches the followers the same way
            self.invoice.message_post(body="Reminder", message_type="comment", subtype_xmlid="mail.mt_comment")
        mia_urls = set(magic_urls(self.mails_to(self.mia)[:1].body_html))
        self.assertEqual(len(mia_urls), 1)
        mia_url = mia_urls.pop()
        self.assertEqual(claims_of(mia_url)["sub"], str(self.mia.id))
        self.assertEqual(redirect_of(mia_url), self.invoice.access_url)
        link = self.Link._check_token(token_of(mia_url))
        self.assertEqual((link.partner_id, link.origin_id), (self.mia, self.invoice.id))
        # the other contact of the client gets its own, different link
        max_urls = {u for m in self.mails_to(self.max) for u in magic_urls(m.body_html)}
        self.assertTrue(max_urls)
        self.assertTrue(all(claims_of(u)["sub"] == str(self.max.id) for u in max_urls))
        # internal users and third parties keep Odoo's normal links
        for outsider in (self.accountant.partner_id, self.rival):
            for mail in self.mails_to(outsider):
                self.assertFalse(magic_urls(mail.body_html), outsider.name)
        # the chatter keeps no sign-in link
        self.assertFalse(magic_urls("".join(self.invoice.message_ids.mapped("body"))))

    def test_quote_email(self):
        order = self.env["sale.order"].create({
            "partner_id": self.mia.id,
            "order_line": [Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})],
        })
        with self.mock_mail_gateway():
            composer = self.env["mail.compose.message"].with_context(
                **order.action_quotation_send()["context"]
            ).create({})
            composer.action_send_mail()
        url = self.single_magic_url(self.mia)
        self.assertEqual(redirect_of(url), f"/my/orders/{order.id}")

    def test_payment_receipt_email(self):
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.mia.id, "amount": 50.0,
        })
        payment.action_post()
        template = self.env.ref("account.mail_template_data_payment_receipt")
        with self.mock_mail_gateway():
            payment.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        url = self.single_magic_url(self.mia)
        self.assertEqual(redirect_of(url), None, "receipts land on the statement")

    def test_mass_mode_receipts(self):
        """The mass-mail composer sends one body per record: each payment's email carries the
        link of its only recipient, and a body shared by two recipients carries no magic link."""
        payments = self.env["account.payment"]
        for partner in (self.mia, self.max):
            payments |= self.env["account.payment"].create({
                "payment_type": "inbound", "partner_type": "customer", "partner_id": partner.id, "amount": 10.0,
            })
        payments.action_post()
        template = self.env.ref("account.mail_template_data_payment_receipt")
        with self.mock_mail_gateway():  # as Odoo's "Send receipts by email" list action does
            self.env["mail.compose.message"].with_context(
                default_model="account.payment", default_res_ids=payments.ids,
                default_composition_mode="mass_mail", default_template_id=template.id,
                default_email_layout_xmlid="mail.mail_notification_light",
            ).create({}).action_send_mail()
        for payment, partner in zip(payments, (self.mia, self.max), strict=True):
            mail = self._new_mails.filtered(lambda m, p=payment: m.res_id == p.id)
            urls = set(magic_urls(mail.body_html))
            self.assertEqual(len(urls), 1, partner.name)
            self.assertEqual(claims_of(urls.pop())["sub"], str(partner.id))
        # the same classification with two recipients for one body: Odoo's link, no personal one
        payment = payments[0]
        message = self.env["mail.message"].new({"body": "<p>Receipt</p>"})
        recipients = [
            {"active": True, "email_normalized": False, "id": pid, "is_follower": False, "lang": "en_US",
             "name": False, "groups": [], "notif": "email", "share": True, "type": "customer", "uid": False,
             "ushare": False}
            for pid in (self.mia | self.max).ids
        ]
        links_before = self.Link.search_count([])
        groups = payment._notify_get_recipients_classify(message, recipients, "Payment", msg_vals={
            "model": payment._name, "res_id": payment.id, "email_layout_xmlid": "mail.mail_notification_light",
        })
        self.assertFalse([g for g in groups if "/portal/magic/" in (g["button_access"].get("url") or "")])
        self.assertEqual(self.Link.search_count([]), links_before, "no link issued for a shared body")

    def test_ticket_reply_email(self):
        ticket = self.env["helpdesk.ticket"].create({
            "name": "Printer on fire", "description": "Help", "partner_id": self.mia.id,
        })
        ticket.message_subscribe(partner_ids=self.mia.ids)
        with self.mock_mail_gateway():
            ticket.message_post(
                body="We are on it.", message_type="comment", subtype_xmlid="mail.mt_comment",
            )
        url = self.single_magic_url(self.mia)
        self.assertEqual(redirect_of(url), f"/my/ticket/{ticket.id}")

    def test_send_portal_link_button(self):
        queue_triggers = self.triggers("mail.ir_cron_mail_scheduler_action")
        with self.mock_mail_gateway():
            action = self.mia.action_client_hub_send_portal_link()
        self.assertEqual(action["params"]["type"], "success")
        # queued, not sent inside the request, and the mail queue woken at once
        self.assertEqual(self.mails_to(self.mia).state, "outgoing")
        self.assertGreater(self.triggers("mail.ir_cron_mail_scheduler_action"), queue_triggers)
        url = self.single_magic_url(self.mia)
        self.assertIsNone(redirect_of(url))
        self.assertIn("Open my client portal", self.mails_to(self.mia).body_html)
        self.rival.email = False
        with self.assertRaises(UserError):
            self.rival.action_client_hub_send_portal_link()

    @users("ch_accountant")
    def test_only_editors_send_or_revoke(self):
        self.env["ir.rule"].sudo().create({
            "name": "accountant cannot edit Magic Corp", "model_id": self.env.ref("base.model_res_partner").id,
            "domain_force": f"[('commercial_partner_id', '!=', {self.client.id})]",
            "perm_read": False, "perm_create": False, "perm_unlink": False,
            "groups": [Command.link(self.env.ref("base.group_user").id)],
        })
        mia_link, _token = self.Link._issue(self.mia)
        mia = self.mia.with_env(self.env)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            mia.action_client_hub_send_portal_link()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            mia.action_client_hub_revoke_links()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            mia_link.with_env(self.env).action_revoke()
        self.assertFalse(mia_link.revoked_at)
        # the same user may do all of it for a client it can edit
        rival = self.rival.with_env(self.env)
        with self.mock_mail_gateway():
            self.assertEqual(rival.action_client_hub_send_portal_link()["params"]["type"], "success")
        self.assertEqual(rival.action_client_hub_revoke_links()["params"]["type"], "success")
        self.assertEqual(self.Link.sudo().search([("partner_id", "=", self.rival.id)]).revoke_reason, "manual")

    def triggers(self, xmlid):
        cron = self.env.ref(xmlid)
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    def test_request_new_link_by_email(self):
        """The request writes a row and wakes the job, nothing else; the job emails a link to the
        client contact only, wakes the mail queue at once and deletes the requests."""
        Request = self.env["client_hub.magic.link.request"]
        job_xmlid = "client_hub.ir_cron_client_hub_magic_link_request"
        addresses = ("  MIA@magic.example ", "nobody@nowhere.example", "accountant@company.example", "not an email")
        with self.mock_mail_gateway():
            for email in addresses:
                Request._enqueue(email)
        self.assertFalse(self._new_mails, "nothing is looked up or sent during the request")
        self.assertEqual(self.Link.search_count([("partner_id", "=", self.mia.id)]), 0)
        self.assertEqual(
            Request.search([]).mapped("email"),
            ["mia@magic.example", "nobody@nowhere.example", "accountant@company.example", "not an email"],
        )
        self.assertEqual(len(self.triggers(job_xmlid)), 4, "the job is woken at once, by each request")
        queue_triggers = self.triggers("mail.ir_cron_mail_scheduler_action")
        with self.mock_mail_gateway():
            Request._enqueue("mia@magic.example")  # twice in a row: one email
            Request._cron_send_links()
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(self._new_mails.recipient_ids, self.mia)
        self.assertEqual(self._new_mails.state, "outgoing", "sent by the mail queue...")
        self.assertGreater(self.triggers("mail.ir_cron_mail_scheduler_action"), queue_triggers,
                           "...which is woken at once")
        self.assertFalse(Request.search([]), "answered requests are deleted")

    def test_request_answered_within_the_hour_and_purged(self):
        Request = self.env["client_hub.magic.link.request"]
        Request._enqueue("mia@magic.example")
        with freeze_time(datetime.now() + timedelta(hours=2)), self.mock_mail_gateway():
            Request._cron_send_links()
        self.assertFalse(self._new_mails, "a link asked for hours ago is not sent any more")
        self.assertFalse(Request.search([]))
        Request._enqueue("mia@magic.example")  # left by a stopped cron: purged after a day
        with freeze_time(datetime.now() + timedelta(days=2)):
            Request._gc_requests()
        self.assertFalse(Request.search([]))


@tagged("post_install", "-at_install")
class TestMagicLinkRateLimitConcurrency(TransactionCase):
    """Simultaneous requests from one address, each in its own transaction on its own
    connection (as workers or servers run them), never pass the limit together."""

    IP = "198.51.100.77"  # TEST-NET-2: no real visitor

    def purge(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM client_hub_magic_link_attempt WHERE ip = %s", [self.IP])
            cr.execute("DELETE FROM client_hub_magic_link_gate WHERE ip = %s", [self.IP])

    @staticmethod
    def retrying(env, func):
        """As ``odoo.service.model.retrying`` runs a request again after a serialization failure
        (its own would wait for the registry lock the test runner holds)."""
        for _try in range(30):
            try:
                return func()
            except SerializationFailure:
                env.cr.rollback()
                env.invalidate_all()
                time.sleep(random.uniform(0.0, 0.2))
        raise AssertionError("still failing after 30 tries")

    def race(self, kind, count):
        """``count`` threads take their snapshot, wait for each other, then each asks for one
        attempt of ``kind`` at the same moment (retried on serialization errors, as Odoo retries
        a request). Returns how many got one."""
        self.purge()
        self.addCleanup(self.purge)
        barrier = threading.Barrier(count, timeout=60)
        granted, errors = [], []

        def attempt():
            try:
                with self.registry.cursor() as cr:
                    # (Registry(dbname) would wait for the lock the test runner holds)
                    cr.transaction = Transaction(self.registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    cr.execute("SELECT 1")  # the transaction's snapshot is taken here, as a request's is
                    barrier.wait()
                    granted.append(bool(self.retrying(env, lambda: env["client_hub.magic.link.attempt"]._acquire(self.IP, kind))))
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=attempt) for _i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors)
        self.assertEqual(len(granted), count)
        return sum(granted)

    def test_simultaneous_sign_ins_do_not_wait_for_each_other(self):
        """A sign-in only reads the count: while one from this address is under way (its
        transaction open), another one passes at once; a failure still takes the lock."""
        self.purge()
        self.addCleanup(self.purge)
        with self.registry.cursor() as first_cr, self.registry.cursor() as second_cr:
            first, second = (
                api.Environment(cr, SUPERUSER_ID, {})["client_hub.magic.link.attempt"] for cr in (first_cr, second_cr)
            )
            for cr in (first_cr, second_cr):
                cr.transaction = Transaction(self.registry)
                cr.execute("SET LOCAL lock_timeout = '2s'")
            self.assertTrue(first._allowed(self.IP, "failure"))
            self.assertTrue(second._allowed(self.IP, "failure"), "no wait for the other sign-in")
            self.assertTrue(first._acquire(self.IP, "failure", "revoked"))
            with mute_logger("odoo.sql_db"), self.assertRaises(LockNotAvailable):
                second._acquire(self.IP, "failure", "revoked")

    def test_simultaneous_requests(self):
        self.assertEqual(self.race("request", 10), 5, "5 new-link requests per 15 minutes, not more")

    def test_simultaneous_failures(self):
        self.assertEqual(self.race("failure", 14), 10, "10 sign-in attempts per 15 minutes, not more")
