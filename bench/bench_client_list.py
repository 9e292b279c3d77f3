"""The client list sorted by what clients owe against Odoo's own client list sorted by
name, same rows, same run; then what the design costs on accounting writes.

Reading: `web_search_read` as the list loads its first page: 80 clients with the fields of the
list view, and the count of the list (the clients of *Client Hub › Clients*: companies and
individuals that are customers), as an accounting user, cold ORM cache each time:

- native: Odoo's contact list (`base.view_partner_tree` as Odoo and its modules define it,
  without client_hub's columns), sorted by name (`res.partner`'s own order);
- client_hub: the *Clients* list (with Outstanding and Overdue, and the optional Invoiced and
  Paid columns, which the web client loads too), sorted by Outstanding, largest first; the same
  sorted by Overdue, with the *Overdue* filter, and grouped by salesperson with the four sums;
- stored alternative (a prototype, for the design choice): the four figures materialised in an
  indexed table per client, joined for the sort and read from it; what a stored design reads.

Writing: N invoices posted one at a time, then N payments registered with the payment wizard,
each followed by a flush; the variants take turns, 25 invoices at a time:

- Odoo alone: client_hub's own hook on posting (the portal companies) switched off;
- client_hub: as installed; the figures are stored nowhere, so they add no work here;
- stored alternative: plus what recompute triggers would do: the touched client's figures
  recomputed and written to a per-client table after each posting and each payment.

Every figure of every client of the database is also checked against the dashboard's (computed
from scratch): the run fails on any difference. Everything is rolled back.

    make seed && python3 dev/manage.py bench bench/bench_client_list.py
    python3 dev/manage.py bench bench/bench_client_list.py --extra --writes 100   # quicker
"""
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import measure, odoo_env, parser, table

CLIENTS = [("parent_id", "=", False), ("customer_rank", ">", 0)]  # Client Hub > Clients
FIGURES = ("lifetime_invoiced", "lifetime_paid", "balance_outstanding", "balance_overdue")
CLIENT_HUB_COLUMNS = (*FIGURES, "client_hub_currency_id")


def list_spec(env, xmlid, drop=()):
    """The web_read specification the web client sends for a list view's columns."""
    from lxml import etree

    Partner = env["res.partner"]
    view = Partner.get_views([(env.ref(xmlid).id, "list")])["views"]["list"]
    fields = Partner.fields_get()
    spec = {}
    for node in etree.fromstring(view["arch"]).iterchildren("field"):
        name = node.get("name")
        if name in drop or name not in fields:
            continue
        kind = fields[name]["type"]
        if kind == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif kind == "many2many":
            spec[name] = {"fields": {"display_name": {}, "color": {}}}
        else:
            spec[name] = {}
    return spec


def timed(env, rounds, call):
    """Median wall time (ms) and queries of ``call()`` over ``rounds`` cold-cache runs."""
    samples = []
    for _ in range(rounds):
        env.invalidate_all()
        with measure({}) as res:
            result = call()
        samples.append(res)
    return {
        "ms": statistics.median(r["seconds"] for r in samples) * 1000,
        "queries": samples[-1]["queries"],
        "result": result,
    }


