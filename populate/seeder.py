# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Realistic client data, fast: for tests, benchmarks and the demo database.

Not loaded by the addon itself: tests, ``bench/`` scripts and ``make run`` import it.
Everything goes through the ORM (so every stored field is what Odoo computes), in batches:
partners, invoices and credit notes are created and posted a few hundred at a time and
payments are reconciled with one reconciliation plan per batch.
"""
import base64
import logging
import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jwt
from markupsafe import Markup

from odoo import Command, fields
from odoo.tools.misc import file_path

from ..lib.seed_plan import plan_clients

_logger = logging.getLogger(__name__)

DEMO_MAIL_SERVER = "Demo mail sink (make run)"
# The Message-Id of the team's question in the demo ticket "Question about line 3 of my last
# invoice": populate/demo/ticket-reply.eml answers it (In-Reply-To), so that piping that file to
# odoo-mailgate threads Julie's reply into the ticket (the README's and the banner's example)
DEMO_REPLY_TO = "<client-hub-demo-ticket-question@northwind.example>"
DEMO_REPLY_EML = Path(__file__).resolve().parent / "demo" / "ticket-reply.eml"

QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}


@dataclass
class SeedResult:
    clients: int = 0
    contacts: int = 0
    invoices: int = 0
    credit_notes: int = 0
    payments: int = 0
    seconds: float = 0.0

    def __str__(self):
        return (
            f"{self.clients} clients, {self.contacts} contacts, {self.invoices} invoices, "
            f"{self.credit_notes} credit notes, {self.payments} payments in {self.seconds:.1f}s"
        )


class Seeder:
    """Create clients with invoices in every state for ``env.company``."""

    def __init__(self, env, seed=1, today=None):
        self.env = env(context=dict(env.context, lang="en_US", **QUIET_CONTEXT))
        self.seed_value = seed
        self.today = today or fields.Date.context_today(env["res.partner"])
        self.company = self.env.company
        self.currency = self.company.currency_id
        self._countries = {}

    # ------------------------------------------------------------------ setup helpers
    @property
    def sale_journal(self):
        return self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )

    @property
    def bank_journal(self):
        return self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )

    def foreign_currency(self):
        """EUR (or USD for a EUR company), active and with a rate, for foreign clients."""
        code = "USD" if self.currency.name == "EUR" else "EUR"
        currency = self.env["res.currency"].with_context(active_test=False).search(
            [("name", "=", code)], limit=1
        )
        if not currency.active:
            currency.active = True
        if not currency.rate_ids.filtered(lambda r: r.company_id == self.company):
            self.env["res.currency.rate"].create(
                {
                    "currency_id": currency.id,
                    "company_id": self.company.id,
                    "name": self.today - timedelta(days=800),
                    "rate": 0.92 if code == "EUR" else 1.08,
                }
            )
        return currency

    def country(self, code):
        if code not in self._countries:
            self._countries[code] = self.env["res.country"].search([("code", "=", code)], limit=1)
        return self._countries[code]

    def sale_tax(self):
        return self.company.account_sale_tax_id

    # ------------------------------------------------------------------ bulk seeding
    def seed(self, n_clients, invoices_per_client, batch_size=100, name_prefix="Seed Client",
             commit=False):
        """Seed ``n_clients`` companies (1-3 contacts each) with ``invoices_per_client``
        documents each: drafts, sent, overdue, partially and fully paid invoices, open
        credit notes and cancelled ones. Returns a :class:`SeedResult`.

        ``commit=True`` (command line only, never in tests) commits and empties the ORM cache
        after each batch, so that tens of thousands of documents keep memory flat."""
        started = time.time()
        result = SeedResult()
        foreign = self.foreign_currency()
        plans = plan_clients(
            n_clients, invoices_per_client, seed=self.seed_value, today=self.today,
            name_prefix=name_prefix,
        )
        batch = []
        for plan in plans:
            batch.append(plan)
            if len(batch) == batch_size:
                self._seed_batch(batch, foreign, result)
                batch = []
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                    self.env.invalidate_all()
                    _logger.info("client_hub seeder: %s so far", result)
        if batch:
            self._seed_batch(batch, foreign, result)
        self.env.flush_all()
        result.seconds = time.time() - started
        _logger.info("client_hub seeder: %s", result)
        return result

    def _seed_batch(self, plans, foreign, result):
        Partner = self.env["res.partner"]
        companies = Partner.create(
            [
                {
                    "name": plan.name,
                    "is_company": True,
                    "customer_rank": 1,
                    "email": plan.email,
                    "street": plan.street,
                    "city": plan.city,
                    "zip": plan.zip,
                    "country_id": self.country(plan.country_code).id,
                }
                for plan in plans
            ]
        )
        contacts = Partner.create(
            [
                {"name": name, "email": email, "parent_id": company.id, "type": "contact"}
                for plan, company in zip(plans, companies, strict=True)
                for name, email in plan.contacts
            ]
        )
        result.clients += len(companies)
        result.contacts += len(contacts)

        tax = self.sale_tax()
        move_vals, move_plans = [], []
        for plan, company in zip(plans, companies, strict=True):
            for inv in plan.invoices:
                move_vals.append(
                    {
                        "move_type": inv.move_type,
                        "partner_id": company.id,
                        "invoice_date": inv.invoice_date,
                        "invoice_date_due": inv.due_date,
                        "journal_id": self.sale_journal.id,
                        "currency_id": (foreign if inv.foreign_currency else self.currency).id,
                        "is_move_sent": inv.sent,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": inv.description,
                                    "quantity": inv.quantity,
                                    "price_unit": inv.price_unit,
                                    "tax_ids": [Command.set(tax.ids)],
                                }
                            )
                        ],
                    }
                )
                move_plans.append(inv)
        moves = self.env["account.move"].create(move_vals)
        by_kind = {}
        for move, inv in zip(moves, move_plans, strict=True):
            by_kind.setdefault(inv.kind, []).append(move.id)
        Move = self.env["account.move"]
        to_post = Move.browse([m.id for m, i in zip(moves, move_plans, strict=True) if i.posted])
        to_post.action_post()
        Move.browse(by_kind.get("cancelled", [])).button_cancel()
        result.invoices += sum(1 for i in move_plans if i.move_type == "out_invoice")
        result.credit_notes += sum(1 for i in move_plans if i.move_type == "out_refund")

        to_pay = [(m, i) for m, i in zip(moves, move_plans, strict=True) if i.paid_fraction]
        result.payments += self._pay(to_pay)

    def _pay(self, pairs):
        """Customer payments as bank-journal entries, one per client, currency and month
        (a bank transfer settling that month's invoices), reconciled in one plan."""
        if not pairs:
            return 0
        journal = self.bank_journal
        bank_account = journal.default_account_id
        groups = {}
        for move, inv in pairs:
            key = (move.commercial_partner_id, move.currency_id, inv.payment_date.replace(day=1))
            groups.setdefault(key, []).append((move, inv))
        vals_list, receivables = [], []
        for (partner, currency, _month), items in groups.items():
            date = max(inv.payment_date for _move, inv in items)
            lines, total_currency, total_balance, group_receivables = [], 0.0, 0.0, []
            for move, inv in items:
                receivable = move.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )
                amount = currency.round(move.amount_total * inv.paid_fraction)
                balance = currency._convert(amount, self.currency, self.company, date)
                lines.append(
                    Command.create(
                        {"partner_id": partner.id, "currency_id": currency.id,
                         "account_id": receivable.account_id.id, "name": f"Payment {move.name}",
                         "amount_currency": -amount, "balance": -balance}
                    )
                )
                total_currency += amount
                total_balance += balance
                group_receivables.append(receivable)
            lines.append(
                Command.create(
                    {"partner_id": partner.id, "currency_id": currency.id,
                     "account_id": bank_account.id, "name": f"Transfer from {partner.name}",
                     "amount_currency": total_currency, "balance": total_balance}
                )
            )
            vals_list.append({"move_type": "entry", "journal_id": journal.id, "date": date,
                              "ref": f"Transfer from {partner.name}", "line_ids": lines})
            receivables.append(group_receivables)
        payments = self.env["account.move"].create(vals_list)
        payments.action_post()
        plan = []
        for payment, group_receivables in zip(payments, receivables, strict=True):
            by_name = {line.name: line for line in payment.line_ids}
            for receivable in group_receivables:
                plan.append(receivable + by_name[f"Payment {receivable.move_id.name}"])
        self.env["account.move.line"]._reconcile_plan(plan)
        return len(payments)

    # ------------------------------------------------------------------ demo database
    def seed_demo(self, base_url=None, load_translations=True, progress=None):
        """The demo: named clients with documents in every state, quotes and tickets, made through Odoo's
        wizards by a named salesperson. ``base_url``: the running server (official PDFs; the emails left to
        its mail queue); ``load_translations=False``: no terms loaded (tests); ``progress``: a line per stage."""
        progress = progress or (lambda text: None)
        if base_url:
            self.env["ir.config_parameter"].sudo().set_param("report.url", base_url)
        self._demo_languages(load_translations)
        progress("languages active: English (US, GB), French")
        staff = self._demo_company_and_staff()
        # from here on, the business's own people do the work: the salesperson creates, sends
        # and collects; documents, chatter messages and emails carry their name, not OdooBot's
        # (and with Odoo's usual chatter: creation, tracking and sent messages are part of the demo).
        # Emails are queued, never sent from here (mail_notify_force_send): sent by this process after
        # a commit, the server's mail queue would send the same ones again or delete them under its feet
        env = self.env(user=staff["sales"].id, su=True, context={
            "lang": "en_US", "tz": staff["sales"].tz, "client_hub_demo_commit": bool(base_url),
            "mail_notify_force_send": False,
        })
        result = self._demo_documents(env, staff, progress)
        self._demo_reminders(env, progress)
        if base_url:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return result

    def _demo_languages(self, load_translations):
        Lang = self.env["res.lang"]
        codes = ("en_US", "en_GB", "fr_FR")
        for code in codes:
            Lang._activate_lang(code)
        if load_translations:
            installed = self.env["ir.module.module"].search([("state", "=", "installed")])
            installed._update_translations(list(codes[1:]))
        # the business works in English; each client gets the language of its country
        self.env["ir.default"].set("res.partner", "lang", "en_US")
        self.env.ref("base.user_admin").lang = "en_US"

    def _demo_company_and_staff(self):
        env = self.env
        logo = Path(__file__).parent / "demo" / "northwind-logo.png"
        self.company.write(
            {
                "name": "Northwind Services",
                "street": "8 Harbour Road",
                "city": "Boston",
                "zip": "02108",
                "country_id": self.country("US").id,
                "email": "billing@northwind.example",
                "phone": "+1 617 555 0100",
                "website": "https://northwind.example",
                "logo": base64.b64encode(logo.read_bytes()),
            }
        )
        self.company.partner_id.lang = "en_US"
        # replies to the documents' emails come back to the company's own domain
        domain = env["mail.alias.domain"].search([("name", "=", "northwind.example")], limit=1)
        if not domain:
            domain = env["mail.alias.domain"].create(
                {"name": "northwind.example", "catchall_alias": "replies", "bounce_alias": "bounces",
                 "default_from": "billing"}
            )
        self.company.alias_domain_id = domain
        Users = env["res.users"].with_context(no_reset_password=True)
        sales = Users.create(
            {
                "name": "Emma Laurent",
                "login": "emma",
                "email": "emma.laurent@northwind.example",
                "lang": "en_US",
                "tz": "America/New_York",
                "signature": "<p>Emma Laurent<br/>Account manager, Northwind Services<br/>+1 617 555 0101</p>",
                "group_ids": [Command.set([
                    env.ref("base.group_user").id,
                    env.ref("account.group_account_invoice").id,
                    env.ref("sales_team.group_sale_salesman_all_leads").id,
                ])],
            }
        )
        support = Users.create(
            {
                "name": "Tom Becker",
                "login": "tom",
                "email": "tom.becker@northwind.example",
                "lang": "en_US",
                "tz": "America/New_York",
                "signature": "<p>Tom Becker<br/>Client support, Northwind Services</p>",
                "group_ids": [Command.set([
                    env.ref("base.group_user").id,
                    env.ref("helpdesk_mgmt.group_helpdesk_user").id,
                ])],
            }
        )
        return {"sales": sales, "support": support}

    def _demo_documents(self, env, staff, progress):
        foreign = self.foreign_currency()
        tax = self.sale_tax()
        product = env["product.product"].create(
            {"name": "Consulting hour", "type": "service", "list_price": 120.0,
             "taxes_id": [Command.set(tax.ids)]}
        )
        clients = self._demo_clients(env, staff)
        bank_journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self._demo_client_template(env, clients["zygo"])
        book = DemoBook(env, self.today, staff["sales"], product, tax, self.currency, bank_journal)
        moves = self._demo_invoices(book, clients, foreign)
        self._demo_payments(book, moves)
        self._demo_credit_notes(book, moves)
        book.replay(progress)
        self._demo_quotes(env, staff, clients, product)
        progress("quotes sent, accepted, rejected and expired")
        self._demo_tickets(env, staff, clients)
        progress("support tickets in every state")
        return {"clients": clients["zygo"] | clients["colbert"] | clients["harbor"] | clients["nina"]
                | clients["lakeside"], "contact": clients["julie"], "staff": staff}

    def _demo_clients(self, env, staff):
        """The demo's clients and contacts, by first name or short name."""
        Partner = env["res.partner"]
        zygo = Partner.create(
            {
                "name": "Zygomatic Widgets SA", "is_company": True, "customer_rank": 1,
                "vat": "BE0477472701", "email": "accounts@zygomatic.example",
                "phone": "+32 2 555 01 23", "street": "Rue Haute 12", "city": "Brussels",
                "zip": "1000", "country_id": self.country("BE").id, "lang": "fr_FR",
                "user_id": staff["sales"].id,
            }
        )
        julie = Partner.create(
            {"name": "Julie Peeters", "parent_id": zygo.id, "email": "julie.peeters@zygomatic.example",
             "function": "Finance manager", "lang": "fr_FR"}
        )
        marc = Partner.create(
            {"name": "Marc Dupont", "parent_id": zygo.id, "email": "marc.dupont@zygomatic.example",
             "lang": "fr_FR"}
        )
        colbert = Partner.create(
            {
                "name": "Boulangerie Colbert", "is_company": True, "customer_rank": 1,
                "email": "compta@colbert.example", "street": "3 Place Colbert", "city": "Lyon",
                "zip": "69001", "country_id": self.country("FR").id, "lang": "fr_FR",
                "user_id": staff["sales"].id,
            }
        )
        harbor = Partner.create(
            {
                "name": "Harbor Dental Clinic", "is_company": True, "customer_rank": 1,
                "email": "office@harbordental.example", "street": "41 Atlantic Ave",
                "city": "Boston", "zip": "02110", "country_id": self.country("US").id,
                "state_id": env["res.country.state"].search(
                    [("code", "=", "MA"), ("country_id.code", "=", "US")], limit=1).id,
                "lang": "en_US", "user_id": staff["sales"].id,
            }
        )
        sam = Partner.create({"name": "Dr. Sam Patel", "parent_id": harbor.id,
                              "email": "sam.patel@harbordental.example", "lang": "en_US"})
        nina = Partner.create(
            {"name": "Nina Keller", "customer_rank": 1, "email": "nina.keller@example.com",
             "street": "Rue du Rhône 5", "city": "Geneva", "zip": "1204",
             "country_id": self.country("CH").id, "lang": "fr_FR", "user_id": staff["sales"].id}
        )
        lakeside = Partner.create(
            {"name": "Lakeside Architects Ltd", "is_company": True, "customer_rank": 1,
             "email": "finance@lakeside.example", "street": "9 Kings Road", "city": "London",
             "zip": "SW3 4RP", "country_id": self.country("GB").id, "lang": "en_GB",
             "user_id": staff["sales"].id}
        )
        return {"zygo": zygo, "julie": julie, "marc": marc, "colbert": colbert, "harbor": harbor, "sam": sam,
                "nina": nina, "lakeside": lakeside}

    def _demo_client_template(self, env, zygo):
        """Zygomatic has its own invoice email (French first: the client reads French)."""
        action = zygo.with_context(client_hub_template_kind="invoice").action_client_hub_customize_template()
        own = env["mail.template"].browse(action["res_id"])
        own.with_context(lang="fr_FR").subject = "Zygomatic — votre facture {{ object.name }}"
        own.with_context(lang="en_US").subject = "Zygomatic — your invoice {{ object.name }}"

    def _demo_invoices(self, book, clients, foreign):
        """Invoices in every state (and an open credit note); returns those paid or refunded later."""
        invoice = book.invoice
        zygo, colbert, harbor = clients["zygo"], clients["colbert"], clients["harbor"]
        nina, lakeside = clients["nina"], clients["lakeside"]
        moves = {}
        # Zygomatic: every state
        invoice(zygo, 2, [("Discovery workshop", 4, 120.0)], post=False)
        invoice(clients["julie"], 10, [("Monthly support retainer", 10, 120.0)])
        moves["partial"] = invoice(zygo, 40, [("Website redesign, phase 1", 25, 120.0)])
        moves["paid"] = invoice(zygo, 90, [("Security audit", 16, 120.0)])
        invoice(zygo, 75, [("Hosting and maintenance, Q3", 6, 120.0)])  # overdue
        moves["to_refund"] = invoice(zygo, 120, [("Training session", 8, 120.0)])
        cancelled = invoice(zygo, 15, [("Duplicate entry", 1, 120.0)], post=False)
        cancelled.button_cancel()
        # Boulangerie Colbert: foreign currency (EUR)
        moves["eur_paid"] = invoice(colbert, 200, [("Point-of-sale setup", 12, 95.0)], currency=foreign)
        invoice(colbert, 50, [("Menu board design", 5, 95.0)], currency=foreign)  # overdue
        invoice(colbert, 5, [("Seasonal campaign", 3, 95.0)], currency=foreign)
        # Harbor Dental: paid and partially paid
        moves["harbor_paid"] = invoice(harbor, 300, [("Patient portal integration", 30, 120.0)])
        moves["harbor_partial"] = invoice(harbor, 20, [("Staff training", 6, 120.0)])
        # Nina Keller (individual)
        moves["nina_paid"] = invoice(nina, 60, [("Personal branding session", 2, 120.0)])
        invoice(nina, 3, [("Portfolio review", 1, 120.0)])
        # Lakeside: overdue, open credit note, draft
        invoice(lakeside, 95, [("Building permit drawings", 20, 120.0)])
        invoice(lakeside, 30, [("Goodwill discount", 1, 240.0)], move_type="out_refund")
        invoice(lakeside, 1, [("3D walkthrough", 10, 120.0)], post=False)
        return moves

    def _demo_payments(self, book, moves):
        """The money that came in."""
        book.pay(moves["partial"], amount=1200.0)
        book.pay(moves["paid"])
        book.pay(moves["to_refund"])
        book.pay(moves["eur_paid"])
        book.pay(moves["harbor_paid"])
        book.pay(moves["harbor_partial"], amount=300.0)
        book.pay(moves["nina_paid"])

    def _demo_credit_notes(self, book, moves):
        """A session cut short after it was paid."""
        book.refund(moves["to_refund"], 100, "Séance raccourcie de deux heures", quantity=2)

    def _demo_quotes(self, env, staff, clients, product):
        """Quotes sent, accepted, rejected and expired, sent with Odoo's composer."""
        today = self.today

        def quote(partner, qty, days_ago=3, validity=30):
            return env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": staff["sales"].id,
                    "date_order": fields.Datetime.now() - timedelta(days=days_ago),
                    "validity_date": today - timedelta(days=days_ago) + timedelta(days=validity),
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
                }
            )

        def send_quote(order):
            action = order.action_quotation_send()
            composer = env["mail.compose.message"].with_context(**action["context"]).create({})
            composer.action_send_mail()
            return order

        def accept(order, days_ago):
            order.action_confirm()  # dates the order today: the client accepted it days_ago
            order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
            return order

        zygo, harbor, lakeside = clients["zygo"], clients["harbor"], clients["lakeside"]
        # oldest first, so that the quotes' numbers follow their dates too
        send_quote(quote(zygo, 6, days_ago=60, validity=15))  # expired
        send_quote(quote(zygo, 80, days_ago=35)).action_cancel()
        accept(send_quote(quote(zygo, 12, days_ago=20)), days_ago=18)
        accept(send_quote(quote(harbor, 10, days_ago=10)), days_ago=8)
        send_quote(quote(zygo, 40))
        send_quote(quote(lakeside, 25))

    def _demo_tickets(self, env, staff, clients):
        """Support tickets in every state, handled by the support agent; emails to
        support@northwind.example open tickets, replies thread back into them."""
        support = staff["support"]
        team = env["helpdesk.ticket.team"].search([("name", "=", "Client Support")], limit=1) or \
            env["helpdesk.ticket.team"].create({
                "name": "Client Support", "alias_name": "support", "user_ids": [Command.set(support.ids)],
                "alias_domain_id": self.company.alias_domain_id.id,
            })
        stages = {xmlid: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{xmlid}")
                  for xmlid in ("new", "in_progress", "awaiting", "done", "cancelled")}
        latest_invoice = env["account.move"].search(
            [("commercial_partner_id", "=", clients["zygo"].id), ("move_type", "=", "out_invoice"),
             ("state", "=", "posted")],
            order="invoice_date desc, id desc", limit=1,
        )

        def ticket(contact, subject, body, stage, exchange=(), invoice=None, message_id=None):
            record = env["helpdesk.ticket"].create({
                "name": subject, "partner_id": contact.id, "description": body, "team_id": team.id,
                "user_id": support.id, "client_hub_invoice_id": invoice.id if invoice else False,
            })
            record.message_subscribe(partner_ids=contact.ids)
            for n, (author, text) in enumerate(exchange, 1):  # the conversation, as the team and the client wrote it
                writer = record.with_user(support) if author == "team" else record
                writer.message_post(
                    body=Markup(text),  # noqa: S704 (the demo's own text, written above)
                    message_type="comment", subtype_xmlid="mail.mt_comment",
                    author_id=support.partner_id.id if author == "team" else contact.id,
                    **({"message_id": message_id} if message_id and n == len(exchange) else {}),
                )
            record.stage_id = stages[stage]
            return record

        julie = clients["julie"]
        ticket(julie, "Can you update our billing address?",
               "<p>We moved to Avenue Louise 54, 1050 Brussels.</p>", "done",
               [("team", "<p>Done: your next invoices will show the new address.</p>"),
                ("client", "<p>Perfect, thank you!</p>")])
        ticket(julie, "Question about line 3 of my last invoice",
               "<p>What does the maintenance line cover?</p>", "awaiting",
               [("team", "<p>It covers the monthly updates and backups. Shall I send the detail?</p>")],
               invoice=latest_invoice, message_id=DEMO_REPLY_TO)  # the README's reply by email answers it
        ticket(clients["marc"], "Can we add a second administrator?",
               "<p>Our accountant needs access too.</p>", "in_progress",
               [("team", "<p>Sure: what is her email address?</p>"),
                ("client", "<p>It is lucie.martin@zygomatic.example.</p>")])
        ticket(clients["sam"], "Receipt for the September payment",
               "<p>Could you send the payment receipt again?</p>", "new")
        ticket(clients["nina"], "Cancel the duplicate booking",
               "<p>I booked the session twice by mistake.</p>", "cancelled",
               [("team", "<p>No problem, the duplicate is cancelled.</p>")])

    def _demo_reminders(self, env, progress):
        """Collections: a client at each stage of the payment reminder ladder (an invoice due
        that many days ago, one before its due date for the heads-up), then the day's reminder
        run: each gets its email (queued, read in the mail sink) and shows in Collections."""
        company = self.company
        levels = env["client_hub.reminder.level"].search([("company_id", "=", company.id)])
        for level in levels:
            client = env["res.partner"].create({
                "name": f"Reminder Stage {level.days:+d} days", "is_company": True, "customer_rank": 1,
                "email": f"ap.stage{level.days + 3}@collections.example", "lang": "en_US",
            })
            move = env["account.move"].create({
                "move_type": "out_invoice", "partner_id": client.id, "invoice_payment_term_id": False,
                "invoice_date": self.today - timedelta(days=max(level.days, 0) + 30),
                "invoice_date_due": self.today - timedelta(days=level.days),
                "invoice_line_ids": [Command.create({"name": "Consulting", "quantity": 4, "price_unit": 120.0,
                                                     "tax_ids": []})],
            })
            move.action_post()
        env["res.partner"]._client_hub_send_reminders()
        progress("payment reminders: a client at each stage of the ladder")


