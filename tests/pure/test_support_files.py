"""The files a client may attach to a ticket, new or replied to (pure Python)."""
import unittest

from lib.support_files import file_problem, safe_attachment_name

MB = 1024 * 1024


class TestSupportFiles(unittest.TestCase):
    def test_names_keep_their_last_part_only(self):
        cases = {
            "../../x.txt": "x.txt", "..\\..\\boot.ini.txt": "boot.ini.txt", "C:\\Users\\ana\\scan.pdf": "scan.pdf",
            "/etc/passwd.txt": "passwd.txt", "scan\x00.pdf": "scan.pdf", "a\r\nb.pdf": "ab.pdf",
            "rapport d'été.pdf": "rapport d'été.pdf", ".hidden.txt": "hidden.txt", "..": "file", "": "file",
            None: "file", "x/": "file", "\u202etxt.exe": "txt.exe",
        }
        for name, expected in cases.items():
            with self.subTest(name=name):
                self.assertEqual(safe_attachment_name(name), expected)
        long = safe_attachment_name("a" * 500 + ".pdf")
        self.assertEqual((len(long), long[-4:]), (200, ".pdf"))

    def test_types_and_sizes(self):
        self.assertIsNone(file_problem("scan.PDF", 10, 1))
        self.assertIsNone(file_problem("../../x.txt", 10, 1))
        for name in ("tool.exe", "page.html", "logo.svg", "x.pdf.exe", "noextension", "", None, "x.pdf/"):
            with self.subTest(name=name):
                self.assertEqual(file_problem(name, 10, 1), "type")
        self.assertIsNone(file_problem("big.pdf", MB, 1))
        self.assertEqual(file_problem("big.pdf", MB + 1, 1), "size")
        self.assertEqual(file_problem("big.pdf", None, 1), "size")


if __name__ == "__main__":
    unittest.main()
