"""Links between the site's own files, written as Pelican writes them: `{filename}` (an entry or a
page, by its path in the content folder), `{static}` and `{attach}` (a static file), `{tag}`,
`{author}` and `{index}`.

An entry's links are found once, when it is read: each path is made relative to the content
folder (`{filename}/entries/2014/2014-06-21-qaim.md`), so the HTML no longer depends on where the
entry's file is, and each link is kept with the line it is written on. They are resolved each
time a page, feed or list shows the entry, against the site as it is then, so that a link follows
its target when it moves. Pure: no Pelican, no I/O.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

# Pelican's intrasite link: a quoted URL attribute whose value starts with {what} or |what|.
LINK = re.compile(
    r"""(?P<markup><[^>]+(?:href|src|poster|data|cite|formaction|action|content)\s*=\s*)"""
    r"""(?P<quote>["'])[{|](?P<what>[a-z]+)[|}](?P<value>.*?)(?P=quote)"""
)
FILES = ("filename", "static", "attach")  # links to a file, by its path
KINDS = (*FILES, "tag", "author", "index")

Lookup = Callable[[str, str], str | None]  # (what, target) -> the target's URL, or None


def found_links(html: str, folder: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(the HTML with each file link's path made relative to the content folder, the links as
    (what, target)); `folder` is the entry's folder in the content folder."""
    links: list[tuple[str, str]] = []

    def canonical(match: re.Match[str]) -> str:
        what, value = match.group("what"), match.group("value")
        target = value
        if what in FILES:
            parts = urlsplit(value)
            path = unquote(parts.path)
            path = posixpath.normpath(path[1:] if path.startswith("/") else posixpath.join(folder, path))
            target = "/" + path
            value = (
                target
                + (f"?{parts.query}" if parts.query else "")
                + (f"#{parts.fragment}" if parts.fragment else "")
            )
        links.append((what, target))
        return f"{match.group('markup')}{match.group('quote')}{{{what}}}{value}{match.group('quote')}"

    return LINK.sub(canonical, html), tuple(links)


def resolve(html: str, lookup: Lookup, siteurl: str) -> str:
    """`html` with every link found by `found_links` pointing at its target's URL after `siteurl`
    (as the theme links: `{SITEURL}/{url}`); a link whose target is not on the site is left as
    written (and reported: see `unresolved`)."""
    if "{" not in html and "|" not in html:
        return html

    def replace(match: re.Match[str]) -> str:
        what, value = match.group("what"), match.group("value")
        target, rest = _split(what, value)
        url = lookup(what, target)
        if url is None:
            return match.group(0)
        return f"{match.group('markup')}{match.group('quote')}{siteurl}/{url}{rest}{match.group('quote')}"

    return LINK.sub(replace, html)


def _split(what: str, value: str) -> tuple[str, str]:
    """(the target of a canonical link, its query and fragment)."""
    if what not in FILES:
        return value, ""
    cut = min((i for i in (value.find("?"), value.find("#")) if i >= 0), default=len(value))
    return value[:cut], value[cut:]


def resolution(links: tuple[tuple[str, str, int], ...], lookup: Lookup) -> tuple[str | None, ...]:
    """Where each of an entry's links (what, target, line) leads now (None: nowhere)."""
    return tuple(lookup(what, target) for what, target, _ in links)


def line_of(text: str, what: str, target: str, first: int = 1) -> int:
    """The line of a file's text where a link to `target` is written (its last path part is
    searched for), or `first` when it cannot be found."""
    needle = target.rsplit("/", 1)[-1] if what in FILES else target
    for number, line in enumerate(text.splitlines(), 1):
        if "{" + what + "}" in line and needle in line or "|" + what + "|" in line and needle in line:
            return number
    return first


def describe(what: str, target: str) -> str:
    """A link as a message names it."""
    if what in FILES:
        return f"{{{what}}}{target.lstrip('/')}"
    return f"{{{what}}}{target}"
