# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the payment reminder tests: clients, invoices due on a given date, the emails."""
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command

DUE = date(2026, 3, 10)


class ReminderFixtures:
    @classmethod
    def make_client(cls, name, **vals):
        return cls.env["res.partner"].create({
            "name": name, "is_company": True, "customer_rank": 1,
            "email": f"{name.lower().replace(' ', '.')}@client.example", **vals,
        })

    def invoice(self, client, due=DUE, amount=100.0, company=None):
        move = self.env["account.move"].with_company(company or self.env.company).create({
            "move_type": "out_invoice",
            "partner_id": client.id,
            "invoice_date": due - timedelta(days=30),
            "invoice_date_due": due,
            "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({"name": "Consulting", "price_unit": amount, "tax_ids": []})],
        })
        move.action_post()
        return move

    def reminders(self, client):
        return self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", client.id)], order="id"
        )

    def remind_on(self, day, **kwargs):
        """A reminder run on ``day`` (the clock frozen); the emails it queued."""
        with freeze_time(day):
            return self.env["res.partner"]._client_hub_send_reminders(**kwargs)
