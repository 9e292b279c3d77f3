"""The daily payment reminder run (issue 23) on the seeded database, and the Collections list.

Run: the reminders due today for about a quarter of the clients (the clients due are taken in
id order up to a quarter of all clients), as the cron runs them (one email per client and company,
queued), with 10 clients, then 500, then the whole quarter: wall time, SQL queries per reminded
client (flat: the same for 10 and 500), peak Python memory (tracemalloc). Each run is rolled back
before the next one (savepoint), and everything at the end.

List: *Client Hub › Collections* (its list view, clients with money overdue) sorted by amount
overdue, against the *Clients* list sorted by Outstanding, first page of 80 with the count, as an
accounting user, cold ORM cache, median of --rounds runs. Target: within 2x.

    make seed && python3 dev/manage.py bench bench/bench_reminders.py
"""
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_client_list import CLIENTS, list_spec
from common import measure, odoo_env, parser, table


def remind(env, clients):
    """One reminder run for ``clients`` (commercial partners due today), rolled back after."""
    Partner = env["res.partner"]
    result = {}
    with env.cr.savepoint(flush=False) as savepoint:
        env.invalidate_all()
        tracemalloc.start()
        with measure(result):
            mails = Partner._client_hub_send_reminders(partners=clients)
            env.flush_all()
        result["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        result["mails"] = len(mails)
        savepoint.rollback()
    env.invalidate_all()
    return result


def bench_run(env):
    from odoo import fields

    today = fields.Date.context_today(env["res.partner"])
    n_clients = env["res.partner"].search_count(CLIENTS)
    due = env["account.move"]._client_hub_reminders_due(today)
    due_clients = sorted({client.id for client, _company in due})
    quarter = due_clients[: max(1, n_clients // 4)]
    print(f"{n_clients} clients, {len(due_clients)} due for a reminder today; runs on up to {len(quarter)}",
          flush=True)
    rows = {}
    for size in (10, 500, len(quarter)):
        clients = env["res.partner"].browse(quarter[:size])
        started = time.perf_counter()
        res = remind(env, clients)
        print(f"  {len(clients)} clients: {time.perf_counter() - started:.1f}s", flush=True)
        rows[len(clients)] = res
    return rows


def bench_list(env, rounds):
    Partner = env["res.partner"].with_context(lang="en_US", tz="UTC", bin_size=True)
    action = env.ref("client_hub.action_client_hub_collections")
    collections_domain = [("parent_id", "=", False), ("balance_overdue", ">", 0)]
    assert action.res_model == "res.partner"
    collections_spec = list_spec(env, "client_hub.view_partner_collections_list")
    clients_spec = list_spec(env, "client_hub.view_client_hub_client_list")

    def timed(call):
        samples = []
        for _ in range(rounds):
            env.invalidate_all()
            with measure({}) as res:
                call()
            samples.append(res)
        return statistics.median(r["seconds"] for r in samples) * 1000, samples[-1]["queries"]

    return {
        "Clients sorted by Outstanding": timed(lambda: Partner.web_search_read(
            CLIENTS, clients_spec, limit=80, order="balance_outstanding desc", count_limit=10001)),
        "Collections sorted by Overdue": timed(lambda: Partner.web_search_read(
            collections_domain, collections_spec, limit=80, order="balance_overdue desc", count_limit=10001)),
    }


def main():
    p = parser(__doc__)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    with odoo_env(args.conf, args.db) as env:
        runs = bench_run(env)
        user_env = env(user=env.ref("base.user_admin").id)
        lists = bench_list(user_env, args.rounds)
    print("\nThe daily reminder run (rolled back)")
    table(
        [[n, r["mails"], f"{r['seconds']:.2f}", r["queries"], f"{r['queries'] / max(1, n):.1f}",
          f"{r['peak_mb']:.1f}"] for n, r in runs.items()],
        ["clients", "emails", "seconds", "SQL queries", "queries per client", "peak MB"],
    )
    print("target: the whole run under 60 s; queries per client flat")
    print(f"\nLists, first page of 80 and the count, median of {args.rounds} cold runs")
    table([[name, f"{ms:.1f}", q] for name, (ms, q) in lists.items()], ["list", "ms", "SQL queries"])
    base = lists["Clients sorted by Outstanding"][0]
    ratio = lists["Collections sorted by Overdue"][0] / base
    print(f"ratio: Collections {ratio:.2f}x the client list (target: within 2x)")


if __name__ == "__main__":
    main()
