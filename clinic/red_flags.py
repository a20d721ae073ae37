"""Deterministic red-flag detection: the safety net under the NLU model.

A classifier can be unsure; an emergency must still get 911 (or 988 for suicide and self-harm)
every time. These patterns run on every message, after the model, and win over any FAQ answer.
They are written for recall first; the few phrases that would raise false alarms on ordinary
questions ("this pain is killing me", "my dad had a stroke last year") are excluded explicitly.

Three families of pattern, checked in this order (so a message that is both gets CRISIS):
- CRISIS: suicide and self-harm, including passive wishes to die from chronic pain (988).
- HAPPENING: a symptom or event told by the person it happens to, or by someone with them,
  anywhere in a long message ("...the next morning I couldn't catch my breath...", "she fainted
  on the table"). A match framed as a question about a risk just before it ("can needling cause
  shortness of breath?", "what if I faint?"), or given a harmless cause just after it ("short of
  breath when I run because I have asthma") does not count; nor does a faint that has passed.
- REPORT: a complication named the way news items and case reports name it ("a 34-year-old
  woman presented with a pneumothorax after acupuncture", "was rushed to hospital after dry
  needling"). The same words fill questions about risks ("can dry needling cause a
  pneumothorax?", "I read a case report about a collapsed lung, how common is that?"), so a
  report counts only when the message does not discuss a risk, or says it happened recently. Risk
  information told rather than asked ("pneumothorax is a rare but serious complication") counts as
  discussing a risk too, unless a case is told with it ("a 30-year-old woman developed...").

Before matching, the text is lower-cased, SMS shorthand is spelled out ("dont wanna b here ne
more") and a symptom said to be absent ("no fever or chills") is hidden. `explain(text)` lists
the patterns a message matches.
"""
import re
from typing import Dict, Iterable, List, Optional, Set, Tuple

try:  # the regular-expression parser, used once at import to group patterns by first letter
    from re import _constants as _sre, _parser as _sre_parse  # Python 3.11+
except ImportError:  # Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

MEDICAL = "medical"  # -> 911
CRISIS = "crisis"    # -> 988 and 911


# ----------------------------------------------------------------------------------------------
# Shared vocabulary
# ----------------------------------------------------------------------------------------------
def _words(*alternatives: str) -> str:
    """`(?:a|b|c)` for a list of words, those that start with a plain letter grouped under it.

    At each position the regex engine skips an alternative that starts with a letter other than
    the one there almost for free; one that starts with a group or a look-behind has to be tried.
    """
    by_letter: Dict[str, List[str]] = {}
    others = []
    for alternative in alternatives:
        if alternative[:1].isalnum() and alternative[1:2] not in ("?", "*", "+", "{"):
            by_letter.setdefault(alternative[0], []).append(alternative[1:])
        else:
            others.append(alternative)
    grouped = [letter + (f"(?:{'|'.join(rests)})" if len(rests) > 1 else rests[0])
               for letter, rests in sorted(by_letter.items())]
    return "(?:" + "|".join(grouped + others) + ")"


_BREATHE = r"(?:breath|breathe|breathing|breth|brethe|brething|breathin|air)"
_UNABLE = _words(
    "cant", "can not", "cannot", "couldnt", "could not", "unable to", "not able to", "wasnt able to",
    "werent able to", "struggling to", "struggle to", "struggled to", "struggles to", "fought to", "fighting to",
    "hard to", "harder to", "harder and harder to", "getting harder to", "hard time", "trouble", "difficulty",
    "difficult to", "problems?", "issues?", "tough to", "having a hard time", "barely", "hardly", "hurts to",
    "hurt to", "painful to", "pain when i", "pain when", "hurts when i", "hurts when", "hurt when i",
    "sharp pain when i", "cant seem to", "not getting enough", "cant get enough", "couldnt get enough",
    "gasping for", "gasped for", "gulping for", "fighting for", "short of", "shortness of", "out of",
    "catch my", "catching my", "catch her", "catch his",
)
# the treatment a complication is told against
_NEEDLING = _words(
    r"needl\w*", "ims", r"acupunctur\w*", r"electroacupunctur\w*", "intramuscular stimulation",
    "trigger point (?:injection|therapy)", "session", "treatment", "procedure", "appointment", r"physio\w*",
    "therapist",
)
# the needling itself (not any session or appointment)
_NEEDLES = _words(
    r"needl\w*", "ims", r"acupunctur\w*", r"electroacupunctur\w*", "intramuscular stimulation",
    "trigger point (?:injection|therapy)",
)
# a limb, or more than one
_LIMB = (r"(?:my |his |her |the |their |both |either |all )?(?:other )?(?:\w+ )?(?:left |right )?(?:arms?|legs?|hands?|"
         r"feet|foot|limbs?|side)(?: and (?:left |right )?(?:arms?|legs?|hands?|feet|foot))?")
# ... and the words that tie something to the treatment in time or cause
_AFTER = _words(
    "after", "following", "during", "from", "due to", "caused by", "because of", "since", "post",
    "at the site of", r"within \w+ (?:hours?|days?|minutes?) of",
)
# a needle that broke, or stayed in the body ("hundreds of gold needles left in her tissue", "a needle
# remaining in his left lung", "the needle had fractured"); "needles are left in for 20 minutes" is routine
_RETAINED_NEEDLE_WORDS = [  # each starts with a plain letter, so _words() can group them
    *(rf"{word} (?:\w+ ){{0,2}}?needles?" for word in ("broken", "fractured", "retained", "embedded", "lodged",
                                                     r"migrat\w*")),
    r"needles? (?:\w+ )?(?:fragments?|had (?:fractured|broken|snapped)|(?:has |had |was |were )?(?:fractured|"
    r"broken off|snapped off|broke off|sheared off))",
    r"needles? (?:\w+ ){0,2}?(?:lodged|remaining|remained|retained|embedded|buried) (?:in|inside|within) "
    r"(?:his|her|their|my|the patients?|the|a|its) (?!place\b|position\b)(?!(?:\w+ ){0,2}(?:for|during|while|"
    r"until|throughout) (?:\d|a|an|about|around|up|the session|the treatment)\b)",
    r"needles? (?:\w+ ){0,2}?(?:left|stuck) (?:in|inside|within) (?:his|her|their|the patients?) "
    r"(?!(?:\w+ ){0,2}(?:for|during|while|until|throughout)\b)",
    *(rf"{word} of (?:\w+ ){{0,2}}?needles? (?:\w+ ){{0,2}}?(?:in|inside|within) (?:his|her|their|my)"
      for word in ("presence", "remnants?", "pieces?", "fragments?")),
]
_RETAINED_NEEDLE = _words(*_RETAINED_NEEDLE_WORDS)
# a needle pushed into an organ ("the needle punctured the man's chest cavity", "the needle point was found
# to have penetrated the anterior surface of the heart")
_ORGAN_HIT = (
    r"needles?\b(?: [\w-]+){0,6}? (?:penetrat\w*|pierc\w*|punctur\w*|perforat\w*|lacerat\w*|entered|went into|"
    r"went through|pushed into|passed into|passed through|nicked|injured) (?:(?!(?:near|over|above|below|beside|close|"
    r"by|next|around|towards?|under|muscles?|skin)\b)[\w-]+ ){0,5}?(?:heart|lungs?|pleura\w*|"
    r"(?:chest|thoracic|abdominal|pleural|pericardial) cavity|pericardi\w*|ventricle|atrium|aorta|coronary|"
    r"spinal cord|spinal canal|kidney|liver|bowel|intestines?|stomach|bladder)\b"
    r"(?! (?:meridian|channel|point|qi|\d))"
)
# complications as case reports and news items name them (British and American spellings)
_LUNG_INJURY = _words(
    r"pneumothora\w*", r"(?:ha?emo|hydro)pneumothora\w*", r"ha?emothora\w*", r"tension pneumo\w*",
    r"(?:collapsed|punctured|perforated|pierced|popped|deflated) (?:(?:his|her|their|a|the|my|one|both|"
    r"the patients|[\w-]+s) )?(?:left |right )?lungs?",
    r"lungs? (?:had |has |was |were |got |had been |has been )?(?:collapsed|punctured|perforated|pierced|deflated|"
    r"popped)",
    "(?:lung|pleural) (?:puncture|perforation|injury|collapse)", "cardiac tamponade",
    "(?:intra)?pericardial (?:tamponade|effusion|ha?emorrhage|ha?ematoma)", r"(?:ha?emo|pneumo)pericardi\w*",
)
_COMPLICATION = _words(
    _LUNG_INJURY,
    r"spinal cord (?:injur\w*|damage|compression|lesion)",
    r"(?:epidural|spinal|subdural|intraspinal|subarachnoid) (?:ha?ematoma|ha?emorrhage|abscess|bleed\w*)",
    r"(?:para|quadri|tetra|hemi)(?:pleg|par)\w*", r"paraly[sz]\w*",
    "necroti[sz]ing (?:fasciitis|soft tissue)", "osteomyelitis", "septic (?:arthritis|shock)", "sepsis", r"septic\w*",
    "septica?emia", "bacter(?:a|ae)mia", "endocarditis", r"abscess\w*", "empyema", "cellulitis",
    "infection(?<!tract infection)(?<!viral infection)(?<!sinus infection)(?<!ear infection)(?<!chest infection)"
    "(?<!throat infection)(?<!yeast infection)(?<!fungal infection)(?<!bladder infection)(?<!urinary infection)"
    "(?<!respiratory infection)(?<!eye infection)(?<!kidney infection)(?<!dental infection)(?<!tooth infection)"
    "s?(?! control| prevention| risks?| rates?)", "infected",
    r"anaphyla\w*", r"syncop\w*", "vasovagal (?:syncope|collapse|reaction|episode)", "loss of consciousness",
    "lost consciousness", "cardiac arrest", "respiratory (?:distress|failure|arrest)", r"dyspn\w*", "pleuritic",
    r"tachycard\w*", r"hypotensi\w*", r"hypoxi\w*", r"hypoxa?emi\w*", r"desaturat\w*",
    "(?:wrist|foot) drop", r"(?:nerve|plexus) (?:palsy|injur\w*|damage|lesion)",
    r"(?:radial|ulnar|median|peroneal|fibular|sciatic|long thoracic|axillary|accessory|phrenic|tibial|femoral) "
    r"nerve (?:palsy|injur\w*|damage|lesion)",
    r"(?:expanding|growing|large|huge|massive|tense|enormous) ha?ematoma",
    r"ha?ematoma (?:\w+ )?(?:kept |keeps |is |was )?(?:growing|expanding|getting bigger|spreading)",
    "brachial plexus", "retained (?:needle|fragment|acupuncture needle)", "needle fragments?", "broken needle",
    r"(?:broken|retained) (?:\w+ )?needle tip", *_RETAINED_NEEDLE_WORDS,
)
# serious outcomes: only an alarm when tied to the treatment ("nearly died laughing" is not one)
_OUTCOME = _words(
    "(?<!nearly )(?<!almost )(?<!i )died(?! laughing| of (?:laughter|embarrassment|boredom))", "dies", "death",
    r"fatal\w*", "(?<!nearly )(?<!almost )killed", "passed away", "intensive care", "icu", "intubated",
    "ventilator", "ventilated",
    r"resuscitat\w*", "life support", r"hospitali[sz]\w*", "(?:was|were|got|been|being|is) admitted",
    "admitted (?:to|into) (?:the |a )?(?:hospital|icu|ward|intensive)",
    "(?:emergency|urgent|immediate) (?:surgery|operation|department|room|care|admission)",
    r"(?:required|needed|needing|requiring|underwent|had to have|had to undergo) (?:\w+ ){0,2}"
    r"(?:surgery|operation|surgical|drainage|chest (?:tube|drain)|intubation|admission|antibiotics)",
    "chest (?:tubes?|drains?)", "thoracostomy", "thoracotomy",
    r"(?:rushed|taken|brought|transferred|transported|airlifted|flown|sent) (?:\w+ ){0,3}(?:to|into) (?:the |a |an )?"
    r"(?:hospital|er|ed|emergency|a e|icu|intensive care|casualty)",
    "(?:ended up|landed|wound up) (?:in|at) (?:the |a )?(?:hospital|er|emergency|a e|icu|intensive care|casualty)",
    "went to (?:the )?(?:er|emergency|a e|casualty)", "had to go to (?:the )?(?:er|emergency|hospital|a e)",
    "ambulance", "paramedics?", r"left (?:him|her|them|me) (?:paralys\w*|paralyz\w*|with|unable|in hospital|fighting)",
)
# how case reports introduce the patient
_CASE = _words(
    r"\d+[ -]?(?:year|yr|y)s?[ -]?old", "year old", r"aged \d+",
    r"in (?:his|her) (?:\w+ )?(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|[2-8]0s)",
    r"(?:a|an) (?:\w+ ){0,3}(?:man|woman|male|female|patient|girl|boy|gentleman|lady|athlete|runner|player|mother|"
    r"father|grandmother|grandfather|nurse|teacher|student)",
    "the patient", "case report", "case of", "we (?:report|describe|present)",
    "(?:presented|presenting|attended) (?:to|with|at)",
    "(?:was|were) admitted", "(?:he|she|they) (?:was|were) (?:diagnosed|found|treated|taken|rushed)",
)
# fever and its everyday words
_FEVER = (r"(?:fever\w*|febrile|pyrexi\w*|chills|chilly and hot|rigors|shivery|shivering|the shakes|hot and cold|hot then cold|sweats|"
          r"high temperature|temperature of|flu ?like|like i have the flu)")
