"""Which language a patient wrote in: the reply's language, never the safety net's input.

Every message is checked in every language's red flags anyway (clinic/redflags), so a wrong guess
here costs a reply in the wrong language, never a missed 911.

How:
- Letters of a non-Latin script (Hangul, Han, Arabic, Gurmukhi, ...) decide by script when they are
  a real share of the message ("hi 가슴이 아파요" is Korean; "IMS 好" is not enough to leave English
  only when it is one character among many words). Han is simplified or traditional by the
  characters that differ (a table below); Arabic script is Persian unless letters only Urdu or
  only Arabic uses say otherwise.
- Latin script: Lingua (lingua-language-detector, models shipped in the wheel, nothing downloaded)
  over the Latin languages our patients write. Short texts are where it guesses ("ok" looks Tagalog),
  so anything but a clear, long-enough guess stays English; romanised Punjabi or Hindi
  ("saah nahi aunda") stays English too, the language the assistant can answer.
"""
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

ENGLISH = "en"
NAMES: Dict[str, str] = {
    "en": "English", "zh-Hans": "Chinese (simplified)", "zh-Hant": "Chinese (traditional)", "ko": "Korean",
    "fa": "Persian (Farsi)", "es": "Spanish", "pa": "Punjabi", "tl": "Tagalog", "ja": "Japanese", "ar": "Arabic",
    "ur": "Urdu", "hi": "Hindi", "vi": "Vietnamese", "fr": "French", "pt": "Portuguese", "ru": "Russian",
    "de": "German", "it": "Italian", "th": "Thai", "uk": "Ukrainian", "gu": "Gujarati", "ta": "Tamil",
    "bn": "Bengali", "he": "Hebrew", "el": "Greek", "am": "Amharic", "km": "Khmer",
}
# a Latin-script guess other than English must be at least this sure, on at least this many words
LATIN_MIN_CONFIDENCE = 0.85
LATIN_MIN_WORDS = 3
# the share of a message's letters (CJK weighted x2) in a non-Latin script that makes it that language
SCRIPT_SHARE = 0.30


@dataclass(frozen=True)
class Detected:
    code: str          # en, zh-Hans, zh-Hant, ko, fa, es, pa, tl, or another ISO 639-1 code
    confidence: float  # 0..1
    method: str        # script | lingua | default

    @property
    def name(self) -> str:
        return NAMES.get(self.code, self.code)

    @property
    def english(self) -> bool:
        return self.code == ENGLISH

    def as_dict(self) -> Dict[str, object]:
        return {"code": self.code, "name": self.name, "confidence": round(self.confidence, 3),
                "method": self.method}


