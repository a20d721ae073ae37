"""The front-desk console end to end, in Chromium, against the real assistant.

Runs in the assistant's venv (Rasa, Playwright): `.venv/bin/python -m pytest tests/console/test_console_e2e.py`.
The console runs as a subprocess from its own venv (console/.venv), reading the Stack's SQLite
tracker store and call-back database. axe-core (console/node_modules, pinned in
console/package-lock.json) checks every page it opens, and the chat widget's page.
"""
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
import yaml
from playwright.sync_api import expect, sync_playwright

from tests.servers import Stack, free_port, texts

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_PY = ROOT / "console" / ".venv" / "bin" / "python"
AXE = ROOT / "console" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "results" / "screenshots"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NEW_PASSWORD = "copper-meadow-lantern-57"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    s = Stack(tmp_path_factory.mktemp("console-stack")).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def console(stack, tmp_path_factory):
    work = tmp_path_factory.mktemp("console")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONSOLE_DB_URL": f"sqlite:///{work / 'console.db'}",
           "TRACKER_DB": stack.env["TRACKER_DB"], "CALLBACK_DB_URL": stack.env["CALLBACK_DB_URL"],
           "CLINIC_CONFIG": stack.env["CLINIC_CONFIG"], "CONSOLE_REVIEWED_FILE": str(work / "nlu_reviewed.yml"),
           "CONSOLE_INGEST_SECONDS": "1", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "1"}
    env.pop("POSTGRES_HOST", None)

    def cli(*args):
        out = subprocess.run([str(CONSOLE_PY), "-m", "console", *args], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return out.stdout

    admin_password = cli("init").strip().splitlines()[-1].strip()
    assert "user(s) exist" in cli("init")  # idempotent, prints no password again
    desk_password = cli("users", "add", "robin", "--role", "frontdesk").strip().splitlines()[-1].strip()
    log = work / "console.log"
    proc = subprocess.Popen([str(CONSOLE_PY), "-m", "console", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert proc.poll() is None, log.read_text()
        time.sleep(0.2)
    yield {"url": url, "admin": admin_password, "desk": desk_password, "work": work, "log": log}
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
    with sync_playwright() as playwright:
        b = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def check_axe(page, name):
    """No serious or critical accessibility violations (axe-core, injected into the page)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: {bad}"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"console-{name}.png"), full_page=True)


def first_sign_in(page, url, name, one_time):
    page.goto(url + "/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(one_time)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Please choose your own password")).to_be_visible()
    page.get_by_label("Current password").fill(one_time)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password has been changed")).to_be_visible()


# the "Request a call-back" button's payload first (what a patient taps), then typed answers
BOOKING = [("/request_human", "What name"), ("Sam Lee", "phone number"), ("604 555 0134", "email"),
           ("skip", "When would you like"), ("any weekday morning", "clinic before"),
           ("I'm a new patient", "Privacy"), ("yes", "Shall I send it"), ("yes", "Reference: CB-")]


def test_front_desk_sees_a_new_request_marks_it_and_labels_a_miss(stack, console, browser):
    url = console["url"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    first_sign_in(page, url, "robin", console["desk"])
    check_axe(page, "account")
    shot(page, "account")

    page.goto(url + "/callbacks")
    expect(page.get_by_role("heading", name="Call-back requests")).to_be_visible()
    check_axe(page, "callbacks (empty)")

    # a patient books a call-back over the REST channel, then asks something the assistant cannot answer
    sender = "e2e-" + uuid.uuid4().hex[:8]
    for message, expected in BOOKING:
        reply = texts(stack.say(sender, message))
        assert expected in reply, (message, reply)
    reference = re.search(r"CB-[A-Z0-9]{5}", reply).group(0)
    reply = texts(stack.say(sender, "asdf qwerty zxcv"))

    # the request appears without a reload
    row = page.locator("#queue-rows tr", has_text="Sam Lee")
    expect(row).to_be_visible(timeout=30000)
    expect(page.locator("#live")).to_contain_text("new call-back request")
    expect(row).to_contain_text(reference)
    shot(page, "callbacks")
    check_axe(page, "callbacks")

    row.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", name=f"Call-back {reference}")).to_be_visible()
    page.get_by_label("Note (optional, no health details)").fill("Booked for Tuesday")
    page.get_by_role("button", name="Called – spoke to patient").click()
    expect(page.locator("#status")).to_have_text("Called")
    expect(page.get_by_text("Booked for Tuesday")).to_be_visible()
    check_axe(page, "call-back")
    shot(page, "callback")

    # the miss is among the unanswered questions; the form's answers are not
    page.get_by_role("link", name="Unanswered questions").click()
    group = page.locator("section.group", has_text="asdf qwerty zxcv")
    expect(group).to_be_visible(timeout=30000)
    body = page.locator("main").inner_text()
    assert "Sam Lee" not in body and "555" not in body
    check_axe(page, "unanswered")
    shot(page, "unanswered")
    group.get_by_role("button", name="Not for us").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    reviewed_text = Path(console["work"] / "nlu_reviewed.yml").read_text()
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
    training = RasaYAMLReader().reads(reviewed_text)  # what `make train` will read
    assert "asdf qwerty zxcv" in [m.get("text") for m in training.training_examples]
    reviewed = yaml.safe_load(reviewed_text)
    assert reviewed["version"] == "3.1"
    examples = {b["intent"]: b["examples"] for b in reviewed["nlu"]}
    assert "- asdf qwerty zxcv" in examples["out_of_scope"]

    # today at a glance
    page.get_by_role("link", name="Today").click()
    expect(page.locator(".tiles")).to_contain_text("conversation")
    check_axe(page, "today")
    shot(page, "today")

    # the conversation, with what the assistant understood
    page.get_by_role("link", name="Conversations").click()
    expect(page.locator("tbody tr").first).to_be_visible()
    check_axe(page, "conversations")
    shot(page, "conversations")
    page.goto(url + "/conversations?outcome=callback")
    page.locator("tbody a").first.click()
    expect(page.get_by_text("asdf qwerty zxcv")).to_be_visible()
    expect(page.get_by_text("Typed into the call-back form").first).to_be_visible()
    expect(page.locator(".understood").first).to_contain_text("sure:")
    check_axe(page, "transcript")
    shot(page, "transcript")

    page.get_by_role("link", name="Insights").click()
    expect(page.locator("svg.chart").first).to_be_visible()
    check_axe(page, "insights")
    shot(page, "insights")
    page.locator("svg.chart a").first.click()  # drill down into the conversations behind a bar
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()

    # messages staff marked as missed emergencies (issue 18): a page of its own, accessible too
    page.goto(url + "/missed-emergencies")
    check_axe(page, "missed emergencies")
    shot(page, "missed-emergencies")

    # front desk is not an admin
    response = page.goto(url + "/admin/audit")
    assert response.status == 403
    context.close()

    # the admin reads the audit log: the desk's view and change of the request are there
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    first_sign_in(page, url, "admin", console["admin"])
    page.goto(url + "/admin/audit")
    expect(page.locator("main")).to_contain_text("changed call-back")
    expect(page.locator("main")).to_contain_text(reference)
    check_axe(page, "audit")
    shot(page, "audit")
    page.goto(url + "/admin/users")
    check_axe(page, "users")
    shot(page, "users")
    context.close()
    assert "+1604" not in console["log"].read_text()  # no phone numbers in the server's log


def test_the_sign_in_page_and_the_chat_widget_pass_axe(stack, console, browser):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(console["url"] + "/login")
    check_axe(page, "login")
    shot(page, "login")
    page.goto(f"http://127.0.0.1:{stack.web_port}/?chat_server={stack.url}")
    page.get_by_role("button", name="Open chat with the clinic assistant").click()
    expect(page.locator(".cc-bot").first).to_be_visible(timeout=30000)
    bots = page.locator(".cc-bot").count()
    page.get_by_label("Your message").fill("is this acupuncture?")
    page.get_by_label("Your message").press("Enter")
    expect(page.locator(".cc-bot")).not_to_have_count(bots, timeout=30000)  # an answer, with its buttons
    check_axe(page, "chat widget")
    context.close()
