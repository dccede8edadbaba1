"""`apolint lsp` driven as a real subprocess over stdio by pygls's LanguageClient.

Two server sessions, each shared by several tests (in file order):
- `rich`: a client that advertises documentChanges, snippet edits and file watching
  (like VS Code); Chinese and English documents, hover, code actions, edits, debouncing,
  configuration reload through workspace/didChangeWatchedFiles.
- `bare`: a client with no optional capabilities (like a minimal editor): plain TextEdits,
  configuration and pack changes noticed by the server's own stat check, a broken pack.
Positions are checked in UTF-16 code units by slicing the document in the test itself.
"""
from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

import pytest
from lsprotocol import types as T
from pygls.lsp.client import LanguageClient

from apolint import api

TIMEOUT = 90  # seconds; the first lint waits for spaCy and jieba to load


# --- helpers independent of the server's own conversion code ------------------------------

def utf16_slice(text: str, rng: T.Range) -> str:
    """The text a UTF-16 LSP range covers (documents here use \\n line ends)."""
    lines = text.split("\n")
    out = []
    for line_no in range(rng.start.line, rng.end.line + 1):
        data = lines[line_no].encode("utf-16-le")
        a = rng.start.character if line_no == rng.start.line else 0
        b = rng.end.character if line_no == rng.end.line else len(data) // 2
        out.append(data[2 * a:2 * b].decode("utf-16-le"))
    return "\n".join(out)


def apply_edits(text: str, edits) -> str:
    """Apply TextEdits/SnippetTextEdits (UTF-16 ranges) the way an editor does, last first."""
    def offset(pos: T.Position) -> int:
        lines = text.split("\n")
        before = sum(len(l) + 1 for l in lines[:pos.line])
        line = lines[pos.line] if pos.line < len(lines) else ""
        return before + len(line.encode("utf-16-le")[:2 * pos.character].decode("utf-16-le"))

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        new = e.new_text if isinstance(e, T.TextEdit) else e.snippet.value
        text = text[:offset(e.range.start)] + new + text[offset(e.range.end):]
    return text


def rng(l1, c1, l2, c2) -> T.Range:
    return T.Range(start=T.Position(line=l1, character=c1), end=T.Position(line=l2, character=c2))


def summary(diags) -> list[tuple]:
    return sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
                  for d in diags)


