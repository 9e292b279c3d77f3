"""Inbound support replies through Odoo's mail gateway: 1,000 client emails into tickets against the
same emails into a plain `mail.thread` model of Odoo's (`res.partner`), same run; and the backend
badge count (`client_hub_awaiting_count`) at 100 and at 5,000 tickets awaiting the team. A third
side, the same replies into other tickets with client_hub's gateway logic switched off (sender
check, who-must-answer, badge notification, sign-in links), tells client_hub's own share from
helpdesk_mgmt's.

Setup (not timed): the alias domain hub.example, a support team with its alias, an agent, 100
client companies with a contact each, two tickets per contact (one per ticket side), and the
agent's public message on each ticket and on each client company (the plain thread), addressed to
the contact. Then 1,000 real RFC 822 replies per side (10 per thread, as tests/support_common.py
builds them: From the contact, To the Reply-To of the agent's message, In-Reply-To and References
on it, the answer with the original quoted below) go through
`mail.thread.message_process(False, raw)`, as odoo-mailgate and the incoming mail servers call it.
Each message is timed up to what a commit would do (flush and the pre-commit hooks, where the bus
notifications are written), with a cold ORM cache, the sides taking turns by chunks of 50 so that
load from elsewhere on a shared machine hits them alike. Everything is rolled back at the end.

    python3 dev/manage.py bench bench/bench_support.py --db client_hub_bench_e2e
"""
import contextlib
import statistics
import sys
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import odoo_env, parser, table

CHUNK = 50
ANSWER = "Thank you, that answers it. One more question about the due date of the next invoice."


