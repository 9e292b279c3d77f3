# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client emails threaded into tickets through Odoo's mail gateway (real RFC 822 messages)."""
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .magic_link_common import magic_urls
from .support_common import SUPPORT, SupportFixtures

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LOGGERS = ("odoo.addons.client_hub.models.helpdesk_ticket", "odoo.addons.mail.models.mail_thread")


@tagged("post_install", "-at_install")
class TestSupportGateway(TransactionCase, SupportFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_support()

    def new_ticket(self, sender="Ana Client <ana@client.example>", subject="Billing address change"):
        self.deliver(self.email(sender, SUPPORT, subject, text="We moved to Avenue Louise 54."))
        return self.env["helpdesk.ticket"].search([("name", "=", subject)])

    def public_messages(self, ticket):
        return ticket.message_ids.filtered(
            lambda m: not m.is_internal and m.subtype_id == self.env.ref("mail.mt_comment")
        )

    # ------------------------------------------------------------------ new tickets by email
    def test_email_from_a_known_contact_opens_a_ticket_for_its_client(self):
        ticket = self.new_ticket()
        self.assertEqual(len(ticket), 1)
        self.assertEqual((ticket.partner_id, ticket.commercial_partner_id, ticket.team_id),
                         (self.ana, self.client, self.team))
        self.assertEqual(ticket.client_hub_waiting, "team")
        self.assertIn(self.ana, ticket.message_partner_ids, "the contact follows its ticket")

    def test_email_from_an_unknown_address_creates_the_contact(self):
        ticket = self.new_ticket(sender="Zoe Newcomer <zoe@newcomer.example>", subject="Do you work in Lyon?")
        self.assertTrue(ticket.partner_id)
        self.assertEqual((ticket.partner_id.name, ticket.partner_id.email), ("Zoe Newcomer", "zoe@newcomer.example"))
        self.assertEqual(ticket.message_ids[-1].author_id, ticket.partner_id)

    def test_new_ticket_subscribes_the_senders_colleagues_only(self):
        """helpdesk_mgmt subscribes every known partner of To/Cc: a stranger writing to the alias
        with a client's contact in Cc had that contact emailed its text from the company."""
        cc = "Bob Client <bob@client.example>, eve@rival.example, Zed <zed@outside.example>"
        raw = self.email("Ana Client <ana@client.example>", SUPPORT, "Printer on fire", text="Help", extra_headers={"Cc": cc})
        self.deliver(raw)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Printer on fire")])
        self.assertIn(self.bob, ticket.message_partner_ids, "a colleague in Cc follows")
        self.assertNotIn(self.eve, ticket.message_partner_ids, "another client's contact does not")
        raw = self.email("Mallory <mallory@nowhere.example>", SUPPORT, "Your refund", text="Pay here: https://evil.example",
                         extra_headers={"Cc": "ana@client.example, eve@rival.example"})
        with mute_logger(*LOGGERS):
            self.deliver(raw)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Your refund")])
        self.assertEqual(ticket.message_partner_ids.filtered("partner_share"), ticket.partner_id)
        creation = ticket.message_ids.filtered(lambda m: "evil.example" in (m.body or ""))
        self.assertTrue(creation)
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "in", creation.ids)])
        self.assertFalse((mails.recipient_ids | creation.notification_ids.res_partner_id) & (self.ana | self.eve))

    # ------------------------------------------------------------------ replies
    def test_agent_reply_emails_the_client_with_a_sign_in_link(self):
        ticket = self.new_ticket()
        reply = self.agent_reply(ticket)
        self.assertEqual(ticket.client_hub_waiting, "client")
        mail = self.env["mail.mail"].search([("mail_message_id", "=", reply.id), ("recipient_ids", "in", self.ana.ids)])
        self.assertEqual(len(mail), 1)
        urls = magic_urls(mail.body_html)
        self.assertTrue(urls, "a sign-in link to the ticket")
        self.assertIn(f"%2Fmy%2Fticket%2F{ticket.id}", urls[0])
        self.assertIn("support@hub.example", mail.reply_to, "replies come back to the support alias")

    def reply(self, ticket, sender, text=None, html=None, by="in_reply_to", charset="utf-8", attachments=()):
        parent = self.agent_reply(ticket)
        headers = {"in_reply_to": parent.message_id} if by == "in_reply_to" else {
            "references": f"<unrelated@elsewhere.example> {parent.message_id}"}
        before = set(ticket.message_ids.ids)
        self.deliver(self.email(sender, SUPPORT, f"Re: {ticket.name}", text=text, html=html, charset=charset,
                                attachments=attachments, **headers))
        return ticket.message_ids.filtered(lambda m: m.id not in before)

    def test_client_reply_by_in_reply_to(self):
        ticket = self.new_ticket()
        message = self.reply(ticket, "Ana Client <ana@client.example>", text="Thanks, that helps.")
        self.assertEqual(message.author_id, self.ana)
        self.assertIn(message, self.public_messages(ticket))
        self.assertIn("Thanks, that helps.", message.body)
        self.assertEqual(ticket.client_hub_waiting, "team", "back on the team's side")

    def test_client_reply_by_references_only(self):
        ticket = self.new_ticket()
        message = self.reply(ticket, "ana@client.example", text="Answer by references.", by="references")
        self.assertEqual(message.author_id, self.ana)
        self.assertIn(message, self.public_messages(ticket))

    def test_colleague_of_the_same_client_may_reply(self):
        ticket = self.new_ticket()
        message = self.reply(ticket, "Bob Client <bob@client.example>", text="I am Ana's colleague.")
        self.assertEqual(message.author_id, self.bob)
        self.assertIn(message, self.public_messages(ticket))

    def test_reply_with_attachment_html_only_and_text_only(self):
        ticket = self.new_ticket()
        with_file = self.reply(ticket, "ana@client.example", text="Here is the scan.",
                               attachments=[("scan.pdf", PDF, "application", "pdf")])
        self.assertEqual(with_file.attachment_ids.mapped("name"), ["scan.pdf"])
        self.assertEqual(with_file.attachment_ids.raw, PDF)
        html = self.reply(ticket, "ana@client.example", html="<p>Only <b>HTML</b> here</p>")
        self.assertIn("<b>HTML</b>", html.body)
        text = self.reply(ticket, "ana@client.example", text="Only text here")
        self.assertIn("Only text here", text.body)

    def test_latin1_french_reply(self):
        ticket = self.new_ticket()
        message = self.reply(ticket, "ana@client.example", text="Merci beaucoup, à bientôt : ça règle tout.",
                             charset="iso-8859-1")
        self.assertIn("à bientôt : ça règle tout", message.body)

    def test_stranger_with_forged_references_is_kept_as_a_flagged_note(self):
        ticket = self.new_ticket()
        with mute_logger(*LOGGERS):
            message = self.reply(ticket, "Eve Rival <eve@rival.example>", text="Please wire the refund to me.",
                                 by="references")
        self.assertTrue(message.is_internal, "never a public message of the client")
        self.assertIn("From an unknown sender", message.body)
        self.assertNotIn(message, self.public_messages(ticket))
        # the client's contacts never see it
        ana_user = self.ana._client_hub_portal_user()
        visible = self.env["mail.message"].with_user(ana_user).search([("model", "=", "helpdesk.ticket"),
                                                                       ("res_id", "=", ticket.id)])
        self.assertNotIn(message, visible)
        self.assertEqual(ticket.client_hub_waiting, "client", "a stranger does not put it back on the team's side")
        # a complete stranger (no contact at all) is treated the same way
        with mute_logger(*LOGGERS):
            unknown = self.reply(ticket, "mallory@nowhere.example", text="hello", by="in_reply_to")
        self.assertTrue(unknown.is_internal)

    def test_reply_reopens_a_closed_ticket_when_the_setting_says_so(self):
        ticket = self.new_ticket()
        closed = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        ticket.stage_id = closed
        self.reply(ticket, "ana@client.example", text="It is broken again.")
        self.assertFalse(ticket.stage_id.closed, "reopened")
        self.assertEqual(ticket.client_hub_waiting, "team")
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.client_hub_support_reopen_on_reply, "on by default")
        settings.client_hub_support_reopen_on_reply = False  # unticked in Settings
        settings.execute()
        self.assertFalse(self.env["res.config.settings"].create({}).client_hub_support_reopen_on_reply)
        ticket.stage_id = closed
        self.reply(ticket, "ana@client.example", text="Just saying thanks.")
        self.assertEqual(ticket.stage_id, closed, "kept closed")

    def test_reply_to_several_tickets_judges_each_one(self):
        closed = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        first, second = self.new_ticket(subject="First"), self.new_ticket(subject="Second")
        rivals = self.new_ticket(sender="Eve Rival <eve@rival.example>", subject="Rival's")
        tickets = self.env["helpdesk.ticket"].sudo().browse([first.id, rivals.id, second.id])
        tickets.stage_id = closed
        msg = {"author_id": self.ana.id, "email_from": "ana@client.example", "body": "<p>Broken again.</p>",
               "to": SUPPORT, "cc": ""}
        with mute_logger(*LOGGERS):
            tickets.message_update(msg)
        self.assertFalse(first.stage_id.closed, "Ana's own ticket is reopened")
        self.assertFalse(second.stage_id.closed, "so is the one after the rival's")
        self.assertEqual(rivals.stage_id, closed, "a stranger to it does not reopen the rival's ticket")
        self.assertTrue(msg["is_internal"], "the message posted from this dict is the flagged note")
        self.assertIn("From an unknown sender", msg["body"])

    def test_bounce_is_not_a_ticket(self):
        ticket = self.new_ticket()
        reply = self.agent_reply(ticket)
        tickets_before = self.env["helpdesk.ticket"].search_count([])
        raw = self.email(
            "MAILER-DAEMON <mailer-daemon@mx.client.example>", "bounce@hub.example",
            "Undelivered Mail Returned to Sender",
            text="This is the mail system. The message could not be delivered.",
            references=reply.message_id,
            extra_headers={"Auto-Submitted": "auto-replied", "Content-Description": "Delivery report"},
        )
        with mute_logger(*LOGGERS):
            self.deliver(raw)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets_before)
        self.assertFalse(self.public_messages(ticket).filtered(lambda m: "could not be delivered" in (m.body or "")))

    def test_badge_counts_what_awaits_the_team(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.agent)
        start = Ticket.client_hub_awaiting_count()
        ticket = self.new_ticket()
        self.assertEqual(Ticket.client_hub_awaiting_count(), start + 1)
        self.agent_reply(ticket)
        self.assertEqual(Ticket.client_hub_awaiting_count(), start)
        self.reply(ticket, "ana@client.example", text="One more question.")
        self.assertEqual(Ticket.client_hub_awaiting_count(), start + 1)
        ticket.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertEqual(Ticket.client_hub_awaiting_count(), start)

    def test_badge_count_is_one_query_whatever_the_tickets(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.agent)
        Ticket.client_hub_awaiting_count()  # warm the caches (rules, groups)
        self.env["helpdesk.ticket"].create([
            {"name": f"T{i}", "description": "<p>x</p>", "team_id": self.team.id, "partner_id": self.ana.id}
            for i in range(30)
        ])
        self.env.flush_all()
        with self.assertQueryCount(1):
            Ticket.client_hub_awaiting_count()

    def test_badge_is_pushed_on_the_bus(self):
        ticket = self.new_ticket()
        self.env["bus.bus"].sudo().search([]).unlink()
        self.reply(ticket, "ana@client.example", text="Any news?")
        self.env.cr.precommit.run()  # what the commit of the request does: the bus messages are stored
        notifications = self.env["bus.bus"].sudo().search([("message", "like", "client_hub/support_badge")])
        self.assertTrue(notifications)
        self.assertTrue(any(str(self.agent.partner_id.id) in n.channel for n in notifications))

    # ------------------------------------------------------------------ nothing of a stranger leaves the company
    def outside_traces(self, message):
        """The emails and notifications ``message`` gave to anybody who is not an internal user."""
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        notifications = self.env["mail.notification"].sudo().search([("mail_message_id", "=", message.id)])
        outside = (mails.recipient_ids | notifications.res_partner_id).filtered("partner_share")
        return outside, mails.filtered(lambda mail: mail.email_to)

    def forged_reply(self, ticket, sender, parent, cc=None, text="Please wire the refund to IBAN FR76 0000."):
        before = set(ticket.message_ids.ids)
        extra = {"Cc": cc} if cc else {}
        with mute_logger(*LOGGERS):
            self.deliver(self.email(sender, SUPPORT, f"Re: {ticket.name}", text=text, in_reply_to=parent.message_id,
                                    references=parent.message_id, extra_headers=extra,
                                    attachments=[("invoice.pdf", PDF, "application", "pdf")]))
        return ticket.message_ids.filtered(lambda m: m.id not in before and m.message_type != "out_of_office")

    def test_forged_reply_to_the_clients_message_reaches_nobody_outside_the_team(self):
        ticket = self.new_ticket()
        self.agent_reply(ticket)  # the agent follows the ticket
        clients_message = self.reply(ticket, "Ana Client <ana@client.example>", text="Here is our new address.")
        self.assertEqual(clients_message.author_id, self.ana)
        followers = ticket.message_follower_ids.mapped(lambda f: (f.partner_id, f.subtype_ids))
        cc_before = ticket.email_cc
        for sender in ("Mallory <billing@hub-support.example>", "Eve Rival <eve@rival.example>"):
            with self.subTest(sender=sender):
                note = self.forged_reply(ticket, sender, clients_message,
                                         cc="bob@client.example, office@rival.example, Zed <zed@outside.example>")
                self.assertEqual(len(note), 1)
                self.assertTrue(note.is_internal)
                self.assertTrue(note.client_hub_unverified_sender)
                self.assertIn("From an unknown sender", note.body)
                self.assertEqual(note.attachment_ids.mapped("name"), ["invoice.pdf"], "kept for the team")
                outside, mails_to_addresses = self.outside_traces(note)
                self.assertFalse(outside, "no email nor notification to the client or anyone outside")
                self.assertFalse(mails_to_addresses)
                self.assertEqual(ticket.message_follower_ids.mapped(lambda f: (f.partner_id, f.subtype_ids)), followers,
                                 "nobody subscribed, not even the Cc")
                self.assertEqual(ticket.email_cc, cc_before, "the Cc is not kept for the next answers")
                self.assertEqual(ticket.client_hub_waiting, "team")
                # answering the note does not propose the stranger, its Cc or the client it replied to
                suggested = ticket._message_get_suggested_recipients(reply_message=note, no_create=True)
                emails = {recipient["email"] for recipient in suggested}
                self.assertFalse(emails & {"billing@hub-support.example", "eve@rival.example", "zed@outside.example",
                                           "office@rival.example"}, suggested)

    def test_forged_reply_notifies_internal_users_only_and_no_out_of_office(self):
        ticket = self.new_ticket()
        agents_message = self.agent_reply(ticket)
        self.agent.write({"out_of_office_from": "2020-01-01 00:00:00", "out_of_office_message": "<p>Away</p>"})
        note = self.forged_reply(ticket, "mallory@nowhere.example", agents_message)
        notified = self.env["mail.notification"].sudo().search([("mail_message_id", "=", note.id)]).res_partner_id
        self.assertEqual(notified, self.agent.partner_id, "the agent replied to is told of it")
        self.assertFalse(ticket.message_ids.filtered(lambda m: m.message_type == "out_of_office"),
                         "no automatic answer quoting it to the stranger")
        self.assertFalse(self.env["mail.mail"].sudo().search([("email_to", "ilike", "mallory@")]))

    # ------------------------------------------------------------------ staff impersonation
    def agent_email(self, ticket, parent, auth_results=(), text="Your refund is ready: sign in here."):
        message = self.email("Alex Agent <alex.agent@hub.example>", SUPPORT, f"Re: {ticket.name}", text=text,
                             in_reply_to=parent.message_id)
        # the receiving server puts its Authentication-Results on top of the message
        headers = b"".join(f"Authentication-Results: {value}\r\n".encode() for value in auth_results)
        before = set(ticket.message_ids.ids)
        with mute_logger(*LOGGERS):
            self.deliver(headers + message)
        return ticket.message_ids.filtered(lambda m: m.id not in before)

    def assert_flagged_staff_claim(self, ticket, message):
        self.assertTrue(message.is_internal)
        self.assertTrue(message.client_hub_unverified_sender)
        self.assertIn("the mail server did not authenticate it", message.body)
        self.assertNotIn(message, self.public_messages(ticket))
        self.assertFalse(self.outside_traces(message)[0], "the client is not emailed")
        self.assertEqual(ticket.client_hub_waiting, "team", "the status is unchanged")

    def test_unauthenticated_staff_address_is_a_flagged_note(self):
        ticket = self.new_ticket()
        clients_message = ticket.message_ids.filtered(lambda m: m.author_id == self.ana)[:1]
        forged_top = "mx.hub.example; dmarc=pass header.from=hub.example"
        cases = {
            "no header": (),
            "dmarc failed": ("mx.hub.example; spf=fail smtp.mailfrom=evil.example; dmarc=fail header.from=hub.example",),
            "a forged pass under the server's": ("mx.hub.example; dmarc=fail header.from=hub.example", forged_top),
            "a pass for another domain": ("mx.hub.example; dmarc=pass header.from=evil.example",),
        }
        for case, headers in cases.items():
            with self.subTest(case=case):
                self.assert_flagged_staff_claim(ticket, self.agent_email(ticket, clients_message, headers))
        # the operator names its server: another server's header never counts
        self.env["ir.config_parameter"].sudo().set_param("client_hub.support_authserv_id", "mx.hub.example")
        message = self.agent_email(ticket, clients_message, ("relay.evil.example; dmarc=pass header.from=hub.example",))
        self.assert_flagged_staff_claim(ticket, message)

    def test_authenticated_staff_email_is_the_teams_answer(self):
        ticket = self.new_ticket()
        clients_message = ticket.message_ids.filtered(lambda m: m.author_id == self.ana)[:1]
        self.env["ir.config_parameter"].sudo().set_param("client_hub.support_authserv_id", "MX.hub.example")
        for headers in (
            ("mx.hub.example; dkim=pass header.d=hub.example; dmarc=pass (p=reject) header.from=hub.example",),
            ("mx.hub.example; dkim=pass (2048-bit key) header.d=hub.example",
             "mx.hub.example; spf=pass smtp.mailfrom=bounces@mail.hub.example"),
        ):
            with self.subTest(headers=headers):
                message = self.agent_email(ticket, clients_message, headers)
                self.assertEqual(message.author_id, self.agent.partner_id)
                self.assertFalse(message.client_hub_unverified_sender)
                self.assertIn(message, self.public_messages(ticket))
                self.assertEqual(ticket.client_hub_waiting, "client")
                self.assertIn(self.ana, self.outside_traces(message)[0], "the client gets the team's answer")
                ticket.client_hub_waiting = "team"

    def test_staff_authentication_can_be_switched_off(self):
        ticket = self.new_ticket()
        clients_message = ticket.message_ids.filtered(lambda m: m.author_id == self.ana)[:1]
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.client_hub_support_require_authenticated_staff, "on by default")
        settings.client_hub_support_require_authenticated_staff = False
        settings.execute()
        self.assertFalse(self.env["res.config.settings"].create({}).client_hub_support_require_authenticated_staff)
        message = self.agent_email(ticket, clients_message)
        self.assertEqual(message.author_id, self.agent.partner_id)
        self.assertIn(message, self.public_messages(ticket), "Odoo's behaviour")
        self.assertEqual(ticket.client_hub_waiting, "client")
    # ------------------------------------------------------------------ contact and team
    def test_ticket_for_a_contact_carries_its_name_and_email(self):
        Ticket = self.env["helpdesk.ticket"]
        ticket = Ticket.create({"name": "Seeded", "description": "<p>x</p>", "partner_id": self.ana.id})
        self.assertEqual((ticket.partner_name, ticket.partner_email), ("Ana Client", "ana@client.example"))
        given = Ticket.create({"name": "Given", "description": "<p>x</p>", "partner_id": self.ana.id,
                               "partner_name": "A. Client (accounts)"})
        self.assertEqual((given.partner_name, given.partner_email), ("A. Client (accounts)", "ana@client.example"))
        by_email = self.new_ticket()
        self.assertEqual(by_email.partner_name, "Ana Client")

    def test_email_ticket_notifies_the_teams_agents(self):
        ticket = self.new_ticket()
        self.assertFalse(ticket.user_id)
        self.assertIn(self.agent.partner_id, ticket.message_partner_ids)
        notified = self.env["mail.notification"].search([
            ("res_partner_id", "=", self.agent.partner_id.id), ("mail_message_id", "in", ticket.message_ids.ids),
        ])
        self.assertTrue(notified)
