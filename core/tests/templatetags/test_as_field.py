"""``|as_field`` writes a field as crispy's ``|as_crispy_field`` does (bootstrap5), without its
templates: the same elements, attributes and text, whatever the widget, value or state; what it
does not write itself (errors, help text, other widgets) crispy writes."""

import datetime

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from core.forms import DataSelect, DateInput, bootstrap_field
from core.templatetags.crm import as_field


class Sample(forms.Form):
    name = forms.CharField(label="Name <b>", widget=forms.TextInput(attrs={"placeholder": "A & B", "autofocus": True}))
    note = forms.CharField(label="Note", required=False, max_length=20)
    email = forms.EmailField(label="E-mail", required=False)
    days = forms.IntegerField(label="Days", required=False, min_value=0, max_value=366,
                              widget=forms.NumberInput(attrs={"min": 0, "max": 366}))
    price = forms.DecimalField(label="Price", required=False, localize=True)
    day = forms.DateField(label="Day", required=False, widget=DateInput())
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "---------"), ("a", "A & a"), ("b", "B")])
    grouped = forms.ChoiceField(label="Grouped", required=False,
                                choices=[("", "—"), ("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("x", "X")])
    many = forms.MultipleChoiceField(label="Many", required=False, choices=[("1", "One"), ("2", "Two")])
    known = forms.NullBooleanField(label="Known", required=False)
    safe = forms.ChoiceField(label="Safe", required=False, choices=[("a", mark_safe("<b>A</b>")), ("b", "B & b")])
    priced = forms.ChoiceField(label="Priced", required=False, choices=[("", "—"), ("a", "A"), ("b", "B")],
                               widget=DataSelect(data_by_value={"a": {"price": "5.00"}, "b": {"price": "7 & 8"}}))
    agree = forms.BooleanField(label="I agree", required=False)
    sure = forms.BooleanField(label="Sure", required=True)
    locked = forms.CharField(label="Locked", required=False, disabled=True, initial="fixed")
    styled = forms.CharField(label="Styled", required=False, widget=forms.TextInput(attrs={"class": "w-auto"}))
    hinted = forms.CharField(label="Hinted", required=False, help_text="A hint")
    secret = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label="Text", required=False, widget=forms.Textarea)
    unlabelled = forms.CharField(label="", required=False)


DATA = {
    "name": '"Iryna" <script>', "note": "", "email": "a@example.com", "days": "7", "price": "12.50", "day": "2026-12-07",
    "kind": "a", "grouped": "pear", "many": ["1", "2"], "priced": "b", "known": "true", "safe": "a", "agree": "on", "sure": "on", "styled": "x",
}


def same_markup(field) -> None:
    assert parse_html(str(as_field(field))) == parse_html(str(as_crispy_field(field)))


@pytest.mark.parametrize("state", ["unbound", "bound", "initial", "invalid"])
def test_each_field_is_written_as_crispy_writes_it(state):
    if state == "unbound":
        form = Sample()
    elif state == "initial":
        form = Sample(initial={"name": "Olena", "kind": "b", "agree": True, "day": datetime.date(2026, 1, 2)})
    elif state == "bound":
        form = Sample(DATA)
        assert form.is_valid(), form.errors
    else:
        form = Sample({"days": "999", "email": "nope", "kind": "zzz"})
        assert not form.is_valid()
    for name in form.fields:
        same_markup(form[name])


def test_plain_fields_are_written_without_crispy_and_the_rest_through_it():
    form = Sample({"days": "999"})
    form.is_valid()
    written = {name for name in form.fields if bootstrap_field(form[name]) is not None}
    assert written == {"note", "email", "price", "day", "kind", "grouped", "many", "priced", "known", "safe",
                       "agree", "locked", "styled", "unlabelled"}
    # Errors (name, sure, days), help text, hidden fields and other widgets are crispy's.
    assert {"name", "sure", "days", "hinted", "secret", "text"}.isdisjoint(written)


def test_a_select_whose_options_carry_data_keeps_them():
    written = str(as_field(Sample({"priced": "b"})["priced"]))
    assert 'value="a" data-price="5.00"' in written
    assert 'value="b" selected data-price="7 &amp; 8"' in written


@pytest.mark.parametrize("value", ["true", "false", "unknown", None])
def test_a_yes_no_select_keeps_its_choice(value):
    """``NullBooleanSelect`` writes its value as one text, not a list: the option chosen is selected."""
    field = Sample({} if value is None else {"known": value})["known"]
    written = str(as_field(field))
    assert written.count(" selected") == 1
    assert f'value="{value or "unknown"}" selected' in written
