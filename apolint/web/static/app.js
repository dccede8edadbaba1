// apolint serve: the page. Plain JavaScript, no build step, no dependencies.
// User text is only ever written with textContent / value, never parsed as HTML, so a draft holding
// markup shows as text; the server's Content-Security-Policy forbids inline scripts as well.
"use strict";

(function () {
  const DEBOUNCE_MS = 250;

  const STRINGS = {
    en: {
      skip: "Skip to the draft", title: "apolint: check an incident announcement",
      intro: "Write or paste a draft in Chinese or English. Findings appear as you type.",
      settings: "Settings", stage: "Stage", severity: "Severity", channel: "Channel",
      language: "Language of the draft", fromText: "From the text", detect: "Detect",
      isTemplate: "The draft is a template (placeholders allowed)", startFrom: "Start from a template",
      useTemplate: "Use this template", draft: "Draft",
      draftHelp: "Highlighted words have findings: point at one, or move the cursor into it, to read the finding.",
      result: "Result", score: "Score", elements: "Elements", findings: "Findings",
      checking: "Checking…", checked: "Checked.", stale: "Checking the latest edit…",
      failed: "The check failed: ", noFindings: "No findings.",
      applyFix: (from, to) => `Replace “${from}” with “${to}”`,
      insertSkeleton: (text) => `Insert: ${text}`, showInDraft: "Show in the draft",
      fixApplied: "Fix applied.", skeletonInserted: "Sentence inserted at the end of the draft.",
      templateUsed: "Template inserted; Ctrl+Z brings the previous draft back.",
      suggestion: "Suggestion: ", atCursor: "At the cursor: ", inferred: "(read from the text)",
      stageLabel: "stage", evidence: "evidence", noEvidence: "no evidence",
      count: (n) => `(${n})`,
      budget: (part, used, max, unit, extra) => `${part}: ${used} of ${max} ${unit}${extra}`,
      over: (n) => ` — ${n} over`, budgetFor: (ch) => `Budget for ${ch}`,
      parts: {all: "Message", title: "Title", body: "Body"},
      units: {chars: "characters", weighted: "weighted characters (CJK counts 2)", "sms-segments": "SMS segments"},
      smsDetail: (n, enc) => ` (${n} ${enc} characters)`,
      names: {responsibility: "Responsibility", impact: "Impact", remedy: "Remedy"},
      statuses: {present: "present", weak: "weak", missing: "missing"},
      levels: {error: "error", warning: "warning", info: "info"},
      stages: {acknowledge: "acknowledge", update: "update", identified: "identified", resolved: "resolved",
               postmortem: "post-mortem"},
      langs: {en: "English", zh: "Chinese"},
    },
    zh: {
      skip: "跳到草稿", title: "apolint：检查事故公告",
      intro: "在下方输入或粘贴中文或英文草稿，输入时即显示检查结果。",
      settings: "设置", stage: "阶段", severity: "级别", channel: "渠道",
      language: "草稿语言", fromText: "按正文", detect: "自动识别",
      isTemplate: "草稿是模板（允许占位符）", startFrom: "从模板开始",
      useTemplate: "使用此模板", draft: "草稿",
      draftHelp: "高亮的文字有问题：把鼠标指向它，或把光标移进去，即可查看说明。",
      result: "结果", score: "得分", elements: "要素", findings: "问题",
      checking: "检查中…", checked: "已检查。", stale: "正在检查最新修改…",
      failed: "检查失败：", noFindings: "没有问题。",
      applyFix: (from, to) => `把「${from}」改为「${to}」`,
      insertSkeleton: (text) => `插入：${text}`, showInDraft: "在草稿中定位",
      fixApplied: "已修改。", skeletonInserted: "已在草稿末尾插入句子。",
      templateUsed: "已插入模板；按 Ctrl+Z 可恢复原草稿。",
      suggestion: "建议：", atCursor: "光标处：", inferred: "（根据正文判断）",
      stageLabel: "阶段", evidence: "依据", noEvidence: "没有依据",
      count: (n) => `（${n}）`,
      budget: (part, used, max, unit, extra) => `${part}：${used} / ${max} ${unit}${extra}`,
      over: (n) => `，超出 ${n}`, budgetFor: (ch) => `${ch} 长度限制`,
      parts: {all: "全文", title: "标题", body: "正文"},
      units: {chars: "字符", weighted: "加权字符（中日韩字符计 2）", "sms-segments": "条短信"},
      smsDetail: (n, enc) => `（${n} 个 ${enc} 字符）`,
      names: {responsibility: "责任", impact: "影响", remedy: "补救"},
      statuses: {present: "具备", weak: "薄弱", missing: "缺失"},
      levels: {error: "错误", warning: "警告", info: "提示"},
      stages: {acknowledge: "确认", update: "进展", identified: "已定位", resolved: "已恢复", postmortem: "复盘"},
      langs: {en: "英文", zh: "中文"},
    },
  };
  const MARKS = {present: "✓", weak: "~", missing: "✗"};

  // the interface follows the browser's languages (?ui=zh or ?ui=en overrides it)
  function interfaceLanguage() {
    const asked = new URLSearchParams(location.search).get("ui");
    if (asked && STRINGS[asked]) return asked;
    for (const tag of navigator.languages || [navigator.language || "en"]) {
      const base = String(tag).toLowerCase().split("-")[0];
      if (STRINGS[base]) return base;
    }
    return "en";
  }
  const ui = interfaceLanguage();
  const t = STRINGS[ui];

  const $ = (id) => document.getElementById(id);
  const draft = $("draft"), backdrop = $("backdrop"), tooltip = $("tooltip");
  const pickers = {stage: $("stage"), severity: $("severity"), channel: $("channel"), lang: $("lang")};

  let timer = null, inFlight = null, sequence = 0;
  let last = null;  // {text, file, budget, skeletons, spans}: the latest answer, for the text it was for
  let templates = [];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  function translatePage() {
    document.documentElement.lang = ui === "zh" ? "zh-CN" : "en";
    document.title = t.title;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      const value = t[node.dataset.i18n];
      if (typeof value === "string") node.textContent = value;
    }
  }

  // --- positions: the API counts lines and columns in code points, JavaScript strings in UTF-16 ---
  function lineStarts(text) {
    const starts = [0];
    const re = /\r\n|\r|\n/g;
    let m;
    while ((m = re.exec(text))) starts.push(m.index + m[0].length);
    return starts;
  }
  function offsetOf(text, starts, line, column) {
    let i = starts[Math.min(line, starts.length) - 1] || 0;
    for (let k = 1; k < column && i < text.length; k++) i += text.codePointAt(i) > 0xffff ? 2 : 1;
    return i;
  }

  // --- checking ---
  function options() {
    const body = {text: draft.value};
    for (const [key, select] of Object.entries(pickers)) if (select.value) body[key] = select.value;
    if ($("template").checked) body.template = true;
    return body;
  }

  // A keystroke after a pause is checked at once; keystrokes in a burst are checked once the burst
  // pauses for DEBOUNCE_MS, so fast typing neither floods the server nor makes the highlights flicker.
  let lastInput = -Infinity;
  function schedule() {
    clearTimeout(timer);
    performance.mark("apolint-input");
    if (last && last.text !== draft.value) setStatus(t.stale);
    markStale();
    const now = performance.now();
    const afterPause = now - lastInput >= DEBOUNCE_MS;
    lastInput = now;
    if (afterPause) check();
    else timer = setTimeout(check, DEBOUNCE_MS);
  }

  async function check() {
    clearTimeout(timer);
    if (inFlight) inFlight.abort();
    const controller = new AbortController();
    inFlight = controller;
    const mine = ++sequence;
    setStatus(t.checking);
    const body = options();
    performance.mark("apolint-request");
    try {
      const response = await fetch("/api/check", {
        method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
        signal: controller.signal,
      });
      const data = await response.json();
      if (mine !== sequence) return;
      if (!response.ok) throw new Error(data.error || response.statusText);
      render(body.text, data);
      // User Timing entries: bench/web.py reads them (the keystroke one includes the debounce)
      performance.measure("apolint-roundtrip", "apolint-request");
      if (performance.getEntriesByName("apolint-input").length) performance.measure("apolint-keystroke", "apolint-input");
      setStatus(t.checked);
    } catch (error) {
      if (error.name === "AbortError" || mine !== sequence) return;
      setStatus(t.failed + error.message);
    } finally {
      if (inFlight === controller) inFlight = null;
    }
  }

  function setStatus(message) { $("status").textContent = message; }

  function markStale() {
    for (const button of document.querySelectorAll("button[data-needs-fresh]"))
      button.disabled = !last || last.text !== draft.value;
  }

  // --- rendering an answer ---
  function render(text, data) {
    const file = data.files[0];
    if (file.error) { setStatus(t.failed + file.error); return; }
    const starts = lineStarts(text);
    const spans = file.findings.map((f, index) => ({
      index, start: offsetOf(text, starts, f.line, f.column), end: offsetOf(text, starts, f.end_line, f.end_column),
    }));
    const evidence = [];
    for (const [name, element] of Object.entries(file.elements)) {
      for (const ev of element.evidence) {
        const start = offsetOf(text, starts, ev.line, ev.column);
        evidence.push({name, start, end: start + ev.text.length});
      }
    }
    last = {text, file, budget: data.budget || [], skeletons: data.skeletons || [], spans, evidence};
    drawBackdrop();
    drawElements();
    drawFindings();
    drawBudget();
    showAtCursor();
    markStale();
  }

  const RANK = {info: 0, warning: 1, error: 2};

  function drawBackdrop() {
    const {text, file, spans, evidence} = last;
    const edges = new Set([0, text.length]);
    for (const s of [...spans, ...evidence]) { edges.add(s.start); edges.add(s.end); }
    const sorted = [...edges].filter((x) => x >= 0 && x <= text.length).sort((a, b) => a - b);
    const pieces = [];
    for (let k = 0; k + 1 < sorted.length; k++) {
      const lo = sorted[k], hi = sorted[k + 1];
      const chunk = text.slice(lo, hi);
      const covering = spans.filter((s) => s.start <= lo && hi <= s.end && s.start < s.end);
      const supports = evidence.filter((s) => s.start <= lo && hi <= s.end && s.start < s.end);
      if (!covering.length && !supports.length) { pieces.push(document.createTextNode(chunk)); continue; }
      const classes = [];
      if (covering.length) {
        const worst = covering.reduce((a, b) => RANK[file.findings[b.index].severity] > RANK[file.findings[a.index].severity] ? b : a);
        classes.push(file.findings[worst.index].severity);
      }
      if (supports.length) classes.push("evidence");
      const mark = el("mark", {class: classes.join(" "), text: chunk});
      mark.dataset.findings = covering.map((s) => s.index).join(" ");
      mark.dataset.elements = [...new Set(supports.map((s) => s.name))].join(" ");
      pieces.push(mark);
    }
    // a final line break needs something after it to take up its line, as it does in the textarea
    pieces.push(document.createTextNode(text.endsWith("\n") || text.endsWith("\r") ? " " : ""));
    backdrop.replaceChildren(...pieces);
  }

  function describe(finding) {
    const box = el("span", {},
      el("span", {class: `sev ${finding.severity}`, text: t.levels[finding.severity] || finding.severity}), " ",
      el("span", {class: "rule", text: finding.rule}), " ", el("span", {class: "message", text: finding.message}));
    if (finding.suggestion) box.append(el("span", {class: "suggestion", text: t.suggestion + finding.suggestion}));
    return box;
  }

  function fixButton(index) {
    const f = last.file.findings[index];
    if (!f.fix) return null;
    const span = last.spans[index];
    const from = last.text.slice(span.start, span.end);
    const button = el("button", {type: "button", class: "fix", text: t.applyFix(from, f.fix.replacement),
                                 onclick: () => applyFix(index)});
    button.dataset.needsFresh = "";
    return button;
  }

  function skeletonButton(rule) {
    const skeleton = last.skeletons.find((s) => s.rule === rule);
    if (!skeleton) return null;
    const button = el("button", {type: "button", class: "skeleton", text: t.insertSkeleton(skeleton.text),
                                 onclick: () => insertSkeleton(skeleton)});
    button.dataset.needsFresh = "";
    return button;
  }

  function drawFindings() {
    const list = $("findings");
    const {file} = last;
    $("finding-count").textContent = t.count(file.findings.length);
    if (!file.findings.length) { list.replaceChildren(el("li", {class: "none", text: t.noFindings})); return; }
    const shownSkeletons = new Set();
    list.replaceChildren(...file.findings.map((f, index) => {
      const item = el("li", {"data-index": String(index)});
      item.append(el("span", {class: "where", text: `${f.line}:${f.column} `}), describe(f));
      const actions = el("div", {class: "actions"});
      const show = el("button", {type: "button", class: "show", text: t.showInDraft, onclick: () => select(index)});
      show.dataset.needsFresh = "";
      actions.append(show);
      const fix = fixButton(index);
      if (fix) actions.append(fix);
      if (!shownSkeletons.has(f.rule)) {
        const skeleton = skeletonButton(f.rule);
        if (skeleton) { actions.append(skeleton); shownSkeletons.add(f.rule); }
      }
      item.append(actions);
      const on = () => highlight({findings: [index]}), off = () => highlight({});
      item.addEventListener("mouseenter", on); item.addEventListener("mouseleave", off);
      item.addEventListener("focusin", on); item.addEventListener("focusout", off);
      return item;
    }));
  }

  function drawElements() {
    const {file} = last;
    $("score").textContent = String(file.score);
    const stage = file.stage;
    $("stage-info").textContent = stage
      ? `${t.stageLabel}: ${t.stages[stage.name] || stage.name}${stage.inferred ? " " + t.inferred : ""}` : "";
    $("elements").replaceChildren(...Object.entries(file.elements).map(([name, element]) => {
      const item = el("li", {"data-element": name, "data-status": element.status, tabindex: "0"});
      item.append(el("strong", {text: t.names[name] || name}), " ",
                  el("span", {class: `badge ${element.status}`,
                              text: `${MARKS[element.status]} ${t.statuses[element.status]}`}),
                  " ", el("span", {class: "muted", text: `(${element.score >= 0 ? "+" : ""}${element.score})`}));
      const evidence = el("ul", {"aria-label": t.evidence});
      if (!element.evidence.length) evidence.append(el("li", {class: "muted", text: t.noEvidence}));
      for (const ev of element.evidence)
        evidence.append(el("li", {text: `“${ev.text}” — ${ev.feature} ${ev.weight >= 0 ? "+" : ""}${ev.weight} (${ev.line}:${ev.column})`}));
      item.append(evidence);
      const on = () => highlight({element: name}), off = () => highlight({});
      item.addEventListener("mouseenter", on); item.addEventListener("mouseleave", off);
      item.addEventListener("focusin", on); item.addEventListener("focusout", off);
      return item;
    }));
  }

  function drawBudget() {
    const box = $("budget");
    if (!last.budget.length) { box.replaceChildren(); return; }
    const lines = last.budget.map((b) => {
      const extra = b.unit === "sms-segments" ? t.smsDetail(b.characters, b.encoding) : "";
      const line = el("div", {class: b.used > b.max ? "over" : "", "data-part": b.part,
                              text: t.budget(t.parts[b.part], b.used, b.max, t.units[b.unit], extra)
                                + (b.used > b.max ? t.over(b.used - b.max) : "")});
      line.dataset.used = String(b.used);
      return line;
    });
    box.replaceChildren(el("strong", {text: t.budgetFor(last.budget[0].channel)}), ...lines);
  }

  function highlight({findings = [], element = null}) {
    for (const mark of backdrop.querySelectorAll("mark")) {
      const own = mark.dataset.findings ? mark.dataset.findings.split(" ").map(Number) : [];
      const active = own.some((i) => findings.includes(i)) || (element && mark.dataset.elements.split(" ").includes(element));
      mark.classList.toggle("active", Boolean(active));
    }
    for (const item of $("findings").children)
      item.classList.toggle("active", findings.includes(Number(item.dataset.index)));
  }

  // --- hover and the cursor: what is under the pointer or the caret ---
  function findingsAt(offset) {
    if (!last || last.text !== draft.value) return [];
    return last.spans.filter((s) => s.start <= offset && offset < s.end).map((s) => s.index);
  }

  function showAtCursor() {
    const box = $("at-cursor");
    const here = findingsAt(draft.selectionStart);
    if (!here.length) { box.replaceChildren(); return; }
    box.replaceChildren(el("strong", {text: t.atCursor}), ...here.map((i) => {
      const row = el("div", {}, describe(last.file.findings[i]));
      const fix = fixButton(i);
      if (fix) row.append(" ", fix);
      return row;
    }));
    markStale();
  }

  function onPointer(event) {
    if (!last || last.text !== draft.value) { tooltip.hidden = true; return; }
    const mark = document.elementsFromPoint(event.clientX, event.clientY)
      .find((node) => node.tagName === "MARK" && node.dataset.findings);
    if (!mark) { tooltip.hidden = true; return; }
    const indices = mark.dataset.findings.split(" ").map(Number);
    tooltip.replaceChildren(...indices.map((i) => el("div", {}, describe(last.file.findings[i]))));
    tooltip.hidden = false;
    // beside the pointer, inside the window
    const left = Math.min(event.pageX + 12, window.scrollX + document.documentElement.clientWidth - tooltip.offsetWidth - 8);
    tooltip.style.left = `${Math.max(window.scrollX + 8, left)}px`;
    tooltip.style.top = `${event.pageY + 16}px`;
    highlight({findings: indices});
  }

  // --- edits: through the browser's own editing, so Ctrl+Z undoes them ---
  function replaceRange(start, end, replacement) {
    draft.focus();
    draft.setSelectionRange(start, end);
    if (!document.execCommand("insertText", false, replacement)) {
      draft.setRangeText(replacement, start, end, "end");
      draft.dispatchEvent(new Event("input"));
    }
    grow();
  }

  function applyFix(index) {
    if (!last || last.text !== draft.value) return;
    const span = last.spans[index];
    replaceRange(span.start, span.end, last.file.findings[index].fix.replacement);
    setStatus(t.fixApplied);
    check();
  }

  function insertSkeleton(skeleton) {
    if (!last || last.text !== draft.value) return;
    replaceRange(draft.value.length, draft.value.length, skeleton.append);
    setStatus(t.skeletonInserted);
    check();
  }

  function select(index) {
    const span = last.spans[index];
    draft.focus();
    draft.setSelectionRange(span.start, span.end);
    showAtCursor();
  }

  function useTemplate() {
    const chosen = templates.find((x) => x.id === $("starter").value);
    if (!chosen) return;
    replaceRange(0, draft.value.length, chosen.text);
    // the template's own front matter says stage and severity: let the text decide
    for (const key of ["stage", "severity", "channel"]) pickers[key].value = "";
    $("template").checked = false;
    setStatus(t.templateUsed);
    check();
  }

  function grow() {
    draft.style.height = "auto";
    draft.style.height = `${draft.scrollHeight + 2}px`;
  }

  // --- start ---
  async function start() {
    translatePage();
    const response = await fetch("/api/options");
    const data = await response.json();
    const fill = (select, values, label) => {
      for (const value of values) select.append(el("option", {value, text: label(value)}));
    };
    fill(pickers.stage, data.stages, (s) => t.stages[s] || s);
    fill(pickers.severity, data.severities, (s) => s);
    fill(pickers.channel, data.channels, (s) => s);
    templates = data.templates;
    for (const lang of [ui, ...Object.keys(STRINGS).filter((l) => l !== ui)]) {
      const group = el("optgroup", {label: t.langs[lang]});
      for (const tpl of templates.filter((x) => x.lang === lang))
        group.append(el("option", {value: tpl.id, text: `${t.stages[tpl.stage] || tpl.stage} (${t.langs[lang]})`}));
      $("starter").append(group);
    }
    draft.addEventListener("input", () => { grow(); schedule(); });
    for (const select of [...Object.values(pickers), $("template")]) select.addEventListener("change", check);
    for (const name of ["keyup", "click", "select", "focus"]) draft.addEventListener(name, showAtCursor);
    draft.addEventListener("mousemove", onPointer);
    // content shown on hover can be pointed at itself and dismissed with Escape (WCAG 1.4.13)
    const hideTooltip = () => { tooltip.hidden = true; highlight({}); };
    draft.addEventListener("mouseleave", (event) => { if (!tooltip.contains(event.relatedTarget)) hideTooltip(); });
    tooltip.addEventListener("mouseleave", (event) => { if (event.relatedTarget !== draft) hideTooltip(); });
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") hideTooltip(); });
    $("use-template").addEventListener("click", useTemplate);
    window.addEventListener("resize", grow);
    grow();
    check();
  }

  start().catch((error) => setStatus(t.failed + error.message));
})();