# ---------------------------------------------------------------------------------------- reading
def stored_prototype(env):
    """Materialise the four figures per commercial partner (current company) in an indexed
    temporary table; return (patch, unpatch) making the ORM sort by and read from it."""
    from odoo.tools import SQL

    cr = env.cr
    cr.execute("""CREATE TEMP TABLE client_hub_bench_figures (
        partner_id integer PRIMARY KEY, lifetime_invoiced numeric, lifetime_paid numeric,
        balance_outstanding numeric, balance_overdue numeric) ON COMMIT DROP""")
    partners = env["res.partner"].search([("is_company", "=", True)]) | env["res.partner"].search(CLIENTS)
    rows = [(pid, f["invoiced"], f["paid"], f["outstanding"], f["overdue"])
            for pid, f in partners._client_hub_figures_by_client().items()]
    for start in range(0, len(rows), 1000):
        cr.execute(SQL("INSERT INTO client_hub_bench_figures VALUES %s", SQL(", ").join(
            SQL("(%s, %s, %s, %s, %s)", *row) for row in rows[start:start + 1000])))
    for fname in FIGURES:
        cr.execute(f"CREATE INDEX ON client_hub_bench_figures ({fname})")
    cr.execute("ANALYZE client_hub_bench_figures")

    Partner = type(env["res.partner"])
    originals = {name: Partner.__dict__.get(name) for name in ("_client_hub_figure_sql", "_compute_client_hub_metrics")}

    def metric_sql(self, alias, fname, query):
        stored = query.make_alias(alias, "bench_figures")
        query.add_join("LEFT JOIN", stored, SQL.identifier("client_hub_bench_figures"), SQL(
            "%s = %s", SQL.identifier(stored, "partner_id"), SQL.identifier(alias, "commercial_partner_id")))
        return SQL("COALESCE(%s, 0)", SQL.identifier(stored, fname))

    def compute(self):
        self.env.cr.execute(SQL(
            "SELECT partner_id, lifetime_invoiced, lifetime_paid, balance_outstanding, balance_overdue "
            "FROM client_hub_bench_figures WHERE partner_id IN %s", tuple(self.commercial_partner_id.ids) or (0,)))
        found = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            values = found.get(partner.commercial_partner_id.id, (0.0,) * 4)
            for fname, value in zip(FIGURES, values, strict=True):
                partner[fname] = float(value)

    def patch():
        Partner._client_hub_figure_sql = metric_sql
        Partner._compute_client_hub_metrics = compute

    def unpatch():
        for name, original in originals.items():
            if original is None:
                delattr(Partner, name)
            else:
                setattr(Partner, name, original)

    return patch, unpatch


def bench_reading(env, rounds):
    Partner = env["res.partner"].with_context(lang="en_US", tz="UTC", bin_size=True)
    native_spec = list_spec(env, "base.view_partner_tree", drop=CLIENT_HUB_COLUMNS)
    ours_spec = list_spec(env, "client_hub.view_client_hub_client_list")
    assert set(FIGURES) <= set(ours_spec) and not set(FIGURES) & set(native_spec)

    def page(spec, order, domain=CLIENTS):
        return lambda: Partner.web_search_read(domain, spec, limit=80, order=order, count_limit=10001)

    def grouped():
        return Partner.web_read_group(CLIENTS, ["user_id"], [f"{f}:sum" for f in FIGURES])

    cases = {
        "native: Odoo's list sorted by name": page(native_spec, None),
        "client_hub: sorted by Outstanding (largest first)": page(ours_spec, "balance_outstanding desc"),
        "client_hub: sorted by Overdue (largest first)": page(ours_spec, "balance_overdue desc"),
        "client_hub: filter Overdue, sorted by name": page(ours_spec, None, [*CLIENTS, ("balance_overdue", ">", 0)]),
        "client_hub: grouped by salesperson, four sums": grouped,
    }
    results = {name: [] for name in cases}
    for _ in range(rounds):  # interleaved: every path sees the same load
        for name, call in cases.items():
            results[name].append(timed(env, 1, call))
    summary = {
        name: {"ms": statistics.median(r["ms"] for r in runs), "queries": runs[-1]["queries"],
               "result": runs[-1]["result"]}
        for name, runs in results.items()
    }
    ours = summary["client_hub: sorted by Outstanding (largest first)"]["result"]
    amounts = [record["balance_outstanding"] for record in ours["records"]]
    assert amounts == sorted(amounts, reverse=True), "the page is not sorted by outstanding"
    assert ours["length"] == summary["native: Odoo's list sorted by name"]["result"]["length"]

    patch, unpatch = stored_prototype(env)
    patch()
    try:
        stored = timed(env, rounds, page(ours_spec, "balance_outstanding desc"))
        assert [r["id"] for r in stored["result"]["records"]] == [r["id"] for r in ours["records"]]
    finally:
        unpatch()
    summary["stored alternative (prototype): sorted by Outstanding"] = stored
    return summary


