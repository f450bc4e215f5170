"""What must never be stored is refused twice: by full_clean (a clear message for forms and the
admin) and by the database itself (a constraint, whatever code path writes the row)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import Client, Membership, Notification, Task
from clients.tests import factories as cf
from programs.models import Program, Session
from programs.tests import factories as pf
from sales.models import Offer, Recommendation, Sale
from sales.tests import factories as sf
from staff.models import Competency, Feedback, StaffMember
from staff.tests import factories as stf

TODAY = datetime.date(2026, 11, 22)


def changed(obj, **values):
    """An existing valid row with some values changed (not saved yet)."""
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


def second_client_with(**values):
    cf.ClientFactory(**values)
    return cf.ClientFactory.build(**values)


def self_referring_client():
    client = cf.ClientFactory()
    return changed(client, referred_by=client)


def second_open_freeze():
    freeze = cf.FreezeFactory(end_date=None)
    return cf.FreezeFactory.build(membership=freeze.membership, end_date=None)


def second_card():
    membership = cf.MembershipFactory(card_number="A-100")
    return cf.MembershipFactory.build(
        client=membership.client, plan=membership.plan, card_number="A-100"
    )


def second_head():
    head = stf.StaffMemberFactory(is_head_of_department=True, role=StaffMember.Role.MANAGER)
    return stf.StaffMemberFactory.build(department=head.department, is_head_of_department=True)


def second_active_program():
    program = pf.ProgramFactory(status=Program.Status.ACTIVE)
    return pf.ProgramFactory.build(client=program.client, status=Program.Status.ACTIVE)


def duplicate_service_name():
    service = stf.ServiceFactory(name="Classic massage")
    return stf.ServiceFactory.build(department=service.department, name="Classic massage")


def duplicate_pay_rate_date():
    rate = stf.PayRateFactory()
    return stf.PayRateFactory.build(staff_member=rate.staff_member)


def duplicate_competency():
    score = stf.CompetencyScoreFactory()
    return stf.CompetencyScoreFactory.build(assessment=score.assessment)


def duplicate_dedup_key():
    cf.NotificationFactory(dedup_key="expiry:1:7")
    return cf.NotificationFactory.build(client=cf.ClientFactory(), dedup_key="expiry:1:7")


def duplicate_task_key():
    cf.TaskFactory(dedup_key="renewal:1")
    return cf.TaskFactory.build(client=cf.ClientFactory(), dedup_key="renewal:1")


def duplicate_sku():
    product = sf.ProductFactory(sku="CR-1")
    return sf.ProductFactory.build(department=product.department, sku="CR-1")


def duplicate_policy():
    sf.UpsellPolicyFactory(stage=Client.Stage.LOYALTY)
    return sf.UpsellPolicyFactory.build(stage=Client.Stage.LOYALTY)


def recommendation_with_two_items():
    recommendation = sf.RecommendationFactory()
    return changed(recommendation, product=sf.ProductFactory())


def offer_with_two_items():
    offer = sf.OfferFactory()
    return changed(offer, service=stf.ServiceFactory())


def refund_free_sale_with_negative_amount():
    sale = sf.SaleFactory()
    Sale.objects.filter(pk=sale.pk)  # the row itself stays valid; the change is below
    return changed(sale, discount=Decimal("600.00"))


CASES = [
    # clients
    ("duplicate phone", lambda: second_client_with(phone="+380501112233"), "phone number already exists"),
    ("duplicate e-mail, other case", lambda: (cf.ClientFactory(email="Olena@Example.com"), cf.ClientFactory.build(email="olena@example.com"))[1], "e-mail already exists"),
    ("client without first name", lambda: changed(cf.ClientFactory(), first_name=""), "first_name"),
    ("birth date in 1850", lambda: changed(cf.ClientFactory(), birth_date=datetime.date(1850, 1, 1)), "too far in the past"),
    ("client referring themselves", self_referring_client, "cannot refer themselves"),
    ("weight of 0 kg", lambda: changed(cf.MeasurementFactory(), weight_kg=Decimal("0")), "Weight must be"),
    ("body fat of 150 %", lambda: changed(cf.MeasurementFactory(), body_fat_percent=Decimal("150")), "Body fat must be"),
    ("measurement with no value", lambda: changed(cf.MeasurementFactory(), weight_kg=None, waist_cm=None), "at least one measured value"),
    ("negative plan price", lambda: changed(cf.MembershipPlanFactory(), price=Decimal("-1")), "greater than or equal to 0"),
    ("plan of 0 days", lambda: changed(cf.MembershipPlanFactory(), duration_days=0), "greater than or equal to 1"),
    ("plan with 0 visits", lambda: changed(cf.MembershipPlanFactory(), visit_limit=0), "greater than or equal to 1"),
    ("membership ending before it starts", lambda: changed(cf.MembershipFactory(), end_date=timezone.localdate() - datetime.timedelta(days=1)), "end date cannot be before the start date"),
    ("negative membership price", lambda: changed(cf.MembershipFactory(), price=Decimal("-5")), "greater than or equal to 0"),
    ("more visits than the limit", lambda: changed(cf.MembershipFactory(visit_limit=8), visits_used=9), "cannot exceed the visit limit"),
    ("duplicate card number", second_card, "card number already exists"),
    ("cancelled without a date", lambda: changed(cf.MembershipFactory(), status=Membership.Status.CANCELLED), "date it was cancelled"),
    ("freeze ending before it starts", lambda: changed(cf.FreezeFactory(), end_date=timezone.localdate() - datetime.timedelta(days=1)), "cannot end before it starts"),
    ("freeze without a reason", lambda: changed(cf.FreezeFactory(), reason=""), "reason"),
    ("second open freeze", second_open_freeze, "already has an open freeze"),
    ("check-out before check-in", lambda: (lambda v: changed(v, checked_out_at=v.checked_in_at - datetime.timedelta(minutes=5)))(cf.VisitFactory()), "Check-out cannot be before check-in"),
    ("interaction without summary", lambda: changed(cf.InteractionFactory(), summary=""), "summary"),
    ("task without title", lambda: changed(cf.TaskFactory(), title=""), "title"),
    ("done task without completion time", lambda: changed(cf.TaskFactory(), status=Task.Status.DONE), "time it was completed"),
    ("duplicate automatic task", duplicate_task_key, "already exists"),
    ("message to nobody", lambda: changed(cf.NotificationFactory(), client=None), "either to a client or to a staff user"),
    ("duplicate message key", duplicate_dedup_key, "already exists"),
    ("sent message without time", lambda: changed(cf.NotificationFactory(), status=Notification.Status.SENT), "time it was sent"),
    # staff
    ("negative service price", lambda: changed(stf.ServiceFactory(), price=Decimal("-1")), "greater than or equal to 0"),
    ("service of 3 minutes", lambda: changed(stf.ServiceFactory(), duration_minutes=3), "greater than or equal to 5"),
    ("duplicate service name in a department", duplicate_service_name, "already has a service with this name"),
    ("two heads of one department", second_head, "already has a head"),
    ("profit share of 150 %", lambda: changed(stf.PayRateFactory(), profit_share_percent=Decimal("150")), "less than or equal to 100"),
    ("negative salary", lambda: changed(stf.PayRateFactory(), monthly_salary=Decimal("-1")), "greater than or equal to 0"),
    ("two pay rates from one date", duplicate_pay_rate_date, "already has a rate from this date"),
    ("rating of 6", lambda: changed(stf.FeedbackFactory(), rating=6), "less than or equal to 5"),
    ("rating of 0", lambda: changed(stf.FeedbackFactory(), rating=0), "greater than or equal to 1"),
    ("feedback about nobody", lambda: changed(stf.FeedbackFactory(), staff_member=None, service=None), "staff member or service"),
    ("resolved thanks", lambda: changed(stf.FeedbackFactory(kind=Feedback.Kind.THANKS), status=Feedback.Status.RESOLVED, resolution="ok", resolved_at=timezone.now()), "Only complaints are resolved"),
    ("resolved without resolution", lambda: changed(stf.FeedbackFactory(kind=Feedback.Kind.COMPLAINT), status=Feedback.Status.RESOLVED), "needs its resolution"),
    ("NPS of 11", lambda: changed(stf.SurveyResponseFactory(), score=11), "less than or equal to 10"),
    ("competency score of 6", lambda: changed(stf.CompetencyScoreFactory(), score=6), "less than or equal to 5"),
    ("competency scored twice", duplicate_competency, "already scored"),
    ("assessment of nobody", lambda: changed(stf.CompetencyAssessmentFactory(), candidate_name=""), "name the candidate"),
    # programs
    ("template item of 0 sessions", lambda: changed(pf.ProgramTemplateItemFactory(), sessions_count=0), "greater than or equal to 1"),
    ("15 sessions a week", lambda: changed(pf.ProgramItemFactory(), sessions_per_week=15), "less than or equal to 14"),
    ("program ending before it starts", lambda: changed(pf.ProgramFactory(), end_date=timezone.localdate() - datetime.timedelta(days=3)), "end date cannot be before"),
    ("second active program", second_active_program, "already has an active program"),
    ("done session without time", lambda: changed(pf.SessionFactory(), status=Session.Status.DONE), "needs the time"),
    # sales
    ("negative product price", lambda: changed(sf.ProductFactory(), price=Decimal("-1")), "greater than or equal to 0"),
    ("duplicate SKU", duplicate_sku, "already exists"),
    ("recommendation of two items", recommendation_with_two_items, "either a service or a product"),
    ("declined without reason", lambda: changed(sf.RecommendationFactory(), status=Recommendation.Status.DECLINED, decided_at=timezone.now()), "reason for declining"),
    ("promotion ending before it starts", lambda: changed(sf.PromotionFactory(), ends_on=datetime.date(2026, 10, 1)), "cannot end before it starts"),
    ("discount of 120 %", lambda: changed(sf.PromotionFactory(), discount_percent=Decimal("120")), "less than or equal to 100"),
    ("offer of two items", offer_with_two_items, "one service, product or membership plan"),
    ("offer from an unlinked recommendation", lambda: changed(sf.OfferFactory(), source=Offer.Source.RECOMMENDATION), "Link the recommendation"),
    ("sale of 0 items", lambda: changed(sf.SaleFactory(), quantity=0), "greater than or equal to 1"),
    ("discount above the price", refund_free_sale_with_negative_amount, "cannot exceed the price"),
    ("membership sale without membership", lambda: changed(sf.SaleFactory(), kind=Sale.Kind.MEMBERSHIP), "names the membership"),
    ("negative expense", lambda: changed(sf.DepartmentExpenseFactory(), amount=Decimal("-10")), "greater than or equal to 0"),
    ("two policies for one stage", duplicate_policy, "already exists"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("make_bad, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_row_is_refused_with_a_message_and_by_the_database(make_bad, message):
    bad = make_bad()
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    # The expected text is either part of the message or the field the message stands next to.
    assert message in " ".join(error.value.messages) or message in error.value.message_dict

    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()


@pytest.mark.django_db
def test_a_refund_is_the_only_negative_sale():
    sale = sf.SaleFactory(kind=Sale.Kind.REFUND, unit_price=Decimal("500.00"))
    assert sale.amount == Decimal("-500.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Sale.objects.filter(pk=sale.pk).update(kind=Sale.Kind.SERVICE)


@pytest.mark.django_db
def test_sale_amount_is_quantity_times_price_less_discount():
    sale = sf.SaleFactory(quantity=3, unit_price=Decimal("250.00"), discount=Decimal("75.50"))
    sale.refresh_from_db()
    assert sale.amount == Decimal("674.50")


@pytest.mark.django_db
def test_birth_date_in_the_future_is_refused_by_the_form_rules():
    client = cf.ClientFactory.build(birth_date=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        client.full_clean()
    assert "cannot be in the future" in " ".join(error.value.messages)


@pytest.mark.django_db
def test_specialist_outside_the_service_department_is_refused():
    item = pf.ProgramItemFactory()
    item.specialist = stf.StaffMemberFactory()  # another department
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "must belong to the service's department" in " ".join(error.value.messages)


def test_competencies_are_the_six_of_the_brief():
    assert len(Competency.choices) == 6
