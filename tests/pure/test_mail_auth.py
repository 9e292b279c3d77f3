"""Authentication-Results (RFC 8601): what the receiving server checked, and whom to believe (pure Python)."""
import unittest

from lib.mail_auth import parse_authentication_results, sender_authenticated, trusted_results

AGENT = "alex.agent@hub.example"
OPENDMARC = "mx.hub.example; dmarc=pass (p=reject dis=none) header.from=hub.example"
OPENDKIM = "mx.hub.example; dkim=pass (2048-bit key; unprotected) header.d=hub.example header.i=@hub.example header.b=AbCd"
SPF = "mx.hub.example; spf=pass (mx.hub.example: domain of bounce@hub.example designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@hub.example"


class TestParse(unittest.TestCase):
    def test_rfc_8601_example_with_version_comments_and_several_results(self):
        server, results = parse_authentication_results(
            "example.com 1; auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
            "\tspf=pass smtp.mailfrom=example.net; sender-id = pass header . from = example.net;"
            " dkim/1=fail (bad signature; see \"x\") header.d=example.net reason=\"sig; broken\""
        )
        self.assertEqual(server, "example.com")
        self.assertEqual([(r["method"], r["result"]) for r in results],
                         [("auth", "pass"), ("spf", "pass"), ("sender-id", "pass"), ("dkim", "fail")])
        self.assertEqual(results[1]["props"], {"smtp.mailfrom": "example.net"})
        self.assertEqual(results[2]["props"], {"header.from": "example.net"})
        self.assertEqual(results[3]["props"], {"header.d": "example.net"})

    def test_rspamd_header_with_a_quoted_authserv_id_and_nested_comments(self):
        server, results = parse_authentication_results(
            '"MX.Hub.Example"; dkim=pass header.d=hub.example header.s=mail (nested (comment); here);'
            " spf=pass (mx: domain of a@hub.example designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@hub.example;"
            ' dmarc=pass (policy=reject) header.from=hub.example'
        )
        self.assertEqual(server, "mx.hub.example")
        self.assertEqual([r["method"] for r in results], ["dkim", "spf", "dmarc"])
        self.assertEqual(results[0]["props"]["header.s"], "mail")

    def test_no_result_garbage_and_no_authserv_id(self):
        self.assertEqual(parse_authentication_results("mx.hub.example; none"), ("mx.hub.example", []))
        self.assertEqual(parse_authentication_results(None), ("", []))
        self.assertEqual(parse_authentication_results(""), ("", []))
        self.assertEqual(parse_authentication_results(";;;=;(((")[1], [])
        # Microsoft 365 writes no authserv-id
        server, results = parse_authentication_results(
            "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=hub.example; dkim=pass (signature was verified)"
            " header.d=hub.example;dmarc=pass action=none header.from=hub.example;compauth=pass reason=100"
        )
        self.assertEqual(server, "")
        self.assertEqual([r["method"] for r in results], ["spf", "dkim", "dmarc", "compauth"])

    def test_trusted_results_are_the_named_servers_or_the_top_most_header(self):
        forged = "mx.hub.example; dmarc=pass header.from=hub.example"
        headers = ["mx.hub.example; dmarc=fail header.from=hub.example", forged]
        self.assertEqual([r["result"] for r in trusted_results(headers)], ["fail"], "top-most only")
        other = ["relay.elsewhere.example; dmarc=pass header.from=hub.example", OPENDKIM, SPF]
        self.assertEqual([r["method"] for r in trusted_results(other, "MX.hub.example")], ["dkim", "spf"])
        self.assertEqual(trusted_results([], None), [])


class TestSenderAuthenticated(unittest.TestCase):
    def test_dmarc_pass_for_the_from_domain(self):
        self.assertTrue(sender_authenticated([OPENDMARC], AGENT))
        self.assertTrue(sender_authenticated([OPENDMARC, OPENDKIM], AGENT, "mx.hub.example"))
        self.assertTrue(sender_authenticated(["mx; DMARC=Pass header.from=HUB.example."], "Alex.Agent@Hub.Example"))

    def test_dmarc_pass_for_another_domain_or_a_failure_is_not_enough(self):
        self.assertFalse(sender_authenticated(["mx; dmarc=pass header.from=evil.example"], AGENT))
        self.assertFalse(sender_authenticated(["mx; dmarc=pass"], AGENT), "which domain passed is not said")
        for result in ("fail", "none", "temperror", "permerror", "bestguesspass"):
            with self.subTest(result=result):
                self.assertFalse(sender_authenticated([f"mx; dmarc={result} header.from=hub.example"], AGENT))

    def test_spf_and_dkim_aligned(self):
        both = f"{SPF}; dkim=pass header.d=mail.hub.example"
        self.assertTrue(sender_authenticated([both], AGENT))
        self.assertFalse(sender_authenticated([SPF], AGENT), "SPF alone")
        self.assertFalse(sender_authenticated([OPENDKIM], AGENT), "DKIM alone")
        self.assertFalse(sender_authenticated(
            ["mx; spf=pass smtp.mailfrom=evil.example; dkim=pass header.d=hub.example"], AGENT), "SPF not aligned")
        self.assertFalse(sender_authenticated(
            ["mx; spf=pass smtp.mailfrom=hub.example; dkim=pass header.d=nothub.example"], AGENT), "DKIM not aligned")
        self.assertFalse(sender_authenticated(
            ["mx; spf=pass smtp.mailfrom=hub.example; dkim=pass header.d=example"], AGENT), "a parent is not aligned")
        self.assertFalse(sender_authenticated(
            [f"{both}; dmarc=fail header.from=hub.example"], AGENT), "a DMARC failure wins")
        self.assertTrue(sender_authenticated(
            ["mx; spf=pass smtp.mailfrom=hub.example; dkim=pass header.i=@hub.example"], AGENT), "header.i")

    def test_a_forged_header_under_the_servers_own_is_ignored(self):
        forged = "mx.hub.example; dmarc=pass header.from=hub.example"
        self.assertFalse(sender_authenticated(["mx.hub.example; dmarc=fail header.from=hub.example", forged], AGENT))
        self.assertFalse(sender_authenticated(["mx.hub.example; none", forged], AGENT))
        # with the operator's authserv-id, a header from another server never counts
        self.assertFalse(sender_authenticated(["attacker.example; dmarc=pass header.from=hub.example"], AGENT,
                                              "mx.hub.example"))

    def test_missing_or_odd_input(self):
        self.assertFalse(sender_authenticated([], AGENT))
        self.assertFalse(sender_authenticated(None, AGENT))
        self.assertFalse(sender_authenticated([OPENDMARC], ""))
        self.assertFalse(sender_authenticated([OPENDMARC], None))
        self.assertFalse(sender_authenticated([OPENDMARC], "hub.example"), "not an address")


if __name__ == "__main__":
    unittest.main()