def figure_mismatches(partners):
    """[(partner, field, listed, dashboard)]: the list's SQL sums against the dashboard's computation."""
    listed = {p.id: values for p, *values in partners.with_context(active_test=False)._read_group(
        [("id", "in", partners.ids)], ["id"], [f"{fname}:sum" for fname in FIGURES])}
    by_client = partners._client_hub_figures_by_client()
    currency = partners.env.company.currency_id
    found = []
    for partner in partners:
        figures = by_client.get(partner.commercial_partner_id.id)
        dashboard = (
            (figures["invoiced"], figures["paid"], figures["outstanding"], figures["overdue"])
            if figures else (0.0,) * 4
        )
        found += [(partner, fname, mine, theirs)
                  for fname, mine, theirs in zip(FIGURES, listed[partner.id], dashboard, strict=True)
                  if not currency.is_zero(mine - theirs)]
    return found


def check_every_client(env):
    """Every client's listed figures are its dashboard's, computed from scratch."""
    clients = env["res.partner"].search(CLIENTS)
    mismatches = []
    for start in range(0, len(clients), 500):
        mismatches += figure_mismatches(clients[start:start + 500])
    assert not mismatches, f"{len(mismatches)} figures differ, e.g. {mismatches[:3]}"
    return len(clients)


# ---------------------------------------------------------------------------------------- writing
def prepare_invoices(env, clients, count):
    from odoo import Command

    tax = env.company.account_sale_tax_id
    moves = env["account.move"].create([
        {
            "move_type": "out_invoice",
            "partner_id": clients[i % len(clients)].id,
            "invoice_line_ids": [Command.create({"name": "Bench service", "quantity": 1,
                                                 "price_unit": 100.0 + i, "tax_ids": [Command.set(tax.ids)]})],
        }
        for i in range(count)
    ])
    env.flush_all()
    return moves


def write_variants(env):
    """{name: (enter, after_event, leave)}: how each variant runs the same accounting writes."""
    from odoo.tools import SQL

    from odoo.addons.client_hub.models import account_move as client_hub_move

    hook = client_hub_move.AccountMove._post

    def plain_post(self, soft=True):
        return super(client_hub_move.AccountMove, self)._post(soft=soft)

    def odoo_alone():
        client_hub_move.AccountMove._post = plain_post

    def restore():
        client_hub_move.AccountMove._post = hook

    env.cr.execute("""CREATE TEMP TABLE IF NOT EXISTS client_hub_bench_stored (
        partner_id integer, company_id integer, invoiced numeric, outstanding numeric,
        overdue numeric, PRIMARY KEY (partner_id, company_id)) ON COMMIT DROP""")

    def store_figures(moves):
        """What recompute triggers of a stored design would do after the event."""
        partners = moves.commercial_partner_id
        metrics = {pid: (f["invoiced"], f["outstanding"], f["overdue"])
                   for pid, f in partners._client_hub_figures_by_client().items()}
        env.cr.execute(SQL(
            "INSERT INTO client_hub_bench_stored VALUES %s ON CONFLICT (partner_id, company_id) DO UPDATE "
            "SET invoiced = EXCLUDED.invoiced, outstanding = EXCLUDED.outstanding, overdue = EXCLUDED.overdue",
            SQL(", ").join(SQL("(%s, %s, %s, %s, %s)", p.id, env.company.id, *metrics.get(p.id, (0, 0, 0)))
                           for p in partners)))

    nothing = lambda moves: None  # noqa: E731
    return {
        "Odoo alone (client_hub's posting hook off)": (odoo_alone, nothing, restore),
        "client_hub (this design: nothing stored)": (lambda: None, nothing, lambda: None),
        "stored alternative (recompute + upsert per event)": (lambda: None, store_figures, lambda: None),
    }


