"""A raw mail made into :class:`casework.operations.mail.Mail`: sender, subject, text, files.

The standard library's parser with ``policy.default`` reads the headers (encoded words,
Chinese names included) and the MIME tree. It is lenient by design, so a malformed mail
comes out as what could be read of it; anything it still chokes on is left out part by part
rather than losing the whole mail. A mail with only an HTML body is turned into text here
(the text is all that is kept: no markup from a mail ever reaches a page).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

from casework.operations.mail import Mail

_BLOCKS = frozenset(
    "p div br tr li h1 h2 h3 h4 h5 h6 blockquote pre table ul ol section article header "
    "footer hr dt dd".split()
)
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})


class _Text(HTMLParser):
    """The text of an HTML body: what a reader sees, line breaks where blocks end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The readable text of an HTML mail body, markup, scripts and styles gone."""
    parser = _Text()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # what HTMLParser raises on broken markup
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def message_id(raw: bytes) -> str:
    """The mail's Message-ID as written, or "" (read from the header alone)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = re.search(rb"(?im)^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", head)
    if not found:
        return ""
    value = b" ".join(found.group(1).split()).decode("ascii", "replace").strip()
    return value[:290]


def parse(raw: bytes, received_at: dt.datetime) -> Mail:
    """The mail's sender, subject, text and attachments, read as far as the mail allows."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    sender, name = _sender(msg)
    subject = _header(msg, "Subject")
    body = _body(msg)
    text = _content(body) if body is not None else ""
    if body is not None and body.get_content_subtype() == "html":
        text = html_text(text)
    return Mail(
        sender=sender,
        sender_name=name,
        subject=" ".join(subject.split()),
        text=text,
        received_at=received_at,
        files=_files(msg, body),
    )


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError, AttributeError):
        return ""
    return str(value) if value is not None else ""


def _sender(msg: EmailMessage) -> tuple[str, str]:
    try:
        header = msg.get("From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
    except (ValueError, IndexError, TypeError, AttributeError):
        return "", ""
    for address in addresses:
        spec = (address.addr_spec or "").strip()
        if re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", spec) and len(spec) <= 200:
            return spec, address.display_name or ""
    return "", ""


def _body(msg: EmailMessage) -> EmailMessage | None:
    try:
        return msg.get_body(preferencelist=("plain", "html"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, TypeError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")
    return content if isinstance(content, str) else content.decode("utf-8", "replace")


def _files(msg: EmailMessage, body: EmailMessage | None) -> list[tuple[str, bytes]]:
    files: list[tuple[str, bytes]] = []
    for part in msg.walk():
        if part is body or part.is_multipart():
            continue
        try:
            name = part.get_filename() or ""
        except (ValueError, IndexError, TypeError):
            name = ""
        disposition = part.get_content_disposition()
        if part.get_content_maintype() == "text" and not name and disposition != "attachment":
            continue  # the other alternative of the body, not a file
        try:
            data = part.get_payload(decode=True)
        except (ValueError, TypeError, AssertionError):
            data = None
        if data:
            files.append((name or "attachment", data))
    return files
