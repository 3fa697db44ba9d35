"""Tracker plugin: entries in Markdown with YAML front matter, read, kept and rendered by the
tracker itself; a controlled vocabulary; line-accurate problems.

`register()` only connects Pelican's signals to their receivers in `bridge.py`.
"""

from __future__ import annotations

from pelican import signals

from . import bridge


def register() -> None:
    """Connect the plugin's receivers to Pelican's signals (nothing else happens at import)."""
    signals.initialized.connect(bridge.merge_defaults)
    signals.get_generators.connect(bridge.start_build)
    signals.readers_init.connect(bridge.add_reader)
    signals.all_generators_finalized.connect(bridge.check_before_writing)
    signals.get_writer.connect(bridge.use_writer)
    signals.finalized.connect(bridge.report)
