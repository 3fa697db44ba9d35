"""The theme's words in the language of the page being made: Jinja's i18n extension (`{% trans %}`,
`_()`), its gettext calls answered by the language in use (model/language.py). Every template
environment of a build has it (the site's settings name it among JINJA_ENVIRONMENT's extensions),
so Pelican's own pages speak the same language as the tracker's."""

from __future__ import annotations

from typing import Any

from jinja2.ext import InternationalizationExtension

from ..model.language import N_, active


def gettext(message: str) -> str:
    """A template's `_()` and `{% trans %}`: the message in the page's language."""
    return active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """A template's `{% trans count=n %}…{% pluralize %}`: the form for `n` in the page's language."""
    return active().ngettext(singular, plural, n)


class Words(InternationalizationExtension):
    """Jinja's i18n extension, installed with the build's languages; new-style gettext (its
    values escaped, its `%(name)s` filled in), and `{% trans %}` blocks' whitespace trimmed."""

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        environment.policies["ext.i18n.trimmed"] = True
        environment.install_gettext_callables(gettext, ngettext, newstyle=True)
        environment.globals["language"] = active


def plural_samples(language: Any) -> dict[str, int]:
    """A number of each of the language's CLDR plural categories ("one": 1, "few": 3 ...), which
    the search page's script picks by `Intl.PluralRules`."""
    rule = language.locale.plural_form
    found: dict[str, int] = {}
    for n in range(0, 200):
        found.setdefault(rule(n), n)
    return found


def search_words(word: str) -> dict[str, Any]:
    """What the search page's script writes, in the page's language (global `search_words`;
    `word` is the site's word for a province, as the page writes it)."""
    words = active()
    months = words.locale.months["stand-alone"]["wide"]
    return {
        "prompt": words.gettext("Type a word, or choose a %(word)s, an actor, a year or a month.")
        % {"word": word},
        "loading": words.gettext("Loading the search index…"),
        "failed": words.gettext(
            "The search index could not be loaded. "
            "Browse the entries by %(word)s, by actor or by date instead."
        )
        % {"word": word},
        "none": words.gettext("No entry matches."),
        "matches": {
            category: words.ngettext("%(n)s entry matches.", "%(n)s entries match.", n)
            for category, n in plural_samples(words).items()
        },
        "actor": words.gettext("Actor:"),
        "months": [months[m] for m in range(1, 13)],
        "digits": words.digits("0123456789"),
    }


def weekday_names() -> list[tuple[str, str]]:
    """(name, abbreviation) of the days of the week from Monday, in the page's language (global
    `weekday_names`, for a month's calendar)."""
    days = active().locale.days["stand-alone"]
    return [(days["wide"][n], days["abbreviated"][n]) for n in range(7)]


# Words a site's data gives the theme, translated where they are shown: the words for a province
# that new sites choose (TRACKER_PROVINCE_WORD, TRACKER_PROVINCES_WORD), the kinds of actors and
# places the sample's vocabulary uses, and the built-in event types and sub-types (ACLED's names,
# kept in English in the data files).
DATA_WORDS = (
    N_("Province"),
    N_("Provinces"),
    N_("Governorate"),
    N_("Governorates"),
    N_("Oblast"),
    N_("Oblasts"),
    N_("Region"),
    N_("Regions"),
    N_("District"),
    N_("Districts"),
    N_("Airport"),
    N_("Base"),
    N_("Border crossing"),
    N_("Border town"),
    N_("City"),
    N_("Dam"),
    N_("Foreign"),
    N_("Insurgent"),
    N_("Kurdish"),
    N_("Militia"),
    N_("Mosque"),
    N_("Neighbourhood"),
    N_("Oil field"),
    N_("Political"),
    N_("Prison"),
    N_("Refinery"),
    N_("Shrine"),
    N_("State"),
    N_("Subdistrict"),
    N_("Town"),
    N_("Tribal"),
    N_("University"),
    N_("Village"),
    N_("Weapons complex"),
    N_("Battles"),
    N_("Armed clash"),
    N_("Government regains territory"),
    N_("Non-state actor overtakes territory"),
    N_("Explosions/Remote violence"),
    N_("Air/drone strike"),
    N_("Suicide bomb"),
    N_("Shelling/artillery/missile attack"),
    N_("Remote explosive/landmine/IED"),
    N_("Grenade"),
    N_("Chemical weapon"),
    N_("Violence against civilians"),
    N_("Attack"),
    N_("Abduction/forced disappearance"),
    N_("Sexual violence"),
    N_("Protests"),
    N_("Peaceful protest"),
    N_("Protest with intervention"),
    N_("Excessive force against protesters"),
    N_("Riots"),
    N_("Violent demonstration"),
    N_("Mob violence"),
    N_("Strategic developments"),
    N_("Agreement"),
    N_("Arrests"),
    N_("Change to group/activity"),
    N_("Disrupted weapons use"),
    N_("Headquarters or base established"),
    N_("Looting/property destruction"),
    N_("Non-violent transfer of territory"),
    N_("Other"),
)


def word(text: Any) -> str:
    """A word the site's settings or data give (TRACKER_PROVINCE_WORD, an actor's kind), in the
    page's language when the catalogue has it (filter `word`). Unlike `_()`, whose messages are
    the theme's own markup, the result is text: escaped like any other value."""
    if not text:
        return ""
    words, text = active(), str(text)
    found = words.gettext(text)
    if found == text and text[:1].islower():  # a kind as the vocabulary writes it ("militia")
        capital = text[:1].upper() + text[1:]
        translated = words.gettext(capital)
        return translated if translated != capital else text
    return found
