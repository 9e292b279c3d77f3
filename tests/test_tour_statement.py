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
        """The archives the statement's download buttons get back, as a list of (document ids,
        entry names, prepared in the background): the ZIP the controller sends at once (its own
        sending helper) and the archive of a background export (its "Download" button, served by
        ``ir.binary``) are read and sent on unchanged, with a cookie (``<number of
        archives>-<entries>``) the tour waits for (the browser keeps a download to itself).

        The export job's cron, which a server's cron worker runs as soon as the request wakes it
        (``_trigger``), runs at once here, in the request that queued it (a test has no cron
        worker): its page then offers the download at its first load."""
        sent = []
        send_zip = ClientHubStatement._client_hub_send_zip

        def keep(response, moves, background):
            stream = response.response
            data = b"".join(stream)
            if hasattr(stream, "close"):
                stream.close()
            response.direct_passthrough = False
            response.set_data(data)
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            sent.append((set(moves.ids), names, background))
            response.set_cookie(ZIP_COOKIE, f"{len(sent)}-{len(names)}", path="/")
            return response

        def spy(moves, filename):
            return keep(send_zip(moves, filename), moves, False)

        Binary = self.registry["ir.binary"]
        get_stream = Binary._get_stream_from

        def stream_spy(binary, record, *args, **kwargs):
            stream = get_stream(binary, record, *args, **kwargs)
            if record._name == "ir.attachment" and record.res_model == "client_hub.portal.export":
                moves = binary.env["client_hub.portal.export"].sudo().browse(record.res_id).move_ids
                get_response = stream.get_response
                stream.get_response = lambda *a, **kw: keep(get_response(*a, **kw), moves, True)
            return stream

        Cron = self.registry["ir.cron"]
        trigger = Cron._trigger
        export_cron = self.env.ref("client_hub.ir_cron_client_hub_portal_export")

        def cron_worker(cron, at=None):
            if cron.id != export_cron.id:
                return trigger(cron, at)
            return cron.method_direct_trigger()

        with patch.object(ClientHubStatement, "_client_hub_send_zip", staticmethod(spy)), \
                patch.object(Binary, "_get_stream_from", stream_spy), patch.object(Cron, "_trigger", cron_worker):
            yield sent

    def test_journey_from_the_email_to_a_zip(self):
        Link = self.env["client_hub.magic.link"]
        url = Link._issue_url(self.tess, origin=self.moves[0])
        parts = urlsplit(url)
        self.assertFalse(parts.query, "no redirect: the link lands on the statement")
        with self.zips_sent() as sent:
            self.start_tour(parts.path, "client_hub_statement_tour", login=None)
        self.assertEqual(len(sent), 1)
        ids, _names, background = sent[0]
        self.assertEqual(len(ids), 2, "the two invoices ticked")
        self.assertLessEqual(ids, set(self.moves[:3].ids), "of this year")
        self.assertTrue(background, "two PDFs to render: prepared in the background, not in the request")

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
        self.assertEqual([len(names) for _ids, names, _background in sent], [23, 21, 21, 19])
        # the first one renders the 23 PDFs in the background; the others find them stored
        self.assertEqual([background for _ids, _names, background in sent], [True, False, False, False])
        everything, year, all_matching, selection = (ids for ids, _names, _background in sent)
        self.assertEqual(everything, set((this_year | older).ids), "Download all (23)")
        self.assertEqual(year, set(this_year.ids), "Download all (21) of this year")
        self.assertEqual(all_matching, set(this_year.ids), "all 21 of the list, not only the page's 20")
        self.assertLess(selection, set(this_year.ids), "the 19 documents left ticked")
        for ids, names, _background in sent:
            moves = self.env["account.move"].browse(ids)
            self.assertEqual(sorted(names), sorted(f"{move.name.replace('/', '_')}.pdf" for move in moves))

    def test_phone_sees_cards_without_horizontal_scroll(self):
        user = self.tess._client_hub_portal_user()
        self.browser_size = "375x740"
        self.touch_enabled = True
        self.start_tour("/my/statement", "client_hub_statement_phone_tour", login=user.login)
