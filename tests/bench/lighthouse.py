"""Lighthouse's mobile performance audit of every page type of the sample site (`make lighthouse`).

Not a test: its scores are timings, which vary from run to run and machine to machine. It builds
the sample into a temporary folder, serves it, runs Lighthouse (from npm, with Debian's
Chromium) on each page type and prints one line per page: the performance score, the
cumulative layout shift, the largest contentful paint and the bytes downloaded.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "home": "",
    "entry": "2014/06/23/rawa-ana/",
    "province": "provinces/anbar/",
    "actor": "actors/isis/",
    "place": "places/mosul/",
    "week": "weeks/2014-W25/",
    "search": "search/",
    "search, with a query": "search/?q=convoy",
}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(lighthouse: str) -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("lighthouse: error: Chromium is not installed (make browser installs it)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        built = subprocess.run(
            ["make", "-s", "html", f"OUTPUTDIR={out}"], cwd=ROOT, capture_output=True, text=True
        )
        if built.returncode:
            print(built.stderr, file=sys.stderr)
            return 1
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(out))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        print(f"{'page':24} {'score':>5} {'CLS':>6} {'LCP':>7} {'KB':>6}")
        worst = 100
        for name, path in PAGES.items():
            report = Path(folder) / "report.json"
            done = subprocess.run(
                [
                    lighthouse,
                    base + path,
                    "--only-categories=performance",
                    "--output=json",
                    f"--output-path={report}",
                    "--quiet",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                ],
                env={**os.environ, "CHROME_PATH": chromium},
                capture_output=True,
                text=True,
            )
            if done.returncode or not report.exists():
                print(f"{name:24} failed: {done.stderr.strip().splitlines()[-1:]}")
                worst = 0
                continue
            audits = json.loads(report.read_text())
            score = round(100 * (audits["categories"]["performance"]["score"] or 0))
            cls = audits["audits"]["cumulative-layout-shift"]["numericValue"]
            lcp = audits["audits"]["largest-contentful-paint"]["numericValue"] / 1000
            size = audits["audits"]["total-byte-weight"]["numericValue"] / 1024
            print(f"{name:24} {score:5} {cls:6.3f} {lcp:6.2f}s {size:6.0f}")
            worst = min(worst, score)
        server.shutdown()
    print(f"lowest score: {worst} (target: 95 or more on every page type)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
