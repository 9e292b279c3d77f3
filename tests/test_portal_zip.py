# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bulk PDF download from the statement: the archive, what may be in it, background exports."""
import io
import zipfile
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import pdf_text
from .portal_common import StatementCommon

LOGGERS = ("odoo.addons.client_hub.controllers.statement", "odoo.http")


@tagged("post_install", "-at_install")
class TestPortalZip(StatementCommon):
    def post(self, data, csrf=True):
        data = dict(data)
        if csrf:
            data["csrf_token"] = self.csrf()
        with mute_logger(*LOGGERS):
            return self.url_open("/my/invoices/zip", data=data, allow_redirects=False)

    def archive(self, response):
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(response.headers["Content-Type"], "application/zip")
        return zipfile.ZipFile(io.BytesIO(response.content))

    def store_real_pdfs(self, moves):
        """Official PDFs rendered for real (wkhtmltopdf), as the send wizard stores them."""
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        moves.with_context(force_report_rendering=True)._client_hub_render_official_pdfs()
        self.assertTrue(all(move.invoice_pdf_report_id for move in moves))

    def assertRefused(self, response, message):
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.headers["Content-Type"].startswith("text/html"))
        self.assertIn(message, response.text)

    # ------------------------------------------------------------------ the archive
    def test_selected_invoices_in_one_zip_with_their_stored_pdfs(self):
        documents = self.late | self.cn
        self.store_real_pdfs(documents)
        self.login(self.sam_user)
        response = self.post({"invoice_ids": f"{self.late.id},{self.cn.id}"})
        archive = self.archive(response)
        disposition = response.headers["Content-Disposition"]
        self.assertIn("Statement_Client_SA-invoices-2026-06-15.zip", disposition)
        self.assertTrue(disposition.startswith("attachment"))
        names = [f"{doc.name.replace('/', '_')}.pdf" for doc in documents]
        self.assertEqual(archive.namelist(), names)
        for document, name in zip(documents, names, strict=True):
            content = archive.read(name)
            self.assertEqual(content, document.invoice_pdf_report_id.raw, "the stored PDF, as it is")
            text = pdf_text(content)
            self.assertIn(document.name, text)
            self.assertIn("Statement Client SA", text)

    def test_repeated_field_and_rendering_of_missing_pdfs(self):
        """A document never sent has no official PDF yet: it is rendered now (the one PDF the
        client waits for) and stored the way Odoo stores it (so the next download is instant), its
        sending state untouched."""
        self.part._client_hub_pdf_attachments()  # stored already (sent, or downloaded before)
        self.assertFalse(self.open.invoice_pdf_report_id)
        sent_before = self.open.is_move_sent
        self.login(self.sam_user)
        response = self.url_open("/my/invoices/zip", data=[
            ("csrf_token", self.csrf()), ("invoice_ids", str(self.open.id)), ("invoice_ids", str(self.part.id)),
        ], allow_redirects=False)
        archive = self.archive(response)
        self.assertEqual(len(archive.namelist()), 2)
        self.open.invalidate_recordset()
        stored = self.open.invoice_pdf_report_id
        self.assertTrue(stored)
        self.assertEqual(stored.res_field, "invoice_pdf_report_file")
        self.assertEqual(self.open.message_main_attachment_id, stored)
        self.assertEqual(self.open.is_move_sent, sent_before)
        self.assertEqual(archive.read(f"{self.open.name.replace('/', '_')}.pdf"), stored.raw)

    def test_download_all_of_a_filter(self):
        self.issued._client_hub_pdf_attachments()  # sent invoices: the ZIP renders nothing, answered at once
        self.login(self.sam_user)
        archive = self.archive(self.post({"all": "1", "filterby": "overdue"}))
        self.assertEqual(sorted(archive.namelist()),
                         sorted(f"{m.name.replace('/', '_')}.pdf" for m in self.late | self.eur_invoice))
        archive = self.archive(self.post({"all": "1", "year": "2025"}))
        self.assertEqual(archive.namelist(), [f"{self.paid.name.replace('/', '_')}.pdf"])

    def test_duplicate_numbers_get_distinct_names(self):
        self.login(self.sam_user)
        names = self.env["account.move"].browse([self.late.id, self.open.id])._client_hub_zip_names()
        self.assertEqual(len(set(names)), 2)
        self.late.name, original = "INV/X/1", self.late.name  # a renumbered document: same safe name
        self.open.name = "INV_X_1"
        names = (self.late | self.open)._client_hub_zip_names()
        self.assertEqual(names, ["INV_X_1.pdf", "INV_X_1-2.pdf"])
        self.late.name = original

    # ------------------------------------------------------------------ refusals
    def test_only_what_the_contact_may_read(self):
        self.login(self.sam_user)
        payment_entry = self.env["account.move"].search(
            [("move_type", "=", "entry"), ("partner_id", "=", self.client.id)], limit=1)
        self.assertTrue(payment_entry)
        cases = {
            "another client's invoice": f"{self.late.id},{self.rival_invoice.id}",
            "a draft": str(self.draft.id),
            "a cancelled invoice": str(self.cancelled.id),
            "a journal entry": str(payment_entry.id),
            "an id that does not exist": "987654321",
        }
        for case, ids in cases.items():
            with self.subTest(case):
                self.assertRefused(self.post({"invoice_ids": ids}), "not invoices of yours")
        for malformed in ("abc", "1;2", "-5", "1e3"):
            with self.subTest(malformed=malformed):
                self.assertRefused(self.post({"invoice_ids": malformed}), "not one of your invoices")
        self.assertRefused(self.post({}), "Select at least one invoice to download.")
        self.assertRefused(self.post({"all": "1", "filterby": "credit_notes", "year": "2025"}),
                           "There is no invoice to download in this list.")
        # nothing was rendered for a refused request
        self.assertFalse((self.draft | self.rival_invoice).invoice_pdf_report_id)

    def test_csrf_and_method(self):
        self.login(self.sam_user)
        self.assertEqual(self.post({"invoice_ids": str(self.late.id)}, csrf=False).status_code, 400)
        with mute_logger(*LOGGERS):
            self.assertIn(self.url_open(f"/my/invoices/zip?invoice_ids={self.late.id}").status_code, (404, 405))

    def test_public_visitor_is_sent_to_the_login(self):
        self.opener.cookies.clear()
        response = self.url_open("/my/statement", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    # ------------------------------------------------------------------ background exports
    def run_export_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref("client_hub.ir_cron_client_hub_portal_export").method_direct_trigger()

    def test_large_request_becomes_a_background_export(self):
        self.env["ir.config_parameter"].sudo().set_param("client_hub.zip_sync_limit", "2")
        self.store_real_pdfs(self.paid)
        self.login(self.sam_user)
        response = self.post({"all": "1"})  # 6 documents, 5 of them without a PDF: over the limit
        self.assertEqual(response.status_code, 303)
        export = self.env["client_hub.portal.export"].search([("user_id", "=", self.sam_user.id)])
        self.assertEqual(urlsplit(response.headers["Location"]).path, f"/my/exports/{export.id}")
        self.assertEqual((export.state, export.document_count, export.progress_done), ("queued", 6, 1))
        page = self.url_open(f"/my/exports/{export.id}")
        self.assertIn("1 of 6 PDFs ready", " ".join(page.text.split()))
        self.assertIn('http-equiv="refresh"', page.text)
        self.assertEqual(self.url_open(f"/my/exports/{export.id}/download", allow_redirects=False).status_code, 303)

        # another contact, even of the same client, gets a 404 (so does a public visitor)
        self.login(self.rick_user)
        with mute_logger(*LOGGERS):
            self.assertEqual(self.url_open(f"/my/exports/{export.id}").status_code, 404)
            self.assertEqual(self.url_open(f"/my/exports/{export.id}/download").status_code, 404)
        self.login(self.sue_user)
        with mute_logger(*LOGGERS):
            self.assertEqual(self.url_open(f"/my/exports/{export.id}").status_code, 404)

        self.run_export_cron()
        export.invalidate_recordset()
        self.assertEqual(export.state, "done", export.error)
        self.assertEqual(export.progress_done, 6)
        self.assertTrue(all(move.invoice_pdf_report_id for move in self.issued))
        mail = self.env["mail.mail"].search([("model", "=", export._name), ("res_id", "=", export.id)])
        self.assertEqual(mail.recipient_ids, self.sam)
        self.assertIn(f"%2Fmy%2Fexports%2F{export.id}", mail.body_html, "a sign-in link to the download")

        self.login(self.sam_user)
        page = self.url_open(f"/my/exports/{export.id}")
        self.assertIn("Ready to download", page.text)
        self.assertNotIn('http-equiv="refresh"', page.text)
        download = self.url_open(f"/my/exports/{export.id}/download")
        archive = self.archive(download)
        self.assertEqual(sorted(archive.namelist()), sorted(f"{m.name.replace('/', '_')}.pdf" for m in self.issued))
        self.assertIn("Statement_Client_SA-invoices-2026-06-15.zip", download.headers["Content-Disposition"])

        # a week later, the export and its archive are gone
        attachment = export.attachment_id
        export.expires_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["client_hub.portal.export"]._gc_expired()
        self.assertFalse(export.exists())
        self.assertFalse(attachment.exists())
        with mute_logger(*LOGGERS):
            self.assertEqual(self.url_open(f"/my/exports/{export.id}").status_code, 404)

    def test_failed_export_is_explained(self):
        self.env["ir.config_parameter"].sudo().set_param("client_hub.zip_sync_limit", "0")
        self.login(self.sam_user)
        self.post({"invoice_ids": str(self.late.id)})
        export = self.env["client_hub.portal.export"].search([("user_id", "=", self.sam_user.id)])
        failure = UserError("The report engine is not available.")  # e.g. wkhtmltopdf missing
        with patch.object(self.registry["account.move"], "_client_hub_render_official_pdfs", side_effect=failure), \
                mute_logger("odoo.addons.client_hub.models.client_hub_portal_export"):
            self.run_export_cron()
        export.invalidate_recordset()
        self.assertEqual(export.state, "failed")
        page = self.url_open(f"/my/exports/{export.id}")
        self.assertIn("We could not prepare this download", page.text)