# a symptom that has passed ("felt faint but I'm fine now") is a side effect, not an emergency
_PASSED = (
    r"(?!.{0,100}\b(?:(?:im|i am|i was|i felt|i feel|feel|felt|it|its|it was|that|was|all|everything|but) "
    r"(?:\w+ )?(?:fine|ok|okay|alright|better|good|normal|great)|(?:fine|ok|okay|better|alright|normal) "
    r"(?:now|again|after|afterwards|within|in a (?:minute|few|couple))|passed (?:quickly|after|within|in a|again)|"
    r"went away|settled (?:down|quickly|after)|came back (?:after|within|quickly|straight away|right away))\b)"
)

# ----------------------------------------------------------------------------------------------
# CRISIS: suicide and self-harm (988)
# ----------------------------------------------------------------------------------------------
_CRISIS_PATTERNS = [
    # said outright, in any spelling
    r"\bsuicid\w*",
    r"\bs ?u? ?[i1] ?c ?[i1] ?d ?e\b|\bsewerslide\b",
    r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning|hang|hanging|"
    r"poison|poisoning|off|offing|shoot|end|ending|drown) (?:my ?self|myself|me self|himself|herself|themselves|"
    r"themself)\b",
    r"\bkms\b|\bctb\b",
    r"\bun ?aliv\w*",
    r"\b(?:end|ending|ended) (?:it all|my life|things|everything|my own life|it)\b(?! (?:with|after|early|at|"
    r"for the day|on))",
    r"\btake my (?:own )?life\b",
    r"\b(?:thought|thoughts|thinking|considered|considering) (?:about |of )?(?:taking my (?:own )?life|suicide|"
    r"killing myself|dying|ending my life)\b",
    r"\b(?:want|wanted|wish|wished|going|ready|planning|plan|longing|praying|hoping|hope) (?:to )?"
    r"(?:die|be dead|not wake up|disappear forever)\b",
    r"\bpassive si\b|\bactive si\b|\bsi (?:thoughts|again)\b|\bhaving si\b",
    r"\b(?:end|ending|ended|take|taking|took) (?:their|his|her|our) (?:own )?lives?\b",
    r"\b(?:medical assistance in dying|assisted (?:dying|death)|euthanasia)\b|\b(?:apply\w*|applied|qualify\w*|"
    r"eligible|consider\w*|looking into|thinking about|asked about|asking about|discuss\w*) (?:\w+ ){0,2}maid\b",
    # wishing to die, not to wake up, to disappear: the passive wishes of long pain
    r"\b(?:wish\w*|long\w*|crav\w*|pray\w*|yearn\w*|hop\w*|beg\w*|want\w*|welcom\w*|dream\w*|embrac\w*|seek\w*) "
    r"(?:\w+ ){0,3}?oblivion\b|\boblivion\b.{0,60}\b(?:never|forever|no more|end|stop|peace)\b",
    r"\b(?:long|longing|wish\w*) (?:for|to) (?:death|die|not exist|disappear|sleep forever)\b",
    r"\bwish(?:ed)? (?:that )?i (?:was|were|could be|would be) (?:dead|gone|never born)\b|"
    r"\bwish(?:ed)? i (?:could|would) (?:just )?(?:die|disappear|stop existing|not exist|vanish)\b",
    r"\bwish(?:ed)? (?:that )?i (?:had )?(?:never (?:been born|woken up|woke up|existed)|didnt exist|did not exist)\b",
    r"\b(?:wouldnt|would not|wont|will not) (?:mind|care) if i (?:died|didnt wake up|did not wake up|was gone|"
    r"were gone|was dead|never woke up)\b",
    r"\bif i (?:just )?(?:died|disappeared|wasnt here|was gone)\b.{0,30}\b(?:nobody|no one|better|easier|relief)\b",
    r"\b(?:never|not) wak(?:e|ing) up\b(?! (?:sore|stiff|achy|in pain|with|early|late|tired|too|at|feeling|during|"
    r"in the night|at night))",
    r"\b(?:hope|hoping|pray|praying|wish|wishing) (?:that )?(?:i |id )?(?:dont|do not|wont|will not|never|would not|"
    r"wouldnt) "
    r"(?:wake|waking) up\b(?! (?:sore|stiff|achy|in pain|with|early|late|tired|too|at|feeling|during|in the night|"
    r"at night))",
    r"\b(?:rather|better) (?:be )?dead\b(?! than (?!live|living|keep|go on|suffer|feel|spend|be in pain))|"
    r"\b(?:id|i would) rather (?:die|not (?:exist|be alive|be here|wake up))\b(?! than (?!live|living|keep|go on|"
    r"suffer|feel|spend|be in pain))",
    r"\b(?:want|wanted|need|needed|wish|wished|just want) (?:it all|everything|all of it|all this|this all|life|"
    r"my life) (?:all )?to (?:end|be over|stop)\b(?! (?:soon|quickly|so i can|and|hurting|aching|being))",
    r"\b(?:want|wanted|wish|wished|long|longing|hope|hoping|pray|praying) (?:to|i could|i would|id) (?:just )?"
    r"(?:go to sleep|fall asleep|sleep) (?:and )?(?:forever|for good|and never|never to|and not)\b",
    r"\beternal sleep\b|\bpermanent (?:sleep|solution|escape|way out)\b",
    r"\b(?:dont|do not|no longer) want to (?:exist|be alive|be around|be on this earth|be in this world)\b|"
    r"\b(?:stop|cease|ceased) (?:to )?exist(?:ing)?\b",
    r"\b(?:want|wanted|wish|wished) (?:i could |to )(?:just )?(?:disappear|vanish|fade away|cease)\b(?! for a)",
    r"\b(?:hope|hoping|pray\w*|wish\w*|want|dream\w*) (?:\w+ ){0,3}?(?:die|pass away|pass) in my sleep\b|"
    r"\b(?:hope|hoping|pray\w*|wish\w*) (?:that )?(?:i )?(?:die|pass away|go) (?:soon|today|tonight|already)\b",
    r"\b(?:hit|run over) by a (?:bus|car|truck|train)\b.{0,40}\b(?:wouldnt mind|relief|hope|wish|welcome|fine with)\b",
    r"\b(?:wouldnt|would not|dont|do not) (?:mind|care) (?:if i|about) (?:dying|died|didnt wake|getting hit|"
    r"being dead|not waking)\b",
    r"\b(?:death|dying|being dead|not being here|not existing|suicide|ending it|killing myself) (?:would be|will be|"
    r"might be|sounds|seems|seemed|feels|felt|is looking|looks|looked|(?<!death )(?<!dying )(?:was|became)) "
    r"(?:like )?(?:a |the |my )?(?:relief|release|mercy|blessing|escape|easier|better|kinder|peaceful|welcome|only way|"
    r"answer|(?:best|only|last|easiest|one) (?:option|choice|way out|solution|answer|escape))\b|\bwelcome death\b|\bpray\w* for death\b",
    r"\b(?:god|lord|universe|jesus) (?:please |would |will |to |just )?(?:take me|takes me|let me die|end it|"
    r"end this)\b|\b(?:just )?let me die\b",
    r"\bend (?:my|the|this|all (?:of )?(?:my|this|the)) (?:suffering|pain for good|pain forever|pain permanently|"
    r"pain once and for all)\b",
    r"\b(?:pain|suffering|it all|everything|it|this) to (?:end|stop) (?:\w+ )?(?:permanently|forever|for good|"
    r"for ever)\b",
    r"\b(?:imagin\w*|fantasi[sz]\w*|dream\w* (?:about|of)|picture|picturing|"
    r"romantici[sz]\w*) (?:\w+ )?(?:not being (?:here|alive|around)|"
    r"not existing|being dead|dying|my (?:own )?(?:death|funeral)|not waking up|ending it|ending my life|"
    r"killing myself)\b",
    r"\bpray\w* for (?:the end|death|it all to end|an end to (?:it|my life))\b|"
    r"\bwish (?:it|everything|this|it all|life|my life) would (?:all )?(?:end|stop|be over)\b(?! (?:soon|so i))",
    r"\b(?:want|wanna|wish|long) (?:to )?(?:rest|sleep) forever\b|\b(?:better|easier|happier) without me\b",
    r"\b(?:except|other than|but|besides|apart from) (?:dying|death|to die|being dead|ending it|suicide|"
    r"killing myself)\b",
    r"\bwant (?:out|to check out|to leave) (?:for good|permanently|of (?:this )?(?:life|world))\b",
    # no reason to live, can't go on, can't make it another day
    r"\bworth (?:it )?(?:to )?(?:keep )?(?:on )?(?:living|going on|being alive)\b",
    r"\b(?:dont|do not|cant|cannot) see (?:why|the point|a reason|any reason) (?:i |to )?(?:have to |should |would )?"
    r"(?:live|living|keep going|go on|being here)\b",
    r"\bwhy (?:i |should i |do i )?(?:have to |need to |should )?(?:keep )?(?:live|living|be alive|exist)\b",
    r"\bwhy (?:am i|im) still (?:alive|here|breathing)\b",
    r"\b(?:cant|can not|cannot|dont think i can|not sure i can|couldnt|could not|wont) (?:make it|last|get through|"
    r"survive|do this|do it|face|take|handle|stand|bear) (?:another|one more) (?:day|night|week|year)\b",
    r"\bready to give up\b(?! on (?:physio|ims|needl\w*|treatment|exercis\w*|this clinic|the gym|running))",
    r"\bgive up on (?:life|living|everything)\b",
    r"\bhopeless\w*\b.{0,60}\b(?:live|living|life|anymore|die|dying|end|point)\b",
    r"\b(?:thoughts|thinking|think|thought) (?:of|about) (?:death|dying|ending it|ending things|ending everything|"
    r"jumping|hanging myself|overdosing|driving (?:off|into)|stepping in front|"
    r"ending my life|not being here|killing|not existing|not waking up)\b",
    r"\bno (?:reason|will) to (?:live|go on|keep going)\b|\bnothing (?:left )?to live for\b",
    r"\b(?:lost|losing|lose|without|no longer have) (?:the |my |any )?(?:will|desire|reason|wish) to (?:live|go on|"
    r"keep going|carry on|exist)\b",
    r"\b(?:no|dont see the|dont see a|dont see any|cant see the|cant see a|cant see any|whats the|what is the) "
    r"(?:point|reason) (?:in |of |to )?(?:keep |keeping |go on )?(?:going|living|to live|going on|being alive|"
    r"life anymore|anything anymore|it all|of it all)",
    r"\b(?:dont|do not|didnt|did not|no longer) want to (?:keep )?(?:be here|live|living|going on|be alive|exist|"
    r"wake up|go on)\b(?! (?:for|at|on|until|when|if|too|longer than|more than|all day|early|late|in|with the)\b)",
    r"\b(?:done with|tired of|sick of|exhausted by|so tired of) (?:life|living|being alive|everything|existing|"
    r"waking up)\b",
    r"\bnot worth living\b|\blife (?:isnt|is not|aint) worth\b",
    r"\b(?:hate|hating) (?:being alive|existing|that im alive|waking up every day)\b|"
    r"\b(?:hate|hating) living\b(?! with\b| alone\b| in "
    r"(?:a|an|the|my|this|that) (?!pain|body|hell|misery|state|way|world|agony|constant)| here\b| near\b| so far\b)|"
    r"\bhad enough of (?:living|life|being alive|this life|existing)\b",
    r"\bcant go on\b|\bcant do (?:this|it) anymore\b|\bcant take it anymore\b|\bi cant anymore\b",
    r"\b(?:only|easy|easiest|one|last) way out\b|\bno way out (?:but|except|other than)\b",
    r"\b(?:cant|cannot|couldnt|dont want to|do not want to|dont think i can|not sure i can|"
    r"dont know if i can) (?:keep |carry on |continue |go on )?(?:living|live) "
    r"(?:like this|with this|in this|this way|with (?:the|this|my) pain|in (?:this|such|so much) pain|much longer)\b",
    r"\b(?:dont|do not) know how (?:much )?(?:longer|more) i can (?:go on|keep going|take (?:this|it)|do this|"
    r"live (?:like this|with this)|last|hold on)\b",
    r"\b(?:im|i am) not (?:going to|gonna) make it (?:through|much longer|to)\b",
    r"\bin (?:a )?(?:really |very |such a )?dark (?:place|headspace)\b|\bdark thoughts\b|\bput (?:me )?out of (?:my|"
    r"this) misery\b",
    r"\bwhy (?:bother|even bother|keep|should i keep|do i keep|would i keep) (?:\w+ )?(?:living|going on|waking up|"
    r"being alive|existing)\b",
    # a burden: everyone would be better off
    r"\b(?:better off|easier|better|simpler) (?:for (?:everyone|everybody|them|my family) )?if i (?:was |were |am |"
    r"wasnt |werent |just )?"
    r"(?:gone|dead|not here|not around|here|around|died|didnt wake up|did not wake up|never woke up)\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\b(?:everyone|everybody|my family|my kids|my wife|my husband|they|people)(?: would|d)? be (?:better off|"
    r"happier|fine|relieved) (?:without me|if i (?:was|were|wasnt|werent) (?:gone|here|around|dead))\b",
    r"\b(?:nobody|no one|noone) (?:would|will|is going to|is gonna) (?:even )?(?:miss|notice|care) (?:me|if i)\b",
    # planning, means, goodbyes
    r"\b(?:plan|planning|going|want) to (?:overdose|od)\b|\bod on\b",
    r"\b(?:have|made|making|got|came up with|worked out) (?:a |the )?plan (?:to|for|on how to|of how to) "
    r"(?:end|die|kill|do it|go|overdose|not be)\b",
    r"\b(?:picked|chosen|chose|set) (?:a |the )(?:date|day|time|method|spot|place) (?:to|for|when)\b",
    r"\bpills? (?:are |all )?(?:lined up|saved up|stockpiled|counted out)\b",
    r"\b(?:pills|meds|tablets|rope|gun|note|letters?)\b (?:\w+ )?(?:are |is )?(?:ready|set out|lined up|laid out|"
    r"in front of me)\b",
    r"\b(?:stockpil\w*|hoard\w*|sav\w* up|collect\w*|stash\w*) (?:\w+ ){0,3}(?:pills|meds|tablets|painkillers|"
    r"opioids|sleeping pills)\b",
    r"\b(?:how many|enough) (?:of )?(?:my |the |these |those )?(?:pills|tablets|painkillers|sleeping pills|"
    r"meds)\b.{0,40}\b(?:to die|would it take|does it take|"
    r"to end|would kill|lethal|to not wake|it would take|it takes|would be enough)\b|\blethal dose\b",
    r"\b(?:researching|looked up|looking up|googled|googling|searched) (?:\w+ ){0,3}(?:ways to die|how to die|"
    r"how to end|how to kill|painless ways|lethal)\b",
    r"\b(?:took|taken|swallowed|take|taking) (?:a |the |all )?(?:whole |entire |all my |all the |all of my )?"
    r"(?:bottle|handful|pack|box|bunch)\b.{0,10}\b(?:pills|tablets|meds|medication)",
    r"\b(?:swallow\w*|take|taking|took|taken) (?:all|too many|every one|the whole (?:bottle|box|"
    r"pack)) (?:of )?(?:my |the |these |those )?"
    r"(?:pills|meds|tablets|medication|sleeping pills|painkillers|oxy\w*|opioids|morphine|fentanyl|tramadol|codeine|"
    r"percocets?|hydromorph\w*|dilaudid|gabapentin|lyrica|pregabalin|insulin)\b",
    r"\b(?:take|taking|took|swallow\w*) (?:all )?(?:my |the )?\w+ (?:at once|in one go|all together|all at once)\b",
    r"\b(?:jump|jumping) (?:off|in front)\b",
    r"\b(?:driv\w*|crash\w*|steer\w*) (?:my |the )?(?:car |truck )?(?:into|off) (?:a|the) (?:wall|tree|bridge|cliff|"
    r"road|truck|river|oncoming)\b|\bcrash\w* (?:my|the) car on purpose\b",
    r"\b(?:giving|gave|give|started giving) (?:all )?(?:my )?(?:things|stuff|belongings|possessions) away\b|"
    r"\b(?:giving|gave|give) away (?:all )?(?:my )?(?:things|stuff|belongings|possessions)\b|\bnoose\b|"
    r"\b(?:bought|got|have) (?:a )?rope\b.{0,40}\b(?:hang|end|neck|tonight|ready)\b",
    r"\b(?:goodbye|suicide) (?:note|letter)s?\b|\bthis is (?:my )?goodbye\b|\b(?:final|last) goodbye\b",
    r"\bsaying goodbye to (?:everyone|everybody|all|you all)\b",
    r"\b(?:wont|will not|not going to) be (?:around|here|alive) (?:much )?(?:longer|anymore|tomorrow|by (?:tomorrow|"
    r"morning|the weekend))\b",
    r"\b(?:texted|messaged|sent|called|rang|wrote|said) (?:me |us |everyone |my \w+ )?(?:a )?(?:goodbye|bye forever|"
    r"final message|last message)\b",
    r"\b(?:wrote|writing|written|left) (?:a |my )?(?:note|letter|letters)s? (?:to|for) (?:my|everyone|everybody|"
    r"the kids|my family)\b.{0,60}\b(?:goodbye|sorry|end|gone|last|not be|wont be|after i)\b",
    r"\bin case (?:im not|i am not|i wont be|i will not be) (?:here|around|alive)\b|\bin case i (?:dont|"
    r"do not) (?:make it|wake up)\b(?! (?:to|in|on time|back|early))",
    r"\b(?:scared|afraid|frightened|terrified) of what i (?:might|could|will|would|am going to) do\b|"
    r"\b(?:dont|do not|cant) trust myself (?:tonight|right now|alone|anymore|around|with)\b",
    r"\bif (?:it )?(?:wasnt|werent|was not|were not|not) for (?:my|the) \w+\b.{0,30}\b(?:id|i would|i wouldnt|"
    r"i would not) "
    r"(?:\w+ ){0,2}?(?:be (?:gone|dead|here|around|alive)|have (?:ended|killed|done) (?:it|myself|things))\b",
    # self-harm in its own words and shorthand
    r"\bself[ -]?harm\w*",
    r"\b(?:cut|cutting|slit|slitting|slash\w*) (?:my |his |her )?wrists?\b|\bcutting (?:again|myself|my (?:arms?|"
    r"thighs?|legs?|skin))\b",
    r"\b(?:relapsed?|relapsing|doing|did|urges? to|urge for|clean from|months? clean|days? clean|weeks? clean|"
    r"back to|resist(?:ing)? the urge to) (?:on |from |of )?(?:sh|cutting|harming|hurting myself)\b",
    r"\b(?:carv\w*|starv\w*) (?:into )?(?:myself|my ?self|my skin|my arms?)\b|"
    r"\b(?:hit\w*|punch\w*|bang\w*) (?:myself|my head) (?:until|till|against the wall|on purpose|to feel)\b|"
    r"\bpunish\w* myself (?:by|with) (?:cutting|burning|hurting|not eating|starving)\b",
]

