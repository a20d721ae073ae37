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


def test_what_a_patient_tripped_on_in_the_widget(stack, browser):
    """Issue 18, point 6, at 375 px: the latest answer in sight after a reload, focus kept after a button
    chosen by keyboard, tap-to-call numbers, a reference that does not break, the launcher's label."""
    page = browser.new_page(viewport={"width": 375, "height": 667})
    page.goto(f"http://127.0.0.1:{stack.web_port}/?chat_server={stack.url}")
    launcher = page.get_by_role("button", name="Open chat with the clinic assistant")
    launcher.click()
    expect(page.locator(".cc-bot").first).to_contain_text("automated assistant", timeout=30000)
    expect(page.locator(".cc-launcher")).to_have_text("Close chat")
    assert page.locator(".cc-launcher").get_attribute("aria-label") == "Close chat with the clinic assistant"

    # a button chosen with the keyboard: focus goes back to the message box, not the page body
    box = page.get_by_label("Your message")
    box.fill("is this acupuncture?")
    box.press("Enter")
    expect(page.locator(".cc-bot").last).to_contain_text("Traditional Chinese Medicine", timeout=30000)
    button = page.locator(".cc-bot").last.locator(".cc-reply").first
    button.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement && document.activeElement.id") == "cc-input"

    # the clinic's phone number and 911 are tap-to-call links
    expect(page.locator(".cc-bot").last).to_contain_text("book", timeout=30000)  # the button's answer first
    box.fill("what is your phone number")
    box.press("Enter")
    expect(page.locator(".cc-bot").last.locator("a[href='tel:6045550100']")).to_be_visible(timeout=30000)
    assert page.locator(".cc-bot").first.locator("a[href='tel:911']").count() == 1

    # a long conversation and a call-back reference, then a reload: the latest message is in sight and
    # the reference is one unbreakable piece
    page.evaluate("""() => {
      const key = Object.keys(localStorage).find(k => k.indexOf('clinic-chat') === 0) || 'clinic-chat';
      const state = JSON.parse(localStorage.getItem(key) || '{}');
      state.log = state.log || [];
      for (let i = 0; i < 30; i++) { state.log.push({from: i % 2 ? 'bot' : 'user', text: 'message ' + i}); }
      state.log.push({from: 'bot', text: 'Done! Your request is saved. Reference: CB-F8YCL. Someone will call you.'});
      state.open = true;
      localStorage.setItem(key, JSON.stringify(state));
    }""")
    page.reload()
    expect(page.locator(".cc-bot").last).to_contain_text("CB-F8YCL")
    ref = page.locator(".cc-nowrap", has_text="CB-F8YCL")
    assert ref.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    at_bottom = page.locator(".cc-log").evaluate("e => e.scrollHeight - e.scrollTop - e.clientHeight < 4")
    assert at_bottom, "the conversation reopened scrolled away from the latest answer"
    page.screenshot(path=str(SHOTS / "widget-issue18-after-reload-375.png"))
    page.locator(".cc-launcher").click()
    expect(page.locator(".cc-launcher")).to_have_text("Chat")
    page.close()