class DemoBook:
    """The demo business's year, replayed in date order: documents are made first, and each step
    (an invoice posted and sent, a payment registered, a credit note issued) runs oldest first in
    ``replay``, so that in every journal the numbers follow the dates, as an accountant expects."""

    def __init__(self, env, today, salesperson, product, tax, currency, bank_journal):
        self.env, self.today, self.salesperson = env, today, salesperson
        self.product, self.tax, self.currency, self.bank_journal = product, tax, currency, bank_journal
        self.commit = env.context.get("client_hub_demo_commit")
        self.timeline = []

    def on(self, day, step, *args):
        self.timeline.append((day, len(self.timeline), step, args))

    def invoice(self, partner, days_ago, lines, currency=None, post=True, move_type="out_invoice"):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_user_id": self.salesperson.id,
                "invoice_date": self.today - timedelta(days=days_ago),
                "invoice_date_due": self.today - timedelta(days=days_ago - 30),
                "currency_id": (currency or self.currency).id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.product.id, "name": name, "quantity": qty,
                                    "price_unit": price, "tax_ids": [Command.set(self.tax.ids)]})
                    for name, qty, price in lines
                ],
            }
        )
        if post:
            self.on(move.invoice_date, self.post_and_send, move)
        return move

    def pay(self, move, amount=None, days_after=5):
        self.on(move.invoice_date + timedelta(days=days_after), self.register_payment, move, amount)

    def refund(self, move, days_ago, reason, quantity):
        self.on(self.today - timedelta(days=days_ago), self.reverse, move, reason, quantity)

    def replay(self, progress):
        steps = sorted(self.timeline, key=lambda event: event[:2])
        payments = sum(1 for event in steps if event[2] == self.register_payment)
        progress(f"posting and sending {len(steps) - payments} invoices and credit notes (with their PDF) "
                 f"and registering {payments} payments, in date order...")
        for day, _order, step, args in steps:
            step(day, *args)

    def send(self, move):
        """Odoo's send wizard, as the business sends: the official PDF stored (no "proforma" on the
        client's side), the client's own template and, through client_hub, a personal sign-in link."""
        if self.commit:
            # wkhtmltopdf fetches the report's assets from the running server, whose request
            # must not wait on rows this transaction holds
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env["account.move.send.wizard"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"move_id": move.id}).action_send_and_print()

    def post_and_send(self, _day, move):
        move.action_post()
        self.send(move)

    def register_payment(self, day, move, amount):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": day, "journal_id": self.bank_journal.id})
        if amount:
            wizard.write({"amount": amount, "payment_difference_handling": "open"})
        wizard.action_create_payments()

    def reverse(self, day, move, reason, quantity):
        reversal = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"reason": reason, "journal_id": move.journal_id.id, "date": day})
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids.quantity = quantity
        self.post_and_send(day, credit_note)