class Session:
    """A real `apolint lsp` process and a pygls client, on an event loop in a background thread."""

    def __init__(self, root: Path, capabilities: T.ClientCapabilities, debounce_ms: int = 200):
        self.root = root
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = LanguageClient("apolint-tests", "1")
        self.published: list[T.PublishDiagnosticsParams] = []
        self.logs: list[str] = []
        self.registrations: list[str] = []
        self.stderr = bytearray()
        self.cond = threading.Condition()
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}

        @self.client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: T.PublishDiagnosticsParams):
            with self.cond:
                self.published.append(params)
                self.cond.notify_all()

        @self.client.feature(T.WINDOW_LOG_MESSAGE)
        def on_log(params: T.LogMessageParams):
            self.logs.append(params.message)

        @self.client.feature(T.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: T.RegistrationParams):
            self.registrations.extend(r.method for r in params.registrations)
            return None

        self.run(self._start(capabilities, debounce_ms))

    async def _start(self, capabilities, debounce_ms):
        await self.client.start_io(sys.executable, "-m", "apolint", "lsp", "--debounce-ms", str(debounce_ms),
                                   cwd=str(self.root))
        asyncio.ensure_future(self._drain_stderr())
        self.init = await self.client.initialize_async(T.InitializeParams(
            capabilities=capabilities, process_id=None, root_uri=self.root.as_uri(),
            workspace_folders=[T.WorkspaceFolder(uri=self.root.as_uri(), name="ws")]))
        self.client.initialized(T.InitializedParams())

    async def _drain_stderr(self):  # the server's log; never let the pipe fill up
        while True:
            chunk = await self.client._server.stderr.read(4096)
            if not chunk:
                return
            self.stderr.extend(chunk)

    def run(self, coro, timeout: float = TIMEOUT):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def notify(self, fn, params) -> None:
        async def send():
            fn(params)
        self.run(send())

    def count(self, uri: str) -> int:
        with self.cond:
            return sum(1 for p in self.published if p.uri == uri)

    def wait(self, uri: str, after: int, version: int | None = None) -> list[T.Diagnostic]:
        """Diagnostics from the first publish for `uri` after the `after`-th one (and of `version`)."""
        def ready():
            mine = [p for p in self.published if p.uri == uri][after:]
            return [p for p in mine if version is None or p.version == version]

        with self.cond:
            assert self.cond.wait_for(ready, TIMEOUT), (uri, self.stderr.decode(errors="replace"))
            return list(ready()[0].diagnostics)

    def open(self, name: str, text: str) -> tuple[str, list[T.Diagnostic]]:
        uri = (self.root / name).as_uri()
        before = self.count(uri)
        self.texts[uri], self.versions[uri] = text, 1
        self.notify(self.client.text_document_did_open, T.DidOpenTextDocumentParams(
            text_document=T.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
        return uri, self.wait(uri, before, 1)

    def change(self, uri: str, edits, wait: bool = True) -> list[T.Diagnostic] | None:
        """Send the edits as incremental changes (as an editor applying a code action does)."""
        before = self.count(uri)
        self.versions[uri] += 1
        changes = []
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            new = e.new_text if isinstance(e, T.TextEdit) else e.snippet.value
            changes.append(T.TextDocumentContentChangePartial(range=e.range, text=new))
            self.texts[uri] = apply_edits(self.texts[uri], [e])
        self.notify(self.client.text_document_did_change, T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=changes))
        return self.wait(uri, before, self.versions[uri]) if wait else None

    def save(self, uri: str) -> list[T.Diagnostic]:
        before = self.count(uri)
        self.notify(self.client.text_document_did_save,
                    T.DidSaveTextDocumentParams(text_document=T.TextDocumentIdentifier(uri=uri)))
        return self.wait(uri, before)

    def hover(self, uri: str, line: int, character: int) -> T.Hover | None:
        return self.run(self.client.text_document_hover_async(T.HoverParams(
            text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=line, character=character))))

    def actions(self, uri: str, diag: T.Diagnostic) -> list[T.CodeAction]:
        return self.run(self.client.text_document_code_action_async(T.CodeActionParams(
            text_document=T.TextDocumentIdentifier(uri=uri), range=diag.range,
            context=T.CodeActionContext(diagnostics=[diag]))))

    def shutdown(self) -> int:
        async def stop():
            await self.client.shutdown_async(None)
            self.client.exit(None)
            code = await asyncio.wait_for(self.client._server.wait(), 30)
            await self.client.stop()
            return code

        try:
            return self.run(stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    def close(self) -> None:
        if self.client._server is not None and self.client._server.returncode is None:
            try:
                self.shutdown()
            except Exception:
                self.client._server.kill()


RICH_CAPABILITIES = T.ClientCapabilities(
    workspace=T.WorkspaceClientCapabilities(
        did_change_watched_files=T.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
        workspace_edit=T.WorkspaceEditClientCapabilities(document_changes=True, snippet_edit_support=True)),
    text_document=T.TextDocumentClientCapabilities(
        hover=T.HoverClientCapabilities(content_format=[T.MarkupKind.PlainText])))


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    session = Session(tmp_path_factory.mktemp("rich-ws"), RICH_CAPABILITIES)
    yield session
    session.close()


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    session = Session(tmp_path_factory.mktemp("bare-ws"), T.ClientCapabilities())
    yield session
    session.close()


# A heading, an emoji (two UTF-16 code units each) before findings on the same line, CJK text.
ZH = ("# 关于登录异常的说明\n"
      "\n"
      "🚨 由于第三方服务商故障，部分用户今日上午无法登录。我们正在全力修复，将尽快恢复服务。\n"
      "\n"
      "如有不便，敬请谅解。\n")
EN = ("🚨😀 Some users could not log in this morning. Our deployment caused it.\n"
      "We apologize for any inconvenience.\n")


def by_code(diags, code) -> list[T.Diagnostic]:
    return [d for d in diags if d.code == code]


# --- the rich client ---------------------------------------------------------------------

def test_initialize_advertises_utf16_hover_and_quickfix(rich):
    caps = rich.init.capabilities
    assert caps.position_encoding == T.PositionEncodingKind.Utf16
    assert caps.hover_provider is True
    assert list(caps.code_action_provider.code_action_kinds) == [T.CodeActionKind.QuickFix]
    assert caps.text_document_sync.change == T.TextDocumentSyncKind.Incremental
    assert caps.text_document_sync.open_close is True and caps.text_document_sync.save is not None
    assert rich.init.server_info.name == "apolint"


def test_chinese_document_diagnostics_have_utf16_ranges(rich):
    uri, diags = rich.open("zh.md", ZH)
    rich.zh_uri = uri
    assert {d.source for d in diags} == {"apolint"}
    # line 2 starts with "🚨 ": the emoji is 1 code point but 2 UTF-16 units, so code-point
    # column 3 ("由") is UTF-16 character 3.
    (shift,) = by_code(diags, "blame-shifting")
    assert (shift.range, shift.severity) == (rng(2, 3, 2, 13), T.DiagnosticSeverity.Warning)
    assert utf16_slice(ZH, shift.range) == "由于第三方服务商故障"
    (scope,) = by_code(diags, "vague-scope")
    assert scope.range == rng(2, 14, 2, 18) and utf16_slice(ZH, scope.range) == "部分用户"
    (time,) = by_code(diags, "vague-time")
    assert time.range == rng(2, 37, 2, 39) and utf16_slice(ZH, time.range) == "尽快"
    (non,) = by_code(diags, "non-apology")
    assert non.range == rng(4, 0, 4, 9) and utf16_slice(ZH, non.range) == "如有不便，敬请谅解"
    assert non.data == {"rule": "non-apology", "suggestion": "对于给您带来的影响，我们很抱歉",
                        "fix": "对于给您带来的影响，我们很抱歉"}
    assert scope.data["fix"] is None and scope.data["suggestion"].startswith("给出数量或比例")
    # every diagnostic is exactly the finding the CLI engine reports, in UTF-16
    result = api.lint_text(ZH, path=str(rich.root / "zh.md"))
    assert [(d.code, utf16_slice(ZH, d.range), d.message) for d in sorted(diags, key=_order)] == \
           [(f.rule, f.text, f.message) for f in result.findings]


def _order(d):
    return (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.code)


def test_english_document_diagnostics_and_severity(rich):
    uri, diags = rich.open("en.md", EN)
    rich.en_uri = uri
    (scope,) = by_code(diags, "vague-scope")
    # two emoji before "Some": code-point column 3 -> UTF-16 character 5
    assert (scope.range, scope.severity) == (rng(0, 5, 0, 15), T.DiagnosticSeverity.Warning)
    assert utf16_slice(EN, scope.range) == "Some users"
    (non,) = by_code(diags, "non-apology")
    assert non.range == rng(1, 3, 1, 34) and utf16_slice(EN, non.range) == "apologize for any inconvenience"
    assert non.data["fix"] == "apologize for the disruption"
    (remedy,) = by_code(diags, "missing-remedy")  # a missing element is an error on the first sentence
    assert remedy.severity == T.DiagnosticSeverity.Error
    assert remedy.range == rng(0, 0, 0, 46)
    assert utf16_slice(EN, remedy.range) == "🚨😀 Some users could not log in this morning."


def test_hover_shows_the_finding_and_the_rules_documentation(rich):
    hover = rich.hover(rich.zh_uri, 2, 15)  # inside "部分用户"
    assert hover.range == rng(2, 14, 2, 18)
    assert hover.contents.kind == T.MarkupKind.PlainText
    text = hover.contents.value
    # the span is both a vague-scope finding and the weak evidence missing-impact points at
    assert text.startswith('[missing-impact] warning: "部分用户" does not measure the impact')
    assert ('\n\n[vague-scope] warning: "部分用户" does not say how many were affected.\n'
            "Suggestion: 给出数量或比例：「约15%的用户」「约2000笔订单」。") in text
    rule = api.ruleset_for(api.Config()).rule("vague-scope")[0]
    assert rule.why.strip().split("\n")[0] in text
    assert "✗ 部分用户无法登录。" in text and "✓ About 15% of users could not log in between 09:10 and 09:40." in text
    assert rich.hover(rich.zh_uri, 0, 0) is None or "vague-scope" not in rich.hover(rich.zh_uri, 0, 0).contents.value
    assert rich.hover(rich.zh_uri, 3, 0) is None  # an empty line between paragraphs


def test_hover_on_evidence_shows_the_feature_and_the_elements_score(rich):
    # "Our deployment caused" is evidence for responsibility (an owned cause), not a finding
    hover = rich.hover(rich.en_uri, 0, 50)
    text = hover.contents.value
    result = api.lint_text(EN, path="en.md")
    owned = [ev for ev in result.elements["responsibility"].evidence if ev.feature == "owned-cause"]
    assert [ev.text for ev in owned] == ["Our deployment caused"]
    assert hover.range == rng(0, 47, 0, 68)
    assert text.startswith(f"Evidence for responsibility (owned-cause {owned[0].weight:+g}): responsibility is present "
                           f"with score {result.elements['responsibility'].score:+g}\nresponsibility present (")


def test_hover_on_an_element_finding_adds_its_evidence(rich):
    hover = rich.hover(rich.zh_uri, 2, 31)  # inside "正在全力修复": missing-remedy (weak)
    text = hover.contents.value
    assert text.startswith("[missing-remedy] warning: ")
    assert "\nEvidence: remedy weak (" in text and "effort-only" in text


def test_code_action_applies_a_safe_fix_and_diagnostics_update(rich):
    uri = rich.en_uri
    diags = [p for p in rich.published if p.uri == uri][-1].diagnostics
    (non,) = by_code(diags, "non-apology")
    actions = rich.actions(uri, non)
    (fix,) = [a for a in actions if a.title.startswith("apolint: replace")]
    assert fix.title == 'apolint: replace "apologize for any inconvenience" with "apologize for the disruption"'
    assert fix.kind == T.CodeActionKind.QuickFix and fix.is_preferred
    (doc_edit,) = fix.edit.document_changes
    assert doc_edit.text_document.version == 1
    assert [(e.range, e.new_text) for e in doc_edit.edits] == [(rng(1, 3, 1, 34), "apologize for the disruption")]

    after = rich.change(uri, doc_edit.edits)
    assert rich.texts[uri].split("\n")[1] == "We apologize for the disruption."
    assert by_code(after, "non-apology") == []
    (scope,) = by_code(after, "vague-scope")
    assert scope.range == rng(0, 5, 0, 15)


def test_code_action_inserts_the_packs_skeleton_as_a_snippet(rich):
    uri = rich.zh_uri
    diags = [p for p in rich.published if p.uri == uri][-1].diagnostics
    (remedy,) = by_code(diags, "missing-remedy")  # weak: "正在全力修复"
    assert utf16_slice(ZH, remedy.range) == "正在全力修复"
    skeleton = api.ruleset_for(api.Config()).rule("missing-remedy")[0].skeleton["zh"]
    assert skeleton == "处理措施：${1:【待填】}。预计恢复时间：${2:【时间】}，下次更新时间：${3:【时间】}。"
    actions = rich.actions(uri, remedy)
    (insert,) = [a for a in actions if a.title.startswith("apolint: insert")]
    assert insert.title == 'apolint: insert "处理措施：【待填】。预计恢复时间：【时间】，下次更新时间：【时间】。"'
    (doc_edit,) = insert.edit.document_changes
    (edit,) = doc_edit.edits
    assert isinstance(edit, T.SnippetTextEdit)
    # ZH ends with one newline: a blank line, the skeleton, a newline, at the end (line 5)
    assert edit.range == rng(5, 0, 5, 0) and edit.snippet.value == "\n" + skeleton + "\n"

    # the editor expands the snippet to its placeholders' default text
    expanded = T.TextEdit(range=edit.range, new_text="\n处理措施：【待填】。预计恢复时间：【时间】，下次更新时间：【时间】。\n")
    after = rich.change(uri, [expanded])
    assert rich.texts[uri].endswith("敬请谅解。\n\n处理措施：【待填】。预计恢复时间：【时间】，下次更新时间：【时间】。\n")
    placeholders = by_code(after, "unfilled-placeholder")
    assert [(d.range, utf16_slice(rich.texts[uri], d.range)) for d in placeholders] == [
        (rng(6, 5, 6, 9), "【待填】"), (rng(6, 17, 6, 21), "【时间】"), (rng(6, 29, 6, 33), "【时间】")]


def test_changes_are_debounced_to_the_last_version(rich):
    uri = rich.en_uri
    before = rich.count(uri)
    first = rich.versions[uri] + 1
    # three quick edits: each inserts a word at the start of line 2 ("We ...")
    for word in ("Again ", "again ", "AGAIN "):
        rich.change(uri, [T.TextEdit(range=rng(1, 0, 1, 0), new_text=word)], wait=False)
    last = rich.versions[uri]
    diags = rich.wait(uri, before, last)
    time.sleep(1.0)  # anything else still queued would be published by now
    seen = [p.version for p in rich.published if p.uri == uri][before:]
    assert seen == [last], f"intermediate versions {first}..{last - 1} must not be linted and published"
    (scope,) = by_code(diags, "vague-scope")
    assert scope.range == rng(0, 5, 0, 15)


def test_configuration_change_is_picked_up_through_watched_files(rich):
    assert T.WORKSPACE_DID_CHANGE_WATCHED_FILES in rich.registrations
    team = rich.root / "team"
    team.mkdir()
    config = team / ".apolint.yaml"
    config.write_text("rules:\n  vague-scope: 'off'\n", encoding="utf-8")
    uri, diags = rich.open("team/draft.md", EN)
    assert by_code(diags, "vague-scope") == []
    assert by_code(diags, "non-apology") != []

    config.write_text("rules:\n  vague-scope: error\n", encoding="utf-8")
    before = rich.count(uri)
    rich.notify(rich.client.workspace_did_change_watched_files, T.DidChangeWatchedFilesParams(
        changes=[T.FileEvent(uri=config.as_uri(), type=T.FileChangeType.Changed)]))
    diags = rich.wait(uri, before)
    (scope,) = by_code(diags, "vague-scope")
    assert (scope.range, scope.severity) == (rng(0, 5, 0, 15), T.DiagnosticSeverity.Error)


def test_rich_session_shuts_down_cleanly(rich):
    assert rich.shutdown() == 0
    assert "Traceback" not in rich.stderr.decode(errors="replace")


# --- the bare client ---------------------------------------------------------------------

def test_bare_client_gets_plain_text_edits(bare):
    uri, diags = bare.open("en.md", EN)
    assert bare.registrations == []  # no dynamic registration offered, none attempted
    (remedy,) = by_code(diags, "missing-remedy")
    actions = bare.actions(uri, remedy)
    # the range also touches missing-impact's finding, so its skeleton is offered too
    assert sorted(a.title for a in actions) == [
        'apolint: insert "Impact: about [N]% of users could not [TODO] between [TIME] and [TIME] UTC."',
        'apolint: insert "What we are doing: [TODO]. Next update: [TIME] UTC."']
    (insert,) = [a for a in actions if "What we are doing" in a.title]
    assert insert.edit.document_changes is None
    (edit,) = insert.edit.changes[uri]
    assert isinstance(edit, T.TextEdit)
    assert edit.range == rng(2, 0, 2, 0)
    assert edit.new_text == "\nWhat we are doing: [TODO]. Next update: [TIME] UTC.\n"
    (non,) = by_code(diags, "non-apology")
    (fix,) = [a for a in bare.actions(uri, non) if a.title.startswith("apolint: replace")]
    assert [(e.range, e.new_text) for e in fix.edit.changes[uri]] == \
           [(rng(1, 3, 1, 34), "apologize for the disruption")]


def test_new_configuration_and_pack_changes_are_noticed_on_save(bare):
    uri = (bare.root / "en.md").as_uri()
    (bare.root / ".apolint.yaml").write_text("rules:\n  vague-scope: 'off'\n", encoding="utf-8")
    diags = bare.save(uri)  # no watched-files notification: the server's stat check sees the new file
    assert by_code(diags, "vague-scope") == [] and by_code(diags, "non-apology") != []

    # a pack with a mistake: reported as a diagnostic on line 1, and the server keeps serving
    pack = bare.root / "extra.yaml"
    pack.write_text("pack: extra\nlanguages: [en]\nrules:\n  - id: no-tbd\n    kind: existence\n"
                    "    level: warning\n    colour: red\n", encoding="utf-8")
    (bare.root / ".apolint.yaml").write_text("add_packs: [extra.yaml]\n", encoding="utf-8")
    diags = bare.save(uri)
    (error,) = diags
    assert (error.code, error.severity, error.range) == ("configuration-error", T.DiagnosticSeverity.Error,
                                                           rng(0, 0, 0, 72))
    assert f"{pack}:7" in error.message and "colour" in error.message

    pack.write_text("pack: extra\nlanguages: [en]\nrules:\n  - id: no-morning\n    kind: existence\n"
                    "    level: info\n    match: {phrases: [this morning]}\n    message: Say when.\n"
                    "    why: Readers in other time zones.\n"
                    "    examples: {bad: [It failed this morning.], good: [It failed at 09:00 UTC.]}\n",
                    encoding="utf-8")
    diags = bare.save(uri)
    (morning,) = by_code(diags, "no-morning")
    assert (morning.range, morning.severity) == (rng(0, 33, 0, 45), T.DiagnosticSeverity.Information)
    assert utf16_slice(EN, morning.range) == "this morning"
    assert by_code(diags, "vague-scope") != []  # the new configuration no longer turns it off


def test_bare_session_shuts_down_cleanly(bare):
    assert bare.shutdown() == 0


# --- in-process units of the LSP edge ----------------------------------------------------

def test_positions_convert_code_points_to_each_encoding():
    from apolint.lsp import Positions

    text = "a😀b中\r\nx🚨y\rz"
    p16, p8, p32 = Positions(text, "utf-16"), Positions(text, "utf-8"), Positions(text, "utf-32")
    # (line 1, column 4) is "中": after a, 😀, b
    assert (p16.position(1, 4).character, p8.position(1, 4).character, p32.position(1, 4).character) == (4, 6, 3)
    assert p16.position(2, 3) == T.Position(line=1, character=3)  # "y" after x and 🚨 (CRLF ended line 1)
    assert p16.position(3, 1) == T.Position(line=2, character=0)  # a lone CR ends a line too
    assert p16.offset(T.Position(line=1, character=3)) == text.index("y")
    assert p16.offset(T.Position(line=0, character=3)) == text.index("b")
    assert p8.offset(T.Position(line=0, character=5)) == text.index("b")
    assert p16.offset(T.Position(line=9, character=0)) == len(text)


def test_snippet_text_and_skeleton_insertion():
    from apolint.skeleton import skeleton_insertion, snippet_text

    assert snippet_text("Next update: ${1:[TIME]} UTC$0, cost \\$5 ${2}") == "Next update: [TIME] UTC, cost $5 "
    assert skeleton_insertion("a\n") == (2, "\n", "\n")
    assert skeleton_insertion("a") == (1, "\n\n", "\n")
    assert skeleton_insertion("a\r\n\r\n") == (5, "", "\r\n")
    assert skeleton_insertion("") == (0, "", "\n")


def test_a_failing_lint_is_reported_and_the_next_one_works(monkeypatch, pipelines):
    from apolint import lsp

    server = lsp.ApolintServer()
    real = api.lint_text

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "lint_text", broken)
    linted = server.lint("file:///tmp/x/draft.md", "Some users could not log in.\n", 1)
    (diag,) = linted.diagnostics
    assert (diag.code, diag.message) == ("internal-error", "apolint failed on this document: RuntimeError('boom')")
    assert linted.messages == [(T.MessageType.Error, "apolint: lint of file:///tmp/x/draft.md failed: "
                                                     "RuntimeError('boom') (see the server log)")]
    monkeypatch.setattr(api, "lint_text", real)
    linted = server.lint("file:///tmp/x/draft.md", "Some users could not log in.\n", 2)
    assert [d.code for d in linted.diagnostics if d.code == "vague-scope"] == ["vague-scope"]


