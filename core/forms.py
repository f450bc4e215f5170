"""Form pieces every app shares."""

import copy
from collections.abc import Iterable

from django import forms
from django_filters.widgets import BaseCSVWidget


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


# --- A form field as crispy's bootstrap5 pack writes it, without its templates -------------------
# Crispy renders a field through a dozen nested templates (and Django a select through one
# template per option): about a millisecond per field, a third of a busy list page. For the
# plain cases below the same markup is written here directly; anything else goes to crispy.
_INPUT_TEMPLATE = "django/forms/widgets/{}.html"
_SELECT_TEMPLATES = ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html")


def _plain_widget(widget) -> bool:
    """Whether ``widget`` renders through Django's own input or select templates (no subclass
    with a template or a ``render`` of its own but django-filter's CSV widgets, see ``_value``)."""
    if type(widget).render not in (forms.Widget.render, BaseCSVWidget.render):
        return False
    if isinstance(widget, forms.Select):
        return (widget.template_name, widget.option_template_name) == _SELECT_TEMPLATES
    if isinstance(widget, forms.widgets.Input):
        return widget.input_type != "file" and widget.template_name == _INPUT_TEMPLATE.format(widget.input_type)
    return False


def _value(widget, value):
    """The value ``widget.render`` renders: django-filter's CSV widgets (the list's sort) render
    one value or none as their select or input does (``BaseCSVWidget.render``), several as a text
    input (``_MANY``: left to them)."""
    if not isinstance(widget, BaseCSVWidget):
        return value
    values = value if isinstance(value, Iterable) and not isinstance(value, str) else [value]
    if len(values) > 1:
        return _MANY
    return values[0] if values else ""


_MANY = object()


def _attributes(attrs: dict) -> str:
    """Django's ``django/forms/widgets/attrs.html``: ``False`` left out, ``True`` as a bare name."""
    from django.utils.html import escape

    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items() if value is not False
    )


def _widget_html(bound_field, value, css_class: str) -> str:
    """The widget as ``BoundField.as_widget`` renders it, with crispy's classes (the widget's
    class name, then ``css_class``) added to its own as crispy's ``crispy_field`` does."""
    from django.utils.html import conditional_escape, escape

    widget = copy.copy(bound_field.field.widget)
    classes = widget.attrs.get("class", "")
    kind = widget.__class__.__name__.lower()
    classes = (f"{classes} {kind}" if kind not in classes else classes) if classes else kind
    for name in css_class.split():
        if name not in classes.split():
            classes += " " + name
    widget.attrs = {**widget.attrs, "class": classes}
    if bound_field.field.localize:
        widget.is_localized = True
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    if isinstance(widget, forms.Select) and _plain_options(widget):
        written = _options_html(widget, value)
        if written is not None:
            attrs = widget.build_attrs(widget.attrs, attrs)
            if widget.allow_multiple_selected:
                attrs["multiple"] = True
            return f'<select name="{escape(bound_field.html_name)}"{_attributes(attrs)}>{written}</select>'
    context = widget.get_context(bound_field.html_name, value, attrs)["widget"]
    if isinstance(widget, forms.Select):
        options = []
        for group_name, group, _index in context["optgroups"]:
            if group_name:
                options.append(f'<optgroup label="{escape(group_name)}">')
            options += [
                f'<option value="{escape(option["value"])}"{_attributes(option["attrs"])}>{conditional_escape(option["label"])}</option>'
                for option in group
            ]
            if group_name:
                options.append("</optgroup>")
        return f'<select name="{escape(context["name"])}"{_attributes(context["attrs"])}>{"".join(options)}</select>'
    value = f' value="{escape(context["value"])}"' if context["value"] is not None else ""
    return f'<input type="{escape(context["type"])}" name="{escape(context["name"])}"{value}{_attributes(context["attrs"])}>'


def _plain_options(widget) -> bool:
    """Whether ``widget``'s options are Django's own (no ``get_context``, ``optgroups`` or
    ``create_option`` of a subclass, such as ``DataSelect``'s ``data-*`` attributes), with no
    attributes of their own."""
    kind = type(widget)
    return (kind.get_context is forms.Select.get_context and kind.optgroups is forms.Select.optgroups
            and kind.create_option is forms.Select.create_option and not widget.option_inherits_attrs)


def _options_html(widget, value) -> str | None:
    """The options as ``Select.optgroups`` and its option template write them, read straight
    from the choices (a model choice field's iterator reads its rows here, once), or None when
    a choice is a group (left to Django)."""
    from django.utils.html import conditional_escape, escape

    # As ``optgroups`` tests it: a list of values, or one text (``NullBooleanSelect``'s).
    chosen = widget.format_value(value)
    selected_one = False
    options = []
    for option_value, label in widget.choices:
        if isinstance(label, (list, tuple)):
            return None
        option_value = "" if option_value is None else str(option_value)
        selected = (not selected_one or widget.allow_multiple_selected) and option_value in chosen
        selected_one |= selected
        options.append(f'<option value="{escape(option_value)}"{" selected" if selected else ""}>{conditional_escape(label)}</option>')
    return "".join(options)


def bootstrap_field(bound_field):
    """``bound_field`` as crispy's ``as_crispy_field`` writes it with the bootstrap5 pack (label,
    widget and their classes; a checkbox in its ``form-check``), or None when crispy must: a
    hidden field, one with errors or help text, a widget with a template of its own."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    field = bound_field.field
    if bound_field.is_hidden or bound_field.errors or bound_field.help_text or not _plain_widget(field.widget):
        return None
    value = _value(field.widget, bound_field.value())
    if value is _MANY:
        return None
    label = escape(bound_field.label) if bound_field.label else ""
    label_for = f' for="{bound_field.id_for_label}"' if bound_field.id_for_label else ""
    required = " requiredField" if field.required else ""
    asterisk = '<span class="asteriskField">*</span>' if field.required else ""
    extra = bound_field.css_classes()
    extra = f" {extra}" if extra else ""
    if isinstance(field.widget, forms.CheckboxInput):
        return mark_safe(
            f'<div class="mb-3"><div id="div_{bound_field.auto_id}" class="form-check{extra}">'
            f'{_widget_html(bound_field, value, "form-check-input")}'
            f'<label{label_for} class="form-check-label{required}">{label}{asterisk}</label>'
            f"</div></div>"
        )
    css_class = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
    label_html = (
        f'<label{label_for} class="form-label{required}">{label}{asterisk}</label>' if label else ""
    )
    return mark_safe(
        f'<div id="div_{bound_field.auto_id}" class="mb-3{extra}">{label_html}{_widget_html(bound_field, value, css_class)}</div>'
    )
