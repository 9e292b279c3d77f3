# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from urllib.parse import unquote, urlsplit

from odoo.tests import tagged

from ..lib.seed_plan import KINDS
from ..populate.seeder import Seeder, demo_info
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
    def test_run_command_prints_a_working_magic_link(self):
        self.env.user.group_ids |= self.env.ref("sales_team.group_sale_manager") | self.env.ref(
            "helpdesk_mgmt.group_helpdesk_manager"
        )
        Seeder(self.env, seed=2026).seed_demo(load_translations=False)
        lines = demo_info(self.env, "http://127.0.0.1:8069")
        line = next(ln for ln in lines if "magic link" in ln)
        url = line.rsplit(" ", 1)[1]
        self.assertTrue(url.startswith("http://127.0.0.1:8069/portal/magic/"))
        self.assertNotIn("redirect=", url, "the link lands on the statement")
        token = unquote(urlsplit(url).path.rsplit("/", 1)[1])
        link = self.env["client_hub.magic.link"]._check_token(token)
        self.assertEqual(link.partner_id.email, "julie.peeters@zygomatic.example")
