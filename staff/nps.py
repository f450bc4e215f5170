"""NPS, written once: who is a promoter or a detractor, and how the score is computed and rounded.

- An answer is a score from 0 to 10 to "How likely are you to recommend the club?"
  (``SurveyResponse``).
- **Promoter**: 9 or 10 (PROMOTER_MIN); **passive**: 7 or 8; **detractor**: 0 to 6 (DETRACTOR_MAX).
- **NPS** of some answers = % promoters − % detractors, rounded half away from zero to a whole
  number from −100 to 100 (−12.5 is −13, 12.5 is 13); None when nobody answered.

The quality page, the staff member's page, the dashboard (the KPI, the monthly chart, the at-risk
"low survey score") and their CSV exports all count with ``nps_counts`` and score with
``nps_score``; the survey turns a detractor's answer into a complaint (``is_detractor``).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def category(score: int) -> str:
    """promoter, passive or detractor."""
    if score >= PROMOTER_MIN:
        return "promoter"
    if score > DETRACTOR_MAX:
        return "passive"
    return "detractor"


def is_detractor(score: int) -> bool:
    return score <= DETRACTOR_MAX


def detractor_q(prefix: str = "") -> Q:
    """An answer (``prefix``: the path to it) from a detractor."""
    return Q(**{f"{prefix}score__lte": DETRACTOR_MAX})


def nps_counts(prefix: str = "") -> dict:
    """The aggregates to ``annotate``/``aggregate`` a set of answers with (``prefix``: the path to
    the answers): answers, promoters, detractors."""
    return {
        "answers": Count(f"{prefix}id"),
        "promoters": Count(f"{prefix}id", filter=Q(**{f"{prefix}score__gte": PROMOTER_MIN})),
        "detractors": Count(f"{prefix}id", filter=detractor_q(prefix)),
    }


def nps_score(row: dict) -> int | None:
    """The NPS of a row of ``nps_counts``: a whole number from −100 to 100, None without answers."""
    if not row.get("answers"):
        return None
    share = Decimal(row["promoters"] - row["detractors"]) * 100 / Decimal(row["answers"])
    return int(share.quantize(Decimal("1"), ROUND_HALF_UP))


def nps_of(answers) -> dict:
    """answers, promoters, detractors and score of a queryset of ``SurveyResponse`` (one query)."""
    row = answers.aggregate(**nps_counts())
    return {**row, "score": nps_score(row)}
