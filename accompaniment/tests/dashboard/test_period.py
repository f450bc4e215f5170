"""The period the dashboard compares with (``accompaniment.dashboard.period``): a running month,
quarter or year with the same days of the previous one, whole months with whole months, at
month, quarter and year boundaries and around 29 February; and how the page labels it in
English, Russian and Ukrainian."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accompaniment.dashboard import Period, kpis
from clients.tests import factories as cf
from sales.tests import factories as sf
from staff.tests import factories as stf

D = datetime.date


def compared(preset: str, today: datetime.date) -> tuple:
    period = Period.of_preset(preset, today)
    previous = period.previous()
    return (period.start, period.end), (previous.start, previous.end), period.comparison_label()


@pytest.mark.parametrize("preset, today, dates, previous, label", [
    # A running month: the same days of the month before (1–7 December with 1–7 November).
    ("this_month", D(2025, 12, 7), (D(2025, 12, 1), D(2025, 12, 7)), (D(2025, 11, 1), D(2025, 11, 7)),
     "Same days last month"),
    # Across the year's boundary.
    ("this_month", D(2026, 1, 1), (D(2026, 1, 1), D(2026, 1, 1)), (D(2025, 12, 1), D(2025, 12, 1)),
     "Same days last month"),
    # A day the month before does not have is its last day.
    ("this_month", D(2025, 3, 30), (D(2025, 3, 1), D(2025, 3, 30)), (D(2025, 2, 1), D(2025, 2, 28)),
     "Same days last month"),
    ("this_month", D(2024, 3, 30), (D(2024, 3, 1), D(2024, 3, 30)), (D(2024, 2, 1), D(2024, 2, 29)),
     "Same days last month"),
    # On a month's last day the month is whole: with the whole month before.
    ("this_month", D(2025, 4, 30), (D(2025, 4, 1), D(2025, 4, 30)), (D(2025, 3, 1), D(2025, 3, 31)),
     "Previous month"),
    ("last_month", D(2025, 4, 10), (D(2025, 3, 1), D(2025, 3, 31)), (D(2025, 2, 1), D(2025, 2, 28)),
     "Previous month"),
    ("last_month", D(2024, 4, 10), (D(2024, 3, 1), D(2024, 3, 31)), (D(2024, 2, 1), D(2024, 2, 29)),
     "Previous month"),
    ("last_month", D(2026, 1, 5), (D(2025, 12, 1), D(2025, 12, 31)), (D(2025, 11, 1), D(2025, 11, 30)),
     "Previous month"),
    # A running quarter: the same days of the quarter before, across the year's boundary too.
    ("this_quarter", D(2025, 11, 20), (D(2025, 10, 1), D(2025, 11, 20)), (D(2025, 7, 1), D(2025, 8, 20)),
     "Same days last quarter"),
    ("this_quarter", D(2026, 1, 15), (D(2026, 1, 1), D(2026, 1, 15)), (D(2025, 10, 1), D(2025, 10, 15)),
     "Same days last quarter"),
    ("this_quarter", D(2024, 5, 31), (D(2024, 4, 1), D(2024, 5, 31)), (D(2024, 1, 1), D(2024, 2, 29)),
     "Same days last quarter"),
    ("this_quarter", D(2025, 12, 31), (D(2025, 10, 1), D(2025, 12, 31)), (D(2025, 7, 1), D(2025, 9, 30)),
     "Previous quarter"),
    # A running year: the same days of the year before; 29 February with 28 February.
    ("this_year", D(2025, 11, 20), (D(2025, 1, 1), D(2025, 11, 20)), (D(2024, 1, 1), D(2024, 11, 20)),
     "Same days last year"),
    ("this_year", D(2024, 2, 29), (D(2024, 1, 1), D(2024, 2, 29)), (D(2023, 1, 1), D(2023, 2, 28)),
     "Same days last year"),
    ("this_year", D(2025, 2, 28), (D(2025, 1, 1), D(2025, 2, 28)), (D(2024, 1, 1), D(2024, 2, 29)),
     "Same days last year"),
    ("this_year", D(2025, 12, 31), (D(2025, 1, 1), D(2025, 12, 31)), (D(2024, 1, 1), D(2024, 12, 31)),
     "Previous year"),
    # The last 12 months: the 12 months before them.
    ("last_12_months", D(2025, 11, 20), (D(2024, 11, 21), D(2025, 11, 20)),
     (D(2023, 11, 21), D(2024, 11, 20)), "Previous 12 months"),
    ("last_12_months", D(2024, 2, 29), (D(2023, 3, 1), D(2024, 2, 29)), (D(2022, 3, 1), D(2023, 2, 28)),
     "Previous 12 months"),
])
def test_a_period_is_compared_with_the_same_days_of_the_one_before(preset, today, dates, previous, label):
    with translation.override("en"):
        assert compared(preset, today) == (dates, previous, label)


@pytest.mark.parametrize("start, end, previous, label", [
    # Whole calendar months with as many whole months before them.
    (D(2025, 10, 1), D(2025, 10, 31), (D(2025, 9, 1), D(2025, 9, 30)), "Previous month"),
    (D(2025, 10, 1), D(2025, 12, 31), (D(2025, 7, 1), D(2025, 9, 30)), "Previous quarter"),
    (D(2025, 11, 1), D(2025, 12, 31), (D(2025, 9, 1), D(2025, 10, 31)), "Previous 2 months"),
    (D(2024, 3, 1), D(2024, 3, 31), (D(2024, 2, 1), D(2024, 2, 29)), "Previous month"),
    (D(2025, 1, 1), D(2025, 12, 31), (D(2024, 1, 1), D(2024, 12, 31)), "Previous year"),
    # Any other range: as many days just before it.
    (D(2025, 10, 10), D(2025, 10, 16), (D(2025, 10, 3), D(2025, 10, 9)), "Previous 7 days"),
    (D(2024, 3, 1), D(2024, 3, 1), (D(2024, 2, 29), D(2024, 2, 29)), "Previous 1 day"),
])
def test_a_custom_range_is_compared_by_whole_months_or_by_its_days(start, end, previous, label):
    period = Period(start, end)
    with translation.override("en"):
        assert ((period.previous().start, period.previous().end), period.comparison_label()) == (previous, label)


@pytest.mark.parametrize("language, labels", [
    ("en", ["Same days last month", "Previous quarter", "Previous 7 days"]),
    ("ru", ["Те же дни прошлого месяца", "Прошлый квартал", "Предыдущие 7 дней"]),
    ("uk", ["Ті самі дні минулого місяця", "Минулий квартал", "Попередні 7 днів"]),
])
def test_the_comparison_is_labelled_in_each_language(language, labels):
    periods = [
        Period.of_preset("this_month", D(2025, 12, 7)),
        Period(D(2025, 10, 1), D(2025, 12, 31)),
        Period(D(2025, 10, 10), D(2025, 10, 16)),
    ]
    with translation.override(language):
        assert [period.comparison_label() for period in periods] == labels


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


@pytest.mark.django_db
def test_a_running_month_counts_only_the_same_days_of_the_month_before():
    fitness = stf.DepartmentFactory(name="Fitness", code="fitness")
    client = cf.ClientFactory()
    for amount, when in (("500.00", local(2025, 11, 5, 12)), ("300.00", local(2025, 11, 20, 12)),
                         ("700.00", local(2025, 12, 3, 12))):
        sf.SaleFactory(client=client, department=fitness, unit_price=Decimal(amount), sold_at=when)
    period = Period.of_preset("this_month", D(2025, 12, 7), now=local(2025, 12, 7, 18))
    revenue = next(row for row in kpis(period) if row["key"] == "revenue")
    # 1–7 December against 1–7 November: the sale of 20 November is not compared.
    assert (revenue["value"], revenue["previous"], revenue["change"]) == (
        Decimal("700.00"), Decimal("500.00"), Decimal("200.00"))


@pytest.mark.django_db
@pytest.mark.parametrize("language, text", [
    ("en", "compared with: Previous month, 01.09.2025 – 30.09.2025"),
    ("ru", "в сравнении с: Прошлый месяц, 01.09.2025 – 30.09.2025"),
    ("uk", "порівняно з: Минулий місяць, 01.09.2025 – 30.09.2025"),
])
def test_the_page_says_what_it_compares_with_the_dates_of_both(client, director, language, text):
    client.force_login(director)
    client.post(reverse("set_language"), {"language": language, "next": reverse("home")})
    october = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31"}
    response = client.get(reverse("dashboard"), october)
    html = response.content.decode()
    assert text in html
    label = text.split(": ")[1].split(",")[0]
    assert html.count(f"{label}: <span data-testid=\"kpi-previous\">") == len(response.context["cards"])
    header = client.get(reverse("dashboard"), {**october, "export": "kpis"}).content.decode().splitlines()[0]
    assert "01.10.2025 – 31.10.2025" in header and text.split(": ")[1] in header
