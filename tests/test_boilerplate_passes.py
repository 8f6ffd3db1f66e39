"""The cleaner's shortcut in repeated passes changes nothing (tcacrawler.boilerplate)."""

from __future__ import annotations

import pytest
from hypothesis import given

from tcacrawler.boilerplate import BoilerplateCleaner, LineRule, MatchLineRule, SpamRule
from tests.test_boilerplate import FAST, STORY, any_texts


def _every_rule_every_pass(text: str) -> object:
    with pytest.MonkeyPatch.context() as mp:
        for rule_type in (LineRule, MatchLineRule, SpamRule):
            mp.setattr(rule_type, "local", False)
        return BoilerplateCleaner().clean(text)


@FAST
@given(any_texts)
def test_later_passes_skip_local_rules_without_changing_the_result(text: str) -> None:
    # passes after the first skip the local rules when the paragraphs are the ones they
    # have all kept already: the same text and the same per-rule counts as running all
    assert BoilerplateCleaner().clean(text) == _every_rule_every_pass(text)


def test_a_second_pass_still_runs_the_rules_that_look_at_neighbours() -> None:
    # a subheading and one short line before a story paragraph are story text; the share
    # line goes in the first pass, which leaves them at the end of the body, where a
    # "More on this topic" heading and its line are a related block, for the second pass
    text = f"{STORY}\nMore on this topic\nTalks will continue in Bishkek\nShare this:"
    result = BoilerplateCleaner().clean(text)
    assert result == _every_rule_every_pass(text)
    assert result.text == STORY and result.removed == {"share": 1, "read_also": 2}
