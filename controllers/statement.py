# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's statement in the portal: the page, its PDF for a period, the ZIP of the official
PDFs of the documents it lists, and the background exports of large ZIPs.

Thin: figures, lists and files come from the models, the ledger and its PDF from
report.client_hub.report_client_statement; the period is checked in lib/periods.py.
Every route reads the documents as the signed-in contact (Odoo's portal record rules decide what
it may see); ``sudo()`` is used only on the contact's own commercial partner, its own export jobs,
or documents whose access was checked just before.
"""
import logging
import tempfile
from urllib.parse import urlencode

from werkzeug.wsgi import wrap_file

from odoo import fields, http
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..lib.periods import PeriodError, statement_filename, statement_period
from ..lib.statement import FILTERS, PAGE_SIZE, SORT_KEYS, STATEMENT_URL, InvalidIds, parse_ids, parse_query

_logger = logging.getLogger(__name__)


def _statement_pdf_readonly(_controller, _rule, _args):
    """The statement PDF's cursor: read-only for the default period (this year so far, never
    closed, never stored); read/write when an end date is given, since the statement of a closed
    period is stored the first time it is asked for (on a read-only cursor Odoo would render it,
    fail to store it, and render it again on a read/write one)."""
    return not request.httprequest.args.get("date_to")


class ClientHubStatement(CustomerPortal):
    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _client_hub_commercial():
        """The signed-in contact's client (its commercial entity): the only one it may see."""
        return request.env.user.partner_id.commercial_partner_id

    def _client_hub_filter_labels(self):
        env = request.env
        return {
            "all": env._("All documents"),
            "unpaid": env._("Unpaid"),
            "overdue": env._("Overdue"),
            "paid": env._("Paid"),
            "credit_notes": env._("Credit notes"),
        }

    def _client_hub_statement_values(self, query, page=1, error=None):
        Move = request.env["account.move"]
        user = request.env.user
        commercial = self._client_hub_commercial()
        today = fields.Date.context_today(user)
        domain = Move._client_hub_statement_domain(commercial, query, today)
        # its own client: commercial is the signed-in contact's commercial partner
        summary, years = commercial._client_hub_figures_by_currency(today)
        known_total = None
        if query.filterby == "all":  # the figures counted these documents already
            known_total = years.get(query.year, 0) if query.year else sum(years.values())
        rows, total, page = Move._client_hub_statement_rows(domain, query, today, page=page, total=known_total)
        labels = self._client_hub_filter_labels()
        pager = portal_pager(
            url=STATEMENT_URL, url_args=query.url_args(), total=total, page=page, step=PAGE_SIZE
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "statement",
            "default_url": STATEMENT_URL,
            "query": query,
            "rows": rows,
            "total": total,
            "pager": pager,
            "summary": summary,
            "multi_company": len({block["company"] for block in summary}) > 1,
            "multi_currency": len({block["currency"] for block in summary}) > 1,
            "year_links": self._client_hub_year_links(query, sorted(filter(None, years), reverse=True)),
            "searchbar_filters": {key: {"label": labels[key]} for key in FILTERS},
            "filterby": query.filterby,
            "sort_links": {key: f"{STATEMENT_URL}?{urlencode(query.toggled(key).url_args())}" for key in SORT_KEYS},
            "contact": user.partner_id,
            "commercial": commercial,
            "error": error,
            "pay_groups": Move._client_hub_payable_groups(commercial),
            "payment_tx": self._client_hub_landing_transaction(commercial),
        })
        return values

    @staticmethod
    def _client_hub_landing_transaction(commercial):
        """The payment the client just made, when it comes back from it (``payment_tx``): only a
        transaction of its own client is shown."""
        tx_id = request.httprequest.args.get("payment_tx", "")
        if not tx_id.isdigit():
            return request.env["payment.transaction"]
        tx_sudo = request.env["payment.transaction"].sudo().browse(int(tx_id)).exists()
        if tx_sudo.partner_id.commercial_partner_id != commercial:
            return request.env["payment.transaction"]
        return tx_sudo

    @staticmethod
    def _client_hub_year_links(query, years):
        """(year or None, link) of the year filter: every year with documents, and all years."""
        args = {key: value for key, value in query.url_args().items() if key != "year"}
        links = [(None, f"{STATEMENT_URL}?{urlencode(args)}")]
        return links + [(year, f"{STATEMENT_URL}?{urlencode({**args, 'year': year})}") for year in years]

    def _client_hub_statement_page(self, query, page=1, error=None, status=200):
        values = self._client_hub_statement_values(query, page, error)
        response = request.render("client_hub.portal_my_statement", values)
        response.status_code = status
        return response

    # ------------------------------------------------------------------ statement
    @http.route(
        [STATEMENT_URL, f"{STATEMENT_URL}/page/<int:page>"],
        type="http", auth="user", website=True, sitemap=False, readonly=True,
    )
    def portal_my_statement(self, page=1, sortby=None, order=None, filterby=None, year=None, **kw):
        page = int(page) if str(page).isdigit() and len(str(page)) < 9 else 1  # a query string may say anything
        return self._client_hub_statement_page(parse_query(sortby, order, filterby, year), page=page)

    # ------------------------------------------------------------------ bulk download
    @http.route(
        "/my/invoices/zip", type="http", auth="user", methods=["POST"], website=True, sitemap=False, csrf=True,
    )
    def portal_invoices_zip(self, sortby=None, order=None, filterby=None, year=None, **kw):
        """The official PDFs of the documents asked for, in one ZIP. ``invoice_ids`` (repeatable,
        or comma-separated) or ``all=1`` with the statement's ``filterby``/``year``. Every document
        must be an issued invoice or credit note of the contact's client: otherwise the whole
        request is refused and no archive is produced."""
        env = request.env
        query = parse_query(sortby, order, filterby, year)
        Move = env["account.move"]
        commercial = self._client_hub_commercial()
        today = fields.Date.context_today(env.user)
        statement = Move._client_hub_statement_domain(commercial, query, today)
        if request.httprequest.form.get("all") == "1":
            moves = Move.search(statement)
        else:
            try:
                ids = parse_ids(request.httprequest.form.getlist("invoice_ids"))
            except InvalidIds:
                return self._client_hub_refused(query, "not_your_invoices")
            if not ids:
                return self._client_hub_refused(query, "none_selected")
            base = Move._client_hub_statement_domain(commercial, parse_query(), today)
            moves = Move.search([("id", "in", ids), *base])
            if len(moves) != len(ids):
                _logger.info("client_hub: ZIP refused to user %s: %s of %s ids not theirs",
                             env.user.id, len(ids) - len(moves), len(ids))
                return self._client_hub_refused(query, "some_not_yours")
            moves = moves.sorted(lambda move: ids.index(move.id))
        if not moves:
            return self._client_hub_refused(query, "nothing_to_download")
        # access checked above, as the contact: the documents are its client's issued invoices
        moves_sudo = moves.sudo()
        Export = env["client_hub.portal.export"]
        missing = moves_sudo.filtered(lambda move: not move.invoice_pdf_report_id)
        if len(missing) > Export._sync_limit():
            export = Export._queue(env.user, moves)
            return request.redirect(export._portal_path(), code=303)
        moves_sudo._client_hub_render_official_pdfs()
        return self._client_hub_send_zip(moves_sudo, Export._archive_name(commercial))

    def _client_hub_refused(self, query, reason):
        """The statement again, saying why (``reason``: a code its template words) the ZIP was refused."""
        return self._client_hub_statement_page(query, error=reason, status=400)

    @staticmethod
    def _client_hub_send_zip(moves, filename):
        """Stream the archive from a temporary file: it is never held in memory, and the file
        disappears when the response is closed."""
        archive = tempfile.TemporaryFile(prefix="client_hub_zip_")  # closed with the response
        moves._client_hub_write_zip(archive)
        size = archive.tell()
        archive.seek(0)
        response = request.make_response(
            wrap_file(request.httprequest.environ, archive),
            headers=[
                ("Content-Type", "application/zip"),
                ("Content-Length", str(size)),
                ("Content-Disposition", content_disposition(filename)),
                ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store"),
            ],
        )
        response.direct_passthrough = True
        return response

    # ------------------------------------------------------------------ background exports
    def _client_hub_own_export(self, export_id):
        """The contact's own export, or 404 (another contact's id answers as a missing one)."""
        export = request.env["client_hub.portal.export"].search([("id", "=", export_id)])
        if not export or export.user_id != request.env.user:
            raise request.not_found()
        return export

    @http.route("/my/exports/<int:export_id>", type="http", auth="user", website=True, sitemap=False, readonly=True)
    def portal_my_export(self, export_id, **kw):
        export = self._client_hub_own_export(export_id)
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "client_hub_export",
            "export": export,
            "state_label": export._state_labels()[export.state],
        })
        return request.render("client_hub.portal_my_export", values)

    @http.route(
        "/my/exports/<int:export_id>/download", type="http", auth="user", website=True, sitemap=False, readonly=True,
    )
    def portal_my_export_download(self, export_id, **kw):
        export = self._client_hub_own_export(export_id)
        if export.state != "done" or not export.sudo().attachment_id:
            return request.redirect(export._portal_path(), code=303)
        # the contact's own export: its archive is served as it is stored, streamed from disk
        stream = request.env["ir.binary"]._get_stream_from(export.sudo().attachment_id)
        stream.download_name = export.filename
        return stream.get_response(as_attachment=True)

    # ------------------------------------------------------------------ statement PDF
    @http.route(f"{STATEMENT_URL}/pdf", type="http", auth="user", website=True, readonly=_statement_pdf_readonly)
    def portal_my_statement_pdf(self, date_from=None, date_to=None, **kw):
        """``GET /my/statement/pdf?date_from=YYYY-MM-DD&date_to=YYYY-MM-DD``: the signed-in
        client's statement for the period (default: this year so far), as a download. A closed
        period's PDF is rendered once and stored; an open one is rendered at each request."""
        user = request.env.user
        Report = request.env["report.client_hub.report_client_statement"]
        today = fields.Date.context_today(user)
        try:
            start, end = statement_period(date_from, date_to, today)
        except PeriodError as error:
            return self._statement_period_refused(Report._period_error_message(error))
        # Ownership: the statement printed is always the signed-in user's own commercial entity,
        # over the companies this user is allowed; no id is read from the request. Only now does
        # the report run as the system (portal users cannot read journal items), for that client.
        client = user.partner_id.commercial_partner_id
        stored = Report.sudo()._statement_pdf_attachment(user.partner_id, start, end, user.company_ids, today=today)
        pdf = stored.raw if stored else Report.sudo()._render_statement_pdf(client, start, end, user.company_ids)
        filename = statement_filename(client.name, start, end)
        return request.make_response(pdf, headers=[
            ("Content-Type", "application/pdf"),
            ("Content-Length", str(len(pdf))),
            ("Content-Disposition", f"attachment; filename={filename}"),
            ("Cache-Control", "no-store"),
        ])

    def _statement_period_refused(self, message):
        values = self._prepare_portal_layout_values()
        values.update(message=message, page_name="statement")
        return request.render("client_hub.portal_statement_pdf_refused", values, status=400)