def bench_writing(env, writes, chunk):
    """Post then pay ``writes`` invoices per variant, ``chunk`` at a time, the variants taking
    turns (so that a busy machine slows them all alike); per event: wall time and queries."""
    import time

    from odoo import sql_db

    clients = env["res.partner"].search([*CLIENTS, ("invoice_ids", "!=", False)], limit=200, order="id")
    variants = write_variants(env)
    samples = {name: {"post": [], "pay": [], "post_q": 0, "pay_q": 0} for name in variants}
    Register = env["account.payment.register"]

    def event(action, after, move, times):
        queries, started = sql_db.sql_counter, time.perf_counter()
        action(move)
        after(move)
        env.flush_all()
        times.append(time.perf_counter() - started)
        return sql_db.sql_counter - queries

    def post(move):
        move.action_post()

    def pay(move):
        Register.with_context(active_model="account.move", active_ids=move.ids).create({})._create_payments()

    for round_no in range(max(1, writes // chunk)):
        order = list(variants.items())
        if round_no % 2:
            order.reverse()
        for name, (enter, after, leave) in order:
            moves = prepare_invoices(env, clients, chunk)
            env.invalidate_all()
            enter()
            try:
                for move in moves:
                    samples[name]["post_q"] += event(post, after, move, samples[name]["post"])
                for move in moves:
                    samples[name]["pay_q"] += event(pay, after, move, samples[name]["pay"])
            finally:
                leave()
            assert all(m.payment_state in ("paid", "in_payment") for m in moves)
            env.invalidate_all()
    return samples


def main():
    p = parser(__doc__)
    p.add_argument("--rounds", type=int, default=9, help="cold runs of each read (median)")
    p.add_argument("--writes", type=int, default=1000, help="invoices posted and paid per variant")
    p.add_argument("--write-chunk", type=int, default=25, help="invoices per variant and turn")
    p.add_argument("--no-writes", action="store_true")
    args = p.parse_args()
    with odoo_env(args.conf, args.db) as env:
        env = env(user=env.ref("base.user_admin").id)  # an accounting user: record rules apply
        n_clients = check_every_client(env)
        n_moves = env["account.move"].search_count([("move_type", "in", ("out_invoice", "out_refund"))])
        reading = bench_reading(env, args.rounds)
        writing = None if args.no_writes else bench_writing(env, args.writes, args.write_chunk)

    native = reading["native: Odoo's list sorted by name"]
    print(f"\nThe client list, first page of 80 clients and the count ({n_clients} clients, {n_moves} invoices "
          f"and credit notes; every client's figures equal its dashboard's); median of {args.rounds} cold runs")
    table(
        [[name, f"{r['ms']:.1f}", r["queries"], f"{r['ms'] / native['ms']:.2f}x"] for name, r in reading.items()],
        ["path", "ms", "SQL queries", "vs native"],
    )
    ours = reading["client_hub: sorted by Outstanding (largest first)"]
    print(f"ratio: sorted by outstanding {ours['ms'] / native['ms']:.2f}x the time of Odoo's list sorted by name "
          f"(target: within 2x)")
    if writing:
        base = writing["Odoo alone (client_hub's posting hook off)"]
        n = len(base["post"])

        def per_event(w, kind):
            return statistics.median(w[kind]) * 1000, sum(w[kind]) / len(w[kind]) * 1000

        print(f"\nAccounting writes: {n} invoices posted one by one, then {n} payments registered (payment "
              f"wizard), per variant, {args.write_chunk} at a time, the variants taking turns; ms per event: "
              "median (mean)")
        base_median = sum(per_event(base, kind)[0] for kind in ("post", "pay"))
        base_mean = sum(per_event(base, kind)[1] for kind in ("post", "pay"))
        rows = []
        for name, w in writing.items():
            post, pay = per_event(w, "post"), per_event(w, "pay")
            rows.append([
                name,
                f"{post[0]:.1f} ({post[1]:.1f})", f"{w['post_q'] / n:.1f}",
                f"{pay[0]:.1f} ({pay[1]:.1f})", f"{w['pay_q'] / n:.1f}",
                f"{((post[0] + pay[0]) / base_median - 1) * 100:+.1f}% "
                f"({((post[1] + pay[1]) / base_mean - 1) * 100:+.1f}%)",
            ])
        table(rows, ["variant", "post ms", "queries", "pay ms", "queries", "post + pay vs Odoo alone"])

if __name__ == "__main__":
    main()
