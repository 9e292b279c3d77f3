# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A client with documents in every state, seen from its portal, on a frozen date."""
import re
from datetime import date

import lxml.html

from odoo import Command
from odoo.tests.common import freeze_time

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

TODAY = "2026-06-15"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def amount(text):
    """1234.5 from '$ 1,234.50' or '-$ 150.00' (en_US formatting)."""
    cleaned = re.sub(r"[^\d.\-]", "", text.replace("\u2212", "-"))
    return float(cleaned)


@freeze_time(f"{TODAY} 10:00:00")
class StatementCommon(AccountTestInvoicingHttpCommon):
    """AccountTestInvoicingCommon's company (an independent one, not the database's first) issues:

    ====  ==========  ==========  =======  =====================================  ===========
    doc   date        due         total    payments                               status
    ====  ==========  ==========  =======  =====================================  ===========
    paid  2025-11-10  2025-12-10  1000.00  paid in full                           paid
    late  2026-03-01  2026-03-31   800.00  300 paid                               overdue
    part  2026-05-20  2026-06-19   400.00  100 paid                               partial
    open  2026-06-10  2026-07-10   250.00  -                                      open
    cn    2026-04-01  2026-05-01  -150.00  open credit note (past due)           credit note
    eur   2026-02-01  2026-03-03   500 EUR (250.00 at 2 EUR per USD), not paid    overdue
    ====  ==========  ==========  =======  =====================================  ===========

    plus a draft and a cancelled invoice (never shown) and an invoice of a rival client.
    Backend figures (in the company's USD, the EUR invoice converted): invoiced 2550, outstanding
    1150 (500+300+250-150+250), paid 1400, overdue 600 (500 + 250 past due, minus the 150 past-due
    credit note). The client's statement, in the currencies it is billed in: USD invoiced 2300,
    outstanding 900, paid 1400, overdue 350 (500 - 150); EUR invoiced 500, outstanding 500, paid 0,
    overdue 500.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_salesman")
        cls.eur = cls.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        Partner = cls.env["res.partner"]
        cls.client = Partner.create({
            "name": "Statement Client SA", "is_company": True, "email": "ap@statement.example",
            "customer_rank": 1, "lang": "en_US",
        })
        cls.sam = Partner.create({"name": "Sam Statement", "parent_id": cls.client.id, "email": "sam@statement.example"})
        cls.sue = Partner.create({"name": "Sue Statement", "parent_id": cls.client.id, "email": "sue@statement.example"})
        cls.rival = Partner.create({"name": "Rival Ltd", "is_company": True, "email": "ap@rival.example"})
        cls.rick = Partner.create({"name": "Rick Rival", "parent_id": cls.rival.id, "email": "rick@rival.example"})

        cls.paid = cls.make_invoice(cls.client, "2025-11-10", "2025-12-10", 1000.0, pay=1000.0)
        cls.late = cls.make_invoice(cls.sam, "2026-03-01", "2026-03-31", 800.0, pay=300.0)
        cls.part = cls.make_invoice(cls.client, "2026-05-20", "2026-06-19", 400.0, pay=100.0)
        cls.open = cls.make_invoice(cls.sue, "2026-06-10", "2026-07-10", 250.0)
        cls.cn = cls.make_invoice(cls.client, "2026-04-01", "2026-05-01", 150.0, move_type="out_refund")
        cls.eur_invoice = cls.make_invoice(cls.client, "2026-02-01", "2026-03-03", 500.0, currency=cls.eur)
        cls.draft = cls.make_invoice(cls.client, "2026-06-12", "2026-07-12", 999.0, post=False)
        cls.cancelled = cls.make_invoice(cls.client, "2026-06-11", "2026-07-11", 777.0, post=False)
        cls.cancelled.button_cancel()
        cls.rival_invoice = cls.make_invoice(cls.rival, "2026-06-01", "2026-07-01", 333.0)
        cls.issued = cls.paid | cls.late | cls.part | cls.open | cls.cn | cls.eur_invoice

        cls.sam_user = cls.sam._client_hub_portal_user()
        cls.sue_user = cls.sue._client_hub_portal_user()
        cls.rick_user = cls.rick._client_hub_portal_user()

    @classmethod
    def make_invoice(cls, partner, invoice_date, due, price, pay=0.0, move_type="out_invoice",
                     currency=None, post=True):
        move = cls.env["account.move"].create({
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_date_due": due,
            "currency_id": (currency or cls.env.company.currency_id).id,
            "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": price,
                                                 "tax_ids": []})],
        })
        if post:
            move.action_post()
        if pay:
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create({"payment_date": date.fromisoformat(invoice_date), "amount": pay,
                      "payment_difference_handling": "open"}).action_create_payments()
        return move

    # ------------------------------------------------------------------ helpers
    def login(self, user):
        self.authenticate(user.login, user.login)

    def page(self, url="/my/statement", status=200):
        response = self.url_open(url)
        self.assertEqual(response.status_code, status, url)
        return response, lxml.html.fromstring(response.text)

    @staticmethod
    def row_ids(tree):
        return [int(row.get("data-id")) for row in tree.xpath("//tr[contains(@class, 'o_client_hub_row')]")]

    @staticmethod
    def figure(tree, name, index=0, currency=None, company=None):
        """A headline figure: of the block of ``currency`` (a code) and ``company``, or the
        ``index``-th block."""
        block = "//div[contains(@class, 'o_client_hub_figures')][@data-currency]"
        if currency:
            block += f"[@data-currency='{currency}']"
        if company:
            block += f"[@data-company='{company.id}']"
        cards = tree.xpath(f"{block}//div[@data-figure='{name}']//div[contains(@class, 'fs-4')]")
        return amount(cards[index].text_content())

    @staticmethod
    def figure_blocks(tree):
        """(company id, currency code) of each block of the headline, in the page's order."""
        return [(int(block.get("data-company")), block.get("data-currency"))
                for block in tree.xpath("//div[contains(@class, 'o_client_hub_figures')][@data-currency]")]

    def csrf(self):
        return CSRF.search(self.url_open("/my/statement").text).group(1)
