# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two reminder runs at the same time, on two real database connections: one email, never two.

The runs need data both connections see: a client and its invoice are committed in the main
company (its generic chart), and removed at the end."""
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestReminderConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.today = fields.Date.context_today(self.env["res.partner"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.ref("base.main_company")
            client = env["res.partner"].create({
                "name": "Concurrent Client", "is_company": True, "customer_rank": 1,
                "email": "ap@concurrent.example",
            })
            move = env["account.move"].with_company(company).create({
                "move_type": "out_invoice", "partner_id": client.id, "invoice_payment_term_id": False,
                "invoice_date": self.today - timedelta(days=40), "invoice_date_due": self.today - timedelta(days=8),
                "invoice_line_ids": [Command.create({"name": "Work", "price_unit": 80.0, "tax_ids": []})],
            })
            move.action_post()
            self.client_id, self.move_id, self.company_id = client.id, move.id, company.id
        self.addCleanup(self.remove_fixture)

    def remove_fixture(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.client_id)]).unlink()
            move = env["account.move"].browse(self.move_id)
            move.button_draft()
            move.with_context(force_delete=True).unlink()
            env["res.partner"].browse(self.client_id).unlink()

    def run_on(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["res.partner"]._client_hub_send_reminders(partners=env["res.partner"].browse(self.client_id))

    def count_mails(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["mail.mail"].search_count([("model", "=", "res.partner"), ("res_id", "=", self.client_id)])

    def test_a_run_skips_the_client_another_run_is_reminding(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            self.assertEqual(len(self.run_on(cr_a)), 1, "run A sends, its transaction still open")
            self.assertFalse(self.run_on(cr_b), "run B finds the client's invoices locked: skipped")
            cr_a.commit()
            cr_b.rollback()
            self.assertFalse(self.run_on(cr_b), "after A: nothing due any more")
            cr_b.commit()
        self.assertEqual(self.count_mails(), 1)

    def test_a_run_whose_scan_is_older_than_the_other_runs_email(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            client_b = env_b["res.partner"].browse(self.client_id)
            company_b = env_b["res.company"].browse(self.company_id)
            due = env_b["account.move"]._client_hub_reminders_due(self.today, partners=client_b)
            self.assertIn((client_b, company_b), due, "run B scanned: the client is due")
            self.assertEqual(len(self.run_on(cr_a)), 1)
            cr_a.commit()
            self.assertFalse(client_b._client_hub_remind(company_b, self.today), "B sees A's email under the lock")
            cr_b.commit()
        self.assertEqual(self.count_mails(), 1)
