"""Did the receiving mail server authenticate the sender of an email? (RFC 8601 ``Authentication-Results``)

Framework-free (tested in the pure tier). The mail server that receives a message for the
company (Postfix with OpenDKIM/OpenDMARC, rspamd, a hosted mailbox...) records what it checked
in an ``Authentication-Results`` header it puts on top of the message::

    Authentication-Results: mx.hub.example; spf=pass smtp.mailfrom=hub.example;
        dkim=pass (2048-bit key) header.d=hub.example; dmarc=pass (p=reject) header.from=hub.example

Anybody can write such a header into the message they send, so only the receiving server's
headers count: those whose authserv-id (the first word) is the one the operator names, or, when
none is named, the top-most header alone (the last one added). The receiving server must remove
the ``Authentication-Results`` headers that arrive from outside (RFC 8601 section 5).

A sender is authenticated for its ``From`` domain when a trusted result says ``dmarc=pass`` for
that domain (``header.from``), or, without a DMARC verdict of failure, when SPF and DKIM both
passed for that domain or one of its subdomains.
"""
import re

HEADER = "Authentication-Results"
_WORD = re.compile(r"[^\s=;]+")


def _strip_comments(value):
    """``value`` without its RFC 5322 comments (nested parentheses, backslash escapes), quoted
    strings kept as they are."""
    out, depth, quoted, escaped = [], 0, False, False
    for char in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
            continue
        if quoted:
            out.append(char)
            if char == '"':
                quoted = False
            continue
        if char == "(":
            depth += 1
            out.append(" ")
        elif char == ")" and depth:
            depth -= 1
        elif depth == 0:
            if char == '"':
                quoted = True
            out.append(char)
    return "".join(out)


def _split(value, separator):
    """``value`` split on ``separator`` outside quoted strings."""
    parts, current, quoted, escaped = [], [], False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _pairs(resinfo):
    """The ``key=value`` pairs of one result, in order, spaces around ``=``, ``.`` and ``/``
    (allowed by the grammar) removed."""
    text = re.sub(r'\s*([=./])\s*(?=(?:[^"]*"[^"]*")*[^"]*$)', r"\1", resinfo.strip())
    pairs = []
    for token in _split(text, " "):
        token = token.strip()
        if not token:
            continue
        key, equal, value = token.partition("=")
        if not equal:
            continue  # a bare word: not a result, ignored
        pairs.append((key.lower(), _unquote(value)))
    return pairs


def parse_authentication_results(value):
    """``(authserv_id, results)`` of one header value. ``results`` is a list of dicts
    ``{"method": "dkim", "result": "pass", "props": {"header.d": "example.com"}}`` (method,
    result and property names lower-case). A header without authserv-id (some hosted servers
    write one) has ``authserv_id == ""``. ``("", [])`` when the value is not a header of results."""
    if not isinstance(value, str):
        return "", []
    text = _strip_comments(" ".join(value.split()))
    segments = _split(text, ";")
    first = segments[0].strip()
    if "=" in first:
        authserv_id, resinfos = "", segments
    else:
        words = first.split()
        authserv_id = _unquote(words[0]).lower() if words else ""
        resinfos = segments[1:]
    results = []
    for resinfo in resinfos:
        pairs = _pairs(resinfo)
        if not pairs:
            continue
        method, result = pairs[0]
        method = method.split("/")[0]  # method-version
        if not method or not result or method == "reason" or "." in method:
            continue
        props = {key: value for key, value in pairs[1:] if "." in key}
        results.append({"method": method, "result": result.lower(), "props": props})
    return authserv_id, results


def _domain(value):
    """The domain of ``user@domain`` or ``domain``, lower-case, without a final dot."""
    value = (value or "").strip().strip("<>").lower()
    return value.rpartition("@")[2].rstrip(".")


def _aligned(domain, from_domain):
    """``domain`` is the From domain or one of its subdomains (their DNS is the From domain
    owner's)."""
    return bool(domain) and (domain == from_domain or domain.endswith("." + from_domain))


def trusted_results(header_values, authserv_id=None):
    """The results of the headers the receiving server added: those of ``authserv_id`` when it
    is given, else those of the top-most header only. ``header_values`` top to bottom, as the
    message carries them."""
    parsed = [parse_authentication_results(value) for value in header_values or ()]
    if authserv_id:
        wanted = authserv_id.strip().lower()
        return [result for server, results in parsed if server == wanted for result in results]
    return parsed[0][1] if parsed else []


def sender_authenticated(header_values, from_address, authserv_id=None):
    """Whether the trusted ``Authentication-Results`` say that ``from_address`` (the one
    address of the From header) really sent the message: DMARC passed for its domain, or SPF
    and DKIM both passed for its domain (or a subdomain) and DMARC did not fail."""
    from_domain = _domain(from_address)
    if not from_domain or "@" not in (from_address or ""):
        return False
    results = trusted_results(header_values, authserv_id)
    dmarc = [r for r in results if r["method"] == "dmarc" and _domain(r["props"].get("header.from")) == from_domain]
    if any(r["result"] == "fail" for r in dmarc):
        return False
    if any(r["result"] == "pass" for r in dmarc):
        return True
    spf = any(
        r["method"] == "spf" and r["result"] == "pass"
        and _aligned(_domain(r["props"].get("smtp.mailfrom")), from_domain)
        for r in results
    )
    dkim = any(
        r["method"] == "dkim" and r["result"] == "pass"
        and _aligned(_domain(r["props"].get("header.d") or r["props"].get("header.i")), from_domain)
        for r in results
    )
    return spf and dkim
