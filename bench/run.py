"""apolint's benchmark: one run, one table of medians, every figure beside a reference.

    pip install -e '.[bench]'        # proselint, the peer prose linter (benchmark only)
    python bench/run.py              # full: 10,000 generated files, 5 repeats (about 5-8 min on 2 cores)
    python bench/run.py --quick      # 2,000 files, 3 repeats (about 2 min)

It measures, with Python's own timers and each child's rusage (os.wait4):
  1. cold one-file check of a Chinese and an English draft, beside the floor (a bare Python
     that imports spaCy and builds the pipelines the file needs) and `proselint check`;
  2. a re-check of the same files served from the results cache;
  3. a batch of generated announcements (bench/generate.py: 60% zh, 40% en, 100-600
     characters), apolint vs proselint, whole-process wall time and files/s; --jobs 1 vs 2;
  4. warm latency: re-linting a 2 KB document in a long-running process, through
     `apolint.lint_text` and through `apolint lsp` (didChange + didSave → publishDiagnostics);
  5. growth: a 1 MB and a 10 MB document (lint time inside one process);
and the peak RSS of each process. It prints a Markdown table and the targets of issue 6.
Absolute times drift on shared machines; the targets are ratios from the same run.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (bench/generate.py)

PY = sys.executable
FLOOR = {
    "zh": "import spacy; nlp = spacy.blank('zh', config={'nlp': {'tokenizer': {'segmenter': 'jieba'}}}); "
          "nlp.add_pipe('sentencizer')",
    "en": "import spacy; nlp = spacy.blank('en'); nlp.add_pipe('sentencizer')",
}


def run(cmd: list[str], env: dict | None = None, stdin: str | None = None) -> tuple[float, float, int]:
    """Run a process to its end: (wall seconds, peak RSS in MB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL, env=env)
    if stdin is not None:
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024, proc.returncode


def median_run(cmd: list[str], repeats: int, env: dict | None = None) -> tuple[float, float]:
    """Median wall time and the largest peak RSS over `repeats` runs."""
    walls, rss = [], []
    for _ in range(repeats):
        wall, mb, _ = run(cmd, env)
        walls.append(wall)
        rss.append(mb)
    return statistics.median(walls), max(rss)


def child_json(code: str, env: dict) -> dict:
    """Run Python code that prints one JSON object (it measures its own peak RSS)."""
    proc = subprocess.run([PY, "-c", code], capture_output=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr.decode(errors='replace')[-3000:]}")
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])


