# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os
import zipfile
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, str2bool

from ..lib.statement import PAGE_SIZE, safe_filename, unique_names

# the documents a client is billed with, and the payment states that say "settled" or "still due"
CUSTOMER_DOCUMENTS = ("out_invoice", "out_refund")
PAID_STATES = ("paid", "in_payment", "reversed")
OPEN_STATES = ("not_paid", "partial")

# Where a document stands for its client (client_hub_status, the backend's lists) and on the client's
# statement (client_hub_portal_status). Both are decided by _client_hub_status_rules alone, in Python
# for the records read and in SQL for sorting (_field_to_sql).
CLIENT_HUB_MOVE_STATUSES = [
    ("draft", "Draft"),
    ("posted", "Posted"),
    ("sent", "Sent"),
    ("partial", "Partially Paid"),
    ("paid", "Paid"),
    ("overdue", "Overdue"),
    ("cancel", "Cancelled"),
]
# (status, label, badge class) in the statement's business order: what needs attention first
PORTAL_STATUSES = [
    ("overdue", "Overdue", "text-bg-danger"),
    ("partial", "Partially paid", "text-bg-warning"),
    ("open", "Open", "text-bg-info"),
    ("paid", "Paid", "text-bg-success"),
    ("credit_note", "Credit note", "text-bg-secondary"),
    ("cancelled", "Cancelled", "text-bg-light"),
    ("draft", "Draft", "text-bg-light"),
]
PORTAL_BADGES = {status: badge for status, _label, badge in PORTAL_STATUSES}
# a client_hub_status as the statement shows it (issued credit notes apart)
PORTAL_STATUS = {"overdue": "overdue", "partial": "partial", "paid": "paid", "sent": "open", "posted": "open",
                 "cancel": "cancelled", "draft": "draft"}


