"""Publish (issue 18, point 3): the gate's floors on small inputs, harmful staff labels refused by name,
the training inputs' hash (an unchanged set reuses its model), the answers' SMS length."""
from pathlib import Path

import pytest

from clinic import content_store as store
from publishing import answers, gate, inputs, releases, worker

ROOT = Path(__file__).resolve().parents[2]


def fake_parser(answers_by_text, default="nlu_fallback"):
    """A model stand-in: text -> parse result shaped like Rasa's."""
    def parse(texts):
        out = []
        for text in texts:
            label = answers_by_text.get(text, default)
            if label.startswith("faq/"):
                out.append({"intent": {"name": "faq"},
                            "response_selector": {"faq": {"response": {"intent_response_key": label}}}})
            else:
                out.append({"intent": {"name": label}})
        return out
    return parse


HELDOUT = [{"text": f"question {i}", "label": "faq/safety"} for i in range(98)] + [
    {"text": "my chest hurts and i cant breathe", "label": "emergency"},
    {"text": "whats the weather tomorrow", "label": "out_of_scope"}]
DEV = [{"text": f"dev {i}", "label": "faq/aftercare"} for i in range(100)] + [
    {"text": "recommend a plumber", "label": "out_of_scope"}]
RIGHT = {**{i["text"]: i["label"] for i in HELDOUT + DEV}}


def run_gate(candidate_answers, live_answers=RIGHT, flags=(), net=lambda text: None, too_long=(), baselines=None,
             labelled=()):
    sets = {"heldout": HELDOUT, "dev": DEV, "labelled": list(labelled)}
    return gate.evaluate(fake_parser(candidate_answers), fake_parser(live_answers), sets, list(flags), net,
                         list(too_long), baselines)


def test_a_candidate_as_good_as_live_passes_and_changes_nothing():
    report = run_gate(RIGHT)
    assert report["passed"] and report["failures"] == [] and report["changes"] == []
    assert report["figures"]["heldout"]["candidate"]["accuracy"] == 1.0


def test_held_out_floors_name_what_failed():
    missed_emergency = {**RIGHT, "my chest hurts and i cant breathe": "faq/soreness_after"}
    report = run_gate(missed_emergency)
    assert not report["passed"]
    assert any("emergency recall" in f for f in report["failures"])
    oos = {**RIGHT, "whats the weather tomorrow": "faq/benefits"}
    assert any("out-of-scope" in f for f in run_gate(oos)["failures"])
    wrong = {**RIGHT, **{f"question {i}": "faq/aftercare" for i in range(4)}}  # 96/100 < 0.97
    failures = run_gate(wrong)["failures"]
    assert any("accuracy 0.960 is below the floor 0.97" in f for f in failures)
    assert any("tf-idf" in f for f in run_gate(RIGHT, baselines={"tf-idf + LR": 1.0})["failures"])


def test_dev_floor_allows_one_point_below_live_not_more():
    one_point = {**RIGHT, "dev 0": "faq/safety"}
    assert run_gate(one_point)["passed"]
    two_points = {**one_point, "dev 1": "faq/safety"}
    report = run_gate(two_points)
    assert not report["passed"] and any("more than one point below" in f for f in report["failures"])
    # the live model's own out-of-scope answers are the bar, not zero
    live_answers_oos = {**RIGHT, "recommend a plumber": "faq/benefits"}
    assert run_gate(live_answers_oos, live_answers=live_answers_oos)["passed"]
    assert not run_gate(live_answers_oos)["passed"]


def test_changed_answers_are_listed_with_better_or_worse():
    labelled = [{"text": "r u open sundays", "label": "ask_hours"}]
    report = run_gate({**RIGHT, "dev 0": "faq/safety", "r u open sundays": "ask_hours"}, labelled=labelled)
    changed = {c["text"]: c for c in report["changes"]}
    assert changed["dev 0"]["better"] == -1 and changed["dev 0"]["candidate"] == "faq/safety"
    assert changed["r u open sundays"]["better"] == 1 and changed["r u open sundays"]["set"] == "labelled"
    assert report["figures"]["labelled"]["candidate"]["as_labelled"] == 1


