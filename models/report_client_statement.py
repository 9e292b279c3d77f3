# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client statement: a customer ledger over a period, printed through Odoo's report engine: the
posted receivable items of the client's commercial entity, per company and per currency it is billed
in (``amount_currency``, never converted); the opening balance sums the items before ``date_from``.
The PDF of a closed period is rendered once and stored on the client (``_statement_pdf_attachment``)."""
import hashlib
import json
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..lib.periods import PeriodError, check_period, default_period, statement_filename
from .res_partner import ACCOUNTING_GROUPS

REPORT_XMLID = "client_hub.action_report_client_statement"
# the stored statement of a closed period is found by this prefix and a digest of what it shows
STORED_STATEMENT_KEY = "client_hub.statement:"
# what the statement shows of each receivable item: a change to any of them, or an item added or
# removed up to the end of the period (a backdated posting, a cancelled document), makes a new PDF
FINGERPRINT_FIELDS = ("id", "move_id", "move_name", "date", "date_maturity", "currency_id",
                      "amount_currency", "payment_id", "ref", "partner_id")
# and of the client itself (its billing block, its language)
CLIENT_FIELDS = ("name", "street", "street2", "zip", "city", "state_id", "country_id", "vat", "lang")
ROW_KINDS = {
    "out_invoice": "invoice",
    "out_receipt": "invoice",
    "out_refund": "credit_note",
}


class ReportClientStatement(models.AbstractModel):
    _name = "report.client_hub.report_client_statement"
    _description = "Client Statement Report"

    # ------------------------------------------------------------------ period
    def _period_error_message(self, error):
        """The translated sentence telling a visitor what is wrong with the period asked."""
        if error.reason == "malformed_from":
            return _(
                "The start date “%(value)s” is not a date: write it as YYYY-MM-DD, for example 2026-01-31.",
                value=error.value or "",
            )
        if error.reason == "malformed_to":
            return _(
                "The end date “%(value)s” is not a date: write it as YYYY-MM-DD, for example 2026-01-31.",
                value=error.value or "",
            )
        if error.reason == "reversed":
            return _(
                "The start date (%(date_from)s) is after the end date (%(date_to)s): "
                "choose a start date on or before the end date.",
                date_from=format_date(self.env, error.date_from),
                date_to=format_date(self.env, error.date_to),
            )
        if error.reason == "too_early":
            return _("Statements cannot start before %(limit)s.", limit=format_date(self.env, error.limit))
        return _(
            "The end date cannot be later than %(limit)s (one year from today).",
            limit=format_date(self.env, error.limit),
        )

    def _statement_dates(self, data):
        today = fields.Date.context_today(self)
        default_from, default_to = default_period(today)
        date_from = fields.Date.to_date(data.get("date_from")) or default_from
        date_to = fields.Date.to_date(data.get("date_to")) or default_to
        try:
            check_period(date_from, date_to, today)
        except PeriodError as error:
            raise UserError(self._period_error_message(error)) from None
        return date_from, date_to, today

    # ------------------------------------------------------------------ access
    def _check_statement_access(self, partners):
        """Outside sudo, only accounting users print statements, of clients they may read. The
        portal route calls the report as the system, after establishing that the statement is
        the signed-in user's own."""
        if self.env.su:
            return
        if not any(self.env.user.has_group(group) for group in ACCOUNTING_GROUPS):
            raise AccessError(_("Only accounting users can print the statement of a client."))
        partners.check_access("read")

    def _statement_companies(self, company_ids=None):
        """The companies a statement covers: those asked for (default: the current company),
        never beyond the companies the user (the portal user itself under sudo) is allowed."""
        allowed = self.env.user.company_ids
        if company_ids:
            companies = allowed.filtered(lambda company: company.id in set(company_ids))
        else:
            companies = self.env.company & allowed
        return companies.sorted(lambda company: (company.sequence, company.id))

    # ------------------------------------------------------------------ ledger
    @api.model
    def _receivable_domain(self, partners, companies):
        return [
            ("partner_id.commercial_partner_id", "in", partners.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("company_id", "in", companies.ids),
        ]

    @api.model
    def _statement_sections(self, partners, companies, date_from, date_to):
        """{commercial partner id: [sections]}, one ledger per company and currency the documents were
        issued in, never converted (``company``, ``currency``, ``opening``, ``rows`` with their running
        ``balance``, ``total_debit``, ``total_credit``, ``closing``). Two aggregate queries."""
        Line = self.env["account.move.line"]
        domain = self._receivable_domain(partners, companies)
        currencies, opening = {}, {}
        for partner, company, currency, amount in Line._read_group(
            [*domain, ("date", "<", date_from)],
            ["partner_id.commercial_partner_id", "company_id", "currency_id"],
            ["amount_currency:sum"],
        ):
            currencies[currency.id] = currency
            opening[partner.id, company.id, currency.id] = amount
        moves = Line._read_group(
            [*domain, ("date", ">=", date_from), ("date", "<=", date_to)],
            ["partner_id.commercial_partner_id", "company_id", "currency_id", "date:day", "move_id", "move_name",
             "move_id.move_type", "payment_id", "ref"],
            ["amount_currency:sum", "date_maturity:max"],
        )
        moves.sort(key=lambda group: (group[1].id, group[2].id, group[3], group[4].id))
        rows = {}
        for partner, company, currency, day, move, number, move_type, payment, ref, amount, due in moves:
            kind = ROW_KINDS.get(move_type) or ("payment" if payment else "entry")
            if kind == "entry" and currency.is_zero(amount):
                continue
            currencies[currency.id] = currency
            rows.setdefault((partner.id, company.id, currency.id), []).append({
                "date": day,
                "number": number or "",
                "kind": kind,
                "date_due": due if kind == "invoice" else None,
                "ref": ref if ref and ref != number else "",
                "debit": max(amount, 0.0),
                "credit": max(-amount, 0.0),
                "move_id": move.id,
            })
        keys = set(opening) | set(rows)
        result = {}
        for partner in partners:
            sections = []
            for company in companies:
                company_keys = sorted(
                    (key for key in keys if key[:2] == (partner.id, company.id)),
                    key=lambda key: (key[2] != company.currency_id.id, currencies[key[2]].name),
                )
                for key in company_keys:
                    sections.append(self._statement_section(
                        company, currencies[key[2]], opening.get(key, 0.0), rows.get(key, []),
                    ))
            if not sections and companies:
                sections.append(self._statement_section(companies[0], companies[0].currency_id, 0.0, []))
            result[partner.id] = sections
        return result

    @api.model
    def _statement_section(self, company, currency, opening, rows):
        balance = currency.round(opening)
        section = {
            "company": company,
            "currency": currency,
            "opening": balance,
            "rows": rows,
            "total_debit": currency.round(sum(row["debit"] for row in rows)),
            "total_credit": currency.round(sum(row["credit"] for row in rows)),
        }
        for row in rows:
            row["debit"] = currency.round(row["debit"])
            row["credit"] = currency.round(row["credit"])
            balance = currency.round(balance + row["debit"] - row["credit"])
            row["balance"] = balance
        section["closing"] = balance
        return section

    # ------------------------------------------------------------------ report engine
    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        # the backend prints with ``data`` (the dates): the web client then sends no docids
        partners = self.env["res.partner"].browse(docids or data.get("partner_ids") or []).commercial_partner_id
        self._check_statement_access(partners)
        date_from, date_to, today = self._statement_dates(data)
        companies = self._statement_companies(data.get("company_ids"))
        if not companies:
            raise UserError(_("None of the requested companies is available to you."))
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "date_from": date_from,
            "date_to": date_to,
            "issue_date": today,
            "statements": self._statement_sections(partners, companies, date_from, date_to),
        }

    @api.model
    def _statement_data(self, partner, date_from, date_to, companies):
        """The ``data`` of the report for one client, a period and companies (JSON-friendly)."""
        return {
            "partner_ids": partner.commercial_partner_id.ids,
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "company_ids": companies.ids,
        }

    @api.model
    def _statement_report_action(self, partner, date_from, date_to, companies):
        """The backend's print action (the web client downloads the PDF)."""
        return self.env.ref(REPORT_XMLID).report_action(
            partner.commercial_partner_id, data=self._statement_data(partner, date_from, date_to, companies)
        )

    @api.model
    def _render_statement_pdf(self, partner, date_from: date, date_to: date, companies):
        """The statement PDF of ``partner``'s commercial entity (bytes)."""
        pdf, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            REPORT_XMLID,
            partner.commercial_partner_id.ids,
            data=self._statement_data(partner, date_from, date_to, companies),
        )
        return pdf

    # ------------------------------------------------------------------ stored PDF of a closed period
    @api.model
    def _statement_pdf_attachment(self, partner, date_from: date, date_to: date, companies, today=None):
        """The statement PDF of a closed period, as an ``ir.attachment`` stored on ``partner``'s
        commercial entity: the stored one when nothing it shows has changed since, else rendered and
        stored now. A period is closed once its last day is over in the client's time zone
        (``today``, default: ``partner``'s today); a period still open returns an empty recordset
        (its figures may still move: the caller renders it). For the portal and for the emails that
        attach a statement; callers check that ``partner`` is theirs to print first.

        Odoo's own report attachments (``attachment`` / ``attachment_use``) name the file after
        the record alone; a statement also depends on its period, its companies and the documents
        of the period, so the file is found by a digest of all of them (``description``): a
        document posted later into the period (backdated) or cancelled, a client's new address,
        makes a new file, and the earlier one stays (an email may hold it)."""
        Attachment = self.env["ir.attachment"].sudo()
        if today is None:
            today = fields.Date.context_today(self.with_context(tz=partner.tz or self.env.context.get("tz")))
        if date_to >= today:
            return Attachment
        commercial = partner.commercial_partner_id
        companies = self._statement_companies(companies.ids)
        key = STORED_STATEMENT_KEY + self._statement_fingerprint(commercial, date_from, date_to, companies)
        stored = Attachment.search([
            ("res_model", "=", "res.partner"), ("res_id", "=", commercial.id), ("description", "=", key),
        ], order="id desc", limit=1)
        if stored:
            return stored
        pdf = self._render_statement_pdf(commercial, date_from, date_to, companies)
        return Attachment.create({
            "name": statement_filename(commercial.name, date_from, date_to),
            "raw": pdf,
            "mimetype": "application/pdf",
            "res_model": "res.partner",
            "res_id": commercial.id,
            "description": key,
        })

    @api.model
    def _statement_fingerprint(self, commercial, date_from, date_to, companies):
        """A digest of what the statement of ``commercial`` shows for the period: the period, the
        companies, the client's billing block and language, and every receivable item up to
        ``date_to`` (those before the period make the opening balance). One aggregate query:
        the items are hashed in the database, never fetched."""
        Line = self.env["account.move.line"].sudo()
        query = Line._search([*self._receivable_domain(commercial, companies), ("date", "<=", date_to)])
        query.order = None
        columns = SQL(", ").join(Line._field_to_sql(query.table, name, query) for name in FINGERPRINT_FIELDS)
        ((count, items),) = self.env.execute_query(query.select(SQL(
            "COUNT(*), MD5(STRING_AGG(CONCAT_WS('|', %s), ',' ORDER BY %s))",
            columns, Line._field_to_sql(query.table, "id", query),
        )))
        client = commercial.sudo().read(list(CLIENT_FIELDS))[0]
        payload = json.dumps({
            "period": [date_from.isoformat(), date_to.isoformat()],
            "companies": companies.ids,
            "client": {name: client[name] for name in CLIENT_FIELDS},
            "items": [count, items],
        }, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()
