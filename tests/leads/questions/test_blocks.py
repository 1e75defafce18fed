"""What the question editor accepts, and the clear words it refuses the rest with."""

import pytest
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from leads.questions.blocks import QuestionsBlock

pytestmark = pytest.mark.django_db  # the property choices are read from the database

EMAIL = {"type": "email", "value": {"label": "Work email", "property": "email", "required": True}}


def choices(*codes):
    return [{"label": code.title(), "value": code} for code in codes]


def clean(*blocks):
    block = QuestionsBlock()
    return block.clean(block.to_python(list(blocks)))


def errors_of(*blocks) -> str:
    with pytest.raises(StreamBlockValidationError) as raised:
        clean(*blocks)
    return " ".join(str(error) for error in raised.value.non_block_errors)


def test_a_question_without_a_name_is_stored_under_one_made_from_its_label():
    stream = clean(EMAIL, {"type": "text", "value": {"label": "Company size?"}})
    assert stream[1].value["name"] == "company_size"


def test_the_question_filling_email_is_always_stored_as_email():
    stream = clean(
        {
            "type": "email",
            "value": {
                "label": "Your address",
                "name": "addr",
                "property": "email",
                "required": True,
            },
        }
    )
    assert stream[0].value["name"] == "email"


def test_a_form_without_an_email_question_is_refused():
    assert "Add an Email question" in errors_of({"type": "text", "value": {"label": "Name"}})


def test_two_questions_with_one_name_are_refused():
    text = {"type": "text", "value": {"label": "Company", "name": "company"}}
    assert "Two questions are stored as 'company'" in errors_of(EMAIL, text, text)


def test_a_condition_on_a_later_or_unknown_question_is_refused():
    later = {
        "type": "text",
        "value": {"label": "Which CRM?", "show_if_question": "uses_crm", "show_if_answers": "yes"},
    }
    uses = {
        "type": "radio",
        "value": {"label": "Uses CRM", "name": "uses_crm", "choices": choices("yes", "no")},
    }
    assert "not an earlier choice or consent question" in errors_of(EMAIL, later, uses)


def test_a_condition_on_an_answer_the_question_does_not_offer_is_refused():
    uses = {
        "type": "radio",
        "value": {"label": "Uses CRM", "name": "uses_crm", "choices": choices("yes", "no")},
    }
    which = {
        "type": "text",
        "value": {
            "label": "Which CRM?",
            "show_if_question": "uses_crm",
            "show_if_answers": "maybe",
        },
    }
    assert "(its codes: yes, no)" in errors_of(EMAIL, uses, which)


def test_an_empty_step_is_refused():
    assert "Each step needs at least one question" in errors_of(
        EMAIL, {"type": "step", "value": {"heading": "More"}}
    )


def test_a_name_the_form_itself_uses_is_refused():
    with pytest.raises(StreamBlockValidationError) as raised:
        clean(EMAIL, {"type": "text", "value": {"label": "Token", "name": "token"}})
    assert isinstance(raised.value.block_errors[1], StructBlockValidationError)


def test_two_choices_with_one_code_are_refused():
    dropdown = {
        "type": "dropdown",
        "value": {"label": "Size", "choices": choices("small", "small")},
    }
    with pytest.raises(StreamBlockValidationError):
        clean(EMAIL, dropdown)


def test_a_hidden_field_from_a_query_parameter_must_name_it():
    hidden = {"type": "hidden", "value": {"label": "Ad click", "source": "query", "value": ""}}
    with pytest.raises(StreamBlockValidationError):
        clean(EMAIL, hidden)


def test_a_choice_question_filling_a_property_with_choices_may_list_none():
    size = {"type": "dropdown", "value": {"label": "Company size", "property": "company_size"}}
    stream = clean(EMAIL, size)
    assert stream[1].value["name"] == "company_size"


def test_a_choice_question_without_choices_of_any_kind_is_refused():
    size = {"type": "dropdown", "value": {"label": "Company size"}}
    assert "Give 'Company size' its choices" in errors_of(EMAIL, size)