def test_an_emergency_item_needs_the_intent_or_the_net():
    flags = [{"text": "cant breath", "kind": "medical_emergency", "file": "red_flags.yml"},
             {"text": "i want to end it all", "kind": "crisis", "file": "es.yml"}]
    net = {"cant breath": "medical"}.get
    caught_by_model = run_gate({**RIGHT, "i want to end it all": "emergency"}, flags=flags, net=net)
    assert caught_by_model["passed"] and caught_by_model["figures"]["red_flags"] == {"items": 2, "missed": 0}
    missed = run_gate(RIGHT, flags=flags, net=net)
    assert not missed["passed"]
    assert any('"i want to end it all"' in f and "es.yml" in f for f in missed["failures"])


def test_every_red_flag_item_of_the_test_sets_is_read():
    items = gate.red_flag_items()
    assert len(items) > 500 and {i["kind"] for i in items} == {"medical_emergency", "crisis"}
    assert any(i["file"] == "ko.yml" for i in items) and any(i["file"] == "red_flags_test2.yml" for i in items)


def test_a_label_sending_an_emergency_wording_elsewhere_is_refused_by_name(tmp_path):
    path = tmp_path / "nlu_reviewed.yml"
    path.write_text('version: "3.1"\nnlu:\n- intent: faq/soreness_after\n  examples: |\n    - I can\'t breathe\n'
                    '    - is it normal to ache the next day\n- intent: out_of_scope\n  examples: |\n'
                    '    - i want to kill myself\n- intent: emergency\n  examples: |\n    - my chest is crushing\n')
    harmful = inputs.harmful_labels(inputs.labelled_examples(path))
    assert [(h["text"], h["label"], h["kind"]) for h in harmful] == [
        ("I can't breathe", "faq/soreness_after", "medical"), ("i want to kill myself", "out_of_scope", "crisis")]
    message = inputs.refusal(harmful[0])
    assert "I can't breathe" in message and "faq/soreness_after" in message and '"emergency"' in message


