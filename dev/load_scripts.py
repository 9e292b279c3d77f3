"""The `odoo shell` scripts of the load test (dev/load.py): PREPARE before Locust, CHECK after it.

PREPARE (committed) on the load database, the server already running:
- the server's URL as web.base.url (emails carry links to it), and its gevent port as report.url:
  wkhtmltopdf fetches the report's styles from there, never from an HTTP worker (a worker rendering
  a PDF would otherwise wait for another worker to be free, and with every worker busy, for ever:
  see README "Deployment and scaling"); outgoing mail to the local sink only;
- Stripe in test mode, published, card payments, the keys the fake API accepts and the webhook
  signing secret the "Stripe" user signs with;
- the support team with its alias on hub.example, an agent, and a mail-gateway user with an API key
  for odoo-mailgate;
- `client_hub.zip_sync_limit` as the product's default (1): a ZIP needing more than one PDF
  rendered becomes a background export;
- N client contacts, one per seeded client with open invoices, first those no earlier run used (no
  portal user among its contacts; a unique email), then the others, each with: its magic link
  (`_issue_url`), a ticket carrying the team's
  public message (its Message-Id is what the client's email answer refers to), and its three latest
  documents, whose official PDFs are stored (rendered now, in batches, as Odoo's send wizard would
  have when they were emailed);
then writes the JSON the locustfile reads.

CHECK reads back what Locust sent (its results JSON) and the fake Stripe's confirmed intents, and
prints one JSON line: replies, payments, exports, half-written records.
"""

