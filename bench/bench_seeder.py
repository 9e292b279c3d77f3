"""Seeding speed: the native Odoo path (one document at a time, posted, paid with the payment
wizard, as a user or a naive script does) against client_hub's batch seeder, on the same plans.

    make bench            (or: python3 dev/manage.py bench bench/bench_seeder.py --extra --clients 20)
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import measure, odoo_env, parser, table


def native(env, plans, seeder):
    """Partners, then each invoice created and posted alone; payments through the wizard."""
    from odoo import Command

    Move, docs = env["account.move"], 0
    for plan in plans:
        company = env["res.partner"].create(
            {"name": plan.name, "is_company": True, "customer_rank": 1, "email": plan.email}
        )
        for name, email in plan.contacts:
            env["res.partner"].create({"name": name, "email": email, "parent_id": company.id})
        for inv in plan.invoices:
            move = Move.create({
                "move_type": inv.move_type, "partner_id": company.id, "invoice_date": inv.invoice_date,
                "invoice_date_due": inv.due_date,
                "invoice_line_ids": [Command.create({"name": inv.description, "quantity": inv.quantity,
                                                     "price_unit": inv.price_unit,
                                                     "tax_ids": [Command.set(seeder.sale_tax().ids)]})],
            })
            docs += 1
            if inv.posted:
                move.action_post()
            if inv.kind == "cancelled":
                move.button_cancel()
            if inv.paid_fraction:
                wizard = env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=move.ids
                ).create({"payment_date": inv.payment_date})
                if inv.paid_fraction < 1:
                    wizard.write({"amount": move.amount_total * inv.paid_fraction,
                                  "payment_difference_handling": "open"})
                wizard.action_create_payments()
    env.flush_all()
    return docs


def main():
    p = parser(__doc__)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--invoices", type=int, default=25)
    args = p.parse_args()
    rows = []
    with odoo_env(args.conf, args.db) as env:
        from odoo.addons.client_hub.lib.seed_plan import plan_clients
        from odoo.addons.client_hub.populate.seeder import QUIET_CONTEXT, Seeder

        env = env(context=dict(env.context, **QUIET_CONTEXT))
        seeder = Seeder(env, seed=11)
        plans = list(plan_clients(args.clients, args.invoices, seed=11, today=seeder.today,
                                  foreign_share=0, name_prefix="Bench Native"))
        with measure({}) as nat:
            docs = native(env, plans, seeder)
        with measure({}) as ours:
            seeder.seed(args.clients, args.invoices, name_prefix="Bench Batch")
        for label, res in (("native: one by one + payment wizard", nat), ("client_hub seeder (batches)", ours)):
            rows.append([label, docs, f"{res['seconds']:.1f}", f"{1000 * res['seconds'] / docs:.1f}",
                         f"{res['queries'] / docs:.1f}",
                         f"{res['seconds'] / docs * 50000 / 60:.0f} min"])
    print(f"\nSeeding {args.clients} clients x {args.invoices} documents (rolled back)")
    table(rows, ["path", "documents", "seconds", "ms/doc", "queries/doc", "2,000 x 25 projected"])
    print(f"ratio: batch seeder {nat['seconds'] / ours['seconds']:.1f}x faster, "
          f"{nat['queries'] / max(ours['queries'], 1):.1f}x fewer queries")


if __name__ == "__main__":
    main()
