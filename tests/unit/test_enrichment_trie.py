"""The alias trie: whole words, leftmost-longest, case rules, independent layers."""

from __future__ import annotations

from crawler.enrichment.tokens import tokenize
from crawler.enrichment.trie import AliasTrie, LayeredTrie


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
