"""The web front ends' benchmark: `apolint serve` round trips and the HTML report of an archive.

    pip install -e '.[test]'                  # Starlette, uvicorn, httpx, selenium
    python bench/web.py                       # needs Debian's chromium and chromedriver for the browser rows
    python bench/web.py --files 1000 --edits 200

It measures:
  1. `POST /api/check` of a 2 KB draft on a running `apolint serve` (its own process, warm), one edit
     after another over a kept-alive connection: the server's whole answer, p50 and p95;
  2. the same draft edited in the page in headless Chromium, one keystroke at a time: from the request
     to the highlights drawn ("apolint-roundtrip", User Timing entries the page records), and from the
     keystroke to the highlights ("apolint-keystroke"): a keystroke after a pause of 300 ms is checked at
     once, so this is the feedback a writer gets; keystrokes in a burst wait for the burst to pause 250 ms;
  3. `apolint check --format html` of N generated notices (bench/generate.py): the time to write it, its
     size, and the time Chromium takes to open it from disk (navigation to the load event, median of 5).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (bench/generate.py)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def draft_of(files: list[Path], size: int = 2048) -> str:
    """About `size` bytes of generated notices, as in bench/run.py's warm row."""
    parts, used = [], 0
    for p in files:
        text = p.read_text(encoding="utf-8")
        if used + len(text.encode()) > size:
            continue
        parts.append(text)
        used += len(text.encode()) + 1
    return "\n".join(parts)


def start_server(cwd: Path) -> tuple[subprocess.Popen, str]:
    """`apolint serve --port 0` in its own process, as a user runs it: (the process, its base URL)."""
    proc = subprocess.Popen([sys.executable, "-m", "apolint", "serve", "--port", "0"], cwd=cwd,
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = proc.stdout.readline()  # "apolint serve: http://127.0.0.1:PORT/ (Ctrl+C to stop)", once warm
    if not line.startswith("apolint serve: "):
        proc.kill()
        raise SystemExit(f"apolint serve did not start: {line!r}")
    return proc, line.split()[2].rstrip("/")


def api_round_trips(base: str, draft: str, edits: int) -> list[float]:
    """One kept-alive connection, each request sent in one write: headers and body written apart wait
    for the delayed ACK of the first (Nagle), 40 ms that belong to the client, not the server."""
    import http.client
    import json
    from urllib.parse import urlsplit

    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    times = []
    for i in range(edits + 5):
        body = json.dumps({"text": draft + "x" * (i % 7)}).encode("utf-8")  # a new text each time, as typing makes
        start = time.perf_counter()
        connection.request("POST", "/api/check", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read()
        elapsed = time.perf_counter() - start
        assert response.status == 200, answer
        if i >= 5:  # the first few warm the connection
            times.append(elapsed)
    connection.close()
    return times


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        return None
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(driver_path), options=options)


def page_round_trips(driver, base: str, draft: str, edits: int) -> tuple[list[float], list[float]]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base + "/")
    box = driver.find_element(By.ID, "draft")
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
                          box, draft)
    fresh = ("return document.getElementById('status').textContent === 'Checked.' && "
             "document.getElementById('backdrop').textContent.trimEnd() === document.getElementById('draft').value.trimEnd()")
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(fresh))
    request, keystroke = [], []
    for i in range(edits):
        driver.execute_script("performance.clearMeasures()")
        time.sleep(0.3)  # a writer's pause: the page checks a keystroke after a pause at once
        box.send_keys("x" if i % 10 else " ")
        WebDriverWait(driver, 30).until(lambda d: d.execute_script(
            fresh + " && performance.getEntriesByName('apolint-keystroke').length > 0"))
        request.append(driver.execute_script("return performance.getEntriesByName('apolint-roundtrip').at(-1).duration"))
        keystroke.append(driver.execute_script("return performance.getEntriesByName('apolint-keystroke').at(-1).duration"))
    return [t / 1000 for t in request], [t / 1000 for t in keystroke]


def report_figures(driver, count: int, work: Path) -> dict:
    folder = work / "notices"
    generate.generate(folder, count)
    report = work / "report.html"
    start = time.perf_counter()
    with report.open("w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-m", "apolint", "check", "--format", "html", "--no-cache", "--fail-on",
                        "never", str(folder)], check=True, stdout=out)
    written = time.perf_counter() - start
    figures = {"files": count, "write_s": written, "bytes": report.stat().st_size}
    if driver is not None:
        loads = []
        for _ in range(5):
            driver.get("about:blank")
            driver.get(report.as_uri())
            loads.append(driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd;") / 1000)
        figures["open_s"] = statistics.median(loads)
        figures["first_paint_s"] = driver.execute_script(
            "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null;")
        if figures["first_paint_s"] is not None:
            figures["first_paint_s"] /= 1000
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description="apolint web benchmark (issue 12)")
    parser.add_argument("--files", type=int, default=1000, help="notices in the HTML report (default 1,000)")
    parser.add_argument("--edits", type=int, default=200, help="edits of the 2 KB draft (default 200)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        draft = draft_of(generate.generate(work / "sample", 200))
        server, base = start_server(work)
        driver = browser()
        try:
            api = api_round_trips(base, draft, args.edits)
            rows = [(f"`POST /api/check`, {len(draft.encode()) / 1024:.1f} KB draft",
                     f"p50 {percentile(api, .5) * 1000:.1f} ms · p95 {percentile(api, .95) * 1000:.1f} ms",
                     f"{args.edits} edits")]
            if driver is not None:
                request, keystroke = page_round_trips(driver, base, draft, min(args.edits, 100))
                rows.append(("page: request → highlights drawn",
                             f"p50 {percentile(request, .5) * 1000:.1f} ms · p95 {percentile(request, .95) * 1000:.1f} ms",
                             f"{len(request)} keystrokes"))
                rows.append(("page: keystroke after a pause → highlights",
                             f"p50 {percentile(keystroke, .5) * 1000:.0f} ms · p95 {percentile(keystroke, .95) * 1000:.0f} ms",
                             f"{len(keystroke)} keystrokes"))
            report = report_figures(driver, args.files, work)
            rows.append((f"`check --format html`, {report['files']:,} notices",
                         f"{report['write_s']:.2f} s, {report['bytes'] / 1e6:.1f} MB", "one process, no cache"))
            if "open_s" in report:
                paint = f", first paint {report['first_paint_s'] * 1000:.0f} ms" if report.get("first_paint_s") else ""
                rows.append(("the report opened from disk in Chromium", f"{report['open_s'] * 1000:.0f} ms to load{paint}",
                             "median of 5"))
        finally:
            if driver is not None:
                driver.quit()
            server.terminate()
            server.wait(timeout=10)
    print("| measurement | figure | note |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if driver is None:
        print("\n(no chromium/chromedriver: the browser rows were left out)")


if __name__ == "__main__":
    main()
