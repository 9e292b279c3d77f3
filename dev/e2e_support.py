"""End-to-end support email round trip, with real processes (a lifecycle check of the Odoo tier).

1. A local SMTP sink (dev/mailsink.py, aiosmtpd, Odoo's virtualenv) on a free port, writing .eml
   files into a temporary folder; an `odoo shell` script points an `ir.mail_server` at it and
   creates, committed: the alias domain hub.example on the company, a support team with its alias
   (support@hub.example), an agent, a client company with a contact, a ticket for that contact, an
   internal user with an API key for the mail gateway, and the agent's public reply on the ticket;
   then it processes the mail queue, so the reply really leaves by SMTP.
2. The captured .eml must carry a sign-in link (/portal/magic/...) and a Reply-To on the support
   alias; the link is opened on the running server (it must land on the ticket). The client's answer
   is written from the captured email as a mail client writes it: "Re: " subject, In-Reply-To and
   References, the original quoted below the answer, From the contact, To the Reply-To.
3. That answer goes through Odoo's own `odoo-mailgate` script (from the Odoo source the tooling
   found, run with Odoo's python) into a real HTTP server on the test database (XML-RPC
   `message_process`).
4. Another `odoo shell` script checks the ticket: the answer is there, authored by the contact,
   public, the ticket awaits the team again and the agent's badge count went up by one.

Standard library only (the tooling never imports odoo); the test database is dropped by `test`.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path

from dev import mailsink
from dev.common import TEST_DB, VAR, free_port
from dev.odoo_runtime import Context, odoo_env

HOST = "127.0.0.1"
ALIAS_DOMAIN = "hub.example"
SUPPORT = f"support@{ALIAS_DOMAIN}"
MAILGATE = Path("addons/mail/static/scripts/odoo-mailgate.py")  # inside Odoo's source
LOGS = VAR / "logs"
SINK_LOG = LOGS / "e2e-mailsink.log"
SERVER_LOG = LOGS / "e2e-server.log"
SETUP_LOG = LOGS / "e2e-setup.log"
MAILGATE_LOG = LOGS / "e2e-mailgate.log"
CHECK_LOG = LOGS / "e2e-check.log"

STEPS = (
    "support e2e: the agent's reply leaves by SMTP with a sign-in link and Reply-To on the alias",
    "support e2e: the client's answer goes through odoo-mailgate into the running server",
    "support e2e: the answer is public in the ticket, by the contact, and back on the team's side",
)

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


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def _http_status(url: str, timeout: float = 30) -> tuple[int, str]:
    """Status and Location of a GET, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")
    except OSError:
        return 0, ""


def _marked(log: Path, mark: str) -> dict | None:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    match = re.search(rf"^{mark} (.+)$", text, re.MULTILINE)
    return json.loads(match.group(1)) if match else None


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _addresses(value: str) -> list[str]:
    return [addr.lower() for _name, addr in getaddresses([value or ""]) if addr]


def find_reply(folder: Path, recipient: str, marker: str, timeout: float = 30) -> Path | None:
    """The .eml the sink stored for ``recipient`` whose body carries ``marker``."""
    deadline = time.time() + timeout
    while True:
        for path in mailsink.messages(folder):
            msg = mailsink.read_message(path)
            html_body, text_body = mailsink.bodies(msg)
            if recipient.lower() in _addresses(str(msg.get("X-Envelope-To", ""))) and marker in html_body + text_body:
                return path
        if time.time() > deadline:
            return None
        time.sleep(0.5)


