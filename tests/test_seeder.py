# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from pathlib import Path
from unittest.mock import patch
from urllib.parse import unquote, urlsplit

from odoo.tests import tagged

from ..lib.seed_plan import KINDS
from ..populate.seeder import DEMO_REPLY_EML, Seeder, configure_demo_mail, demo_info
from .common import ClientHubCommon


@tagged("post_install", "-at_install")
class TestSeeder(ClientHubCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date(2026, 6, 15)
        cls.result = Seeder(cls.env, seed=3, today=cls.today).seed(
            n_clients=3, invoices_per_client=len(KINDS), batch_size=2, name_prefix="Test Seed"
        )
        cls.clients = cls.env["res.partner"].search([("name", "=like", "Test Seed %")])
        cls.moves = cls.env["account.move"].search(
            [("partner_id", "in", cls.clients.ids), ("move_type", "in", ("out_invoice", "out_refund"))]
        )

    def test_counts(self):
        self.assertEqual(len(self.clients), 3)
        self.assertEqual(self.result.clients, 3)
        self.assertEqual(len(self.moves), 3 * len(KINDS))
        self.assertEqual(self.result.invoices + self.result.credit_notes, len(self.moves))
        self.assertTrue(all(c.child_ids for c in self.clients), "every client has contacts")
        self.assertTrue(all(c.customer_rank > 0 and c.is_company for c in self.clients))

    def test_every_state_per_client(self):
        for client in self.clients:
            moves = self.moves.filtered(lambda m, c=client: m.partner_id == c)
            invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
            self.assertEqual(set(moves.mapped("state")), {"draft", "posted", "cancel"})
            self.assertIn("paid", invoices.mapped("payment_state"))
            self.assertIn("partial", invoices.mapped("payment_state"))
            self.assertTrue(moves.filtered(lambda m: m.move_type == "out_refund" and m.state == "posted"))
            overdue = invoices.filtered(
                lambda m: m.state == "posted" and m.payment_state == "not_paid"
                and m.invoice_date_due < self.today
            )
            self.assertTrue(overdue, f"{client.name} has an overdue invoice")
            not_due = invoices.filtered(
                lambda m: m.state == "posted" and m.is_move_sent and m.invoice_date_due >= self.today
                and m.payment_state == "not_paid"
            )
            self.assertTrue(not_due, f"{client.name} has a sent invoice not yet due")

    def test_payments_are_consistent(self):
        for move in self.moves.filtered(lambda m: m.state == "posted"):
            self.assertEqual(
                move.payment_state == "paid", move.currency_id.is_zero(move.amount_residual),
                move.name,
            )
            if move.payment_state == "partial":
                self.assertTrue(0 < move.amount_residual < move.amount_total, move.name)
        drafts_and_cancelled = self.moves.filtered(lambda m: m.state != "posted")
        self.assertFalse(any(m.payment_state == "paid" for m in drafts_and_cancelled))

    def test_deterministic(self):
        """Same seed, same documents: benchmarks compare like with like."""
        again = Seeder(self.env, seed=3, today=self.today).seed(
            n_clients=3, invoices_per_client=len(KINDS), name_prefix="Test Again"
        )
        clients = self.env["res.partner"].search([("name", "=like", "Test Again %")])
        moves = self.env["account.move"].search([("partner_id", "in", clients.ids)])
        self.assertEqual(again.payments, self.result.payments)
        self.assertEqual(
            sorted(moves.filtered(lambda m: m.move_type != "entry").mapped("amount_total")),
            sorted(self.moves.mapped("amount_total")),
        )


@tagged("post_install", "-at_install")
class TestDemoInfo(ClientHubCommon):
    """The demo database as `make run` seeds it (without a server: no commit, no PDF)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_manager") | cls.env.ref(
            "helpdesk_mgmt.group_helpdesk_manager"
        )
        cls.sent_by_seeder = []  # mail.mail.send() calls while seeding
        with patch.object(cls.registry["mail.mail"], "send", autospec=True,
                          side_effect=lambda mails, *args, **kwargs: cls.sent_by_seeder.append(mails.ids)):
            cls.demo = Seeder(cls.env, seed=2026).seed_demo(load_translations=False)
        cls.partners = cls.env["res.partner"].search([("commercial_partner_id", "in", cls.demo["clients"].ids)])

    def test_run_command_prints_a_working_magic_link(self):
        lines = demo_info(self.env, "http://127.0.0.1:8069")
        line = next(ln for ln in lines if "magic link" in ln)
        self.assertIn("to her statement", line, "the banner says where the link lands")
        url = line.rsplit(" ", 1)[1]
        self.assertTrue(url.startswith("http://127.0.0.1:8069/portal/magic/"))
        self.assertNotIn("redirect=", url, "the link lands on the statement")
        token = unquote(urlsplit(url).path.rsplit("/", 1)[1])
        link = self.env["client_hub.magic.link"]._check_token(token)
        self.assertEqual(link.partner_id.email, "julie.peeters@zygomatic.example")

    def assertFollowDates(self, records, date_field, what):
        dates = records.mapped(date_field)
        self.assertEqual(dates, sorted(dates), f"{what}: numbers out of date order: "
                         f"{list(zip(records.mapped('name'), dates, strict=True))}")

    def test_numbers_follow_dates(self):
        """In every journal of every company, a later number never has an earlier date (INV/,
        RINV/, the bank's payments), as an accountant expects; the quotes' numbers too."""
        moves = self.env["account.move"].search(
            [("commercial_partner_id", "in", self.demo["clients"].ids), ("state", "=", "posted")]
        )
        self.assertGreater(len(moves), 20)
        groups = moves.grouped(lambda m: (m.company_id, m.journal_id, m.sequence_prefix))
        self.assertGreaterEqual(len(groups), 3, "invoices, credit notes and payments")
        for (company, journal, prefix), group in groups.items():
            self.assertFollowDates(group.sorted("sequence_number"), "date", f"{company.name} {journal.code} {prefix}")
        payments = self.env["account.payment"].search([("partner_id", "in", self.partners.ids)])
        self.assertEqual(len(payments), 7)
        for (company, journal), group in payments.grouped(lambda p: (p.company_id, p.journal_id)).items():
            self.assertFollowDates(group.sorted("name"), "date", f"{company.name} {journal.code} payments")
        orders = self.env["sale.order"].search([("partner_id", "in", self.partners.ids)])
        self.assertEqual(len(orders), 6)
        self.assertFollowDates(orders.sorted("name"), "date_order", "quotes")

    def test_the_seeder_leaves_sending_to_the_mail_queue(self):
        """The seeder queues its emails and never sends (nor deletes) one itself: in `make run`, the
        server's mail queue sends them, and both sending the same emails raced (MissingError,
        "could not serialize access due to concurrent update")."""
        invoices = self.env["account.move"].search(
            [("commercial_partner_id", "in", self.demo["clients"].ids), ("state", "=", "posted"),
             ("move_type", "in", ("out_invoice", "out_refund"))]
        )
        mails = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "in", invoices.ids)])
        self.assertEqual(set(mails.mapped("res_id")), set(invoices.ids), "every document's email is still there")
        self.assertEqual(set(mails.mapped("state")), {"outgoing"}, "queued")
        self.assertEqual(self.sent_by_seeder, [], "the seeder sent emails itself")

    def test_reply_by_email_lands_in_the_ticket(self):
        """The README's and the banner's example: populate/demo/ticket-reply.eml piped into
        odoo-mailgate (message_process, as the script calls it) answers the demo ticket."""
        line = next(ln for ln in demo_info(self.env, "http://127.0.0.1:8169") if "odoo-mailgate" in ln)
        command = line.split(": ", 1)[1]
        self.assertIn("odoo-mailgate.py --host 127.0.0.1 --port 8169", command)
        self.assertIn(f"-d {self.env.cr.dbname} -u {self.env.ref('base.user_admin').id} -p admin < ", command)
        eml = Path(command.rsplit("< ", 1)[1])
        self.assertEqual(eml, DEMO_REPLY_EML)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Question about line 3 of my last invoice")])
        before = ticket.message_ids
        thread_id = self.env["mail.thread"].message_process(False, eml.read_bytes())
        self.assertEqual(thread_id, ticket.id)
        reply = ticket.message_ids - before
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, self.demo["contact"])
        self.assertFalse(reply.subtype_id.internal, "a public message of the client")
        self.assertIn("send me the detail of the maintenance line", reply.body)

    def test_failed_emails_go_out_again_at_once(self):
        """`make run` on an existing demo points Odoo at the mail sink again: the emails that failed
        meanwhile are queued again and the server's mail queue is woken (not in an hour)."""
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        failed = self.env["mail.mail"].create({"email_to": "x@example.com", "subject": "x", "state": "exception"})
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        configure_demo_mail(self.env, smtp_port=2525, base_url="http://127.0.0.1:8069")
        self.assertEqual(failed.state, "outgoing")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers)
