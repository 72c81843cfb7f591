"""Reading one RFC 5322 message: the bytes a mail client pipes in, as a core :class:`Mail`.

Pure: a function from bytes to a record, with the standard library's ``email`` package
(``policy.default``: RFC 2047 encoded words decoded, addresses parsed). respond reads the
headers (From, To, Cc, Subject, Date, Message-ID, In-Reply-To, References) and, only when there
is no subject, the first line of the text (``text/plain`` preferred, else HTML reduced to
text). Any bytes give a record or a :class:`MailError` (one line, exit 2), never another
exception: a header the parser chokes on counts as missing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from typing import Any

from respond.core.addresses import address_key
from respond.core.errors import RespondError
from respond.core.mail import Mail

#: A message-id token: ``<...>`` without spaces or brackets inside.
_MSGID = re.compile(r"<[^<>\s]+>")
#: How much of a body is searched for its first line.
_BODY_LIMIT = 64 * 1024


class MailError(RespondError):
    """Bytes that are not a message respond can file (exit 2)."""


def parse(raw: bytes, *, headers_only: bool = False) -> Mail:
    """The :class:`Mail` in ``raw``; :class:`MailError` when it is empty or has no header.
    With ``headers_only`` the body is not read (a scan needs only the headers)."""
    from email import policy
    from email.parser import BytesParser

    if not raw.strip():
        raise MailError("the message is empty")
    try:
        message: Any = BytesParser(policy=policy.default).parsebytes(raw, headersonly=headers_only)
    except Exception:  # (the parser is lenient; anything it raises means garbage)
        raise MailError("this is not a mail message respond can read") from None
    if not message.keys():
        raise MailError("this is not a mail message: it has no headers")
    sender = _addresses(message, "From")
    recipients = _addresses(message, "To") + _addresses(message, "Cc")
    subject = _text(message, "Subject")
    first = ""
    if not subject and not headers_only:
        first = _first_line(message)
    return Mail(
        sender=sender[0][1] if sender else None,
        sender_name=sender[0][0] if sender else "",
        recipients=tuple(recipients),
        subject=subject,
        first_line=first,
        date=_date(message),
        message_id=_ids(message, "Message-ID")[0] if _ids(message, "Message-ID") else None,
        replies_to=tuple(dict.fromkeys(_ids(message, "In-Reply-To") + _ids(message, "References"))),
    )


def _clean(text: str) -> str:
    """Text fit to store: lone surrogates (undecodable bytes) replaced, whitespace collapsed."""
    return " ".join(text.encode("utf-8", "replace").decode("utf-8").split())


def _header(message: Message, name: str) -> Any:
    try:
        return message.get(name)
    except Exception:  # (a header the parser can't make sense of is missing)
        return None


def _text(message: Message, name: str) -> str:
    value = _header(message, name)
    try:
        return _clean(str(value)) if value is not None else ""
    except Exception:
        return ""


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """(display name, address) of each mailbox in the header ``name`` that has an address."""
    value = _header(message, name)
    if value is None:
        return []
    found: list[tuple[str, str]] = []
    try:
        addresses = value.addresses
        for address in addresses:
            spec = address_key(_clean(address.addr_spec or ""))
            if "@" in spec.strip("@") and " " not in spec:
                found.append((_clean(address.display_name or ""), spec))
    except Exception:
        from email.utils import getaddresses

        try:
            pairs = getaddresses([str(value)])
        except Exception:
            return []
        for display, spec in pairs:
            spec = address_key(_clean(spec))
            if "@" in spec.strip("@") and " " not in spec:
                found.append((_clean(display), spec))
    return found


def _ids(message: Message, name: str) -> list[str]:
    value = _header(message, name)
    if value is None:
        return []
    try:
        text = str(value)
    except Exception:
        return []
    return [_clean(token) for token in _MSGID.findall(text)][:100]


def _date(message: Message) -> datetime | None:
    from email.utils import parsedate_to_datetime

    value = _header(message, "Date")
    if value is None:
        return None
    try:
        moment = parsedate_to_datetime(str(value))
    except Exception:  # (an unreadable Date is a missing one)
        return None
    if moment.tzinfo is None:  # "-0000": the time is UTC, the zone unknown
        moment = moment.replace(tzinfo=UTC)
    return moment


def _first_line(message: Any) -> str:
    """The first non-empty line of the message's text (plain text preferred, else HTML)."""
    try:
        part = (
            message.get_body(preferencelist=("plain", "html"))
            if isinstance(message, EmailMessage)
            else None
        )
    except Exception:
        part = None
    if part is None:
        if message.is_multipart() or message.get_content_maintype() != "text":
            return ""
        part = message
    text = _content(part)
    if part.get_content_subtype() == "html":
        text = _html_text(text)
    for line in text.splitlines():
        cleaned = _clean(line)
        if cleaned:
            return cleaned
    return ""


def _content(part: Any) -> str:
    try:
        content = part.get_content()
        return content[:_BODY_LIMIT] if isinstance(content, str) else ""
    except Exception:  # (an unknown charset or a broken encoding)
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:
            return ""
        return (
            payload[:_BODY_LIMIT].decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        )


class _Text(HTMLParser):
    """An HTML document's text, a line per block, without scripts and styles."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _html_text(html: str) -> str:
    reader = _Text()
    try:
        reader.feed(html)
        reader.close()
    except Exception:
        pass
    return "".join(reader.parts)
