"""The staff app's models, a module each by what they record (wger's style), re-exported
here: ``from staff.models import Feedback`` keeps working.

- ``catalog.py``: what the club offers: departments (blocks) and services;
- ``people.py``: who works there: staff members and their pay rates;
- ``feedback.py``: what clients say: feedback and quality-survey answers;
- ``assessment.py``: competency assessments at hiring and probation;
- ``schedule.py``: where and when people work: rooms, opening hours, holidays, working hours.
"""

from .assessment import AssessmentTool, Competency, CompetencyAssessment, CompetencyScore, DEFAULT_TOOL
from .catalog import Department, RoomKind, Service
from .feedback import Feedback, SurveyResponse
from .people import PayRate, StaffMember
from .schedule import Holiday, OpeningHours, Room, Weekday, WorkException, WorkingHours

__all__ = [
    "AssessmentTool",
    "Competency",
    "CompetencyAssessment",
    "CompetencyScore",
    "DEFAULT_TOOL",
    "Department",
    "Feedback",
    "Holiday",
    "OpeningHours",
    "PayRate",
    "Room",
    "RoomKind",
    "Service",
    "StaffMember",
    "SurveyResponse",
    "Weekday",
    "WorkException",
    "WorkingHours",
]
