"""Form pieces every app shares."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def apply_service_errors(form, error) -> None:
    """Show a service's ValidationError next to the form's fields (or on top of the form)."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


class DataSelect(forms.Select):
    """A select whose options carry ``data-*`` attributes for a script on the page — the price
    of each plan or service, the discount of each promotion, the services of each specialist:
    read from each option's object (``data_of``: object → {name: value}), or given by value
    (``data_by_value``: {value: {name: value}}, for choices that are plain values)."""

    def __init__(self, *args, data_of=None, data_by_value=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_of = data_of
        self.data_by_value = data_by_value or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        data = self.data_of(instance) if instance is not None and self.data_of is not None else {}
        data = data or self.data_by_value.get(str(value), {})
        option["attrs"].update({f"data-{key}": item for key, item in data.items()})
        return option
