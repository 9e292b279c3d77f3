"""The demo's mail sink: storing, reading (broken messages included), its pages, and the real
process (aiosmtpd) when a python that has it is on this machine."""
import shutil
import smtplib
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from email.message import EmailMessage
from pathlib import Path

from dev import mailbox, mailsink, mailsink_web, odoo_source
from dev.common import free_port

MAGIC = "http://127.0.0.1:8069/portal/magic/eyJhbGciOi.abc.def?redirect=/my/invoices/7"


def invoice_email() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Northwind Services <billing@northwind.example>"
    msg["To"] = "Julie Peeters <julie.peeters@zygomatic.example>"
    msg["Subject"] = "Zygomatic — votre facture INV/2026/00007"
    msg.set_content(f"Votre facture: {MAGIC}\nhttps://www.odoo.com/app/invoicing.")
    msg.add_alternative(
        f"<p>Bonjour,</p><p><a href='{MAGIC.replace('&', '&amp;')}' style='color:red'>Voir la facture</a></p>"
        "<script>document.title = 'pwned'</script><a href='mailto:x@example.com'>x</a>",
        subtype="html")
    msg.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="INV_2026_00007.pdf")
    return msg


BROKEN = [
    b"\xff\xfe\x00 not an email at all\r\n\r\n\x00\x01",
    b"From: =?utf-8?b?broken\r\nTo: <<<@@@>>>\r\nSubject: =?unknown-charset?q?x?=\r\n"
    b"Content-Type: text/html; charset=no-such-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64",
    b"Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nno end",
    b"",
]


class TestReading(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def test_store_and_summarize(self):
        path = mailbox.store(self.dir, invoice_email().as_bytes(), "bounce@northwind.example",
                              ["julie.peeters@zygomatic.example", "bcc@example.com"])
        self.assertRegex(path.name, r"^\d{8}-\d{6}-\d{6}-\d{4}\.eml$")
        summary = mailbox.summarize(path)
        self.assertEqual(summary.error, "")
        self.assertIn("billing@northwind.example", summary.sender)
        self.assertIn("julie.peeters@zygomatic.example", summary.to)
        self.assertEqual(summary.subject, "Zygomatic — votre facture INV/2026/00007")
        self.assertEqual(summary.links[0], MAGIC)  # &amp; unescaped, once although in both bodies
        self.assertIn("https://www.odoo.com/app/invoicing", summary.links)  # trailing dot dropped
        self.assertEqual(len(summary.links), 2)
        raw = path.read_bytes()
        self.assertTrue(raw.startswith(b"X-Envelope-From: bounce@northwind.example\r\n"))
        self.assertIn(b"X-Envelope-To: julie.peeters@zygomatic.example, bcc@example.com\r\n", raw)

    def test_envelope_cannot_inject_headers(self):
        path = mailbox.store(self.dir, b"Subject: hi\r\n\r\nbody", "a@b.c\r\nX-Evil: 1", ["d@e.f"])
        self.assertNotIn(b"\nX-Evil", path.read_bytes())

    def test_broken_messages_are_listed(self):
        paths = [mailbox.store(self.dir, raw, None, []) for raw in BROKEN]
        for path in paths:
            summary = mailbox.summarize(path)
            self.assertEqual(summary.name, path.name)
            mailsink_web.message_page(path)  # never raises
            mailsink_web.body_document(path)
        page = mailsink_web.index_page(self.dir)
        for path in paths:
            self.assertIn(path.name, page)

    def test_newest_first(self):
        first = mailbox.store(self.dir, b"Subject: Older one\r\n\r\n1", None, [])
        second = mailbox.store(self.dir, b"Subject: Newer one\r\n\r\n2", None, [])
        (self.dir / ".half.eml.part").write_bytes(b"Subject: half")  # being written: not listed
        self.assertEqual(mailbox.messages(self.dir), [second, first])
        page = mailsink_web.index_page(self.dir)
        self.assertLess(page.index("Newer one"), page.index("Older one"))
        self.assertNotIn("half", page)

    def test_pages_escape_and_sandbox(self):
        msg = invoice_email()
        msg.replace_header("Subject", "<img src=x onerror=alert(1)>")
        path = mailbox.store(self.dir, msg.as_bytes(), None, [])
        index = mailsink_web.index_page(self.dir)
        self.assertNotIn("<img src=x", index)
        self.assertIn("&lt;img src=x", index)
        self.assertIn("class=magic", index)  # the sign-in link stands out
        page = mailsink_web.message_page(path)
        self.assertIn("<iframe sandbox=", page)
        self.assertIn(f"/raw/{path.name}", page)
        self.assertIn("INV_2026_00007.pdf", page)
        self.assertNotIn("<script>", page)
        body = mailsink_web.body_document(path)
        self.assertIn("<base target='_blank'>", body)
        self.assertIn("Voir la facture", body)


class TestWebPage(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.path = mailbox.store(self.dir, invoice_email().as_bytes(), None, [])
        mailbox.store(self.dir, BROKEN[1], None, [])
        self.server = mailsink_web.web_server(self.dir, 0)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def get(self, path):
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def test_routes(self):
        status, headers, body = self.get("/")
        self.assertEqual(status, 200)
        self.assertIn("Zygomatic", body)
        self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        status, _headers, body = self.get(f"/m/{self.path.name}")
        self.assertEqual(status, 200)
        self.assertIn("sign-in link", body)
        status, headers, body = self.get(f"/body/{self.path.name}")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Security-Policy"].startswith("sandbox"))
        status, headers, body = self.get(f"/raw/{self.path.name}")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))
        self.assertIn("Subject:", body)

    def test_only_stored_messages_are_served(self):
        (self.dir.parent / "secret.eml").write_text("Subject: secret", encoding="utf-8")
        self.addCleanup((self.dir.parent / "secret.eml").unlink)
        for path in ("/raw/../secret.eml", "/raw/%2e%2e%2fsecret.eml", "/m/nope.eml", "/raw/", "/etc/passwd"):
            status, _headers, body = self.get(path)
            self.assertEqual(status, 404, path)
            self.assertNotIn("secret", body)


