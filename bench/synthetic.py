"""Synthetic glossary entries with realistic names, for benchmarks (not used by the product)."""

from __future__ import annotations

import random
import textwrap
from collections.abc import Iterator
from pathlib import Path

from bot.glossary.model import CATEGORIES, Entry, Glossary, slugify

MODIFIERS = """Blind Stored Reflected Remote Local Kernel Firmware Cloud Container Browser Mobile Wireless Cross-Tenant
Cross-Origin Server-Side Client-Side Token Session Credential Certificate DNS Email API Supply-Chain Memory Cache
Timing Power Acoustic Optical Quantum Hypervisor Bootloader Driver Plugin Macro Script Template Header Cookie Query
Schema Registry Package Build Pipeline Identity Privilege Domain Directory""".split()
CORES = """Injection Spoofing Poisoning Hijacking Tampering Escalation Exfiltration Enumeration Smuggling Confusion
Overflow Underflow Leakage Bypass Replay Downgrade Fixation Forgery Takeover Deserialization Traversal Inclusion
Pollution Squatting Sniffing Flooding Amplification Relay Pivoting Persistence Evasion Obfuscation Beaconing
Tunneling Skimming Jacking Cloning Fuzzing Hardening Isolation Segmentation Monitoring Scanning Signing Pinning
Rotation Revocation Attestation Sandboxing Throttling""".split()
KINDS = """Attack Vulnerability Technique Defense Control Policy Framework Protocol Detection Prevention Analysis
Testing Assessment Mitigation Exploit Campaign Indicator Pattern Model Standard Tool Method Strategy Response Audit
Review Scanner Gateway Service Platform Engine Module Sensor Agent Toolkit Benchmark Baseline Checklist Playbook
Register""".split()


def synthetic_names(count: int, seed: int = 7) -> list[str]:
    """``count`` distinct names like "Blind Cookie Injection Scanner" (shuffled, deterministic)."""
    combos = [f"{m} {c} {k}" for m in MODIFIERS for c in CORES for k in KINDS]
    random.Random(seed).shuffle(combos)
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} synthetic names")
    return combos[:count]


def synthetic_entries(count: int, base: Glossary, seed: int = 7) -> list[Entry]:
    """The real entries plus synthetic ones up to ``count`` in all; texts are borrowed from real entries."""
    real = list(base.entries)
    extra = max(0, count - len(real))
    names = synthetic_names(extra, seed)
    used = {n.lower() for e in real for n in e.names}
    out = list(real)
    acronyms: set[str] = set()
    for i, name in enumerate(names):
        template = real[i % len(real)]
        words = name.replace("-", " ").split()
        acronym = "".join(w[0] for w in words).upper() + str(i % 97)
        aliases: tuple[str, ...] = ()
        if i % 3 == 0 and acronym.lower() not in used and acronym not in acronyms:
            acronyms.add(acronym)
            aliases = (acronym,)
        out.append(
            Entry(
                entry=1000 + i,
                term=name,
                category=CATEGORIES[i % len(CATEGORIES)],
                definition=f"{name} is a synthetic entry used to measure the resolver at scale.",
                description=template.description,
                how_it_works=template.how_it_works,
                defences=template.defences,
                examples=template.examples,
                aliases=aliases,
                related=(),
            )
        )
    return out


def typo(text: str, rng: random.Random) -> str:
    """One realistic typo (drop, swap or double a letter) in the longest word of ``text``."""
    words = text.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) < 5:
        return text
    pos = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("drop", "swap", "double"))
    if kind == "drop":
        word = word[:pos] + word[pos + 1 :]
    elif kind == "swap":
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    else:
        word = word[:pos] + word[pos] + word[pos:]
    words[index] = word
    return " ".join(words)


def _block(text: str) -> str:
    return "\n".join("  " + line for line in textwrap.wrap(text, 100))


def _item(text: str) -> str:
    plain = text[0] not in "-?:,[]{}#&*!|>'\"%@`" and ": " not in text and " #" not in text
    return text if plain and not text[0].isdigit() else "'" + text.replace("'", "''") + "'"


def entry_yaml(e: Entry) -> str:
    """An entry file in the layout curators write (docs/glossary-format.md): folded blocks and list items."""
    parts = [f"entry: {e.entry}", f"term: {_item(e.term)}", f"category: {_item(e.category)}"]
    for name, text in (("definition", e.definition), ("description", e.description),
                       ("how_it_works", e.how_it_works)):
        parts.append(f"{name}: >-\n{_block(text)}")
    for name, items in (("defences", e.defences), ("examples", e.examples), ("aliases", e.aliases),
                        ("related", e.related)):
        parts.append(f"{name}:\n" + "\n".join(f"  - {_item(i)}" for i in items) if items else f"{name}: []")
    return "\n".join(parts) + "\n"


def write_entry_files(entries: list[Entry], root: Path) -> Iterator[Path]:
    """Write entries as YAML files in the glossary layout; yields each path."""
    for e in entries:
        folder = root / slugify(e.category)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{slugify(e.term)}.yaml"
        path.write_text(entry_yaml(e), encoding="utf-8")
        yield path
