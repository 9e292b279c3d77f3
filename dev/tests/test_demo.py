"""The demo runner's guards, without Odoo: busy ports stop it before any database work, pid files
that went stale are tolerated, `stop` stops what `run` left in the background."""
import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from unittest import mock

from dev import demo, demo_console, demo_data, manage, processes

REPO = Path(__file__).resolve().parents[2]


def listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


class DemoCase(unittest.TestCase):
    def setUp(self):
        var = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, var, ignore_errors=True)
        for name, value in (("SERVER_PID", var / "demo-server.pid"), ("SINK_PID", var / "mailsink.pid"),
                            ("MAIL_DIR", var / "mail"), ("SERVER_LOG", var / "demo-server.log"),
                            ("SINK_LOG", var / "mailsink.log")):
            patcher = mock.patch.object(demo, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)
        self.var = var

    def main(self, *argv) -> tuple[int, str]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = manage.main(list(argv))
        return rc, out.getvalue()

    def sleeper(self, *marks: str) -> subprocess.Popen:
        """A process whose command line carries `marks`, in a session of its own like the demo's."""
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", *marks],
                                start_new_session=True)
        self.addCleanup(lambda: (proc.poll() is None and proc.kill(), proc.wait()))
        deadline = time.time() + 10
        while marks and marks[0] not in processes.cmdline(proc.pid) and time.time() < deadline:
            time.sleep(0.05)
        return proc


class TestPorts(DemoCase):
    def test_busy_port_stops_before_any_database_work(self):
        busy = listening_socket()
        self.addCleanup(busy.close)
        port = busy.getsockname()[1]
        with mock.patch.object(demo, "context", side_effect=AssertionError("no database work")):
            rc, text = self.main("run", "--port", str(port), "--mail-port", "1", "--mail-web-port", "2")
        self.assertEqual(rc, 2)
        self.assertIn(f"Port {port} is busy", text)
        self.assertIn("make stop", text)
        self.assertIn("make run PORT=", text)
        self.assertNotIn("Traceback", text)

    def test_busy_mail_sink_port(self):
        busy = listening_socket()
        self.addCleanup(busy.close)
        port = busy.getsockname()[1]
        free = processes.next_free_port(port)
        with mock.patch.object(demo, "context", side_effect=AssertionError("no database work")):
            rc, text = self.main("run", "--port", str(free), "--mail-port", str(port),
                                 "--mail-web-port", str(processes.next_free_port(free)))
        self.assertEqual(rc, 2)
        self.assertIn(f"Port {port} (the demo's mail sink, SMTP) is busy", text)
        self.assertIn("make run MAIL_PORT=", text)

    def test_ports_must_differ(self):
        rc, text = self.main("run", "--port", "8069", "--mail-port", "8069", "--mail-web-port", "8025")
        self.assertEqual(rc, 2)
        self.assertIn("three different ports", text)

    def test_a_running_demo_is_not_started_twice(self):
        server = self.sleeper(demo.server_mark())
        demo.SERVER_PID.write_text(str(server.pid), encoding="utf-8")
        with mock.patch.object(demo, "context", side_effect=AssertionError("no database work")):
            rc, text = self.main("run", "--port", "1", "--mail-port", "2", "--mail-web-port", "3")
        self.assertEqual(rc, 2)
        self.assertIn("already running", text)
        self.assertIn("make stop", text)

    def test_port_helpers(self):
        busy = listening_socket()
        self.addCleanup(busy.close)
        port = busy.getsockname()[1]
        self.assertTrue(processes.port_busy(port))
        self.assertTrue(processes.port_answers(port))
        busy.close()
        self.assertFalse(processes.port_busy(port))
        self.assertFalse(processes.port_answers(port))