# ----------------------------------------------------------------------------------------------
# HAPPENING: a symptom or event told by whoever it happens to (911)
# ----------------------------------------------------------------------------------------------
_HAPPENING_PATTERNS = [
    # breathing
    rf"\b{_UNABLE}\s+(?:\w+\s+){{0,3}}{_BREATHE}\b(?! through)",
    r"\b(?:every|each|deep) breath\b.{0,15}\b(?:hurts?|painful|stabs?|sharp)",
    r"\b(?:aches?|aching|hurts?|hurting|pain\w*|stings?|stabs?|stabbing|sharp|sore|catch\w*) (?:\w+ ){0,2}?(?:with|"
    r"on|at) (?:every|each|any|a deep|deep|the end of a) breath",
    r"\blungs? (?:\w+ ){0,2}?(?:wasnt|isnt|not|arent|werent|wont|wouldnt|doesnt|dont|didnt) (?:\w+ )?(?:fill\w*|"
    r"expand\w*|inflat\w*|working)|"
    r"\b(?:cant|couldnt|unable to|cannot|could not) (?:fully |properly )?(?:fill|expand|inflate) (?:my|her|his|"
    r"their) (?:lungs?|chest)\b",
    r"\b(?:hurts?|hurting|pain\w*|stab\w*|sharp|catch\w*|sting\w*) (?:\w+ ){0,4}?(?:when|whenever|every time|"
    r"each time) (?:i|she|he|they|you) (?:try to |take a )?(?:deep |big |full )?(?:breath\w*|inhale\w*)",
    r"\b(?:when|whenever|every time|each time) (?:i|she|he|they) (?:try to |take a )?(?:deep |big |"
    r"full )?(?:breath\w*|inhale\w*)\b"
    r"(?: \w+){0,4}? (?:it |theres |there is |i get )?(?:a )?(?:hurts?|stabs?|sharp|pain\w*|catch\w*|stabbing)\b",
    r"\bbreathing\b.{0,12}\b(?:is|feels|felt|getting|got|gets|has been|was|became|grew|started|starts|began)\b.{0,12}"
    r"\b(?:painful|short|hard|harder|difficult|shallow|laboured|labored|tight|rapid|weird|funny|strange|sore|ragged|"
    r"noisy|wheezy)",
    r"\bshort(?:ness)? (?:of|o) breath",
    r"\b(?:having|have|had|is having|in the middle of|bad|severe) (?:an |a )?asthma attack\b|\b(?:inhaler|puffer|"
    r"ventolin)\b.{0,20}\b(?:isnt|not|doesnt|wont|didnt|is not|does not) (?:working|helping)",
    r"\b(?:isnt|is not|not|stopped|has stopped|stops|wasnt|was not) breathing\b(?! (?:exercises?|techniques?|"
    r"properly when|right when i))",
    r"\b(?:heart ?beat|respiration|breathing|pulse)(?: and (?:heart ?beat|respiration|breathing|pulse))? (?:had |has |"
    r"have |then |suddenly |just )?(?:stopped|ceased)\b(?! \w+ing\b)"
    r"(?! after (?:a|an|one|two|three|a few|few|the first|\d+) (?:days?|weeks?)\b)",
    r"\b(?<!can )(?<!could )(?<!might )(?<!may )(?<!would )(?<!will )(?:punctured|collapsed|popped|pierced|hit|nicked) "
    r"(?:my|a) lung",  # "the needle can hit a lung" is a risk, not an event
    r"\bsob\b(?! story)",
    r"\bgasping\b",
    r"\bwheez\w*.{0,30}\b(?:cant|hard|trouble|lips|blue)",
    r"\b(?:lungs?|breathing) (?:feels? |felt |is |are |was |were )?(?:like (?:they were |it was )?)?"
    r"(?:tight|closing|collapsed|collapsing|punctured|on fire|burning)",
    r"\b(?:think|feels? like|felt like|might have|may have|i have|ive got|got) (?:a |my )?(?:punctured|"
    r"collapsed) lung",
    r"\bsuffocat\w*|\blike (?:i|she|he) (?:was|were|am|is) (?:drowning|being strangled|breathing through a straw)|"
    r"\bbreathing through a straw\b",
    r"\b(?:cant|couldnt|could not|cannot|unable to) (?:lie|lay|sleep) (?:flat|down|"
    r"on my back)\b.{0,40}\b(?:breath\w*|chest|air|lungs?)",
    r"\b(?:short|shortness) of breath\w*|\bbreathless\w*|\bgasp\w* for (?:air|breath)",
    r"\b(?:respiratory|breathing) (?:difficult\w*|distress)\b",
    r"\b(?:stop|stopping|stopped|pause|pausing|had to stop) (?:\w+ )?to (?:breathe|catch (?:my|her|his) breath|"
    r"get (?:my |her |his )?breath)\b",
    r"\b(?:getting|got|gets|get|am|im|was|feel|felt|leaves me|left me|leaving me) (?:so |really |very |"
    r"completely )?winded\b",
    r"\b(?:puffing|panting|out of puff|huffing and puffing)\b.{0,40}\b(?:walk\w*|stairs|talk\w*|just|sitting|lying|"
    r"resting|nothing)\b|"
    r"\b(?:walk\w*|stairs|talk\w*|sitting|lying|resting)\b.{0,30}\b(?:puffing|panting|out of puff)\b",
    r"\bbreathing (?:really |very |so )?(?:fast|rapid\w*|quick\w*|heav\w*|hard)\b.{0,40}\b(?:sweat\w*|chest|pale|"
    r"grey|gray|dizzy|faint|clammy)|"
    r"\b(?:sweat\w*|clammy|pale|grey|gray)\b.{0,40}\bbreathing (?:really |very |so )?(?:fast|rapid\w*|quick\w*|"
    r"heav\w*|hard)\b",
    r"\bbreath\w* (?:is |are |feels? |has been |getting |was |became )?(?:so |very |really )?(?:shallow|laboured|"
    r"labored|rattly)\b",
    # chest / heart ("chest muscle", "chest press" and "chest day" are the gym)
    r"\bchest (?:pain|pian|pains|hurts?|hurting|hurt|ache|aches|aching|is tight|feels tight|felt tight|tightness|"
    r"tight|pressure|heavy|heaviness|is heavy|feels heavy|felt heavy|squeez\w*|crush\w*|burning|discomfort)\b",
    r"\bchest (?!muscles?\b|wall muscles?|press|day\b|workout|exercises?|stretch)(?:\w+ ){0,3}"
    r"(?:feels?|felt|is|was|got|getting|went|became|started|kept) (?:\w+ ){0,2}?"
    r"(?:tight|tighter|heavy|crushed|squeezed|painful|constricted|sore and tight|like (?:a|an|someone|something|"
    r"it was))",
    r"\b(?:pain|pressure|tightness|squeezing|heaviness) in (?:my |the |his |her )?chest",
    r"\b(?:pain|pressure|tightness|squeezing|heaviness|discomfort)\b(?:\s+\w+){0,3},?\s+in (?:my |the |his |"
    r"her )?chest\b",
    r"\b(?:weird|odd|strange|funny|horrible|awful|scary|burning|stabbing|pinching|tearing|"
    r"ripping) (?:\w+ )?(?:feeling|sensation|pain|ache)s? "
    r"(?:\w+ ){0,2}?(?:in|across|inside|through|under|behind) (?:my |the |his |her )?(?:chest|lungs?|ribs? cage|"
    r"breast ?bone|sternum)\b",
    r"\b(?:crushing|stabbing|sharp|sudden|severe) (?:pain )?(?:in )?(?:my |the )?chest",
    r"\bchest\b.{0,20}\b(?:crushing|crushed|caving)\b",
    r"\b(?:sitting|standing|elephant|weight|pressing|pushing|crushing|squeezing) on (?:my|his|her|their|the) chest\b",
    r"\b(?:sharp|stabbing|severe|sudden|intense|excruciating|tearing) (?:\w+ ){0,2}pain\b.{0,30}\b(?:chest|lungs?|"
    r"breath\w*)\b",
    r"\b(?:having|have|is having|think\b.{0,25}|might be having|could be having) (?:a )?heart attack",
    r"\bheart attack (?:now|right now|symptoms|signs)",
    r"\bheart\b.{0,20}\b(?:racing|pounding|beating (?:really |so |very )?fast|going crazy|skipping|"
    r"fluttering)\b(?:(?!\b(?:pray\w*|hop(?:e|ed|ing)|didnt|wouldnt|(?:afraid|scared|worried|nervous) (?:of|about|that))\b).){0,60}"
    r"\b(?:chest|faint|breath\w*|lightheaded|light headed|pass(?:ed)? out|sweat\w*|collapsed)",
    r"\bleft arm\b.{0,60}\b(?:jaw|sweat\w*|nause\w*|felt sick|feel sick|clammy|heart)\b|\b(?:jaw|sweat\w*|nause\w*|"
    r"clammy)\b.{0,60}\bleft arm\b|\bheart\b.{0,60}\bleft arm\b.{0,30}\b(?:numb\w*|pain\w*|hurt\w*|ach\w*|tingl\w*|"
    r"weak\w*|heavy|dead)\b",
    r"\bpalpitat\w*\b.{0,60}\b(?:chest|faint|breath\w*|lightheaded|light headed|pass(?:ed)? out|collapsed)",
    # a needle at the breastbone that still hurts: under the sternum sits the heart
    r"\b(?:needled|needle went|needles went|needle was|needles were|needle in|needles in|needling|"
    r"put (?:a |the |some )?needles? (?:in|into|near|on|along|through)|had (?:a )?needles?|got needled)\b.{0,80}"
    r"\b(?:sternum|breast ?bone|sternal|chest ?bone|breast ?plate)\b.{0,80}\b(?:sore|pain\w*|hurt\w*|aching|ache|"
    r"tender|pressure|tight)\b" + _PASSED,
    r"\b(?:sternum|breast ?bone|chest ?bone|breast ?plate)\b.{0,60}\b(?:sore|pain\w*|hurt\w*|aching|ache|"
    r"tender)\b.{0,60}\b(?:since|after|following)\b.{0,30}\b(?:needl\w*|ims|acupunct\w*|session|treatment)" + _PASSED,
    # bleeding
    r"\b(?:bleeding|bleed|blood)\b.{0,40}\b(?:wont|will not|doesnt|does not|isnt|not|cant|cannot|"
    r"wouldnt|never|hasnt|has not|havent|didnt|did not|still hasnt) (?:stop|stopping|slow|stopped|slowed|eased|"
    r"let up)",
    r"\b(?:cant|cannot|unable to) stop (?:the |it |from )?(?:bleeding|blood)",
    r"\b(?:wont|will not|doesnt|does not|isnt|is not|not|didnt) stop(?:ping)? bleeding",
    r"\b(?:heavy|heavily|lots of|a lot of|profuse\w*|gushing|pouring|spurting|soaked in|"
    r"soaking|tons of) (?:\w+ )?(?:blood|bleeding)",
    r"\bblood (?:everywhere|all over|is pouring|keeps)\b",
    r"\b(?:bleeding|blood)\b.{0,40}\bkeeps? (?:coming|going|pouring|flowing|running|dripping)",
    r"\bbleeding (?:heavily|a lot|badly|everywhere|like crazy|so much|nonstop|non stop)",
    # fainting / collapse (a faint that has passed is a side effect, a faint on the table is not)
    r"\b(?<!once )(?:fainted|passed out|blacked out|lost consciousness|unconscious(?:ness)?|"
    r"collapsed(?! lung)|"
    r"unresponsive|"
    r"keeled over|went unconscious)\b(?!.{0,40}\b(?:once|before|as a kid|years? ago|in the past|at the sight|"
    r"sight of|blood test|blood draw|shots?|vaccines?|dentist|(?:saw|see|got|read|looked at) (?:the |my )?(?:bill|"
    r"price|cost|invoice|receipt|total|quote))\b)" + _PASSED,
    r"\b(?:(?:feel|feeling|felt|about to|going to|gonna|might|think im going to|like i could) "
    r"(?:really |very |so |a bit |a little |quite |kind of |kinda |super )?(?:faint|pass out|black out))\b"
    r"(?!.{0,30}\b(?:at the sight|sight of|when i (?:see|saw|looked at|got|read) (?:the |my )?(?:bill|price|cost|"
    r"invoice|receipt|total|quote|needles?|blood)|when i see|around needles|with needles|from needles|if i see|"
    r"look\w* at (?:the )?needles?|seeing (?:the )?needles?|blood)\b)" + _PASSED,
    r"\b(?:keep|kept|keeps|been|started|start) (?:on )?(?:fainting|passing out|blacking out)\b",
    r"\b(?:wont|will not|cant|doesnt) wake (?:up)?",
    r"\b(?:came|come) (?:to|round|around) (?:on|lying|and|in)\b.{0,30}\b(?:floor|table|ground|chair|couch|bed)\b|"
    r"\b(?:woke|came to) (?:up )?(?:on|lying on) the (?:floor|ground)",
    r"\bslumped (?:over|down|forward|sideways|in (?:the|his|her|a) \w+|on (?:the|his|her) \w+|against|to the floor)\b",
    r"\b(?:he|she|hes|shes|they|theyre|him|her)\b (?:\w+ ){0,2}?(?:isnt|is not|not|wasnt|was not|stopped|wont|"
    r"will not|cant|cannot) "
    r"(?:answering|responding|responsive|reacting)\b(?! (?:to )?(?:my|the|our|your|any) (?:\w+ )?(?:emails?|calls?|"
    r"texts?|messages?|phone|treatment|physio|therapy|exercises?|medication|meds|needling|ims)\b)",
    r"\beverything went (?:black|dark|grey|gray|white)\b|\b(?:vision|eyes|world) (?:went|going|turned|"
    r"faded to) (?:black|dark|grey|gray)\b",
    # blue lips / colour
    r"\b(?:lips?|face|fingers?|fingernails?|skin|mouth)\b.{0,20}\b(?:blue\w*|bluish|purple|grey|gray)\b",
    r"\bturning (?:blue|bluish|purple)\b",
    # stroke signs
    r"\b(?:face|mouth|smile|lip)\b.{0,15}\b(?:droop\w*|crooked|lopsided|sagging)",
    r"\bslurr\w*",
    r"\b(?:speech|talking|words|voice) (?:sounds?|is|are|seems?|was|were|went|got) (?:\w+ )?(?:off|weird|strange|"
    r"garbled|jumbled|funny|wrong|slurred|muddled)\b",
    r"\bconfused\b.{0,60}\b(?:drowsy|sleepy|speech|slurr\w*|not making sense|weak|pale|cant stay awake)\b|"
    r"\b(?:drowsy|sleepy|cant stay awake)\b.{0,60}\bconfused\b",
    r"\b(?:cant|cannot|trouble|unable to) (?:speak|talk|get words out|form words)\b(?! (?:to|with) (?:a|someone|"
    r"anyone|the))",
    r"\b(?:one|left|right) side of (?:my |his |her |the )?(?:body|face)\b.{0,20}\b(?:numb|weak|paraly\w*|limp|dead|"
    r"droop\w*)",
    r"\b(?:arm|leg|side) (?:is |went |gone |feels |suddenly )*(?:numb|weak|limp|paraly\w*) (?:and|on one side|"
    r"suddenly)",
    r"\b(?:having|have|is having|think\b.{0,25}|might be having|signs of|symptoms of|could be) (?:a )?stroke\b",
    r"\b(?:weak|numb|paraly\w*|limp)\b.{0,25}\b(?:one side|left side|right side)\b",
    r"\b(?:one side|left side|right side)\b.{0,25}\b(?:weak|numb|paraly\w*|limp|droop\w*)",
    # sudden severe headache / vision loss
    r"\b(?:worst|thunderclap|explosive) headache\b",
    r"\bheadache\b.{0,80}\b(?:vomit\w*|threw up|throwing up|stiff neck|neck (?:is |went )?stiff|light hurts|"
    r"hurts? my eyes|sensitive to light|"
    r"photophob\w*|confus\w*)|\b(?:vomit\w*|threw up|throwing up|stiff neck)\b.{0,80}\bheadache\b",
    rf"\b(?:crushing|splitting|blinding|excruciating|severe|pounding) headache\b.{{0,40}}\b(?:since|after|"
    rf"following)\b.{{0,30}}\b{_NEEDLING}",
    r"\bsudden\w*\b.{0,40}\b(?:cant see|blind|lost (?:my )?vision|vision loss|double vision|headache)",
    # choking, allergy, seizure
    r"\bchok(?:ing|es)\b",
    r"\b(?:throat|tongue|lips?)\b.{0,25}\b(?:swell\w*|swollen|closing|tight|puff\w*|thick)\b|\b(?:face|eyelids?|"
    r"eyes)\b.{0,15}\b(?:swell\w*|swollen|closing|puffed up)",
    r"\b(?:hard|cant|cannot|trouble|difficulty|unable) (?:to )?swallow",
    r"\bhives\b.{0,40}\b(?:throat|breath\w*|lips?|tongue|swell\w*)",
    r"\bsevere allergic\b|\ballergic reaction\b(?!.{0,30}\b(?:before|history|ever|risk|to latex\?)\b)",
    r"\b(?:used|had to use|needed|gave (?:him|her|me)|jabbed) (?:my |his |her |an |the |him |her )?epi ?pen",
    r"\b(?:seizure|seizing(?! up,? (?:like|as though|as if)\b)|convuls\w*|having a fit)\b(?!.{0,30}\b(?:history|epilep\w* (?:and|so)|before|years ago|"
    r"disorder)\b)",
    # calls for help
    r"\b(?:call|need|called|calling|phoned|rang|dialled|dialed) (?:an |the )?(?:ambulance|911|9 1 1|999|112|"
    r"paramedics|emergency services)\b",
    r"\bemergency\b(?!.{0,20}\b(?:contact|number|appointments?|hours|services?)\b)"
    r"(?!.{0,30}\b(?:years? ago|last year|as a kid|in the past)\b)" + _PASSED,
    r"\boverdos\w*",
    # symptoms told as a story ("had my back needled yesterday, now the pain is spreading into my
    # chest and my breathing sounds weird"): the pieces a short message would not have
    r"\b(?:pain|ache|aching|tightness|pressure|burning|stabbing)\b.{0,40}\b(?:spread\w*|radiat\w*|mov\w*|"
    r"travel\w*|shoot\w*|extend\w*|going|went|goes|creep\w*|reach\w*|wrap\w*|com\w*|now)\b.{0,25}\b(?:into|to|in|"
    r"through|across|around|up to) "
    r"(?:(?:the )?(?:front|middle|centre|center|side|left side|right side) of )?(?:my |the |his |her |"
    r"their )?(?:chest|ribs? cage|heart|jaw and arm)\b",
    r"\b(?:back|shoulder|neck|ribs?|side)\b(?:\w|\s|,){0,20}\band (?:my |the )?chest\b.{0,30}\b(?:hurt\w*|pain\w*|"
    r"ache\w*|tight\w*|sore)",
    r"\bfrom (?:my |the |his |her )?(?:back|shoulder|neck|ribs?|side)\b.{0,20}\b(?:in)?to (?:my |the |his |"
    r"her )?chest\b",
    r"\b(?:odd|weird|strange|funny|abnormal|unusual|crackl\w*|rattl\w*|whistl\w*|gurgl\w*|wheezy|bubbl\w*|clicking|"
    r"popping)\b.{0,25}"
    r"\b(?:sounds?|noises?)?\b.{0,20}\b(?:when|while|as|every time) (?:i |she |he |they )?(?:breath\w*|inhal\w*|"
    r"exhal\w*)",
    r"\b(?:breath|breathing|lungs?|chest)\b.{0,20}\b(?:sounds?|sounding|makes? a) (?:odd|weird|strange|funny|wet|"
    r"crackly|raspy|rattly|wheezy)",
    r"\bcough\w*\b.{0,40}\b(?:blood|pink|since (?:the|my) (?:needl\w*|ims|session|treatment|appointment)|"
    r"(?:after|since) (?:the |my )?(?:needl\w*|ims|dry needling|acupuncture|session|treatment))",
    r"\b(?:needl\w*|ims|acupuncture|session|treatment)\b.{0,80}\b(?:started|now|keep|keeps|kept|been|began|begun|"
    r"cant stop|and|with)\b.{0,20}\bcough\w*\b(?!.{0,20}\b(?:help|treat)\b)",
    r"\bcough\w* up\b",
    # a swelling that keeps growing, goes tight and shiny, or cold and purple: a bleed or a squeezed vessel
    r"\btight and shiny\b|\bshiny and tight\b",
    r"\b(?:swollen|swelling)\b.{0,40}\b(?:purple|blue|black|white|ice cold|cold)\b|"
    r"\b(?:fingers|toes|hand|foot)\b (?:are |is )?(?:going|gone|turning|turned) (?:cold|white|blue|purple|black)\b",
    r"\b(?:swelling|swollen|swell\w*|lump|bump|ha?ematoma)\b.{0,40}\b(?:keeps?|kept|continu\w*|getting|got|spreading|"
    r"spread)\b.{0,15}\b(?:bigger|worse|to swell|swelling|up|larger|growing)",
    r"\b(?:more and more|bigger and more|bigger and|getting more|keeps? getting more) swollen\b",
    r"\b(?:continu\w*|kept|keeps) (?:to )?swell\w*",
    # infection at a needle site: fever tied to the treatment, pus, red streaks, spreading redness
    r"\b(?:swollen|swelling|red|hot|lump|bump)\b.{0,60}\b" + _FEVER + r"\b|"
    r"\b" + _FEVER + r"\b.{0,60}\b(?:swollen|swelling|lump)\b",
    r"\b(?:swollen|swelling|burning hot|hot to (?:the )?touch|warm to (?:the )?touch|red and hot|hot and red|hot red|"
    r"pus)\b.{0,60}\b(?:shiver\w*|shaking|the flu|flu ?like|temperature|sweats)\b",
    r"\b(?:red (?:streaks?|lines?)|hot and red)\b.{0,60}\b(?:needl\w*|puncture|ims|injection|spot|site)",
    rf"\b{_FEVER}\b.{{0,40}}\b(?:since|after|following|from|at|around|near)\b"
    rf".{{0,30}}\b(?:{_NEEDLING}|site|spot|puncture)",
    r"\b(?:needl\w*|ims|acupunctur\w*|puncture|injection spot|site|spot|session|treatment)\b(?!.{0,50}\bif (?:i|you|"
    r"someone|they)\b).{0,80}?\b(?:red (?:streaks?|lines?)|pus|puss|" + _FEVER + r")\b",
    r"\b(?:pus|puss|oozing|oozes|ooze|discharge|weeping)\b.{0,40}\b(?:needle|needled|needling|site|spots?|puncture|"
    r"holes?|area|where (?:the|they|she|he|my))",
    r"\b(?:needle|needled|needling|site|spots?|puncture|holes?|wound|bump|lump)\b.{0,40}\b(?:pus|puss|oozing|oozes|"
    r"discharge)\b",
    r"\b(?:needle|needled|needling|site|spot|puncture|hole|ims|acupuncture)\b.{0,60}\b(?:is|looks|look|got|gotten|"
    r"became|has become|seems|went|getting|think its|think it is) (?:\w+ )?infected\b",
    r"\b(?:needle|needled|site|spot|puncture|skin|area)\b.{0,40}\b(?:turning black|turned black|gone black|"
    r"going black|is black and|blister\w*|necrotic|rotting|skin is dying|dead skin)\b",
    r"\bredness\b.{0,20}\b(?:spreading|spread|growing|getting bigger|bigger)|\bspreading (?:redness|red)\b",
    # nerve injury: a foot or wrist that won't lift, a limb gone weak or dead after the needling
    r"\b(?:cant|cannot|couldnt|could not|unable to|not able to|wasnt able to|struggling to|struggle to|trouble|"
    r"difficulty|hard to) "
    r"(?:\w+ ){0,2}?(?:lift|raise|pull up|point|extend|cock|move|flex) (?:up )?(?:(?:the )?(?:front|top|ball|end|"
    r"tip) of )?(?:my |his |her |the |their )?(?:left |right )?(?:foot|feet|toes?|wrists?)\b|"
    r"\b(?:cant|cannot|couldnt|could not|unable to|not able to) (?:\w+ ){0,2}?(?:lift|raise|extend|"
    r"cock) (?:up )?(?:my |his |her )?(?:left |right )?(?:hand|fingers|thumb)\b",
    r"\b(?:foot|feet|toes?)\b (?:is |was |keeps |kept |started |just )?(?:drag\w*|slap\w*|flop\w*)\b|"
    r"\bdragging (?:my|his|her) (?:foot|leg)\b|\bslaps? (?:on |against )?the (?:ground|floor)\b|"
    r"\b(?:wrist|hand|foot) (?:(?:is |was )?(?:start\w*|begin\w*|began) to (?:droop|drop)|"
    r"(?:(?!(?:in|on|at|of|to|into|the|a|an)\b)\w+ ){1,3}?(?:droop\w*|drop\w*|hanging down|"
    r"floppy)|droops|drooping|drooped|drops|"
    r"dropping|dropped)\b"
    r"(?! (?:off|by|in|at|into|for)\b)|\b(?:hand|wrist) (?:just )?(?:flops|flopped|hangs|hung|drops|dropped) (?:down|"
    r"limp)\b",
    r"\b(?:arm|leg|hand|foot|wrist|fingers?)\b(?: \w+){0,2}? (?:went|has gone|had gone|is|was|became|feels|felt|"
    r"has been|suddenly went) "
    r"(?:completely |totally |really |very |so |all |suddenly )?(?:numb and |weak and )?(?:limp|dead|floppy|"
    r"paraly\w*|useless)\b(?! tired| weight| lift)" + _PASSED,
    rf"\b(?:arms?|legs?|hands?|foot|feet|wrists?|fingers?|grip|knees?)\b(?: \w+){{0,2}}? (?:went|has gone|is|was|"
    rf"became|feels|felt|has been|got|getting|suddenly|turned|are|were|keeps|kept) "
    rf"(?:\w+ )?(?:weak|weaker|numb and weak|weak and numb|floppy|limp|useless|giving way|gave way|gave out|"
    rf"buckl\w*)\b.{{0,60}}\b(?:since|after|following)\b.{{0,30}}\b{_NEEDLING}",
    rf"\b{_NEEDLING}\b.{{0,100}}\b(?:arms?|legs?|hands?|foot|feet|wrists?|fingers?|grip|"
    rf"knees?)\b(?: \w+){{0,2}}? (?:went|has gone|is|"
    rf"was|became|feels|felt|has been|got|getting|suddenly|turned|are|were|keeps|kept) "
    r"(?:\w+ )?(?:weak|weaker|floppy|limp|useless|numb and weak|weak and numb|giving way|gave way|gave out|"
    r"buckl\w*)\b" + _PASSED,
    r"\b(?:paraly[sz]\w*|(?:cant|couldnt|cannot|could not|unable to) (?:move|feel|lift) (?:my |his |her |either |"
    r"both )?"
    r"(?:left |right )?(?:legs?|arms?|feet|hands?))\b(?=.{0,80}\b(?:since|after|following|suddenly|all of a sudden|"
    r"at all|anymore|woke up)\b)",
    rf"\b(?:since|after|following)\b.{{0,60}}\b{_NEEDLING}\b.{{0,60}}\b(?:cant|couldnt|cannot|could not|unable to) "
    r"(?:move|feel|lift|walk on) (?:my |his |her |either |both )?(?:legs?|arms?|feet|hands?)\b",
    r"\b(?:lost|losing|loss of|no|cant control|cannot control|couldnt control) (?:control (?:of|over) )?(?:my |his |"
    r"her )?"
    r"(?:bladder|bowels?)\b(?!.{0,40}\b(?:sneez\w*|cough\w*|laugh\w*|jump\w*|pregnan\w*|postpartum|birth|years?|"
    r"old age)\b)",
    # weakness or numbness of a limb told after needling ("half an hour after the session she started to feel
    # weakness and numbness in the right arm and leg", "numbness in my other three limbs")
    rf"\b(?:weakness|numbness|paralysis|loss of (?:strength|sensation|feeling|movement|power))\b(?: and (?:weakness|"
    rf"numbness|tingling|pain))? (?:in|of|down) {_LIMB}\b.{{0,80}}\b(?:since|after|following|during) (?:the |my |a |"
    rf"an |his |her |this |that |our |todays |yesterdays |last )?(?:\w+ )?{_NEEDLES}\b" + _PASSED,
    rf"\b{_NEEDLES}\b.{{0,120}}\b(?:after|since|following|then|now|later|afterwards|next (?:day|morning)|"
    rf"that (?:night|evening))\b.{{0,40}}\b(?:started|starting|began|begun|developed|developing|feel|feeling|felt|"
    rf"experienc\w*|noticed|noticing)\b (?:to (?:feel|have|get|notice|develop) )?(?:(?!(?:less|no|little|reduced|"
    rf"decreased|any|not|lower|improved)\b)\w+ ){{0,3}}?(?:weakness|"
    rf"numbness|paralysis)\b(?: and (?:weakness|numbness|tingling|pain))? (?:in|of|down) {_LIMB}\b" + _PASSED,
    r"\b(?:sudden|severe|acute|profound|progressive|new|rapid)\w* (?:\w+ ){0,2}?(?:weakness|numbness|paralysis|"
    r"loss of (?:strength|sensation|feeling|movement|power))\b",
    rf"\b(?:unable to|cant|cannot|couldnt|could not|not able to) (?:bear weight|walk|stand up|"
    rf"stand(?! (?:them|this|that|him|her|needles?|the (?:sight|thought|idea) of \w+|people)(?:[.,!?]|$| but\b| cant\b| i\b)))\b.{{0,60}}\b(?:since|after|following)\b.{{0,30}}\b{_NEEDLING}|"
    rf"\b{_NEEDLING}\b.{{0,80}}\b(?:unable to|cant|cannot|couldnt|could not|not able to) (?:bear weight|walk|"
    rf"stand up|stand(?! (?:them|this|that|him|her|needles?|the (?:sight|thought|idea) of \w+|people)(?:[.,!?]|$| but\b| cant\b| i\b)))\b" + _PASSED,  # "can't stand them" is a dislike
    r"\blegs? (?:wont|will not|wouldnt|would not|cant|can not|dont|didnt) (?:hold|support|carry) (?:me|her|him|them|"
    r"my weight|her weight|his weight)\b",
    r"\b(?:cant|cannot|couldnt|can not) feel (?:my |her |his )?(?:bum|butt|buttocks|bottom|backside|groin|genitals|"
    r"privates|saddle area)\b|\b(?:peed|wet|soiled|pooped) (?:myself|my pants|the bed)\b(?! laughing)",
    r"\bsaddle (?:numb\w*|an?a?esth\w*)|\bnumb\w* (?:in |around |of )?(?:my |the )?(?:groin|genitals|privates)",
    # a needle left in, broken or stuck
    r"\bneedle\b.{0,30}\b(?:is|was|got|has|had) (?:broken|snapped|broke)\b|\b(?:tip|piece|part|bit|end) "
    r"(?:of (?:the|a) needle )?(?:is|was) still (?:in|inside|stuck)\b",
    r"\bneedle (?:broke|snapped|broken|stuck)\b.{0,40}\b(?:inside|in my|in his|in her|under the skin)",
    r"\bneedle\w* (?:tip )?(?:broke|snapped|sheared|broke off|snapped off|came apart)\b",
    r"\b(?:found|noticed|discovered|still had|still has) (?:a |one |the |another |"
    r"an extra )?(?:\w+ )?needle\w* (?:still )?(?:in|inside|stuck|left|sticking|poking)\b",
    r"\bneedle\w* (?:was |were |is |are |had been |has been )?still (?:in|inside|stuck|sticking|poking|"
    r"left)\b(?! (?:when|while|during|for))",
    r"\b(?:forgot|forgotten|forget|missed|failed) to (?:take|remove|pull) (?:out )?(?:a |one |the |all the |all |"
    r"two |one of the )?needle",
    r"\b(?:a|one|the) needle (?:was |had been |got )?(?:left (?:in|inside|behind)|forgotten|never removed|"
    r"not removed)\b(?! for)",
    r"\b(?:left|forgot|forgotten) (?:a|one|the|another) needle (?:in|inside|behind|stuck)\b",
    # found at home: "when I removed my clothes the needle was sticking straight out"
    r"\b(?:removed|took off|taking off|undress\w*|got home|got back home|woke up|next morning|in the shower)\b"
    r".{0,40}\b(?:a|the|one) needle (?:was |is )?(?:still )?(?:sticking|st[a-z]cking|poking|hanging|stuck) "
    r"(?:straight |right )?(?:out|in)\b",
]

