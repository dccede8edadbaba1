"""The page of `apolint serve` and the HTML report, driven in a real headless Chromium (Debian's
chromium and chromedriver, through selenium). One browser session serves the whole module.

Skipped, saying why, where Chromium or its driver is not installed (apt-get install chromium
chromium-driver)."""
from __future__ import annotations

import shutil
import time

import pytest

from conftest import ROOT, run_cli

from apolint.api import lint_text

pytest.importorskip("starlette", reason="apolint serve needs the web extra (pip install -e '.[test]')")
pytest.importorskip("selenium", reason="the browser tests drive Chromium with selenium (pip install -e '.[test]')")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="needs Chromium and chromedriver (apt-get install chromium chromium-driver)")

ZH_BAD = "由于第三方服务商故障，部分用户今日上午无法登录。我们正在全力修复，将尽快恢复服务。如有不便，敬请谅解。"
ZH_OWNED = "这是我们的失误：我们的配置变更导致了此次故障。"
EN_BAD = ("Some users could not log in due to a third-party provider. We are working hard to fix it as soon as "
          "possible. We apologize for any inconvenience.")
# (prose first: a line opening with <script> is an HTML block, which Markdown does not lint)
HOSTILE = 'Some users could not log in. <script>window.pwned = 1</script> "><img src=x onerror="window.pwned = 2">'


def start_browser(language: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", f"--lang={language}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = start_browser("en-US")
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, live_server):
    """The page, freshly loaded and ready (its first check answered)."""
    browser.get(live_server + "/")
    wait_checked(browser)
    browser.get_log("browser")  # start each test with an empty console
    yield browser
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def wait_checked(driver, timeout: float = 10) -> None:
    """Until the answer on screen is for the text in the draft."""
    def fresh(d):
        return d.execute_script(
            "const shown = document.getElementById('backdrop').textContent;"
            "const text = document.getElementById('draft').value;"
            "return document.getElementById('status').textContent === arguments[0]"
            " && (shown === text || shown === text + ' ');", CHECKED[d.execute_script("return document.documentElement.lang")])
    WebDriverWait(driver, timeout).until(fresh)


CHECKED = {"en": "Checked.", "zh-CN": "已检查。"}


def type_into_draft(driver, text: str) -> None:
    draft = driver.find_element(By.ID, "draft")
    draft.send_keys(Keys.CONTROL, "a")
    draft.send_keys(Keys.DELETE)
    draft.send_keys(text)
    wait_checked(driver)


def end_of_draft(driver):
    draft = driver.find_element(By.ID, "draft")
    draft.send_keys(Keys.CONTROL, Keys.END)  # a modifier stays down until the end of one send_keys
    return draft


def statuses(driver) -> dict[str, str]:
    return {li.get_attribute("data-element"): li.get_attribute("data-status")
            for li in driver.find_elements(By.CSS_SELECTOR, "#elements > li")}


