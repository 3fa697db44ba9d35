"""The build's typed settings: made once from the checked settings mapping, frozen."""

import dataclasses
import datetime as dt

import pytest

from tracker.model.config import TrackerSettings
from tracker.settings import DEFAULTS


def settings(**overrides):
    return {**DEFAULTS, "PATH": "content", "OUTPUT_PATH": "output", "ARTICLE_PATHS": ["entries"], **overrides}


def test_typed_settings_carry_the_defaults_and_the_site_s_values():
    config = TrackerSettings.of(settings(TRACKER_DATE_ONLY_TIME="09:30", TRACKER_WORKERS=3))
    assert config.date_only_time == dt.time(9, 30)
    assert config.workers == 3 and config.search and config.data
    assert config.entry_paths == ("entries",) and config.path == "content"
    assert config.mode == "build" and not config.check
    assert config.cache == "auto" and config.province_word == "Province"


def test_the_mode_follows_check_and_publish():
    assert TrackerSettings.of(settings(TRACKER_CHECK=True)).check
    assert TrackerSettings.of(settings(TRACKER_PUBLISHING=True)).mode == "publish"
    assert TrackerSettings.of(settings(TRACKER_CHECK=True, TRACKER_PUBLISHING=True)).mode == "check"


def test_no_file_is_none_and_the_entry_folders_are_the_plugin_s_own():
    config = TrackerSettings.of(
        settings(TRACKER_MAP="", TRACKER_PLACES=None, TRACKER_ENTRY_PATHS=["briefs"], ARTICLE_PATHS=[])
    )
    assert config.map is None and config.places is None
    assert config.entry_paths == ("briefs",)


def test_typed_settings_cannot_be_changed_during_a_build():
    config = TrackerSettings.of(settings())
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.search = False
    with pytest.raises(TypeError):
        config.entry_rules["body"] = "off"
