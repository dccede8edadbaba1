"""`apolint serve` without a browser: the JSON API and every protection of "Safe by default"
(README "Web page"), on the app itself (Starlette's TestClient) and on a real server (uvicorn)."""
from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="apolint serve needs the web extra (pip install -e '.[test]')")
pytest.importorskip("httpx", reason="the tests call the app through httpx (pip install -e '.[test]')")

import httpx  # noqa: E402

with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

import apolint  # noqa: E402
from apolint.web.app import CSP, MAX_BODY, allowed_hosts, create_app  # noqa: E402

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
EN_DRAFT = "Some users could not log in. We apologize for any inconvenience.\n"
ZH_DRAFT = "由于第三方服务商故障，部分用户今日上午无法登录。我们正在全力修复，将尽快恢复服务。\n"


@pytest.fixture(scope="module")
def client(web_service):
    with TestClient(create_app(web_service, allowed_hosts("127.0.0.1", PORT)), base_url=BASE) as c:
        yield c


def post(client, body, **headers):
    return client.post("/api/check", content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                       headers={"Content-Type": "application/json", **headers})


# --- the contract -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [EN_DRAFT, ZH_DRAFT])
def test_check_returns_the_json_contract_for_one_file(client, builtin_config, text):
    response = post(client, {"text": text})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    expected = apolint.lint_text(text, config=builtin_config, path="draft.md").to_json()
    assert data["files"] == [json.loads(json.dumps(expected))]
    assert data["budget"] == []  # no channel chosen


def test_options_mean_what_front_matter_means(client):
    long_zh = "我们的支付服务出现故障，约20%的银行卡支付失败。" * 6
    by_option = post(client, {"text": long_zh, "channel": "sms", "stage": "resolved", "severity": "sev1"}).json()
    front = "---\nchannel: sms\nstage: resolved\nseverity: sev1\n---\n"
    by_front_matter = post(client, {"text": front + long_zh}).json()
    assert by_option["files"][0]["stage"] == {"name": "resolved", "inferred": False}
    rules = lambda data: sorted(f["rule"] for f in data["files"][0]["findings"])  # noqa: E731
    assert rules(by_option) == rules(by_front_matter)
    assert "channel-length" in rules(by_option) and "missing-apology" in rules(by_option)
    # an option overrides the front matter, as --stage does
    overridden = post(client, {"text": front + long_zh, "stage": "acknowledge"}).json()
    assert overridden["files"][0]["stage"] == {"name": "acknowledge", "inferred": False}


def test_channel_budget_counts_as_the_channel_does(client):
    sms = post(client, {"text": "a" * 200, "channel": "sms"}).json()["budget"]
    assert sms == [{"channel": "sms", "part": "all", "unit": "sms-segments", "used": 2, "max": 2,
                    "characters": 200, "encoding": "GSM-7"}]
    front_matter = post(client, {"text": "---\nchannel: SMS\n---\n" + "a" * 200}).json()["budget"]
    assert front_matter == sms  # the front matter's channel counts when no option names one
    zh = post(client, {"text": "服务已恢复" * 30, "channel": "sms"}).json()["budget"]
    assert zh == [{"channel": "sms", "part": "all", "unit": "sms-segments", "used": 3, "max": 2,
                   "characters": 150, "encoding": "UCS-2"}]
    weibo = post(client, {"text": "服务已恢复 ok", "channel": "weibo"}).json()["budget"]
    assert weibo == [{"channel": "weibo", "part": "all", "unit": "weighted", "used": 13, "max": 280}]
    push = post(client, {"text": "Payments are back\nAll card payments work again.", "channel": "push"}).json()
    assert push["budget"] == [{"channel": "push", "part": "title", "unit": "chars", "used": 17, "max": 40},
                              {"channel": "push", "part": "body", "unit": "chars", "used": 29, "max": 120}]


def test_skeletons_are_offered_for_missing_elements(client):
    data = post(client, {"text": "Some users could not log in."}).json()
    remedy = [s for s in data["skeletons"] if s["rule"] == "missing-remedy"]
    assert remedy == [{"rule": "missing-remedy", "text": "What we are doing: [TODO]. Next update: [TIME] UTC.",
                       "append": "\n\nWhat we are doing: [TODO]. Next update: [TIME] UTC.\n"}]


def test_unknown_stage_is_a_notice_not_an_error(client):
    data = post(client, {"text": EN_DRAFT, "stage": "sideways"}).json()
    assert data["files"][0]["notices"] == [
        "unknown stage 'sideways' ignored; expected one of acknowledge, update, identified, resolved, postmortem"]


def test_options_list_the_packs_stages_channels_and_clean_templates(client, builtin_config):
    data = client.get("/api/options").json()
    assert data["stages"] == ["acknowledge", "update", "identified", "resolved", "postmortem"]
    assert data["severities"] == ["sev1", "sev2", "sev3", "sev4"]
    assert data["channels"] == ["banner", "push", "sms", "weibo", "x"]
    assert [t["id"] for t in data["templates"]] == [f"{lang}-{stage}" for lang in ("en", "zh")
                                                  for stage in data["stages"]]
    for template in data["templates"]:  # a starting point has nothing to fix
        result = apolint.lint_text(template["text"], config=builtin_config, path="draft.md")
        assert [f.rule for f in result.findings] == [], template["id"]
        assert {e.status for e in result.elements.values()} == {"present"}, template["id"]
        assert result.stage == {"name": template["stage"], "inferred": False}


