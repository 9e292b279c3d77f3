# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A client's download of many invoice PDFs, prepared in the background.

A client never waits in its request for more than one PDF to render: a download that would render
more official PDFs than the ``client_hub.zip_sync_limit`` system parameter (default 1; PDFs stored
already cost no rendering) becomes an export job: the cron job renders the missing official PDFs in
batches (committing its progress between batches, so it never runs past a
worker's time limit), then writes the ZIP to disk and stores it as an attachment without loading
it in memory. The client follows the progress on ``/my/exports/<id>`` and is emailed when it is
ready. Jobs and their files expire after a week.
"""
import hashlib
import logging
import os
import shutil
import tempfile
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib.statement import safe_filename

_logger = logging.getLogger(__name__)

EXPIRY_DAYS = 7


class ClientHubPortalExport(models.Model):
    _name = "client_hub.portal.export"
    _description = "Client Portal Download"
    _order = "create_date desc, id desc"
    _rec_name = "filename"

    user_id = fields.Many2one(
        "res.users", string="Requested by", required=True, readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, readonly=True, index=True, ondelete="cascade"
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Client"
    )
    move_ids = fields.Many2many(
        "account.move",
        "client_hub_portal_export_move_rel",
        "export_id",
        "move_id",
        string="Documents",
        readonly=True,
    )
    document_count = fields.Integer(string="Number of Documents", readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("running", "In progress"), ("done", "Ready"), ("failed", "Failed")],
        required=True,
        default="queued",
        readonly=True,
        index=True,
    )
    progress_done = fields.Integer(string="PDFs Ready", readonly=True)
    filename = fields.Char(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="Archive", readonly=True, ondelete="set null")
    error = fields.Text(readonly=True)
    done_at = fields.Datetime(string="Ready Since", readonly=True)
    expires_at = fields.Datetime(
        string="Expires",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: fields.Datetime.now() + timedelta(days=EXPIRY_DAYS),
    )

    # ------------------------------------------------------------------ creation
    @api.model
    def _sync_limit(self):
        """The most PDFs a portal request renders while the client waits; more go to a job."""
        return self.env["ir.config_parameter"]._client_hub_param("client_hub.zip_sync_limit")

    @api.model
    def _archive_name(self, commercial, day=None):
        """``<Client>-invoices-<YYYY-MM-DD>.zip``"""
        day = day or fields.Date.context_today(self)
        return f"{safe_filename(commercial.name, default='client')}-invoices-{day.isoformat()}.zip"

    @api.model
    def _queue(self, user, moves):
        """A job for ``user`` (a portal contact whose access to ``moves`` was checked by the
        caller) and wake the cron up. Returns the job."""
        partner = user.partner_id
        export = self.sudo().create({
            "user_id": user.id,
            "partner_id": partner.id,
            "move_ids": [fields.Command.set(moves.ids)],
            "document_count": len(moves),
            "progress_done": len(moves.filtered("invoice_pdf_report_id")),
            "filename": self._archive_name(partner.commercial_partner_id),
        })
        self.env.ref("client_hub.ir_cron_client_hub_portal_export").sudo()._trigger()
        _logger.info("client_hub: export %s of %s documents queued for user %s", export.id, len(moves), user.id)
        return export

    # ------------------------------------------------------------------ the cron job
    @api.model
    def _cron_process(self, batch_size=None):
        """Render the missing PDFs of the queued exports in batches (one wkhtmltopdf call per
        batch), committing progress after each batch; build an archive once all its PDFs are
        stored. Stops when the cron's time budget is nearly spent: the cron runs again."""
        Move = self.env["account.move"]
        batch_size = batch_size or int(
            self.env["ir.config_parameter"].sudo().get_param("account.pdf_generation_batch", "80")
        )
        Cron = self.env["ir.cron"]
        while True:
            export = self.search([("state", "in", ("queued", "running"))], order="id", limit=1)
            if not export or not export.try_lock_for_update():
                return
            remaining = self.search_count([("state", "in", ("queued", "running"))])
            missing = export.move_ids.filtered(lambda move: not move.invoice_pdf_report_id)
            try:
                if missing:
                    batch = missing[:batch_size]
                    export.state = "running"
                    Move.browse(batch.ids)._client_hub_render_official_pdfs(batch_size=batch_size)
                    export.progress_done = export.document_count - len(missing) + len(batch)
                else:
                    export._build_archive()
                    remaining -= 1
            except Exception as error:  # the client is told, the job stops; logged in full
                _logger.exception("client_hub: export %s failed", export.id)
                self.env.cr.rollback()
                export.write({"state": "failed", "error": str(error)[:2000]})
                remaining -= 1
            if Cron._commit_progress(1, remaining=max(remaining, 0)) < 30:
                return

    def _build_archive(self):
        """Write the ZIP to a temporary file, move it into Odoo's file store and attach it, without
        ever holding the archive in memory; then tell the client."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()
        with tempfile.NamedTemporaryFile(prefix="client_hub_export_", suffix=".zip", delete=False) as tmp:
            path = tmp.name
        try:
            with open(path, "wb") as archive:
                self.move_ids._client_hub_write_zip(archive)
            size = os.path.getsize(path)
            attachment = self._attach_file(Attachment, path, size)
        finally:
            if os.path.exists(path):
                os.unlink(path)
        self.write({"attachment_id": attachment.id, "state": "done", "done_at": fields.Datetime.now(),
                    "progress_done": self.document_count})
        self._notify_ready()

    def _attach_file(self, Attachment, path, size):
        values = {
            "name": self.filename,
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/zip",
            "type": "binary",
        }
        if Attachment._storage() != "file":
            with open(path, "rb") as archive:
                return Attachment.create({**values, "raw": archive.read()})
        sha1 = hashlib.sha1(usedforsecurity=False)
        with open(path, "rb") as archive:
            for block in iter(lambda: archive.read(1 << 20), b""):
                sha1.update(block)
        checksum = sha1.hexdigest()
        fname = f"{checksum[:2]}/{checksum}"
        full_path = Attachment._full_path(fname)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        if not os.path.exists(full_path):
            shutil.move(path, full_path)
            Attachment._mark_for_gc(fname)  # removed again if this transaction rolls back
        # ir.attachment computes these three from content it holds in memory; an archive of any
        # size is attached by pointing the (empty) attachment at the file now in the store
        attachment = Attachment.create(values)
        self.env.cr.execute(SQL(
            "UPDATE ir_attachment SET store_fname = %s, checksum = %s, file_size = %s, db_datas = NULL WHERE id = %s",
            fname, checksum, size, attachment.id,
        ))
        attachment.invalidate_recordset(["store_fname", "checksum", "file_size", "db_datas", "raw", "datas"])
        return attachment

    def _notify_ready(self):
        """Email the contact that its download is ready, with a sign-in link to it."""
        self.ensure_one()
        template = self.env.ref("client_hub.mail_template_portal_export_ready", raise_if_not_found=False)
        if not template or not self.partner_id.email:
            return
        url = self.env["client_hub.magic.link"].sudo()._issue_url(
            self.partner_id, origin=self, redirect=self._portal_path()
        ) if self.partner_id._client_hub_magic_link_allowed() else self._portal_url()
        template.sudo().with_context(client_hub_export_url=url).send_mail(
            self.id, email_layout_xmlid="mail.mail_notification_light"
        )

    # ------------------------------------------------------------------ portal
    def _portal_path(self):
        return f"/my/exports/{self.id}"

    def _portal_url(self):
        return f"{self.get_base_url()}{self._portal_path()}"

    def _download_path(self):
        return f"{self._portal_path()}/download"

    # ------------------------------------------------------------------ expiry
    @api.autovacuum
    def _gc_expired(self):
        """Exports (and their archives) are kept a week."""
        expired = self.sudo().search([("expires_at", "<", fields.Datetime.now())])
        expired.attachment_id.unlink()
        expired.unlink()
        if expired:
            _logger.info("client_hub: %s expired export(s) removed", len(expired))

    def unlink(self):
        self.sudo().attachment_id.unlink()
        return super().unlink()

    @api.model
    def _state_labels(self):
        return {
            "queued": _("Waiting to start"),
            "running": _("Preparing your PDFs"),
            "done": _("Ready to download"),
            "failed": _("Something went wrong"),
        }
