"""The language a page is written in: the theme's words (gettext catalogues), its dates and
numbers (Babel's CLDR data for the language's locale) and its direction.

The build makes one `Language` per site language and says which one its pages are being made in
(`use`); templates (through Jinja's i18n extension), filters and the model's own words ask the
one in use (`active`), as Python's gettext asks the catalogue installed. English needs no
catalogue: the theme's words are English.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal

DIGITS = ("latin", "native")
# The digits of the numbering systems a locale may write in (Babel gives their symbols, not them).
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
NATIVE_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


@dataclass(frozen=True)
class Language:
    code: str  # "en", "ar", "uk": what `lang` says and the catalogue's folder
    locale: Locale  # for dates and numbers ("ar_IQ": the months as Iraq and the Levant name them)
    native_digits: bool = False  # Arabic-Indic digits where the locale writes them
    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)
    missing: tuple[tuple[int, str], ...] = ()  # (line, message) of the words the catalogue does not translate
    broken: tuple[tuple[int, str], ...] = ()  # (line, what is wrong) of translations left out
    catalogue: str = ""  # the catalogue's file ("": none)
    # What was written once (every page of a build asks for the same few days and counts).
    _written: dict[tuple[object, ...], str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, code: str, locale: str = "", digits: str = "latin", catalogues: str = "") -> Language:
        """The language `code`, its dates and numbers in `locale` (default: the language's own),
        its words from `catalogues`/<code>/LC_MESSAGES/messages.po (none there: English words)."""
        path = Path(catalogues, code, "LC_MESSAGES", "messages.po")
        translations, missing, broken = load_catalogue(path)
        found = str(path) if path.is_file() else ""
        return cls(
            code, Locale.parse(locale or code), digits == "native", translations, missing, broken, found
        )

    @property
    def dir(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    # Words

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    # Dates and numbers

    def date(self, date: dt.date, pattern: str) -> str:
        """A date in a CLDR pattern: "d MMMM y" (21 June 2014, 21 حزيران 2014, 21 червня 2014),
        "LLLL y" (a month standing alone: June 2014, червень 2014), "d MMM"."""
        key = ("date", date, pattern)
        if key not in self._written:
            self._written[key] = self.digits(format_date(date, pattern, locale=self.locale))
        return self._written[key]

    def day(self, date: dt.date) -> str:
        return self.date(date, "d MMMM y")

    def month(self, date: dt.date) -> str:
        return self.date(date, "LLLL y")

    def number(self, n: int | float) -> str:
        """A count with the locale's separators (12,345; 12 345; 12٬345 in Arabic-Indic digits)."""
        key = ("number", n)
        if key not in self._written:
            system = "default" if self.native_digits else "latn"
            self._written[key] = self.digits(format_decimal(n, locale=self.locale, numbering_system=system))
        return self._written[key]

    def digits(self, text: str) -> str:
        """`text` with its digits in the locale's own when the site asks for them."""
        if not self.native_digits:
            return text
        native = NATIVE_DIGITS.get(self.locale.default_numbering_system)
        return text.translate(str.maketrans("0123456789", native)) if native else text


Lines = tuple[tuple[int, str], ...]


def load_catalogue(path: Path) -> tuple[gettext.NullTranslations, Lines, Lines]:
    """A catalogue as translations, the messages it leaves untranslated (fuzzy or empty), and the
    translations left out because they would break their page (a placeholder missing or
    misspelt, a stray `%`): English stands in for them."""
    if not path.is_file():
        return gettext.NullTranslations(), (), ()
    try:
        with path.open("rb") as file:
            catalogue = read_po(file, abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as error:
        return gettext.NullTranslations(), (), ((getattr(error, "lineno", 0) or 0, f"unreadable: {error}"),)
    broken = []
    checked = {message.id: errors for message, errors in catalogue.check()}
    for message in catalogue:
        errors = [str(e) for e in checked.get(message.id, ())] or _unformattable(message)
        if errors and message.id:
            message.string = ("",) * len(message.string) if isinstance(message.string, tuple) else ""
            name = message.id if isinstance(message.id, str) else message.id[0]
            broken.append((message.lineno or 0, f"{name!r}: {errors[0]}"))
    missing = tuple(
        (m.lineno or 0, m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and not _done(m)
    )
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled), missing, tuple(broken)


def _unformattable(message: Message) -> list[str]:
    """Why a translation would fail when its page fills it in (every message is %-formatted)."""
    ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    names = {name: "x" for text in ids for name in PLACEHOLDER.findall(str(text))}
    for text in strings:
        try:
            str(text) % names
        except (ValueError, TypeError, KeyError) as error:
            return [f"it cannot be filled in ({error}); write a percent sign as %%"]
    return []


def _done(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not message.fuzzy and all(strings)


def language_problems(language: Language) -> list[tuple[str, int, str]]:
    """(file, line, message) of an info line for each of the theme's words a language's pages show
    in English."""
    if language.code == "en" or language.code.startswith("en_"):
        return []
    if not language.catalogue:
        return [
            ("settings", 0, f"the theme has no catalogue for '{language.code}': its words are in English")
        ]
    return [
        (language.catalogue, line, f"not translated, shown in English: {message!r}")
        for line, message in language.missing
    ]


def catalogue_problems(language: Language) -> list[tuple[str, int, str]]:
    """(file, line, message) of a warning for each translation a catalogue gives that is left out."""
    return [
        (language.catalogue, line, f"translation left out, shown in English: {what}")
        for line, what in language.broken
    ]


ENGLISH = Language("en", Locale.parse("en"))
_active = ENGLISH


def use(language: Language) -> None:
    """Make the pages that follow `language`'s."""
    global _active
    _active = language


def active() -> Language:
    """The language of the pages being made."""
    return _active


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or a plural of a word of the theme's, by `n`, in the language in use."""
    return _active.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a word of the theme's that is translated where it is shown (`_(label)` in a template)."""
    return message
