"""Is the book fast to build, to test and to read? Measures each budget and reports it.

    python benchmarks/site_performance.py [--runs N] [--tests] [--no-lighthouse] [--lighthouse PATH]

Budgets (each timing the median of ``--runs`` runs, 3 by default):

- a clean ``mkdocs build --strict`` (every page's code run, the notebook
  executed, the heads verified and trained, from an empty cache): at most 30 s;
- a rebuild with nothing changed (hooks/build_cache.py): at most 3 s;
- the README's test command, ``pytest`` (with ``--tests``; it builds the site
  again): at most 60 s;
- every page at most 300 KB transferred on a cold load, fonts and math
  included, measured in Chromium as served gzip-compressed (as any static host
  serves it); the uncompressed size is reported alongside;
- Lighthouse performance score, if Lighthouse is installed
  (``npm install --prefix /tmp/lh lighthouse@12.2.3``; it is looked for on the
  PATH, in $LIGHTHOUSE and in /tmp/lh), the median of ``--runs`` runs per page
  and preset: at least 95 on ``mobile`` (a slow phone on a slow network,
  simulated; its default), the phone a student reads on, and 100 on ``desktop``.

This is a script, not a test: timings depend on the machine and on what else
runs on it. It prints one table per budget and exits with 1 if any is over.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser_support import (  # noqa: E402
    CHROMIUM_ARGS,
    Reader,
    _look,
    find_chromium,
    free_port,
    launch,
    serve,
    site_pages,
)

BUILD_BUDGET, REBUILD_BUDGET, TEST_BUDGET = 30.0, 3.0, 60.0
PAGE_BUDGET = 300 * 1024
LIGHTHOUSE_BUDGET = {"mobile": 95, "desktop": 100}
LIGHTHOUSE_CANDIDATES = [
    os.environ.get("LIGHTHOUSE"),
    shutil.which("lighthouse"),
    "/tmp/lh/node_modules/.bin/lighthouse",
]


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def build(site: Path, cache: Path, port: int) -> tuple[float, str]:
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "BOOK_CACHE": str(cache),
        "BOOK_SITE_URL": f"http://127.0.0.1:{port}/",
    }
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return seconds, result.stdout + result.stderr


def page_weights(site: Path, base: str) -> dict[str, tuple[int, int]]:
    """{page: (bytes raw, bytes gzip)} for a cold load in Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        reader = Reader(browser, base, tabs=1)
        weights = {}
        for path in site_pages(site):
            report = _look(reader, reader.tabs[0], path, None)
            weights[path] = (report.bytes_raw, report.bytes_gzip)
        reader.close()
        browser.close()
    return weights