WARM = textwrap.dedent("""
    import json, resource, statistics, sys, time
    import apolint
    text = open(sys.argv[1], encoding="utf-8").read() if len(sys.argv) > 1 else None
    doc = open(%(doc)r, encoding="utf-8").read()
    apolint.lint_text(doc, path="warm.md")  # load pipelines and packs
    times = []
    for i in range(%(n)d):
        edited = doc + "\\n" + str(i)
        t = time.perf_counter()
        apolint.lint_text(edited, path="warm.md")
        times.append(time.perf_counter() - t)
    times.sort()
    print(json.dumps({"p50": times[len(times) // 2], "p95": times[int(len(times) * 0.95)],
                      "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")

GROWTH = textwrap.dedent("""
    import json, resource, sys, time
    import apolint
    apolint.lint_text(open(%(small)r, encoding="utf-8").read(), path="warm.md")
    out = {}
    for name, path in %(docs)r:
        text = open(path, encoding="utf-8").read()
        t = time.perf_counter()
        result = apolint.lint_text(text, path="big.md")
        out[name] = time.perf_counter() - t
        out[name + "_findings"] = len(result.findings)
    out["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
""")


class LspClient:
    """A minimal LSP client over stdio: enough to time didChange/didSave → publishDiagnostics."""

    def __init__(self, env: dict, root: Path):
        self.proc = subprocess.Popen([PY, "-m", "apolint", "lsp", "--debounce-ms", "0"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.next_id = 0
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}})
        self.notify("initialized", {})

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self) -> dict:
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("apolint lsp exited")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def request(self, method: str, params: dict) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def wait(self, accept) -> dict:
        while True:
            message = self.receive()
            if "method" in message and "id" in message:  # a request from the server: accept it
                self.send({"id": message["id"], "result": None})
                continue
            if accept(message):
                return message

    def diagnostics(self, uri: str, version: int) -> dict:
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri and m["params"].get("version") == version)

    def close(self) -> float:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
        except (SystemExit, BrokenPipeError):
            pass
        _, _, usage = os.wait4(self.proc.pid, 0)
        return usage.ru_maxrss / 1024


def lsp_latency(env: dict, doc_path: Path, n: int) -> dict:
    client = LspClient(env, doc_path.parent)
    uri = doc_path.as_uri()
    text = doc_path.read_text(encoding="utf-8")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                                                            "text": text}})
    client.diagnostics(uri, 1)
    times = []
    for i in range(n):
        version = i + 2
        start = time.perf_counter()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [{"text": text + f"\n{i}"}]})
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        client.diagnostics(uri, version)
        times.append(time.perf_counter() - start)
    rss = client.close()
    times.sort()
    return {"p50": times[len(times) // 2], "p95": times[int(len(times) * 0.95)], "rss": rss}


def big_document(out: Path, size: int, files: list[Path]) -> None:
    parts, total, i = [], 0, 0
    while total < size:
        text = files[i % len(files)].read_text(encoding="utf-8")
        parts.append(text)
        total += len(text.encode("utf-8")) + 1
        i += 1
    out.write_text("\n".join(parts), encoding="utf-8")


def fmt_s(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description="apolint benchmark (issue 6)")
    parser.add_argument("--quick", action="store_true", help="2,000 files and 3 repeats instead of 10,000 and 5")
    parser.add_argument("--files", type=int, default=None, help="batch size (default 10,000; --quick 2,000)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats of each one-file run")
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated data in this directory")
    args = parser.parse_args()
    n_files = args.files or (2_000 if args.quick else 10_000)
    repeats = args.repeats or (3 if args.quick else 5)
    batch_repeats = 1 if args.quick else 3
    if not shutil.which("proselint"):
        raise SystemExit("proselint is not installed: pip install -e '.[bench]'")

    work = Path(args.keep or tempfile.mkdtemp(prefix="apolint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cache_dir = work / "cache"
    env = dict(os.environ, APOLINT_CACHE_DIR=str(cache_dir), NO_COLOR="1", PYTHONHASHSEED="0")
    batch = work / "batch"
    if batch.exists():
        shutil.rmtree(batch)
    started = time.perf_counter()
    files = generate.generate(batch, n_files)
    zh = next(p for p in files if p.name.endswith("-zh.md") and len(p.read_text(encoding="utf-8")) > 300)
    en = next(p for p in files if p.name.endswith("-en.md") and len(p.read_text(encoding="utf-8")) > 300)
    one = work / "one"
    one.mkdir(exist_ok=True)
    drafts = {"zh": one / "draft-zh.md", "en": one / "draft-en.md"}
    shutil.copy(zh, drafts["zh"])
    shutil.copy(en, drafts["en"])
    apolint = [PY, "-m", "apolint", "check"]
    rows: list[tuple[str, str, str, str]] = []
    figures: dict[str, float] = {}

    # 1-2. one file: cold, floor, proselint, cached. One untimed run first, as on any machine that
    # ran apolint before: it records which pack regexes compile (see matchers.compile_regex).
    run(apolint + [str(drafts["en"]), "--no-cache"], env)
    for lang, path in drafts.items():
        cold, cold_rss = median_run(apolint + [str(path), "--no-cache"], repeats, env)
        floor, _ = median_run([PY, "-c", FLOOR[lang]], repeats, env)
        peer, _ = median_run(["proselint", "check", str(path)], repeats, env)
        run(apolint + [str(path)], env)  # fill the cache
        cached, cached_rss = median_run(apolint + [str(path)], repeats, env)
        figures.update({f"cold_{lang}": cold, f"floor_{lang}": floor, f"peer_{lang}": peer,
                        f"cached_{lang}": cached})
        rows.append((f"one {lang} file, cold (`check --no-cache`)", fmt_s(cold),
                     f"floor {fmt_s(floor)} · proselint {fmt_s(peer)}",
                     f"{cold / floor:.2f}× floor, {cold_rss:.0f} MB"))
        rows.append((f"one {lang} file, cached re-check", fmt_s(cached), f"proselint {fmt_s(peer)}",
                     f"{cached / peer:.2f}× proselint, {cached_rss:.0f} MB"))

    # 3. batch
    # one line per finding from both (apolint --format line, proselint's default)
    a1, a1_rss = median_run(apolint + [str(batch), "--no-cache", "--format", "line"], batch_repeats, env)
    p1, p1_rss = median_run(["proselint", "check", str(batch)], batch_repeats, env)
    a2, a2_rss = median_run(apolint + [str(batch), "--no-cache", "--format", "line", "--jobs", "2"],
                            batch_repeats, env)
    figures.update({"batch": a1, "batch_peer": p1, "batch_jobs2": a2})
    rows.append((f"batch of {n_files:,} files, one process", f"{fmt_s(a1)} ({n_files / a1:,.0f} files/s)",
                 f"proselint {fmt_s(p1)} ({n_files / p1:,.0f} files/s, {p1_rss:.0f} MB)",
                 f"{(n_files / a1) / (n_files / p1):.2f}× proselint's files/s, {a1_rss:.0f} MB"))
    rows.append((f"batch, `--jobs 2`", f"{fmt_s(a2)} ({n_files / a2:,.0f} files/s)", f"`--jobs 1` {fmt_s(a1)}",
                 f"{a1 / a2:.2f}× `--jobs 1`, {a2_rss:.0f} MB per process"))

    # 4. warm latency (2 KB document)
    doc = work / "warm.md"
    parts, size = [], 0
    for p in files[:200]:
        t = p.read_text(encoding="utf-8")
        if size + len(t.encode()) > 2048:
            continue
        parts.append(t)
        size += len(t.encode()) + 1
    doc.write_text("\n".join(parts), encoding="utf-8")
    n_warm = 100 if args.quick else 300
    warm = child_json(WARM % {"doc": str(doc), "n": n_warm}, env)
    figures.update({"warm_p50": warm["p50"], "warm_p95": warm["p95"], "warm_rss": warm["rss"]})
    rows.append((f"warm re-lint of a {doc.stat().st_size / 1024:.1f} KB document, `lint_text`",
                 f"p50 {warm['p50'] * 1000:.1f} ms · p95 {warm['p95'] * 1000:.1f} ms", f"{n_warm} edits",
                 f"{warm['rss']:.0f} MB"))
    try:
        import importlib.util

        has_lsp = importlib.util.find_spec("apolint.lsp") is not None and importlib.util.find_spec("pygls")
    except ImportError:
        has_lsp = False
    if has_lsp:
        lsp = lsp_latency(env, doc, 50 if args.quick else 150)
        figures.update({"lsp_p50": lsp["p50"], "lsp_p95": lsp["p95"], "lsp_rss": lsp["rss"]})
        rows.append(("warm re-lint, `apolint lsp` (didChange+didSave → diagnostics)",
                     f"p50 {lsp['p50'] * 1000:.1f} ms · p95 {lsp['p95'] * 1000:.1f} ms", "debounce 0",
                     f"{lsp['rss']:.0f} MB"))

    # 5. growth
    mb1, mb10 = work / "1mb.md", work / "10mb.md"
    big_document(mb1, 1_000_000, files)
    big_document(mb10, 10_000_000, files)
    growth = child_json(GROWTH % {"small": str(doc), "docs": [("1mb", str(mb1)), ("10mb", str(mb10))]}, env)
    figures.update({"g1": growth["1mb"], "g10": growth["10mb"], "g_rss": growth["rss"]})
    rows.append(("growth: 1 MB document (lint time in process)", fmt_s(growth["1mb"]), "", ""))
    rows.append(("growth: 10 MB document", fmt_s(growth["10mb"]), "1 MB × 10",
                 f"{growth['10mb'] / growth['1mb']:.1f}× the 1 MB time, {growth['rss']:.0f} MB"))

    elapsed = time.perf_counter() - started
    today = datetime.date.today().isoformat()
    print(f"\napolint benchmark, {today}, {os.cpu_count()} cores (nproc), Python {sys.version.split()[0]}, "
          f"{'quick' if args.quick else 'full'} run in {elapsed / 60:.1f} min; "
          f"medians of {repeats} runs (batch: {batch_repeats})\n")
    print("| measurement | apolint | reference | ratio, peak RSS |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("\nTargets (issue 6):\n")
    targets = [
        ("batch files/s >= 2x proselint's", (n_files / figures["batch"]) / (n_files / figures["batch_peer"]), 2.0, True),
        ("--jobs 2 >= 1.6x --jobs 1", figures["batch"] / figures["batch_jobs2"], 1.6, True),
        ("cold zh one-file <= 1.2x floor", figures["cold_zh"] / figures["floor_zh"], 1.2, False),
        ("cold en one-file <= 1.2x floor", figures["cold_en"] / figures["floor_en"], 1.2, False),
        ("cached zh re-check <= 2x proselint one-file", figures["cached_zh"] / figures["peer_zh"], 2.0, False),
        ("cached en re-check <= 2x proselint one-file", figures["cached_en"] / figures["peer_en"], 2.0, False),
        ("warm p95 <= 20 ms (lint_text)", figures["warm_p95"] * 1000, 20.0, False),
        ("peak RSS <= 250 MB (batch, warm)", max(a1_rss, figures["warm_rss"]), 250.0, False),
        ("10 MB <= 12x the 1 MB time", figures["g10"] / figures["g1"], 12.0, False),
    ]
    if "lsp_p95" in figures:
        targets.insert(7, ("warm p95 <= 20 ms (LSP)", figures["lsp_p95"] * 1000, 20.0, False))
    for name, value, limit, at_least in targets:
        ok = value >= limit if at_least else value <= limit
        print(f"- [{'x' if ok else ' '}] {name}: {value:.2f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
