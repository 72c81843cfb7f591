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
from respond.core.mail import Mail, strip_prefixes

#: A message-id token: ``<...>`` without spaces or brackets inside.
_MSGID = re.compile(r"<[^<>\s]+>")
#: How much of a body is searched for its first line.
_BODY_LIMIT = 64 * 1024


class MailError(RespondError):
    """Bytes that are not a message respond can file (exit 2)."""


def parse(raw: bytes) -> Mail:
    """The :class:`Mail` in ``raw``; :class:`MailError` when it is empty or has no header."""
    from email import policy
    from email.parser import BytesParser

    if not raw.strip():
        raise MailError("the message is empty")
    try:
        message: Any = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception:  # (the parser is lenient; anything it raises means garbage)
        raise MailError("this is not a mail message respond can read") from None
    if not message.keys():
        raise MailError("this is not a mail message: it has no headers")
    sender = _addresses(message, "From")
    recipients = _addresses(message, "To") + _addresses(message, "Cc")
    subject = _text(message, "Subject")
    first = ""
    if not strip_prefixes(subject):  # none, or only "Re:" and the like
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


def parse_headers(raw: bytes) -> Mail:
    """What a scan needs of a message (addresses, Date, Message-ID, In-Reply-To, References),
    read the quick way (the ``compat32`` header parser: a twentieth of :func:`parse`'s time;
    names and subject are not decoded). :class:`MailError` as :func:`parse`."""
    from email.parser import BytesHeaderParser
    from email.utils import getaddresses

    if not raw.strip():
        raise MailError("the message is empty")
    try:
        message = BytesHeaderParser().parsebytes(raw)
        fields = {name.lower(): str(value) for name, value in message.items()}
    except Exception:  # (anything the parser raises means garbage)
        raise MailError("this is not a mail message respond can read") from None
    if not fields:
        raise MailError("this is not a mail message: it has no headers")

    def mailboxes(*names: str) -> list[tuple[str, str]]:
        values = [fields[name] for name in names if name in fields]
        try:
            pairs = getaddresses(values)
        except Exception:  # (an unreadable header is a missing one)
            return []
        found = [(_clean(display), address_key(_clean(spec))) for display, spec in pairs]
        return [(d, a) for d, a in found if "@" in a.strip("@") and " " not in a]

    sender = mailboxes("from")
    ids = _MSGID.findall(fields.get("message-id", ""))
    replies = _MSGID.findall(fields.get("in-reply-to", "") + " " + fields.get("references", ""))
    return Mail(
        sender=sender[0][1] if sender else None,
        recipients=tuple(mailboxes("to", "cc")),
        date=_parse_date(fields.get("date")),
        message_id=_clean(ids[0]) if ids else None,
        replies_to=tuple(dict.fromkeys(_clean(i) for i in replies[:100])),
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
    value = _header(message, "Date")
    try:
        return _parse_date(str(value)) if value is not None else None
    except Exception:  # (an unreadable Date is a missing one)
        return None


def _parse_date(value: str | None) -> datetime | None:
    from email.utils import parsedate_to_datetime

    if value is None:
        return None
    try:
        moment = parsedate_to_datetime(value)
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
