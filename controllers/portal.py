# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client portal pages: the statement, bulk PDF downloads and their background exports.

Thin: figures, lists and files come from the models. Every route reads the documents as the
signed-in contact (Odoo's portal record rules decide what it may see); ``sudo()`` is used only on
the contact's own commercial partner, its own export jobs, or documents whose access was checked
just before.
"""
import logging
import tempfile
from urllib.parse import urlencode

from werkzeug.wsgi import wrap_file

from odoo import Command, fields, http
from odoo.exceptions import ValidationError
from odoo.http import content_disposition, request

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.payment import utils as payment_utils
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..lib.statement import FILTERS, PAGE_SIZE, SORT_KEYS, InvalidIds, parse_ids, parse_query

_logger = logging.getLogger(__name__)

STATEMENT_URL = "/my/statement"


class ClientHubPortal(PortalAccount):
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
        summary, years = commercial._client_hub_statement_figures(today)
        known_total = None
        if query.filterby == "all":  # the figures counted these documents already
            known_total = years.get(query.year, 0) if query.year else sum(years.values())
        rows, total, page = Move._client_hub_statement_rows(domain, query, today, page=page, total=known_total)
        labels = self._client_hub_filter_labels()
        env = request.env
        filtered = query.filterby != "all" or query.year
        texts = {
            "greeting": env._("Hello %(name)s,", name=user.partner_id.name),
            "account": env._("Here is the account of %(client)s with us.", client=commercial.name),
            "count": (env._("%(count)s document(s) in this list", count=total) if filtered
                      else env._("%(count)s document(s)", count=total)),
            "download_all": env._("Download all (%(count)s)", count=total),
            "page_selected": env._("All %(count)s documents of this page are selected.", count=len(rows)),
            "select_all": env._("Select all %(count)s documents of this list", count=total),
            "all_selected": env._("All %(count)s documents of this list are selected, not only this page.",
                                  count=total),
        }
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
            "texts": texts,
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
                return self._client_hub_refused(
                    query, env._("That request names something that is not one of your invoices.")
                )
            if not ids:
                return self._client_hub_refused(query, env._("Select at least one invoice to download."))
            base = Move._client_hub_statement_domain(commercial, parse_query(), today)
            moves = Move.search([("id", "in", ids), *base])
            if len(moves) != len(ids):
                _logger.info("client_hub: ZIP refused to user %s: %s of %s ids not theirs",
                             env.user.id, len(ids) - len(moves), len(ids))
                return self._client_hub_refused(
                    query, env._("Some of the documents asked for are not invoices of yours: nothing was downloaded.")
                )
            moves = moves.sorted(lambda move: ids.index(move.id))
        if not moves:
            return self._client_hub_refused(query, env._("There is no invoice to download in this list."))
        # access checked above, as the contact: the documents are its client's issued invoices
        moves_sudo = moves.sudo()
        Export = env["client_hub.portal.export"]
        missing = moves_sudo.filtered(lambda move: not move.invoice_pdf_report_id)
        if len(missing) > Export._sync_limit():
            export = Export._queue(env.user, moves)
            return request.redirect(export._portal_path(), code=303)
        moves_sudo._client_hub_render_official_pdfs()
        return self._client_hub_send_zip(moves_sudo, Export._archive_name(commercial))

    def _client_hub_refused(self, query, message):
        return self._client_hub_statement_page(query, error=message, status=400)

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
            "texts": {
                "progress": request.env._("%(done)s of %(total)s PDFs ready.", done=export.progress_done,
                                          total=export.document_count),
                "download": request.env._("Download (%(count)s documents)", count=export.document_count),
            },
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

    # ------------------------------------------------------------------ pay all outstanding
    def _client_hub_pay_group(self, company_id=None, currency=None):
        """The (company, currency) group of the client's open documents asked for; with no
        parameter, the only one. None when there is nothing (or not exactly one) to pay."""
        groups = request.env["account.move"]._client_hub_payable_groups(self._client_hub_commercial())
        if company_id is not None and str(company_id).isdigit():
            groups = [group for group in groups if group["company"].id == int(company_id)]
        if currency:
            groups = [group for group in groups if currency in (group["currency"].name, str(group["currency"].id))]
        return groups[0] if len(groups) == 1 else None

    @staticmethod
    def _client_hub_pay_token(group):
        """Signs what the page offered to pay (who, how much, which documents): the transaction
        is refused if the account changed in between."""
        return payment_utils.generate_access_token(
            request.env.user.partner_id.id, group["amount"], group["currency"].id, *sorted(group["moves"].ids)
        )

    @http.route(f"{STATEMENT_URL}/pay", type="http", auth="user", website=True, sitemap=False)
    def portal_statement_pay(self, company_id=None, currency=None, **kw):
        """One payment for every open invoice of the client in one company and currency, net of
        its open credit notes: the documents and the amount are computed here, on the server."""
        group = self._client_hub_pay_group(company_id, currency)
        if not group:
            return request.redirect(STATEMENT_URL, code=303)
        company, currency_rec = group["company"], group["currency"]
        values = self._prepare_portal_layout_values()
        # the payment form of Odoo's "pay overdue invoices" page, for this group
        values.update(self._get_common_page_view_values(invoices_data={
            "partner": request.env.user.partner_id,
            "company": company,
            "total_amount": group["amount"],
            "currency": currency_rec,
            "amount_residual": group["amount"],
            "payment_reference": False,
            "landing_route": STATEMENT_URL,
            "transaction_route": f"{STATEMENT_URL}/transaction/{company.id}/{currency_rec.id}",
        }))
        values.update({
            "page_name": "client_hub_pay",
            # the documents it settles, soonest due first
            "group": {**group, "moves": group["moves"].sorted(
                lambda move: (move.invoice_date_due or move.date, move.id)
            )},
            "amount": group["amount"],
            "currency": currency_rec,
            "access_token": self._client_hub_pay_token(group),
            "multi_company": len(request.env.user.company_ids) > 1,
        })
        return request.render("client_hub.portal_statement_pay", values)

    @http.route(f"{STATEMENT_URL}/transaction/<int:company_id>/<int:currency_id>", type="jsonrpc", auth="user")
    def portal_statement_transaction(self, company_id, currency_id, access_token=None, **kwargs):
        """Create the transaction of "Pay all outstanding" (Odoo's transaction machinery, as its
        overdue invoices route does), for what the server computes now: the amount, the
        documents, the landing page are never taken from the browser."""
        group = self._client_hub_pay_group(company_id, str(currency_id))
        if not group or not payment_utils.check_access_token(
            access_token, request.env.user.partner_id.id, group["amount"], group["currency"].id,
            *sorted(group["moves"].ids),
        ):
            raise ValidationError(request.env._(
                "Your account changed since this page was opened (a payment arrived or a document "
                "was issued). Please reload the page: nothing was charged."
            ))
        kwargs.pop("amount", None)
        kwargs.pop("landing_route", None)
        self._validate_transaction_kwargs(kwargs, additional_allowed_keys={"payment_reference"})
        kwargs.pop("payment_reference", None)
        company = group["company"]
        providers = request.env["payment.provider"].sudo()._get_compatible_providers(
            company.id, request.env.user.partner_id.id, group["amount"], currency_id=group["currency"].id,
        )
        if int(kwargs.get("provider_id") or 0) not in providers.ids:
            raise ValidationError(request.env._("This payment method is not available for this payment."))
        tx_sudo = self._create_transaction(
            amount=group["amount"],
            currency_id=group["currency"].id,
            partner_id=request.env.user.partner_id.id,
            reference_prefix=company.sudo().get_next_batch_payment_communication(),
            landing_route=STATEMENT_URL,
            custom_create_values={"invoice_ids": [Command.set(group["moves"].ids)]},
            **kwargs,
        )
        tx_sudo.landing_route = f"{STATEMENT_URL}?payment_tx={tx_sudo.id}"
        return tx_sudo._get_processing_values()

    # ------------------------------------------------------------------ Odoo's pages
    @http.route()
    def portal_my_overdue_invoices(self, access_token=None, **kw):
        """Odoo's "pay overdue invoices" page charges the invoices' totals (even when partly
        paid), leaves credit notes out and fails across companies or currencies: a signed-in
        client pays from its statement instead ("Pay all outstanding")."""
        if not request.env.user._is_public():
            return request.redirect(f"{STATEMENT_URL}?filterby=overdue", code=303)
        return super().portal_my_overdue_invoices(access_token=access_token, **kw)

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        """A signed-in client who pays an invoice lands back on its statement."""
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        if "landing_route" in values and not request.env.user._is_public():
            values["landing_route"] = STATEMENT_URL
        return values
