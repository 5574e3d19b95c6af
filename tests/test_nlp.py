"""The nlp stage: the model loads with dyad's paragraph component before the parser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def _sentences(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]


def test_paragraph_component_runs_before_the_parser(nlp):
    names = nlp.pipe_names
    assert names.index("dyad_paragraphs") < names.index("parser")


def test_a_heading_and_list_items_are_sentences_of_their_own(nlp):
    text = (
        "Highlights of the summit\n\n"
        "• Fishing: the two ministers agreed on new quotas for the southern Pacific\n"
        "• Trade - both sides will cut port fees by a fifth\n"
        "The rest of the story follows here."
    )
    assert _sentences(nlp, text)[:3] == [
        "Highlights of the summit",
        "• Fishing: the two ministers agreed on new quotas for the southern Pacific",
        "• Trade - both sides will cut port fees by a fifth",
    ]


def test_a_line_wrapped_inside_a_paragraph_stays_one_sentence(nlp):
    text = "The ministers of Chile and Norway met in Oslo\non Monday to discuss salmon exports."
    assert len(_sentences(nlp, text)) == 1


def test_sentences_and_evidence_end_without_the_paragraph_break(nlp, pipeline):
    from dyad.api import text_article
    from dyad.stages.nlp import sentences_of

    text = (
        "Kenya and Ethiopia held talks in Nairobi on Monday.\n\n"
        "Rain fell.\n\nThe UN sent aid to Kenya on Friday."
    )
    sentences = sentences_of(nlp(text))
    assert [s.text for s in sentences] == [
        "Kenya and Ethiopia held talks in Nairobi on Monday.",
        "Rain fell.",
        "The UN sent aid to Kenya on Friday.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)
    (result,) = pipeline.process([text_article(text)])
    assert result.events
    for mention in result.events:
        assert mention.sentence == mention.sentence.strip()
        assert text[mention.start_char : mention.end_char] == mention.sentence


def test_lemmas_event_words_depend_on_are_set_right(nlp):
    """The small model reads "spared" as a form of "spar"; "the sanctions spared X" is
    an event word (docs/events.md)."""
    doc = nlp("The sanctions spared the president.")
    assert doc[2].lemma_ == "spare"