# Questions about a risk, hypotheticals and advice, said just before a symptom: the symptom is
# not happening ("can needling cause chest pain?", "what if I get short of breath?").
_NOT_NOW_BEFORE = re.compile(
    # what some patients feel, now and then ("rarely, patients feel faint from the needling"); the age a story
    # happened at ("I was 34, blacked out, and laying on the floor")
    r"\b(?:(?:rarely|occasionally|sometimes|often|usually|commonly|in rare cases|some|many|most|few|a few|other)\W+"
    r"(?:\w+ )?(?:patients|people|clients|individuals|persons) (?:may |can |might |could |will |do )?$|(?:patients|"
    r"people|clients) (?:may|can|might|could|sometimes|occasionally|rarely|often|usually|tend to|will) (?:\w+ )?$|"
    r"(?:when i was [1-9]\d|i was [1-9]\d years old|i was [1-9]\d\W*$)"
    r"(?! (?:weeks?|minutes?|mins?|hours?|hrs?|seconds?|secs?|days?|months?|needles?|feet|metres?|meters)\b))|"
    r"\b(?:asleep|sleepy|dozed|dozing|drowsy)\b.{0,50}\b(?:nearly|almost|practically) $|"
    r"\b(?:what if|what happens if|what would happen|what should i do if|what do i do if|in case|"
    r"if (?:i|you|someone|anyone|a patient|people|they|he|she|we) (?:ever |do |did |should |start to |begin to )?"
    r"(?:get|gets|got|have|has|had|feel|feels|felt|experience|experiences|experienced|develop|develops|developed|"
    r"notice|notices|noticed|start|starts|started|become|becomes|became|end up)|"
    r"signs? (?:of|that|like)|symptoms? (?:of|like|such as|to watch|that)|warning signs?|watch (?:out )?for|"
    r"look out for|"
    r"be aware of|keep an eye out for|(?:call|see|contact) (?:us|911|a doctor|your doctor) if|seek (?:help|care|"
    r"medical attention) if|"
    r"go to (?:the )?(?:er|emergency|hospital) if|what (?:\w+ )?signs?|when should i|should i (?:go|call|come|see|"
    r"seek|get|head)|"
    r"how (?:do|would|can|will) (?:you|i|we|they) (?:know|tell)|risks? (?:of|like|such as|include|including|are|is)|"
    r"chances? of|"
    r"(?:complications?|side effects?) (?:like|such as|include|including|of)|such as|for example|including|"
    r"(?:can|could|does|do|will|would|might|may|ever|also|sometimes|rarely|it|this|that|needling|ims|acupuncture|"
    r"needles?) (?:cause|give you|lead to|result in|make you|trigger|induce)|"
    r"is it (?:possible|likely) (?:to|for)|how (?:common|likely|often|rare) (?:is|are)|"
    r"(?:worried|afraid|scared|nervous|anxious|paranoid|terrified) (?:about|of) (?:\w+ )?(?:getting|having|ending up|"
    r"developing|it causing|any))\b"
)
# A harmless cause said just after it: "short of breath when I run because I have asthma",
# "chest tight from all the coughing", "nearly passed out from the heat".
_BENIGN_AFTER = re.compile(
    r"\b(?:when i (?:run|exercise|work out|climb|jog|swim|go up|walk up|do cardio|train)|"
    r"because (?:i have|of (?:my|the)) (?:asthma|copd|a cold|allergies|anxiety|the heat)|"
    r"from (?:all (?:the|my|this) )?(?:the heat|heat|hunger|laughing|boredom|excitement|cough\w*|a cold|my cold|"
    r"the cold|this cold|"
    r"the flu|gym|the gym|working out|workouts?|push ?ups?|bench\w*|lifting|weights|chest day|crying|sneezing|"
    r"sports?|hockey|training)|from (?:desk work|sitting|my posture|posture|typing|the computer|being hunched)|"
    r"(?:with|from) (?:this|a|my) (?:cold|flu|chest infection)|^,? (?:and )?(?:i|she|he|they) (?:didnt|did not|dont|"
    r"do not|havent|hasnt|wasnt))\b"
)
# Right after the symptom: "pain when breathing | stopped after a day" (over), unless it came back or got worse
_OVER_NEXT = re.compile(r"^ (?:has |had |then |soon |quickly )?(?:stopped|went away|eased off|settled|passed|"
                        r"disappeared|cleared up|wore off)(?:$|[.,!?]| after| within| on its own| by itself| quickly| soon|"
                        r" now| overnight| in (?:a|an|the|about|under)\b)")
