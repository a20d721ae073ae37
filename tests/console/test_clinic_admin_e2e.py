"""Issue 18 end to end, in Chromium, on the production configuration: the clinic runs and teaches the
assistant without a developer.

PostgreSQL + Redis, one action server, two Rasa servers (endpoints.prod.yml) pulling their model from
the console, the web page with the widget, and the console (tests/console/cluster.py). An admin changes
the clinic's facts, edits an answer, labels unanswered questions and publishes a new model; patients on
the widget and on SMS (to each Rasa server) get the change; a rollback undoes it; a harmful label is
refused. One model is trained in all (about 2-3 minutes, then the gate's ~2): the refused candidate
stops before training.

Runs in the assistant's venv: `.venv/bin/python -m pytest tests/console/test_clinic_admin_e2e.py`.
"""
import re
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.console.cluster import Cluster, old_unanswered_message, rest, sms, until
from tests.console.test_console_e2e import SHOTS, browser, check_axe, first_sign_in  # noqa: F401  (browser: the fixture)

# Five wordings the shipped model falls back on (found against the running stack; none is in data/),
# and the FAQ topic each should have been.
UNANSWERED = {"owie factor?": "faq/does_it_hurt", "will i yelp": "faq/does_it_hurt",
              "bearable?": "faq/does_it_hurt", "how often do i return": "faq/session_details",
              "how many goes before it works": "faq/session_details"}
FALLBACK = "not sure I understood"
HARMFUL = "I can't breathe after needling"
# phrases of the two FAQ answers (domain.yml), to tell "the labelled answer" from a fallback
ANSWER_OF = {"faq/does_it_hurt": "pressure or discomfort", "faq/session_details": "number of needles"}
EDIT_MARK = "Tell your physiotherapist at once if it feels like too much."


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    started = time.monotonic()
    c = Cluster(tmp_path_factory.mktemp("admin-cluster")).start()
    c.desk_password = c.console.add_user("robin", "frontdesk")
    print(f"\ncluster up in {time.monotonic() - started:.0f} s")
    yield c
    c.stop()


