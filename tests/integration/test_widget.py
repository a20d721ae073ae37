"""The website widget in a real browser (Debian's headless Chromium, driven by Playwright)."""
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "results" / "screenshots"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def test_patient_chats_on_the_clinic_page_and_the_conversation_survives_a_reload(stack, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone screen
    page.goto(f"http://127.0.0.1:{stack.web_port}/?chat_server={stack.url}")

    launcher = page.get_by_role("button", name="Open chat with the clinic assistant")
    launcher.click()
    dialog = page.get_by_role("dialog", name="Ask about dry needling (IMS)")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("not medical advice").first).to_be_visible()
    expect(page.locator(".cc-bot").first).to_contain_text("automated assistant", timeout=30000)

    box = page.get_by_label("Your message")
    expect(box).to_be_focused()
    box.fill("is this acupuncture?")
    box.press("Enter")
    answer = page.locator(".cc-bot").last
    expect(answer).to_contain_text("Traditional Chinese Medicine", timeout=30000)

    page.get_by_role("button", name="Book online").last.click()
    link = page.locator(".cc-bot a[href*='example.com/book']").last
    expect(link).to_be_visible(timeout=30000)
    assert link.get_attribute("target") == "_blank"
    page.screenshot(path=str(SHOTS / "widget-chat.png"))

    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator(".cc-log")).to_contain_text("Traditional Chinese Medicine")
    expect(page.locator(".cc-log")).to_contain_text("is this acupuncture?")

    # a different page of the site, same conversation (and the same session on the server)
    page.goto(f"http://127.0.0.1:{stack.web_port}/about.html?chat_server={stack.url}")
    expect(page.locator(".cc-log")).to_contain_text("Traditional Chinese Medicine")
    page.get_by_label("Your message").fill("what are your hours")
    page.get_by_label("Your message").press("Enter")
    expect(page.locator(".cc-bot").last).to_contain_text("Our hours", timeout=30000)
    page.screenshot(path=str(SHOTS / "widget-after-reload.png"))
    page.close()


def test_everything_the_page_loads_comes_from_the_project(stack, browser):
    page = browser.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(f"http://127.0.0.1:{stack.web_port}/?chat_server={stack.url}")
    page.get_by_role("button", name="Open chat with the clinic assistant").click()
    expect(page.locator(".cc-bot").first).to_be_visible(timeout=30000)
    assert hosts <= {f"127.0.0.1:{stack.web_port}", f"127.0.0.1:{stack.rasa_port}"}
    page.close()


def test_a_farsi_reply_reads_right_to_left_and_its_english_line_left_to_right(stack, browser):
    page = browser.new_page(viewport={"width": 375, "height": 720})
    page.goto(f"http://127.0.0.1:{stack.web_port}/?chat_server={stack.url}")
    page.get_by_role("button", name="Open chat with the clinic assistant").click()
    expect(page.locator(".cc-bot").first).to_contain_text("automated assistant", timeout=30000)
    page.get_by_label("Your message").fill("نمی‌تونم نفس بکشم")
    page.get_by_label("Your message").press("Enter")
    answer = page.locator(".cc-bot").last
    expect(answer).to_contain_text("Farsi", timeout=30000)  # the greeting says 911 too: wait for the reply
    lines = answer.locator(".cc-line")
    expect(lines.first).to_contain_text("911")
    # dir="auto" resolves each line's direction from its first strong letter (:dir() is the resolved one)
    assert lines.first.get_attribute("dir") == "auto" and lines.first.evaluate("e => e.matches(':dir(rtl)')")
    assert lines.last.evaluate("e => e.matches(':dir(ltr)')")
    assert "Farsi" in lines.last.inner_text()
    mine = page.locator(".cc-user .cc-line").last
    assert mine.evaluate("e => e.matches(':dir(rtl)')")
    page.screenshot(path=str(SHOTS / "widget-farsi-emergency-375.png"))
    page.close()