class TestStop(DemoCase):
    def test_stop_with_nothing_running_and_stale_pid_files(self):
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        demo.SERVER_PID.write_text(str(dead.pid), encoding="utf-8")  # no such process any more
        demo.SINK_PID.write_text("not a pid", encoding="utf-8")
        rc, text = self.main("stop")
        self.assertEqual(rc, 0)
        self.assertIn("no demo server or mail sink running", text)
        self.assertFalse(demo.SERVER_PID.exists())
        self.assertFalse(demo.SINK_PID.exists())

    def test_a_recycled_pid_is_left_alone(self):
        other = self.sleeper("something-else")
        demo.SERVER_PID.write_text(str(other.pid), encoding="utf-8")
        rc, _text = self.main("stop")
        self.assertEqual(rc, 0)
        self.assertIsNone(other.poll(), "a process that is not the demo server was stopped")
        self.assertFalse(demo.SERVER_PID.exists())

    def test_stop_stops_server_and_sink(self):
        server = self.sleeper(demo.server_mark())
        sink = self.sleeper(demo.SINK_MARK)
        demo.SERVER_PID.write_text(str(server.pid), encoding="utf-8")
        demo.SINK_PID.write_text(str(sink.pid), encoding="utf-8")
        rc, text = self.main("stop")
        self.assertEqual(rc, 0)
        self.assertEqual(server.wait(timeout=10), -15)
        self.assertEqual(sink.wait(timeout=10), -15)
        self.assertIn("stopped the demo server", text)
        self.assertIn("stopped the mail sink", text)
        self.assertFalse(demo.SERVER_PID.exists())
        self.assertFalse(demo.SINK_PID.exists())


class TestCommandLine(unittest.TestCase):
    def test_port_options_and_environment(self):
        args = manage.build_parser().parse_args(["run", "--port", "8070", "--mail-port", "2526"])
        self.assertEqual((args.port, args.mail_port, args.mail_web_port), (8070, 2526, 8025))
        with mock.patch.dict("os.environ", {"PORT": "8071", "MAIL_PORT": "2527", "MAIL_WEB_PORT": "8026"}):
            args = manage.build_parser().parse_args(["run"])
        self.assertEqual((args.port, args.mail_port, args.mail_web_port), (8071, 2527, 8026))
        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
            manage.build_parser().parse_args(["run", "--port", "70000"])

    @unittest.skipUnless(shutil.which("make"), "make is not installed")
    def test_makefile_passes_the_ports(self):
        env = {k: v for k, v in os.environ.items() if k not in ("PORT", "MAIL_PORT", "MAIL_WEB_PORT", "MAKEFLAGS")}
        out = subprocess.run(["make", "-n", "-C", str(REPO), "run", "PORT=8070", "MAIL_PORT=2526"],
                             capture_output=True, text=True, check=True, env=env).stdout
        self.assertIn("dev/manage.py run --port 8070 --mail-port 2526 --mail-web-port 8025", out)
        out = subprocess.run(["make", "-n", "-C", str(REPO), "stop", "demo-reset"],
                             capture_output=True, text=True, check=True, env=env).stdout
        self.assertIn("dev/manage.py stop", out)
        self.assertIn("dev/manage.py run --port 8069 --mail-port 2525 --mail-web-port 8025 --reset", out)

    def test_runs_from_any_folder(self):
        out = subprocess.run([sys.executable, str(REPO / "dev" / "manage.py"), "--help"], cwd="/",
                             capture_output=True, text=True, check=False)
        self.assertEqual(out.returncode, 0, out.stderr)
        for command in ("setup", "test", "run", "stop", "lint", "i18n", "seed", "bench", "stop-db"):
            self.assertIn(command, out.stdout)


INSTALL_LOG = """\
Running as user 'root' is a security risk.
2026-12-06 09:18:17,040 11684 INFO ? odoo: Odoo version 19.0
2026-12-06 09:18:18,372 11684 INFO client_hub_demo odoo.modules.loading: loading 1 modules...
2026-12-06 09:18:18,372 11684 INFO client_hub_demo odoo.modules.loading: Loading module base (1/1)
{loading}
<string>:38: (ERROR/3) Unexpected indentation.
2026-12-06 09:19:06,088 11684 INFO client_hub_demo odoo.modules.loading: 8 modules loaded in 39.89s
2026-12-06 09:19:07,001 11684 WARNING client_hub_demo odoo.modules.loading: The model x has no access rules
PROGRESS languages active
2026-12-06 09:20:56,570 13267 ERROR client_hub_demo odoo.addons.mail.models.mail_mail: Failed processing mail queue
Traceback (most recent call last):
  File "/opt/odoo/19.0/addons/mail/models/mail_mail.py", line 238, in process_email_queue
odoo.exceptions.MissingError: Record does not exist or has been deleted.
(Record: mail.mail(16,), User: 1)
2026-12-06 09:20:57,000 13267 INFO client_hub_demo werkzeug: 127.0.0.1 - - "GET /web/health HTTP/1.1" 200 -
""".format(loading="\n".join(
    f"2026-12-06 09:18:2{n},000 11684 INFO client_hub_demo odoo.modules.loading: Loading module m{n} ({n}/8)"
    for n in range(1, 9)))


