"""Shared fixtures and helpers for the apolint test suite.

- `pipelines` (session): loads the spaCy zh (jieba) and en pipelines once for the whole run.
- `kinds_config` (session): the small test packs in tests/fixtures/packs/kinds/ (no built-in packs).
- `lint(text, ...)`: lint a string with a configuration and return the FileResult.
- `spans(result, rule=None)`: findings as (rule, line, column, end_line, end_column, text) tuples.
- `run_cli(*args, ...)`: run `python -m apolint ...` as a subprocess (the installed CLI, cold).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import apolint
from apolint.config import Config, load_config_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PACKS = FIXTURES / "packs"
KINDS_DIR = PACKS / "kinds"
KINDS_CONFIG = KINDS_DIR / ".apolint.yaml"
RULE_FIXTURES = FIXTURES / "rules"


@pytest.fixture(autouse=True, scope="session")
def _session_results_cache(tmp_path_factory):
    """CLI runs in tests keep their results cache in the session's temporary directory."""
    os.environ["APOLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("results-cache"))


@pytest.fixture(scope="session")
def pipelines():
    """Load both spaCy pipelines once; every later lint reuses them."""
    from apolint import pipelines

    return {lang: pipelines.pipeline(lang) for lang in ("zh", "en")}


@pytest.fixture(scope="session")
def kinds_config(pipelines) -> Config:
    return load_config_file(KINDS_CONFIG)


@pytest.fixture(scope="session")
def builtin_config(pipelines) -> Config:
    """The built-in packs with no project configuration (what `apolint check` uses by default)."""
    return Config(root=ROOT)


def lint(text: str, config, path: str = "draft.md", lang: str | None = None):
    result = apolint.lint_text(text, lang=lang, config=config, path=path)
    assert result.error is None, result.error
    return result


def spans(result, rule: str | None = None, *, level: bool = False) -> list[tuple]:
    """Findings as comparable tuples, optionally only those of one rule."""
    out = []
    for f in result.findings:
        if rule is not None and f.rule != rule:
            continue
        row = (f.rule, f.line, f.column, f.end_line, f.end_column, f.text)
        out.append(row + (f.level,) if level else row)
    return out


def run_cli(*args: str, input: str | bytes | None = None, cwd: str | Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the CLI in a fresh process, as a user would (stdout/stderr captured as text)."""
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8")
    data = input.encode("utf-8") if isinstance(input, str) else input
    proc = subprocess.run([sys.executable, "-m", "apolint", *args], input=data, capture_output=True,
                          cwd=str(cwd) if cwd else None, env=env, timeout=timeout)
    proc.stdout = proc.stdout.decode("utf-8")
    proc.stderr = proc.stderr.decode("utf-8")
    return proc


def cli_json(*args: str, **kwargs) -> tuple[int, dict]:
    proc = run_cli(*args, "--format", "json", **kwargs)
    assert proc.stdout, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


# --- apolint serve ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def web_service(builtin_config):
    """The check service of `apolint serve` with the built-in packs, warm."""
    pytest.importorskip("starlette", reason="apolint serve needs the web extra (pip install -e '.[test]')")
    from apolint.web.service import CheckService

    service = CheckService(builtin_config)
    service.warm_up()
    return service


@pytest.fixture(scope="session")
def live_server(web_service):
    """`apolint serve` running on a free loopback port in a thread: its base URL."""
    import threading
    import time

    import uvicorn

    from apolint.web.app import allowed_hosts, bind, create_app

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    app = create_app(web_service, allowed_hosts("127.0.0.1", port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
