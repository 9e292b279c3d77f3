"""Magic-link redirects stay inside the portal (pure Python)."""
import unittest

from lib.safe_redirect import PORTAL_LANDING, portal_path


class TestSafeRedirect(unittest.TestCase):
    def test_portal_paths_are_kept(self):
        for path in ("/my", "/my/", "/my/invoices", "/my/invoices/42", "/my/ticket/7",
                     "/my/orders/12?access_token=ab-12&report_type=html"):
            self.assertEqual(portal_path(path), path, path)

    def test_fragment_is_dropped(self):
        self.assertEqual(portal_path("/my/invoices/4#details"), "/my/invoices/4")

    def test_open_redirects_go_home(self):
        attempts = [
            "https://evil.example", "http://evil.example/my", "//evil.example", "///evil.example",
            "/\\evil.example", "\\\\evil.example", "/my/\\evil.example", "%2F%2Fevil.example",
            "/%2Fevil.example", "%2f%2fevil.example", "%252F%252Fevil.example", "/%5Cevil.example",
            "/%5cevil.example", "https:%2F%2Fevil.example", "javascript:alert(1)", "//evil.example/my",
            "/my@evil.example", "/my/%2e%2e/web", "/my/../web", "/my/./invoices", "/web#action=1",
            "/odoo", " /my", "/my\r\nLocation: https://evil.example", "/my%0d%0aSet-Cookie:x=1",
            "/my/invoices?next=https://evil.example", "", None, 42, "my/invoices", "/my" + "/a" * 300,
            "%25252525252F%25252525252Fevil.example",
        ]
        for attempt in attempts:
            self.assertEqual(portal_path(attempt), PORTAL_LANDING, repr(attempt))

    def test_custom_default(self):
        self.assertEqual(portal_path("https://evil.example", default="/my/home"), "/my/home")


if __name__ == "__main__":
    unittest.main()