def finding_rules(driver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#findings .rule")]


def marked(driver) -> list[tuple[str, str]]:
    """The highlighted pieces of the draft: (text, classes)."""
    return [(m.get_attribute("textContent"), m.get_attribute("class"))
            for m in driver.find_elements(By.CSS_SELECTOR, "#backdrop mark")]


def expected_rules(service, text: str, **options) -> list[str]:
    return [f["rule"] for f in service.check(text, options)["files"][0]["findings"]]


def test_bad_chinese_draft_is_highlighted_and_the_panel_follows_edits(page, web_service):
    type_into_draft(page, ZH_BAD)
    assert statuses(page) == {"responsibility": "weak", "impact": "weak", "remedy": "weak"}
    assert page.find_element(By.ID, "score").text == "46"
    assert finding_rules(page) == expected_rules(web_service, ZH_BAD)
    pieces = dict(marked(page))
    assert pieces["部分用户"] == "warning evidence"  # vague-scope and the unmeasured-impact evidence
    assert pieces["如有不便，敬请谅解"] == "warning"
    badge = page.find_element(By.CSS_SELECTOR, "#elements > li[data-element=responsibility] .badge")
    assert badge.text == "~ weak"

    end_of_draft(page).send_keys(ZH_OWNED)
    wait_checked(page)
    assert statuses(page) == {"responsibility": "present", "impact": "weak", "remedy": "weak"}
    assert page.find_element(By.ID, "score").text == "62"
    assert page.find_element(By.CSS_SELECTOR, "#elements > li[data-element=responsibility] .badge").text == "✓ present"
    assert "blame-shifting" not in finding_rules(page)


def test_bad_english_draft_fix_is_applied_and_undone(page, web_service):
    type_into_draft(page, EN_BAD)
    assert statuses(page) == {"responsibility": "weak", "impact": "weak", "remedy": "weak"}
    assert finding_rules(page) == expected_rules(web_service, EN_BAD)
    fix = page.find_element(By.CSS_SELECTOR, "#findings button.fix")
    assert fix.text == "Replace “apologize for any inconvenience” with “apologize for the disruption”"
    fix.click()
    wait_checked(page)
    draft = page.find_element(By.ID, "draft")
    fixed = EN_BAD.replace("apologize for any inconvenience", "apologize for the disruption")
    assert draft.get_attribute("value") == fixed
    assert "non-apology" not in finding_rules(page)
    assert page.find_element(By.ID, "status").text == "Checked."
    draft.send_keys(Keys.CONTROL, "z")  # the fix went through the browser's editing: undo brings the text back
    wait_checked(page)
    assert draft.get_attribute("value") == EN_BAD


def test_hover_and_cursor_show_message_and_suggestion(page):
    type_into_draft(page, EN_BAD)
    mark = page.find_element(By.CSS_SELECTOR, "#backdrop mark")
    assert mark.get_attribute("textContent") == "Some "  # "users could not log" is evidence of its own
    ActionChains(page).move_to_element(mark).perform()  # the pointer is over the textarea, above the mark
    tooltip = page.find_element(By.ID, "tooltip")
    WebDriverWait(page, 5).until(lambda d: tooltip.is_displayed())
    assert tooltip.text.splitlines() == [
        'warning missing-impact "Some users" does not measure the impact: say how many, where or for how long.',
        'Suggestion: State the scope: "about 15% of users in the EU region could not log in from 14:05 to 14:50 UTC".',
        'warning vague-scope "Some users" does not say how many were affected.',
        'Suggestion: Give a number or share: "about 15% of users", "roughly 2,000 orders".']
    ActionChains(page).move_to_element(tooltip).perform()  # the tooltip itself can be pointed at
    assert tooltip.is_displayed()
    page.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)  # and dismissed
    assert not tooltip.is_displayed()
    draft = page.find_element(By.ID, "draft")
    draft.send_keys(Keys.CONTROL, Keys.HOME)
    draft.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    at_cursor = page.find_element(By.ID, "at-cursor")
    assert at_cursor.text.splitlines()[:3] == [
        "At the cursor:",
        'warning missing-impact "Some users" does not measure the impact: say how many, where or for how long.',
        'Suggestion: State the scope: "about 15% of users in the EU region could not log in from 14:05 to 14:50 UTC".']
    assert at_cursor.get_attribute("role") == "status"


def test_stage_and_channel_pickers_change_the_check(page, web_service):
    text = "我们的变更导致约15%的用户无法登录。"
    type_into_draft(page, text)
    assert page.find_element(By.ID, "budget").text == ""
    Select(page.find_element(By.ID, "stage")).select_by_value("acknowledge")
    wait_checked(page)
    assert page.find_element(By.ID, "stage-info").text == "stage: acknowledge"
    assert finding_rules(page) == expected_rules(web_service, text, stage="acknowledge")
    assert "missing-next-update" in finding_rules(page)
    Select(page.find_element(By.ID, "channel")).select_by_value("sms")
    wait_checked(page)
    assert page.find_element(By.ID, "budget").text.splitlines() == [
        "Budget for sms", "Message: 1 of 2 SMS segments (19 UCS-2 characters)"]
    end_of_draft(page).send_keys("我们深表歉意。" * 20)
    wait_checked(page)
    over = page.find_element(By.CSS_SELECTOR, "#budget .over")
    assert over.text == "Message: 3 of 2 SMS segments (159 UCS-2 characters) — 1 over"
    assert "channel-length" in finding_rules(page)


def test_template_from_the_packs_starts_a_clean_draft(page):
    Select(page.find_element(By.ID, "starter")).select_by_value("zh-resolved")
    page.find_element(By.ID, "use-template").click()
    wait_checked(page)
    template = (ROOT / "apolint" / "web" / "templates" / "zh" / "resolved.md").read_text(encoding="utf-8")
    assert page.find_element(By.ID, "draft").get_attribute("value") == template
    assert statuses(page) == {"responsibility": "present", "impact": "present", "remedy": "present"}
    assert page.find_element(By.ID, "finding-count").text == "(0)"
    assert page.find_element(By.ID, "stage-info").text == "stage: resolved"


def test_skeleton_is_inserted_at_the_end(page):
    type_into_draft(page, "Some users could not log in.")
    button = next(b for b in page.find_elements(By.CSS_SELECTOR, "#findings button.skeleton")
                  if b.text == "Insert: What we are doing: [TODO]. Next update: [TIME] UTC.")
    button.click()
    wait_checked(page)
    assert page.find_element(By.ID, "draft").get_attribute("value") == (
        "Some users could not log in.\n\nWhat we are doing: [TODO]. Next update: [TIME] UTC.\n")
    assert "unfilled-placeholder" in finding_rules(page)


