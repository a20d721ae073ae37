"""Deterministic red-flag detection: the safety net under the NLU model.

A classifier can be unsure; an emergency must still get 911 (or 988 for suicide and self-harm)
every time. These patterns run on every message, after the model, and win over any FAQ answer.
They are written for recall first; the few phrases that would raise false alarms on ordinary
questions ("this pain is killing me", "my dad had a stroke last year") are excluded explicitly.
"""
import re
from typing import Optional

MEDICAL = "medical"  # -> 911
CRISIS = "crisis"    # -> 988 and 911

_BREATHE = r"(?:breath|breathe|breathing|breth|brethe|brething|breathin|air)"
_UNABLE = (
    r"(?:cant|can not|cannot|couldnt|unable to|not able to|struggling to|struggle to|"
    r"hard to|harder to|harder and harder to|getting harder to|hard time|trouble|difficulty|difficult to|problems?|issues?|tough to|"
    r"having a hard time|barely|hurts to|painful to|pain when i|pain when|hurts when i|"
    r"hurts when|sharp pain when i|cant seem to|not getting enough|gasping for|fighting for|"
    r"short of|shortness of|out of|catch my|catching my)"
)

_MEDICAL_PATTERNS = [
    # breathing
    rf"\b{_UNABLE}\s+(?:\w+\s+){{0,3}}{_BREATHE}\b(?! through)",
    r"\b(?:every|each|deep) breath\b.{0,15}\b(?:hurts?|painful|stabs?|sharp)",
    r"\bbreathing\b.{0,12}\b(?:is|feels|getting|got|gets|has been)\b.{0,12}\b(?:painful|short|hard|difficult|"
    r"shallow|laboured|labored|tight|rapid|weird|funny|strange|sore|difficult)",
    r"\bshort(?:ness)? (?:of|o) breath",
    r"\b(?:isnt|is not|not|stopped|has stopped|stops) breathing\b(?! (?:exercises?|techniques?|properly when|right when i))",
    r"\b(?:punctured|collapsed|popped|pierced|hit) (?:my|his|her|a) lung",
    r"\bsob\b(?! story)",
    r"\bbreathless",
    r"\bgasping\b",
    r"\bwheez\w*.{0,30}\b(?:cant|hard|trouble|lips|blue)",
    r"\b(?:lungs?|breathing) (?:feels? |is |are )?(?:tight|closing|collapsed|punctured)",
    r"\b(?:think|feels? like|might have|may have|i have|ive got|got) (?:a |my )?(?:punctured|collapsed) lung",
    r"(?<!risk of )(?<!risk of a )(?<!chance of )(?<!chance of a )\bpneumothorax\b"
    r"(?!.{0,40}\b(?:risk|chance|possible|safe|happen\w*|cause\w*)\b)",
    # chest / heart
    r"\bchest (?:pain|pian|pains|hurts?|hurting|ache|aches|aching|is tight|feels tight|tightness|"
    r"tight|pressure|heavy|heaviness|is heavy|feels heavy|squeez\w*|crush\w*|burning)\b",
    r"\bchest (?:\w+ ){0,3}(?:feels?|is|got|getting|went) (?:\w+ )?(?:tight|heavy|crushed|squeezed|painful|sore and tight)",
    r"\b(?:pain|pressure|tightness|squeezing|heaviness) in (?:my |the |his |her )?chest",
    r"\b(?:crushing|stabbing|sharp|sudden|severe) (?:pain )?(?:in )?(?:my |the )?chest",
    r"\b(?:having|have|is having|think\b.{0,25}|might be having|could be having) (?:a )?heart attack",
    r"\bheart attack (?:now|right now|symptoms|signs)",
    r"\bcardiac arrest\b",
    # bleeding
    r"\b(?:bleeding|bleed|blood)\b.{0,20}\b(?:wont|will not|doesnt|does not|isnt|not|cant|cannot|"
    r"wouldnt|never) (?:stop|stopping|slow)",
    r"\b(?:cant|cannot|unable to) stop (?:the |it |from )?(?:bleeding|blood)",
    r"\b(?:wont|will not|doesnt|does not|isnt|is not|not|didnt) stop(?:ping)? bleeding",
    r"\b(?:heavy|heavily|lots of|a lot of|profuse\w*|gushing|pouring|spurting|soaked in|"
    r"soaking|tons of) (?:\w+ )?(?:blood|bleeding)",
    r"\bblood (?:everywhere|all over|is pouring|keeps)\b",
    r"\b(?:bleeding|blood)\b.{0,40}\bkeeps? (?:coming|going|pouring|flowing|running|dripping)",
    r"\bbleeding (?:heavily|a lot|badly|everywhere|like crazy|so much|nonstop|non stop)",
    # fainting / collapse
    r"\b(?:fainted|passed out|blacked out|lost consciousness|unconscious|collapsed(?! lung)|unresponsive|"
    r"keeled over)\b(?!.{0,40}\b(?:once|before|as a kid|years? ago|in the past|at the sight|"
    r"sight of|blood test|blood draw|shots?|vaccines?|dentist)\b)",
    r"\b(?:feel|feeling|felt|about to|going to|gonna|might|think im going to|like i could) "
    r"(?:faint|pass out|black out)\b(?!.{0,30}\b(?:at the sight|sight of|when i see|around needles|"
    r"with needles|from needles|if i see)\b)",
    r"\b(?:wont|will not|cant|doesnt) wake (?:up)?",
    # blue lips / colour
    r"\b(?:lips?|face|fingers?|fingernails?|skin|mouth)\b.{0,20}\b(?:blue\w*|bluish|purple|grey|gray)\b",
    r"\bturning (?:blue|bluish|purple)\b",
    # stroke signs
    r"\b(?:face|mouth|smile|lip)\b.{0,15}\b(?:droop\w*|crooked|lopsided|sagging)",
    r"\bslurr\w*",
    r"\b(?:cant|cannot|trouble|unable to) (?:speak|talk|get words out|form words)\b(?! (?:to|with) (?:a|someone|anyone|the))",
    r"\b(?:one|left|right) side of (?:my |his |her |the )?(?:body|face)\b.{0,20}\b(?:numb|weak|paraly\w*|limp|dead|droop\w*)",
    r"\b(?:arm|leg|side) (?:is |went |gone |feels |suddenly )*(?:numb|weak|limp|paraly\w*) (?:and|on one side|suddenly)",
    r"\b(?:having|have|is having|think\b.{0,25}|might be having|signs of|symptoms of|could be) (?:a )?stroke\b",
    # choking, allergy, seizure
    r"\bchok(?:ing|es)\b",
    r"\b(?:throat|tongue|lips?|face)\b.{0,15}\b(?:swell\w*|swollen|closing|tight)",
    r"\b(?:hard|cant|cannot|trouble|difficulty|unable) (?:to )?swallow",
    r"\bhives\b.{0,40}\b(?:throat|breath\w*|lips?|tongue|swell\w*)",
    # sudden severe headache / vision loss / one-sided weakness
    r"\bworst headache\b",
    r"\bsudden\w*\b.{0,40}\b(?:cant see|blind|lost (?:my )?vision|vision loss|double vision|headache)",
    r"\b(?:weak|numb|paraly\w*|limp)\b.{0,25}\b(?:one side|left side|right side)\b",
    r"\b(?:one side|left side|right side)\b.{0,25}\b(?:weak|numb|paraly\w*|limp|droop\w*)",
    r"\banaphyla\w*",
    r"\bsevere allergic\b|\ballergic reaction\b(?!.{0,30}\b(?:before|history|ever|risk|to latex\?)\b)",
    r"\b(?:seizure|seizing|convuls\w*|having a fit)\b(?!.{0,30}\b(?:history|epilep\w* (?:and|so)|before|years ago|disorder)\b)",
    r"\b(?:call|need) (?:an )?(?:ambulance|911|9 1 1)\b",
    r"\bemergency\b(?!.{0,20}\b(?:contact|number|appointments?|hours)\b)",
    r"\boverdos\w*",
    # symptoms told as a story ("had my back needled yesterday, now the pain is spreading into my
    # chest and my breathing sounds weird"): the pieces a short message would not have
    r"\b(?:pain|ache|aching|tightness|pressure|burning|stabbing)\b.{0,40}\b(?:spread\w*|radiat\w*|mov\w*|"
    r"travel\w*|shoot\w*|extend\w*|going|went|goes|creep\w*|reach\w*|now)\b.{0,25}\b(?:into|to|in|through|across|around|up to) "
    r"(?:my |the |his |her |their )?(?:chest|ribs? cage|heart|jaw and arm)\b",
    r"\b(?:back|shoulder|neck|ribs?|side)\b(?:\w|\s|,){0,20}\band (?:my |the )?chest\b.{0,30}\b(?:hurt\w*|pain\w*|ache\w*|tight\w*|sore)",
    r"\b(?:odd|weird|strange|funny|abnormal|unusual|crackl\w*|rattl\w*|whistl\w*|gurgl\w*|wheezy|bubbl\w*|clicking|popping)\b.{0,25}"
    r"\b(?:sounds?|noises?)?\b.{0,20}\b(?:when|while|as|every time) (?:i |she |he |they )?(?:breath\w*|inhal\w*|exhal\w*)",
    r"\b(?:breath|breathing|lungs?|chest)\b.{0,20}\b(?:sounds?|sounding|makes? a) (?:odd|weird|strange|funny|wet|crackly|raspy|rattly|wheezy)",
    r"\bcough\w*\b.{0,40}\b(?:blood|pink|since (?:the|my) (?:needl\w*|ims|session|treatment|appointment)|"
    r"(?:after|since) (?:the |my )?(?:needl\w*|ims|dry needling|acupuncture|session|treatment))",
    r"\b(?:needl\w*|ims|acupuncture|session|treatment)\b.{0,80}\b(?:started|now|keep|keeps|kept|been|began|begun|"
    r"cant stop|and|with)\b.{0,20}\bcough\w*\b(?!.{0,20}\b(?:help|treat)\b)",
    r"\bcough\w* up\b",
    r"\blungs? (?:collapsed|was punctured|got punctured|deflated|partially collapsed)\b",
    r"\b(?:hospitali[sz]\w*|in the er|in emergency|to the er|to emergency)\b.{0,80}\b(?:lung|breath\w*|chest)",
    r"\b(?:lung|breath\w*|chest)\b.{0,80}\b(?:hospitali[sz]\w*|admitted)\b",
    r"\b(?:swelling|swollen|swell\w*)\b.{0,40}\b(?:keeps?|kept|continu\w*|getting|got|spreading|spread)\b.{0,15}"
    r"\b(?:bigger|worse|to swell|swelling|up|larger|growing)",
    r"\b(?:more and more|bigger and more|bigger and|getting more|keeps? getting more) swollen\b",
    r"\b(?:continu\w*|kept|keeps) (?:to )?swell\w*",
    r"\bdyspn\w*|\bthoracic pain\b|\bpleuritic\b",
    r"\babscess\w*|\bcellulitis\b|\b(?:wrist|foot) drop\b",
    # the words case reports and patients' accounts use
    r"\b(?:developed|diagnosed|suffered|sustained|presented|admitted|treated for|resulted in|led to|leading to|"
    r"caused|causing|confirmed|showed|revealed|ended up with|turned out to be|it was)\b.{0,40}"
    r"\b(?:pneumothora\w*|ha?emothorax|collapsed lung|punctured lung|lung puncture|tension pneumo\w*|septic\w*|"
    r"sepsis|infection|nerve (?:damage|injury)|cardiac tamponade|spinal cord injury)\b",
    r"\b(?:pneumothora\w*|ha?emothorax|collapsed lung|punctured lung)\b.{0,60}\b(?:after|following|from|due to)\b.{0,30}"
    r"\b(?:needl\w*|ims|acupuncture|session|treatment)",
    r"\bsyncop\w*|\bseptic\b|\bsepsis\b|\bnecroti[sz]\w*",
    r"\b(?:rushed|admitted|ended up|taken by ambulance|went to emergency|went to the er|had to go to the er)\b.{0,20}"
    r"\b(?:hospital|er|emergency|icu)?\b.{0,40}\b(?:after|following|since)\b.{0,30}\b(?:needl\w*|acupuncture|ims|session|treatment)",
    r"\b(?:needl\w*|acupuncture|ims)\b.{0,80}\b(?:rushed|taken|went|go|admitted|ended up) (?:to |in )?(?:the )?(?:er|emergency|hospital|icu)\b",
    r"\b(?:paraly[sz]\w*|(?:cant|couldnt|cannot|could not|unable to) (?:move|feel|lift) (?:my |his |her |either |both )?(?:legs?|arms?|feet|hands?))\b",
    r"\bspinal\b.{0,30}\b(?:ha?ematoma|bleed\w*|cord injury|abscess)",
    r"\b(?:sharp|stabbing|severe|sudden|intense|excruciating) (?:\w+ ){0,2}pain\b.{0,30}\b(?:chest|lungs?|breath\w*)\b",
    r"\bneedle (?:broke|snapped|broken|stuck)\b.{0,40}\b(?:inside|in my|in his|in her|under the skin)",
    r"\bbreath\w* (?:is |are |feels? |has been |getting )?(?:so |very |really )?(?:shallow|laboured|labored|rattly)\b",
    r"\b(?:keep|kept|keeps|been|started|start) (?:on )?(?:fainting|passing out|blacking out)\b",
    r"\bfound to have (?:a |an )?(?:collapsed lung|punctured lung|pneumothora\w*)",
    r"\bchest\b.{0,20}\b(?:crushing|crushed|caving)\b",
    r"\b(?:swollen|swelling|red|hot)\b.{0,60}\b(?:fever\w*|chills)\b|\b(?:fever\w*|chills)\b.{0,60}\b(?:swollen|swelling)\b",
    r"\b(?:short|shortness) of breath\w*|\bbreathless\w*|\bgasp\w*",
    r"\b(?:respiratory|breathing) (?:difficult\w*|distress)\b",
    r"\bfrom (?:my |the |his |her )?(?:back|shoulder|neck|ribs?|side)\b.{0,20}\b(?:in)?to (?:my |the |his |her )?chest\b",
    r"\b(?:pain|pressure|tightness|squeezing|heaviness|discomfort)\b(?:\s+\w+){0,3},?\s+in (?:my |the |his |her )?chest\b",
    r"\b(?:red (?:streaks?|lines?)|hot and red|fever|chills)\b.{0,60}\b(?:needl\w*|puncture|ims|injection|spot|site)",
    r"\b(?:needl\w*|puncture|ims|injection spot|site)\b.{0,60}\b(?:red (?:streaks?|lines?)|fever|chills|pus)\b",
]