def lighthouse(binary: str, url: str, preset: str) -> dict:
    flags = ["--preset=desktop"] if preset == "desktop" else []
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [
                binary,
                url,
                "--only-categories=performance",
                *flags,
                "--output=json",
                f"--output-path={out.name}",
                "--quiet",
                f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
            ],
            env={**os.environ, "CHROME_PATH": find_chromium()},
            check=True,
            capture_output=True,
            timeout=180,
        )
        report = json.loads(Path(out.name).read_text())
    audits = report["audits"]
    return {
        "score": round(100 * report["categories"]["performance"]["score"]),
        "FCP": audits["first-contentful-paint"]["displayValue"],
        "LCP": audits["largest-contentful-paint"]["displayValue"],
        "TBT": audits["total-blocking-time"]["displayValue"],
        "CLS": audits["cumulative-layout-shift"]["displayValue"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", action="store_true", help="also time the README's test command (pytest)")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--lighthouse", help="path to the lighthouse command")
    parser.add_argument("--runs", type=int, default=3, help="runs per timing; the median is reported")
    args = parser.parse_args()
    over = False
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        tmp = Path(tmp)
        cleans = [build(tmp / "site", tmp / f"cache-{run}", port)[0] for run in range(args.runs)]
        rebuilds = [build(tmp / "site-again", tmp / "cache-0", port)[0] for _ in range(args.runs)]
        clean, rebuild = statistics.median(cleans), statistics.median(rebuilds)
        print(
            f"\nBuild (mkdocs build --strict; median of {args.runs}: "
            f"clean {', '.join(f'{t:.1f}' for t in cleans)} s; again {', '.join(f'{t:.1f}' for t in rebuilds)} s)"
        )
        print(
            f"  clean, notebook executed    {clean:6.1f} s   budget {BUILD_BUDGET:.0f} s   {verdict(clean <= BUILD_BUDGET)}"
        )
        print(
            f"  again, nothing changed      {rebuild:6.1f} s   budget {REBUILD_BUDGET:.0f} s   {verdict(rebuild <= REBUILD_BUDGET)}"
        )
        over |= clean > BUILD_BUDGET or rebuild > REBUILD_BUDGET

        if args.tests:
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, "-m", "pytest", "-q"], cwd=ROOT, capture_output=True, text=True
                )
                times.append(time.perf_counter() - start)
            seconds = statistics.median(times)
            summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "(no output)"
            print(f"\nTests (the README's test command: pytest; median of {', '.join(f'{t:.1f}' for t in times)} s)")
            print(f"  {seconds:6.1f} s   budget {TEST_BUDGET:.0f} s   {verdict(seconds <= TEST_BUDGET)}   {summary}")
            over |= seconds > TEST_BUDGET or result.returncode != 0

        if find_chromium() is None:
            print("\nPage weight and Lighthouse: skipped, Chromium not found (apt-get install chromium)")
            return 1 if over else 0
        site = tmp / "site"
        with serve(site, port) as base:
            if base != f"http://127.0.0.1:{port}/":
                print(f"(port {port} was taken: instant navigation is off in this run)")
            weights = page_weights(site, base)
            print("\nPage weight (cold load in Chromium; served gzip-compressed, as static hosts do)")
            print(f"  {'page':<36} {'KB raw':>8} {'KB gzip':>8}   budget {PAGE_BUDGET // 1024} KB (gzip)")
            for path, (raw, gz) in weights.items():
                print(f"  {'/' + path:<36} {raw / 1024:8.0f} {gz / 1024:8.0f}   {verdict(gz <= PAGE_BUDGET)}")
                over |= gz > PAGE_BUDGET

            binary = args.lighthouse or next((c for c in LIGHTHOUSE_CANDIDATES if c and Path(c).exists()), None)
            if args.no_lighthouse or binary is None:
                print(
                    "\nLighthouse: skipped"
                    + (
                        ""
                        if args.no_lighthouse
                        else " (not found: npm install --prefix /tmp/lh lighthouse@12.2.3, or pass --lighthouse PATH)"
                    )
                )
                return 1 if over else 0
            print(
                f"\nLighthouse performance ({binary}; median of {args.runs} runs per page and preset; "
                f"budget {LIGHTHOUSE_BUDGET['mobile']} on mobile, {LIGHTHOUSE_BUDGET['desktop']} on desktop)"
            )
            print(f"  {'page':<36} {'desktop':>36}   {'mobile (simulated slow phone)':>40}")
            for path in weights:
                cells, ok = [], True
                for preset in ("desktop", "mobile"):
                    runs = [lighthouse(binary, base + path, preset) for _ in range(args.runs)]
                    median = sorted(runs, key=lambda r: r["score"])[len(runs) // 2]
                    scores = "/".join(str(r["score"]) for r in runs)
                    cells.append(f"{median['score']:3d} ({scores}; TBT {median['TBT']:>8}, LCP {median['LCP']:>6})")
                    ok &= median["score"] >= LIGHTHOUSE_BUDGET[preset]
                print(f"  {'/' + path:<36} {cells[0]:>36}   {cells[1]:>40}   {verdict(ok)}")
                over |= not ok
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
