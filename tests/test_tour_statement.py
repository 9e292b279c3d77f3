# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statement in headless Chromium: the client's journey from its email, its downloads, and a phone."""
import io
import zipfile
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from ..controllers.statement import ClientHubStatement

ZIP_COOKIE = "client_hub_tour_zip"


@tagged("post_install", "-at_install")
class TestStatementTours(AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        client = cls.env["res.partner"].create(
            {"name": "Tour Statement SA", "is_company": True, "email": "ap@tour-statement.example", "customer_rank": 1}
        )
        cls.tess = cls.env["res.partner"].create(
            {"name": "Tess Tour", "parent_id": client.id, "email": "tess@tour-statement.example"}
        )
        today = cls.today
        cls.moves = cls.env["account.move"]
        # three documents dated today (so this year whatever the day), one of them already past
        # due, and one of more than a year ago
        for invoice_date, due, amount in (
            (today, today - timedelta(days=1), 700.0),
            (today, today + timedelta(days=30), 120.0),
            (today, today + timedelta(days=15), 80.0),
            (today - timedelta(days=400), today - timedelta(days=370), 55.0),
        ):
            cls.moves |= cls.invoice(cls.tess, invoice_date, due, amount)
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.moves[3].ids
        ).create({}).action_create_payments()

    @classmethod
    def invoice(cls, partner, invoice_date, due, amount):
        move = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": invoice_date,
            "invoice_date_due": due,
            "invoice_line_ids": [Command.create({"name": "Work", "price_unit": amount, "tax_ids": []})],
        })
        move.action_post()
        return move

    @contextmanager
    def zips_sent(self):
        """The archives the statement's download form gets back, as a list of (document ids,
        entry names): the controller's own sending helper is wrapped, its answer read and sent on
        unchanged, with a cookie (``<number of archives>-<entries>``) the tour waits for (the
        browser keeps a download to itself)."""
        sent = []
        send_zip = ClientHubStatement._client_hub_send_zip

        def spy(moves, filename):
            response = send_zip(moves, filename)
            stream = response.response
            data = b"".join(stream)
            stream.close()
            response.direct_passthrough = False
            response.set_data(data)
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            sent.append((set(moves.ids), names))
            response.set_cookie(ZIP_COOKIE, f"{len(sent)}-{len(names)}", path="/")
            return response

        with patch.object(ClientHubStatement, "_client_hub_send_zip", staticmethod(spy)):
            yield sent

    def test_journey_from_the_email_to_a_zip(self):
        Link = self.env["client_hub.magic.link"]
        url = Link._issue_url(self.tess, origin=self.moves[0])
        parts = urlsplit(url)
        self.assertFalse(parts.query, "no redirect: the link lands on the statement")
        with self.zips_sent() as sent:
            self.start_tour(parts.path, "client_hub_statement_tour", login=None)
        self.assertEqual(len(sent), 1)
        self.assertEqual(len(sent[0][0]), 2, "the two invoices ticked")
        self.assertLessEqual(sent[0][0], set(self.moves[:3].ids), "of this year")

    def test_download_buttons_send_every_document_of_the_list(self):
        """"Download all (N)", then "Select all N documents of this list" + "Download selection",
        then a plain selection, clicked in the browser: each sends back the ZIP of exactly those
        documents (the real form once answered 400 to "Download all": it sent all=&all=1)."""
        client = self.env["res.partner"].create(
            {"name": "Zip Tour SA", "is_company": True, "email": "ap@zip-tour.example", "customer_rank": 1}
        )
        zoe = self.env["res.partner"].create(
            {"name": "Zoe Zip", "parent_id": client.id, "email": "zoe@zip-tour.example"}
        )
        today = self.today
        this_year = self.env["account.move"]
        for number in range(21):  # more than a page of 20
            this_year |= self.invoice(zoe, today, today + timedelta(days=30), 10.0 + number)
        older = self.invoice(client, today - timedelta(days=400), today - timedelta(days=370), 5.0)
        older |= self.invoice(client, today - timedelta(days=420), today - timedelta(days=390), 6.0)
        user = zoe._client_hub_portal_user()
        with self.zips_sent() as sent:
            self.start_tour("/my/statement", "client_hub_statement_download_tour", login=user.login)
        self.assertEqual([len(names) for _ids, names in sent], [23, 21, 21, 19])
        everything, year, all_matching, selection = (ids for ids, _names in sent)
        self.assertEqual(everything, set((this_year | older).ids), "Download all (23)")
        self.assertEqual(year, set(this_year.ids), "Download all (21) of this year")
        self.assertEqual(all_matching, set(this_year.ids), "all 21 of the list, not only the page's 20")
        self.assertLess(selection, set(this_year.ids), "the 19 documents left ticked")
        for ids, names in sent:
            moves = self.env["account.move"].browse(ids)
            self.assertEqual(sorted(names), sorted(f"{move.name.replace('/', '_')}.pdf" for move in moves))

    def test_phone_sees_cards_without_horizontal_scroll(self):
        user = self.tess._client_hub_portal_user()
        self.browser_size = "375x740"
        self.touch_enabled = True
        self.start_tour("/my/statement", "client_hub_statement_phone_tour", login=user.login)
