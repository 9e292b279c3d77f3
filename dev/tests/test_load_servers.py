"""`make load SERVERS=2` and `make capacity`, their pure parts: deploy/haproxy.cfg rendered for a
run, HAProxy's log and statistics read per server, the report's server kill, the capacity table."""
import json
import re
import tempfile
import unittest
from pathlib import Path
from typing import ClassVar

from dev import load, load_capacity, load_report, load_servers

CFG = load_servers.HAPROXY_CFG.read_text(encoding="utf-8")
PORTS = load_servers.Ports(front=18080, reports=18073, stats=18404, http=[18001, 18002], gevent=[18101, 18102])
STATS = (
    "# pxname,svname,qcur,stot,wretr,wredis,status,chkdown,downtime,hrsp_5xx\n"
    "client_hub,FRONTEND,,120,,,OPEN,,,0\n"
    "odoo_http,odoo1,0,70,3,3,UP,0,0,0\n"
    "odoo_http,odoo2,0,50,1,1,UP,1,15,0\n"
    "odoo_http,BACKEND,0,120,4,4,UP,0,0,0\n"
    "odoo_websocket,odoo1,0,2,0,0,UP,0,0,0\n")
LOG = """\
1796558385.438 GET /my/invoices/42 odoo_http odoo1 200 120 0 0 110 0 ---- 127.0.0.1
1796558385.477 GET /portal/magic/<redacted> odoo_http odoo2 303 300 0 1 290 +1 ---- 127.0.0.1
1796558385.509 POST /web/login odoo_http odoo1 502 10 0 -1 -1 0 SH-- 127.0.0.1
1796558386.000 GET /websocket odoo_websocket odoo1 101 60000 0 0 5 0 ---- 127.0.0.1
[WARNING]  (12307) : Server odoo_http/odoo2 is DOWN, reason: Layer4 connection problem
1796558386.100 GET /my/invoices/43 odoo_http odoo1 200 80 0 0 70 0 ---- 127.0.0.1
"""

NOSRV = "1796558387.000 GET /my/statement odoo_http <NOSRV> 503 0 -1 -1 -1 0 SC-- 127.0.0.1"


class TestHaproxyConfig(unittest.TestCase):
    def test_the_operators_config_says_what_the_run_measures(self):
        """Retries on another server, never a POST replayed, health checks, the websocket to gevent."""
        for line in ("balance roundrobin", "http-check send meth GET uri /web/health ver HTTP/1.1 hdr Host", "retry-on all-retryable-errors",
                     "option redispatch", "http-request disable-l7-retry if !METH_GET", "option forwardfor",
                     "use_backend odoo_websocket if { path_beg /websocket }",
                     "http-request set-header X-Forwarded-Host"):
            self.assertIn(line, CFG)
        self.assertIn("str(/portal/magic/<redacted>)", CFG)  # the sign-in token never in the proxy's log

    def test_render_replaces_every_production_address(self):
        text = load_servers.render(CFG, PORTS)
        self.assertNotRegex(text, r"10\.0\.0\.\d")
        self.assertRegex(CFG, r"server odoo2 10\.0\.0\.12:8069 check")
        self.assertIn("bind 127.0.0.1:18080", text)
        self.assertEqual(re.findall(r"server (odoo\d) (\S+) check", text), [
            ("odoo1", "127.0.0.1:18001"), ("odoo2", "127.0.0.1:18002"),
            ("odoo1", "127.0.0.1:18101"), ("odoo2", "127.0.0.1:18102")])
        self.assertIn("bind 127.0.0.1:18073", text)
        self.assertIn("bind 127.0.0.1:18404", text)
        # the rest is the operator's file, line for line
        self.assertEqual(len(text.splitlines()), len(CFG.splitlines()))

    def test_render_refuses_a_server_count_the_file_does_not_list(self):
        with self.assertRaises(ValueError):
            load_servers.render(CFG, load_servers.Ports(1, 2, 3, [4, 5, 6], [7, 8, 9]))

    def test_render_refuses_an_address_left_over(self):
        with self.assertRaises(ValueError):
            load_servers.render(CFG + "\nbackend other\n    server x 10.0.0.99:8069\n", PORTS)


class TestHaproxyFigures(unittest.TestCase):
    def test_stats_csv_per_server(self):
        rows = load_servers.parse_stats(STATS)
        self.assertEqual(sorted(rows), ["odoo_http/odoo1", "odoo_http/odoo2", "odoo_websocket/odoo1"])
        self.assertEqual((rows["odoo_http/odoo2"]["wretr"], rows["odoo_http/odoo2"]["status"]), ("1", "UP"))

    def test_log_per_server(self):
        requests = load_servers.parse_log(LOG.splitlines())
        self.assertEqual(len(requests), 5)
        self.assertEqual(requests[1]["route"], "/portal/magic/<redacted>")
        self.assertEqual((requests[1]["retries"], requests[1]["redispatched"]), (1, True))
        table = load_servers.per_server(requests, seconds=2.0)
        self.assertEqual(table["odoo1"]["requests"], 3)  # the websocket tunnel is not a request
        self.assertEqual(table["odoo1"]["routes"]["GET /my/invoices/<id>"], [120, 80])
        self.assertEqual((table["odoo1"]["5xx"], table["odoo2"]["retried"]), (1, 1))
        self.assertEqual((table["all"]["requests"], table["all"]["per_second"], table["all"]["p50"]), (4, 2.0, 80))

    def test_route_names(self):
        self.assertEqual(load_servers.route("/my/invoices/42/pdf"), "/my/invoices/<id>/pdf")
        self.assertEqual(load_servers.route("/my/export/" + "a1" * 16), "/my/export/<token>")

    def test_report_lines_per_server_and_in_all(self):
        info = {"stats": load_servers.parse_stats(STATS), "haproxy_cfg": "var/x/haproxy.cfg",
                "log": load_servers.per_server(load_servers.parse_log([*LOG.splitlines(), NOSRV]), 2.0),
                "memory": {"odoo1": ({11: 150.0}, {11: "HTTP"}), "odoo2": ({}, {})},
                "starts": {"odoo1": 1, "odoo2": 2}}
        text = "\n".join(load_servers.report_lines(info))
        row = {line.split("|")[0].strip(): [c.strip() for c in line.split("|")] for line in text.splitlines()
               if "|" in line}
        self.assertEqual(row["odoo2"][1:3] + row["odoo2"][-3:], ["1", "0.5", "1", "UP", "2"])
        self.assertEqual(row["all"][9:11], ["4", "4"])  # retries and redispatches of every server
        self.assertEqual(row["<NOSRV>"][1] + row["<NOSRV>"][6], "11")  # every server down: HAProxy's own 503
        self.assertEqual(row["all"][1], "5")
        self.assertIn("odoo1 peak memory per worker (RSS, MB): HTTP 11: 150", text)