STRIPE_KEYS = ("STRIPE_PUBLISHABLE_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")


def configure_demo_payments(env):
    """Online payment in the demo. With the environment variables ``STRIPE_PUBLISHABLE_KEY``,
    ``STRIPE_SECRET_KEY`` and ``STRIPE_WEBHOOK_SECRET``, Odoo's Stripe provider in test mode
    (the keys go to the provider record, never to a file or a log); without them (no network, no
    Stripe account), Odoo's own demo provider (``payment_demo``, installed in the demo database
    only), so that Pay now and Pay all outstanding can be clicked through. Returns the provider."""
    Provider = env["payment.provider"].sudo()
    company = env.company
    stripe = Provider.search([("code", "=", "stripe"), ("company_id", "=", company.id)], limit=1)
    demo = Provider.search([("code", "=", "demo"), ("company_id", "=", company.id)], limit=1)
    keys = {name: os.environ.get(name) for name in STRIPE_KEYS}
    if stripe and all(keys.values()):
        stripe.write({
            "stripe_publishable_key": keys["STRIPE_PUBLISHABLE_KEY"],
            "stripe_secret_key": keys["STRIPE_SECRET_KEY"],
            "stripe_webhook_secret": keys["STRIPE_WEBHOOK_SECRET"],
            "state": "test",
            "is_published": True,
        })
        if demo:
            demo.write({"state": "disabled"})
        provider = stripe
    else:
        if stripe.state != "disabled":
            stripe.write({"state": "disabled"})
        provider = demo
        if demo:
            demo.write({"state": "test", "is_published": True})
    if provider:
        provider.payment_method_ids.filtered(lambda method: not method.active).write({"active": True})
    _logger.info("client_hub demo: online payments with the %s provider", provider.code or "no")
    return provider