def client_answer(original: EmailMessage, sender: str, answer: str) -> bytes:
    """The answer a mail client writes to ``original``: Re: subject, threading headers
    (RFC 5322: References = the original's References, then its Message-Id), To = its Reply-To,
    the answer on top and the original quoted below, as text and as HTML."""
    subject = str(original.get("Subject", ""))
    msg_id = str(original.get("Message-Id", "")).strip()
    references = str(original.get("References", "")).split()
    references = " ".join(references if msg_id in references else [*references, msg_id])
    html_body, text_body = mailsink.bodies(original)
    inner = re.search(r"<body[^>]*>(.*)</body>", html_body, re.DOTALL | re.IGNORECASE)
    html_body = inner.group(1) if inner else html_body  # what a mail client quotes: the body's content
    if not text_body:
        text_body = re.sub(r"<[^>]+>", "", html_body)
    cite = f"On {original.get('Date', '')}, {original.get('From', '')} wrote:"
    quoted = "\n".join("> " + line if line else ">" for line in text_body.strip().splitlines())
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = str(original.get("Reply-To") or original.get("From"))
    message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    message["Date"] = formatdate(localtime=True)
    message["Message-Id"] = make_msgid(domain="client.example")
    message["In-Reply-To"] = msg_id
    message["References"] = references
    message["User-Agent"] = "client_hub e2e check"
    message.set_content(f"{answer}\n\n{cite}\n{quoted}\n", cte="quoted-printable")
    message.add_alternative(
        f"<div>{answer}</div><br><div class='moz-cite-prefix'>{cite}</div>"
        f"<blockquote type='cite'>{html_body or text_body}</blockquote>", subtype="html", cte="quoted-printable")
    return message.as_bytes()


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------
def check_support_round_trip(ctx: Context) -> list[tuple[str, bool, str]]:
    """Run the round trip; one (name, ok, detail) per step of STEPS, every one reported (a step
    not reached fails, saying why)."""
    results: list[tuple[str, bool, str]] = []
    LOGS.mkdir(parents=True, exist_ok=True)
    for log in (SINK_LOG, SERVER_LOG, SETUP_LOG, MAILGATE_LOG, CHECK_LOG):
        log.unlink(missing_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="client_hub-e2e-mail-"))
    processes: list[subprocess.Popen] = []
    try:
        _round_trip(ctx, folder, processes, results)
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as exc:
        results.append((STEPS[min(len(results), len(STEPS) - 1)], False,
                        f"{type(exc).__name__}: {exc} (logs: {LOGS}/e2e-*.log)"))
    finally:
        for proc in reversed(processes):
            _stop(proc)
        shutil.rmtree(folder, ignore_errors=True)
    while len(results) < len(STEPS):
        results.append((STEPS[len(results)], False, "not reached: an earlier step failed"))
    return results


def _start_sink(ctx: Context, folder: Path, processes: list) -> int:
    smtp_port, web_port = free_port(), free_port()
    with SINK_LOG.open("w", encoding="utf-8") as fh:
        sink = subprocess.Popen(
            [str(ctx.python), str(Path(mailsink.__file__).resolve()), "--smtp-port", str(smtp_port),
             "--web-port", str(web_port), "--dir", str(folder), "--host", HOST],
            stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(VAR), start_new_session=True)
    processes.append(sink)
    deadline = time.time() + 30
    while not (_port_answers(smtp_port) and _port_answers(web_port)):
        if sink.poll() is not None or time.time() > deadline:
            tail = " | ".join(SINK_LOG.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-2:])
            raise OSError(f"the SMTP sink did not start (aiosmtpd missing in {ctx.python}?), see {SINK_LOG}: {tail}")
        time.sleep(0.2)
    return smtp_port


def _start_server(ctx: Context, port: int, processes: list) -> None:
    cmd = ctx.cmd("-d", TEST_DB, "--db-filter", f"^{TEST_DB}$", "--http-interface", HOST, "--http-port", port,
                  "--gevent-port", free_port(), "--workers", "2", "--max-cron-threads", "0", "--log-level", "info")
    with SERVER_LOG.open("w", encoding="utf-8") as fh:
        server = subprocess.Popen(cmd, env=odoo_env(), stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  cwd=str(VAR), start_new_session=True)
    processes.append(server)
    deadline = time.time() + 120
    while _http_status(f"http://{HOST}:{port}/web/health", timeout=10)[0] != 200:
        if server.poll() is not None or time.time() > deadline:
            raise OSError(f"the Odoo server did not start, see {SERVER_LOG}")
        time.sleep(1)