PREPARE = r"""
import datetime, json
from markupsafe import Markup
from odoo import Command, fields
from odoo.addons.client_hub.lib.statement import parse_query
opts = json.loads({opts!r})
ICP = env['ir.config_parameter'].sudo()
for key, value in {{'web.base.url': opts['base'], 'web.base.url.freeze': 'True', 'report.url': opts['report_url'],
                   'client_hub.zip_sync_limit': str(opts['zip_sync_limit'])}}.items():
    ICP.set_param(key, value)
ICP.set_param('client_hub.magic_link_max_failures', '1000')
env['client_hub.magic.link.attempt'].sudo().search([]).unlink()
env['ir.mail_server'].search([]).active = False
env['ir.mail_server'].create({{'name': 'load test mail sink ' + opts['run'], 'smtp_host': '127.0.0.1',
                               'smtp_port': opts['smtp_port'], 'smtp_encryption': 'none', 'sequence': 1}})
# Stripe in test mode: keys the fake API accepts, the webhook secret "Stripe" signs with
stripe = env.ref('payment.payment_provider_stripe')
card = env.ref('payment.payment_method_card')
stripe.write({{'state': 'test', 'is_published': True, 'stripe_secret_key': 'sk_test_client_hub_load',
              'stripe_publishable_key': 'pk_test_client_hub_load', 'stripe_webhook_secret': opts['webhook_secret']}})
card.active = True
stripe.payment_method_ids = [Command.set(card.ids)]
env['payment.provider'].search([('id', '!=', stripe.id), ('state', '!=', 'disabled')]).write({{'state': 'disabled'}})
# The provider's payment method line, made now as opening its form would: Odoo 19 computes
# journal_id on read and creates the line when there is none, so the server's first concurrent
# payments (a webhook and the client's return) would each create one, and then every payment of the
# provider fails ("Expected singleton"). Odoo may also have made two already: keep the first one.
assert len(stripe.journal_id) == 1  # reading it creates the line
env.flush_all()
env.cr.execute("UPDATE account_payment_method_line SET payment_provider_id = NULL WHERE payment_provider_id = %s "
               "AND id > (SELECT min(id) FROM account_payment_method_line WHERE payment_provider_id = %s)",
               [stripe.id, stripe.id])
env.invalidate_all()
# support: alias domain, team with its alias, an agent, the mail gateway's user and key
Domain = env['mail.alias.domain']
domain = Domain.search([('name', '=', 'hub.example')], limit=1) or Domain.create(
    {{'name': 'hub.example', 'catchall_alias': 'catchall', 'bounce_alias': 'bounce'}})
env.company.alias_domain_id = domain
Users = env['res.users'].with_context(no_reset_password=True)
def user(login, name, groups):
    found = Users.search([('login', '=', login)], limit=1)
    return found or Users.create({{'name': name, 'login': login, 'email': login + '@hub.example',
                                  'group_ids': [Command.set([env.ref(g).id for g in groups])]}})
agent = user('load.agent', 'Lee Agent', ['base.group_user', 'helpdesk_mgmt.group_helpdesk_user'])
gateway = user('load.mailgate', 'Load Mail Gateway', ['base.group_user'])
key = env['res.users.apikeys'].with_user(gateway)._generate(
    'rpc', 'odoo-mailgate (load ' + opts['run'] + ')', datetime.datetime.now() + datetime.timedelta(days=1))
Team = env['helpdesk.ticket.team']
team = Team.search([('alias_name', '=', 'support'), ('alias_domain_id', '=', domain.id)], limit=1) or Team.create(
    {{'name': 'Client Support', 'alias_name': 'support', 'alias_domain_id': domain.id}})
team.user_ids = [Command.link(agent.id)]
env.cr.commit()
# the clients: one contact per seeded client
taken = set(env['res.users'].with_context(active_test=False).search([]).mapped('login'))
clients = env['res.partner'].search([('name', '=like', opts['prefix'] + ' %'), ('is_company', '=', True)], order='id')
portal = env['res.users'].with_context(active_test=False).search(
    [('share', '=', True), ('partner_id.commercial_partner_id', 'in', clients.ids)])
used = set(portal.partner_id.commercial_partner_id.ids)
Move = env['account.move'].sudo()
today = fields.Date.context_today(Move)
picked = []
# first the clients no run used (their first sign-in creates their portal user), then the others
for client in [c for c in clients if c.id not in used] + [c for c in clients if c.id in used]:
    if len(picked) >= opts['users']:
        break
    own = client.child_ids.filtered(lambda c: c.user_ids.filtered('share'))[:1]
    contact = own or client.child_ids.filtered(lambda c: c.email and c.email_normalized not in taken)[:1]
    if not contact:
        continue
    rows, total, _page = Move._client_hub_statement_rows(
        Move._client_hub_statement_domain(client, parse_query(), today), parse_query(), today)
    unpaid = Move.search_count([('commercial_partner_id', '=', client.id), ('move_type', '=', 'out_invoice'),
                                ('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))])
    if len(rows) < 3 or not unpaid:
        continue
    taken.add(contact.email_normalized)
    picked.append((contact, rows[:3]))
if len(picked) < opts['users']:
    raise SystemExit('only %s seeded clients with open invoices for %s users: run `make seed`'
                     % (len(picked), opts['users']))
# their three latest documents were emailed: their official PDFs are stored
docs = Move.browse([m.id for _c, rows in picked for m in rows])
docs._client_hub_render_official_pdfs()
env.cr.commit()
out = []
Ticket = env['helpdesk.ticket'].with_context(mail_notify_force_send=False)
for n, (contact, rows) in enumerate(picked):
    ticket = Ticket.create({{'name': 'Invoice address %s %s' % (opts['run'], n), 'team_id': team.id,
                            'partner_id': contact.id, 'description': '<p>Please use our new address.</p>'}})
    said = 'We updated the address on your account. Could you confirm it is right? (%s)' % ticket.number
    message = ticket.with_user(agent).message_post(body=Markup('<p>%s</p>') % said, message_type='comment',
                                                   subtype_xmlid='mail.mt_comment', partner_ids=contact.ids)
    out.append({{'path': env['client_hub.magic.link']._issue_url(contact).split(opts['base'], 1)[-1],
                'email': contact.email, 'name': contact.name, 'partner': contact.id,
                'commercial': contact.commercial_partner_id.id, 'zip_ids': rows.ids,
                'ticket': ticket.id, 'ticket_subject': ticket.name, 'ticket_msgid': message.message_id,
                'ticket_said': said}})
    if n % 50 == 49:
        env.cr.commit()
data = {{'run': opts['run'], 'support': 'support@hub.example', 'webhook_secret': opts['webhook_secret'],
        'stripe_api': opts['stripe_api'], 'clients': out, 'mail_pace': opts['mail_pace'],
        'mailgate': {{**opts['mailgate'], 'uid': gateway.id, 'key': key}}}}
with open(opts['out'], 'w', encoding='utf-8') as fh:
    json.dump(data, fh)
print('LOAD_PREPARED', len(out), 'clients;', len(docs), 'official PDFs stored')
"""

