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
    # the repeated paragraph goes in the first pass (after the nav rule ran), which
    # makes a run of three menu labels for the second pass
    text = f"{STORY}\nHome\nNews\n{STORY}\nWorld"
    result = BoilerplateCleaner().clean(text)
    assert result == _every_rule_every_pass(text)
    assert result.text == STORY and result.removed["nav"] == 3