def _round_trip(ctx: Context, folder: Path, processes: list, results: list) -> None:
    smtp_port = _start_sink(ctx, folder, processes)
    port = free_port()
    base = f"http://{HOST}:{port}"
    # 1. the agent's reply leaves by SMTP
    tag = os.urandom(4).hex()
    script = SETUP.format(tag=tag, alias_domain=ALIAS_DOMAIN, base_url=base, host=HOST, smtp_port=smtp_port)
    code = ctx.shell(TEST_DB, script, timeout=600, log=SETUP_LOG)
    setup = _marked(SETUP_LOG, "E2E_SETUP")
    if code or not setup:
        results.append((STEPS[0], False, f"the setup script failed (exit code {code}), see {SETUP_LOG}"))
        return
    _start_server(ctx, port, processes)  # started once the data is there
    path = find_reply(folder, setup["contact_email"], tag)
    if path is None:
        results.append((STEPS[0], False, f"no email to {setup['contact_email']} reached the sink "
                                         f"({setup['queued']} queued, failures: {setup['failed']}); "
                                         f"see {SETUP_LOG} and {SINK_LOG}"))
        return
    shutil.copyfile(path, LOGS / "e2e-reply.eml")
    original = mailsink.read_message(path)
    urls = [u for u in mailsink.links(*mailsink.bodies(original)) if mailsink.MAGIC in u]
    reply_to = _addresses(str(original.get("Reply-To", "")))
    link_status, location = _http_status(urls[0]) if urls else (0, "")
    lands = link_status == 303 and re.search(rf"/my/ticket/{setup['ticket']}\b", location) is not None
    ok = bool(urls) and SUPPORT in reply_to and lands and setup["waiting"] == "client"
    results.append((STEPS[0], ok,
                    f"{len(urls)} sign-in link(s), the first answered {link_status} to {location or '-'}; "
                    f"Reply-To {original.get('Reply-To', '-')}; ticket awaiting {setup['waiting']}; "
                    f"{len(mailsink.messages(folder))} email(s) in the sink"))
    if not ok:
        return

    # 2. the client's answer through odoo-mailgate
    mailgate = ctx.odoo.src / MAILGATE
    if not mailgate.is_file():
        results.append((STEPS[1], False, f"odoo-mailgate not found at {mailgate} (in the Odoo source the "
                                         f"tooling found: {ctx.odoo.origin})"))
        return
    answer = f"Confirmed, the new address is right. Thank you! {tag}"
    raw = client_answer(original, f"Ana Client <{setup['contact_email']}>", answer)
    (LOGS / "e2e-answer.eml").write_bytes(raw)
    cmd = [str(ctx.python), str(mailgate), "-d", TEST_DB, "-u", str(setup["gateway"]), "-p", setup["key"],
           "--host", HOST, "--port", str(port), "--debug"]
    with MAILGATE_LOG.open("w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, input=raw, stdout=fh, stderr=subprocess.STDOUT, timeout=120, check=False)
    results.append((STEPS[1], proc.returncode == 0,
                    f"odoo-mailgate exit code {proc.returncode} ({mailgate}); answer in "
                    f"{LOGS / 'e2e-answer.eml'}, output in {MAILGATE_LOG}, server log {SERVER_LOG}"))
    if proc.returncode:
        return

    # 3. the answer in the ticket
    message_id = re.search(rb"^Message-Id: (<[^>]+>)", raw, re.MULTILINE | re.IGNORECASE).group(1).decode()
    code = ctx.shell(TEST_DB, CHECK.format(ticket=setup["ticket"], message_id=message_id, agent=setup["agent"],
                                           answer=answer), timeout=600, log=CHECK_LOG)
    found = _marked(CHECK_LOG, "E2E_CHECK")
    if code or not found:
        results.append((STEPS[2], False, f"the check script failed (exit code {code}), see {CHECK_LOG}"))
        return
    expected = {"found": 1, "res": ["helpdesk.ticket", setup["ticket"]], "author": setup["contact"],
                "type": "email", "internal": False, "subtype_comment": True, "answer_in_body": True,
                "waiting": "team", "awaiting": setup["awaiting"] + 1}
    wrong = {k: found.get(k) for k, v in expected.items() if found.get(k) != v}
    detail = (f"by {found['author_name']}, {'internal' if found['internal'] else 'public'}, "
              f"ticket awaiting {found['waiting']}, agent's badge {setup['awaiting']} -> {found['awaiting']}")
    if wrong:
        detail += f"; unexpected: {wrong} (see {CHECK_LOG}, {SERVER_LOG})"
    results.append((STEPS[2], not wrong, detail))
    return
