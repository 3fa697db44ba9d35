"""Settings of the sample site, the Iraq Daily Tracker (development build)."""

AUTHOR = "Tracker desk"
SITENAME = "Iraq Daily Tracker"
SITESUBTITLE = "A daily security briefing, province by province"
SITEURL = ""
TIMEZONE = "Asia/Baghdad"
DEFAULT_LANG = "en"
# The site's languages, its default first: each other language's pages are under its code (ar/),
# and an entry says `lang: ar` to be one of them. Arabic dates name the months as Iraq does
# (حزيران; "ar" alone: يونيو).
TRACKER_LANGUAGES = ["en", "ar"]
TRACKER_LOCALES = {"ar": "ar_IQ"}
# What another language's pages call the site (the default language's pages use the settings above).
TRACKER_LANGUAGE_SETTINGS = {
    "ar": {
        "SITENAME": "المتابعة اليومية للعراق",
        "SITESUBTITLE": "موجز أمني يومي، محافظةً محافظة",
        "AUTHOR": "فريق المتابعة",
        "TRACKER_MAP_ATTRIBUTION": "حدود الخريطة: من بيانات Natural Earth، مبسّطة.",
    }
}

PATH = "content"
ARTICLE_PATHS = ["entries"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []  # add e.g. "images" once the content folder has one
THEME_STATIC_PATHS = ["static"]
THEME = "theme"

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["tracker"]

# The controlled vocabulary lives with the content (paths relative to PATH).
TRACKER_PROVINCES = "data/provinces.yaml"
TRACKER_ACTORS = "data/actors.yaml"
TRACKER_STRICT = False
TRACKER_MAP = "data/provinces.geojson"  # boundaries for the province map (no file: no map)
TRACKER_MAP_ATTRIBUTION = "Map boundaries: made with Natural Earth; simplified."
TRACKER_EVENT_TYPES = "data/event_types.yaml"  # the types of the entries' `events:` (ACLED's names)
# The licence the data page states for the site's content (the sample's; choose your site's own).
TRACKER_LICENSE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
TRACKER_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

# Entry URLs never move: the slug comes from the file name, not the title.
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_URL = "authors/{slug}/"
AUTHOR_SAVE_AS = "authors/{slug}/index.html"
AUTHORS_SAVE_AS = "authors/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
TRACKER_YEAR_ARCHIVE_URL = "{date:%Y}/"
TRACKER_YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
TRACKER_MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
TRACKER_MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
TAGS_URL = "tags/"
AUTHORS_URL = "authors/"

# Dates come from the front matter only; folders are not categories; one slug is one entry.
FILENAME_METADATA = ""
PATH_METADATA = ""
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "entries"
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
DIRECT_TEMPLATES = ["index", "tags", "authors", "archives"]

DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds are written by this project with feedgen; Pelican's own are off. Feed links must be
# absolute: the development build points them at the local server.
FEED_DOMAIN = "http://127.0.0.1:8000"
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 50

# auto_reload off: templates do not change during a build, and checking them costs seconds at scale.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True, "auto_reload": False}
RELATIVE_URLS = True

# Kept in the output folder by every build and carried into each new site by `make publish`:
# a Pages checkout's version control and custom-domain file.
OUTPUT_RETENTION = [".git", ".hg", ".bzr", "CNAME"]
