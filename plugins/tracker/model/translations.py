"""Entries in several languages: an entry says `lang: ar` (none: the site's default language), and
entries with one slug in different languages are translations of each other (Pelican's rule).

Each language's pages are made by a build of their own (see `bridge.py`), which reads every
entry, keeps its language's, and links each of them to its translations. Pure: heads in, maps out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from babel import Locale

from .record import Head

Translations = Mapping[str, Mapping[str, str]]  # slug -> language -> the entry's URL in its language


def language_of(head: Head, default: str) -> str:
    """The language an entry is written in."""
    return head.lang or default


def translations(heads: Iterable[Head], default: str) -> dict[str, dict[str, str]]:
    """Every entry's URL by slug and language (hidden ones too: they have a page; not drafts).
    Two entries of one language with one slug are an error their language's build reports and
    keeps one of: neither is anyone's translation."""
    found: dict[str, dict[str, str]] = {}
    twice: set[tuple[str, str]] = set()
    for head in heads:
        if head.status != "draft" and head.url and head.save_as:
            by_language, lang = found.setdefault(head.slug, {}), language_of(head, default)
            if lang in by_language:
                twice.add((head.slug, lang))
            by_language[lang] = head.url
    for slug, lang in twice:
        del found[slug][lang]
    return {slug: dict(sorted(by_language.items())) for slug, by_language in found.items() if by_language}


def others(found: Translations, slug: str, language: str) -> dict[str, str]:
    """The translations of the entry `slug` of `language`: language -> URL (in its language)."""
    return {lang: url for lang, url in found.get(slug, {}).items() if lang != language}


def retranslated(before: Translations, after: Translations, heads: Iterable[Head], language: str) -> set[str]:
    """The entries of `language` (paths) whose translations were added, removed or moved: their
    pages link them."""
    return {
        head.path
        for head in heads
        if others(before, head.slug, language) != others(after, head.slug, language)
    }


@dataclass(frozen=True)
class Alternate:
    """A page's counterpart in another of the site's languages."""

    code: str  # the language
    name: str  # its name in itself ("العربية", "Українська")
    href: str  # from this language's site root ("../ar/2014/06/21/qaim/")
    absolute: str  # its full address ("" without a site address)
    same: bool  # the same page in that language (an hreflang alternate), not that language's home


def alternates(
    languages: tuple[str, ...], language: str, base: str, paths: Mapping[str, str]
) -> tuple[Alternate, ...]:
    """The counterparts of a page of `language` in the site's other languages: `paths` gives the
    page's path in each language that has it (else that language's home stands for it); `base` is
    the default language's site address."""
    default, found = languages[0], []
    up = "" if language == default else "../"
    for code in languages:
        if code == language:
            continue
        prefix = "" if code == default else f"{code}/"
        path = paths.get(code)
        where = prefix + (path or "")
        found.append(
            Alternate(code, autonym(code), up + where, f"{base}/{where}" if base else "", path is not None)
        )
    return tuple(found)


def autonym(code: str) -> str:
    """A language's name in itself."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]
