"""The email a client writes when it answers the team's message about its ticket, as its mail
client writes it: "Re: " subject, In-Reply-To and References on the team's message, the answer on
top and the original quoted below; From the client's contact, To the support alias.
Standard library only (the Locust process imports it)."""
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


def client_reply(sender: str, to: str, subject: str, in_reply_to: str, answer: str, quoted: str) -> tuple[str, bytes]:
    """(Message-Id, raw RFC 822 bytes) of the reply."""
    message = EmailMessage(policy=policy.SMTP)
    message_id = make_msgid(domain="client.example")
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    message["Date"] = formatdate(localtime=True)
    message["Message-Id"] = message_id
    message["In-Reply-To"] = in_reply_to
    message["References"] = in_reply_to
    message["User-Agent"] = "client_hub load test"
    quote = "\n".join("> " + line for line in quoted.splitlines())
    message.set_content(f"{answer}\n\nOn the team's message:\n{quote}\n", cte="quoted-printable")
    message.add_alternative(f"<div>{answer}</div><blockquote type='cite'>{quoted}</blockquote>",
                            subtype="html", cte="quoted-printable")
    return message_id, message.as_bytes()