def configure_demo_mail(env, smtp_port, base_url):
    """Point the demo database at the local mail sink and the running server: every email the
    demo sends is delivered to 127.0.0.1:``smtp_port`` (readable there), and every link in it
    goes to ``base_url``. Called by ``make run`` each time (the ports may change)."""
    ICP = env["ir.config_parameter"].sudo()
    ICP.set_param("web.base.url", base_url)
    ICP.set_param("web.base.url.freeze", "True")
    ICP.set_param("report.url", base_url)
    server = env["ir.mail_server"].sudo().with_context(active_test=False).search(
        [("name", "=", DEMO_MAIL_SERVER)], limit=1
    )
    values = {"name": DEMO_MAIL_SERVER, "smtp_host": "127.0.0.1", "smtp_port": int(smtp_port),
              "smtp_encryption": "none", "smtp_authentication": "login", "smtp_user": False,
              "smtp_pass": False, "active": True, "sequence": 1}
    if server:
        server.write(values)
    else:
        env["ir.mail_server"].sudo().create(values)
    # emails that failed before the sink was there (e.g. "Connection refused") go out again, now:
    # the server's mail queue is woken (its own cron thread sends them, never this process)
    failed = env["mail.mail"].sudo().search([("state", "=", "exception")])
    if failed:
        failed.mark_outgoing()
        env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
    return server


