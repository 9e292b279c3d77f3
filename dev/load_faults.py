"""Faults during the load (`make load FAULTS=1`), driven beside Locust by dev/load.py:

1. at a quarter of the run, once the cron worker is rendering a background export: `kill -9` of
   that cron worker and of one HTTP worker (the one with the most memory). Odoo's master must
   respawn both; the export must finish later (the cron takes it again), whole. So that one is
   running then, the driver queues it itself shortly before (QUEUE_EXPORT: the documents of a
   signed-in client that have no PDF yet, rendered 2 per batch, each batch committed).
2. at half the run: `pg_ctl restart -m fast` of the project cluster. The server is not restarted:
   it must answer again by itself; no payment half-written; the webhooks that failed meanwhile
   succeed when "Stripe" retries them (bench/load/locustfile.py).
3. at 75 % of the run: the webhook storm, 1,000 duplicated events in 10 seconds (sent by the
   locustfile's Stripe user, LOAD_STORM_AT).

Times are recorded as epoch seconds; the report lines them up with what the clients saw.
"""
from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path

from dev.load_procs import children, is_gevent_worker, kill9, niceness, pg_restart, rss_mb, wait_for
from dev.odoo_runtime import Context
from dev.postgres import _as_pg_owner, pg_bindir, pg_root

# A background export for the kill -9 to interrupt: the signed-in client (a portal user of the run)
# with the most documents without a PDF, rendered 2 per batch by the cron (visible as 'running'
# between batches; the batch size is put back by CHECK's caller at the end: finish()).
QUEUE_EXPORT = """
Move = env['account.move']
env['ir.config_parameter'].set_param('account.pdf_generation_batch', '2')
best = None
signed_in = env['res.users'].search([('share', '=', True)], order='id desc', limit=100)  # the run's newest
for user in signed_in:
    moves = Move.search([('commercial_partner_id', '=', user.partner_id.commercial_partner_id.id),
                         ('move_type', 'in', ('out_invoice', 'out_refund')), ('state', '=', 'posted')])
    moves = moves.filtered(lambda move: not move.invoice_pdf_report_id)
    if best is None or len(moves) > len(best[1]):
        best = (user, moves)
    if len(moves) >= 20:
        break
export = env['client_hub.portal.export']._queue(best[0], best[1])
print('LOAD_EXPORT_QUEUED', export.id, len(best[1]))
"""
RESTORE_BATCH = "env['ir.config_parameter'].set_param('account.pdf_generation_batch', False)"


class FaultDriver(threading.Thread):
    def __init__(self, ctx: Context, db: str, master: int, duration: int, base: str, out: Path):
        super().__init__(daemon=True, name="load-faults")
        self.ctx, self.db, self.master, self.duration, self.base, self.out = ctx, db, master, duration, base, out
        self.report: dict = {"kill": None, "pg_restart": None, "storm_at": round(duration * 0.75)}
        self._cron: set[int] = set()

    # ------------------------------------------------------------------ who is who
    @staticmethod
    def cron_of(_ctx: Context, master: int) -> set[int]:
        """The cron worker: the child of ``master`` that lowered its priority (Odoo's WorkerCron
        starts with os.nice(10); HTTP and gevent workers keep the master's)."""
        return {pid for pid in children(master) if niceness(pid) >= 10}

    def cron_pids(self) -> set[int]:
        found = self.cron_of(self.ctx, self.master)
        if found:
            self._cron = found
        return self._cron

    def http_workers(self) -> list[int]:
        cron = self.cron_pids()
        return [p for p in children(self.master) if p not in cron and not is_gevent_worker(p)]

    def running_export(self) -> str:
        try:
            # pending: taken by the cron (running) or about to be (queued); its state is committed
            # between batches only, so a job being rendered may still read 'queued'
            return self.ctx.psql("SELECT id || ' ' || progress_done || ' ' || document_count FROM "
                                 "client_hub_portal_export WHERE state IN ('queued', 'running') "
                                 "AND progress_done < document_count ORDER BY id DESC LIMIT 1", self.db)
        except Exception:
            return ""

    def answers(self, path: str = "/web/login") -> bool:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:  # noqa: S310 (local server)
                return response.status == 200
        except OSError:
            return False

    # ------------------------------------------------------------------ the faults
    def run(self):
        self.t0 = time.time()
        try:
            # queued in the background so that it starts rendering about when the wait below begins
            # (odoo shell takes 10 to 15 s to start on a busy machine)
            self.sleep_until(self.duration * 0.25 - 12)
            queue = threading.Thread(target=self.queue_export, daemon=True)
            queue.start()
            self.sleep_until(self.duration * 0.25)
            self.kill_workers()
            queue.join(timeout=120)
            self.sleep_until(self.duration * 0.5)
            self.restart_postgres()
        except Exception as error:
            self.report["error"] = repr(error)

    def queue_export(self):
        self.report["export_queued"] = self.ctx.shell(self.db, QUEUE_EXPORT, timeout=120) == 0

    def sleep_until(self, offset: float):
        delay = self.t0 + offset - time.time()
        if delay > 0:
            time.sleep(delay)

    def kill_workers(self):
        export = wait_for(self.running_export, timeout=self.duration * 0.2, step=0.5) or ""
        cron = sorted(self.cron_pids())
        http = sorted(self.http_workers(), key=rss_mb, reverse=True)[:1]
        before = children(self.master)
        at = time.time()
        killed = [p for p in cron + http if kill9(p)]
        respawned = wait_for(lambda: len(set(children(self.master)) - set(before)) >= len(killed) and
                             len(children(self.master)) >= len(before), timeout=60)
        self.report["kill"] = {
            "at": at, "cron": cron, "http": http, "killed": killed,
            "export": export.split()[0] if export else None,
            "export_progress": f"{export.split()[1]} of {export.split()[2]} PDFs" if export else None,
            "respawned_in": round(time.time() - at, 1) if respawned else None,
            "new_workers": sorted(set(children(self.master)) - set(before)),
        }

    def restart_postgres(self):
        root = pg_root()
        at = time.time()
        code, seconds = pg_restart(_as_pg_owner, pg_bindir() / "pg_ctl", root / "data", root / "server.log")
        answered = wait_for(self.answers, timeout=120, step=0.5)
        self.report["pg_restart"] = {
            "at": at, "exit": code, "seconds": round(seconds, 1),
            "server_answers_after": round(time.time() - at, 1) if answered else None,
            "master_alive": bool(children(self.master)),
        }

    def finish(self):
        """After the run: what became of the export the killed cron worker was rendering."""
        if self.report.get("export_queued") is not None:
            self.ctx.shell(self.db, RESTORE_BATCH, timeout=120)
        kill = self.report.get("kill") or {}
        if kill.get("export"):
            kill["export_final"] = self.ctx.psql(
                "SELECT state || ' ' || progress_done || '/' || document_count || ' ' || coalesce(attachment_id::text, "
                "'no archive') FROM client_hub_portal_export WHERE id = :'id'", self.db, id=kill["export"])


