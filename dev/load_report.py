"""The load test's report (dev/load.py): Locust's figures per route (its CSV), the 5xx and other
failures, each worker's peak memory, the nothing-lost checks read back from the database, the
faults and what the clients saw meanwhile; and whether the run passed."""
from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from dev import load_servers


@dataclass
class Report:
    text: str
    passed: bool


def _stats(out: Path) -> list[dict]:
    path = out / "locust_stats.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _ms(value) -> str:
    try:
        return f"{float(value):,.0f}"
    except (TypeError, ValueError):
        return "-"


def _table(rows, headers) -> list[str]:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [" | ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return lines


def _windows(faults: dict | None, t0: float | None, storm: dict | None = None) -> list[tuple[str, float, float]]:
    """(fault, start, end) in seconds since Locust's start: the windows where clients may see
    errors because of a fault."""
    if not faults or not t0:
        return []
    windows = []
    if faults.get("server_kill"):  # down, started again, back in HAProxy (or 90 s)
        kill = faults["server_kill"]
        windows.append(("server killed", kill["at"] - t0 - 1, kill["at"] - t0 + (kill["back_in_haproxy_at"] or 90) + 5))
    if faults.get("kill"):
        windows.append(("kill -9", faults["kill"]["at"] - t0 - 1, faults["kill"]["at"] - t0 + 30))
    if faults.get("pg_restart"):
        at = faults["pg_restart"]["at"] - t0
        windows.append(("PostgreSQL restart", at - 1, at + 40))
    if storm:  # its thousand connections at once (times already from Locust's start)
        windows.append(("webhook storm", storm["t"] - 1, storm["t"] + (storm.get("seconds") or 60) + 5))
    return windows


def build(*, opts, out, results, checks, memory, locust_rc, wall, exports_wait, faults, workers_after, server_log,
          clients, loadavg=None, servers=None) -> Report:
    lines, problems = [], []
    stats = _stats(out)
    total = next((r for r in stats if r["Name"] == "Aggregated"), None)
    cores = os.cpu_count()
    count = getattr(opts, "servers", 1)
    setup = ("odoo-bin --workers 4 --max-cron-threads 1" if count == 1 else
             f"{count} x odoo-bin --workers 2 --max-cron-threads 1 --proxy-mode behind HAProxy (deploy/haproxy.cfg)")
    lines.append(f"== client_hub {'load with faults' if opts.faults else 'load'}: database {opts.db} "
                 f"({int(clients):,} clients), {opts.users} client users + Stripe + mail server, "
                 f"{opts.duration} s (Locust ran {wall:.0f} s with the stop), {setup}, {cores} cores shared ==")
    if loadavg:
        lines.append(f"machine load average (1 min) at the start / end of the run: {loadavg[0]:.1f} / {loadavg[1]:.1f} "
                     f"on {cores} cores (other work on the machine counts too)")
    if results is None or total is None:
        problems.append(f"Locust left no results (exit code {locust_rc}), see {out / 'locust.log'}")
        results = results or {"failures": [], "status_5xx": {}, "webhooks": [], "mail": [], "replies": [],
                              "payments": [], "exports": []}
    if locust_rc not in (0, 1):
        problems.append(f"Locust exited with code {locust_rc}, see {out / 'locust.log'}")
    n5xx = sum(results["status_5xx"].values())
    failures = results["failures"]
    t0 = results.get("t0")
    windows = _windows(faults, t0, results.get("storm"))

    def in_window(t):
        return next((name for name, start, end in windows if start <= t <= end), None)

    outside = [f for f in failures if not in_window(f["t"])]
    failed_gets = [f for f in failures if f.get("method") == "GET"]
    if total:
        lines.append(f"requests: {int(total['Request Count']):,}, {float(total['Requests/s']):.1f} per second; "
                     f"p50 {_ms(total['50%'])} ms, p95 {_ms(total['95%'])} ms, p99 {_ms(total['99%'])} ms; "
                     f"5xx: {n5xx}; other failures: {len(failures) - n5xx}; failed GET: {len(failed_gets)}")
        rows = [[r["Type"], r["Name"], r["Request Count"], r["Failure Count"], _ms(r["50%"]), _ms(r["95%"]),
                 _ms(r["99%"]), _ms(r["Max Response Time"]), f"{float(r['Requests/s']):.2f}"]
                for r in stats if r["Name"] != "Aggregated"]
        lines += _table(rows, ["type", "route", "requests", "failures", "p50 ms", "p95 ms", "p99 ms", "max ms",
                               "req/s"])
    if failures:
        by = Counter((f["name"], f["status"], f["error"][:90]) for f in failures)
        lines.append("failures (route, HTTP status, error: count):")
        lines += [f"  {name} {status}: {error}: {count}" for (name, status, error), count in by.most_common(12)]
    if servers:
        lines += load_servers.report_lines(servers)
    peaks, kinds = memory
    if peaks:
        lines.append("peak memory per worker (RSS, MB): " + ", ".join(
            f"{kinds.get(pid, '?')} {pid}: {mb:.0f}" for pid, mb in sorted(peaks.items(), key=lambda x: -x[1])))
        http = [mb for pid, mb in peaks.items() if kinds.get(pid) == "HTTP"]
        if http:
            lines.append(f"  HTTP workers: max {max(http):.0f} MB (limit_memory_soft 640 MB, hard 768 MB); "
                         f"{len(http)} HTTP worker processes over the run")
    # ---------------------------------------------------------------- nothing lost
    lines.append("nothing lost (read back from the database):")
    if checks is None:
        problems.append("the database check did not run, see check.log")
    else:
        r = checks["replies"]
        ok = r["wrong_count"] == 0
        lines.append(f"  [{'ok' if ok else 'FAIL'}] replies: {r['portal_sent']} from the portal and {r['email_sent']} "
                     f"by email ({r['email_retried']} redelivered by the mail server) each exactly once in its ticket; "
                     f"{r['not_delivered']} not acknowledged to the sender, none duplicated"
                     + ("" if ok else f"; WRONG: {r['wrong_count']}: {r['wrong'][:3]}"))
        if not ok:
            problems.append("replies lost or duplicated")
        p = checks["payments"]
        ok = not p["wrong_count"] and not p["unconfirmed_booked"] and not p["unposted_payments"]
        lines.append(f"  [{'ok' if ok else 'FAIL'}] payments: {p['confirmed']} confirmed by Stripe of "
                     f"{p['transactions']} "
                     f"transactions; each done with exactly one posted, reconciled account.payment and its invoice "
                     f"paid ({p['payments']} payments in all); {p['unconfirmed']} never confirmed, none booked; "
                     f"transaction states {p['tx_states']}"
                     + ("" if ok else f"; WRONG: {p['wrong_count']} {p['wrong'][:3]} {p['unconfirmed_booked'][:3]} "
                                      f"unposted {p['unposted_payments']}"))
        if not ok:
            problems.append("payments wrong")
        rc = checks.get("receipts") or {"states": {}, "doubled_count": 0, "doubled": []}
        unsent = {state: n for state, n in rc["states"].items() if state != "sent"}
        ok = not rc["doubled_count"] and not unsent
        lines.append(f"  [{'ok' if ok else 'FAIL'}] receipts: made by the background job, "
                     f"{rc['states'].get('sent', 0)} sent, none to one address twice"
                     + ("" if ok else f"; WRONG: not sent {unsent}, doubled {rc['doubled'][:3]}"))
        if not ok:
            problems.append("receipts not sent once")
        e = checks["exports"]
        ok = not e["wrong"] and not e["missing"]
        lines.append(f"  [{'ok' if ok else 'FAIL'}] exports: {e['count']} background exports, {e['done']} done with "
                     f"their whole ZIP in the file store ({exports_wait:.0f} s after Locust stopped)"
                     + ("" if ok else f"; WRONG: {e['wrong'][:3]} missing {e['missing'][:3]}"))
        if not ok:
            problems.append("exports not finished")
    hooks = results["webhooks"]
    undelivered = [h for h in hooks if not h["attempts"] or h["attempts"][-1][1] != 200]
    retried = [h for h in hooks if len(h["attempts"]) > 1]
    lines.append(f"  [{'ok' if not undelivered else 'FAIL'}] webhooks: {len(hooks)} deliveries (each event twice, "
                 f"{sum(1 for h in hooks if h['race'])} racing the client's return), {len(retried)} retried by Stripe, "
                 f"{len(undelivered)} never acknowledged")
    if undelivered:
        problems.append(f"{len(undelivered)} webhook deliveries never acknowledged")
    mail_lost = [m for m in results["mail"] if not m.get("ok")]
    if mail_lost:
        problems.append(f"{len(mail_lost)} email answers never accepted by odoo-mailgate")
    # ---------------------------------------------------------------- coverage: the journey happened
    payments = results["payments"]
    coverage = {"sign-ins": results.get("signins", {}).get("ok", 0), "journeys": results.get("journeys", 0),
                "ZIPs": results.get("zips", 0), "exports": len(results["exports"]), "payments": len(payments),
                "portal replies": len(results["replies"]), "email answers": len(results["mail"])}
    lines.append("  journeys: " + ", ".join(f"{k} {v}" for k, v in coverage.items()))
    missing = [k for k, v in coverage.items() if not v]
    if missing:
        problems.append(f"nothing done for: {', '.join(missing)}")
    if coverage["sign-ins"] < opts.users:
        problems.append(f"only {coverage['sign-ins']} of {opts.users} clients signed in")
    # ---------------------------------------------------------------- faults
    if opts.faults:
        problems += _faults(lines, faults, results, checks, windows, failures, t0)
        if faults and faults.get("server_kill") is not None and failed_gets:
            problems.append(f"{len(failed_gets)} failed GET (HAProxy retries a GET on the other server)")
        if outside:
            problems.append(f"{len(outside)} failures outside the faults' windows: " + "; ".join(
                f"{f['t']:.0f} s {f['name']} {f['status']} {f['error'][:60]}" for f in outside[:5]))
    else:
        if n5xx:
            problems.append(f"{n5xx} server errors (5xx)")
        if failures:
            problems.append(f"{len(failures)} failed requests")
    for name, limit in (opts.thresholds or {}).items():
        value = float(total[name]) if total and total.get(name) not in (None, "", "N/A") else None
        if value is None or value > limit:
            problems.append(f"{name} = {value} ms over the threshold {limit} ms")
    lines.append(f"workers alive at the end: {workers_after}; server log {server_log}")
    lines.append("RESULT: " + ("PASS" if not problems else "FAIL: " + "; ".join(problems)))
    return Report("\n".join(lines), not problems)


def _faults(lines, faults, results, checks, windows, failures, t0) -> list[str]:
    problems = []
    lines.append("faults (times from Locust's start):")
    if not faults:
        return ["the fault driver did not report"]
    if faults.get("error"):
        problems.append(f"fault driver: {faults['error']}")
    seen = Counter()
    for f in failures:
        for name, start, end in windows:
            if start <= f["t"] <= end:
                seen[(name, f["name"], f["status"])] += 1

    def saw(fault):
        items = [f"{route} {status or 'no answer'} x{count}" for (name, route, status), count in seen.items()
                 if name == fault]
        return "; ".join(items) or "no error"

    kill = faults.get("kill")
    if kill:
        ok = len(kill["killed"]) >= 2 and kill["respawned_in"] is not None and (
            not kill["export"] or (kill.get("export_final") or "").startswith("done"))
        lines.append(f"  [{'ok' if ok else 'FAIL'}] kill -9 at {kill['at'] - t0:.0f} s of the cron worker "
                     f"{kill['cron']} "
                     f"(rendering export {kill['export']}, {kill['export_progress']}) and HTTP worker {kill['http']}: "
                     f"respawned by the master in {kill['respawned_in']} s ({kill['new_workers']}); the export ended "
                     f"{kill.get('export_final')}; clients saw: {saw('kill -9')}")
        if not ok:
            problems.append("kill -9: not recovered")
        if not kill["export"]:
            problems.append("kill -9: no export was running when the cron worker was killed")
    if "server_kill" in faults:
        problems += _server_kill(lines, faults.get("server_kill"), failures, t0, saw)
    pg = faults.get("pg_restart")
    if pg:
        hooks = results["webhooks"]
        start = pg["at"] - t0
        failed_then = [h for h in hooks if any(start - 1 <= t <= start + 40 and s != 200 for t, s in h["attempts"])]
        recovered = [h for h in failed_then if h["attempts"][-1][1] == 200]
        mails = [m for m in results["mail"] if len(m["attempts"]) > 1]
        ok = pg["exit"] == 0 and pg["server_answers_after"] is not None and pg["master_alive"] and (
            len(recovered) == len(failed_then))
        lines.append(f"  [{'ok' if ok else 'FAIL'}] PostgreSQL restarted at {start:.0f} s (pg_ctl restart -m fast, "
                     f"{pg['seconds']} s): the server answered again {pg['server_answers_after']} s later without a "
                     f"restart; clients saw: {saw('PostgreSQL restart')}; webhooks failed meanwhile: "
                     f"{len(failed_then)}, all acknowledged on Stripe's retry: {len(recovered) == len(failed_then)}; "
                     f"email answers redelivered: {len(mails)}; half-written payments: "
                     f"{(checks or {}).get('payments', {}).get('unposted_payments', '?')}")
        if not ok:
            problems.append("PostgreSQL restart: not recovered")
    storm = results.get("storm")
    if storm:
        not_one = (checks or {}).get("storm", {}).get("not_one", {"?": "no check"})
        ok = storm.get("finished") and storm["sent"] == 1000 and not not_one
        lines.append(f"  [{'ok' if ok else 'FAIL'}] webhook storm at {storm['t']:.0f} s: {storm['sent']} duplicated "
                     f"events for {len(storm['references'])} transactions, dispatched in "
                     f"{storm.get('dispatch_seconds')} s, all answered in {storm.get('seconds')} s; answers "
                     f"{storm['status']}; payments per transaction: exactly one for all"
                     + ("" if not not_one else f" but {not_one}"))
        if not ok:
            problems.append("webhook storm")
    else:
        problems.append("the webhook storm did not run")
    return problems


def _server_kill(lines, kill, failures, t0, saw) -> list[str]:
    if not kill:
        return ["the server kill did not run"]
    gets = sum(1 for f in failures if f.get("method") == "GET")
    export_ok = not kill["export"] or (kill.get("export_final") or "").startswith("done")
    ok = kill["all_dead"] and kill["answered_after"] is not None and kill["back_in_haproxy_at"] is not None and (
        export_ok)
    lines.append(f"  [{'ok' if ok else 'FAIL'}] server {kill['server']} killed at {kill['at'] - t0:.0f} s (kill -9 of "
                 f"its process group: master and workers {kill['killed']}, all dead: {kill['all_dead']}; its cron "
                 + (f"rendering export {kill['export']}, {kill['export_progress']}" if kill["rendering_export"] else
                    "rendering nothing then") +
                 f"); started again at {kill['restarted_at'] - t0:.0f} s, answered {kill['answered_after']} s later, "
                 f"back in HAProxy {kill['back_in_haproxy_at']} s after the kill; export {kill['export']} ended "
                 f"{kill.get('export_final')}; failed GET in the whole run: {gets}; "
                 f"clients saw: {saw('server killed')}")
    return [] if ok else ["server kill: not recovered"]
