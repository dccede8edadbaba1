"""`apolint lsp`: a Language Server over stdio (pygls).

- Diagnostics on didOpen and didSave, and debounced on didChange; one per finding, with the
  rule id as `code`, "apolint" as `source` and the suggestion and safe fix in `data`.
- Positions: findings carry code-point lines and columns; they are converted to the
  negotiated position encoding (UTF-16 unless the client asked for another) here and only here.
- Hover on a finding shows its message and suggestion and the rule's documentation (the same
  text as `apolint explain`).
- Code actions: apply a rule's safe fix; insert the skeleton sentence a rule defines in its
  pack (`skeleton:`, LSP snippet syntax) — as a snippet when the client supports snippet edits.
- Configuration is resolved from each document's path upwards; configuration files and packs
  are re-read when the client reports a change (workspace/didChangeWatchedFiles) or when a
  cheap stat of them shows a change before a lint.
- Lints run one at a time on a worker thread, so jieba (and spaCy, if used) stay loaded and
  warm, and the protocol loop stays responsive. A failing lint is logged; the server keeps serving.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer

from . import api
from .document import Document
from .findings import FileResult, Finding
from .skeleton import skeleton_insertion, snippet_text
from .yamlsource import SourceError

log = logging.getLogger("apolint.lsp")

SEVERITY = {"error": T.DiagnosticSeverity.Error, "warning": T.DiagnosticSeverity.Warning,
            "info": T.DiagnosticSeverity.Information}
CONFIG_NAMES = (".apolint.yaml", ".apolint.yml", "pyproject.toml")
WATCH_GLOBS = ("**/.apolint.yaml", "**/.apolint.yml", "**/pyproject.toml", "**/*.yaml", "**/*.yml")


# --- positions: code points <-> client units (the LSP edge) -------------------------------

def units(text: str, encoding: str) -> int:
    """Length of `text` in the client's position units."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)  # UTF-16: astral chars are 2 units


class Positions:
    """Maps a text's 1-based code-point (line, column) and offsets to LSP positions and back.

    Lines break at \\n, \\r\\n and \\r, as in the LSP specification and in apolint.document.
    """

    def __init__(self, text: str, encoding: str = "utf-16"):
        self.doc = Document(path="", text=text, markdown=False)
        self.encoding = encoding

    def position(self, line: int, column: int) -> T.Position:
        """A 1-based code-point line and column as an LSP position."""
        text = self.doc.line_text(line)
        return T.Position(line=line - 1, character=units(text[:column - 1], self.encoding))

    def position_at(self, offset: int) -> T.Position:
        return self.position(*self.doc.position(offset))

    def range(self, finding: Finding) -> T.Range:
        return T.Range(start=self.position(finding.line, finding.column),
                       end=self.position(finding.end_line, finding.end_column))

    def offset(self, position: T.Position) -> int:
        """The code-point offset of an LSP position (clamped to the line and the text)."""
        if position.line >= self.doc.line_count:
            return len(self.doc.text)
        text = self.doc.line_text(position.line + 1)
        count = column = 0
        for ch in text:
            if count >= position.character:
                break
            count += units(ch, self.encoding)
            column += 1
        return self.doc.offset(position.line + 1, column + 1)


# --- the server ----------------------------------------------------------------------------

@dataclass
class Linted:
    """The last lint of one open document: what hover and code actions answer from."""

    uri: str
    version: int | None
    text: str
    result: FileResult | None
    ruleset: object = None
    diagnostics: list = field(default_factory=list)
    messages: list = field(default_factory=list)  # (MessageType, text) for window/logMessage


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and re.match(r"^/[A-Za-z]:", path):  # pragma: no cover - Windows
        path = path[1:]
    return Path(path)


