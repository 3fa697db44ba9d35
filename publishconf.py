"""Settings for publishing: the development settings, strict, with the real address and no drafts."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # wherever make runs from
from pelicanconf import *  # noqa: E402,F403

SITEURL = "https://tracker.example.org"
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
TRACKER_STRICT = True
DRAFT_SAVE_AS = ""
DELETE_OUTPUT_DIRECTORY = True