def test_skeleton_key_is_validated_with_file_and_line(tmp_path):
    from apolint.packs import load
    from apolint.yamlsource import SourceError

    rule = ("pack: p\nlanguages: [en]\nrules:\n  - id: r\n    kind: existence\n    level: info\n"
            "    match: {phrases: [foo]}\n    message: m\n    why: w\n    examples: {bad: [foo], good: [bar]}\n")
    path = tmp_path / "p.yaml"
    path.write_text(rule + "    skeleton: {zh: 文本}\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load([path])
    assert str(err.value).startswith(f"{path}:11") and "'zh' is not a language of this rule" in str(err.value)
    path.write_text(rule + "    skeleton: [a]\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load([path])
    assert str(err.value).startswith(f"{path}:11")
    path.write_text(rule + "    skeleton: 'Next update: ${1:[TIME]}'\n", encoding="utf-8")
    assert load([path]).rule("r")[0].skeleton_for("en") == "Next update: ${1:[TIME]}"


# --- the README's Neovim steps, headless (when nvim is installed) --------------------------

ROOT = Path(__file__).resolve().parent.parent


def readme_blocks(lang: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [b.split("\n```", 1)[0] for b in text.split(f"```{lang}\n")[1:]]


def nvim_version() -> tuple[int, ...] | None:
    import re
    import shutil
    import subprocess

    if shutil.which("nvim") is None:
        return None
    out = subprocess.run(["nvim", "--version"], capture_output=True, text=True, timeout=30).stdout
    return tuple(int(x) for x in re.match(r"NVIM v(\d+)\.(\d+)", out).groups())


NVIM_DRAFT = ("# 关于登录异常的说明\n"
              "\n"
              "🚨 由于第三方服务商故障，部分用户今日上午无法登录。我们正在全力修复，将尽快恢复服务。\n"
              "\n"
              "如有不便，敬请谅解。\n")


@pytest.mark.skipif(nvim_version() is None, reason="nvim is not installed (apt-get install neovim)")
def test_readme_neovim_setup_headless(tmp_path):
    import os
    import shutil
    import subprocess

    version = nvim_version()
    wanted = "0.11+" if version >= (0, 11) else "0.8-0.10" if version >= (0, 8) else "0.7"
    (init,) = [b for b in readme_blocks("lua") if b.startswith(f"-- apolint: Neovim {wanted}")]
    (vim_cmd,) = [b for b in readme_blocks("vim") if "command! Apolint" in b]
    (tmp_path / "init.lua").write_text(init, encoding="utf-8")
    (tmp_path / "apolint.vim").write_text(vim_cmd, encoding="utf-8")
    (tmp_path / "draft.md").write_text(NVIM_DRAFT, encoding="utf-8")
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    assert shutil.which("apolint", path=env["PATH"])
    proc = subprocess.run(
        ["nvim", "--headless", "-u", "init.lua", "-c", "source apolint.vim",
         "-c", f"luafile {ROOT / 'tests' / 'editors' / 'nvim_check.lua'}", "draft.md"],
        cwd=tmp_path, capture_output=True, text=True, timeout=180, env=env, stdin=subprocess.DEVNULL)
    out = (proc.stdout + proc.stderr).replace("\r", "")
    lines = [l for l in out.split("\n") if l.strip()]
    assert "diagnostics arrived: true" in out, out
    # Neovim keeps byte columns: "🚨 " is 5 bytes, each CJK character 3
    assert "DIAG 2:5-2:35 WARN blame-shifting apolint" in lines, out
    assert "DIAG 2:38-2:50 WARN vague-scope apolint" in lines, out
    assert "DIAG 4:0-4:27 WARN non-apology apolint" in lines, out
    assert "client: apolint offset_encoding=utf-16" in lines, out
    assert 'HOVER [vague-scope] warning: "部分用户" does not say how many were affected.' in lines, out
    assert 'ACTION apolint: replace "如有不便，敬请谅解" with "对于给您带来的影响，我们很抱歉"' in lines, out
    assert "LINE 5: 对于给您带来的影响，我们很抱歉。" in lines, out
    assert 'ACTION apolint: insert "处理措施：【待填】。预计恢复时间：【时间】，下次更新时间：【时间】。"' in lines, out
    assert lines.count("INSERTED 7: 处理措施：【待填】。预计恢复时间：【时间】，下次更新时间：【时间】。") == 1, out
    assert "DIAG 6:15-6:27 ERROR unfilled-placeholder apolint" in lines, out
    # Vim's quickfix from the errorformat command: code-point columns, type from the level
    assert any(l.startswith("QF 3:14 w ") and l.endswith("[vague-scope]") for l in lines), out


@pytest.mark.skipif(__import__("shutil").which("emacs") is None, reason="emacs is not installed")
def test_readme_emacs_errorformat_batch(tmp_path):
    """The README's `apolint-buffer` on an unsaved buffer; `next-error` lands on each finding."""
    import os
    import subprocess

    (elisp,) = [b for b in readme_blocks("elisp") if "apolint-buffer" in b]
    (tmp_path / "apolint.el").write_text(elisp, encoding="utf-8")
    (tmp_path / "draft.md").write_text(NVIM_DRAFT, encoding="utf-8")
    (tmp_path / "check.el").write_text(r'''
(load-file "apolint.el")
(find-file "draft.md")
(goto-char (point-max)) (insert "\n部分用户受到影响。\n")   ; unsaved: the buffer is linted
(apolint-buffer)
(with-current-buffer "draft.md"
  (dotimes (_ 9)
    (condition-case nil
        (progn (next-error)
               (princ (format "AT %d:%d %s\n" (line-number-at-pos) (- (point) (line-beginning-position))
                              (buffer-substring (point) (min (point-max) (+ (point) 4))))))
      (error (princ "END\n")))))
''', encoding="utf-8")
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    proc = subprocess.run(["emacs", "--batch", "-Q", "-l", "check.el"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    seen = [l for l in proc.stdout.split("\n") if l.startswith(("AT ", "END"))]
    assert seen == ["AT 1:4 登录异常", "AT 3:2 由于第三", "AT 3:13 部分用户", "AT 3:28 正在全力", "AT 3:30 全力修复",
                    "AT 3:36 尽快恢复", "AT 5:0 如有不便", "AT 7:0 部分用户", "END"], proc.stdout + proc.stderr
