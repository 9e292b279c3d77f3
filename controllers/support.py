# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Support tickets in the client portal: helpdesk_mgmt's pages made safe and client-centred (new
tickets and a client's files checked on the server, closing by POST for the contact's own tickets only,
open tickets first, only the files a client may see)."""
import os

import pytz
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import BadRequest, NotFound

from odoo import http
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk
from odoo.addons.mail.controllers.attachment import AttachmentController

from ..lib.support_files import ALLOWED_EXTENSIONS, MAX_FILES, safe_attachment_name

MAX_SUBJECT = 200


def _file_size(file):
    file.stream.seek(0, os.SEEK_END)
    size = file.stream.tell()
    file.stream.seek(0)
    return size


def _use_client_tz():
    """Dates and times of the support pages in the client's time zone, the one the page's chat
    shows (it formats in the browser): the browser's (the ``tz`` cookie Odoo's frontend layout
    sets), else the contact's. Odoo renders them in the session's ``tz``, the contact's
    ``tz``: empty for a contact signed in by a magic link (Odoo copies the browser's zone only
    at a password login), or the zone of whoever created the contact."""
    tz = request.httprequest.cookies.get("tz")
    if tz not in pytz.all_timezones_set:
        tz = request.env.user.tz
    if tz and tz != request.env.context.get("tz"):
        request.update_context(tz=tz)


def _own_invoice(invoice_id):
    """The issued invoice or credit note ``invoice_id`` of the signed-in contact's client, read
    with the contact's own rights (portal rules), or an empty recordset."""
    Move = request.env["account.move"]
    if not invoice_id or not str(invoice_id).isdigit():
        return Move
    commercial = request.env.user.partner_id.commercial_partner_id
    return Move.search([
        ("id", "=", int(invoice_id)),
        ("commercial_partner_id", "=", commercial.id),
        ("move_type", "in", ("out_invoice", "out_refund")),
        ("state", "=", "posted"),
    ], limit=1)


class ClientHubTicketController(HelpdeskTicketController):
    # ------------------------------------------------------------------ closing
    @http.route("/ticket/close", type="http", auth="user", methods=["POST"], csrf=True)
    def support_ticket_close(self, ticket_id=None, stage_id=None, **kw):
        if not str(ticket_id).isdigit() or not str(stage_id).isdigit():
            raise NotFound()
        ticket = request.env["helpdesk.ticket"].browse(int(ticket_id)).exists()
        if not ticket or not ticket.has_access("read"):
            raise NotFound()  # another client's ticket answers as a missing one
        stage = request.env["helpdesk.ticket.stage"].sudo().browse(int(stage_id)).exists()
        ticket_sudo = ticket.sudo()  # the contact may read it (checked above); portal users never write
        allowed = ticket_sudo.team_id._get_applicable_stages() if ticket_sudo.team_id else (
            request.env["helpdesk.ticket.team"].sudo()._get_applicable_stages()
        )
        if stage and stage.close_from_portal and stage in allowed:
            ticket_sudo.stage_id = stage
        # 302 as helpdesk_mgmt answers (its tests pin it); browsers follow it with a GET
        return request.redirect(f"/my/ticket/{ticket.id}", code=302)

    # ------------------------------------------------------------------ new ticket
    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        invoice = _own_invoice(kw.get("invoice_id"))
        subject = kw.get("subject")
        if subject is None and invoice:
            subject = request.env._("Question about %(document)s", document=invoice.name)
        values.update({
            "client_hub_invoice": invoice,
            "client_hub_subject": subject or "",
            "client_hub_description": kw.get("description") or "",
            "client_hub_error": kw.get("client_hub_error"),
            "client_hub_max_files": MAX_FILES,
            "client_hub_max_upload_mb": request.env["helpdesk.ticket"]._client_hub_max_upload_mb(),
            "client_hub_max_subject": MAX_SUBJECT,
            "client_hub_extensions": ",".join(sorted(ALLOWED_EXTENSIONS)),
        })
        return values

    def _client_hub_check_submission(self, kw):
        """Why a new ticket cannot be created as sent (a code the form's template words, or the files'
        rule broken, in the model's words), or None."""
        if not (kw.get("subject") or "").strip():
            return "no_subject"
        if len(kw["subject"]) > MAX_SUBJECT:
            return "subject_too_long"
        if not (kw.get("description") or "").strip():
            return "no_description"
        if kw.get("invoice_id") and not _own_invoice(kw.get("invoice_id")):
            return "not_your_document"
        files = [file for file in request.httprequest.files.getlist("attachment") if file.filename]
        return request.env["helpdesk.ticket"]._client_hub_files_error(
            [(file.filename, _file_size(file)) for file in files]
        )

    def _prepare_submit_ticket_vals(self, **kw):
        vals = super()._prepare_submit_ticket_vals(**kw)
        invoice = _own_invoice(kw.get("invoice_id"))
        if invoice:
            vals["client_hub_invoice_id"] = invoice.id
        vals["name"] = (kw.get("subject") or "").strip()
        if not vals.get("team_id"):
            # the team of the company's portal tickets: its members are notified, the replies
            # carry its alias as Reply-To (helpdesk_mgmt leaves the ticket without team)
            company = request.env["res.company"].browse(vals["company_id"])
            team = company._client_hub_support_team()
            if team:
                vals["team_id"] = team.id
                vals["stage_id"] = team._get_applicable_stages()[:1].id or vals.get("stage_id")
        return vals

    @http.route("/submitted/ticket", type="http", auth="user", website=True, csrf=True, methods=["POST"])
    def submit_ticket(self, **kw):
        error = self._client_hub_check_submission(kw)
        if error:
            # the form comes back as the client typed it, with the reason
            kw.pop("attachment", None)
            response = request.render(
                "helpdesk_mgmt.portal_create_ticket", self._get_create_new_ticket_values(**kw, client_hub_error=error)
            )
            response.status_code = 400
            return response
        for file in request.httprequest.files.getlist("attachment"):
            if file.filename:
                file.filename = safe_attachment_name(file.filename)  # helpdesk_mgmt stores it as sent
        response = super().submit_ticket(**kw)
        response.status_code = 303  # after a POST, the browser GETs the ticket's page
        return response