class ServerKill(threading.Thread):
    """`make load SERVERS=2 FAULTS=1`: a whole server dies and comes back, as a machine does.

    An export is queued at a fifth of the run; at a third, the server whose cron worker renders it
    (a wkhtmltopdf child; else the last server) gets `kill -9` of its process group: its master and
    every worker at once, requests in flight included. It is started again 15 s later (its own
    command and configuration); HAProxy's health check puts it back. The webhook storm (at 75 %, from
    the locustfile) goes through HAProxy too. Every GET must be answered (HAProxy retries it on the
    other server); the export must end whole (the other server's cron takes it again)."""

    DOWN_SECONDS = 15

    def __init__(self, ctx: Context, db: str, servers, balancer, duration: int, out: Path):
        super().__init__(daemon=True, name="load-server-kill")
        self.ctx, self.db, self.servers, self.balancer, self.duration, self.out = (
            ctx, db, servers, balancer, duration, out)
        self.report: dict = {"server_kill": None, "storm_at": round(duration * 0.75)}
        self.export = FaultDriver(ctx, db, servers[0].master, duration, "", out)  # its queue and export helpers
        self.export.report = self.report

    def run(self):
        self.t0 = time.time()
        try:
            self.export.t0 = self.t0
            self.export.sleep_until(max(0, self.duration * 0.2 - 12))
            self.export.queue_export()
            self.export.sleep_until(self.duration * 0.33)
            self.kill_and_restart()
        except Exception as error:
            self.report["error"] = repr(error)

    def renderer(self):
        """The server whose cron worker has a wkhtmltopdf child (it renders the export), if any."""
        for server in self.servers:
            for cron in FaultDriver.cron_of(self.ctx, server.master):
                if children(cron):
                    return server
        return None

    def kill_and_restart(self):
        export = wait_for(self.export.running_export, timeout=self.duration * 0.1, step=0.5) or ""
        renderer = wait_for(self.renderer, timeout=min(20, self.duration * 0.1), step=0.5)
        victim = renderer or self.servers[-1]
        at = time.time()
        killed = victim.kill9()
        gone = wait_for(lambda: all(_gone(pid) for pid in killed), timeout=10, step=0.2)
        time.sleep(max(0.0, at + self.DOWN_SECONDS - time.time()))
        restarted = time.time()
        victim.start()
        answered = victim.wait_up()
        back = wait_for(lambda: self.balanced(victim.name), timeout=60, step=0.5)
        self.report["server_kill"] = {
            "at": at, "server": victim.name, "killed": killed, "all_dead": bool(gone),
            "rendering_export": renderer is not None,
            "export": export.split()[0] if export else None,
            "export_progress": f"{export.split()[1]} of {export.split()[2]} PDFs" if export else None,
            "restarted_at": restarted, "answered_after": round(answered, 1) if answered is not None else None,
            "back_in_haproxy_at": back and round(back - at, 1),
        }

    def balanced(self, name: str):
        from dev.load_servers import parse_stats

        try:
            row = parse_stats(self.balancer.stats_csv()).get(f"odoo_http/{name}", {})
        except OSError:
            return None
        return time.time() if row.get("status") == "UP" else None

    def finish(self):
        self.export.report = {"export_queued": self.report.get("export_queued"), "kill": self.report["server_kill"]}
        self.export.finish()


def _gone(pid: int) -> bool:
    """The process has ended (no longer in /proc, or a zombie not yet reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2] in "ZX"
