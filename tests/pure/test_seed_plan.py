"""The seeder's decisions (pure Python, no Odoo)."""
import unittest
from datetime import date

from lib.seed_plan import KINDS, PAYMENT_TERM_DAYS, plan_clients

TODAY = date(2026, 6, 15)


class TestSeedPlan(unittest.TestCase):
    def plans(self, n=20, m=25, seed=1):
        return list(plan_clients(n, m, seed=seed, today=TODAY))

    def test_counts_and_names(self):
        plans = self.plans(7, 11)
        self.assertEqual(len(plans), 7)
        self.assertTrue(all(len(p.invoices) == 11 for p in plans))
        self.assertEqual(len({p.name for p in plans}), 7)
        self.assertEqual(plans[0].name, "Seed Client 00001")

    def test_deterministic_and_seed_sensitive(self):
        self.assertEqual(self.plans(seed=4), self.plans(seed=4))
        self.assertNotEqual(self.plans(seed=4), self.plans(seed=5))

    def test_client_independent_of_total(self):
        """Client 3 is the same whether 3 or 300 clients are seeded (batches don't matter)."""
        self.assertEqual(self.plans(3, 10)[2], self.plans(300, 10)[2])

    def test_every_kind_for_small_clients(self):
        for plan in self.plans(5, len(KINDS)):
            self.assertEqual(sorted(i.kind for i in plan.invoices), sorted(KINDS))

    def test_dates_match_kind(self):
        for plan in self.plans(50, 25):
            for inv in plan.invoices:
                self.assertLessEqual(inv.invoice_date, TODAY)
                self.assertEqual((inv.due_date - inv.invoice_date).days, PAYMENT_TERM_DAYS)
                if inv.kind == "overdue":
                    self.assertLess(inv.due_date, TODAY)
                if inv.kind == "sent":
                    self.assertGreaterEqual(inv.due_date, TODAY)
                if inv.paid_fraction:
                    self.assertIsNotNone(inv.payment_date)
                    self.assertLessEqual(inv.payment_date, TODAY)
                    self.assertGreaterEqual(inv.payment_date, inv.invoice_date)

    def test_payment_fractions(self):
        for plan in self.plans(50, 25):
            for inv in plan.invoices:
                expected = {"paid": (1.0, 1.0), "partial": (0.2, 0.8)}.get(inv.kind, (0.0, 0.0))
                self.assertGreaterEqual(inv.paid_fraction, expected[0])
                self.assertLessEqual(inv.paid_fraction, expected[1])
                self.assertGreater(inv.price_unit, 0)

    def test_move_types_and_flags(self):
        invoices = [i for p in self.plans(50, 25) for i in p.invoices]
        notes = [i for i in invoices if i.kind == "credit_note"]
        self.assertTrue(notes and all(i.move_type == "out_refund" and i.posted for i in notes))
        self.assertFalse(any(i.posted for i in invoices if i.kind in ("draft", "cancelled")))
        self.assertTrue(all(i.sent for i in invoices if i.kind in ("overdue", "paid")))
        share = sum(i.foreign_currency for i in invoices) / len(invoices)
        self.assertGreater(share, 0.01)
        self.assertLess(share, 0.15)

    def test_rejects_negative(self):
        with self.assertRaises(ValueError):
            list(plan_clients(-1, 3))