_DURING = re.compile(r"\bduring\b")
_CAME_BACK = re.compile(r"\b(?:came back|comes back|come back|returned|worse|again)\b")
# "i found the needles in | my traps intense": how the needles felt, not a needle left in (unless one still is)
_FOUND_NEEDLES = re.compile(r"^found (?:the|those|these) needles in$")
_FELT_NEXT = re.compile(r"^ (?:my|the) \w+ (?:a bit |very |really |so |quite |pretty |too |more |less )?(?:intense|"
                        r"painful|uncomfortable|tolerable|ok|okay|easy|strange|weird|bearable|unbearable|relaxing)\b")
_STILL_IN = re.compile(r"\b(?:still|left|stuck|broken|broke|snapped|one is|one was)\b")
# Told about the past in a question: "my wife fainted at acupuncture years ago, is IMS different?"
_HISTORY_BEFORE = re.compile(
    r"\b(?:years? ago|as a (?:kid|child|teen\w*)|in the past|when i was (?:young|younger|little|a kid|a teen\w*|"
    r"\d+))\b"
)
# where the frame of a question stops: a new sentence, or the story moving on
_CLAUSE_BREAK = re.compile(
    r".*(?:[.?!;:]| but | now | then | however | anyway | today | tonight | yesterday | this morning )")
