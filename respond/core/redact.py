"""Masking the credentials of a URL before any message shows it. Pure; standard library only.

A URL from the config (a ``[remind] urls`` channel, a sync remote) may carry a secret: a
password or a token in its user part (``https://user:TOKEN@host/``), a token as its "host" or
path (``tgram://BOTTOKEN/CHAT``, ``ntfy://TOPIC``) or a query value (``?token=…``).
:func:`mask_url` keeps what identifies the place (the scheme, a host name or address, the port,
and for sync remotes the path) and writes :data:`MASK` for the rest; :func:`scrub` takes any
other text (a library's own error message) and replaces every secret piece of the given URLs
that occurs in it. The rule is written here once: reminders and sync both use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

MASK = "…"
#: Secret pieces shorter than this are not searched for in other text (a chat ID ``12`` or a
#: port would mangle unrelated words); they are still masked by :func:`mask_url`.
MIN_SCRUB = 4


def _looks_like_host(host: str) -> bool:
    """Whether ``host`` reads as a host name or address, not a token: ``localhost``, an IP
    address (``127.0.0.1``, ``[::1]``) or a dotted name of plain labels."""
    if host in ("localhost", "") or host.startswith("["):
        return True
    labels = host.split(".")
    return len(labels) > 1 and all(
        label and len(label) <= 63 and label.replace("-", "").isalnum() and label.isascii()
        for label in labels
    )


def _split(url: str) -> tuple[str, str, str, str, str, str] | None:
    """``scheme, userinfo, host, port, path, query`` of ``url`` (``path`` with its leading
    ``/``, ``query`` with ``?`` or ``#``), or None when it is not ``scheme://…``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return None
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    rest, query = rest[:cut], rest[cut:]
    authority, slash, path = rest.partition("/")
    userinfo, at, hostport = authority.rpartition("@")
    if not at:
        userinfo, hostport = "", authority
    host, port = hostport, ""
    if hostport.startswith("["):
        end = hostport.find("]")
        host, port = hostport[: end + 1], hostport[end + 1 :].removeprefix(":")
    elif ":" in hostport:
        host, _, port = hostport.partition(":")
    if port and not port.isdigit():  # `token:with:colons` is no host and port
        host, port = hostport, ""
    return scheme, userinfo, host, port, slash + path, query


def _secrets(url: str, keep_path: bool) -> list[str]:
    """The pieces of ``url`` that :func:`mask_url` hides."""
    parts = _split(url)
    if parts is None:
        return []
    _, userinfo, host, _, path, query = parts
    found = [userinfo, *userinfo.split(":")]
    if not _looks_like_host(host):
        found.append(host)
    if not keep_path:
        found += [path.strip("/"), *path.split("/")]
    for pair in query.lstrip("?#").replace("#", "&").split("&"):
        found.append(pair.partition("=")[2])
    return [piece for piece in found if piece]


def mask_url(url: str, *, keep_path: bool = False) -> str:
    """``url`` with its credentials masked: the user part, a host that is no host name (a
    token), the query's values, and the path unless ``keep_path`` (a sync remote's path is a
    repository, an apprise URL's path holds tokens). ``tgram://TOKEN/123`` gives
    ``tgram://…/…``, ``https://me:pw@example.com/r.git`` gives ``https://…@example.com/r.git``
    (with ``keep_path``). Text that is no ``scheme://`` URL (a path, or ssh's ``user@host:path``)
    has no place for a credential and is returned as it is."""
    parts = _split(url)
    if parts is None:
        return url
    scheme, userinfo, host, port, path, query = parts
    shown = f"{scheme}://" + (f"{MASK}@" if userinfo else "")
    shown += host if _looks_like_host(host) else MASK
    shown += f":{port}" if port else ""
    if path and not keep_path:
        path = "/".join(MASK if segment else "" for segment in path.split("/"))
    shown += path
    if query:
        pairs = query[1:].replace("#", "&").split("&")
        masked = [f"{k}={MASK}" if sep else k for k, sep, _ in (p.partition("=") for p in pairs)]
        shown += query[0] + "&".join(masked)
    return shown


def scrub(text: str, urls: Iterable[str], *, keep_path: bool = False) -> str:
    """``text`` with each of ``urls`` shown masked (:func:`mask_url`) and every secret piece of
    them (as written, or percent-decoded) that still occurs in it replaced by :data:`MASK`:
    for a message that another library wrote about one of those URLs."""
    replacements: dict[str, str] = {}
    for url in urls:
        for form in {url, unquote(url)}:
            replacements[form] = mask_url(url, keep_path=keep_path)
        for piece in _secrets(url, keep_path):
            for form in {piece, unquote(piece)}:
                if len(form) >= MIN_SCRUB:
                    replacements.setdefault(form, MASK)
    for secret in sorted(replacements, key=len, reverse=True):
        text = text.replace(secret, replacements[secret])
    return text


_URL = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+")


def mask_urls_in(text: str, *, keep_path: bool = True) -> str:
    """``text`` with every ``scheme://`` URL in it shown as :func:`mask_url` shows it (its
    path kept by default: a sync remote's path names a repository, not a secret). An ssh user
    name alone is no secret and stays: ``ssh://git@host/x``, but ``ssh://git:…@host/x``."""

    def shown(match: re.Match[str]) -> str:
        url = match[0]
        parts = _split(url)
        if parts is not None and "ssh" in parts[0].lower() and parts[1] and ":" not in parts[1]:
            scheme, user = parts[0], parts[1]
            bare = mask_url(url.replace(f"{user}@", "", 1), keep_path=keep_path)
            return bare.replace(f"{scheme}://", f"{scheme}://{user}@", 1)
        return mask_url(url, keep_path=keep_path)

    return _URL.sub(shown, text)
