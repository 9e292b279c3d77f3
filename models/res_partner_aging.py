# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: what they owe by age (the aging buckets) and how late they pay (average days late).

The buckets split the open installments of a client's posted invoices and credit notes (current
company, company currency, whole commercial entity) by the days since each installment's own due
date: not yet due (due today or later), 1-30, 31-60, 61-90 and over 90 days late. A credit note's
open item counts negative in the bucket of its own due date, so the five buckets always add up to
the client list's Outstanding. One SQL definition (_client_hub_aging_sql) serves the fields as the
form reads them, the list's sorting, sums and groups, and the scheduled statement's email."""
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner import ACCOUNTING_FIELD_GROUPS

# bucket field: (first, last) day late it holds; None: no bound (not due also holds no due date)
AGING_BUCKETS = {
    "client_hub_aging_not_due": (None, 0),
    "client_hub_aging_1_30": (1, 30),
    "client_hub_aging_31_60": (31, 60),
    "client_hub_aging_61_90": (61, 90),
    "client_hub_aging_90_plus": (91, None),
}
AGING_FIELDS = tuple(AGING_BUCKETS)


def _bucket_field(fname, string, help_text):
    return fields.Monetary(
        string=string,
        compute="_compute_client_hub_aging",
        search=f"_search_{fname}",
        currency_field="client_hub_currency_id",
        groups=ACCOUNTING_FIELD_GROUPS,
        help=help_text,
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    client_hub_aging_not_due = _bucket_field(
        "client_hub_aging_not_due", "Not Yet Due",
        "Open amounts whose due date is today or later (credit notes net of them).")
    client_hub_aging_1_30 = _bucket_field(
        "client_hub_aging_1_30", "1-30 Days", "Open amounts 1 to 30 days past their due date.")
    client_hub_aging_31_60 = _bucket_field(
        "client_hub_aging_31_60", "31-60 Days", "Open amounts 31 to 60 days past their due date.")
    client_hub_aging_61_90 = _bucket_field(
        "client_hub_aging_61_90", "61-90 Days", "Open amounts 61 to 90 days past their due date.")
    client_hub_aging_90_plus = _bucket_field(
        "client_hub_aging_90_plus", "Over 90 Days", "Open amounts more than 90 days past their due date.")
    client_hub_avg_days_late = fields.Float(
        string="Average Days Late",
        compute="_compute_client_hub_days_late",
        digits=(16, 1),
        groups=ACCOUNTING_FIELD_GROUPS,
        help="Over the installments of its invoices paid in the last 12 months: the average number "
        "of days between each installment's due date and the day it was fully paid (paid on time or "
        "early counts as 0).",
    )
    client_hub_paid_late_basis = fields.Integer(
        string="Installments Paid in 12 Months",
        compute="_compute_client_hub_days_late",
        groups=ACCOUNTING_FIELD_GROUPS,
        help="How many paid installments the average days late is computed over.",
    )

    # ------------------------------------------------------------------ aging: the one definition
    @api.model
    def _client_hub_items_per_client(self, item_domain, move_domain):
        """(query, key): the journal items of ``item_domain`` of the documents of ``move_domain``,
        grouped by the documents' commercial partner (``key``); both models' record rules apply."""
        Line, Move = self.env["account.move.line"], self.env["account.move"]
        query = Line._search(item_domain)
        moves = Move._search(move_domain)
        move_alias = query.make_alias(query.table, "client_hub_move")
        documents = moves.subselect(
            Move._field_to_sql(moves.table, "id", moves),
            Move._field_to_sql(moves.table, "commercial_partner_id", moves),
        )
        query.add_join("JOIN", move_alias, documents, SQL(
            "%s = %s", SQL.identifier(move_alias, "id"), Line._field_to_sql(query.table, "move_id", query),
        ))
        key = SQL.identifier(move_alias, "commercial_partner_id")
        query.groupby = key
        return query, key

    @api.model
    def _client_hub_aging_sql(self, move_domain, today):
        """``SELECT partner_id, <bucket field>...``: per commercial partner of the documents of
        ``move_domain``, the residual (company currency) of their open installments summed into
        the five buckets by days past each installment's due date on ``today``. The record rules
        of both models apply; the documents are joined once as a table."""
        Line = self.env["account.move.line"]
        query, key = self._client_hub_items_per_client(self.env["account.move"]._client_hub_open_items(), move_domain)
        days = SQL("(%s::date - %s)", today, Line._field_to_sql(query.table, "date_maturity", query))
        residual = Line._field_to_sql(query.table, "amount_residual", query)
        columns = [SQL("%s AS partner_id", key)]
        for fname, (first, last) in AGING_BUCKETS.items():
            if first is None:
                holds = SQL("(%s IS NULL OR %s <= %s)", days, days, last)
            elif last is None:
                holds = SQL("%s >= %s", days, first)
            else:
                holds = SQL("%s BETWEEN %s AND %s", days, first, last)
            columns.append(SQL("COALESCE(SUM(%s) FILTER (WHERE %s), 0) AS %s", residual, holds, SQL.identifier(fname)))
        return query.select(*columns)

    def _client_hub_aging(self):
        """{commercial partner id: {bucket field: amount}} of these clients, current company,
        in one query."""
        if not self.ids:
            return {}
        rows = self.env.execute_query_dict(
            self._client_hub_aging_sql(self._client_hub_move_domain(), fields.Date.context_today(self))
        )
        return {row.pop("partner_id"): row for row in rows}

    @api.depends_context("company")
    def _compute_client_hub_aging(self):
        aging = self._client_hub_aging()
        for partner in self:
            buckets = aging.get(partner.commercial_partner_id.id, {})
            for fname in AGING_FIELDS:
                partner[fname] = buckets.get(fname, 0.0)

    # ``(bucket, '>', 0)`` and the like, as the figures' filters (same SQL as the sort)
    def _search_client_hub_aging_not_due(self, operator, value):
        return self._client_hub_metric_condition("client_hub_aging_not_due", operator, value)

    def _search_client_hub_aging_1_30(self, operator, value):
        return self._client_hub_metric_condition("client_hub_aging_1_30", operator, value)

    def _search_client_hub_aging_31_60(self, operator, value):
        return self._client_hub_metric_condition("client_hub_aging_31_60", operator, value)

    def _search_client_hub_aging_61_90(self, operator, value):
        return self._client_hub_metric_condition("client_hub_aging_61_90", operator, value)

    def _search_client_hub_aging_90_plus(self, operator, value):
        return self._client_hub_metric_condition("client_hub_aging_90_plus", operator, value)

    # ------------------------------------------------------------------ the list: SQL per row
    def _client_hub_aging_column(self, alias, fname, query):
        aging = self._client_hub_join(alias, query, "client_hub_aging", self._client_hub_aging_sql(
            self._client_hub_company_move_domain(), fields.Date.context_today(self),
        ))
        return SQL("COALESCE(%s, 0)", SQL.identifier(aging, fname))

    def _field_to_sql(self, alias, field_expr, query=None):
        if field_expr in AGING_FIELDS:
            if query is None:
                raise ValueError(f"{field_expr} needs a query to join its aggregates")
            self._check_field_access(self._fields[field_expr], "read")
            return self._client_hub_aging_column(alias, field_expr, query)
        return super()._field_to_sql(alias, field_expr, query)

    def _read_group_groupby(self, alias, groupby_spec, query):
        if groupby_spec.split(":")[0] in AGING_FIELDS:
            raise ValueError(f"Clients cannot be grouped by {groupby_spec!r}")  # amounts are summed
        return super()._read_group_groupby(alias, groupby_spec, query)

    def _order_to_sql(self, order, query, alias=None, reverse=False):
        """Clients in the same bucket amount (many owe nothing) come in the usual order, so that
        pages of a list sorted by a bucket never overlap."""
        if order and any(term.split()[0] in AGING_FIELDS for term in order.split(",") if term.strip()):
            order = f"{order}, {self._order}"
        return super()._order_to_sql(order, query, alias=alias, reverse=reverse)

    # ------------------------------------------------------------------ average days late
    @api.model
    def _client_hub_days_late_sql(self, move_domain, today):
        """``SELECT partner_id, days_late, paid_count``: per commercial partner of the invoices of
        ``move_domain``, over their installments fully paid in the 12 months up to ``today``
        (paid: the date of the last reconciliation that settled it), the average of the days
        from the installment's due date to that date, never below 0."""
        Line = self.env["account.move.line"]
        query, key = self._client_hub_items_per_client(
            [("display_type", "=", "payment_term"), ("reconciled", "=", True)],
            [*move_domain, ("move_type", "=", "out_invoice")],
        )
        line_id = SQL.identifier(query.table, "id")
        paid_on = SQL(
            "(SELECT MAX(partial.max_date) FROM account_partial_reconcile partial "
            "WHERE partial.debit_move_id = %s OR partial.credit_move_id = %s)", line_id, line_id,
        )
        query.add_where(SQL("%s > %s AND %s <= %s", paid_on, today - relativedelta(years=1), paid_on, today))
        due = Line._field_to_sql(query.table, "date_maturity", query)
        return query.select(
            SQL("%s AS partner_id", key),
            SQL("AVG(GREATEST(%s - COALESCE(%s, %s), 0)) AS days_late", paid_on, due, paid_on),
            SQL("COUNT(*) AS paid_count"),
        )

    @api.depends_context("company")
    def _compute_client_hub_days_late(self):
        rows = {}
        if self.ids:
            rows = {
                partner_id: (float(days_late), count)
                for partner_id, days_late, count in self.env.execute_query(self._client_hub_days_late_sql(
                    self._client_hub_move_domain(), fields.Date.context_today(self),
                ))
            }
        for partner in self:
            days_late, count = rows.get(partner.commercial_partner_id.id, (0.0, 0))
            partner.client_hub_avg_days_late = days_late
            partner.client_hub_paid_late_basis = count
