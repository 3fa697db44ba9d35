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
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

DIGITS = ("latin", "native")
# The digits of the numbering systems a locale may write in (Babel gives their symbols, not them).
NATIVE_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


@dataclass(frozen=True)
class Language:
    code: str  # "en", "ar", "uk": what `lang` says and the catalogue's folder
    locale: Locale  # for dates and numbers ("ar_IQ": the months as Iraq and the Levant name them)
    native_digits: bool = False  # Arabic-Indic digits where the locale writes them
    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)
    missing: tuple[tuple[int, str], ...] = ()  # (line, message) of the words the catalogue does not translate
    catalogue: str = ""  # the catalogue's file ("": none)

    @classmethod
    def of(cls, code: str, locale: str = "", digits: str = "latin", catalogues: str = "") -> Language:
        """The language `code`, its dates and numbers in `locale` (default: the language's own),
        its words from `catalogues`/<code>/LC_MESSAGES/messages.po (none there: English words)."""
        path = Path(catalogues, code, "LC_MESSAGES", "messages.po")
        translations, missing = load_catalogue(path)
        found = str(path) if path.is_file() else ""
        return cls(code, Locale.parse(locale or code), digits == "native", translations, missing, found)

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
        return self.digits(format_date(date, pattern, locale=self.locale))

    def day(self, date: dt.date) -> str:
        return self.date(date, "d MMMM y")

    def month(self, date: dt.date) -> str:
        return self.date(date, "LLLL y")

    def number(self, n: int | float) -> str:
        """A count with the locale's separators (12,345; 12 345; 12٬345 in Arabic-Indic digits)."""
        system = "default" if self.native_digits else "latn"
        return self.digits(format_decimal(n, locale=self.locale, numbering_system=system))

    def digits(self, text: str) -> str:
        """`text` with its digits in the locale's own when the site asks for them."""
        if not self.native_digits:
            return text
        native = NATIVE_DIGITS.get(self.locale.default_numbering_system)
        return text.translate(str.maketrans("0123456789", native)) if native else text


def load_catalogue(path: Path) -> tuple[gettext.NullTranslations, tuple[tuple[int, str], ...]]:
    """A catalogue as translations, and the messages it leaves untranslated (fuzzy or empty)."""
    if not path.is_file():
        return gettext.NullTranslations(), ()
    with path.open("rb") as file:
        catalogue = read_po(file)
    missing = tuple(
        (m.lineno or 0, m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and not _done(m)
    )
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled), missing


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