def wait_for_mail_queue(env, timeout=300, poll=1.0):
    """Wait until the server's mail queue (woken by :meth:`Seeder.seed_demo`) has handled every
    queued email; ``make run`` shows its banner then, with the emails in the mail sink. Reads what
    is committed: commit first (it rolls back between reads). Returns the emails still queued
    and those that failed."""
    Mail = env["mail.mail"].sudo()
    deadline = time.monotonic() + timeout
    while True:
        env.cr.rollback()  # a fresh snapshot of what the server committed
        env.invalidate_all()
        left = Mail.search_count([("state", "=", "outgoing")])
        if not left or time.monotonic() > deadline:
            return left, Mail.search_count([("state", "=", "exception")])
        time.sleep(poll)


def demo_info(env, base_url):
    """Lines the run command shows under its banner (prefixed with ``DEMO``)."""
    clients = env["res.partner"].search(
        [("customer_rank", ">", 0), ("parent_id", "=", False)], order="name"
    )
    lines = [
        f"DEMO clients: {', '.join(clients.mapped('name'))}",
        f"DEMO Client Hub > Clients: {base_url}/odoo/clients",
    ]
    julie = env["res.partner"].search([("email", "=", "julie.peeters@zygomatic.example")], limit=1)
    if julie and julie._client_hub_magic_link_allowed():
        invoice = env["account.move"].search(
            [("partner_id", "child_of", julie.commercial_partner_id.id), ("move_type", "=", "out_invoice"),
             ("state", "=", "posted")], order="invoice_date desc, id desc", limit=1,
        )
        Link = env["client_hub.magic.link"]
        _link, token = Link._issue(julie, origin=invoice or None)
        url = Link._url(token, base_url=base_url)  # lands on her statement, the portal's home
        lines.append(f"DEMO client portal: magic link of {julie.name} ({julie.commercial_partner_id.name}), "
                     f"to her statement: {url}")
    if DEMO_REPLY_EML.is_file() and env["mail.message"].search_count([("message_id", "=", DEMO_REPLY_TO)]):
        lines.append(f"DEMO reply to a ticket by email, as {julie.name}: {mailgate_command(env, base_url)}")
    return lines


