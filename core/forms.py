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
    """A select whose options carry ``data-*`` attributes read from their object (``data_of``:
    object → {name: value}), for a script on the page — the price of each plan or service, the
    discount of each promotion."""

    def __init__(self, *args, data_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_of = data_of

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None and self.data_of is not None:
            option["attrs"].update({f"data-{key}": data for key, data in self.data_of(instance).items()})
        return option
