"""The alias trie: whole words, leftmost-longest, case rules, independent layers."""

from __future__ import annotations

import random

from crawler.enrichment.tokens import token_keys, tokenize
from crawler.enrichment.trie import _END, AliasTrie, LayeredTrie, Match, case_ok


def scan(trie: LayeredTrie, text: str) -> list[list[tuple[str, str]]]:
    tokens = tokenize(text)
    return [
        [(tokens.source(m.start, m.end), m.aliases[0].target) for m in layer]
        for layer in trie.scan(tokens.surfaces)
    ]


def build(*layers: dict[str, str], cased: bool = True) -> LayeredTrie:
    tries = []
    for aliases in layers:
        trie = AliasTrie(cased=cased)
        for alias, target in aliases.items():
            trie.add(alias, target)
        tries.append(trie)
    return LayeredTrie(tries)


def test_whole_words_only() -> None:
    trie = build({"Iran": "IR", "Oman": "OM"})
    assert scan(trie, "Iranian Omani Tehran Iran") == [[("Iran", "IR")]]


def test_longest_alias_wins_and_consumes_its_words() -> None:
    trie = build({"Hezbollah": "hezbollah", "Hezbollah Brigades": "kh", "Kataib Hezbollah": "kh"})
    assert scan(trie, "the Hezbollah Brigades and Kataib Hezbollah met Hezbollah") == [
        [("Hezbollah Brigades", "kh"), ("Kataib Hezbollah", "kh"), ("Hezbollah", "hezbollah")]
    ]


def test_failed_case_check_falls_back_to_a_shorter_alias() -> None:
    trie = build({"Hezbollah": "hezbollah", "Hezbollah Brigades": "kh"})
    assert scan(trie, "Hezbollah brigades moved") == [[("Hezbollah", "hezbollah")]]


def test_capitals_and_acronyms_are_required_where_the_alias_has_them() -> None:
    trie = build({"US": "US", "Islamic State": "is", "al-Qaeda": "aq"})
    assert scan(trie, "let us build an Islamic state") == [[]]
    assert scan(trie, "the US and the Islamic State") == [[("US", "US"), ("Islamic State", "is")]]
    assert scan(trie, "Al-Qaeda and al-Qaeda and AL-QAEDA")[0] == [
        ("Al-Qaeda", "aq"),
        ("al-Qaeda", "aq"),
        ("AL-QAEDA", "aq"),
    ]
    assert scan(trie, "Us") == [[]]


def test_uncased_trie_ignores_case() -> None:
    trie = build({"heart attack": "negative", "attack": "weak"}, cased=False)
    assert scan(trie, "A HEART ATTACK, then an Attack") == [
        [("HEART ATTACK", "negative"), ("Attack", "weak")]
    ]


def test_layers_do_not_hide_each_other() -> None:
    trie = build({"Iraq": "IQ"}, {"Islamic Resistance in Iraq": "irq"})
    assert scan(trie, "the Islamic Resistance in Iraq said") == [
        [("Iraq", "IQ")],
        [("Islamic Resistance in Iraq", "irq")],
    ]


def test_arabic_clitics_match_aliases_written_without_them() -> None:
    trie = build({"حزب الله": "hezbollah", "كتائب حزب الله": "kh"})
    assert scan(trie, "وكتائب حزب الله ولحزب الله") == [
        [("وكتائب حزب الله", "kh"), ("ولحزب الله", "hezbollah")]
    ]


# The scan written the plain way (module policy): every position and layer, the first
# step and the walk without memos, and every alias's case rule checked in place.
def _reference_scan(trie: LayeredTrie, surfaces: list[str]) -> list[list[Match]]:
    found: list[list[Match]] = [[] for _ in range(trie.layers)]
    resume = [0] * trie.layers
    for i in range(len(surfaces)):
        node = None
        for key in token_keys(surfaces[i]):
            if key in trie.root and case_ok((trie._first_rule[key],), surfaces, i):
                node = trie.root[key]
                break
        if node is None:
            continue
        ends = []
        j = i
        while True:
            if _END in node:
                ends.append((j + 1, node[_END]))
            if j + 1 == len(surfaces):
                break
            step = [node[k] for k in token_keys(surfaces[j + 1]) if k in node]
            if not step:
                break
            node, j = step[0], j + 1
        claimed: set[int] = set()
        for end, entries in reversed(ends):
            for layer, aliases, _ in entries:
                if layer in claimed or i < resume[layer]:
                    continue
                ok = tuple(a for a in aliases if a.case is None or case_ok(a.case, surfaces, i))
                if ok:
                    found[layer].append(Match(i, end, ok))
                    resume[layer] = end
                    claimed.add(layer)
    return found


_VOCAB = ["iraq", "gaza", "city", "strip", "islamic", "state", "us", "the", "hague", "attack"]
_VOCAB += ["drone", "al", "shams", "kataib", "hezbollah", "brigades", "حزب", "الله", "العراق"]


def _cased(rng: random.Random, word: str) -> str:
    return rng.choice([word, word.capitalize(), word.upper()])


def test_scan_matches_the_plain_definition_on_random_tries_and_texts() -> None:
    rng = random.Random(7)
    for _ in range(300):
        tries = []
        for _layer in range(3):
            alias_trie = AliasTrie(cased=rng.random() < 0.7)
            for n in range(rng.randrange(1, 25)):
                words = rng.choices(_VOCAB, k=rng.choice([1, 1, 1, 2, 2, 3, 4]))
                alias_trie.add(" ".join(_cased(rng, w) for w in words), f"t{n % 7}")
            tries.append(alias_trie)
        trie = LayeredTrie(tries)
        for _text in range(20):
            words = rng.choices([*_VOCAB, "said", "on", "x"], k=rng.randrange(0, 40))
            prefixes = ["", "", "", "و", "ب", "لل", "ال"]
            surfaces = [
                rng.choice(prefixes) + w if w[0] >= "\u0600" else _cased(rng, w) for w in words
            ]
            assert trie.scan(surfaces) == _reference_scan(trie, surfaces), surfaces
