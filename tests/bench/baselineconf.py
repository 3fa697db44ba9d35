"""Stock Pelican for the benchmark's baseline: no plugins, default theme, tag feeds on."""

SITENAME = "Baseline"
SITEURL = "http://127.0.0.1:8000"
TIMEZONE = "Asia/Baghdad"
PLUGINS = []
DEFAULT_PAGINATION = 20
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
TAG_FEED_RSS = "feeds/tag/{slug}.rss.xml"
FEED_MAX_ITEMS = 50
FILENAME_METADATA = ""
