"""Links authors give (an entry's sources, an event's source): which text the site may write as
an `href`, decided in time linear in its length (no backtracking pattern, no unchecked parse).
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_TEXT = 2000  # characters of a source (or an event's note): a citation, not a document
LINK_SCHEMES = ("http://", "https://", "mailto:")


def link_of(text: str) -> str:
    """`text` when it is a link the site may write as an href: an http(s) address with a valid
    host (and port), or a mailto: address; else ""."""
    if not text or len(text) > MAX_TEXT or any(c.isspace() for c in text):
        return ""
    scheme = text[:8].lower()
    if scheme.startswith("mailto:"):
        local, at, _ = text[7:].partition("@")
        return text if local and at else ""
    if not scheme.startswith(("http://", "https://")):
        return ""
    try:
        parts = urlsplit(text)
        host = parts.hostname
        _ = parts.port  # ValueError for a port that is not a number in range
    except ValueError:  # or an invalid IPv6 literal
        return ""
    return text if host else ""


def looks_like_link(text: str) -> bool:
    """Whether `text` starts as a link does (so that not being one is a mistake to report)."""
    return text.lstrip()[:8].lower().startswith(LINK_SCHEMES)


def host_of(url: str) -> str:
    """What a link to `url` shows: its site, without `www.` ("" for a mailto: link)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def split_source(text: str) -> tuple[str, str]:
    """(title, link text) of a source written `Title <https://…>`; ("", text) otherwise."""
    stripped = text.strip()
    start = stripped.rfind("<")
    if stripped.endswith(">") and start >= 0:
        inner = stripped[start + 1 : -1]
        if inner and ">" not in inner and not any(c.isspace() for c in inner):
            return stripped[:start].strip(), inner
    return "", stripped
