"""Who provides what, and the contraindication rule, each written once.

A specialist **provides** a service when it is among the services they deliver
(``StaffMember.services``): a program's line, an accepted recommendation added to a program and
the admin's program items name only such a specialist (or none: any of them); the program form
offers only those.

The contraindication rule.

A service lists the health flags it is contraindicated for (``Service.contraindications``); a
client carries theirs (``Client.contraindications``). When they share a flag, the service is
**contraindicated for the client**: putting it in their program, offering it to them (an offer
of a service, or a specialist's recommendation the manager accepts and offers or adds to the
program), here or in the admin site, is refused — with the flags named, next to the reason's
field — unless the manager gives a reason, which is kept with the program item or the offer.
Without a shared flag there is nothing to confirm and no reason is kept.

Programs (``programs.services``), offers and recommendations (``sales.services``) and the admin's
program item and offer forms all call ``contraindication_check``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def provides(specialist, service) -> bool:
    """Whether ``specialist`` delivers ``service`` (reads ``specialist.services``: prefetch it
    for lists)."""
    return any(delivered.pk == service.pk for delivered in specialist.services.all())


def not_provided_message(specialist, service) -> str:
    return _("%(specialist)s does not provide %(service)s: choose one who does, or leave it to any.") % {
        "specialist": specialist, "service": service,
    }


def contraindications_conflict(client, service) -> list:
    """The client's health flags that the service lists as contraindications (none without a
    service). Reads ``client.contraindications`` and ``service.contraindications`` (prefetch
    them for lists)."""
    if client is None or service is None:
        return []
    client_flags = {flag.pk: flag for flag in client.contraindications.all()}
    return [client_flags[flag.pk] for flag in service.contraindications.all() if flag.pk in client_flags]


def contraindication_message(service, conflicts: list) -> str:
    return _(
        "%(service)s is contraindicated for this client (%(flags)s). Go ahead only with "
        "a reason, which is recorded."
    ) % {"service": service, "flags": ", ".join(str(flag) for flag in conflicts)}


def contraindication_check(*, client, service, reason: str = "", field: str = "contraindication_reason") -> str:
    """The reason to keep for giving ``service`` to ``client``: "" when the service is not
    contraindicated for them, the reason (stripped) when it is; a ValidationError for ``field``,
    naming the flags, when it is and no reason is given."""
    conflicts = contraindications_conflict(client, service)
    if not conflicts:
        return ""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: contraindication_message(service, conflicts)}, code="contraindicated")
    return reason


def contraindication_form_check(form, *, client, service, field: str, given_by: set[str]) -> None:
    """``contraindication_check`` in a model form that gives ``service`` to ``client`` (the admin's
    program item and offer forms), from its ``clean()``: the refusal goes next to ``field``, the
    reason to keep into ``cleaned_data``. A saved row none of whose ``given_by`` fields (nor the
    reason) changed gives nothing anew and is left as it is."""
    if form.instance.pk and not (given_by | {field}) & set(form.changed_data):
        return
    try:
        form.cleaned_data[field] = contraindication_check(
            client=client, service=service, reason=form.cleaned_data.get(field, ""), field=field
        )
    except ValidationError as error:
        form.add_error(None, error)