class ApolintServer(LanguageServer):
    def __init__(self, debounce: float = 0.3):
        super().__init__("apolint", _version())
        self.debounce = debounce
        self.linted: dict[str, Linted] = {}
        self.tasks: dict[str, asyncio.Task] = {}
        self.stamps: dict[str, tuple] = {}
        # One worker: lints never overlap (spaCy and jieba are not shared between threads),
        # and the pipelines it loads stay warm for the life of the process.
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="apolint-lint")
        self.started = time.time_ns()  # files modified after this may be cached stale

    # -- encoding and capabilities

    @property
    def encoding(self) -> str:
        try:
            enc = self.workspace.position_encoding
        except Exception:  # before initialize
            enc = None
        return str(getattr(enc, "value", enc) or "utf-16")

    def _capability(self, *names, default=None):
        obj = self.client_capabilities
        for name in names:
            obj = getattr(obj, name, None)
            if obj is None:
                return default
        return obj

    # -- configuration and packs

    def near_path(self, uri: str) -> Path:
        path = uri_to_path(uri)
        if path is not None:
            return path
        root = self.workspace.root_path if self.workspace else None
        return Path(root or Path.cwd()) / "untitled.md"

    def refresh_if_changed(self, near: Path) -> None:
        """Forget cached configuration and packs when a stat shows they changed."""
        directory = near.resolve().parent
        stamp = []
        for folder in (directory, *directory.parents):
            for name in CONFIG_NAMES:
                stamp.append(_stat(folder / name))
        try:
            cfg = api.resolve_config(None, near)
            stamp.extend(_stat(p) for p in cfg.pack_paths())
        except SourceError:
            stamp.append(("error",))
        stamp_t = tuple(s for s in stamp if s is not None)
        key = str(directory)
        old = self.stamps.get(key)
        self.stamps[key] = stamp_t
        # first sight of this folder: what was cached before (the warm-up) may predate an edit
        changed = old != stamp_t if old is not None else any(s[1] > self.started for s in stamp_t if len(s) == 3)
        if changed:
            log.info("configuration or packs changed under %s; reloading", directory)
            reset_caches()
            self.started = time.time_ns()

    def forget_configuration(self) -> None:
        self.stamps.clear()
        reset_caches()

    # -- linting

    def lint(self, uri: str, text: str, version: int | None) -> Linted:
        """Lint one document (runs on the worker thread, so it sends nothing itself). Never raises."""
        near = self.near_path(uri)
        linted = Linted(uri=uri, version=version, text=text, result=None)
        positions = Positions(text, self.encoding)
        try:
            self.refresh_if_changed(near)
            cfg = api.resolve_config(None, near)
            linted.ruleset = api.ruleset_for(cfg)
            result = api.lint_text(text, config=cfg, path=str(near))
            if result.error is None:
                self.add_incident_findings(result, text, near, cfg)
        except SourceError as exc:
            linted.diagnostics = [_file_diagnostic(positions, "configuration-error",
                                                   f"{exc}\nFix the rule pack or configuration named above.")]
            return linted
        except Exception as exc:  # a bug in a rule or the engine: report it, keep serving
            log.error("lint of %s failed:\n%s", uri, traceback.format_exc())
            linted.messages.append((T.MessageType.Error, f"apolint: lint of {uri} failed: {exc!r} (see the server log)"))
            linted.diagnostics = [_file_diagnostic(positions, "internal-error",
                                                   f"apolint failed on this document: {exc!r}")]
            return linted
        linted.result = result
        if result.error is not None:
            linted.diagnostics = [_file_diagnostic(positions, "input-error", result.error)]
            return linted
        for notice in result.notices:
            linted.messages.append((T.MessageType.Warning, f"apolint: {uri}: {notice}"))
        linted.diagnostics = [self.diagnostic(f, positions, linted.ruleset) for f in result.findings]
        return linted

    @staticmethod
    def add_incident_findings(result: FileResult, text: str, near: Path, cfg) -> None:
        """The open document as part of a whole: a status page's thread findings, and the mismatches with its
        other-language version on disk (`x.zh.md` ↔ `x.en.md`, `translation_of:`), each naming that file."""
        from . import incident, incident_check

        found = incident_check.analyse([(str(near), text)], lambda path: cfg)
        if found.threads or found.pairs:
            incident.merge([result], found)

    def diagnostic(self, f: Finding, positions: Positions, ruleset) -> T.Diagnostic:
        rules = ruleset.rule(f.rule) if ruleset is not None else []
        if not rules and ruleset is not None and ruleset.threads is not None:  # a thread or pair rule
            rules = [r for r in ruleset.threads.rules if r.id == f.rule]
        link = rules[0].link if rules else None
        return T.Diagnostic(
            range=positions.range(f), severity=SEVERITY[f.level], code=f.rule, source="apolint",
            message=f.message, code_description=T.CodeDescription(href=link) if link else None,
            data={"rule": f.rule, "suggestion": f.suggestion, "fix": f.fix})

    def log_to_client(self, kind: T.MessageType, message: str) -> None:
        try:
            self.window_log_message(T.LogMessageParams(type=kind, message=message))
        except Exception:  # no client yet, or the pipe is gone
            log.debug("could not send log message", exc_info=True)

    def schedule(self, uri: str, delay: float) -> None:
        old = self.tasks.pop(uri, None)
        if old is not None and not old.done():
            old.cancel()
        self.tasks[uri] = asyncio.ensure_future(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        loop = asyncio.get_running_loop()
        try:
            linted = await loop.run_in_executor(self.executor, self.lint, uri, text, version)
        except asyncio.CancelledError:
            raise
        except Exception:  # pragma: no cover - lint() does not raise
            log.error("lint task failed:\n%s", traceback.format_exc())
            return
        for kind, message in linted.messages:  # sent from the protocol's thread, never the worker's
            self.log_to_client(kind, message)
        if uri not in self.workspace.text_documents:  # closed meanwhile
            return
        self.linted[uri] = linted
        self.text_document_publish_diagnostics(
            T.PublishDiagnosticsParams(uri=uri, diagnostics=linted.diagnostics, version=version))

    def relint_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    def warm_up(self) -> None:
        """Load the workspace's packs and what a lint may need (jieba's dictionary: "1.5小时") before
        the first lint."""
        try:
            root = Path(self.workspace.root_path or Path.cwd())
            cfg = api.resolve_config(None, root / "warmup.md")
            api.lint_text("我们的变更导致约15%的用户无法登录约1.5小时。Our change broke login for 15% of users.",
                          config=cfg, path=str(root / "warmup.md"))
        except Exception:
            log.warning("warm-up failed (the first lint will report why):\n%s", traceback.format_exc())

    # -- hover and code actions

    def findings_at(self, linted: Linted, start: int, end: int) -> list[tuple[Finding, T.Diagnostic]]:
        if linted.result is None or linted.result.error is not None:
            return []
        out = []
        for f, d in zip(linted.result.findings, linted.diagnostics):
            if f.start <= end and start <= f.end:  # touching counts: a cursor at either edge
                out.append((f, d))
        return out

    def hover(self, params: T.HoverParams) -> T.Hover | None:
        linted = self.linted.get(params.text_document.uri)
        if linted is None:
            return None
        positions = Positions(linted.text, self.encoding)
        offset = positions.offset(params.position)
        hits = [(f, d) for f, d in self.findings_at(linted, offset, offset) if f.start <= offset < max(f.end, f.start + 1)]
        evidence = self.evidence_at(linted, offset)
        if not hits and not evidence:
            return None
        from .explain import evidence_line, explain_text

        parts = []
        seen = set()
        elements = linted.result.elements if linted.result is not None else {}
        for f, _ in hits:
            head = f"[{f.rule}] {f.level}: {f.message}"
            if f.suggestion:
                head += f"\nSuggestion: {f.suggestion}"
            if f.fix is not None:
                head += f"\nSafe fix: replace with \"{f.fix}\" (code action)"
            parts.append(head)
            rules = linted.ruleset.rule(f.rule) if linted.ruleset is not None else []
            if not rules and linted.ruleset is not None and linted.ruleset.threads is not None:
                rules = [r for r in linted.ruleset.threads.rules if r.id == f.rule]
            element = getattr(rules[0].check, "element", None) if rules else None
            if element in elements:  # an element rule: the evidence behind the status
                parts.append("Evidence: " + evidence_line(element, elements[element], limit=6))
            if rules and f.rule not in seen:
                seen.add(f.rule)
                parts.append(explain_text(rules))
        for name, ev in evidence:
            result = elements[name]
            parts.append(f"Evidence for {name} ({ev.feature} {ev.weight:+g}): {name} is {result.status} "
                         f"with score {result.score:+g}\n" + evidence_line(name, result, limit=6))
        if hits:
            rng = hits[0][1].range
        else:
            ev = evidence[0][1]
            rng = T.Range(start=positions.position_at(ev.start), end=positions.position_at(ev.end))
        return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.PlainText, value="\n\n".join(parts)), range=rng)

    @staticmethod
    def evidence_at(linted: Linted, offset: int) -> list:
        """(element, evidence) spans under the cursor: the evidence behind each element's status."""
        if linted.result is None or linted.result.error is not None:
            return []
        found = []
        for name, result in linted.result.elements.items():
            for ev in result.evidence:
                if ev.start <= offset < ev.end:
                    found.append((name, ev))
                    break
        return found

    def code_actions(self, params: T.CodeActionParams) -> list[T.CodeAction] | None:
        uri = params.text_document.uri
        linted = self.linted.get(uri)
        if linted is None:
            return None
        positions = Positions(linted.text, self.encoding)
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        actions: list[T.CodeAction] = []
        titles: set[str] = set()
        snippets = bool(self._capability("workspace", "workspace_edit", "snippet_edit_support"))
        for f, diag in self.findings_at(linted, start, end):
            if f.fix is not None:
                title = f"apolint: replace \"{f.text}\" with \"{f.fix}\""
                if title not in titles:
                    titles.add(title)
                    edit = T.TextEdit(range=diag.range, new_text=f.fix)
                    actions.append(T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix, diagnostics=[diag],
                                                is_preferred=True, edit=self.workspace_edit(linted, [edit])))
            rules = linted.ruleset.rule(f.rule) if linted.ruleset is not None else []
            skeleton = rules[0].skeleton_for(_language_of(f, linted)) if rules else None
            if skeleton:
                plain = snippet_text(skeleton)
                title = f"apolint: insert \"{plain}\""
                if title in titles:
                    continue
                titles.add(title)
                offset, before, newline = skeleton_insertion(linted.text)
                at = positions.position_at(offset)
                rng = T.Range(start=at, end=at)
                if snippets:
                    edit = T.SnippetTextEdit(range=rng, snippet=T.StringValue(value=_escape(before) + skeleton + newline))
                else:
                    edit = T.TextEdit(range=rng, new_text=before + plain + newline)
                actions.append(T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix, diagnostics=[diag],
                                            edit=self.workspace_edit(linted, [edit], force_changes=snippets)))
        return actions

    def workspace_edit(self, linted: Linted, edits: list, force_changes: bool = False) -> T.WorkspaceEdit:
        """An edit of one document, tied to the linted version when the client supports that."""
        if force_changes or self._capability("workspace", "workspace_edit", "document_changes"):
            ident = T.OptionalVersionedTextDocumentIdentifier(uri=linted.uri, version=linted.version)
            return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(text_document=ident, edits=edits)])
        return T.WorkspaceEdit(changes={linted.uri: edits})


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _language_of(f: Finding, linted: Linted) -> str:
    from .language import classify

    lang = classify(f.text) if f.text else None
    if lang is None and linted.result is not None:
        lang = linted.result.lang
    return lang or "en"


