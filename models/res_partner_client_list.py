# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: the client list sorts, filters and groups by the lifetime figures in SQL."""
from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .res_partner_metrics import CLIENT_HUB_FIGURE_FIELDS, CLIENT_HUB_METRICS

# comparisons the figures can be filtered with (Odoo normalises "=" to "in")
METRIC_OPERATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The client list sorts, filters and sums the four figures in SQL, over the very documents
    # and with the very domains _client_hub_figures reads: each figure becomes an expression over
    # two per-client aggregates of the current company, LEFT JOINed on the row's commercial
    # partner. Nothing is stored, so nothing can go stale (an accounting write, a due date passing
    # overnight); the cost is one aggregate per sorted, filtered or grouped query.
    @api.model
    def _client_hub_grouped_sql(self, model_name, domain, groupby, aggregates):
        """``SELECT <groupby> AS partner_id, <aggregate> AS <name>... GROUP BY <groupby>``: the
        query ``env[model_name]._read_group(domain, [groupby], aggregates)`` would run (same
        domain, same record rules), as SQL to join."""
        model = self.env[model_name]
        query = model._search(domain)
        key = model._read_group_groupby(query.table, groupby, query)
        columns = [SQL("%s AS partner_id", key)]
        columns += [
            SQL("%s AS %s", model._read_group_select(spec, query), SQL.identifier(name))
            for name, spec in aggregates.items()
        ]
        query.groupby = key
        return query.select(*columns)

    @api.model
    def _client_hub_past_due_sql(self):
        """``SELECT partner_id, past_due``: per commercial partner, the residual of its open items
        past due (account.move._client_hub_past_due_items, with the record rules of both models),
        its documents joined once as a table (the ORM's ``move_id any`` would scan them twice)."""
        Line, Move = self.env["account.move.line"], self.env["account.move"]
        query = Line._search(Move._client_hub_past_due_items(fields.Date.context_today(self)))
        moves = Move._search(self._client_hub_company_move_domain())
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
        return query.select(
            SQL("%s AS partner_id", key),
            SQL("SUM(%s) AS past_due", Line._field_to_sql(query.table, "amount_residual", query)),
        )

    def _client_hub_join(self, alias, query, link, subquery):
        """LEFT JOIN ``subquery`` (one row per commercial partner) on the row's commercial partner."""
        join_alias = query.make_alias(alias, link)
        query.add_join(
            "LEFT JOIN",
            join_alias,
            SQL("(%s)", subquery),
            SQL("%s = %s", SQL.identifier(join_alias, "partner_id"),
                self._field_to_sql(alias, "commercial_partner_id", query)),
        )
        return join_alias

    def _client_hub_figure_sql(self, alias, fname, query):
        """The figure ``fname`` of the rows of ``alias`` as SQL, for sorting, filtering and summing:
        _client_hub_figures' arithmetic over the same sums (0 without documents)."""
        company_moves = self._client_hub_company_move_domain()
        totals = self._client_hub_join(alias, query, "client_hub_totals", self._client_hub_grouped_sql(
            "account.move", company_moves, "commercial_partner_id",
            {"invoiced": "amount_total_signed:sum", "outstanding": "amount_residual_signed:sum"},
        ))
        invoiced = SQL("COALESCE(%s, 0)", SQL.identifier(totals, "invoiced"))
        outstanding = SQL("COALESCE(%s, 0)", SQL.identifier(totals, "outstanding"))
        if fname == "lifetime_invoiced":
            return invoiced
        if fname == "balance_outstanding":
            return outstanding
        if fname == "lifetime_paid":
            return SQL("(%s - %s)", invoiced, outstanding)
        past_due = self._client_hub_join(alias, query, "client_hub_past_due", self._client_hub_past_due_sql())
        return SQL(
            "GREATEST(0, LEAST(COALESCE(%s, 0), %s))", SQL.identifier(past_due, "past_due"), outstanding
        )

    def _field_to_sql(self, alias, field_expr, query=None):
        if field_expr in (*CLIENT_HUB_METRICS, "client_hub_balance_state"):
            if query is None:
                raise ValueError(f"{field_expr} needs a query to join its aggregates")
            self._check_field_access(self._fields[field_expr], "read")
        if field_expr in CLIENT_HUB_METRICS:
            return self._client_hub_figure_sql(alias, field_expr, query)
        if field_expr == "client_hub_balance_state":
            outstanding = self._client_hub_figure_sql(alias, "balance_outstanding", query)
            return SQL(
                "(CASE WHEN %s > 0 THEN 'overdue' WHEN %s > 0 THEN 'owing' WHEN %s < 0 THEN 'credit' "
                "ELSE 'settled' END)",
                self._client_hub_figure_sql(alias, "balance_overdue", query), outstanding, outstanding,
            )
        if field_expr == "client_hub_currency_id":
            # the figures' currency is the current company's: one value for every row
            return SQL("%s::integer", self.env.company.currency_id.id)
        return super()._field_to_sql(alias, field_expr, query)

    def _read_group_groupby(self, alias, groupby_spec, query):
        if groupby_spec.split(":")[0] in (*CLIENT_HUB_METRICS, "client_hub_currency_id"):
            # amounts are summed, never grouped by; the currency is one for the whole list
            raise ValueError(f"Clients cannot be grouped by {groupby_spec!r}")
        return super()._read_group_groupby(alias, groupby_spec, query)

    def _order_to_sql(self, order, query, alias=None, reverse=False):
        """Clients with the same figure (many owe nothing) come in the usual order, so that pages
        of a list sorted by a figure never overlap."""
        if order and any(term.split()[0] in CLIENT_HUB_METRICS for term in order.split(",") if term.strip()):
            order = f"{order}, {self._order}"
        return super()._order_to_sql(order, query, alias=alias, reverse=reverse)

    @api.model
    def search_fetch(self, domain, field_names=None, offset=0, limit=None, order=None):
        """A page sorted or filtered by a figure has the per-client aggregates joined already: it
        reads its rows' figures from that same query, so that the page needs no aggregate of its
        own (the list sorted by Outstanding: one query instead of three)."""
        figures = [fname for fname in field_names or () if fname in CLIENT_HUB_FIGURE_FIELDS]
        if not figures or not self._client_hub_uses_figures(domain, order):
            return super().search_fetch(domain, field_names, offset=offset, limit=limit, order=order)
        query = self._search(domain, offset=offset, limit=limit, order=order or self._order)
        if query.is_empty():
            return super().search_fetch(domain, field_names, offset=offset, limit=limit, order=order)
        rows = self.env.execute_query(query.select(
            SQL.identifier(query.table, "id"),
            *(self._field_to_sql(query.table, fname, query)
              for fname in ("lifetime_invoiced", "balance_outstanding", "balance_overdue")),
        ))
        records = self.browse(row[0] for row in rows)
        # the very values _compute_client_hub_metrics gives (same SQL sums, same arithmetic)
        values = {fname: [] for fname in CLIENT_HUB_FIGURE_FIELDS}
        for _id, invoiced, outstanding, overdue in rows:
            values["lifetime_invoiced"].append(invoiced)
            values["lifetime_paid"].append(invoiced - outstanding)
            values["balance_outstanding"].append(outstanding)
            values["balance_overdue"].append(overdue)
            values["client_hub_balance_state"].append(self._client_hub_balance_state(outstanding, overdue))
        for fname, column in values.items():
            self._fields[fname]._insert_cache(records, column)
        records.fetch([fname for fname in field_names if fname not in CLIENT_HUB_FIGURE_FIELDS])
        return records

    @api.model
    def _client_hub_uses_figures(self, domain, order):
        """Whether a search sorts or filters by a figure (and thus joins the aggregates)."""
        if order and any(term.split()[0] in CLIENT_HUB_FIGURE_FIELDS for term in order.split(",") if term.strip()):
            return True
        return any(
            condition.field_expr in CLIENT_HUB_FIGURE_FIELDS for condition in Domain(domain).iter_conditions()
        )

    def _search_lifetime_invoiced(self, operator, value):
        return self._client_hub_metric_condition("lifetime_invoiced", operator, value)

    def _search_lifetime_paid(self, operator, value):
        return self._client_hub_metric_condition("lifetime_paid", operator, value)

    def _search_balance_outstanding(self, operator, value):
        return self._client_hub_metric_condition("balance_outstanding", operator, value)

    def _search_balance_overdue(self, operator, value):
        return self._client_hub_metric_condition("balance_overdue", operator, value)

    def _search_client_hub_balance_state(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        states = tuple(v for v in value if v) or (None,)
        sql_operator = SQL("IN") if operator == "in" else SQL("NOT IN")

        def to_sql(model, alias, query):
            return SQL("%s %s %s", model._field_to_sql(alias, "client_hub_balance_state", query), sql_operator, states)

        return Domain.custom(to_sql=to_sql)

    def _client_hub_metric_condition(self, fname, operator, value):
        """``(fname, operator, value)`` as a condition on the figure's SQL expression, e.g.
        ``('balance_outstanding', '>', 0)``: clients without documents count as 0."""
        if operator in ("in", "not in"):
            values = tuple(float(v) for v in value if v is not False and v is not None)
            if not values:
                return Domain.TRUE if operator == "not in" else Domain.FALSE
            sql_operator = SQL("IN") if operator == "in" else SQL("NOT IN")
        elif operator in METRIC_OPERATORS:
            values = float(value)
            sql_operator = SQL(METRIC_OPERATORS[operator])
        else:
            return NotImplemented

        def to_sql(model, alias, query):
            return SQL("%s %s %s", model._field_to_sql(alias, fname, query), sql_operator, values)

        return Domain.custom(to_sql=to_sql)
