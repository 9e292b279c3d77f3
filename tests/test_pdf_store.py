# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every PDF a client gets is rendered once: an invoice's official PDF is stored when it is sent or
first downloaded and reused by every later download, ZIP and email; the statement of a closed period
is stored too. A ZIP that would render more than one PDF goes to the background job.

Renders are counted by a spy around ``ir.actions.report._pre_render_qweb_pdf``: the one step every
report rendering goes through (``_render_qweb_pdf`` calls it, and so does the send wizard's
``_prepare_invoice_pdf_report``, which never calls ``_render_qweb_pdf``); the real method runs."""
import io
import zipfile
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import StatementCommon

MARCH = "date_from=2026-03-01&date_to=2026-03-31"
INVOICE = "account.report_invoice_with_payments"  # the report of account.account_invoices


@tagged("post_install", "-at_install")
class TestPdfStore(StatementCommon):
    @contextmanager
    def renders(self):
        """The report renderings of the block, as a list of (report, record ids)."""
        Report = self.registry["ir.actions.report"]
        original = Report._pre_render_qweb_pdf
        calls = []
        with patch.object(Report, "_pre_render_qweb_pdf", autospec=True, side_effect=original) as spy:
            yield calls
        for call in spy.call_args_list:
            _report, report_ref, *rest = call.args
            res_ids = rest[0] if rest else call.kwargs.get("res_ids")
            calls.append((report_ref, sorted(res_ids or [])))

    def send(self, move):
        """Sent as an accountant sends it: Odoo's send wizard (which stores the official PDF)."""
        self.env["account.move.send.wizard"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"move_id": move.id}).action_send_and_print()
        self.assertTrue(move.invoice_pdf_report_id)

    def zip_post(self, ids):
        data = {"csrf_token": self.csrf(), "invoice_ids": ",".join(map(str, ids))}
        with mute_logger("odoo.addons.client_hub.controllers.statement", "odoo.http"):
            return self.url_open("/my/invoices/zip", data=data, allow_redirects=False)

    def entries(self, content):
        archive = zipfile.ZipFile(io.BytesIO(content))
        return {name: archive.read(name) for name in archive.namelist()}

    def entry_name(self, move):
        return f"{move.name.replace('/', '_')}.pdf"

    def statement_attachments(self):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.client.id), ("mimetype", "=", "application/pdf")]
        )

    # ------------------------------------------------------------------ invoices
    def test_a_sent_invoice_pdf_is_reused_by_the_zip(self):
        documents = self.late | self.cn
        for move in documents:
            self.send(move)
        self.login(self.sam_user)
        with self.renders() as renders:
            response = self.zip_post(documents.ids)
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertEqual(renders, [], "the PDFs stored when the invoices were sent")
        entries = self.entries(response.content)
        for move in documents:
            self.assertEqual(entries[self.entry_name(move)], move.invoice_pdf_report_id.raw)

    def test_first_download_stores_the_official_pdf_and_later_ones_reuse_it(self):
        """Odoo's portal download of an invoice never sent renders a pro forma at every click;
        here the first download renders the official PDF once and stores it as the send wizard
        would (its sending state untouched), and every later download, viewed or saved, and the
        ZIP, serve that file."""
        self.assertFalse(self.open.invoice_pdf_report_id)
        sent_before = self.open.is_move_sent
        self.login(self.sam_user)
        url = f"/my/invoices/{self.open.id}?report_type=pdf"
        with self.renders() as renders:
            first = self.url_open(f"{url}&download=true")
        self.assertEqual(first.status_code, 200)
        self.assertEqual(renders, [(INVOICE, [self.open.id])])
        self.open.invalidate_recordset()
        stored = self.open.invoice_pdf_report_id
        self.assertEqual(stored.res_field, "invoice_pdf_report_file")
        self.assertEqual(self.open.is_move_sent, sent_before)
        self.assertEqual(first.content, stored.raw)
        self.assertNotIn(b"Proforma", first.content, "the official document, not a pro forma")
        self.assertTrue(first.headers["Content-Disposition"].startswith("attachment"))
        with self.renders() as renders:
            second = self.url_open(f"{url}&download=true")
            viewed = self.url_open(url)
            archive = self.zip_post([self.open.id])
        self.assertEqual(renders, [], "nothing rendered again")
        self.assertEqual(second.content, stored.raw)
        self.assertEqual(viewed.content, stored.raw)
        self.assertTrue(viewed.headers["Content-Disposition"].startswith("inline"))
        self.assertEqual(self.entries(archive.content)[self.entry_name(self.open)], stored.raw)

    def test_an_emailed_invoice_gets_its_stored_pdf(self):
        """``_client_hub_pdf_attachments``, for the emails that attach invoices: the stored PDF of
        each document, in order, the missing ones rendered and stored (in one rendering)."""
        self.send(self.late)
        sent_pdf = self.late.invoice_pdf_report_id
        moves = self.late | self.open | self.part
        with self.renders() as renders:
            attachments = moves._client_hub_pdf_attachments()
        self.assertEqual(renders, [(INVOICE, sorted((self.open | self.part).ids))])
        self.assertEqual(attachments[0], sent_pdf)
        self.assertEqual(attachments.mapped("res_id"), moves.ids)
        self.assertEqual(set(attachments.mapped("res_field")), {"invoice_pdf_report_file"})
        with self.renders() as renders:
            again = moves._client_hub_pdf_attachments()
        self.assertEqual(renders, [])
        self.assertEqual(again, attachments)
        self.assertFalse(self.draft._client_hub_pdf_attachments(), "a draft has no official PDF")

    # ------------------------------------------------------------------ ZIP: one render at most
    def test_a_zip_needing_two_renders_goes_to_the_background(self):
        self.env["ir.config_parameter"].sudo().search([("key", "=", "client_hub.zip_sync_limit")]).unlink()
        self.send(self.late)
        self.login(self.sam_user)
        # one PDF to render: the client waits for that one
        with self.renders() as renders:
            response = self.zip_post([self.late.id, self.cn.id])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(renders, [(INVOICE, [self.cn.id])])
        # two: the request renders nothing and hands over to the export job
        with self.renders() as renders:
            response = self.zip_post([self.late.id, self.open.id, self.part.id])
        self.assertEqual(renders, [], "the client waits for no rendering")
        self.assertEqual(response.status_code, 303)
        export = self.env["client_hub.portal.export"].search([("user_id", "=", self.sam_user.id)])
        self.assertEqual(urlsplit(response.headers["Location"]).path, f"/my/exports/{export.id}")
        self.assertEqual((export.state, export.document_count, export.progress_done), ("queued", 3, 1))
        with self.renders() as renders, self.enter_registry_test_mode():
            self.env.ref("client_hub.ir_cron_client_hub_portal_export").method_direct_trigger()
        self.assertEqual(renders, [(INVOICE, sorted((self.open | self.part).ids))])
        export.invalidate_recordset()
        self.assertEqual(export.state, "done", export.error)
        with self.renders() as renders:
            download = self.url_open(f"/my/exports/{export.id}/download")
        self.assertEqual(renders, [])
        entries = self.entries(download.content)
        for move in self.late | self.open | self.part:
            self.assertEqual(entries[self.entry_name(move)], move.invoice_pdf_report_id.raw)

    # ------------------------------------------------------------------ statements
    def test_closed_period_statement_is_stored_and_reused(self):
        self.login(self.sam_user)
        with self.renders() as renders:
            first = self.url_open(f"/my/statement/pdf?{MARCH}")
        self.assertEqual(first.status_code, 200)
        self.assertEqual(renders, [("client_hub.action_report_client_statement", [self.client.id])])
        stored = self.statement_attachments()
        self.assertEqual(len(stored), 1, "stored on the client")
        self.assertEqual(stored.raw, first.content)
        self.assertEqual(stored.name, "Statement-Client-SA-statement-2026-03-01-2026-03-31.pdf")
        # the same contact again, another contact of the client, the backend's model method: no rendering
        self.login(self.sue_user)
        with self.renders() as renders:
            again = self.url_open(f"/my/statement/pdf?{MARCH}")
            stored_again = self.env["report.client_hub.report_client_statement"].sudo()._statement_pdf_attachment(
                self.sam, date(2026, 3, 1), date(2026, 3, 31), self.sam_user.company_ids,
            )
        self.assertEqual(renders, [])
        self.assertEqual(again.content, first.content)
        self.assertEqual(again.headers["Content-Disposition"],
                         "attachment; filename=Statement-Client-SA-statement-2026-03-01-2026-03-31.pdf")
        self.assertEqual(stored_again, stored)
        self.assertEqual(self.statement_attachments(), stored)

    def test_open_period_statement_is_not_stored(self):
        self.login(self.sam_user)
        with self.renders() as renders:
            for query in ("date_from=2026-06-01&date_to=2026-06-15", "date_from=2026-06-01&date_to=2026-06-15", ""):
                self.assertEqual(self.url_open(f"/my/statement/pdf?{query}").status_code, 200)
        self.assertEqual(len(renders), 3, "a period that is not over is rendered at each request")
        self.assertFalse(self.statement_attachments())

    def test_period_closed_in_the_client_time_zone(self):
        """Closed when its last day is over where the client is: 15 June at 10:00 UTC is already
        the 16th at Kiritimati (UTC+14)."""
        self.sam_user.tz = "Pacific/Kiritimati"
        self.login(self.sam_user)
        url = "/my/statement/pdf?date_from=2026-06-01&date_to=2026-06-15"
        with self.renders() as renders:
            for _attempt in range(2):
                self.assertEqual(self.url_open(url).status_code, 200)
        self.assertEqual(len(renders), 1)
        self.assertEqual(len(self.statement_attachments()), 1)

    def test_a_backdated_document_makes_a_new_statement(self):
        self.login(self.sam_user)
        with self.renders() as renders:
            before = self.url_open(f"/my/statement/pdf?{MARCH}").content
        self.assertEqual(len(renders), 1)
        late_entry = self.make_invoice(self.client, "2026-03-10", "2026-04-10", 42.0)
        self.assertNotIn(late_entry.name.encode(), before)
        with self.renders() as renders:
            after = self.url_open(f"/my/statement/pdf?{MARCH}").content
            again = self.url_open(f"/my/statement/pdf?{MARCH}").content
        self.assertEqual(len(renders), 1, "rendered again once, for the new list of documents")
        self.assertIn(late_entry.name.encode(), after)
        self.assertEqual(again, after)
        self.assertEqual(len(self.statement_attachments()), 2, "the earlier file is kept (an email may hold it)")
        # a document after the period changes nothing
        self.make_invoice(self.client, "2026-04-02", "2026-05-02", 7.0)
        with self.renders() as renders:
            self.assertEqual(self.url_open(f"/my/statement/pdf?{MARCH}").content, after)
        self.assertEqual(renders, [])