_CLAUSE_END = re.compile(r"[.?!;:]| but | now | then | however | anyway ")

# ----------------------------------------------------------------------------------------------
# REPORT: complications told the way news items and case reports tell them (911, unless the
# message discusses a risk)
# ----------------------------------------------------------------------------------------------
_REPORT_PATTERNS = [
    # lung and heart injuries, anaphylaxis, respiratory failure: named at all, they are news
    r"\b(?<!risk of )(?<!risk of a )(?<!chance of )(?<!chance of a )" + _LUNG_INJURY + r"\b",
    r"\banaphyla\w*|\bdyspn\w*|\bpleuritic\b|\bthoracic pain\b|\bcardiac arrest\b|\brespiratory (?:failure|arrest)\b",
    r"\b(?:fighting for (?:his|her|their|my) life|in (?:a )?critical (?:but stable )?condition|on life support|"
    r"in (?:a )?coma|(?:is|was|are|were|been|being|still|now|currently|ended up|landed|put|kept|"
    r"spent \w+ \w+) (?:\w+ )?in (?:the )?(?:icu|intensive care))\b",
    # any other complication, tied to the treatment or told as a case
    rf"\b{_COMPLICATION}\b(?:.{{0,80}}\b{_AFTER}\b.{{0,40}}\b{_NEEDLING}\b|.{{0,300}}\b{_CASE}\b)",
    rf"\b{_CASE}\b.{{0,300}}\b{_COMPLICATION}\b",
    # the treatment, then what came of it: a complication, or a serious outcome
    rf"\b{_NEEDLING}\b.{{0,120}}\b(?:(?:developed|diagnos\w*|found|revealed|showed|confirmed|demonstrated|led to|"
    rf"leading to|"
    rf"resulted in|resulting in|caused|causing|complicated by|suffered|sustained|ended up with|got|gets|had|has|have|"
    rf"left (?:him|her|them|me) with|presented with|treated for|then|and now|now|with|experienced|noticed)\b.{{0,60}}"
    rf"\b{_COMPLICATION}|{_OUTCOME})\b",
    rf"\b{_OUTCOME}\b.{{0,80}}\b{_AFTER}\b.{{0,40}}\b{_NEEDLING}\b",
    # case-report words for what happened
    r"\b(?:developed|diagnosed|suffered|sustained|presented|admitted|treated for|resulted in|led to|leading to|"
    r"caused|causing|confirmed|showed|revealed|ended up with|turned out to be|it was)\b.{0,40}"
    r"\b(?:pneumothora\w*|ha?emothorax|collapsed lung|punctured lung|lung puncture|tension pneumo\w*|septic\w*|"
    r"sepsis|infection|nerve (?:damage|injury)|cardiac tamponade|spinal cord injury)\b",
    r"\bfound to have (?:a |an )?(?:collapsed lung|punctured lung|pneumothora\w*)",
    r"\b(?:hospitali[sz]\w*|in the er|in emergency|to the er|to emergency|emergency (?:department|room))\b.{0,80}"
    r"\b(?:lung|breath\w*|chest)",
    r"\b(?:lung|breath\w*|chest)\b.{0,80}\b(?:hospitali[sz]\w*|admitted|emergency (?:department|room))\b",
    r"\b(?:broken|retained|migrat\w*) (?:\w+ )?needle|\bneedle (?:fragment|tip)\b.{0,60}\b(?:found|retained|"
    r"migrat\w*|remov\w*|left|embedded|x ?ray|scan)\b|\bneedle\b.{0,30}\bmigrat\w*",
    # a needle left in the body or broken off, a needle pushed into an organ: named at all, they are news
    r"\b" + _RETAINED_NEEDLE,
    r"\b" + _ORGAN_HIT,
    r"\bspinal\b.{0,30}\b(?:ha?ematoma|bleed\w*|cord injury|abscess)",
    # a case told with a fever in it ("the patient felt subjectively febrile and ...")
    rf"\b{_CASE}\b (?:\w+ ){{0,4}}?(?:febrile|feverish|pyrexi\w*|rigors)\b",
    # a fever measured, in a story with the treatment in it ("...a temperature of 38.8 C")
    rf"\b{_NEEDLING}\b.{{0,400}}\b(?:temperature|temp|fever) (?:of |was |is |at |reading |over |above )?"
    r"(?:3[89]|4[0-2]|10[0-5])(?:[.,]\d+)? ?(?:degrees?|c\b|f\b)",
    rf"\b(?:temperature|temp|fever) (?:of |was |is |at |reading |over |above )?(?:3[89]|4[0-2]|10[0-5])(?:[.,]\d+)?"
    rf"\b.{{0,100}}\b(?:after|since|following|from)\b.{{0,30}}\b{_NEEDLING}\b",
]

