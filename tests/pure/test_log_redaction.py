"""Sign-in tokens are cut out of log lines (pure Python)."""
import logging
import unittest

from lib.log_redaction import MagicLinkTokenFilter, install, redact

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl-_x"


class TestLogRedaction(unittest.TestCase):
    def test_tokens_are_redacted(self):
        line = f'127.0.0.1 - - [06/Dec/2026 10:00:00] "GET /portal/magic/{TOKEN}?redirect=/my/invoices/4 HTTP/1.1" 303 -'
        self.assertEqual(
            redact(line),
            '127.0.0.1 - - [06/Dec/2026 10:00:00] "GET /portal/magic/<redacted>?redirect=/my/invoices/4 HTTP/1.1" 303 -',
        )
        self.assertEqual(redact(f"/portal/magic/email/{TOKEN} x"), "/portal/magic/email/<redacted> x")
        self.assertEqual(redact("/portal/magic/a%2Fb/c HTTP/1.1"), "/portal/magic/<redacted> HTTP/1.1")

    def test_other_lines_are_kept(self):
        for line in ('"POST /portal/magic/request HTTP/1.1" 200 -', '"POST /portal/magic/confirm HTTP/1.1" 303 -',
                     '"POST /portal/magic/email/confirm HTTP/1.1" 200 -', '"GET /my/invoices/4 HTTP/1.1" 200 -',
                     "/portal/magic/"):
            self.assertEqual(redact(line), line)

    def test_filter_rewrites_the_record(self):
        record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s %s',
                                   ("127.0.0.1", f"GET /portal/magic/{TOKEN} HTTP/1.1", "303", "-"), None)
        self.assertTrue(MagicLinkTokenFilter().filter(record))
        self.assertNotIn(TOKEN, record.getMessage())
        self.assertIn("/portal/magic/<redacted>", record.getMessage())
        other = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s" %s', ("GET /my HTTP/1.1", "200"), None)
        MagicLinkTokenFilter().filter(other)
        self.assertEqual((other.msg, other.args), ('"%s" %s', ("GET /my HTTP/1.1", "200")))

    def test_installed_once(self):
        name = "client_hub.test.redaction"
        install((name,))
        install((name,))
        self.assertEqual(sum(isinstance(f, MagicLinkTokenFilter) for f in logging.getLogger(name).filters), 1)
