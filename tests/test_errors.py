"""The one error type (ledger.errors): every expected error names its field and its rule, the way a
program reads them, whatever wording the sentence for people uses."""

from __future__ import annotations

import pytest

from ledger.errors import Conflict, InvalidInput, split_message


def test_a_message_starting_with_a_field_names_that_field() -> None:
    assert split_message("--on: 2025-09-27 is a Saturday") == ("--on", "2025-09-27 is a Saturday")
    assert split_message("code: 65230 is not six digits") == ("code", "65230 is not six digits")


def test_a_sentence_names_no_field() -> None:
    assert split_message("the draw is sealed: open it first") == ("", "the draw is sealed: open it first")


@pytest.mark.parametrize(("message", "field"), [
    ("items #1.description: a problem is described", "items[0].description"),
    ("record.items #3.item: '废气' appears twice", "record.items[2].item"),
    ("orders #2: needs exactly order and due", "orders[1]"),
])
def test_an_entry_counted_from_one_for_people_is_the_zero_based_path_for_programs(
        message: str, field: str) -> None:
    error = InvalidInput(message)
    assert error.field == field and error.rule == message.split(": ", 1)[1]
    assert str(error) == message  # the sentence people read keeps counting from 1


def test_a_field_given_outright_wins_and_the_kind_is_kept() -> None:
    error = Conflict("a second seed", field="seed", rule="one seed per draw")
    assert error.as_dict() == {"kind": "conflict", "field": "seed", "rule": "one seed per draw",
                               "message": "a second seed"}