# A complication in a question about a risk, in something read or heard and asked about, or on a
# consent form is not happening to anyone.
_DISCUSSION_PATTERNS = [
    r"\b(?:can|could|does|do|would|will|might|may|is it possible (?:for|that)|how (?:do|does|can|would|likely)) "
    r"(?:\w+ ){0,4}?(?:cause|lead to|result in|give|get|develop|catch|suffer|puncture|collapse|pierce|hit|break|"
    r"happen|damage|injure|infect|go wrong|migrate|move|"
    r"travel|get stuck|snap|bend|go too deep|go through|be left|end up|stay in)\b",
    r"\bwhat (?:are|is|s|were|about) the (?:\w+ )?(?:risks?|chances?|odds|likelihood|dangers?|complications?|"
    r"side effects?)\b|\b(?:is|are) there (?:any |a |much |some )?(?:\w+ )?(?:risks?|chances?|dangers?)\b|"
    r"\bhow (?:common|often|rare|likely|frequent\w*|dangerous|serious|safe|risky|worried)\b|\bhow many (?:people|"
    r"patients|cases|times)\b|"
    r"\b(?:am i|are you|is she|is he|are they) at risk\b|\bwhat (?:percentage|proportion|percent|fraction)\b|"
    r"\b(?:incidence|statistics|stats)\b|\b(?:any|what|some|the) (?:chance|risk|odds|possibility)s? (?:of|"
    r"that)\b.{0,120}\?",
    r"\bis (?:it|ims|dry needling|needling|acupuncture|this|that|the treatment|there) (?:\w+ ){0,3}?(?:safe|ok|okay|"
    r"alright|suitable|dangerous|risky|common|rare|normal|likely|possible|a risk|safer|riskier|more dangerous)\b|"
    r"\b(?:safe|okay|ok) for (?:me|her|him|them|my \w+)\b|"
    r"\b(?:can|could|should|may) (?:i|she|he|they|we|my \w+) (?:still )?(?:\w+ )?(?:get|have|do|try|book|come|use|"
    r"go ahead)\b|"
    r"\bshould i (?:be )?(?:worried|concerned|scared|nervous|avoid)\b|\bshould i (?:go|call|come|see|seek|get|"
    r"head)\b.{0,40}\bif\b|"
    r"\bif (?:i|you|someone|a patient) (?:ever )?(?:feel|get|have|notice|develop|start|experience)\b",
    # something read or heard, then asked about
    r"\b(?:i|we|ive|weve|i have|i just|i recently|i once|my \w+)\b (?:\w+ ){0,2}?(?:read|heard|saw|seen|watched|"
    r"came across)\b "
    r"(?:\w+ ){0,4}?(?:about|article|story|stories|report|reports|case|cases|news|post|thread|study|studies|paper|"
    r"video|online|somewhere)\b.{0,200}\?",
    r"\b(?:consent|waiver|disclaimer) (?:form|forms|sheet|paperwork)\b|\bsign\w* (?:a |the )?(?:consent|waiver)\b|"
    r"\b(?:paperwork|intake form|leaflet|pamphlet|brochure|website|handout)\b (?:\w+ ){0,6}?(?:lists?|listed|"
    r"mentions?|mentioned|says|said|warns?|warned|includes?|included|talks? about|describes?)\b",
    r"\b(?:worried|concerned|nervous|anxious|scared|afraid|terrified|paranoid|curious|wondering|question|questions) "
    r"(?:about|of|that|if|whether)\b",
    r"\bwhat (?:if|happens if|would happen|do you do|should i do if)\b|"
    r"\b(?:how do you|what do you do to|do you) (?:\w+ ){0,2}?(?:prevent|avoid|make sure|stop|minimi[sz]e|reduce|"
    r"check|screen)\b|\bmake sure (?:that |this |it )?(?:doesnt|does not|wont|will not|never)\b|\bwhat precautions\b",
    r"\bwhat (?:are|is|s) the (?:\w+ )?signs?\b|\bwarning signs?\b|\b(?:look|looking|watch|watching) (?:out )?for\b|"
    r"\bbe aware of\b",
    r"\b(?:does|would|will|could|can) (?:that|this|it|my history|having had \w+) (?:\w+ )?(?:matter|affect|change|"
    r"be a problem|rule|stop me|mean)\b|\bas a (?:kid|child|teen\w*|baby)\b",
    r"\b(?:told|tells|telling) (?:me|us) (?:about|that)\b.{0,200}\?|\b(?:friend|someone|somebody|people|they|she|he|"
    r"coworker|colleague|sister|brother|mom|mum|dad|wife|husband) (?:said|says|told me)\b.{0,200}\?|\b(?:heard|read|"
    r"saw|seen) (?:that|about|somewhere|online)\b.{0,200}\?",
    r"\bdo you (?:\w+ ){0,2}?(?:sterili[sz]e|steri\w*|clean|disinfect|use (?:new|single|sterile|disposable|fresh))\b",
    r"\bhas (?:anyone|anybody|someone|it|this|that|a patient|one of your patients)\b (?:\w+ ){0,3}?ever\b|"
    r"\bever (?:happen|happened|seen|caused)\b",
    r"\b(?:can|could|does|do|will|would|might) (?:\w+ ){0,3}?(?:help|treat|fix|work for|be good for)\b",
    r"\b(?:x ?rays?|scans?|ct|tests?|results?|everything|it all|all) (?:was|were|came back|turned out|is|looked) "
    r"(?:all |totally |completely |to be )?(?:fine|ok|okay|clear|normal)\b|\bnothing (?:was )?(?:wrong|serious)\b|"
    r"\ball clear\b|\bfalse alarm\b",
    r"\b(?<![\w,:-] )how (?:to|do you|can you|should you|does one|do they)\b",  # at the start of a sentence
]
# Risk information, told rather than asked ("pneumothorax is a very rare but serious complication of
# needling near the thorax", "needle breakage can be life threatening if the broken needle is left in the
# body", "one should always take measures to ensure safety"): not an event either, unless a case is told
# with it ("we present a 30-year-old woman who...").
_GENERIC_PATTERNS = [
    # an article's title: "Dry Needling & Collapsed Lung: What You Need To Know"
    r"\b(?:what you need to know|everything you need to know|what to know|a (?:complete|comprehensive) guide|"
    r"myths? and facts|(?:risks?|facts?|myths?) explained)\b",
    # "Risk of Infection From Dry Needling", "wat r the chances of a collapsed lung from ims"
    r"\b(?:risks?|chances?|odds|likelihood|possibility) (?:of|for)\b",
    r"\b(?:is|are|remains?|as) (?:a |an |the )?(?:very |extremely |relatively |rather )?(?:rare|uncommon|common|known|"
    r"serious|potential|possible|recogni[sz]ed|documented|well[- ]known|most common|frequent)\b(?:(?: but|,| and) "
    r"(?:\w+ )?\w+)? (?:\w+ ){0,2}?(?:complications?|risks?|side effects?|adverse (?:events?|effects?|reactions?)|"
    r"hazards?|dangers?)\b",
    r"\b(?:can|could|may|might) (?:potentially )?(?:be|become|prove) (?:\w+ )?(?:life[- ]threatening|fatal|serious|"
    r"dangerous|deadly|harmful)\b",
    r"\bif (?:the|a|an) (?:\w+ ){0,3}?(?:is|are|gets|get|breaks|break|were|was|becomes)\b",
    r"\b(?:should|must) (?:always )?(?:take|exercise|be (?:careful|cautious|aware|made aware)|avoid|ensure|review|"
    r"consider)\b|\bmeasures to (?:ensure|prevent|avoid|minimi[sz]e|reduce)\b|\b(?:ensure|maximi[sz]e|improve|"
    r"enhance) (?:patient )?safety\b",
]
# a case told, which risk information around it does not undo
_CASE_TOLD = re.compile(
    rf"\b{_CASE}\b|\b(?:developed|suffered|sustained)\b|"
    r"\bwe (?:report|present|describe)\b|\b(?:presented|presenting|presents) (?:to|with|at)\b|\b(?:was|were) "
    r"(?:admitted|rushed|taken|brought|transferred|hospitali[sz]ed|diagnosed)\b|\bthe patient (?:was|had|developed|"
    r"complained|experienced|presented)\b"
)
# ... unless it says the event is recent: a relative admitted last night is an emergency, question or not
_RECENT_EVENT = re.compile(
    r"\b(?:admitted|rushed|diagnosed|found|developed|ended up|taken|hospitali[sz]ed|collapsed|punctured|passed out|"
    r"fainted|"
    r"is in|are in)\b.{0,60}\b(?:today|tonight|last night|this (?:morning|afternoon|evening)|yesterday|right now|"
    r"just now|an hour ago|hours? ago)\b"
)

# ... or when someone tells it as their own, or a relative's ("I got a pneumothorax from dry needling. How to
# treat it?", "my wife got a pneumothorax ... she should take it seriously", "my lung collapsed after IMS")
_EVENT_TOLD = re.compile(
    r"(?:^|\b(?<!if )(?<!when )(?<!case )(?:i|he|she|they|we|my \w+|our \w+)(?: (?:just|now|then|also|have|has|had))? )"
    r"(?:got|developed|"
    r"ended up with|caught)\b|"
    r"\b(?<!if )(?<!when )(?<!case )(?:i|he|she|they|we|it|my \w+|our \w+|site|area|spot)(?: now| still)? (?:have|has) "
    r"(?:got )?(?:a |an )?"
    r"(?:\w+ )?(?:pneumothora\w*|ha?emothorax|collapsed lung|punctured lung|infection|sepsis|cellulitis|abscess|"
    r"nerve damage|nerve injury)\b|"
    r"\bmy (?:\w+ )?lungs? (?:has |had |have )?(?:collapsed|punctured)\b|"
    rf"\bhad (?:an? |my |the )?{_NEEDLING}\b(?: \w+){{0,4}} (?:and|now|then) (?:now |then )?(?:got|developed|have|has|"
    r"ended up with)\b"
)
_SINCE_TREATMENT = re.compile(rf"\b(?:since|after|from) (?:my |the |this |that |an? )?{_NEEDLING}\b")