_CRISIS_PATTERNS = [
    r"\bsuicid\w*",
    r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning|hang|hanging|"
    r"poison|poisoning|off|offing|shoot|end|ending|drown) (?:my ?self|myself|me self|himself|herself|themselves|themself)\b",
    r"\bkms\b",
    r"\bself[ -]?harm\w*",
    r"\bun ?aliv\w*",
    r"\b(?:end|ending|ended) (?:it all|my life|things|everything|my own life|it)\b(?! (?:with|after|early|at|for the day|on))",
    r"\btake my (?:own )?life\b",
    r"\b(?:want|wanted|wanna|wish|wished|going|ready|planning|plan) (?:to )?(?:die|be dead|not wake up|disappear forever)\b",
    # told as a story or hinted at
    r"\bworth (?:it )?(?:to )?(?:keep )?(?:on )?(?:living|going on|being alive)\b",
    r"\b(?:dont|do not|cant|cannot) see (?:why|the point|a reason|any reason) (?:i |to )?(?:have to |should |would )?(?:live|living|keep going|go on|being here)\b",
    r"\bwhy (?:i |should i |do i )?(?:have to |need to |should )?(?:keep )?(?:live|living|be alive|exist)\b",
    r"\b(?:cant|can not|cannot|dont think i can|not sure i can) (?:make it|last|get through|survive) (?:another|one more) day\b",
    r"\bready to give up\b(?! on (?:physio|ims|needl\w*|treatment|exercis\w*|this clinic|the gym|running))",
    r"\bgive up on (?:life|living|everything)\b",
    r"\bwish(?:ed)? for oblivion\b|\b(?:long|longing|wish\w*) (?:for|to) (?:death|die|not exist|disappear|sleep forever)\b",
    r"\bhopeless\w*\b.{0,60}\b(?:live|living|life|anymore|die|dying|end|point)\b",
    r"\b(?:thoughts|thinking|think) (?:of|about) (?:death|dying|ending it|not being here|killing)\b",
    r"\bno (?:reason|will) to (?:live|go on|keep going)\b",
    r"\bwish(?:ed)? (?:that )?i (?:was|were|could be|would be) (?:dead|gone|never born)\b|\bwish(?:ed)? i (?:could|would) (?:just )?die\b",
    r"\bend (?:my|the|all (?:of )?(?:my|this|the)) (?:suffering|pain for good)\b",
    r"\b(?:thought|thoughts|thinking|considered|considering) (?:about |of )?(?:taking my (?:own )?life|suicide|killing myself|dying)\b",
    r"\bpills? (?:are |all )?(?:lined up|saved up|stockpiled|counted out)\b",
    r"\b(?:goodbye|suicide) (?:note|letter)\b",
    r"\bbetter off if i (?:was|were|am) (?:gone|dead|not here|not around)\b",
    r"\b(?:wouldnt|would not|wont|will not) (?:mind|care) if i (?:died|didnt wake up|did not wake up|was gone|were gone|was dead)\b",
    r"\bif i (?:just )?(?:died|disappeared|wasnt here|was gone)\b.{0,30}\b(?:nobody|no one|better|easier|relief)\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\b(?:no|dont see the|dont see a|dont see any|cant see the|cant see a|cant see any|whats the|what is the) (?:point|reason) (?:in |of |to )?(?:keep |keeping |go on )?(?:going|living|to live|going on|being alive|life anymore)",
    r"\b(?:dont|do not|didnt|did not|no longer) want to (?:keep )?(?:be here|live|living|going on|be alive|exist|wake up|go on)\b",
    r"\b(?:took|taken|swallowed|take|taking) (?:a |the |all )?(?:whole |entire |all my |all the |all of my )?(?:bottle|handful|pack|box|bunch)\b.{0,10}\b(?:pills|tablets|meds|medication)",
    r"\b(?:never|not) wak(?:e|ing) up\b",
    r"\b(?:swallow\w*|take|taking|took|taken) (?:all|too many) (?:of )?(?:my |the |these |those )?(?:pills|meds|tablets|medication|sleeping pills|painkillers)",
    r"\b(?:rather|better) (?:be )?dead\b|\b(?:id|i would) rather die\b",
    r"\bsaying goodbye to (?:everyone|everybody|all|you all)\b",
    r"\bwont be (?:around|here|alive) (?:much )?(?:longer|anymore|tomorrow)\b",
    r"\b(?:done with|tired of|sick of) (?:life|living|being alive|everything)\b",
    r"\bnot worth living\b|\blife (?:isnt|is not|aint) worth\b",
    r"\bcant go on\b|\bcant do this anymore\b|\bcant take it anymore\b",
    r"\b(?:jump|jumping) (?:off|in front)\b",
    r"\b(?:plan|planning|going|want) to (?:overdose|od)\b|\bod on\b",
]

_MEDICAL = [re.compile(p) for p in _MEDICAL_PATTERNS]
_CRISIS = [re.compile(p) for p in _CRISIS_PATTERNS]


def normalise(text: str) -> str:
    """Lower-case, drop apostrophes (can't -> cant), unify quotes and whitespace."""
    text = (text or "").lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = text.replace("'", "")
    text = re.sub(r"[^a-z0-9\s.,!?-]", " ", text)
    text = re.sub(r"\b(?:i m|im)\b", "im", text)
    return re.sub(r"\s+", " ", text).strip()


def classify(text: str) -> Optional[str]:
    """CRISIS, MEDICAL or None. Crisis is checked first: 988 must never be missed."""
    plain = normalise(text)
    if not plain:
        return None
    if any(pattern.search(plain) for pattern in _CRISIS):
        return CRISIS
    if any(pattern.search(plain) for pattern in _MEDICAL):
        return MEDICAL
    return None
