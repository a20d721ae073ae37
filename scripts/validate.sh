#!/usr/bin/env bash
# `rasa data validate` must pass with no warnings but two kinds that are Rasa 3.6's own, not ours:
# - merging the retrieval intent `faq` (declared in domain.yml, as stories need) with the copy
#   Rasa derives from data/nlu_faq.yml reports it as "duplicated across domain files";
# - the validator does not know that a form asks for <slot> with the response utter_ask_<slot>,
#   so it calls the call-back form's questions "not used in any story or rule".
#   Nor that a custom action sends a response by name: actions/fallback.py's utter_out_of_scope,
#   utter_fallback and utter_fallback_again (in the domain so the clinic can reword them) are "not used" too.
# And one of ours: `other_language` has no training examples on purpose (components/emergency_net.py
# sets it from the language identified), which the validator reports.
# (--fail-on-warnings would fail on the second, so every other warning fails the grep below.)
set -uo pipefail
out=$(.venv/bin/rasa data validate 2>&1); rc=$?
warnings=$(grep -E "UserWarning|WARNING" <<<"$out" \
  | grep -v "The following duplicated intents have been found across multiple domain files: faq" \
  | grep -vE "The utterance 'utter_ask_cb_(name|phone|email|time|patient_type)' is not used in any story or rule" \
  | grep -vE "The utterance 'utter_(out_of_scope|fallback|fallback_again)' is not used in any story or rule" \
  | grep -v "The intent 'other_language' is listed in the domain file, but is not found in the NLU training data" \
  | grep -v "DeprecationWarning")
if [ $rc -ne 0 ] || [ -n "$warnings" ]; then
  echo "$out" | grep -vE "DeprecationWarning|^\s+(import|from|declare|Base:)"
  echo "rasa data validate: rc=$rc, warnings above" >&2
  exit 1
fi
echo "rasa data validate: OK, no warnings"
