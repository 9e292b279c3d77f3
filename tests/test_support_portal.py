# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Support tickets in the client portal, over real HTTP: list, page, new ticket, replies."""
import re
from urllib.parse import urlsplit

import lxml.html

from odoo import Command
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .support_common import SupportFixtures

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGGERS = ("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.addons.client_hub.models.helpdesk_ticket")


@tagged("post_install", "-at_install")
class TestSupportPortal(HttpCase, SupportFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_support()
        if not cls.env.company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", cls.env.company, install_demo=False)
        cls.ana_user = cls.ana._client_hub_portal_user()
        cls.bob_user = cls.bob._client_hub_portal_user()
        cls.eve_user = cls.eve._client_hub_portal_user()
        Ticket = cls.env["helpdesk.ticket"]
        cls.open_ticket = Ticket.create({
            "name": "Where is my order?", "description": "<p>Ordered last week.</p>",
            "partner_id": cls.ana.id, "team_id": cls.team.id,
        })
        cls.closed_ticket = Ticket.create({
            "name": "Old question", "description": "<p>Solved.</p>", "partner_id": cls.bob.id,
            "team_id": cls.team.id, "stage_id": cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
        })
        cls.rival_ticket = Ticket.create({
            "name": "Rival secret", "description": "<p>Confidential rival matter.</p>", "partner_id": cls.eve.id,
            "team_id": cls.team.id,
        })

    def login(self, user):
        self.authenticate(user.login, user.login)

    def csrf(self, url="/new/ticket"):
        return CSRF.search(self.url_open(url).text).group(1)

    def rows(self, html):
        return [int(i) for i in lxml.html.fromstring(html).xpath("//tr[contains(@class, 'o_client_hub_ticket_row')]/@data-ticket-id")]

    # ------------------------------------------------------------------ list and page
    def test_contact_and_colleague_see_their_clients_tickets_open_first(self):
        self.agent_reply(self.open_ticket)  # the team answered: awaiting the client
        for user in (self.ana_user, self.bob_user):
            with self.subTest(user=user.login):
                self.login(user)
                response = self.url_open("/my/tickets")
                self.assertEqual(self.rows(response.text), [self.open_ticket.id, self.closed_ticket.id])
                self.assertIn("Awaiting your reply", response.text)
                self.assertNotIn("Rival secret", response.text)
        # an unknown sort falls back instead of failing
        self.assertEqual(self.url_open("/my/tickets?sortby=nope").status_code, 200)

    def test_another_clients_ticket_is_refused_with_nothing_of_it(self):
        self.login(self.ana_user)
        response = self.url_open(f"/my/ticket/{self.rival_ticket.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("Rival secret", response.text)
        self.assertNotIn("Confidential", self.url_open(f"/my/ticket/{self.rival_ticket.id}").text)

    def test_ticket_page_shows_the_public_conversation_only(self):
        ticket = self.open_ticket
        self.agent_reply(ticket, body="<p>Public answer to the client.</p>")
        note_file = self.env["ir.attachment"].create({
            "name": "internal-margin.xlsx", "raw": b"secret", "res_model": ticket._name, "res_id": ticket.id,
        })
        ticket.with_user(self.agent).message_post(
            body="<p>Internal: client is slow to pay.</p>", subtype_xmlid="mail.mt_note", attachment_ids=note_file.ids,
        )
        public_file = self.env["ir.attachment"].create({
            "name": "delivery-note.pdf", "raw": b"%PDF-1.4", "res_model": ticket._name, "res_id": ticket.id,
        })
        self.assertTrue(public_file)
        self.login(self.ana_user)
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertIn("delivery-note.pdf", page)
        self.assertNotIn("internal-margin.xlsx", page, "an internal note's file never reaches the client")
        fetched = self.make_jsonrpc_request("/mail/chatter_fetch", {"thread_model": ticket._name, "thread_id": ticket.id})
        bodies = " ".join(str(m.get("body")) for m in fetched["data"]["mail.message"])
        self.assertIn("Public answer to the client.", bodies)
        self.assertNotIn("client is slow to pay", bodies)

    # ------------------------------------------------------------------ new ticket
    def submit(self, data, files=None, csrf=True):
        data = dict(data)
        if csrf:
            data["csrf_token"] = self.csrf()
        with mute_logger(*LOGGERS):
            return self.url_open("/submitted/ticket", data=data, files=files, allow_redirects=False)

    def test_open_a_ticket_from_the_portal(self):
        self.login(self.ana_user)
        response = self.submit({"subject": "Can you update our address?", "description": "Avenue Louise 54."})
        self.assertEqual(response.status_code, 303)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Can you update our address?")])
        self.assertEqual((ticket.partner_id, ticket.commercial_partner_id), (self.ana, self.client))
        self.assertEqual(ticket.client_hub_waiting, "team")
        # the client stays linked even when the contact leaves
        self.ana_user.action_archive()
        self.ana.action_archive()
        ticket.invalidate_recordset()
        self.assertEqual(ticket.commercial_partner_id, self.client)
        self.assertIn(ticket, self.env["helpdesk.ticket"].search([("commercial_partner_id", "=", self.client.id)]))

    def test_new_ticket_needs_its_csrf_token(self):
        self.login(self.ana_user)
        response = self.submit({"subject": "No token", "description": "x"}, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "=", "No token")]))

    def test_scripts_are_rendered_inert(self):
        self.login(self.ana_user)
        self.submit({"subject": "<script>alert('subject')</script>", "description": "<script>alert('body')</script>"})
        ticket = self.env["helpdesk.ticket"].search([("partner_id", "=", self.ana.id)], order="id desc", limit=1)
        for url in (f"/my/ticket/{ticket.id}", "/my/tickets"):
            html = self.url_open(url).text
            self.assertNotIn("<script>alert(", html)
            self.assertIn("&lt;script&gt;alert(", html)

    def test_missing_fields_and_attachment_limits_give_the_form_back(self):
        self.login(self.ana_user)
        response = self.submit({"subject": "  ", "description": "Kept as typed"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Please give your ticket a subject.", response.text)
        self.assertIn("Kept as typed", response.text, "nothing the client typed is lost")
        self.env["ir.config_parameter"].sudo().set_param("client_hub.support_max_upload_mb", "1")
        big = {"attachment": ("scan.pdf", b"%PDF" + b"0" * (1024 * 1024 + 10), "application/pdf")}
        response = self.submit({"subject": "Too big", "description": "See file"}, files=big)
        self.assertEqual(response.status_code, 400)
        self.assertIn("scan.pdf is larger than 1 MB.", response.text)
        self.assertIn('value="Too big"', response.text)
        exe = {"attachment": ("tool.exe", b"MZ...", "application/octet-stream")}
        response = self.submit({"subject": "Program", "description": "x"}, files=exe)
        self.assertEqual(response.status_code, 400)
        self.assertIn("tool.exe: this type of file cannot be attached", response.text)
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "in", ("Too big", "Program"))]))
        ok = {"attachment": ("scan.pdf", b"%PDF-1.4 small", "application/pdf")}
        self.assertEqual(self.submit({"subject": "With file", "description": "x"}, files=ok).status_code, 303)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "With file")])
        self.assertEqual(ticket._client_hub_public_attachments().mapped("name"), ["scan.pdf"])

    def test_ask_a_question_about_an_invoice(self):
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.ana.id,
            "invoice_line_ids": [Command.create({"name": "Service", "price_unit": 100.0, "tax_ids": []})],
        })
        invoice.action_post()
        rival_invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.eve.id,
            "invoice_line_ids": [Command.create({"name": "Service", "price_unit": 100.0, "tax_ids": []})],
        })
        rival_invoice.action_post()
        self.login(self.ana_user)
        page = self.url_open(invoice.access_url).text
        self.assertIn(f"/new/ticket?invoice_id={invoice.id}", page)
        form = self.url_open(f"/new/ticket?invoice_id={invoice.id}").text
        self.assertIn(f'value="Question about {invoice.name}"', form)
        self.assertIn(f'name="invoice_id" value="{invoice.id}"', form)
        response = self.submit({"subject": f"Question about {invoice.name}", "description": "Line 3?",
                                "invoice_id": str(invoice.id)})
        self.assertEqual(response.status_code, 303)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", f"Question about {invoice.name}")])
        self.assertEqual(ticket.client_hub_invoice_id, invoice)
        self.assertIn(invoice.name, self.url_open(f"/my/ticket/{ticket.id}").text)
        # another client's invoice: never prefilled, never linked
        form = self.url_open(f"/new/ticket?invoice_id={rival_invoice.id}").text
        self.assertNotIn(rival_invoice.name, form)
        response = self.submit({"subject": "Sneaky", "description": "x", "invoice_id": str(rival_invoice.id)})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "=", "Sneaky")]))

    # ------------------------------------------------------------------ replies and closing
    def test_portal_reply_lands_as_the_contacts_message(self):
        self.agent_reply(self.open_ticket)
        self.assertEqual(self.open_ticket.client_hub_waiting, "client")
        self.login(self.bob_user)  # a colleague answers
        self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "helpdesk.ticket", "thread_id": self.open_ticket.id,
            "post_data": {"body": "Here is the tracking number.", "message_type": "comment",
                          "subtype_xmlid": "mail.mt_comment"},
        })
        message = self.open_ticket.message_ids[0]
        self.assertEqual((message.author_id, message.is_internal), (self.bob, False))
        self.assertEqual(self.open_ticket.client_hub_waiting, "team", "back in the badge")
        # another client cannot post into it
        self.login(self.eve_user)
        with mute_logger(*LOGGERS), self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request("/mail/message/post", {
                "thread_model": "helpdesk.ticket", "thread_id": self.open_ticket.id,
                "post_data": {"body": "Hijack", "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
            })
        self.assertNotIn("Hijack", " ".join(self.open_ticket.message_ids.mapped("body")))

    def test_closing_is_a_protected_post_for_the_clients_own_tickets(self):
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        # the sidebar renders (helpdesk_mgmt's is empty on Odoo 19): number, and close buttons as POST forms
        self.login(self.ana_user)
        page = lxml.html.fromstring(self.url_open(f"/my/ticket/{self.open_ticket.id}").text)
        self.assertEqual(page.xpath("//h2[@data-id='number']/text()"), [self.open_ticket.number])
        forms = page.xpath("//form[@action='/ticket/close']")
        self.assertTrue(forms)
        self.assertTrue(all(f.get("method") == "POST" and f.xpath(".//input[@name='csrf_token']") for f in forms))
        self.login(self.eve_user)
        token = self.csrf("/my/tickets")
        with mute_logger(*LOGGERS):
            other = self.url_open("/ticket/close", data={"ticket_id": self.open_ticket.id, "stage_id": done.id,
                                                        "csrf_token": token}, allow_redirects=False)
            as_get = self.url_open(f"/ticket/close?ticket_id={self.open_ticket.id}&stage_id={done.id}")
        self.assertEqual(other.status_code, 404)
        self.assertIn(as_get.status_code, (404, 405))
        self.assertFalse(self.open_ticket.stage_id.closed)
        self.login(self.ana_user)
        with mute_logger(*LOGGERS):
            no_token = self.url_open("/ticket/close", data={"ticket_id": self.open_ticket.id, "stage_id": done.id},
                                     allow_redirects=False)
        self.assertEqual(no_token.status_code, 400)
        response = self.url_open("/ticket/close", data={
            "ticket_id": self.open_ticket.id, "stage_id": done.id, "csrf_token": self.csrf("/my/tickets")},
            allow_redirects=False)
        # helpdesk_mgmt's answer (a 302, its tests pin it), to the ticket's page
        self.assertEqual((response.status_code, urlsplit(response.headers["Location"]).path),
                         (302, f"/my/ticket/{self.open_ticket.id}"))
        self.assertEqual(self.open_ticket.stage_id, done)

    # ------------------------------------------------------------------ a client's files in replies
    def upload(self, name, content=b"%PDF-1.4 small", pending="true"):
        """What the ticket page's chatter sends when the client picks a file."""
        with mute_logger(*LOGGERS):
            response = self.url_open("/mail/attachment/upload", data={
                "thread_id": str(self.open_ticket.id), "thread_model": "helpdesk.ticket", "is_pending": pending,
                "csrf_token": self.csrf("/my/tickets"),
            }, files={"ufile": (name, content, "application/octet-stream")})
        self.assertEqual(response.status_code, 200)
        result = response.json()
        if "data" in result:
            attachment_id = result["data"]["attachment_id"]
            store = next(a for a in result["data"]["store_data"]["ir.attachment"] if a["id"] == attachment_id)
            return self.env["ir.attachment"].browse(attachment_id), store["ownership_token"]
        return result["error"], None

    def post_reply(self, uploads, body="See the files."):
        return self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "helpdesk.ticket", "thread_id": self.open_ticket.id,
            "post_data": {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment",
                          "attachment_ids": [a.id for a, _token in uploads],
                          "attachment_tokens": [token for _a, token in uploads]},
        })

    def test_client_reply_files_follow_the_new_ticket_rules(self):
        self.login(self.ana_user)
        Attachment = self.env["ir.attachment"].sudo()
        for name, content in (("tool.exe", b"MZ\x90"), ("page.html", b"<script>alert(1)</script>"),
                              ("logo.svg", b"<svg onload='alert(1)'/>")):
            with self.subTest(name=name):
                error, _token = self.upload(name, content)
                self.assertEqual(error, f"{name}: this type of file cannot be attached (allowed: PDF, images, "
                                        "office documents, text, CSV, ZIP and emails).")
                self.assertFalse(Attachment.search([("name", "=", name)]))
        self.env["ir.config_parameter"].sudo().set_param("client_hub.support_max_upload_mb", "1")
        error, _token = self.upload("scan.pdf", b"%PDF" + b"0" * (1024 * 1024 + 10))
        self.assertEqual(error, "scan.pdf is larger than 1 MB.")
        # a name keeps no folder; a client's file waits for its message, even when sent as not pending
        renamed = self.upload("../../x.txt", b"hello")
        direct = self.upload("direct.pdf", pending="false")
        self.assertEqual(renamed[0].name, "x.txt")
        self.assertEqual(direct[0].res_model, "mail.compose.message")
        self.assertNotIn(direct[0], self.open_ticket._client_hub_public_attachments())
        self.post_reply([renamed, direct])
        message = self.open_ticket.message_ids[0]
        self.assertEqual((message.author_id, sorted(message.attachment_ids.mapped("name"))),
                         (self.ana, ["direct.pdf", "x.txt"]))
        # at most ten files to a message
        uploads = [self.upload(f"page-{i}.pdf") for i in range(11)]
        with mute_logger(*LOGGERS), self.assertRaises(JsonRpcException):
            self.post_reply(uploads, body="Eleven files")
        self.assertNotIn("Eleven files", " ".join(self.open_ticket.message_ids.mapped("body")))

    def test_client_cannot_bring_a_file_uploaded_elsewhere_into_a_ticket(self):
        """A pending file is not tied to a document: one uploaded through another chatter (no rules
        there) is checked when it reaches the ticket, when posting and when editing a message."""
        self.login(self.ana_user)

        def elsewhere(name):
            attachment = self.env["ir.attachment"].with_user(self.ana_user).sudo().create({
                "name": name, "raw": b"<html></html>", "res_model": "mail.compose.message", "res_id": 0,
            })
            return attachment, attachment._get_ownership_token()

        with mute_logger(*LOGGERS), self.assertRaises(JsonRpcException):
            self.post_reply([elsewhere("page.html")], body="Smuggled")
        self.assertNotIn("Smuggled", " ".join(self.open_ticket.message_ids.mapped("body")))
        renamed = elsewhere("..\\..\\notes.txt")
        self.post_reply([renamed], body="Notes")
        self.assertEqual(renamed[0].name, "notes.txt")
        message = self.open_ticket.message_ids[0]
        svg = elsewhere("logo.svg")
        with mute_logger(*LOGGERS), self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request("/mail/message/update_content", {
                "message_id": message.id,
                "update_data": {"body": "Notes, edited", "attachment_ids": [svg[0].id], "attachment_tokens": [svg[1]]},
            })
        self.assertNotIn(svg[0], message.attachment_ids)
        # an edit brings at most the files a message may carry in all
        more = [self.upload(f"page-{i}.pdf") for i in range(10)]
        with mute_logger(*LOGGERS), self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request("/mail/message/update_content", {
                "message_id": message.id,
                "update_data": {"body": "Notes", "attachment_ids": [a.id for a, _t in more],
                                "attachment_tokens": [t for _a, t in more]},
            })
        self.assertEqual(message.attachment_ids, renamed[0])
    # ------------------------------------------------------------------ team, language, time zone
    def test_portal_ticket_goes_to_the_team_whose_alias_gets_the_replies(self):
        Team = self.env["helpdesk.ticket.team"]
        self.team.sequence = -100  # the company's first team: the default
        self.env.company.client_hub_support_team_id = False
        self.login(self.ana_user)
        self.assertEqual(self.submit({"subject": "Team by default", "description": "x"}).status_code, 303)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Team by default")])
        self.assertEqual(ticket.team_id, self.team)
        self.assertIn(ticket.stage_id, self.team._get_applicable_stages())
        # an agent of the team is notified of the new ticket, and follows it
        self.assertIn(self.agent.partner_id, ticket.message_partner_ids)
        notified = self.env["mail.notification"].search([
            ("res_partner_id", "=", self.agent.partner_id.id),
            ("mail_message_id", "in", ticket.message_ids.ids),
        ])
        self.assertTrue(notified, "the team's agent is notified of the client's ticket")
        # the agent's answer comes back to the team's alias, not the catch-all
        reply = self.agent_reply(ticket)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", reply.id)])
        self.assertTrue(mail)
        self.assertIn("support@hub.example", mail.reply_to)
        self.assertNotIn("catchall", mail.reply_to)
        # the setting (Client Hub settings, per company) chooses another team
        billing = Team.create({"name": "Billing desk", "alias_name": "billing",
                               "alias_domain_id": self.team.alias_domain_id.id})
        settings = self.env["res.config.settings"].create({"client_hub_support_team_id": billing.id})
        settings.execute()
        self.assertEqual(self.env.company.client_hub_support_team_id, billing)
        self.assertEqual(self.submit({"subject": "Team from the setting", "description": "x"}).status_code, 303)
        self.assertEqual(self.env["helpdesk.ticket"].search([("name", "=", "Team from the setting")]).team_id,
                         billing)

    def test_dates_in_the_clients_time_zone(self):
        """Odoo renders the pages' dates in the session's zone, the contact's ``tz``: here New
        York (the demo's contacts get the zone of the user who created them), while the browser,
        and so the chat, are in Brussels."""
        moment = "2026-01-15 06:34:00"  # 07:34 in Brussels, 01:34 in New York
        self.open_ticket.write({"last_stage_update": moment, "client_hub_last_activity": moment})
        self.ana.tz = "America/New_York"
        self.bob.tz = "Europe/Brussels"

        def shown(user, cookie_tz=None):
            self.opener.cookies.clear()
            self.login(user)
            if cookie_tz:
                self.opener.cookies.set("tz", cookie_tz)
            listed = lxml.html.fromstring(self.url_open("/my/tickets").text).xpath(
                f"//tr[@data-ticket-id='{self.open_ticket.id}']/td[contains(@class, 'o_client_hub_ticket_activity')]"
            )[0].text_content()
            page = lxml.html.fromstring(self.url_open(f"/my/ticket/{self.open_ticket.id}").text).xpath(
                "//span[@data-client-hub-date='last_stage_update']"
            )[0].text_content()
            return listed, page

        for user, cookie_tz in ((self.ana_user, "Europe/Brussels"), (self.bob_user, None)):
            with self.subTest(user=user.login, browser=cookie_tz):
                listed, page = shown(user, cookie_tz)
                self.assertIn("07:34", listed)
                self.assertIn("07:34", page)
        # a made-up zone in the cookie is ignored: the contact's
        listed, page = shown(self.ana_user, "Mars/Olympus")
        self.assertIn("01:34", listed)

    def test_ticket_list_and_page_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["helpdesk_mgmt", "client_hub"], ["fr_FR"], overwrite=True)
        self.ana.lang = "fr_FR"
        self.opener.cookies.clear()
        self.login(self.ana_user)
        page = self.url_open(f"/my/ticket/{self.open_ticket.id}").text
        tree = lxml.html.fromstring(page)
        self.assertEqual(tree.xpath("//html/@lang"), ["fr-FR"], "the chat's scripts load their French texts")
        self.assertIn("Étape :", tree.xpath("string(//div[@id='card_header'])"))
        self.assertNotIn("Etape", page)

    def test_portal_tabs_on_the_support_pages(self):
        self.login(self.ana_user)
        for url in ("/my/tickets", f"/my/ticket/{self.open_ticket.id}", "/new/ticket", "/my/invoices"):
            with self.subTest(url=url):
                tree = lxml.html.fromstring(self.url_open(url).text)
                current = tree.xpath("//nav[contains(@class, 'o_client_hub_portal_nav')]/a[@aria-current='page']/@href")
                self.assertEqual(current, ["/my/invoices" if url == "/my/invoices" else "/my/tickets"])
        # nobody filled a category: no empty Category column
        self.assertFalse(lxml.html.fromstring(self.url_open("/my/tickets").text).xpath("//th[@name='th_category']"))
        category = self.env["helpdesk.ticket.category"].create({"name": "Billing"})
        self.open_ticket.category_id = category
        self.assertTrue(lxml.html.fromstring(self.url_open("/my/tickets").text).xpath("//th[@name='th_category']"))