class ClientHubTicketPortal(CustomerPortalHelpdesk):
    def _ticket_get_searchbar_sortings(self):
        sortings = super()._ticket_get_searchbar_sortings()
        sortings["activity"] = {
            "label": request.env._("Open first, latest activity"),
            "order": "client_hub_is_closed, client_hub_last_activity desc, id desc",
            "sequence": 0,
        }
        return sortings

    @http.route()
    def portal_my_tickets(self, page=1, date_begin=None, date_end=None, sortby=None, filterby=None, search=None,
                          search_in=None, groupby=None, **kw):
        """Open tickets first, then the latest activity; an unknown sort falls back to that (the
        original fails with a server error)."""
        if sortby not in self._ticket_get_searchbar_sortings():
            sortby = "activity"
        if groupby not in (None, *self._ticket_get_searchbar_groupby()):
            groupby = None
        _use_client_tz()
        return super().portal_my_tickets(
            page=page, date_begin=date_begin, date_end=date_end, sortby=sortby, filterby=filterby,
            search=search, search_in=search_in, groupby=groupby, **kw,
        )

    @http.route()
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        _use_client_tz()
        return super().portal_my_ticket(ticket_id, access_token=access_token, **kw)

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        values["client_hub_attachments"] = ticket.sudo()._client_hub_public_attachments()
        return values


class ClientHubAttachmentController(AttachmentController):
    @http.route()
    def mail_attachment_upload(self, ufile=None, thread_id=None, thread_model=None, is_pending=False, **kwargs):
        """A client's file to a ticket (the chatter of the ticket page): the new-ticket rules,
        the error shown by the chatter as for any refused upload; a name without folders; kept
        pending until its message is posted (where the number of files is checked). A request
        without a file or a thread is refused (400), not a server error."""
        if not isinstance(ufile, FileStorage) or not str(thread_id or "").isdigit() or thread_model not in request.env:
            raise BadRequest()
        if thread_model == "helpdesk.ticket" and not request.env.user._is_internal():
            error = request.env["helpdesk.ticket"]._client_hub_file_error(ufile.filename, _file_size(ufile))
            if error:
                return request.make_json_response({"error": error})
            ufile.filename = safe_attachment_name(ufile.filename)
            is_pending = True
        return super().mail_attachment_upload(ufile, thread_id, thread_model, is_pending=is_pending, **kwargs)