def test_markup_in_a_draft_shows_as_text(page):
    type_into_draft(page, HOSTILE)
    assert page.execute_script("return window.pwned") is None
    assert page.execute_script("return document.querySelectorAll('img').length") == 0
    assert [s.get_attribute("src") for s in page.find_elements(By.TAG_NAME, "script")] == [
        page.current_url + "static/app.js"]
    assert page.find_element(By.ID, "backdrop").get_attribute("textContent") == HOSTILE
    mark = next(m for m in page.find_elements(By.CSS_SELECTOR, "#backdrop mark")
                if m.get_attribute("textContent").startswith("Some"))
    ActionChains(page).move_to_element(mark).perform()
    WebDriverWait(page, 5).until(lambda d: d.find_element(By.ID, "tooltip").is_displayed())
    assert page.execute_script("return window.pwned") is None


def test_keyboard_only_use_and_every_control_labelled(page):
    unlabelled = page.execute_script("""
        return [...document.querySelectorAll('input, select, textarea, button')].filter((el) =>
            !((el.labels && el.labels.length && el.labels[0].textContent.trim()) ||
              el.getAttribute('aria-label') || el.textContent.trim())).map((el) => el.outerHTML);""")
    assert unlabelled == []
    body = page.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert page.switch_to.active_element.text == "Skip to the draft"
    page.switch_to.active_element.send_keys(Keys.ENTER)
    assert page.switch_to.active_element.get_attribute("id") == "draft"
    page.switch_to.active_element.send_keys(EN_BAD)
    wait_checked(page)
    # Tab from the draft reaches the findings' buttons; Enter on the fix applies it
    for _ in range(40):
        page.switch_to.active_element.send_keys(Keys.TAB)
        active = page.switch_to.active_element
        if "fix" in (active.get_attribute("class") or "").split():
            break
    else:
        pytest.fail("Tab never reached the fix button")
    active.send_keys(Keys.ENTER)
    wait_checked(page)
    assert "apologize for the disruption" in page.find_element(By.ID, "draft").get_attribute("value")
    # the elements panel is reachable too, and focusing an element marks its evidence in the draft
    for _ in range(40):
        page.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
        if page.switch_to.active_element.get_attribute("data-element") == "impact":
            break
    else:
        pytest.fail("Shift+Tab never reached the impact element")
    assert [text for text, classes in marked(page) if "active" in classes.split()] == ["Some users"]


def test_text_contrast_meets_wcag_aa(page):
    """Every piece of text against the background it is drawn on: 4.5:1 (3:1 for large text)."""
    type_into_draft(page, ZH_BAD)
    failures = page.execute_script("""
        const lum = (rgb) => { const [r, g, b] = rgb.map((v) => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const parse = (c) => c.match(/[\\d.]+/g).map(Number);
        const background = (el) => { for (; el; el = el.parentElement) {
            const c = parse(getComputedStyle(el).backgroundColor); if (c.length < 4 || c[3] > 0) return c.slice(0, 3); }
            return [255, 255, 255]; };
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            if (el.closest('#backdrop') || !el.offsetParent && el.tagName !== 'BODY') continue;
            const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
            if (!own) continue;
            const style = getComputedStyle(el);
            const fg = parse(style.color), bg = background(el);
            const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
            const ratio = (hi + 0.05) / (lo + 0.05);
            const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && style.fontWeight >= 700);
            if (ratio < (large ? 3 : 4.5)) out.push(`${el.tagName}#${el.id}.${el.className}: ${ratio.toFixed(2)}`);
        }
        return out;""")
    assert failures == []


def test_interface_follows_the_browser_language(live_server):
    driver = start_browser("zh-CN")
    try:
        driver.get(live_server + "/")
        wait_checked(driver)
        assert driver.execute_script("return document.documentElement.lang") == "zh-CN"
        assert driver.find_element(By.TAG_NAME, "h1").text == "apolint：检查事故公告"
        assert driver.find_element(By.CSS_SELECTOR, "label[for=stage]").text == "阶段"
        type_into_draft(driver, ZH_BAD)
        # the score is the fitted weight of the one feature that fired (「部分用户」), read from the packs
        impact = lint_text(ZH_BAD, lang="zh").elements["impact"]
        assert list(impact.features) == ["unmeasured-impact"]
        assert driver.find_element(By.CSS_SELECTOR, "#elements > li[data-element=impact]").text.splitlines()[0] == (
            f"影响 ~ 薄弱 ({'+' if impact.score >= 0 else ''}{round(impact.score, 2)})")  # as JavaScript prints it
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        driver.quit()


def test_html_report_of_the_corpus_opens_without_console_errors(browser, tmp_path):
    report = tmp_path / "report.html"
    proc = run_cli("check", "--format", "html", "--fail-on", "never", str(ROOT / "corpus"))
    report.write_text(proc.stdout, encoding="utf-8")
    browser.get_log("browser")
    started = time.perf_counter()
    browser.get(report.as_uri())
    assert time.perf_counter() - started < 10
    assert browser.find_element(By.TAG_NAME, "h1").text == "apolint report"
    assert len(browser.find_elements(By.CSS_SELECTOR, "section.file")) == proc.stdout.count('<section class="file"')
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
