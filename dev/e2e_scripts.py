"""The two `odoo shell` scripts of the support e2e check: SETUP makes, committed, everything the
round trip needs (alias domain, team and alias, agent, client contact, ticket, mail-gateway user
with an API key, our SMTP sink as the only outgoing server, the agent's public reply) and sends the
mail queue; CHECK reads back the message the client's answer became. Each prints one JSON line."""
from __future__ import annotations

ALIAS_DOMAIN = "hub.example"
SUPPORT = f"support@{ALIAS_DOMAIN}"

# `odoo shell`: everything the round trip needs, committed; the mail queue is processed at the end.
SETUP = """
import datetime, json
from markupsafe import Markup
from odoo import Command
tag = {tag!r}
Domain = env['mail.alias.domain']
domain = Domain.search([('name', '=', {alias_domain!r})], limit=1) or Domain.create(
    {{'name': {alias_domain!r}, 'catchall_alias': 'catchall', 'bounce_alias': 'bounce'}})
env.company.alias_domain_id = domain
ICP = env['ir.config_parameter'].sudo()
ICP.set_param('web.base.url', {base_url!r})
ICP.set_param('web.base.url.freeze', 'True')
# the lifecycle's rate-limit check just spent this address's failures: the sign-in link opened
# below must not meet its 429
env['client_hub.magic.link.attempt'].sudo().search([('ip', '=', {host!r})]).unlink()
# only our SMTP sink: any other outgoing server is switched off for this database
env['ir.mail_server'].search([]).active = False
env['ir.mail_server'].create({{
    'name': 'e2e SMTP sink ' + tag, 'smtp_host': {host!r}, 'smtp_port': {smtp_port}, 'smtp_encryption': 'none',
    'smtp_authentication': 'login', 'sequence': 1}})
Users = env['res.users'].with_context(no_reset_password=True)
agent = Users.create({{
    'name': 'Alex Agent', 'login': 'agent.' + tag, 'email': 'alex.agent.' + tag + '@' + {alias_domain!r},
    'group_ids': [Command.set([env.ref('base.group_user').id, env.ref('helpdesk_mgmt.group_helpdesk_user').id])]}})
gateway = Users.create({{
    'name': 'Mail Gateway ' + tag, 'login': 'mailgate.' + tag,
    'group_ids': [Command.set([env.ref('base.group_user').id])]}})
key = env['res.users.apikeys'].with_user(gateway)._generate(
    'rpc', 'odoo-mailgate (e2e check)', datetime.datetime.now() + datetime.timedelta(days=1))
Team = env['helpdesk.ticket.team']
team = Team.search([('alias_name', '=', 'support'), ('alias_domain_id', '=', domain.id)], limit=1)
if not team:
    team = Team.create({{
        'name': 'Client Support', 'alias_name': 'support', 'alias_domain_id': domain.id}})
team.user_ids = [Command.link(agent.id)]
client = env['res.partner'].create({{'name': 'E2E Client SA ' + tag, 'is_company': True,
                                     'email': 'office.' + tag + '@client.example'}})
contact = env['res.partner'].create({{'name': 'Ana Client', 'parent_id': client.id,
                                      'email': 'ana.' + tag + '@client.example'}})
ticket = env['helpdesk.ticket'].create({{
    'name': 'Wrong billing address ' + tag, 'description': '<p>Our address changed.</p>',
    'team_id': team.id, 'partner_id': contact.id}})
env.cr.commit()
ticket.with_user(agent).with_context(mail_notify_force_send=False).message_post(
    body=Markup('<p>Thanks, we updated it. Could you confirm the new address? %s</p>') % tag,
    message_type='comment', subtype_xmlid='mail.mt_comment', partner_ids=contact.ids)
env.cr.commit()
awaiting = env['helpdesk.ticket'].with_user(agent).client_hub_awaiting_count()
queued = env['mail.mail'].search_count([('state', '=', 'outgoing')])
env['mail.mail'].process_email_queue()
env.cr.commit()
failed = env['mail.mail'].search([('state', '=', 'exception')]).mapped('failure_reason')
print('E2E_SETUP ' + json.dumps({{
    'ticket': ticket.id, 'contact': contact.id, 'contact_email': contact.email, 'agent': agent.id,
    'gateway': gateway.id, 'key': key, 'awaiting': awaiting, 'waiting': ticket.client_hub_waiting,
    'queued': queued, 'failed': failed}}))
"""

CHECK = """
import json
ticket = env['helpdesk.ticket'].browse({ticket})
message = env['mail.message'].search([('message_id', '=', {message_id!r})])
comment = env.ref('mail.mt_comment')
agent = env['res.users'].browse({agent})
print('E2E_CHECK ' + json.dumps({{
    'found': len(message), 'res': [message.model, message.res_id] if message else None,
    'author': message.author_id.id, 'author_name': message.author_id.name, 'type': message.message_type,
    'internal': message.is_internal, 'subtype_comment': message.subtype_id == comment,
    'answer_in_body': {answer!r} in (message.body or ''),
    'waiting': ticket.client_hub_waiting,
    'awaiting': env['helpdesk.ticket'].with_user(agent).client_hub_awaiting_count()}}))
"""