class TestConsole(unittest.TestCase):
    """`run` keeps Odoo's log in var/logs/ and shows progress lines and problems, one line each."""

    def shown(self, show) -> list[str]:
        return [out for line in INSTALL_LOG.splitlines() if (out := show(line)) is not None]

    def test_install_and_seeding_show_progress_and_errors_only(self):
        shown = self.shown(demo_console.ConsoleFilter("var/logs/demo-install.log"))
        self.assertEqual(shown, [
            "[client_hub]   loading modules: 2/8",
            "[client_hub]   loading modules: 4/8",
            "[client_hub]   loading modules: 6/8",
            "[client_hub]   loading modules: 8/8",
            "[client_hub] languages active",
            "[client_hub] ERROR odoo.addons.mail.models.mail_mail: Failed processing mail queue"
            "   (details: var/logs/demo-install.log)",
        ])

    def test_the_running_server_shows_warnings_with_their_traceback(self):
        shown = self.shown(demo_console.ConsoleFilter("var/logs/demo-server.log", level="WARNING", traceback=True))
        self.assertEqual(shown[4:], [
            "[client_hub] WARNING odoo.modules.loading: The model x has no access rules",
            "[client_hub] languages active",
            "[client_hub] ERROR odoo.addons.mail.models.mail_mail: Failed processing mail queue",
            "Traceback (most recent call last):",
            '  File "/opt/odoo/19.0/addons/mail/models/mail_mail.py", line 238, in process_email_queue',
            "odoo.exceptions.MissingError: Record does not exist or has been deleted.",
            "(Record: mail.mail(16,), User: 1)",
        ])

    def test_stream_logs_everything_and_shows_what_the_filter_keeps(self):
        log = Path(tempfile.mkdtemp()) / "logs" / "step.log"
        self.addCleanup(shutil.rmtree, log.parent.parent, ignore_errors=True)
        script = "import sys\nsys.stdout.write(sys.stdin.read())\nprint('on stderr', file=sys.stderr)\nsys.exit(3)\n"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = demo_console.stream([sys.executable, "-c", script], log, demo_console.ConsoleFilter(log),
                                     input=INSTALL_LOG)
        self.assertEqual(rc, 3)
        self.assertEqual(log.read_text(encoding="utf-8"), INSTALL_LOG + "on stderr\n")
        self.assertEqual(len(out.getvalue().splitlines()), 6, out.getvalue())
        self.assertNotIn("Traceback", out.getvalue())
        self.assertNotIn("Running as user", out.getvalue())


class TestSteps(unittest.TestCase):
    def test_the_odoo_shell_scripts_compile(self):
        """A script `run` gives `odoo shell` is only run minutes into a first run."""
        for name in ("DEMO_SEED", "DEMO_MAIL", "REPORT_ASSETS", "DEMO_INFO"):
            script = getattr(demo_data, name).format(mail_port=2525, base_url="http://127.0.0.1:8069")
            compile(script, name, "exec")

    def test_install_writes_odoo_s_log_to_its_file(self):
        """`run`'s install step: Odoo's hundreds of lines in var/logs/demo-install.log, named in one
        line; the console gets the module count at each quarter."""
        var = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, var, ignore_errors=True)
        ctx = mock.Mock()
        ctx.cmd.side_effect = lambda *args: [sys.executable, "-c", f"print({INSTALL_LOG!r}, end='')"]
        out = io.StringIO()
        with mock.patch.object(demo_data, "VAR", var), mock.patch.object(demo_data, "INSTALL_LOG", var / "i.log"), \
                contextlib.redirect_stdout(out):
            demo_data.install(ctx)
        self.assertEqual((var / "i.log").read_text(encoding="utf-8"), INSTALL_LOG)
        lines = out.getvalue().splitlines()
        self.assertIn(f"(log: {var / 'i.log'})", lines[0])
        self.assertEqual(lines[1:5], [f"[client_hub]   loading modules: {n}/8" for n in (2, 4, 6, 8)])
        self.assertNotIn("Running as user", out.getvalue())
        self.assertNotIn("INFO", out.getvalue())