def python_with_aiosmtpd():
    import sys
    for python in [Path(sys.executable), *odoo_source.venv_candidates()]:
        if python.exists() and subprocess.run([str(python), "-c", "import aiosmtpd"],
                                              capture_output=True, check=False).returncode == 0:
            return python
    return None


class TestSinkProcess(unittest.TestCase):
    """The real process, as `make run` starts it."""

    def test_receive_list_and_stop(self):
        python = python_with_aiosmtpd()
        if python is None:
            self.skipTest("no python with aiosmtpd here (make setup installs it in Odoo's virtualenv)")
        directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        smtp_port, web_port = free_port(), free_port()
        proc = subprocess.Popen([str(python), str(Path(mailsink.__file__)), "--smtp-port", str(smtp_port),
                                 "--web-port", str(web_port), "--dir", str(directory)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        deadline = time.time() + 30
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as smtp:
                    smtp.send_message(invoice_email())
                    smtp.sendmail("x@example.com", ["y@example.com"], BROKEN[1])  # malformed: still taken
                    smtp.sendmail("x@example.com", ["y@example.com"], BROKEN[0])
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    self.fail(f"the sink did not start: {proc.stdout.read() if proc.poll() is not None else ''}")
                time.sleep(0.2)
        self.assertEqual(len(list(directory.glob("*.eml"))), 3)
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/", timeout=10) as response:
            page = response.read().decode()
        self.assertIn("3 message(s)", page)
        self.assertIn("Zygomatic — votre facture INV/2026/00007", page)
        self.assertIn("/portal/magic/", page)
        proc.terminate()
        self.assertEqual(proc.wait(timeout=20), 0)
        self.assertIn("stopped", proc.stdout.read())