def mailgate_command(env, base_url, eml=DEMO_REPLY_EML):
    """The shell line that pipes ``eml`` into the demo server through Odoo's own ``odoo-mailgate``
    script (as a mail server's alias does), logged in as the demo's administrator."""
    url = urlsplit(base_url or "http://127.0.0.1:8069")
    script = file_path("mail/static/scripts/odoo-mailgate.py")
    admin = env.ref("base.user_admin")
    return (f"python3 {script} --host {url.hostname} --port {url.port or 80} -d {env.cr.dbname} "
            f"-u {admin.id} -p admin < {eml}")


def demo_pages(env):
    """`name=/path` of the backend pages the README shows."""
    client = env["res.partner"].search([("name", "=", "Zygomatic Widgets SA")], limit=1)
    return [
        # sorted by what clients owe, largest first (a header sorts ascending, then descending)
        "clients=/odoo/clients|th[data-name=balance_outstanding]|th[data-name=balance_outstanding]",
        f"client=/odoo/clients/{client.id}",
        f"client-documents=/odoo/clients/{client.id}|a[name=client_hub_documents]",
        f"client-templates=/odoo/clients/{client.id}|a[name=client_hub_email_templates]",
        f"client-portal-access=/odoo/clients/{client.id}|a[name=client_hub_portal_access]",
        *_demo_invoice_pdf(env, client),
        "support-badge=/odoo/support",
        "collections=/odoo/collections",
        *_demo_reminder_email(env),
        *_demo_magic_link_pages(env),
    ]


