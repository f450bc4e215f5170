"""The staff's followers (``core.rollups.follow``): feedback and survey answers bump the versions
of the months they land on (``clients.FiguresVersion``), so that the dashboard's cached figures
of a closed period are computed again when a backdated one touches them."""

from core.rollups import dated_follower

dated_follower("figures: feedback", "staff_feedback", ("received_at", "resolved_at"))
dated_follower("figures: survey answers", "staff_surveyresponse", ("answered_at",))
