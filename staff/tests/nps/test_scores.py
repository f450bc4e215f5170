"""NPS (staff.nps): who is a promoter or a detractor, one rounding, None without answers."""

import pytest

from staff import nps
from staff.models import SurveyResponse
from staff.tests import factories as stf


@pytest.mark.parametrize("score, category", [(10, "promoter"), (9, "promoter"), (8, "passive"), (7, "passive"),
                                             (6, "detractor"), (0, "detractor")])
def test_each_score_has_one_category(score, category):
    assert nps.category(score) == category
    assert nps.is_detractor(score) is (category == "detractor")


@pytest.mark.parametrize(
    "promoters, detractors, answers, score",
    [
        (3, 2, 8, 13),  # 12.5 rounds half away from zero
        (2, 3, 8, -13),  # -12.5
        (1, 1, 3, 0),
        (2, 1, 3, 33),  # 33.3
        (2, 0, 3, 67),  # 66.7
        (5, 0, 5, 100),
        (0, 4, 4, -100),
        (0, 0, 0, None),
    ],
)
def test_the_score_is_promoters_minus_detractors_rounded_half_away_from_zero(promoters, detractors, answers, score):
    assert nps.nps_score({"promoters": promoters, "detractors": detractors, "answers": answers}) == score


@pytest.mark.django_db
def test_the_database_counts_what_the_categories_say():
    for score in (10, 9, 8, 7, 6, 5, 0):
        stf.SurveyResponseFactory(score=score)
    assert nps.nps_of(SurveyResponse.objects.all()) == {"answers": 7, "promoters": 2, "detractors": 3, "score": -14}
    assert [r.category for r in SurveyResponse.objects.order_by("-score")] == [nps.category(s) for s in (10, 9, 8, 7, 6, 5, 0)]