# ----------------------------------------------------------------------------------------------
# Compiled for speed: every message goes through here, and patients send up to ~2,000 characters
# ----------------------------------------------------------------------------------------------
def _first_chars(items) -> Tuple[Optional[Set[str]], bool]:
    """The characters a match of parsed regex `items` can start with (None: any), and whether
    it can match the empty string."""
    chars: Set[str] = set()
    for op, av in items:
        if op is _sre.AT or op in (_sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero-width
        if op is _sre.LITERAL:
            return chars | {chr(av)}, False
        if op is _sre.IN:
            for kind, value in av:
                if kind is _sre.LITERAL:
                    chars.add(chr(value))
                elif kind is _sre.RANGE:
                    chars.update(chr(c) for c in range(value[0], value[1] + 1))
                elif kind is _sre.CATEGORY and value is _sre.CATEGORY_DIGIT:
                    chars.update("0123456789")
                else:
                    return None, False
            return chars, False
        if op is _sre.BRANCH or op is _sre.SUBPATTERN or op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            subs = av[1] if op is _sre.BRANCH else [av[-1]]
            least = av[0] if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) else 1
            empty = least == 0
            for sub in subs:
                first, sub_empty = _first_chars(sub.data)
                if first is None:
                    return None, False
                chars |= first
                empty = empty or sub_empty
            if not empty:
                return chars, False
            continue  # optional: what follows can start the match too
        return None, False
    return chars, True


def _combine(patterns: Iterable[str]) -> "re.Pattern[str]":
    """One regex for a family of patterns, tried only where a word starts.

    Run one by one, each pattern tests every position of a 2,000-character message. Every
    pattern starts with \\b, so one alternation is tried at word starts only, and behind a
    look-ahead at the word's first letter it holds only the patterns that can start with it.
    """
    by_letter: Dict[str, List[str]] = {}
    anywhere = []
    for pattern in patterns:
        assert pattern.startswith(r"\b"), pattern
        body = f"(?:{pattern[2:]})"
        first, empty = _first_chars(_sre_parse.parse(body).data)
        if first is None or empty or len(first) > 12:
            anywhere.append(body)
        else:
            for letter in first:
                by_letter.setdefault(letter, []).append(body)
    branches = [f"(?={letter})(?:{'|'.join(bodies)})" for letter, bodies in sorted(by_letter.items())]
    return re.compile(r"\b(?=\w)(?:" + "|".join(branches + anywhere) + ")")


_CRISIS = _combine(_CRISIS_PATTERNS)
_HAPPENING = _combine(_HAPPENING_PATTERNS)
_REPORT = _combine(_REPORT_PATTERNS)
_DISCUSSION = _combine(_DISCUSSION_PATTERNS)
_GENERIC = _combine(_GENERIC_PATTERNS)
# A cheap first look before the report patterns: each of them names one of these words.
_REPORT_WORDS = re.compile(r"\b" + _words(
    _COMPLICATION, _OUTCOME, "thoracic pain", "coma", "critical", "fighting for", "admitted", "er", "emergency",
    "hospital", r"migrat\w*", "needle tip", "spinal", "temperature", "temp", "fever", "febrile", "feverish",
    r"pyrexi\w*", "rigors",
    # the verbs of _ORGAN_HIT (cheaper to look for than the whole pattern)
    r"penetrat\w*", r"pierc\w*", r"punctur\w*", r"perforat\w*", r"lacerat\w*", "entered", "went into", "went through",
    "pushed into", "passed into", "passed through", "nicked", "injured",
))

# SMS shorthand spelled out, so the patterns need only the long form
_SMS = {
    "u": "you", "ur": "your", "b": "be", "wanna": "want to", "wna": "want to", "gonna": "going to", "gotta": "got to",
    "cuz": "because", "coz": "because", "cos": "because", "bcuz": "because", "rn": "right now", "thru": "through",
    "nemore": "anymore", "ne more": "anymore", "any more": "anymore", "cnt": "cant", "dnt": "dont", "wnt": "want",
    "nvr": "never", "2day": "today", "2nite": "tonight", "tonite": "tonight", "b4": "before", "ppl": "people",
    "hrs": "hours", "hr": "hour", "mins": "minutes", "rly": "really", "n": "and", "w": "with", "dat": "that",
    "dis": "this", "da": "the", "wit": "with", "i m": "im", "idk": "i dont know", "dunno": "dont know",
}
_TO_VERBS = "want|wanted|going|ready|have|has|need|needed|try|trying|like|got|able|hard|used"  # "want 2 die"
_SHORTHAND = re.compile(r"\b(?:" + "|".join(map(re.escape, _SMS)) + rf"|(?:{_TO_VERBS}) 2)\b")


def _spell_out(match: "re.Match[str]") -> str:
    word = match.group(0)
    return _SMS.get(word) or word[:-1] + "to"


# A symptom said not to be there ("no fever or anything") is glued to its negation ("nofever"),
# so no pattern sees it.
_SYMPTOM = (r"(?:fever|temperature|chills|pus|swelling|redness|red streaks|shortness of breath|chest pain|numbness|"
            r"weakness|bleeding)")
_NEGATED = re.compile(rf"\b(?:no|not any|without|no sign of|no signs of|dont have|dont have a|didnt have|havent had) "
                      rf"(?:any |a )?{_SYMPTOM}(?:(?:,|,? or|,? and|,? nor) (?:any |a )?{_SYMPTOM})*\b")
_SYMPTOM_WORD = re.compile(rf"\b{_SYMPTOM}")


def normalise(text: str) -> str:
    """Lower-case, drop apostrophes (can't -> cant), spell out SMS shorthand, hide absent symptoms."""
    text = (text or "").lower().replace("\u2019", "").replace("\u2018", "").replace("`", "").replace("'", "")
    text = re.sub(r"[^a-z0-9.,!?-]+", " ", text)
    text = _SHORTHAND.sub(_spell_out, text)
    text = _NEGATED.sub(lambda m: _SYMPTOM_WORD.sub(lambda w: "no" + w.group(0).replace(" ", ""), m.group(0)), text)
    return text.strip()


# Breathlessness of a long-standing lung disease, not tied to the needling, is the condition, not an
# emergency ("I was told 6 years ago that I had COPD ... on some days I am short of breath just getting out
# of bed. Do you think acupuncture can help my breathing?"); an attack, or anything since the needling, is.
_CHRONIC_LUNG = re.compile(r"\b(?:copd|emphysema|asthma\w*|chronic bronchitis|pulmonary fibrosis|bronchiectasis|"
                           r"cystic fibrosis|lung disease)\b")
_LONG_COURSE = re.compile(r"\b(?:\d+|many|several|a few|few) (?:years|months)\b(?! old)|\bfor years\b|\b(?:slowly|gradually|"
                          r"chronic)\b|\b(?:some|most|bad|many) days\b|\bevery day\b")
_ACUTE = re.compile(r"\b(?:attack|right now|now|help me|please help|need help|tonight|today|suddenly|sudden|worst|blue|(?:inhaler|puffer|meds|medication)\b.{0,20}\b"
                    r"(?:isnt|not|doesnt|wont|didnt) (?:working|helping))\b")
_NEEDLING_TIE = re.compile(rf"\b(?:since|after|following|during|from)\b.{{0,40}}\b{_NEEDLING}\b")
# never "the condition": not breathing, can't breathe, gasping
_SEVERE_BREATH = re.compile(r"\b(?:cant|cannot|can not|couldnt|could not|unable|not able|stopped|stops|not breathing|"
                            r"isnt breathing|wasnt breathing|gasp\w*|struggl\w*|fighting)\b")
_BREATH_WORD = re.compile(r"breath|breth|winded|puff|pant|\bair\b|lung|wheez|gasp|respirat|inhal|exhal|\bsob\b")


def _chronic_breathlessness(plain: str) -> bool:
    return bool(_CHRONIC_LUNG.search(plain) and _LONG_COURSE.search(plain) and not _ACUTE.search(plain)
                and not _NEEDLING_TIE.search(plain))


def _happening(plain: str) -> bool:
    """A symptom pattern matches, and none of the guards around it applies: a question about a risk or an
    age just before it, a harmless cause just after, a symptom that is over (and did not come back), how the
    needles felt ("found the needles in my traps intense"), or the everyday breathlessness of a long-standing
    lung disease (never when severe: can't breathe, stopped breathing, gasping)."""
    pos = 0
    chronic_breathlessness = None
    while True:
        match = _HAPPENING.search(plain, pos)
        if match is None:
            return False
        pos = match.start() + 1
        if _BREATH_WORD.search(match.group(0)) and not _SEVERE_BREATH.search(match.group(0)):
            if chronic_breathlessness is None:
                chronic_breathlessness = _chronic_breathlessness(plain)
            if chronic_breathlessness:
                continue
        before = _CLAUSE_BREAK.sub("", plain[max(0, match.start() - 60):match.start()])
        after = _CLAUSE_END.split(plain[match.end():match.end() + 50], 1)[0]
        over = _OVER_NEXT.search(after) and not _CAME_BACK.search(plain, match.end())
        # "during the procedure ... a pain that takes my breath away": how intense the needling felt
        idiom = (after.startswith(" away") and _DURING.search(plain) and not _SINCE_TREATMENT.search(plain)
                 and not _SEVERE_BREATH.search(plain))
        felt = (_FOUND_NEEDLES.match(match.group(0)) and _FELT_NEXT.search(after)
                and not _STILL_IN.search(plain, match.end()))
        if not (_NOT_NOW_BEFORE.search(before) or _BENIGN_AFTER.search(after) or over or felt or idiom
                or ("?" in plain and _HISTORY_BEFORE.search(before))):
            return True


_NOW = re.compile(r"\b(?:today|tonight|yesterday|now|still|this (?:morning|week))\b")
_LONG_AGO = re.compile(r"\b(?:years? ago|a year ago|last year|months ago|long ago|as a (?:kid|child|teen)|back in \d{4})\b")


def _long_ago_only(plain: str) -> bool:
    """An event told long ago with nothing recent, beside a question about a risk ("a friend says she got an
    infection at a spa years ago, so I'm nervous: how do you keep needles clean?")."""
    return bool(_LONG_AGO.search(plain) and not _RECENT_EVENT.search(plain) and not _NOW.search(plain))


def classify(text: str) -> Optional[str]:
    """CRISIS, MEDICAL or None. Crisis is checked first: 988 must never be missed."""
    plain = normalise(text)
    if not plain:
        return None
    if _CRISIS.search(plain):
        return CRISIS
    if _happening(plain):
        return MEDICAL
    if _REPORT_WORDS.search(plain) and _REPORT.search(plain) and (
            not _talks_about_risk(plain) or _RECENT_EVENT.search(plain)
            or (_EVENT_TOLD.search(plain) and not _long_ago_only(plain))):
        return MEDICAL
    return None


def _talks_about_risk(plain: str) -> bool:
    """A question about a risk, or risk information with no case told."""
    return bool(_DISCUSSION.search(plain) or (_GENERIC.search(plain) and not _CASE_TOLD.search(plain)))


def discusses_risk(text: str) -> bool:
    """The message asks about a risk, something read or heard, a consent form (and says nothing
    happened recently): used to keep the model's own "emergency" guess from alarming on it."""
    plain = normalise(text)
    if not plain or _RECENT_EVENT.search(plain) or _EVENT_TOLD.search(plain):
        return False
    # risk information ("it might be serious") about something felt since the treatment is not a question
    return bool(_DISCUSSION.search(plain) or (_GENERIC.search(plain) and not _CASE_TOLD.search(plain)
                                              and not _SINCE_TREATMENT.search(plain)))


def explain(text: str) -> List[str]:
    """The patterns a message matches, family by family (for tuning and for tests)."""
    plain = normalise(text)
    families = (("crisis", _CRISIS_PATTERNS), ("happening", _HAPPENING_PATTERNS),
                ("report", _REPORT_PATTERNS), ("discussion", _DISCUSSION_PATTERNS), ("generic", _GENERIC_PATTERNS))
    return [f"{name}[{i}]" for name, patterns in families
            for i, pattern in enumerate(patterns) if re.search(pattern, plain)]
