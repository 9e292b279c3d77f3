"""The Collections-style list (issue 23): clients with money overdue and their aging buckets, sorted
by the over-90 bucket and by amount overdue, against the client list sorted by Outstanding, same
rows source, same run.

Reading: `web_search_read` as a list loads its first page (80 clients and the count) as an
accounting user, cold ORM cache each time, the paths taking turns (a busy machine slows them all):

- client list: *Client Hub › Clients* sorted by Outstanding, largest first (bench_client_list.py's);
- collections by 90+: the clients with money overdue (``balance_overdue > 0``), with Outstanding,
  Overdue and the five aging buckets, sorted by the over-90 bucket, largest first;
- collections by overdue: the same list sorted by Overdue, largest first;
- collections footer: the sums of the five buckets and the Overdue for the whole list (read_group).

Every page sorted by a bucket is checked: sorted, and its buckets add up to its rows' Outstanding.
Everything is rolled back.

    python3 dev/manage.py bench bench/bench_collections.py            # on the seeded database
    python3 dev/manage.py bench bench/bench_collections.py --rounds 3
"""
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_client_list import CLIENTS, list_spec, timed
from common import odoo_env, parser, table

AGING = ("client_hub_aging_not_due", "client_hub_aging_1_30", "client_hub_aging_31_60",
         "client_hub_aging_61_90", "client_hub_aging_90_plus")
OVERDUE = [*CLIENTS, ("balance_overdue", ">", 0)]


def bench(env, rounds):
    Partner = env["res.partner"].with_context(lang="en_US", tz="UTC", bin_size=True)
    client_spec = list_spec(env, "client_hub.view_client_hub_client_list")
    collections_spec = {
        "display_name": {}, "user_id": {"fields": {"display_name": {}}},
        "client_hub_currency_id": {"fields": {"display_name": {}}},
        "balance_outstanding": {}, "balance_overdue": {}, **{fname: {} for fname in AGING},
    }

    def page(spec, order, domain=CLIENTS):
        return lambda: Partner.web_search_read(domain, spec, limit=80, order=order, count_limit=10001)

    def footer():
        return Partner.formatted_read_group(OVERDUE, [], [f"{f}:sum" for f in (*AGING, "balance_overdue")])

    cases = {
        "client list: sorted by Outstanding": page(client_spec, "balance_outstanding desc"),
        "collections: sorted by over 90 days": page(collections_spec, "client_hub_aging_90_plus desc", OVERDUE),
        "collections: sorted by Overdue": page(collections_spec, "balance_overdue desc", OVERDUE),
        "collections: footer sums": footer,
    }
    results = {name: [] for name in cases}
    for _ in range(rounds):
        for name, call in cases.items():
            results[name].append(timed(env, 1, call))
    summary = {
        name: {"ms": statistics.median(r["ms"] for r in runs), "queries": runs[-1]["queries"],
               "result": runs[-1]["result"]}
        for name, runs in results.items()
    }
    by_90 = summary["collections: sorted by over 90 days"]["result"]["records"]
    amounts = [record["client_hub_aging_90_plus"] for record in by_90]
    assert amounts == sorted(amounts, reverse=True), "the page is not sorted by the over-90 bucket"
    for record in by_90:
        assert abs(sum(record[f] for f in AGING) - record["balance_outstanding"]) < 0.01, record
    return summary


def main():
    p = parser(__doc__)
    p.add_argument("--rounds", type=int, default=9, help="cold runs of each read (median)")
    args = p.parse_args()
    with odoo_env(args.conf, args.db) as env:
        env = env(user=env.ref("base.user_admin").id)  # an accounting user: record rules apply
        n_clients = env["res.partner"].search_count(CLIENTS)
        n_overdue = env["res.partner"].search_count(OVERDUE)
        summary = bench(env, args.rounds)
    base = summary["client list: sorted by Outstanding"]
    print(f"\nFirst page of 80 clients and the count ({n_clients} clients, {n_overdue} with money overdue); "
          f"median of {args.rounds} cold runs, the paths taking turns")
    table(
        [[name, f"{r['ms']:.1f}", r["queries"], f"{r['ms'] / base['ms']:.2f}x"] for name, r in summary.items()],
        ["path", "ms", "SQL queries", "vs client list"],
    )
    for name in ("collections: sorted by over 90 days", "collections: sorted by Overdue"):
        print(f"ratio: {name} {summary[name]['ms'] / base['ms']:.2f}x the client list sorted by Outstanding "
              "(target: within 2x)")


if __name__ == "__main__":
    main()
