"""Settings for publishing: the development settings, strict, with the real address and no drafts."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # wherever make runs from
from pelicanconf import *  # noqa: E402,F403

# The address the site is published at: write it here, or give it in the environment
# (TRACKER_SITEURL=https://… make publish). A placeholder address (example.org, example.com,
# localhost) is refused.
SITEURL = os.environ.get("TRACKER_SITEURL") or "https://tracker.example.org"
FEED_DOMAIN = SITEURL
# Pages and assets link relatively, so the published folder also works served locally
# (`make serve` with OUTPUTDIR= the published folder); feeds, the sitemap, canonical links, OPML, JSON Feed and Open
# Graph use the absolute SITEURL.
RELATIVE_URLS = True
TRACKER_STRICT = True
DRAFT_SAVE_AS = ""
DELETE_OUTPUT_DIRECTORY = True
