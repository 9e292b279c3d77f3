"""The demo: `run` (demo database, local mail sink, Odoo server) and `stop`.

A fresh demo is made in this order: install client_hub, start the mail sink, start the server, and
only then seed (the seeder renders the invoice PDFs with wkhtmltopdf, which fetches its assets from
the running server, and sends the documents through Odoo's send wizard into the sink). The server
and the sink are child processes in sessions of their own, with pid files in var/: in the
foreground, Ctrl-C (or the server's end) stops both; `--detach` leaves them running until `stop`.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from dev import bootstrap, demo_data
from dev.common import DEMO_DB, MODULE, VAR, SetupError, say
from dev.demo_console import ConsoleFilter
from dev.odoo_runtime import Context, context, odoo_env
from dev.processes import HOST, cmdline, next_free_port, port_answers, port_busy, read_pid, stop_pid, stop_pidfile, tail

DEFAULT_PORT = 8069
DEFAULT_MAIL_PORT = 2525
DEFAULT_MAIL_WEB_PORT = 8025

SERVER_PID = VAR / "demo-server.pid"
SINK_PID = VAR / "mailsink.pid"
MAIL_DIR = VAR / "mail"
SERVER_LOG = VAR / "logs" / "demo-server.log"
SINK_LOG = VAR / "logs" / "mailsink.log"
SINK_SCRIPT = Path(__file__).resolve().with_name("mailsink.py")
SINK_MARK = "mailsink.py"  # how a pid file's process is recognised (not a recycled pid)


def server_mark() -> str:
    return f"^{DEMO_DB}$"  # the demo server's --db-filter


def _sink_ports(pid: int) -> tuple[int, int] | None:
    words = cmdline(pid).split()
    try:
        return int(words[words.index("--smtp-port") + 1]), int(words[words.index("--web-port") + 1])
    except (ValueError, IndexError):
        return None


def running_sink(mail_port: int, web_port: int) -> int | None:
    """The pid of our mail sink when it runs on these ports and answers on both."""
    pid = read_pid(SINK_PID, SINK_MARK)
    if pid and _sink_ports(pid) == (mail_port, web_port) and port_answers(mail_port) and port_answers(web_port):
        return pid
    return None



# --------------------------------------------------------------------------------------------
# Before anything else: is there room for this demo?
# --------------------------------------------------------------------------------------------
def preflight(args) -> None:
    """Refuse early (before any database work) when the ports are taken or a demo already runs."""
    ports = {"PORT": args.port, "MAIL_PORT": args.mail_port, "MAIL_WEB_PORT": args.mail_web_port}
    if len(set(ports.values())) < 3:
        raise SetupError("PORT, MAIL_PORT and MAIL_WEB_PORT must be three different ports "
                         f"(got {', '.join(f'{k}={v}' for k, v in ports.items())}).")
    server = read_pid(SERVER_PID, server_mark())
    if server:
        raise SetupError(f"A demo server is already running (pid {server}, see {SERVER_PID}).\n"
                         "Stop it first: make stop   (or: python3 dev/manage.py stop)")
    if port_busy(args.port):
        other = next_free_port(args.port, tuple(ports.values()))
        raise SetupError(
            f"Port {args.port} is busy: another server uses it (maybe a detached demo: `make stop` stops it).\n"
            f"Choose another port: make run PORT={other}   (or: python3 dev/manage.py run --port {other})")
    ours = read_pid(SINK_PID, SINK_MARK)
    ours_ports = _sink_ports(ours) if ours else None
    for key, option, port, what in (("MAIL_PORT", "--mail-port", args.mail_port, "SMTP"),
                                    ("MAIL_WEB_PORT", "--mail-web-port", args.mail_web_port, "web page")):
        if port_busy(port) and not (ours_ports and port in ours_ports):
            other = next_free_port(port, tuple(ports.values()))
            raise SetupError(
                f"Port {port} (the demo's mail sink, {what}) is busy: another program uses it\n"
                "(maybe the mail sink of a detached demo, which `make stop` stops, or of another checkout).\n"
                f"Choose another port: make run {key}={other}   (or: python3 dev/manage.py run {option} {other})")


# --------------------------------------------------------------------------------------------
# The mail sink and the server
# --------------------------------------------------------------------------------------------
def ensure_sink(python: Path, mail_port: int, web_port: int) -> None:
    """Start the mail sink in the background, or reuse the one already running on these ports."""
    pid = running_sink(mail_port, web_port)
    if pid:
        say(f"mail sink already running (pid {pid}): reusing it")
        return
    stop_pidfile(SINK_PID, SINK_MARK, "mail sink")  # ours, on other ports or not answering
    probe = subprocess.run([str(python), "-c", "import aiosmtpd"], capture_output=True, check=False)
    if probe.returncode:
        raise SetupError(f"aiosmtpd is missing in {python.parent.parent} (the mail sink needs it): run `make setup`.")
    MAIL_DIR.mkdir(parents=True, exist_ok=True)
    SINK_LOG.parent.mkdir(parents=True, exist_ok=True)
    with SINK_LOG.open("a", encoding="utf-8") as fh:
        proc = subprocess.Popen([str(python), str(SINK_SCRIPT), "--smtp-port", str(mail_port),
                                 "--web-port", str(web_port), "--dir", str(MAIL_DIR)],
                                stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=str(VAR), start_new_session=True)
    SINK_PID.write_text(str(proc.pid), encoding="utf-8")
    deadline = time.time() + 30
    while not (port_answers(mail_port) and port_answers(web_port)):
        if proc.poll() is not None or time.time() > deadline:
            stop_pidfile(SINK_PID, SINK_MARK, "mail sink")
            raise SetupError("the mail sink did not start; the end of its log "
                             f"({SINK_LOG}):\n" + "\n".join(tail(SINK_LOG)))
        time.sleep(0.2)
    say(f"mail sink started (pid {proc.pid}): SMTP on {HOST}:{mail_port}, "
        f"messages on http://{HOST}:{web_port} and in {MAIL_DIR}")


def start_server(ctx: Context, args) -> subprocess.Popen:
    cmd = ctx.cmd("-d", DEMO_DB, "--db-filter", server_mark(), "--http-interface", HOST,
                  "--http-port", args.port, "--workers", str(args.workers), "--max-cron-threads", "1",
                  "--smtp", HOST, "--smtp-port", args.mail_port)
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    with SERVER_LOG.open("w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, env=odoo_env(), stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=str(VAR), start_new_session=True)
    SERVER_PID.write_text(str(proc.pid), encoding="utf-8")
    say(f"demo server starting on http://{HOST}:{args.port} (pid {proc.pid}, log {SERVER_LOG})")
    return proc


def wait_health(proc: subprocess.Popen, port: int, timeout: float = 300) -> None:
    url = f"http://{HOST}:{port}/web/health"
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if proc.poll() is not None:
            raise SetupError(f"the demo server stopped while starting (exit code {proc.returncode}); "
                             f"the end of {SERVER_LOG}:\n" + "\n".join(tail(SERVER_LOG)))
        if time.time() > deadline:
            raise SetupError(f"the demo server did not answer {url} within {timeout:.0f}s; see {SERVER_LOG}")
        time.sleep(1)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        stop_pid(proc.pid, "demo server")
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
    if read_pid(SERVER_PID, server_mark()) in (None, proc.pid):
        SERVER_PID.unlink(missing_ok=True)


def serve_foreground(proc: subprocess.Popen) -> int:
    """Show the server's warnings and errors (with their tracebacks; the whole log stays in
    SERVER_LOG) until it exits; Ctrl-C and SIGTERM are passed on to it (Odoo shuts down
    gracefully on the first, at once on the second)."""
    interrupted = []

    def forward(signum, frame):
        interrupted.append(signum)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        show = ConsoleFilter(SERVER_LOG, level="WARNING", traceback=True)
        with SERVER_LOG.open(encoding="utf-8", errors="replace") as log:
            log.seek(0, os.SEEK_END)
            pending = ""
            while True:
                ended = proc.poll() is not None
                *lines, pending = (pending + log.read()).split("\n")
                for line in [*lines, pending] if ended else lines:
                    shown = show(line)
                    if shown is not None:
                        print(shown, flush=True)
                if ended:
                    break
                time.sleep(0.3)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if interrupted:
        say("demo server stopped")
        return 0
    say(f"the demo server exited (code {proc.returncode}); see {SERVER_LOG}")
    return proc.returncode or 0



def cmd_run(args) -> int:
    preflight(args)  # before anything else: no database work when the demo could not start
    if not args.no_setup:
        rc = bootstrap.setup(before="run")  # idempotent: seconds once done
        if rc:
            return rc
    ctx = context(require=True)
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    base_url = f"http://{HOST}:{args.port}"
    if args.reset:
        ctx.drop_db(DEMO_DB)
    fresh = not ctx.db_exists(DEMO_DB)
    proc = None
    keep = False  # server and sink outlive this command (--detach)
    made = False  # a fresh database is complete (installed and seeded)
    try:
        if fresh:
            say(f"creating demo database {DEMO_DB}: install {MODULE}, start the mail sink and the server, "
                "then seed the demo clients")
            demo_data.install(ctx)
        elif args.upgrade:
            demo_data.upgrade(ctx)
        ensure_sink(ctx.python, args.mail_port, args.mail_web_port)
        proc = start_server(ctx, args)
        wait_health(proc, args.port)
        if fresh:
            demo_data.warm_report_assets(ctx, args.port)
            demo_data.seed(ctx, args.mail_port, base_url, MAIL_DIR)
        made = True
        demo_data.show_banner(ctx, args, base_url, configure=not fresh, mail_dir=MAIL_DIR)
        if args.detach:
            keep = True
            say(f"demo server (pid {proc.pid}, log {SERVER_LOG}) and mail sink run in the background; "
                "stop them with: make stop   (or: python3 dev/manage.py stop)")
            return 0
        say(f"Ctrl-C stops the demo server and the mail sink; the console shows its warnings and errors "
            f"(its whole log: {SERVER_LOG})")
        return serve_foreground(proc)
    finally:
        # every step runs, whatever failed before it (even printing, into a closed pipe), and a
        # second Ctrl-C does not cut the cleanup short
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if not keep:
                if proc is not None:
                    _quietly(stop_server, proc)
                _quietly(stop_pidfile, SINK_PID, SINK_MARK, "mail sink")
            if fresh and not made:
                _quietly(drop_unfinished, ctx)
        finally:
            signal.signal(signal.SIGINT, previous)


def _quietly(step, *args) -> None:
    try:
        step(*args)
    except Exception as exc:
        with contextlib.suppress(Exception):
            say(f"cleanup: {step.__name__} failed: {exc}")


def drop_unfinished(ctx: Context) -> None:
    """Never leave a half-made demo database that the next run would take as done."""
    if ctx.db_exists(DEMO_DB):
        ctx.drop_db(DEMO_DB)
        say(f"the unfinished demo database {DEMO_DB} was dropped: the next `make run` starts over")


def cmd_stop(args) -> int:
    """Stop a detached (or foreground) demo server and the mail sink; stale pid files are cleaned."""
    stopped = stop_pidfile(SERVER_PID, server_mark(), "demo server")
    stopped = stop_pidfile(SINK_PID, SINK_MARK, "mail sink") or stopped
    if not stopped:
        say("no demo server or mail sink running")
    return 0
