"""Turn a chat message into an intent and the text of the term it asks about.

The parser knows the shapes of FAQ questions ("what is X", "how does X work", "how do I stop X in my app",
"other names for X", "examples of X", "terms related to X") and the chatter around them ("hey bot",
"can someone explain", "in my app", "please"). It does not look terms up: the resolver does that, and
``bot.engine.ask`` combines both with the conversation context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.text import MAX_QUERY_CHARS, parse_words

Intent = Literal["define", "how", "defend", "aliases", "examples", "related", "none"]
INTENTS: tuple[Intent, ...] = ("define", "how", "defend", "aliases", "examples", "related", "none")

_MENTION_RE = re.compile(r"<(?:@[!&]?|#)\d+>|@everyone|@here")

# Words dropped from either end of the term text, never from its middle ("man in the middle" keeps "in").
_EDGE_FILLER = frozenset(
    """
    a an the is are was were be it's its do does did done can could would should will shall may might must
    i you we they he she someone somebody anyone anybody one me us my your our pls please plz thanks thx ty
    hey hi hello yo ok okay so um uh well bot glossary cyberglossary quick question q and but also then btw
    what whats which who how tell show give explain describe define about regarding on of for to in with
    really actually exactly basically briefly simply again too though now lol just like mean means meaning
    anything something everything thing things stuff some any more info information details detail bit
    know learn read understand need want wanna gonna get got getting gets have has had let lets say said term word
    count counts counted considered consider qualifies qualify wtf wth ppl even
    used use using there here why where when yeah yes no nope sure cool nice great good am im ive id
    """.split()
)
_PRONOUN_HEADS = frozenset("it its that this they them those these one ones same thing things he she".split())
_PRONOUN_TAIL = frozenset(
    """
    one ones thing things attack attacks term terms technique techniques method methods concept concepts
    malware threat threats stuff kind type types of vulnerability vulnerabilities scam scams exploit
    exploits bug bugs flaw flaws standard framework tool tools regulation law rule control acronym acronyms
    abbreviation abbreviations abbrev name names full
    """.split()
)
_FOLLOWUP_NOUNS = frozenset(
    """
    flow process steps step mechanism mechanics workflow details detail part parts lifecycle stages stage
    phases phase sequence procedure way ways works working internals basics acronym abbreviation abbrev name
    names
    """.split()
)

_X = r"(?P<t>.+?)"
_CUES: list[tuple[Intent, list[str]]] = [
    (
        "aliases",
        [
            rf"(?:other|another|alternative|alternate|different|more) (?:names?|words?|terms?|ways? to say) (?:for"
            rf"|of) {_X}$",
            rf"(?:what|how) (?:else )?(?:is|are|do you call|would you call) {_X} (?:also |otherwise )?(?:called"
            rf"|known as|named)$",
            rf"(?:what )?(?:does|do|is|did) {_X} (?:stand|short) for$",
            rf"(?:what )?(?:is |are )?{_X} (?:stands?|short) for$",
            rf"(?:abbreviation|acronym|initialism|full form|long form|expansion|synonyms?|aliases|alias) (?:of|for)"
            rf" {_X}$",
            rf"(?:does|do|is|has|have) {_X} (?:go|goes|known) (?:by|as) (?:any |some )?(?:other|another|different)?"
            rf" ?(?:names?|terms?)$",
            rf"(?:does|do|has|have) {_X} (?:have|got) (?:any |some )?(?:other|another|different) (?:names?|terms?)$",
            rf"{_X} (?:other names?|aka|synonyms?|abbreviation|acronym|full form)$",
            r"(?:spell|write) (?P<t>.*?) ?(?:out|in full)(?: for me)?$",
            r"(?:spell out|expand|unpack) (?P<t>.*)$",
            rf"what (?:is|does) {_X} (?:abbreviate|abbreviated|expand to|expanded)$",
        ],
    ),
    (
        "examples",
        [
            rf"(?:examples?|instances?|cases?|case stud(?:y|ies)|samples?|illustrations?) (?:of|for) {_X}$",
            rf"{_X} (?:examples?|in the wild|in real life|real world examples?)$",
            r"(?:examples?|instances?|example please|an example|some examples)(?: please)?(?P<t>)$",
            rf"(?:real|famous|well known|known|notable|recent) (?:\w+ )?(?:cases?|incidents?|attacks?) (?:of"
            rf"|involving|with) {_X}$",
        ],
    ),
    (
        "related",
        [
            rf"(?:terms?|things?|topics?|concepts?|entries|words?|stuff|anything|everything|what else|what s)"
            rf" (?:\w+ )?(?:related|relating|similar|connected|linked|associated|adjacent) (?:to|with) {_X}$",
            rf"(?:related|similar|connected|linked|associated) (?:terms?|topics?|concepts?|entries|things?|stuff)"
            rf" (?:to|for|of|with|about) {_X}$",
            rf"(?:related|similar|connected|linked|associated) (?:to|with) {_X}$",
            rf"(?:what|which) (?:terms?|topics?|entries) (?:relate|are related|are similar|connect) to {_X}$",
            rf"see also (?:for )?{_X}$",
            rf"{_X} (?:related terms?|see also)$",
            r"(?:anything|something|what else|terms?|topics?)? ?(?:related|similar)(?P<t>).*$",
            r"what else should (?:i|we) (?:read|look at|learn|check)(?P<t>).*$",
        ],
    ),
    (
        "defend",
        [
            rf"(?:defend|protect|secure|guard|shield|keep|harden|safeguard|save) (?:\w+ ){{0,3}}?(?:from|against)"
            rf" {_X}$",
            rf"(?:keep|get) {_X} (?:off|out of|away from|out|away)(?: \w+){{0,3}}$",
            rf"(?:defend|defending|defence|defense|defences|defenses|protection|protections|protect|protecting)"
            rf" (?:\w+ )?(?:against|from|for) {_X}$",
            rf"(?:prevent|preventing|prevention of|mitigate|mitigating|mitigation of|mitigations? for|stop|stopping"
            rf"|block|blocking|avoid|avoiding|counter|countering|fight|fighting|combat|combating|combatting|detect"
            rf"|detecting|beat|defeat|thwart|get rid of|deal with|handle|fix|patch|remediate|secure|harden|neutralize"
            rf"|neutralise|stay safe from|be safe from|not fall for|avoid falling for|recover from|spot|recognise"
            rf"|recognize) {_X}$",
            rf"{_X} (?:prevention|mitigations?|countermeasures?|defen[cs]es?|protections?|remediation|hardening)$",
            rf"(?:countermeasures?|controls?|mitigations?|defen[cs]es?|protections?) (?:for|against|to) {_X}$",
            rf"(?:ways?|how|tips|steps|best practices?) to (?:secure|protect|defend|harden) {_X}$",
        ],
    ),
    (
        "how",
        [
            rf"how (?:does|do|did|would|could|can|is|are) {_X} (?:actually |really |even |exactly )?"
            rf"(?:work|works|working|happen|happens|function|operate|run|play out|get carried out|carried out"
            rf"|get done|done|performed|executed|pulled off|exploited|abused|launched)$",
            rf"how {_X} (?:works?|happens?|functions?|operates?|is done|is carried out|is performed)$",
            rf"how (?:do|does|did|would|could|can) (?:attackers?|hackers?|criminals?|adversaries|people|they|bad"
            rf" actors)"
            rf" (?:\w+ )?(?:use|abuse|exploit|do|perform|pull off|carry out|run|execute|launch|leverage) {_X}$",
            rf"(?:walk|talk|take) (?:me|us) through {_X}$",
            rf"(?:mechanism|mechanics|internals|workings|inner workings|steps|stages|phases|lifecycle) (?:of|in"
            rf"|behind) {_X}$",
            rf"what happens (?:in|during|with) (?:an? |the )?{_X}$",
            rf"(?:explain|describe|show me|tell me) how {_X} (?:works?|happens?|operates?)$",
            rf"(?:explain|describe|show me|tell me) how {_X}$",
            rf"{_X} (?:explained step by step|step by step|under the hood)$",
        ],
    ),
    (
        "define",
        [
            rf"(?:what|wht|wat|wut) (?:is|are|was|s|r) (?:an? |the )?{_X}(?: used for| for| about| exactly| really|"
            rf" anyway)?$",
            rf"(?:whats|wats|whts|whatre) (?:an? |the )?{_X}(?: used for| for| about| exactly| really)?$",
            rf"what (?:does|do|did) {_X} (?:mean|means|refer to|do)$",
            rf"(?:define|definition of|definition for|meaning of|explain|describe|eli5|elif|eli 5|tell me about"
            rf"|tell me more about|info on|information on|details on|what about|how about|talk about|learn about"
            rf"|teach me about|teach me|remind me what|whos|who is|who are) (?:an? |the )?{_X}$",
            rf"{_X} (?:meaning|definition|explained|eli5|means what|is what)$",
            rf"what (?:do you know|can you tell me|do we know) about {_X}$",
            rf"(?:what|whats) (?:is |s )?(?:meant by|the meaning of|the definition of|the deal with) {_X}$",
            rf"(?:have you heard of|heard of|ever heard of|know about|know what) (?:an? |the )?{_X}(?: is| are)?$",
        ],
    ),
]


def _compile_template(pattern: str) -> re.Pattern[str]:
    """A question shape, searched from a word boundary. When everything before the term may be empty ("{term}
    meaning", "(what )?(is )?{term} stands for") the leftmost match always starts at the message's start, since
    the lazy term can stretch back to it: such a pattern is anchored there, the same match in one pass instead of
    one pass per word (a search from every word made it quadratic in the message's length)."""
    before_term = pattern.split("(?P<t>", 1)[0]
    start = "^" if re.fullmatch(before_term, "") else r"(?:^|\b)"
    return re.compile(start + pattern)


_COMPILED: list[tuple[Intent, list[re.Pattern[str]]]] = [
    (intent, [_compile_template(p) for p in patterns]) for intent, patterns in _CUES
]
# "sql injection in my app" -> head "sql injection", tail "in my app": a preposition, an optional determiner, then
# one to four words. Every separator is mandatory: with an optional one ("(?: ?\w+){1,4}") a long word could be
# split into pieces in O(L^3) ways, all tried when the match fails (a 300-letter word took 20 s).
_CONTEXT_TAIL_RE = re.compile(
    r"^(?P<head>.+?) (?P<tail>(?:in|on|for|with|at|from|using|inside|within|into|under|via|when using|when)"
    r" (?:(?:my|our|a|an|the|your|his|her|their|this|that|some|of) )?\w+(?: \w+){0,3})$"
)
_LEADING_CHATTER_RE = re.compile(
    r"^(?:(?:hey|hi|hello|yo|ok|okay|so|um|uh|well|bot|glossary|cyberglossary|please|pls|plz"
    r"|quick question|question|q|and|but|also|then|btw|hmm|ah|oh|sorry|guys|all|everyone|folks|team"
    r"|can someone|can anyone|could someone|could you|can you|would you|will you|someone|somebody"
    r"|do you know|does anyone know|anyone know|i want to know|i wanna know|i need to know|i d like to know|i"
    r" wonder|i was wondering|wondering|idk|i dont know|dont know|real quick|quickly|briefly|in short|tldr"
    r"|simply|just|again|remind me) )+"
)


@dataclass(frozen=True, slots=True)
class ParsedQuestion:
    """What the parser read from a message."""

    text: str
    intent: Intent
    term_text: str
    templated: bool
    """True when the message had the shape of a FAQ question (not a bare term or chatter)."""
    refers_back: bool
    """True when the term is a pronoun or missing ("how do you stop it?", "example please")."""
    context_words: tuple[str, ...] = field(default=())
    """Words after the term such as "in my app", kept apart so they can be judged."""
    head_text: str = ""
    """The term text without its trailing context ("sql injection" of "sql injection in my app")."""
    bare_text: str = ""
    """The whole message with chatter removed: used when the message may itself be a term."""


def strip_mentions(text: str) -> str:
    """Remove Discord user, role and channel mentions and @everyone/@here from a message."""
    return _MENTION_RE.sub(" ", text)


def _strip_edges(words: list[str]) -> list[str]:
    while words and words[0] in _EDGE_FILLER:
        words = words[1:]
    while words and words[-1] in _EDGE_FILLER:
        words = words[:-1]
    return words


def _is_reference(words: list[str]) -> bool:
    """True for "it", "that", "those attacks", "this one", "the flow": a term that points back."""
    if not words:
        return True
    if words[0] in _PRONOUN_HEADS and all(w in _PRONOUN_TAIL or w in _EDGE_FILLER for w in words[1:]):
        return True
    content = [w for w in words if w not in _EDGE_FILLER and w not in ("the", "a", "an")]
    return bool(content) and all(w in _FOLLOWUP_NOUNS or w in _PRONOUN_HEADS for w in content)


def mentions_pronoun(words: list[str]) -> bool:
    """True when a pronoun that can refer to the last term appears anywhere in ``words``."""
    return any(w in ("it", "that", "this", "those", "these", "them", "they", "its", "one", "ones") for w in words)


def parse_all(text: str) -> list[ParsedQuestion]:
    """Every reading of a message, most specific first: one per intent whose question shape matches, then the
    whole message as a bare term. The answer layer picks the reading whose term resolves best.
    Never raises; any input of any length is accepted (only a prefix is read)."""
    joined = " ".join(message_words(text))
    bare_words = _strip_edges(joined.split())
    bare = " ".join(bare_words)
    readings: list[ParsedQuestion] = []
    for intent, patterns in _COMPILED:
        for pattern in patterns:
            match = pattern.search(joined)
            if match is None:
                continue
            term_words = _strip_edges(match.group("t").split())
            head_words, tail_words = term_words, []
            tail_match = _CONTEXT_TAIL_RE.match(" ".join(term_words))
            if tail_match:
                head_words = _strip_edges(tail_match.group("head").split())
                tail_words = tail_match.group("tail").split()
            readings.append(
                ParsedQuestion(
                    text=text,
                    intent=intent,
                    term_text=" ".join(term_words),
                    templated=True,
                    refers_back=_is_reference(term_words) or _is_reference(head_words),
                    context_words=tuple(w for w in tail_words if w not in _EDGE_FILLER),
                    head_text=" ".join(head_words),
                    bare_text=bare,
                )
            )
            break
    readings.append(
        ParsedQuestion(
            text=text,
            intent="define" if bare_words else "none",
            term_text=bare,
            templated=False,
            refers_back=False,
            head_text=bare,
            bare_text=bare,
        )
    )
    return readings


def parse(text: str) -> ParsedQuestion:
    """The most specific reading of a message (see ``parse_all``)."""
    return parse_all(text)[0]


# -- word-order-free reading: cue words anywhere, the term found as a span by the answer layer -------------
_CUE_RES: list[tuple[Intent, re.Pattern[str]]] = [
    (
        "aliases",
        re.compile(
            r"\b(?:stands? for|short for|(?:other|another|alternative|alternate|different|more) (?:names?|words?"
            r"|terms?)"
            r"|acronyms?|abbreviat\w*|abbrev|synonyms?|aka|also (?:called|known)|same (?:thing )?as|full form"
            r"|spell (?:it |that |this )?out|go(?:es)? by|what else is \w+ called|called otherwise|expand(?:ed)?)\b"
        ),
    ),
    (
        "examples",
        re.compile(
            r"\b(?:examples?|exmaples?|exampels?|exapmles?|egs?|instances?|use cases?|real cases?|known cases?"
            r"|famous cases?|case stud(?:y|ies)|incidents?|in the wild"
            r"|real[ -]?(?:world|life) (?:cases?|examples?|incidents?|attacks?|stories)"
            r"|real[ -]?world|real[ -]?life|famous|notable|biggest|worst|well[ -]known|samples?|show me some)\b"
        ),
    ),
    (
        "related",
        re.compile(
            r"\b(?:related|relating|similar|see also|(?:stuff|things?|terms?|anything|something|topics?) like"
            r"|connected to|associated with|linked to|adjacent|what else should)\b"
        ),
    ),
    (
        "defend",
        re.compile(
            r"\b(?:defen[cs]\w*|prevent\w*|mitigat\w*|protect\w*|stop|stopping|block\w*|avoid\w*|secure|securing"
            r"|harden\w*|counter\w*|guard against|safe from|stay safe|be safe|keep \w+ (?:off|out|away)|get rid of"
            r"|remove|removing|detect\w*|reduce|reducing|shrink|fix|fixing|remediat\w*|defeat|thwart|combat\w*"
            r"|recover from|not fall for|lock down|locking down|spot|spotting|recogni[sz]e|identify|tell if)\b"
        ),
    ),
    (
        "how",
        re.compile(
            r"\b(?:how (?:does|do|did|is|are|can|could|would|will)\b.*\b(?:work|works|working|happen|happens|spread"
            r"|spreads|steal|steals|evade|evades|bypass|bypasses|infect|infects|exploit|exploits|abuse|abuses|flip"
            r"|flips|hack|hacks|operate|operates|function|functions|break|breaks|crack|cracks|pull|pulls|get|gets"
            r"|use|uses|trick|tricks|run|runs|execute|executes|spread|propagate|propagates|compromise|compromises"
            r"|attack|attacks|intercept|intercepts|hijack|hijacks|inject|injects)\b"
            r"|how (?:it|they|this|that|these|those) works?|walk (?:me|us) through|mechanism|mechanics|under the hood"
            r"|(?:explain|describe|show me|tell me) how"
            r"|step by step|how (?:do|does|did|would|can) (?:attackers?|hackers?|people|ppl|criminals?|adversaries|they"
            r"|bad actors|scammers?)|how (?:do|to|would|can|should) (?:i|we|you|one) (?:do|perform|run|conduct"
            r"|implement|set up|start|carry out)|how \w+ works?|the steps (?:in|of))\b"
        ),
    ),
    (
        "define",
        re.compile(
            r"\b(?:what (?:is|are|s|was|even is|exactly is)|whats|wats|wtf is|wth is|wut is|explain\w*|eli5|elif"
            r"|like (?:im|i m|i am) 5"
            r"|define|definition|meaning|mean|means|tell me about|what about|how about|who is|heard of)\b"
        ),
    ),
]
# A clause ends at a run of punctuation followed by a space or the end. The look-behind starts a run's match only
# at its first mark: tried from every mark, a long run followed by a letter ("?!?!...x") was quadratic.
_CLAUSE_SPLIT_RE = re.compile(r"(?<![?!.;,:])[?!.;,:\n]+(?:\s|$)|\s-+\s")
_TRAILING_CHATTER = frozenset(
    "please pls plz thanks thx ty lol lmao again then too though bot now rn asap ok okay".split()
)


def classify_cues(text_words: list[str]) -> Intent | None:
    """The intent named by cue words anywhere in ``text_words`` (the term itself already removed), if any."""
    joined = " ".join(text_words)
    for intent, pattern in _CUE_RES:
        if pattern.search(joined):
            return intent
    return None


def _literals(pattern: re.Pattern[str]) -> frozenset[str]:
    words = [w for w in re.findall(r"[a-z]+", pattern.pattern) if len(w) > 1 and w != "w"]
    # "stands?" in a pattern is "stand" or "stands": keep both forms of words written with an optional "s".
    return frozenset(words + [w[:-1] for w in words if w.endswith("s")])


_CUE_WORDS = [(pattern, _literals(pattern)) for _intent, pattern in _CUE_RES]


def strip_cues(text_words: list[str]) -> list[str]:
    """``text_words`` without the cue words of any cue phrase ("how do i stop", "real world", "stand for");
    other words inside a cue's reach ("gears" in "how do gears work") stay."""
    covered: set[int] = set()
    joined = " ".join(text_words)
    starts = [0]
    for word in text_words[:-1]:
        starts.append(starts[-1] + len(word) + 1)
    for pattern, literals in _CUE_WORDS:
        for match in pattern.finditer(joined):
            for index, start in enumerate(starts):
                if match.start() <= start < match.end() and text_words[index] in literals:
                    covered.add(index)
    return [w for i, w in enumerate(text_words) if i not in covered]


def message_words(text: str) -> list[str]:
    """The words of a message with mentions, leading chatter ("hey bot") and trailing chatter ("pls") removed."""
    words = parse_words(strip_mentions(text[: MAX_QUERY_CHARS * 4]))[:60]
    joined = _LEADING_CHATTER_RE.sub("", " ".join(words)).strip()
    out = joined.split()
    while out and out[-1] in _TRAILING_CHATTER:
        out.pop()
    return out


_SOFT_FILLER = frozenset(
    "info information detail details term word thing things stuff more bit meaning mean means use used using "
    "know learn read need get got".split()
)


def is_chatter(word: str) -> bool:
    """Words that carry no topic in a question ("do we need", "lol", "got"): never evidence of chatter."""
    return word in _EDGE_FILLER or word in _PRONOUN_HEADS


def is_filler(word: str) -> bool:
    """Question words, pronouns, auxiliaries and politeness: never the start or end of a term. Words such as
    "information" or "use" are stripped around a question's term but may start a name ("information security")."""
    return (word in _EDGE_FILLER and word not in _SOFT_FILLER) or word in _PRONOUN_HEADS


def message_clauses(text: str) -> list[list[str]]:
    """The message's words grouped by clause (split at ``? ! . , ; :`` and line breaks), chatter removed at the
    ends as in ``message_words``. "cmmc? my company needs it" -> [["cmmc"], ["my", "company", "needs", "it"]]."""
    words = message_words(text)
    raw = strip_mentions(text[: MAX_QUERY_CHARS * 4])
    pieces = [parse_words(part) for part in _CLAUSE_SPLIT_RE.split(raw)]
    clauses: list[list[str]] = []
    position = 0
    flat = [w for piece in pieces for w in piece]
    # Align: message_words drops leading/trailing chatter, so find where its words start in the flat list.
    offset = 0
    for start in range(len(flat) - len(words) + 1):
        if flat[start : start + len(words)] == words:
            offset = start
            break
    for piece in pieces:
        begin, end = position, position + len(piece)
        kept = [flat[i] for i in range(max(begin, offset), min(end, offset + len(words)))]
        if kept:
            clauses.append(kept)
        position = end
    return clauses or ([words] if words else [])
