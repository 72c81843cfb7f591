"""The one rule that masks a URL's credentials (``respond.core.redact``), for reminders and
sync alike: what identifies the place stays, no secret part does, in the URL or in another
library's message about it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from respond.core.redact import mask_url, scrub


@pytest.mark.parametrize(
    ("url", "shown", "kept_path"),
    [
        ("tgram://S3CRETbot/123", "tgram://…/…", "tgram://…/123"),
        ("json://127.0.0.1:8080/", "json://127.0.0.1:8080/", "json://127.0.0.1:8080/"),
        ("ntfy://my-topic", "ntfy://…", "ntfy://…"),
        ("https://me:pw@example.com/o/r.git", "https://…@example.com/…/…",
         "https://…@example.com/o/r.git"),
        ("https://TOKEN@github.com/o/r", "https://…@github.com/…/…", "https://…@github.com/o/r"),
        ("json://[::1]:80/x?token=abc&v", "json://[::1]:80/…?token=…&v",
         "json://[::1]:80/x?token=…&v"),
        ("git@github.com:o/r.git", "git@github.com:o/r.git", "git@github.com:o/r.git"),
        ("/home/me/remote.git", "/home/me/remote.git", "/home/me/remote.git"),
    ],
)  # fmt: skip
def test_mask_url(url: str, shown: str, kept_path: str) -> None:
    assert mask_url(url) == shown
    assert mask_url(url, keep_path=True) == kept_path


def test_apprise_s_message_about_a_url_is_scrubbed() -> None:
    url = "tgram://S3CRETbottoken/123"
    text = f"Unparseable Telegram URL {url}; bad token S3CRETbottoken"
    assert scrub(text, [url]) == "Unparseable Telegram URL tgram://…/…; bad token …"


SECRET = st.text("abcdefXYZ0123456789-_~%", min_size=6, max_size=20).map(lambda s: "S3C" + s)


@given(
    secret=SECRET,
    where=st.sampled_from(["user", "password", "host", "path", "query"]),
    scheme=st.sampled_from(["json", "https", "tgram", "ntfys"]),
)
def test_no_secret_survives_masking_or_scrubbing(secret: str, where: str, scheme: str) -> None:
    parts = {
        "user": f"{scheme}://{secret}@example.com/x",
        "password": f"{scheme}://me:{secret}@example.com/x",
        "host": f"{scheme}://{secret}/123",
        "path": f"{scheme}://example.com/{secret}/y",
        "query": f"{scheme}://example.com/?token={secret}",
    }
    url = parts[where]
    assert "S3C" not in mask_url(url)
    if where != "path":
        assert "S3C" not in mask_url(url, keep_path=True)
    said = scrub(f"failed {url} ({secret}) at {url.upper()}".replace(url.upper(), "x"), [url])
    assert "S3C" not in said
