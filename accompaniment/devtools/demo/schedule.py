"""The demo club's schedule: rooms, opening hours, each specialist's week with a day off, and the
room kind and buffer of each service — written once, left alone when they are there."""

import datetime

from staff.models import OpeningHours, Room, RoomKind, Service, WorkingHours

# department code -> [(name, kind, capacity)]
ROOMS = {
    "fitness": [("Тренажерний зал", RoomKind.GYM, 30), ("Студія", RoomKind.STUDIO, 12), ("Басейн", RoomKind.POOL, 12)],
    "spa": [("Масажний кабінет 1", RoomKind.MASSAGE, 1), ("Масажний кабінет 2", RoomKind.MASSAGE, 1),
            ("SPA-зона", RoomKind.SPA, 4)],
    "cosmetology": [("Кабінет косметолога 1", RoomKind.COSMETOLOGY, 1),
                    ("Кабінет косметолога 2", RoomKind.COSMETOLOGY, 1)],
}
OPENS, CLOSES = datetime.time(7, 0), datetime.time(22, 0)
WEEKEND_OPENS, WEEKEND_CLOSES = datetime.time(9, 0), datetime.time(20, 0)
SHIFT = (datetime.time(8, 0), datetime.time(21, 0))
HOURS_FROM = datetime.date(2020, 1, 1)


def room_kind_of(service: Service) -> str:
    """What room a demo service needs: massages a massage room, other SPA rituals the SPA zone,
    cosmetology a cabinet, group trainings the studio, the rest of fitness the gym."""
    code = service.department.code
    name = service.name.lower()
    if code == "spa":
        return RoomKind.MASSAGE if "масаж" in name else RoomKind.SPA
    if code == "cosmetology":
        return RoomKind.COSMETOLOGY
    if "басейн" in name or "аква" in name:
        return RoomKind.POOL
    return RoomKind.STUDIO if "груп" in name or "функціональн" in name else RoomKind.GYM


def write_schedule(club) -> None:
    """Rooms, the club's hours and the specialists' weeks (a day off each, turn by turn)."""
    for code, rows in ROOMS.items():
        for name, kind, capacity in rows:
            club._get_or_create(Room, "rooms", department=club.departments[code], name=name,
                                defaults={"kind": kind, "capacity": capacity})
    for weekday in range(7):
        weekend = weekday >= 5
        club._get_or_create(OpeningHours, "opening hours", weekday=weekday, defaults={
            "opens_at": WEEKEND_OPENS if weekend else OPENS, "closes_at": WEEKEND_CLOSES if weekend else CLOSES})
    for service in club.services.values():
        if not service.room_kind:
            service.room_kind = room_kind_of(service)
            service.buffer_minutes = 15 if service.room_kind in (RoomKind.MASSAGE, RoomKind.COSMETOLOGY) else 0
            service.save(update_fields=["room_kind", "buffer_minutes"])
    rows = []
    having = set(WorkingHours.objects.values_list("staff_member_id", flat=True).distinct())
    for index, member in enumerate(sorted(club.specialists, key=lambda m: m.pk)):
        if member.pk in having:
            continue
        day_off = index % 7
        rows += [WorkingHours(staff_member=member, valid_from=HOURS_FROM, weekday=weekday,
                              starts_at=SHIFT[0], ends_at=SHIFT[1])
                 for weekday in range(7) if weekday != day_off]
    club.bulk(WorkingHours, rows, "working hours")