class AccountMove(models.Model):
    _inherit = "account.move"

    # Lifetime metrics aggregate posted customer documents per commercial entity and company:
    # a covering partial index answers them from the index alone, for a page of clients as for
    # all the clients of a company when the client list is sorted by a figure (company first;
    # ``id`` for the join with their open items).
    _client_hub_metrics_idx = models.Index(
        "(company_id, commercial_partner_id) "
        "INCLUDE (id, amount_total_signed, amount_residual_signed, invoice_date_due) "
        "WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')"
    )

    client_hub_status = fields.Selection(
        CLIENT_HUB_MOVE_STATUSES,
        string="Client Status",
        compute="_compute_client_hub_status",
        help="Where the document stands for the client: overdue wins over sent or partially paid.",
    )
    client_hub_portal_status = fields.Selection(
        [(status, label) for status, label, _badge in PORTAL_STATUSES],
        string="Statement Status",
        compute="_compute_client_hub_status",
        help="The status the client sees on its statement: an issued credit note is a credit note.",
    )

    @api.model
    def _client_hub_status_rules(self, today, portal=False):
        """``[(status, domain)]``: a document has the status of the first domain it matches. With
        ``portal``, the statuses of the client's statement (PORTAL_STATUS, issued credit notes apart)."""
        rules = [
            ("draft", [("state", "=", "draft")]),
            ("cancel", [("state", "=", "cancel")]),
            ("paid", [("payment_state", "in", PAID_STATES)]),
            ("overdue", [("move_type", "=", "out_invoice"),
                         ("line_ids", "any", self._client_hub_past_due_items(today))]),
            ("partial", [("payment_state", "=", "partial")]),
            ("sent", [("is_move_sent", "=", True)]),
            ("posted", []),
        ]
        if not portal:
            return rules
        credit_note = ("credit_note", [("move_type", "=", "out_refund"), ("state", "=", "posted")])
        return [credit_note, *((PORTAL_STATUS[status], domain) for status, domain in rules)]

    @api.depends(
        "state", "move_type", "payment_state", "is_move_sent", "amount_residual",
        "line_ids.date_maturity", "line_ids.reconciled",
    )
    def _compute_client_hub_status(self):
        today = fields.Date.context_today(self)
        for fname, portal in (("client_hub_status", False), ("client_hub_portal_status", True)):
            remaining = self
            for status, domain in self._client_hub_status_rules(today, portal):
                matched = remaining.filtered_domain(domain)
                matched[fname] = status
                remaining -= matched

    @api.model
    def _client_hub_status_sql(self, alias, query, today, portal=False, rank=False):
        """The status of the documents of ``alias`` as an SQL ``CASE`` over the same rules; with
        ``rank``, the status's place in PORTAL_STATUSES (the statement's sort)."""
        ranks = {status: position for position, (status, _label, _badge) in enumerate(PORTAL_STATUSES, 1)}
        # the rows of ``alias`` are the reader's already: their own installments are read whatever
        # the reader's rules on journal items (no rule sub-queries in every ORDER BY)
        Move = self.sudo()
        return SQL("(CASE %s END)", SQL(" ").join(
            SQL("WHEN %s THEN %s", Domain(domain).optimize_full(Move)._to_sql(Move, alias, query),
                ranks[status] if rank else status)
            for status, domain in self._client_hub_status_rules(today, portal)
        ))

    def _field_to_sql(self, alias, field_expr, query=None):
        if field_expr in ("client_hub_status", "client_hub_portal_status"):
            return self._client_hub_status_sql(
                alias, query, fields.Date.context_today(self), portal=field_expr == "client_hub_portal_status",
            )
        return super()._field_to_sql(alias, field_expr, query)

    def _client_hub_status_badge(self):
        """This document's status on the client's statement: ``status``, its ``label`` in the
        client's language and its badge's ``class``."""
        self.ensure_one()
        status = self.client_hub_portal_status
        labels = dict(self._fields["client_hub_portal_status"]._description_selection(self.env))
        return {"status": status, "label": labels[status], "class": PORTAL_BADGES[status]}

    # ------------------------------------------------------------------ client statement
    @api.model
    def _client_hub_open_items(self):
        """Open installments (receivable items not fully reconciled): what a client still owes,
        each by its own due date (the aging buckets)."""
        return [("display_type", "=", "payment_term"), ("reconciled", "=", False)]

    @api.model
    def _client_hub_past_due_items(self, today):
        """Open installments (receivable items) past their due date: what "overdue" means everywhere,
        the documents' status, the figures, the statement's filter, the client list, the aging and the reminders."""
        return [*self._client_hub_open_items(), ("date_maturity", "<", today)]

    @api.model
    def _client_hub_open_invoice_domain(self):
        """Issued customer invoices not (fully) paid yet: what a client still owes on."""
        return [("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("payment_state", "in", OPEN_STATES)]

    @api.model
    def _client_hub_overdue_invoice_domain(self, today):
        """Open invoices with an installment past its due date on ``today``."""
        return [*self._client_hub_open_invoice_domain(), ("line_ids", "any", self._client_hub_past_due_items(today))]

    @api.model
    def _client_hub_statement_domain(self, commercial, query, today):
        """Issued invoices and credit notes of a client's commercial entity, filtered as the
        statement's ``filterby`` and ``year`` ask. Drafts (not issued) and cancelled documents are
        never shown to the client. The portal user's record rules apply on top."""
        domain = [
            ("commercial_partner_id", "=", commercial.id),
            ("move_type", "in", CUSTOMER_DOCUMENTS),
            ("state", "=", "posted"),
        ]
        if query.filterby == "unpaid":
            domain += self._client_hub_open_invoice_domain()
        elif query.filterby == "overdue":
            domain += self._client_hub_overdue_invoice_domain(today)
        elif query.filterby == "paid":
            domain += [("move_type", "=", "out_invoice"), ("payment_state", "in", PAID_STATES)]
        elif query.filterby == "credit_notes":
            domain += [("move_type", "=", "out_refund")]
        if query.year:
            domain += [("invoice_date", ">=", date(query.year, 1, 1)), ("invoice_date", "<=", date(query.year, 12, 31))]
        return domain

    @api.model
    def _client_hub_statement_order(self, found, query, today):
        """ORDER BY of the statement's query ``found``: ``status`` in the order of PORTAL_STATUSES,
        ``amount`` by signed total (credit notes negative), newest first to break ties."""
        alias = found.table
        direction = SQL("ASC") if query.order == "asc" else SQL("DESC")
        nulls = SQL("NULLS FIRST") if query.order == "asc" else SQL("NULLS LAST")

        def column(name):
            return SQL.identifier(alias, name)

        if query.sortby == "status":
            key = self._client_hub_status_sql(alias, found, today, portal=True, rank=True)
        else:
            key = column({"date": "invoice_date", "due_date": "invoice_date_due", "name": "name",
                          "amount": "amount_total_signed"}[query.sortby])
        return SQL("%s %s %s, %s DESC, %s DESC", key, direction, nulls, column("invoice_date"), column("id"))

    @api.model
    def _client_hub_statement_rows(self, domain, query, today, page=1, total=None):
        """One page of the statement (``PAGE_SIZE`` documents) and the number of documents
        (``total`` when the caller knows it): two queries, whatever the number of documents."""
        if total is None:
            total = self.search_count(domain)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, page), pages)
        found = self._search(domain, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        found.order = self._client_hub_statement_order(found, query, today)
        return self.browse(found.get_result_ids()), total, page

    # ------------------------------------------------------------------ online payment
    def _has_to_be_paid(self):
        """Odoo's "can be paid online", and only where a client can actually pay: without a
        published payment provider in the invoice's company, "Pay now" is hidden rather than a
        dead end ("no payment method available")."""
        return super()._has_to_be_paid() and self.env["payment.provider"]._client_hub_company_accepts_payments(
            self.company_id.id
        )

    def _client_hub_check_payable(self, amount):
        """Refuse, with the reason in plain words, a payment of ``amount`` (in the invoice's
        currency) that is not a payment of this open invoice: not an issued customer invoice,
        already paid, a payment already under way, or more than what is due."""
        self.ensure_one()
        if self.move_type != "out_invoice" or self.state != "posted" or not self._has_to_be_paid():
            raise ValidationError(
                self._get_online_payment_error() or _("This invoice cannot be paid online.")
            )
        if not isinstance(amount, int | float) or self.currency_id.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(_("The amount to pay must be positive."))
        if self.currency_id.compare_amounts(amount, self.amount_residual) > 0:
            raise ValidationError(_(
                "The amount to pay (%(amount)s) is more than what is due on %(invoice)s (%(due)s).",
                amount=self.currency_id.format(amount), invoice=self.name,
                due=self.currency_id.format(self.amount_residual),
            ))

    @api.model
    def _client_hub_payable_groups(self, commercial):
        """What ``commercial`` can settle with one online payment per company and currency: its open
        invoices payable online net of its open credit notes, as dicts (company, currency, invoices,
        credit_notes, moves, amount > 0), largest first. One aggregate query, read as the system."""
        if not str2bool(self.env["ir.config_parameter"].sudo().get_param("account_payment.enable_portal_payment")):
            return []
        open_documents = Domain([
            ("commercial_partner_id", "=", commercial.id),
            ("state", "=", "posted"),
            ("payment_state", "in", OPEN_STATES),
            ("amount_residual", "!=", 0),
            ("company_id", "in", self.env.companies.ids),
        ])
        payable_invoices = Domain([
            ("move_type", "=", "out_invoice"),
            ("amount_total", "!=", 0),
            ("transaction_ids", "not any", [
                ("state", "in", ("pending", "authorized")), ("provider_code", "not in", ("none", "custom")),
            ]),
        ])
        domain = open_documents & (payable_invoices | Domain("move_type", "=", "out_refund"))
        groups = {}
        for company, currency, move_type, residual, ids in self.sudo()._read_group(
            domain, ["company_id", "currency_id", "move_type"], ["amount_residual:sum", "id:array_agg"],
        ):
            group = groups.setdefault((company, currency), {
                "company": company.with_env(self.env), "currency": currency.with_env(self.env),
                "invoices": self.browse(), "credit_notes": self.browse(), "amount": 0.0,
            })
            key, sign = ("invoices", 1) if move_type == "out_invoice" else ("credit_notes", -1)
            group[key] = self.browse(sorted(ids))
            group["amount"] += sign * residual
        result = []
        Provider = self.env["payment.provider"]
        for group in groups.values():
            currency = group["currency"]
            if not group["invoices"] or currency.compare_amounts(group["amount"], 0.0) <= 0:
                continue
            if not Provider._client_hub_company_accepts_payments(group["company"].id):
                continue
            moves = group["invoices"] | group["credit_notes"]
            result.append({**group, "moves": moves, "amount": currency.round(group["amount"])})
        return sorted(result, key=lambda group: (-group["amount"], group["currency"].name, group["company"].id))

    # ------------------------------------------------------------------ bulk PDF download
    def _client_hub_render_official_pdfs(self, batch_size=80):
        """Render and store the official PDF of the documents that have none, exactly as Odoo's
        send wizard stores it (``invoice_pdf_report_file``, the invoice's main attachment), so that
        the next download is instant: one report rendering (one wkhtmltopdf run) per batch of
        documents of the same company, never one per document. Sending state is left as it was.
        Returns the documents rendered. Callers check the access to ``self`` first."""
        missing = self.sudo().filtered(lambda move: not move.invoice_pdf_report_id)
        Send = self.env["account.move.send"].sudo()
        for company, moves in missing.grouped("company_id").items():
            for start in range(0, len(moves), batch_size):
                batch = moves[start:start + batch_size]
                sent = {move: move.is_move_sent for move in batch}
                data = {move: {"pdf_report": Send._get_default_pdf_report_id(move)} for move in batch}
                Send.with_company(company)._prepare_invoice_pdf_report(data)
                Send._link_invoice_documents(data)
                for move, was_sent in sent.items():
                    if move.is_move_sent != was_sent:
                        move.is_move_sent = was_sent
        return missing

    def _client_hub_pdf_attachments(self):
        """The stored official PDF (``ir.attachment``) of each issued invoice and credit note of
        ``self``, in order, for whatever hands it to the client (a download, an email): the one
        stored when the document was sent or first downloaded, reused as it is; only the missing
        ones are rendered (in batches) and stored now. Drafts and other documents have none.
        Callers check the access to ``self`` first."""
        issued = self.sudo().filtered(lambda move: move.state == "posted" and move.move_type in CUSTOMER_DOCUMENTS)
        issued._client_hub_render_official_pdfs()
        pdfs = issued._client_hub_official_pdfs()
        return self.env["ir.attachment"].sudo().browse([pdfs[move.id].id for move in issued if move.id in pdfs])

    def _client_hub_zip_names(self):
        """Entry names of the archive: the document number made safe (``INV_2026_00042.pdf``),
        never twice the same. Reads the numbers alone (not every column of every document)."""
        names = {row["id"]: row["name"] for row in self.sudo().read(["name"])}
        return unique_names([f"{safe_filename(names[move.id])}.pdf" for move in self])

    def _client_hub_official_pdfs(self):
        """{document id: its stored official PDF attachment}, in one query, reading only where
        each file is (the PDFs themselves stay on disk)."""
        attachments = self.env["ir.attachment"].sudo().search_fetch(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("res_field", "=", "invoice_pdf_report_file")],
            ["res_id", "store_fname"], order="id",
        )
        return {attachment.res_id: attachment for attachment in attachments}

    def _client_hub_write_zip(self, fileobj):
        """Write the official PDFs of ``self`` (all stored: see _client_hub_render_official_pdfs)
        into a ZIP archive on ``fileobj``, copying each PDF from the file store: the archive is
        never held in memory. PDFs are compressed already: entries are stored as they are."""
        Attachment = self.env["ir.attachment"].sudo()
        pdfs = self._client_hub_official_pdfs()
        with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED) as archive:
            for move, name in zip(self, self._client_hub_zip_names(), strict=True):
                pdf = pdfs[move.id]
                path = Attachment._full_path(pdf.store_fname) if pdf.store_fname else None
                if path and os.path.isfile(path):
                    archive.write(path, name)
                else:
                    archive.writestr(name, pdf.raw or b"")
                pdf.invalidate_recordset(["raw", "db_datas"])  # one PDF in memory at most
        return fileobj

    # ------------------------------------------------------------------ per-client emails
    def _client_hub_mail_template(self):
        """The client's own template for this document, or an empty recordset."""
        self.ensure_one()
        kind = {"out_invoice": "invoice", "out_refund": "credit_note"}.get(self.move_type)
        if not kind:
            return self.env["mail.template"]
        return self.commercial_partner_id._client_hub_mail_template_for(kind)

    def _get_mail_template(self):
        """The send wizard (single, batch and scheduled sending) shows and uses the client's
        template; mail_template.py redirects any other rendering of the global one."""
        template = super()._get_mail_template()
        if len(self) == 1 and (own := self._client_hub_mail_template()):
            return own
        return template

    # ------------------------------------------------------------------ multi-company portal
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))._client_hub_grant_portal_companies()
        return posted

    def _client_hub_grant_portal_companies(self):
        """The client's portal users may see the company that issued these documents: one search
        for the whole batch, a write only for the users that miss a company."""
        if self:
            self.env["res.partner"]._client_hub_grant_companies(
                [(move.commercial_partner_id, move.company_id) for move in self]
            )

    # ------------------------------------------------------------------ magic links
    def _client_hub_magic_link_target(self):
        if self.move_type in ("out_invoice", "out_refund") and self.state == "posted" and self.partner_id:
            return self.partner_id, self.access_url
        return super()._client_hub_magic_link_target()