def _stat(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path), st.st_mtime_ns, st.st_size)


def _file_diagnostic(positions: Positions, code: str, message: str) -> T.Diagnostic:
    """A problem with the whole file (input, configuration): reported on its first line."""
    first = positions.doc.line_text(1)
    rng = T.Range(start=T.Position(line=0, character=0),
                  end=T.Position(line=0, character=units(first, positions.encoding)))
    return T.Diagnostic(range=rng, severity=T.DiagnosticSeverity.Error, code=code, source="apolint", message=message)


def reset_caches() -> None:
    """Forget loaded configurations and compiled packs so the next lint reads them again."""
    from . import config, engine

    config.find_config.cache_clear()
    api._RULESETS.clear()
    engine._MATCHERS.clear()  # keyed by id(ruleset): must not outlive the rulesets


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("apolint")
    except Exception:  # pragma: no cover - not installed
        return "0"


def create_server(debounce: float = 0.3) -> ApolintServer:
    server = ApolintServer(debounce=debounce)

    @server.feature(T.INITIALIZED)
    async def initialized(ls: ApolintServer, params: T.InitializedParams) -> None:
        if ls._capability("workspace", "did_change_watched_files", "dynamic_registration"):
            watchers = [T.FileSystemWatcher(glob_pattern=g) for g in WATCH_GLOBS]
            registration = T.Registration(id="apolint-config-watch", method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                          register_options=T.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))
            try:
                await ls.client_register_capability_async(T.RegistrationParams(registrations=[registration]))
            except Exception:
                log.warning("the client refused file watching; relying on stat checks", exc_info=True)
        await asyncio.get_running_loop().run_in_executor(ls.executor, ls.warm_up)

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ApolintServer, params: T.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ApolintServer, params: T.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ApolintServer, params: T.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ApolintServer, params: T.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.tasks.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.linted.pop(uri, None)
        ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: ApolintServer, params: T.DidChangeWatchedFilesParams) -> None:
        ls.forget_configuration()
        ls.relint_all()

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def hover(ls: ApolintServer, params: T.HoverParams):
        return ls.hover(params)

    @server.feature(T.TEXT_DOCUMENT_CODE_ACTION,
                    T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix]))
    def code_action(ls: ApolintServer, params: T.CodeActionParams):
        return ls.code_actions(params)

    return server


def serve(debounce: float = 0.3) -> None:
    """Run the server on stdin/stdout until the client says exit."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the protocol stream
    create_server(debounce).start_io(stdin, stdout)
