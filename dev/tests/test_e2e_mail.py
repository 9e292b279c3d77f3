"""The end-to-end support check's mail side (no Odoo): the client's answer is written as a mail
client writes it, and the agent's reply is found among what the sink stored."""
import email
import email.policy
import shutil
import tempfile
import unittest
from email.message import EmailMessage
from pathlib import Path

from dev import e2e_mail, mailbox

MAGIC = "http://127.0.0.1:8069/portal/magic/eyJhbGciOi.abc.def?redirect=%2Fmy%2Fticket%2F7"


def agent_reply(marker="Could you confirm?") -> EmailMessage:
    """What Odoo sends: Message-Id, References ending with it, Reply-To on the alias, two bodies."""
    msg = EmailMessage()
    msg["Message-Id"] = "<222.openerp-7-helpdesk.ticket@hub>"
    msg["References"] = "<111.openerp-7-helpdesk.ticket@hub> <222.openerp-7-helpdesk.ticket@hub>"
    msg["Subject"] = "HT00007 - Wrong billing address"
    msg["From"] = "Alex Agent <notifications@hub.example>"
    msg["Reply-To"] = '"Client Support" <support@hub.example>'
    msg["To"] = "Ana Client <ana@client.example>"
    msg["Date"] = "Wed, 25 Nov 2026 10:00:00 -0000"
    msg.set_content(f"{marker}\nView ticket: {MAGIC}")
    msg.add_alternative(f"<html><body><p>{marker}</p><a href='{MAGIC}'>View ticket</a></body></html>",
                        subtype="html")
    return msg


class TestClientAnswer(unittest.TestCase):
    def setUp(self):
        raw = e2e_mail.client_answer(agent_reply(), "Ana Client <ana@client.example>", "Yes, confirmed.")
        self.answer = email.message_from_bytes(raw, policy=email.policy.default)
        self.raw = raw

    def test_threading_headers_and_addresses(self):
        self.assertEqual(self.answer["Subject"], "Re: HT00007 - Wrong billing address")
        self.assertEqual(self.answer["In-Reply-To"], "<222.openerp-7-helpdesk.ticket@hub>")
        self.assertEqual(self.answer["References"].split(),
                         ["<111.openerp-7-helpdesk.ticket@hub>", "<222.openerp-7-helpdesk.ticket@hub>"])
        self.assertEqual(self.answer["To"].addresses[0].addr_spec, "support@hub.example")
        self.assertEqual(self.answer["From"].addresses[0].addr_spec, "ana@client.example")
        self.assertTrue(self.answer["Message-Id"])

    def test_answer_on_top_original_quoted_below(self):
        html, text = mailbox.bodies(self.answer)
        self.assertTrue(text.startswith("Yes, confirmed."))
        self.assertIn("wrote:\n> Could you confirm?", text.replace("\r\n", "\n"))
        self.assertLess(html.index("Yes, confirmed."), html.index("<blockquote"))
        self.assertIn("<p>Could you confirm?</p>", html.split("<blockquote", 1)[1])
        self.assertNotIn("<body", html, "the original's body is quoted, not a second document")

    def test_re_is_not_doubled_and_seven_bit(self):
        original = agent_reply()
        original.replace_header("Subject", "Re: HT00007")
        raw = e2e_mail.client_answer(original, "ana@client.example", "Thanks — à bientôt")
        self.assertEqual(email.message_from_bytes(raw, policy=email.policy.default)["Subject"], "Re: HT00007")
        raw.decode("ascii")  # odoo-mailgate reads its standard input as text: nothing but ASCII


class TestFindReply(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, True)

    def test_finds_the_reply_to_the_contact_carrying_the_marker(self):
        mailbox.store(self.folder, agent_reply("other").as_bytes(), "bounce@hub.example", ["ana@client.example"])
        mailbox.store(self.folder, agent_reply("tag42").as_bytes(), "bounce@hub.example", ["bob@client.example"])
        wanted = mailbox.store(self.folder, agent_reply("tag42").as_bytes(), "bounce@hub.example",
                                ["Ana@Client.example"])
        self.assertEqual(e2e_mail.find_reply(self.folder, "ana@client.example", "tag42", timeout=0), wanted)
        self.assertIsNone(e2e_mail.find_reply(self.folder, "zoe@client.example", "tag42", timeout=0))


if __name__ == "__main__":
    unittest.main()