def email(sender, to, subject, text, parent_id):
    """A client's reply as a mail server hands it to Odoo (see tests/support_common.py)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-Id"] = make_msgid(domain="client.example")
    message["In-Reply-To"] = parent_id
    message["References"] = parent_id
    message.set_content(text)
    return message.as_bytes()


def fixtures(env, n):
    from markupsafe import Markup

    from odoo import Command

    Domain = env["mail.alias.domain"]
    domain = Domain.search([("name", "=", "hub.example")], limit=1) or Domain.create(
        {"name": "hub.example", "catchall_alias": "catchall", "bounce_alias": "bounce"})
    env.company.alias_domain_id = domain
    agent = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Agent", "login": "bench.support.agent", "email": "bench.agent@hub.example",
        "group_ids": [Command.set([env.ref("base.group_user").id, env.ref("helpdesk_mgmt.group_helpdesk_user").id,
                                   env.ref("base.group_partner_manager").id])],
    })
    team = env["helpdesk.ticket.team"].search([("alias_name", "=", "support"), ("alias_domain_id", "=", domain.id)],
                                              limit=1)
    team = team or env["helpdesk.ticket.team"].create(
        {"name": "Client Support", "alias_name": "support", "alias_domain_id": domain.id})
    team.user_ids = [Command.link(agent.id)]
    Partner = env["res.partner"]
    clients = Partner.create([{"name": f"Bench Support Client {i:03d}", "is_company": True,
                               "email": f"office@bench-support-{i:03d}.example"} for i in range(n)])
    contacts = Partner.create([{"name": f"Contact {i:03d}", "parent_id": client.id,
                                "email": f"ana@bench-support-{i:03d}.example"} for i, client in enumerate(clients)])
    Ticket = env["helpdesk.ticket"]
    tickets = {side: Ticket.create([{
        "name": f"Bench question {side} {i:03d}", "description": "<p>Where is my invoice?</p>", "team_id": team.id,
        "partner_id": contact.id} for i, contact in enumerate(contacts)]) for side in ("helpdesk", "ticket")}
    body = Markup("<p>Here is the answer to your question. Does it help?</p>")
    threads = {"plain": [], "helpdesk": [], "ticket": []}
    for i, (client, contact) in enumerate(zip(clients, contacts, strict=True)):
        for side, record in (("plain", client), ("helpdesk", tickets["helpdesk"][i]), ("ticket", tickets["ticket"][i])):
            message = record.with_user(agent).message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_comment", partner_ids=contact.ids)
            threads[side].append((record, contact, message))
    env.flush_all()
    return agent, team, tickets["ticket"], threads


def client_hub_off():
    """client_hub's gateway logic on tickets switched off (helpdesk_mgmt's and Odoo's remain): the
    sender check of replies, who-must-answer and the badge notification, the sign-in links."""
    from odoo.addons.client_hub.models.helpdesk_ticket import HelpdeskTicket as Ours

    stack = contextlib.ExitStack()
    stack.enter_context(patch.object(
        Ours, "message_update", lambda self, msg, update_vals=None: super(Ours, self).message_update(
            msg, update_vals=update_vals)))
    stack.enter_context(patch.object(
        Ours, "_message_post_after_hook", lambda self, message, msg_vals: super(Ours, self)._message_post_after_hook(
            message, msg_vals)))
    stack.enter_context(patch.object(
        Ours, "_client_hub_magic_link_target", lambda self: (self.env["res.partner"], None)))
    return stack


def process(env, raw):
    """One email through the gateway, up to what the commit of its transaction does."""
    env["mail.thread"].message_process(False, raw)
    env.flush_all()
    env.cr.precommit.run()  # bus notifications (the badge) are written here
    env.cr.postcommit.clear()  # emails to followers would leave after a commit: never here


def run(env, threads, replies):
    """Interleave the sides; per side: seconds, queries, per-message samples."""
    stats = {side: {"seconds": 0.0, "queries": 0, "ms": [], "q": []} for side in threads}
    emails = {side: [] for side in threads}
    for i in range(replies):
        for side, items in threads.items():
            record, contact, message = items[i % len(items)]
            emails[side].append(email(f"{contact.name} <{contact.email}>", message.reply_to,
                                      f"Re: {record.display_name}",
                                      f"{ANSWER}\n\nOn {message.date}, Bench Agent wrote:\n> Here is the answer.",
                                      message.message_id))
    sides = list(threads)
    for start in range(0, replies, CHUNK):
        order = sides if (start // CHUNK) % 2 == 0 else sides[::-1]
        for side in order:
            with client_hub_off() if side == "helpdesk" else contextlib.nullcontext():
                process_chunk(env, emails[side][start:start + CHUNK], stats[side])
    return stats


def process_chunk(env, emails, stat):
    from odoo import sql_db

    for raw in emails:
        env.invalidate_all()  # each email is a request of its own
        q0, t0 = sql_db.sql_counter, time.perf_counter()
        process(env, raw)
        seconds, queries = time.perf_counter() - t0, sql_db.sql_counter - q0
        stat["seconds"] += seconds
        stat["queries"] += queries
        stat["ms"].append(seconds * 1000)
        stat["q"].append(queries)


def badge(env, agent, rounds):
    """Median time and queries of the badge count, as the agent (its record rules apply)."""
    from odoo import sql_db

    Ticket = env["helpdesk.ticket"].with_user(agent)
    Ticket.client_hub_awaiting_count()  # warm the rule and group caches
    samples, queries = [], []
    for _ in range(rounds):
        q0, t0 = sql_db.sql_counter, time.perf_counter()
        count = Ticket.client_hub_awaiting_count()
        samples.append((time.perf_counter() - t0) * 1000)
        queries.append(sql_db.sql_counter - q0)
    return count, statistics.median(samples), max(queries)


def check(env, threads, replies):
    """Every reply landed where it should: in its thread, by the contact, public."""
    comment = env.ref("mail.mt_comment")
    per_thread = replies // len(threads["ticket"])
    for side, items in threads.items():
        for record, contact, _message in items:
            got = env["mail.message"].search([("model", "=", record._name), ("res_id", "=", record.id),
                                              ("message_type", "=", "email")])
            assert len(got) >= per_thread, (side, record, len(got))
            assert set(got.author_id) == {contact} and not any(got.mapped("is_internal")), (side, record)
            assert set(got.subtype_id) == {comment}, (side, record)
            if side == "ticket":
                assert record.client_hub_waiting == "team", record
            elif side == "helpdesk":
                assert record.client_hub_waiting == "client", record  # client_hub was off: nobody moved it


def main():
    p = parser(__doc__)
    p.add_argument("--replies", type=int, default=1000)
    p.add_argument("--tickets", type=int, default=100)
    p.add_argument("--badge-tickets", type=int, default=5000)
    p.add_argument("--rounds", type=int, default=50, help="badge count: calls per measure (median)")
    args = p.parse_args()
    with odoo_env(args.conf, args.db) as env:
        # no loop protection in the way of 10 replies per thread from the same sender
        env["ir.config_parameter"].set_param("mail.gateway.loop.threshold", "1000")
        agent, team, tickets, threads = fixtures(env, args.tickets)
        warm = {side: items[:5] for side, items in threads.items()}
        run(env, warm, 10)  # not counted: registry, routing and template caches
        stats = run(env, threads, args.replies)
        check(env, threads, args.replies)

        existing = env["helpdesk.ticket"].search_count(env["helpdesk.ticket"]._client_hub_awaiting_domain())
        small = badge(env, agent, args.rounds)
        more = max(args.badge_tickets - existing, 0)
        env["helpdesk.ticket"].with_context(tracking_disable=True, mail_create_nolog=True,
                                            mail_create_nosubscribe=True).create([
            {"name": f"Bench badge {i}", "description": "<p>?</p>", "team_id": team.id,
             "partner_id": tickets[i % len(tickets)].partner_id.id} for i in range(more)])
        env.flush_all()
        large = badge(env, agent, args.rounds)

    print(f"\n{args.replies} inbound replies per side ({args.tickets} threads, {args.replies // args.tickets} "
          "replies each) through mail.thread.message_process, each timed to its commit (flush + pre-commit "
          "hooks), cold ORM cache, sides alternating by chunks of 50")
    rows = []
    for side, label in (("plain", "Odoo plain mail.thread (res.partner)"),
                        ("helpdesk", "helpdesk_mgmt tickets, client_hub's gateway logic off"),
                        ("ticket", "client_hub tickets")):
        s = stats[side]
        rows.append([label, f"{args.replies / s['seconds']:.1f}", f"{statistics.median(s['ms']):.1f}",
                     f"{sorted(s['ms'])[int(len(s['ms']) * 0.95) - 1]:.1f}", f"{statistics.median(s['q']):.0f}"])
    table(rows, ["path", "messages/s", "median ms", "p95 ms", "SQL queries (median)"])
    ratio = stats["ticket"]["seconds"] / stats["plain"]["seconds"]
    print(f"ratio: client_hub tickets cost {ratio:.2f}x the plain thread ({(ratio - 1) * 100:+.0f}%; target: at "
          f"most +20%) {'OK' if ratio <= 1.2 else 'OVER TARGET'}")
    own = stats["ticket"]["seconds"] / stats["helpdesk"]["seconds"]
    print(f"of which client_hub's own gateway logic: {own:.2f}x helpdesk_mgmt's tickets ({(own - 1) * 100:+.0f}%); "
          f"helpdesk_mgmt tickets alone: {stats['helpdesk']['seconds'] / stats['plain']['seconds']:.2f}x the plain "
          "thread")
    print("\nbadge count (client_hub_awaiting_count as the agent), median of "
          f"{args.rounds} calls")
    table([[f"{count} tickets awaiting the team", f"{ms:.2f}", queries] for count, ms, queries in (small, large)],
          ["tickets", "ms", "SQL queries"])


if __name__ == "__main__":
    main()