# --- safe by default --------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{PORT}", "127.0.0.1:9999", "", "localhost"])
def test_foreign_host_is_refused_with_421(client, host):
    response = post(client, {"text": EN_DRAFT}, host=host)
    assert response.status_code == 421
    assert response.json()["error"].startswith(f"this server answers only for 127.0.0.1:{PORT}, [::1]:{PORT}, "
                                               f"localhost:{PORT}, not for Host {host or '(none)'}")


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}"])
def test_own_host_names_are_answered(client, host):
    assert post(client, {"text": EN_DRAFT}, host=host, origin=f"http://{host}").status_code == 200


@pytest.mark.parametrize("headers", [{"origin": "http://evil.example"}, {"origin": "null"},
                                     {"origin": f"https://127.0.0.1:{PORT}"},
                                     {"origin": f"http://127.0.0.1:{PORT + 1}"},
                                     {"sec-fetch-site": "cross-site"}])
def test_foreign_origin_is_refused_with_403(client, headers):
    response = post(client, {"text": EN_DRAFT}, **headers)
    assert response.status_code == 403
    assert response.json()["error"].startswith("requests from another site's page are refused")
    assert client.get("/", headers=headers).status_code == 403


def test_oversized_body_gets_413_and_the_server_keeps_serving(client):
    body = json.dumps({"text": "a" * MAX_BODY}).encode()
    response = client.post("/api/check", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"error": f"the body is {len(body)} bytes; the limit is {MAX_BODY} bytes "
                                        "(an announcement is never this long)"}

    def chunks():  # no Content-Length: counted while it arrives
        for _ in range(5):
            yield b" " * (MAX_BODY // 4)

    response = client.post("/api/check", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"error": f"the body is over the limit of {MAX_BODY} bytes "
                                        "(an announcement is never this long)"}
    assert post(client, {"text": EN_DRAFT}).status_code == 200


@pytest.mark.parametrize("body, message", [
    (b'{"text": "unterminated', "the body is not valid JSON: Unterminated string starting at at line 1 column 10"),
    (b"", "the body is not valid JSON: Expecting value at line 1 column 1"),
    (b'["text"]', 'the body must be a JSON object such as {"text": "..."}'),
    (b'{"txt": "x"}', "unknown key txt; expected text, lang, stage, severity, channel, template"),
    (b'{"text": "x", "path": "/etc/passwd", "config": "x.yaml"}',
     "unknown keys config, path; expected text, lang, stage, severity, channel, template"),
    (b'{"lang": "en"}', '"text" is required and must be a string'),
    (b'{"text": 5}', '"text" is required and must be a string'),
    (b'{"text": "x", "lang": "fr"}', '"lang" must be auto, zh or en'),
    (b'{"text": "x", "stage": 3}', '"stage" must be a string or null'),
    (b'{"text": "x", "template": "yes"}', '"template" must be true, false or null'),
    (b'{"text": "\xff\xfe"}', "the body is not UTF-8"),
])
def test_malformed_requests_get_400_with_a_message(client, body, message):
    response = client.post("/api/check", content=body, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert post(client, {"text": EN_DRAFT}).status_code == 200


def test_a_failing_check_is_a_500_with_a_message_and_the_server_keeps_serving(web_service, caplog):
    class Failing:
        """The service with a bug for one draft, as a broken rule pack would have."""

        def options(self):
            return web_service.options()

        def check(self, text, options):
            if text == "boom":
                raise KeyError("stage")
            return web_service.check(text, options)

    with TestClient(create_app(Failing(), allowed_hosts("127.0.0.1", PORT)), base_url=BASE) as failing:
        response = post(failing, {"text": "boom"})
        assert (response.status_code, response.json()) == (500, {"error": "the check failed: KeyError: 'stage'"})
        assert response.headers["content-security-policy"] == CSP
        assert post(failing, {"text": EN_DRAFT}).status_code == 200
    assert [r.message for r in caplog.records if r.name == "apolint.serve"] == ["check failed"]


def test_only_json_is_accepted(client):
    response = client.post("/api/check", content=b'{"text": "x"}', headers={"Content-Type": "text/plain"})
    assert (response.status_code, response.json()) == (
        415, {"error": "send the draft as JSON with Content-Type: application/json"})
    assert client.get("/api/check").status_code == 405


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/static/app.css", "/static/icon.svg", "/api/options",
                                  "/nothing-here"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/nothing-here" else 200)
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    refused = client.get(path, headers={"host": "evil.example"})
    assert refused.headers["content-security-policy"] == CSP


def test_csp_allows_no_inline_script_and_the_page_has_none(client):
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP
    page = client.get("/").text
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/app.js" defer>']
    assert re.findall(r"<[^>]*\son\w+\s*=", page) == []  # no onclick= and the like
    script = client.get("/static/app.js").text
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script


@pytest.mark.parametrize("path", ["/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml", "/static/",
                                  "/static/index.html", "/../../etc/passwd", "/api/check/../../etc/passwd",
                                  "/static/templates/en/resolved.md"])
def test_no_request_reaches_a_file_outside_the_fixed_list(client, path):
    assert client.get(path).status_code in (404, 405)


def test_a_draft_naming_a_file_is_linted_as_text(client):
    data = post(client, {"text": "/etc/passwd"}).json()
    assert data["files"][0]["path"] == "draft.md"
    assert "root:" not in json.dumps(data)


# --- a real server ----------------------------------------------------------------------------

def test_burst_of_200_concurrent_checks_all_answered_correctly(live_server, web_service):
    texts = [f"About {n}% of users could not log in for {n + 5} minutes. We apologize for any inconvenience.\n"
             if n % 2 else f"约{n}%的用户无法登录，由于第三方服务商故障，我们将尽快恢复。\n" for n in range(200)]
    expected = [json.loads(json.dumps(web_service.check(text, {}))) for text in texts]

    async def burst():
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=live_server, limits=limits, timeout=60) as http:
            return await asyncio.gather(*(http.post("/api/check", json={"text": t}) for t in texts))

    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [200] * 200
    assert [r.json() for r in responses] == expected


def test_serve_prints_its_address_binds_loopback_and_warns_for_another_host(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    default = subprocess.Popen([sys.executable, "-m", "apolint", "serve", "--port", "0"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = default.stdout.readline()
        match = re.fullmatch(r"apolint serve: http://127\.0\.0\.1:(\d+)/ \(Ctrl\+C to stop\)\n", line)
        assert match, line + default.stderr.read()
        port = int(match.group(1))
        assert httpx.get(f"http://127.0.0.1:{port}/api/options").status_code == 200
        if Path("/proc/net/tcp").exists():  # listening (state 0A) on 127.0.0.1 only
            rows = [r.split() for r in Path("/proc/net/tcp").read_text().splitlines()[1:]]
            listening = {r[1] for r in rows if r[3] == "0A" and int(r[1].split(":")[1], 16) == port}
            assert listening == {f"0100007F:{port:04X}"}
    finally:
        default.terminate()
        default.wait(timeout=10)
    wide = subprocess.Popen([sys.executable, "-m", "apolint", "serve", "--host", "0.0.0.0", "--port", "0",
                             "--allow-host", "notices.lan"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        warning = wide.stderr.readline()
        line = wide.stdout.readline()
        port = int(re.fullmatch(r"apolint serve: http://127\.0\.0\.1:(\d+)/ \(Ctrl\+C to stop\)\n", line).group(1))
        assert warning == (f"warning: serving on 0.0.0.0, not 127.0.0.1: every machine that can reach this one can "
                           f"send drafts to it. Requests are answered only for Host 127.0.0.1:{port}, [::1]:{port}, "
                           f"localhost:{port}, notices.lan:{port}; add names with --allow-host.\n")
        with socket.create_connection(("127.0.0.1", port)):
            pass
        assert httpx.get(f"http://127.0.0.1:{port}/", headers={"host": f"notices.lan:{port}"}).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/", headers={"host": f"192.168.1.5:{port}"}).status_code == 421
    finally:
        wide.terminate()
        wide.wait(timeout=10)


def test_serve_without_the_web_extra_says_what_to_install():
    probe = ("import sys; sys.modules['starlette'] = None\n"
             "from apolint.launcher import main\nmain(['serve'], prog_name='apolint')")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == ("Error: apolint serve needs the web extra (starlette is not installed): "
                           "pip install 'apolint[web]'\n")


def test_serve_opens_the_browser_and_uses_the_configuration_of_its_folder(tmp_path):
    (tmp_path / ".apolint.yaml").write_text("rules:\n  vague-scope: off\n  non-apology: error\n", encoding="utf-8")
    opened = tmp_path / "opened"
    # webbrowser runs $BROWSER with %s replaced by the address: this one writes the address to a file
    browser = f'{sys.executable} -c "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])" {opened} %s'
    server = subprocess.Popen([sys.executable, "-m", "apolint", "serve", "--port", "0", "--open"], cwd=tmp_path,
                              env=dict(os.environ, PYTHONUNBUFFERED="1", BROWSER=browser),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().split()[2]
        deadline = time.monotonic() + 20
        while not opened.exists():
            assert time.monotonic() < deadline, server.stderr.read()
            time.sleep(0.05)
        assert opened.read_text() == url
        assert httpx.get(url).status_code == 200
        findings = httpx.post(url + "api/check", json={"text": EN_DRAFT}).json()["files"][0]["findings"]
        assert [(f["rule"], f["severity"]) for f in findings] == [
            ("missing-impact", "warning"), ("missing-remedy", "error"), ("missing-responsibility", "warning"),
            ("non-apology", "error")]
    finally:
        server.terminate()
        server.wait(timeout=10)
