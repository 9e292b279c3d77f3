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
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from dev import mailbox
from dev.common import TEST_DB, VAR, free_port
from dev.e2e_mail import addresses, client_answer, find_reply
from dev.e2e_scripts import ALIAS_DOMAIN, CHECK, SETUP, SUPPORT
from dev.odoo_runtime import Context, odoo_env
from dev.processes import HOST, port_answers

SINK_SCRIPT = Path(__file__).resolve().with_name("mailsink.py")
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


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
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
            [str(ctx.python), str(SINK_SCRIPT), "--smtp-port", str(smtp_port),
             "--web-port", str(web_port), "--dir", str(folder), "--host", HOST],
            stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(VAR), start_new_session=True)
    processes.append(sink)
    deadline = time.time() + 30
    while not (port_answers(smtp_port) and port_answers(web_port)):
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
    original = mailbox.read_message(path)
    urls = [u for u in mailbox.links(*mailbox.bodies(original)) if mailbox.MAGIC in u]
    reply_to = addresses(str(original.get("Reply-To", "")))
    link_status, location = _http_status(urls[0]) if urls else (0, "")
    lands = link_status == 303 and re.search(rf"/my/ticket/{setup['ticket']}\b", location) is not None
    ok = bool(urls) and SUPPORT in reply_to and lands and setup["waiting"] == "client"
    results.append((STEPS[0], ok,
                    f"{len(urls)} sign-in link(s), the first answered {link_status} to {location or '-'}; "
                    f"Reply-To {original.get('Reply-To', '-')}; ticket awaiting {setup['waiting']}; "
                    f"{len(mailbox.messages(folder))} email(s) in the sink"))
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
