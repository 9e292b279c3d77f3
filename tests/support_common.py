# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Support tickets: a team with its alias, a client with two contacts, a rival, an agent; and
real RFC 822 emails as a mail server hands them to Odoo's mail gateway."""
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from odoo.tests.common import new_test_user

SUPPORT = "support@hub.example"


class SupportFixtures:
    @classmethod
    def setup_support(cls):
        env = cls.env
        domain = env["mail.alias.domain"].create(
            {"name": "hub.example", "catchall_alias": "catchall", "bounce_alias": "bounce"}
        )
        env.company.alias_domain_id = domain
        cls.agent = new_test_user(
            env, login="agent", name="Alex Agent", email="alex.agent@hub.example",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )
        cls.team = env["helpdesk.ticket.team"].create({
            "name": "Client Support", "alias_name": "support", "alias_domain_id": domain.id,
            "user_ids": [(6, 0, cls.agent.ids)],
        })
        Partner = env["res.partner"]
        cls.client = Partner.create({"name": "Ticket Client SA", "is_company": True, "email": "office@client.example"})
        cls.ana = Partner.create({"name": "Ana Client", "parent_id": cls.client.id, "email": "ana@client.example"})
        cls.bob = Partner.create({"name": "Bob Client", "parent_id": cls.client.id, "email": "bob@client.example"})
        cls.rival = Partner.create({"name": "Rival SA", "is_company": True, "email": "office@rival.example"})
        cls.eve = Partner.create({"name": "Eve Rival", "parent_id": cls.rival.id, "email": "eve@rival.example"})

    # ------------------------------------------------------------------ emails
    @staticmethod
    def email(sender, to, subject, text=None, html=None, in_reply_to=None, references=None, charset="utf-8",
              attachments=(), msg_id=None, extra_headers=None):
        """The bytes a mail server hands to Odoo (``odoo-mailgate`` or the incoming mail server)."""
        message = EmailMessage()
        message["From"] = sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-Id"] = msg_id or make_msgid(domain="client.example")
        if in_reply_to:
            message["In-Reply-To"] = in_reply_to
        if references:
            message["References"] = references
        for header, value in (extra_headers or {}).items():
            message[header] = value
        if text is not None:
            message.set_content(text, charset=charset)
        if html is not None:
            if text is None:
                message.set_content(html, subtype="html", charset=charset)
            else:
                message.add_alternative(html, subtype="html", charset=charset)
        for name, content, maintype, subtype in attachments:
            message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
        return message.as_bytes()

    def deliver(self, raw):
        """Odoo's mail gateway, as ``odoo-mailgate`` calls it: no model, routed by alias or thread."""
        return self.env["mail.thread"].sudo().message_process(False, raw)

    def agent_reply(self, ticket, body="<p>Thanks, we are on it.</p>"):
        """What "Send message" in the ticket's chatter does: a comment to the ticket's contact."""
        return ticket.with_user(self.agent).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment",
            partner_ids=ticket.partner_id.ids,
        )
