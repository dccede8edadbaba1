"""Screenshots of `apolint serve` for the README (docs/serve-en.png, docs/serve-zh.png).

    python tools/web_screenshots.py        # needs the test extra and Debian's chromium + chromedriver

Starts `apolint serve` on a free port, opens the page in headless Chromium with an English and a
Chinese interface, types a bad draft in each, points at a highlight and saves the page."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = {
    "en": ("en-US", "sms", "Some users could not log in due to a third-party provider. We are working hard to fix it "
                           "as soon as possible. We apologize for any inconvenience."),
    "zh": ("zh-CN", "weibo", "由于第三方服务商故障，部分用户今日上午无法登录。我们正在全力修复，将尽快恢复服务。"
                             "如有不便，敬请谅解。"),
}
CHECKED = {"en-US": "Checked.", "zh-CN": "已检查。"}


def main() -> None:
    server = subprocess.Popen([sys.executable, "-m", "apolint", "serve", "--port", "0"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        base = server.stdout.readline().split()[2]
        for name, (language, channel, draft) in DRAFTS.items():
            options = webdriver.ChromeOptions()
            options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
            for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                             f"--lang={language}", "--hide-scrollbars"):
                options.add_argument(argument)
            options.add_experimental_option("prefs", {"intl.accept_languages": language})
            driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
            try:
                driver.get(base)
                Select(driver.find_element(By.ID, "channel")).select_by_value(channel)
                driver.find_element(By.ID, "draft").send_keys(draft)
                WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "status").text == CHECKED[language]
                                                and d.find_elements(By.CSS_SELECTOR, "#backdrop mark"))
                mark = driver.find_elements(By.CSS_SELECTOR, "#backdrop mark.warning")[1]
                ActionChains(driver).move_to_element(mark).perform()
                out = ROOT / "docs" / f"serve-{name}.png"
                driver.save_screenshot(str(out))
                print(f"wrote {out.relative_to(ROOT)}")
            finally:
                driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