CHECK = r"""
import json
opts = json.loads({opts!r})
results = json.load(open(opts['results'], encoding='utf-8'))
intents = json.load(open(opts['intents'], encoding='utf-8'))['intents']
cr = env.cr
out = {{}}
# 1. every reply: in its ticket, exactly once (portal replies by their text, emails by Message-Id)
replies = []
for reply in results['replies']:
    cr.execute("SELECT res_id FROM mail_message WHERE model = 'helpdesk.ticket' AND create_date >= %s "
               "AND body LIKE %s", [opts['since'], '%' + reply['marker'] + '%'])
    replies.append((reply, [r[0] for r in cr.fetchall()]))
for mail in results['mail']:
    cr.execute("SELECT res_id FROM mail_message WHERE model = 'helpdesk.ticket' AND message_id = %s",
               [mail['message_id']])
    replies.append((mail, [r[0] for r in cr.fetchall()]))
bad = []
for reply, found in replies:
    delivered = reply.get('ok')
    right = found == [reply['ticket']] if delivered else (found in ([], [reply['ticket']]))
    if not right:
        bad.append({{'kind': reply['kind'], 'ticket': reply['ticket'], 'found': found, 'delivered': delivered}})
out['replies'] = {{'portal_sent': sum(1 for r in results['replies'] if r.get('ok')),
                  'email_sent': sum(1 for r in results['mail'] if r.get('ok')),
                  'email_retried': sum(1 for r in results['mail'] if len(r.get('attempts', [])) > 1),
                  'not_delivered': sum(1 for r, _f in replies if not r.get('ok')),
                  'wrong': bad[:20], 'wrong_count': len(bad)}}
# 2. every payment Stripe confirmed: transaction done, exactly one posted account.payment, invoice paid
Tx = env['payment.transaction'].sudo()
confirmed = [i for i in intents if i['status'] == 'succeeded']
pay_bad, states = [], {{}}
for intent in confirmed:
    tx = Tx.search([('reference', '=', intent['description'])])
    payments = env['account.payment'].sudo().search([('payment_transaction_id', 'in', tx.ids)])
    invoices = tx.invoice_ids
    states[tx.state] = states.get(tx.state, 0) + 1
    problems = []
    if len(tx) != 1 or tx.state != 'done' or not tx.is_post_processed:
        problems.append('transaction %s' % tx.mapped('state'))
    if len(payments) != 1 or payments[:1].state not in ('paid', 'in_process') or tx.payment_id != payments:
        problems.append('%s payment(s) %s' % (len(payments), payments.mapped('state')))
    receivable = payments.move_id.line_ids.filtered(lambda l: l.account_id.account_type == 'asset_receivable')
    if len(payments) == 1 and not receivable.reconciled:
        problems.append('payment not reconciled')
    if invoices.filtered(lambda m: m.payment_state not in ('paid', 'in_payment')):
        problems.append('invoice %s' % invoices.mapped('payment_state'))
    if problems:
        pay_bad.append({{'reference': intent['description'], 'problems': problems}})
# transactions of this run that Stripe never confirmed: nothing booked for them
created = Tx.search([('create_date', '>=', opts['since']), ('provider_code', '=', 'stripe')])
unconfirmed = created.filtered(lambda t: t.reference not in {{i['description'] for i in confirmed}})
half = unconfirmed.filtered(lambda t: t.payment_id or t.state == 'done')
cr.execute("SELECT count(*) FROM account_payment p JOIN account_move m ON m.id = p.move_id "
           "WHERE p.payment_transaction_id IN %s AND m.state != 'posted'", [tuple(created.ids) or (0,)])
drafts = cr.fetchone()[0]
out['payments'] = {{'transactions': len(created), 'confirmed': len(confirmed), 'tx_states': states,
                   'payments': env['account.payment'].sudo().search_count(
                       [('payment_transaction_id', 'in', created.ids)]),
                   'wrong': pay_bad[:20], 'wrong_count': len(pay_bad), 'unconfirmed': len(unconfirmed),
                   'unconfirmed_booked': half.mapped('reference')[:20], 'unposted_payments': drafts}}
# 2b. every receipt once: the booked payments' receipts made by the job (pending: not yet run), one
# email per recipient at most (the payer and the invoice contact: never two to one address)
done = Tx.search([('reference', 'in', [i['description'] for i in confirmed])])
receipt_states, doubled = {{}}, []
for tx in done:
    state = tx.client_hub_receipt_state or 'none'
    receipt_states[state] = receipt_states.get(state, 0) + 1
    if tx.payment_id:
        # a receipt is a message on the payment addressed to its reader: never two to one reader
        cr.execute("SELECT r.res_partner_id FROM mail_message m "
                   "JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id "
                   "WHERE m.model = 'account.payment' AND m.res_id = %s "
                   "GROUP BY r.res_partner_id HAVING count(*) > 1", [tx.payment_id.id])
        if cr.fetchall():
            doubled.append(tx.reference)
out['receipts'] = {{'states': receipt_states, 'doubled': doubled[:20], 'doubled_count': len(doubled)}}
# 3. every export job: done, its archive in the file store and a readable ZIP
import os, zipfile
Export = env['client_hub.portal.export'].sudo()
exports = Export.search([('create_date', '>=', opts['since'])])
exp_bad = []
for export in exports:
    path = export.attachment_id and export.attachment_id._full_path(export.attachment_id.store_fname or '')
    ok = export.state == 'done' and path and os.path.isfile(path) and zipfile.is_zipfile(path) and (
        len(zipfile.ZipFile(path).namelist()) == export.document_count)
    if not ok:
        exp_bad.append({{'id': export.id, 'state': export.state, 'error': (export.error or '')[:200]}})
seen = {{e['id'] for e in results['exports']}}
out['exports'] = {{'count': len(exports), 'asked_by_clients': len(seen), 'missing': sorted(seen - set(exports.ids)),
                  'wrong': exp_bad, 'done': len(exports) - len(exp_bad)}}
storm = results.get('storm') or {{}}
if storm.get('references'):
    txs = Tx.search([('reference', 'in', list(storm['references']))])
    Payment = env['account.payment'].sudo()
    counts = {{t.reference: Payment.search_count([('payment_transaction_id', '=', t.id)]) for t in txs}}
    out['storm'] = {{'transactions': len(txs), 'payments': counts,
                    'not_one': {{r: c for r, c in counts.items() if c != 1}}}}
print('LOAD_CHECK ' + json.dumps(out, default=str))
"""