# (first, last) code point -> script
_RANGES = (
    (0x1100, 0x11FF, "hangul"), (0x3130, 0x318F, "hangul"), (0xAC00, 0xD7AF, "hangul"),
    (0x3040, 0x30FF, "kana"), (0x3400, 0x4DBF, "han"), (0x4E00, 0x9FFF, "han"), (0xF900, 0xFAFF, "han"),
    (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"), (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
    (0x0A00, 0x0A7F, "gurmukhi"), (0x0900, 0x097F, "devanagari"), (0x0A80, 0x0AFF, "gujarati"),
    (0x0980, 0x09FF, "bengali"), (0x0B80, 0x0BFF, "tamil"), (0x0400, 0x04FF, "cyrillic"), (0x0E00, 0x0E7F, "thai"),
    (0x0590, 0x05FF, "hebrew"), (0x0370, 0x03FF, "greek"), (0x1200, 0x137F, "ethiopic"), (0x1780, 0x17FF, "khmer"),
)
_SCRIPT_LANGUAGE = {"hangul": "ko", "kana": "ja", "gurmukhi": "pa", "devanagari": "hi", "gujarati": "gu",
                    "bengali": "bn", "tamil": "ta", "thai": "th", "hebrew": "he", "greek": "el", "ethiopic": "am",
                    "khmer": "km"}
_WIDE = {"hangul", "kana", "han"}  # one character carries about a syllable or a word

# Characters written differently in simplified and traditional Chinese (common ones, health words first).
_SIMPLIFIED = ("们这说气医护针觉时后发头颈腰脑肤胀痛吗么没会还开过来为对发现问题间实点里动样们"
               "给让应该经体关血压呼吸胸闷晕倒厉严脏心脏肺窍术疗诊药费约预个师请谢运伤处办电话见门热"
               "东车书长习认识听读写语学习边从农买卖爱难进远连钟钱铁银错级约纸线结练终给绝总战识诉")
_TRADITIONAL = ("們這說氣醫護針覺時後發頭頸腰腦膚脹痛嗎麼沒會還開過來為對發現問題間實點裡動樣們"
                "給讓應該經體關血壓呼吸胸悶暈倒厲嚴臟心臟肺竅術療診藥費約預個師請謝運傷處辦電話見門熱"
                "東車書長習認識聽讀寫語學習邊從農買賣愛難進遠連鐘錢鐵銀錯級約紙線結練終給絕總戰識訴")
_HANS = frozenset(c for c, t in zip(_SIMPLIFIED, _TRADITIONAL) if c != t)
_HANT = frozenset(t for c, t in zip(_SIMPLIFIED, _TRADITIONAL) if c != t)
# letters only Urdu uses, letters only Arabic (not Persian) uses, letters Persian uses and Arabic does not
_URDU = frozenset("ٹڈڑںےۓھ")
_ARABIC_ONLY = frozenset("ةيكىأإؤ")
_PERSIAN = frozenset("پچژگیک")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# English words no other Latin-script language here shares: two of them keep a message English
# ("is this chatgpt" once looked Tagalog)
_ENGLISH_WORDS = frozenset("""i im i'm you your my is are was were am be been it its it's this that what how why
when where who which the and or but if can could would should will do does did don't dont have has had not with
for from about after before just really please thanks thank hi hello yes need want get got""".split())


def _script(char: str) -> Optional[str]:
    point = ord(char)
    for first, last, name in _RANGES:
        if first <= point <= last:
            return name
    if char.isalpha() and (point < 0x250 or 0x1E00 <= point <= 0x1EFF):
        return "latin"
    return None


def _script_counts(text: str) -> Dict[str, float]:
    counts: Dict[str, float] = {}
    for char in text:
        if not char.isalpha():
            continue
        script = _script(char)
        if script:
            counts[script] = counts.get(script, 0.0) + (2.0 if script in _WIDE else 1.0)
    return counts


def chinese_script(text: str) -> Tuple[str, float]:
    hans = sum(1 for c in text if c in _HANS)
    hant = sum(1 for c in text if c in _HANT)
    if hant > hans:
        return "zh-Hant", hant / (hans + hant)
    return "zh-Hans", (hans / (hans + hant)) if hans + hant else 0.6  # no telling character: simplified


def _arabic_script(text: str) -> Tuple[str, float]:
    letters = set(text)
    if letters & _URDU:
        return "ur", 0.9
    persian, arabic = len(letters & _PERSIAN), len(letters & _ARABIC_ONLY - {"ي", "ك"})
    if persian and not arabic:
        return "fa", 0.95
    if arabic and not persian:
        return "ar", 0.8
    return "fa", 0.6  # our patients writing in Arabic script mostly write Persian


@functools.lru_cache(maxsize=1)
def _latin_detector():
    """Lingua over the Latin-script languages; built once. Each language costs ~30 MB in every Rasa
    worker, so only those our patients write (our own texts: Spanish, Tagalog) and the two next most
    spoken here (French, Vietnamese: English reply naming the language for the interpreter)."""
    from lingua import Language, LanguageDetectorBuilder
    languages = [Language.ENGLISH, Language.SPANISH, Language.TAGALOG, Language.FRENCH, Language.VIETNAMESE]
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


_LINGUA_CODES = {"ENGLISH": "en", "SPANISH": "es", "TAGALOG": "tl", "FRENCH": "fr", "PORTUGUESE": "pt",
                 "VIETNAMESE": "vi", "GERMAN": "de", "ITALIAN": "it"}


def warm_up() -> None:
    """Load the Latin-script models now (at server start) rather than on the first patient's message."""
    _latin_detector()


def _latin(text: str) -> Detected:
    words = _WORD.findall(text)
    try:
        values = _latin_detector().compute_language_confidence_values(text)
    except Exception:  # a broken install must not stop a reply: English
        return Detected(ENGLISH, 0.0, "default")
    if not values:
        return Detected(ENGLISH, 0.0, "default")
    best = values[0]
    code = _LINGUA_CODES.get(best.language.name, ENGLISH)
    if code == ENGLISH:
        return Detected(ENGLISH, float(best.value), "lingua")
    if sum(1 for w in words if w.lower() in _ENGLISH_WORDS) >= 2:
        return Detected(ENGLISH, float(best.value), "default")
    # Vietnamese letters (ư, ơ, ạ, ...) are proof on their own; other guesses need words and confidence
    long_enough = len(words) >= LATIN_MIN_WORDS
    if code == "vi" and any(0x1EA0 <= ord(c) <= 0x1EF9 or c in "ơưđ" for c in text.lower()):
        long_enough = True
    if long_enough and best.value >= LATIN_MIN_CONFIDENCE:
        return Detected(code, float(best.value), "lingua")
    english = next((float(v.value) for v in values if v.language.name == "ENGLISH"), 0.0)
    return Detected(ENGLISH, english, "default")


def identify(text: str) -> Detected:
    """The language of one patient message (English when there is nothing to tell by)."""
    text = unicodedata.normalize("NFC", text or "")[:2000]
    counts = _script_counts(text)
    total = sum(counts.values())
    if not total:
        return Detected(ENGLISH, 0.0, "default")
    script, weight = max(((s, w) for s, w in counts.items() if s != "latin"), key=lambda sw: sw[1],
                         default=(None, 0.0))
    if script and weight / total >= SCRIPT_SHARE:
        share = weight / total
        if script == "han" or (script == "kana" and counts.get("han", 0) > weight * 3):
            if counts.get("kana"):
                return Detected("ja", share, "script")
            code, sure = chinese_script(text)
            return Detected(code, share * sure, "script")
        if script == "hangul":
            return Detected("ko", share, "script")
        if script == "arabic":
            code, sure = _arabic_script(text)
            return Detected(code, share * sure, "script")
        if script == "cyrillic":
            return Detected("uk" if set(text) & set("іїєґІЇЄҐ") else "ru", share, "script")
        return Detected(_SCRIPT_LANGUAGE.get(script, ENGLISH), share, "script")
    return _latin(text)
