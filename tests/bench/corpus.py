"""A deterministic synthetic tracker corpus, written twice: YAML front matter for this project,
and Pelican's native `Key: value` metadata (provinces and actors as `Tags:`) for stock Pelican."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml

WORDS = (
    "forces reported fighting near the district after overnight clashes with insurgents while "
    "officials said reinforcements had arrived from the provincial capital and residents described "
    "checkpoints on the main road where convoys were stopped as local councils met tribal leaders "
    "to discuss security arrangements before the next offensive along the river valley and the "
    "highway toward the border crossing which remains contested according to several sources"
).split()


def _paragraph(rng: random.Random, places: list[str]) -> str:
    sentences = []
    for _ in range(rng.randint(5, 7)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(12, 22))]
        words.insert(rng.randrange(len(words)), rng.choice(places))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def names(path: Path) -> list[str]:
    return [item["name"] for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


def generate(n: int, vocabulary: Path, tracker_dir: Path, stock_dir: Path, seed: int = 2014) -> None:
    """Write `n` entries (about 700 words, 2–6 provinces, 3–8 actors, 1–3 gazetteer places, 0–3
    events each) into both folders (for stock Pelican, provinces, actors and places are tags;
    it has no events)."""
    rng = random.Random(seed)
    place_rng = random.Random(seed + 1)  # a stream of its own: the rest of the corpus is as before places
    event_rng = random.Random(seed + 2)  # likewise for events
    provinces, actors = names(vocabulary / "provinces.yaml"), names(vocabulary / "actors.yaml")
    gazetteer = names(vocabulary / "places.yaml")
    (tracker_dir / "data").mkdir(parents=True, exist_ok=True)
    types = yaml.safe_load((vocabulary / "event_types.yaml").read_text(encoding="utf-8"))
    kinds = [(t["name"], s if isinstance(s, str) else s["name"]) for t in types for s in t["sub_types"]]
    for name in ("provinces.yaml", "actors.yaml", "places.yaml", "event_types.yaml", "provinces.geojson"):
        (tracker_dir / "data" / name).write_text(  # the sample's vocabulary, gazetteer and map
            (vocabulary / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    start = dt.date(2014, 6, 1)
    for i in range(n):
        day = start + dt.timedelta(days=i * 3 // 4)  # a few days carry two entries, as real trackers do
        slug = f"brief-{i:05d}"
        tagged_provinces = rng.sample(provinces, rng.randint(2, 6))
        tagged_actors = rng.sample(actors, rng.randint(3, 8))
        title = f"Brief {i}: {tagged_actors[0]} and {tagged_actors[1]} in {tagged_provinces[0]}"
        summary = f"Fighting and political moves in {', '.join(tagged_provinces)}."
        places = [f"{p} district" for p in tagged_provinces]
        tagged_places = place_rng.sample(gazetteer, place_rng.randint(1, 3))
        body = "\n\n".join(_paragraph(rng, places) for _ in range(rng.randint(6, 7)))
        name = f"{day:%Y}/{day:%Y-%m-%d}-{slug}.md"
        fields = {
            "title": title,
            "date": day.isoformat(),
            "provinces": tagged_provinces,
            "actors": tagged_actors,
            "places": tagged_places,
            "summary": summary,
            "sources": [f"Field report <https://example.org/{slug}>"],
        }
        events = [
            {
                "type": kind,
                "sub_type": sub_type,
                "place": event_rng.choice(tagged_places),
                "actors": event_rng.sample(tagged_actors, 2),
                "fatalities": event_rng.choice([0, 1, 2, 3, 5, 8, 13, 21]),
            }
            for kind, sub_type in (
                event_rng.choice(kinds) for _ in range(event_rng.choice([0, 0, 1, 1, 2, 3]))
            )
        ]
        if events:
            fields["events"] = events
        front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
        for folder, text in (
            (tracker_dir / "entries", f"---\n{front}---\n{body}\n"),
            (
                stock_dir,
                f"Title: {title}\nDate: {day.isoformat()}\nSlug: {slug}\nSummary: {summary}\n"
                f"Tags: {', '.join(tagged_provinces + tagged_actors + tagged_places)}\n\n{body}\n",
            ),
        ):
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