class TestServerKillReport(unittest.TestCase):
    def build(self, failures, kill):
        out = Path(tempfile.mkdtemp())
        (out / "locust_stats.csv").write_text(
            "Type,Name,Request Count,Failure Count,Requests/s,50%,95%,99%,Max Response Time\n"
            "GET,/my/statement,10,0,2.0,100,200,300,300\n,Aggregated,10,0,2.0,100,200,300,300\n")
        ok = {"wrong": [], "wrong_count": 0}
        checks = {"replies": {**ok, "portal_sent": 1, "email_sent": 1, "email_retried": 0, "not_delivered": 0},
                  "payments": {**ok, "confirmed": 1, "transactions": 1, "payments": 1, "tx_states": {},
                               "unconfirmed": 0, "unconfirmed_booked": [], "unposted_payments": 0},
                  "exports": {"count": 1, "done": 1, "wrong": [], "missing": []}, "storm": {"not_one": {}}}
        results = {"t0": 1000.0, "failures": failures, "status_5xx": {}, "webhooks": [], "mail": [{"ok": True}],
                   "replies": [{}], "payments": [{}], "exports": [{}], "zips": 1, "journeys": 1,
                   "signins": {"ok": 1},
                   "storm": {"t": 45, "sent": 1000, "references": ["a"], "finished": True, "status": {"200": 1000},
                             "seconds": 9}}
        faults = {"server_kill": kill, "storm_at": 45}
        return load_report.build(
            opts=load.LoadRun(db="x", users=1, duration=60, faults=True, servers=2), out=out, results=results,
            checks=json.loads(json.dumps(checks)), memory=({}, {}), locust_rc=0, wall=61, exports_wait=0,
            faults=faults, workers_after=6, server_log="log", clients="10")

    KILL: ClassVar[dict] = {"at": 1020.0, "server": "odoo2", "killed": [5, 6, 7], "all_dead": True, "rendering_export": True,
            "export": "4", "export_progress": "2 of 20 PDFs", "restarted_at": 1035.0, "answered_after": 8.0,
            "back_in_haproxy_at": 27.0, "export_final": "done 20/20 99"}

    def test_a_post_lost_in_the_kill_passes_a_failed_get_does_not(self):
        post = {"t": 20.5, "method": "POST", "name": "/my/invoices/zip", "status": 0, "error": "closed"}
        report = self.build([post], self.KILL)
        self.assertTrue(report.passed, report.text)
        self.assertIn("server odoo2 killed at 20 s", report.text)
        get = {"t": 21.0, "method": "GET", "name": "/my/statement", "status": 502, "error": "502"}
        report = self.build([post, get], self.KILL)
        self.assertFalse(report.passed)
        self.assertIn("1 failed GET", report.text)

    def test_a_server_not_back_or_an_export_unfinished_fails(self):
        self.assertFalse(self.build([], {**self.KILL, "back_in_haproxy_at": None}).passed)
        self.assertFalse(self.build([], {**self.KILL, "export_final": "running 2/20 no archive"}).passed)
        self.assertFalse(self.build([], None).passed)


class TestCapacity(unittest.TestCase):
    def test_point_and_markdown(self):
        out = Path(tempfile.mkdtemp()) / "locust_stats.csv"
        out.write_text("Type,Name,Request Count,Requests/s,50%,95%,99%\n,Aggregated,900,7.34,150,3200,9000\n")
        results = {"failures": [{"method": "GET"}, {"method": "POST"}]}
        one = load_capacity.point(1, 10, out, results, 1.52, True)
        self.assertEqual((one["requests_per_s"], one["p95_ms"], one["failures"], one["failed_get"]),
                         (7.3, 3200.0, 2, 1))
        two = {**one, "servers": 2, "requests_per_s": 12.0, "p95_ms": 800.0, "failures": 0}
        missing = load_capacity.point(1, 25, out.with_name("none.csv"), None, 1.0, False)
        self.assertEqual(load_capacity.markdown([one, two, missing]).splitlines(), [
            "| users | 1 server: req/s | p95 | failures | 2 servers: req/s | p95 | failures |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            "| 10 | 7.3 | 3.2 s | 2 | 12 | 800 ms | 0 |",
            "| 25 | - | - | - | - | - | - |"])


if __name__ == "__main__":
    unittest.main()