@pytest.fixture
def content(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINIC_CONTENT_DB_URL", f"sqlite:///{tmp_path / 'content.db'}")
    monkeypatch.setenv("RELEASES_DIR", str(tmp_path / "releases"))
    monkeypatch.setenv("CONSOLE_REVIEWED_FILE", str(tmp_path / "nlu_reviewed.yml"))
    model = tmp_path / "base.tar.gz"
    model.write_bytes(b"not really a model")
    monkeypatch.setenv("BASE_MODEL", str(model))
    return store.engine()


def test_the_worker_refuses_a_harmful_label_before_training(content, tmp_path, monkeypatch):
    (tmp_path / "nlu_reviewed.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/soreness_after\n  examples: |\n    - I can\'t breathe\n')
    monkeypatch.setattr(worker, "train", lambda *a, **k: pytest.fail("trained despite a harmful label"))
    rid = store.add_release(content, "admin")
    assert worker.run(rid) == 1
    row = store.release(content, rid)
    assert row["status"] == "refused" and not row["report"]["passed"]
    assert "I can't breathe" in row["report"]["failures"][0] and "faq/soreness_after" in row["report"]["failures"][0]
    assert not (ROOT / "data" / "nlu_reviewed.yml").exists() or "I can't breathe" not in (
        ROOT / "data" / "nlu_reviewed.yml").read_text()  # data/ is never written


def test_training_inputs_hash_and_data_dir(tmp_path):
    reviewed = tmp_path / "labels.yml"
    reviewed.write_text('version: "3.1"\nnlu:\n- intent: ask_hours\n  examples: |\n    - r u open sundays\n')
    first = inputs.training_hash(inputs.build_training_dir(tmp_path / "a", reviewed=reviewed))
    again = inputs.training_hash(inputs.build_training_dir(tmp_path / "b", reviewed=reviewed))
    assert first == again
    assert (tmp_path / "a" / "data" / "nlu_reviewed.yml").read_text() == reviewed.read_text()
    assert {p.name for p in (ROOT / "data").glob("*.yml")} <= {p.name for p in (tmp_path / "a" / "data").iterdir()}
    reviewed.write_text(reviewed.read_text() + "    - open on boxing day?\n")
    assert inputs.training_hash(inputs.build_training_dir(tmp_path / "c", reviewed=reviewed)) != first


def test_same_inputs_reuse_the_earlier_model_without_training(content, tmp_path, monkeypatch):
    data = inputs.build_training_dir(tmp_path / "probe")
    earlier_model = tmp_path / "earlier.tar.gz"
    earlier_model.write_bytes(b"model bytes")
    earlier = store.add_release(content, "admin", status="passed", model_file=str(earlier_model),
                                model_sha256=releases.file_sha256(earlier_model), data_sha256=inputs.training_hash(data))
    monkeypatch.setattr(worker, "train", lambda *a, **k: pytest.fail("retrained unchanged inputs"))
    seen = {}

    def gate_run(model, live, labelled, data_dir, too_long, progress):
        seen["model"] = model
        return {"passed": True, "failures": [], "figures": {}, "changes": [], "seconds": {"gate": 0.1}}
    monkeypatch.setattr(gate, "run", gate_run)
    rid = store.add_release(content, "admin")
    assert worker.run(rid) == 0
    row = store.release(content, rid)
    assert row["status"] == "passed" and row["model_file"] == str(earlier_model) == seen["model"]
    assert row["report"]["reused_from"] == earlier and row["data_sha256"] == store.release(content, earlier)["data_sha256"]


def test_answers_draft_over_the_domain_and_sms_length():
    domain = answers.domain_responses()
    assert answers.sms_too_long(domain) == []  # the assistant's own answers fit
    draft = {"faq/soreness_after": {"text": "Sore for a day or two is normal. " * 12}, "utter_ask_hours": "We open at 9."}
    merged = answers.candidate(domain, draft)
    assert merged["utter_ask_hours"][0]["text"] == "We open at 9."
    assert merged["utter_faq/soreness_after"][0]["buttons"] == domain["utter_faq/soreness_after"][0]["buttons"]
    too_long = answers.sms_too_long(merged)
    assert [t["answer"] for t in too_long] == ["utter_faq/soreness_after"] and too_long[0]["segments"] > 2
    assert answers.candidate(domain, {"responses": {"faq/aftercare": [{"text": "x", "sms": "y"}]}})[
        "utter_faq/aftercare"][0]["sms"] == "y"


def test_publish_needs_a_passed_candidate_and_rollback_keeps_five(content, tmp_path):
    model = tmp_path / "m.tar.gz"
    model.write_bytes(b"m")
    sha = releases.file_sha256(model)
    failed = store.add_release(content, "admin", status="failed", model_file=str(model), model_sha256=sha)
    with pytest.raises(ValueError):
        releases.publish(content, failed, "admin")
    ids = []
    for n in range(7):
        draft = store.save_version(content, store.ANSWERS, {"faq/aftercare": f"v{n}"}, "admin")
        rid = store.add_release(content, "admin", status="passed", model_file=str(model), model_sha256=sha,
                                answers_version=draft)
        releases.publish(content, rid, "admin")
        ids.append(rid)
    assert store.live_ref(content, store.RELEASE) == ids[-1]
    choices = [r["id"] for r in releases.rollback_choices(content)]
    assert choices == ids[::-1][:5]
    releases.rollback(content, ids[2], "admin")
    assert store.live_ref(content, store.RELEASE) == ids[2]
    assert store.live_ref(content, store.ANSWERS) == store.release(content, ids[2])["answers_version"]
    with pytest.raises(ValueError):
        releases.rollback(content, ids[1], "admin")  # the sixth newest: beyond five


def test_the_first_model_is_registered_so_it_can_be_returned_to(content):
    first = releases.ensure_initial(content)
    assert first["note"].startswith("initial") and first["published_at"] is not None
    assert releases.ensure_initial(content)["id"] == first["id"]  # once per model file
    assert releases.live(content)["id"] == first["id"] and store.live_ref(content, store.RELEASE) is None