def _demo_reminder_email(env):
    """The final notice the demo's reminder run queued (the client 30 days late), as the backend shows it."""
    client = env["res.partner"].search([("name", "=", "Reminder Stage +30 days")], limit=1)
    mail = env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", client.id)],
                                   order="id desc", limit=1) if client else env["mail.mail"]
    return [f"reminder-email=/odoo/action-mail.action_view_mail_mail/{mail.id}"] if mail else []


def _demo_invoice_pdf(env, client):
    """The official PDF of the client's latest sent invoice, as the client downloads it."""
    invoice = env["account.move"].search(
        [("commercial_partner_id", "=", client.id), ("move_type", "=", "out_invoice"), ("state", "=", "posted")],
        order="invoice_date desc, id desc",
    ).filtered("invoice_pdf_report_id")[:1]
    if not invoice:
        return []
    return [f"invoice-pdf=pdf:{invoice.get_portal_url(report_type='pdf', download=True)}"]


def _demo_magic_link_pages(env):
    """The client's side, last (opening a magic link signs the browser in as the client): a link
    that expired, then a valid one landing on the client's statement, the statement on a phone,
    and the client's latest invoice."""
    url = next((ln.rsplit(" ", 1)[1] for ln in demo_info(env, "") if "magic link" in ln), None)
    if not url:
        return []
    Link = env["client_hub.magic.link"]
    path = "/portal/magic/" + url.split("/portal/magic/", 1)[1]
    token = path.rsplit("/", 1)[1].split("?", 1)[0]
    claims = jwt.decode(token, options={"verify_signature": False})
    stale = {**claims, "iat": claims["iat"] - 40 * 86400, "exp": claims["iat"] - 10 * 86400}
    expired = jwt.encode(stale, Link._signing_key(), algorithm="HS256")
    julie = env["res.partner"].browse(int(claims["sub"]))
    invoice = env["account.move"].search(
        [("commercial_partner_id", "=", julie.commercial_partner_id.id), ("move_type", "=", "out_invoice"),
         ("state", "=", "posted")], order="invoice_date desc, id desc", limit=1,
    )
    open_invoice = env["account.move"].search(
        [("commercial_partner_id", "=", julie.commercial_partner_id.id), ("move_type", "=", "out_invoice"),
         ("state", "=", "posted"), ("payment_state", "in", ("not_paid", "partial"))],
        order="invoice_date desc, id desc", limit=1,
    )
    question = env["helpdesk.ticket"].search(
        [("commercial_partner_id", "=", julie.commercial_partner_id.id), ("client_hub_invoice_id", "!=", False)],
        limit=1,
    )
    return [
        f"magic-link-expired=/portal/magic/{expired}",
        f"statement={path}",
        "statement-phone=/my/statement@390x844",
        *([f"magic-link-invoice={invoice.access_url}"] if invoice else []),
        *([f"pay-now={open_invoice.access_url}?payment=True"] if open_invoice else []),
        "pay-all=/my/statement/pay",
        "support-portal=/my/tickets",
        *([f"support-ticket=/my/ticket/{question.id}"] if question else []),
        # support on a phone: the list as cards, the ticket with its conversation
        "support-portal-phone=/my/tickets@375x812",
        *([f"support-ticket-phone=/my/ticket/{question.id}@375x812"] if question else []),
        "support-new-phone=/new/ticket@375x812",
    ]