@pytest.fixture(scope="module")
def admin(cluster, browser):
    """One signed-in admin tab for the whole module (the one-time password works once)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    first_sign_in(page, cluster.console.url, "admin", cluster.admin_password)
    yield page
    context.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"issue18-{name}.png"), full_page=True)


def widget_reply(page, text, timeout=30000):
    """Ask on the clinic's web page; all the assistant's bubbles that followed."""
    before = page.locator(".cc-bot").count()
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")
    expect(page.locator(".cc-bot")).not_to_have_count(before, timeout=timeout)
    page.wait_for_timeout(300)  # a reply may come in several bubbles
    return " ".join(page.locator(".cc-bot").nth(i).inner_text() for i in range(before, page.locator(".cc-bot").count()))


# 1. settings ---------------------------------------------------------------------------------------
def test_admin_changes_saturday_hours_and_phone_and_every_channel_says_so_within_10_s(cluster, admin, browser):
    url, page = cluster.console.url, admin
    assert "Sat 10:00 am-1:30 pm" not in rest(cluster.a, "what are your hours on saturday")
    page.goto(url + "/admin/settings")
    expect(page.get_by_role("heading", name="Clinic settings", exact=True)).to_be_visible()
    check_axe(page, "settings")
    hours = page.locator("[name=hours_saturday]")
    expect(hours).to_have_value("09:00-14:00")
    hours.fill("10:00-13:30")
    page.locator("[name=phone]").fill("604-555-0199")
    page.locator("[name=note]").fill("Saturday hours change from next week")
    page.locator("button[name=action][value=preview]").click()
    expect(page.locator("main")).to_contain_text("10:00 am-1:30 pm")  # the preview shows the patient's reply
    check_axe(page, "settings preview")
    shot(page, "settings-preview")
    page.locator("button[name=action][value=save]").click()
    saved = time.monotonic()
    expect(page.locator("[role=status]").first).to_contain_text("Saved version")
    shot(page, "settings")

    # every server, every channel, within 10 s of the save
    def new_facts(ask):
        hours_text, phone_text = ask("what are your hours on saturday"), ask("what's your phone number")
        return "Sat 10:00 am-1:30 pm" in hours_text and "604-555-0199" in phone_text and "604-555-0100" not in phone_text

    for stack in cluster.servers:
        assert until(lambda: new_facts(lambda t: sms(stack, t)), 10 - (time.monotonic() - saved)), stack.url
    assert time.monotonic() - saved < 10
    widget = browser.new_context(bypass_csp=True).new_page()
    widget.goto(f"http://127.0.0.1:{cluster.a.web_port}/?chat_server={cluster.a.url}")
    widget.get_by_role("button", name="Open chat with the clinic assistant").click()
    expect(widget.locator(".cc-bot").first).to_be_visible(timeout=30000)
    assert "Sat 10:00 am-1:30 pm" in widget_reply(widget, "what are your hours on saturday")
    phone = widget_reply(widget, "what's your phone number")
    assert "604-555-0199" in phone and "604-555-0100" not in phone
    assert time.monotonic() - saved < 10, f"{time.monotonic() - saved:.1f} s"
    expect(widget.locator("a[href^='tel:']", has_text="604-555-0199").first).to_be_visible()  # tap to call
    shot(widget, "settings-widget")
    widget.context.close()

    page.goto(url + "/admin/settings/versions")
    expect(page.locator("main")).to_contain_text("Saturday hours change from next week")
    check_axe(page, "settings versions")
    shot(page, "settings-versions")


# 2. roles ------------------------------------------------------------------------------------------
def test_front_desk_is_refused_the_admin_pages(cluster, browser):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    first_sign_in(page, cluster.console.url, "robin", cluster.desk_password)
    for path in ("/admin/settings", "/admin/settings/versions", "/admin/answers",
                 "/admin/answers/edit?response=utter_faq/does_it_hurt", "/admin/publish"):
        response = page.goto(cluster.console.url + path)
        assert response.status == 403, path
        expect(page.locator("main")).to_contain_text("for administrators")  # a plain page, not a trace
    # a hand-made form post is refused too, with the desk's own valid session and CSRF token (the
    # sign-out form's), so the refusal is the role's, not a CSRF one
    page.goto(cluster.console.url + "/unanswered")
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    for path in ("/admin/settings", "/admin/answers/edit?response=utter_faq/does_it_hurt", "/admin/publish/start",
                 "/admin/publish/1/rollback"):
        response = requests.post(cluster.console.url + path, data={"csrf": token, "action": "save"},
                                 cookies=cookies, allow_redirects=False, timeout=10)
        assert response.status_code == 403 and "for administrators" in response.text, path
    context.close()


# 3. a harmful label: refused before anything is trained --------------------------------------------
def release_id(page) -> int:
    return int(re.search(r"/admin/publish/(\d+)$", page.url).group(1))


def start_candidate(page, url, note):
    page.goto(url + "/admin/publish")
    page.get_by_label("What changed (for the log)").fill(note)
    page.get_by_role("button", name="Train and check a candidate").click()
    expect(page).to_have_url(re.compile(r"/admin/publish/\d+$"))
    return release_id(page)


def label_group(page, url, wording, topic):
    group = page.locator("section.group", has=page.locator("h2", has_text=wording))

    def listed():  # the console reads new tracker events every second; the page is not live
        page.goto(url + "/unanswered")
        return group.count() == 1
    assert until(listed, 30, every=1), wording
    group.get_by_label("Should have been topic").select_option(topic)
    group.get_by_role("button", name="Save topic").click()
    expect(page.get_by_text("Saved.")).to_be_visible()


def test_a_harmful_label_is_refused_by_the_gate_and_cannot_be_published(cluster, admin):
    url, page = cluster.console.url, admin
    # today's assistant sends this patient to 911 (so it never reaches the list): an older message is
    # written into the tracker store, as if from before the red-flag net knew the wording
    assert "911" in rest(cluster.a, HARMFUL)
    old_unanswered_message(cluster.postgres.url, HARMFUL)
    label_group(page, url, HARMFUL, "faq/soreness_after")

    rid = start_candidate(page, url, "harmful label check")
    status = page.locator(".pub-status")
    expect(status).to_have_text("Refused", timeout=120000)  # publish.js reloads the page when it ends
    failures = page.locator("#fail-h + [role=alert]")
    expect(failures).to_contain_text(HARMFUL)
    expect(failures).to_contain_text("faq/soreness_after")
    expect(page.get_by_role("button", name=re.compile("Publish candidate"))).to_have_count(0)
    shot(page, "publish-refused")
    # nothing was trained for it
    assert not list((cluster.workdir / "releases").glob(f"{rid}/*.tar.gz"))
    # a hand-made publish of the refused candidate is refused too, and nothing goes live
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    response = requests.post(f"{url}/admin/publish/{rid}/publish", data={"csrf": token}, cookies=cookies,
                             allow_redirects=False, timeout=10)
    assert response.status_code == 409 and "did not pass" in response.text
    page.goto(url + "/admin/publish")
    expect(page.locator("#live-h + p")).not_to_contain_text(f"#{rid}")

    # staff remove the label (for the next test's candidate)
    page.goto(url + "/unanswered?status=reviewed")
    group = page.locator("section.group", has=page.locator("h2", has_text=HARMFUL))
    group.get_by_role("button", name="Remove label").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert HARMFUL not in (cluster.workdir / "nlu_reviewed.yml").read_text()
    page.goto(f"{url}/admin/publish/{rid}")
    check_axe(page, "release page (refused)")


# 4. labels and an answer edit, published to both servers, then rolled back -------------------------
def answers_as_labelled(stack) -> list:
    """The wordings a server does not answer with the labelled answer."""
    return [w for w, topic in UNANSWERED.items() if ANSWER_OF[topic] not in rest(stack, w)]


def test_labels_and_an_answer_edit_are_published_to_both_servers_and_rolled_back(cluster, admin):
    url, page = cluster.console.url, admin
    for stack in cluster.servers:  # the live model falls back on every one of them
        for wording in UNANSWERED:
            assert FALLBACK in rest(stack, wording), (stack.url, wording)
    does_it_hurt = rest(cluster.a, "does it hurt")
    assert EDIT_MARK not in does_it_hurt

    for wording, topic in UNANSWERED.items():
        label_group(page, url, wording, topic)
    page.goto(url + "/unanswered")
    check_axe(page, "unanswered (after labelling)")

    # an answer edit, saved as a draft: patients still get the live text until the publish
    page.goto(url + "/admin/answers")
    check_axe(page, "answers")
    shot(page, "answers")
    page.goto(url + "/admin/answers/edit?response=utter_faq/does_it_hurt")
    edited = ("You may feel a short moment of pressure or discomfort when the needle goes in, then maybe "
              "a small twitch or a dull ache. " + EDIT_MARK)
    page.get_by_label("Web text").fill(edited)
    page.get_by_label("Note (why you changed it)").fill("clearer about speaking up")
    page.locator("button[name=action][value=preview]").click()
    expect(page.locator("#preview-h + .answer-columns")).to_contain_text(EDIT_MARK)
    check_axe(page, "answer edit (preview)")
    page.locator("button[name=action][value=save]").click()
    expect(page.locator("[role=status]").first).to_be_visible()
    check_axe(page, "answer edit")
    shot(page, "answer-edit")
    time.sleep(3)  # longer than the servers' 2 s refresh: a draft must not reach patients
    assert EDIT_MARK not in rest(cluster.b, "does it hurt")

    # train and check a candidate; its progress shows while it runs
    rid = start_candidate(page, url, "five labels and a clearer pain answer")
    progress = page.locator(f"[data-progress-for='{rid}']")
    expect(progress).to_contain_text(re.compile("training|preparing"), timeout=60000)
    expect(page.locator(".pub-status")).to_have_text(re.compile("Training|Checking"))
    shot(page, "publish-progress")
    expect(page.locator(".pub-status")).to_have_text(re.compile("Passed|Failed|Stopped"), timeout=900000)
    report = page.locator("main").inner_text()
    expect(page.locator(".pub-status"), report[:3000]).to_have_text("Passed")
    expect(page.locator("main")).to_contain_text("Staff-labelled wordings answered as labelled")
    check_axe(page, "release page")
    shot(page, "publish-release")

    page.get_by_role("button", name=f"Publish candidate #{rid}").click()
    published = time.monotonic()
    expect(page.locator("[role=status]").first).to_contain_text("Published")
    shot(page, "publish")

    # within about a minute both servers answer the five wordings as labelled, with the edited answer
    def published_everywhere():
        return all(not answers_as_labelled(s) and EDIT_MARK in rest(s, "does it hurt") for s in cluster.servers)
    assert until(published_everywhere, 60, every=2), [answers_as_labelled(s) for s in cluster.servers]
    swap_seconds = time.monotonic() - published
    print(f"\npublished to both servers in {swap_seconds:.0f} s")
    assert swap_seconds < 60
    assert EDIT_MARK in sms(cluster.b, "does it hurt")  # SMS too

    # one click returns to the earlier release: the wordings fall back again, the edit is gone
    page.goto(url + "/admin/publish")
    back = page.get_by_role("button", name=re.compile(r"^Roll back to"))  # the one release not live
    expect(back).to_have_count(1)
    back.click()
    rolled = time.monotonic()
    expect(page.locator("[role=status]").first).to_contain_text("Rolled back")

    def rolled_back_everywhere():
        return all(all(FALLBACK in rest(s, w) for w in UNANSWERED) and EDIT_MARK not in rest(s, "does it hurt")
                   for s in cluster.servers)
    assert until(rolled_back_everywhere, 60, every=2)
    print(f"rolled back on both servers in {time.monotonic() - rolled:.0f} s")
    assert rest(cluster.a, "does it hurt") == does_it_hurt
    assert EDIT_MARK not in sms(cluster.a, "does it hurt")
    shot(page, "publish-rolled-back")
    page.goto(url + "/admin/publish")
    check_axe(page, "publish")
