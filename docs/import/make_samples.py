"""Write the sample import files of docs/import/ (see README.md there).

    .venv/bin/python docs/import/make_samples.py

Deterministic: the same files on every run (a fixed seed, no clock), so that the committed
files are this script's output. Needs only the standard library and openpyxl. The names are
Ukrainian and Russian, the phones typed the many ways a front desk types them; the plans,
departments and usernames are those of the demo club (``manage.py seed_demo``), so every
sample imports into it.
"""

import csv
import datetime
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

CLIENT_HEADER = [
    "first_name", "last_name", "middle_name", "phone", "email", "birth_date", "gender",
    "language", "source", "assigned_manager", "consent_email", "consent_sms",
    "preferred_channel", "goals", "notes",
]
CLIENTS = [
    ["Олена", "Коваленко", "Іванівна", "050 123 45 67", "olena.kovalenko@example.com",
     "1988-04-12", "f", "uk", "website", "manager", "yes", "yes", "sms",
     "Схуднути на 5 кг до літа", ""],
    ["Андрій", "Шевченко", "Петрович", "+38 (067) 234-56-78", "a.shevchenko@example.com",
     "03.11.1979", "m", "uk", "referral", "manager", "no", "yes", "sms",
     "Позбутися болю в спині", "Приходить зранку"],
    ["Наталья", "Смирнова", "Сергеевна", "0931234567", "natalia.smirnova@example.com",
     "1992-07-30", "f", "ru", "social", "manager2", "yes", "no", "email",
     "Снять стресс, SPA раз в неделю", ""],
    ["Дмитро", "Мельник", "", "+380 96 345 67 89", "", "1995-01-05", "m", "uk", "walk_in",
     "", "no", "yes", "sms", "", "Без e-mail"],
    ["Ірина", "Бондаренко", "Олегівна", "38(099)4567890", "iryna.b@example.com",
     "21.02.1985", "f", "uk", "advertising", "manager2", "yes", "yes", "email",
     "Доглянута шкіра", ""],
    ["Сергей", "Кузнецов", "Андреевич", "063-567-89-01", "s.kuznetsov@example.com",
     "1970-12-01", "m", "ru", "corporate", "manager", "no", "no", "email", "", ""],
    ["Софія", "Лисенко", "", "", "sofiia.lysenko@example.com", "2001-09-15", "f", "uk",
     "social", "", "yes", "no", "email", "Йога і пілатес", "Тільки e-mail"],
    ["Тарас", "Гончар", "Богданович", "+380731112233", "taras.honchar@example.com",
     "1990-06-18", "m", "uk", "website", "manager", "yes", "yes", "sms", "", ""],
]

# Other clients, in a workbook: an Excel date cell, a phone typed as a number, TRUE/FALSE cells.
CLIENTS_XLSX = [
    ["Марина", "Ткаченко", "Василівна", "+380 50 987 65 43", "maryna.tkachenko@example.com",
     datetime.date(1983, 5, 9), "f", "uk", "website", "manager", True, True, "sms", "", ""],
    ["Алексей", "Волков", "Игоревич", 380671239876, "a.volkov@example.com",
     datetime.date(1976, 10, 23), "m", "ru", "referral", "manager2", False, True, "sms",
     "Восстановиться после травмы колена", ""],
    ["Юлія", "Савчук", "", "097 765 43 21", "", "14.03.1999", "f", "uk", "walk_in", "",
     False, True, "sms", "", "Без e-mail"],
    ["Віктор", "Павленко", "Миколайович", "(095) 321-09-87", "v.pavlenko@example.com",
     datetime.date(1968, 1, 30), "m", "uk", "corporate", "manager", True, False, "email", "", ""],
]

MEMBERSHIP_HEADER = [
    "card_number", "client", "plan", "start_date", "end_date", "visit_limit", "visits_used",
    "price", "status", "cancelled_on", "cancel_reason", "sold_by", "notes",
]
# The clients of clients.csv, named by phone (typed differently) or e-mail; empty end date,
# price or visit limit: the plan's.
MEMBERSHIPS = [
    ["IMP-0001", "+380501234567", "Тренажерний зал, 3 місяці", "2025-01-10", "", "", "0", "",
     "active", "", "", "manager", ""],
    ["IMP-0002", "067 234 56 78", "Все включено, 12 місяців", "01.02.2025", "", "", "0",
     "15900", "active", "", "", "manager", "Знижка 1000 грн"],
    ["IMP-0003", "natalia.smirnova@example.com", "SPA, 5 відвідувань", "2025-03-01", "", "",
     "2", "", "active", "", "", "manager2", ""],
    ["IMP-0004", "+380963456789", "Групові тренування, 8 занять", "2024-11-01", "2024-12-15",
     "8", "8", "1600.00", "active", "", "", "", "Використано повністю"],
    ["IMP-0005", "0994567890", "Курс косметології, 6 процедур", "2025-02-15", "", "", "1",
     "8400", "cancelled", "2025-03-01", "Переїзд до іншого міста", "manager2", ""],
    ["IMP-0006", "sofiia.lysenko@example.com", "Тренажерний зал, 1 місяць", "2025-04-01",
     "2025-04-30", "unlimited", "0", "1400", "active", "", "", "", ""],
]

SERVICE_HEADER = [
    "department", "name", "kind", "duration_minutes", "price", "description", "benefits",
    "drawbacks", "is_active",
]
SERVICES = [
    ["fitness", "Кросфіт", "training", "60", "450", "Групове високоінтенсивне тренування.",
     "Швидкий прогрес витривалості й сили.", "Не для початківців без підготовки.", "yes"],
    ["fitness", "Скандинавська ходьба", "training", "90", "300", "Заняття в парку з інструктором.",
     "М'яке кардіо для будь-якого віку.", "Залежить від погоди.", "yes"],
    ["spa", "Масаж спини", "procedure", "30", "650", "Класичний масаж спини та шиї.",
     "Знімає напругу після роботи за комп'ютером.", "Короткий ефект без курсу.", "yes"],
    ["spa", "Травʼяна сауна", "procedure", "45", "500", "Сауна з травʼяними запарками.",
     "Розслаблення і краще засинання.", "Протипоказана при гіпертонії.", "no"],
    ["cosmetology", "Пілінг мигдальний", "procedure", "40", "1100", "Мʼякий кислотний пілінг.",
     "Рівний тон і свіже обличчя.", "Лише восени та взимку.", "yes"],
]

STAFF_HEADER = [
    "first_name", "last_name", "role", "department", "position", "is_head_of_department",
    "phone", "email", "hired_on", "is_active", "bio", "user",
]
STAFF = [
    ["Богдана", "Кравець", "trainer", "fitness", "Тренерка з кросфіту", "no", "067 555 12 34",
     "b.kravets@example.com", "2024-09-02", "yes", "CrossFit Level 2, бігова підготовка.", ""],
    ["Роман", "Олійник", "massage", "spa", "Масажист", "no", "+380 50 555 43 21", "", "01.10.2024",
     "yes", "Спортивний і класичний масаж, 6 років досвіду.", ""],
    ["Евгения", "Соколова", "cosmetologist", "cosmetology", "Косметолог", "no", "",
     "e.sokolova@example.com", "2023-03-15", "yes", "Пилинги, уходовые процедуры.", ""],
    ["Тарас", "Шевчук", "trainer", "fitness", "Персональний тренер", "no", "", "", "2021-10-04",
     "yes", "Сертифікований тренер (ISSA).", "trainer"],
]

# Good rows and bad ones; each bad row has one kind of mistake (the header is row 1).
ERRORS_HEADER = ["first_name", "last_name", "phone", "email", "birth_date", "gender",
                 "assigned_manager", "consent_sms"]
ERRORS = [
    ["Олена", "Гнатюк", "050 111 22 33", "o.hnatiuk@example.com", "1990-05-17", "f", "manager", "yes"],  # 2 ok
    ["Іван", "Петренко", "050 123", "i.petrenko@example.com", "1985-02-01", "m", "", "no"],  # 3 bad phone
    ["", "Руденко", "067 111 22 33", "rudenko@example.com", "1991-03-03", "f", "", "no"],  # 4 no first name
    ["Максим", "Захарченко", "093 111 22 33", "", "1989-08-08", "m", "olena.k", "yes"],  # 5 unknown manager
    ["Анна", "Федорова", "096 111 22 33", "", "1990/05/17", "f", "", "yes"],  # 6 date format
    ["Олег", "Гнатюк", "+380501112233", "", "1987-07-07", "m", "", "yes"],  # 7 phone of row 2
    ["Ольга", "Гнатюк", "099 222 33 44", "O.Hnatiuk@example.com", "1992-12-12", "f", "", "no"],  # 8 e-mail of row 2
    ["Борис", "Бойко", "", "", "1975-01-01", "m", "", "no"],  # 9 neither phone nor e-mail
    ["Дарина", "Мазур", "063 111 22 33", "darina.mazur@", "1998-04-04", "f", "", "no"],  # 10 bad e-mail
    ["Кирило", "Яковенко", "073 111 22 33", "", "2090-01-01", "m", "", "yes"],  # 11 born in the future
    ["Світлана", "Марченко", "095 111 22 33", "", "1980-10-10", "f", "", "maybe"],  # 12 not yes/no
    ["Петро", "Коваль", "8 050 333 44 55", "", "1979-09-09", "m", "", "no"],  # 13 old "8 0.." phone
    ["Марія", "Савченко", "097 111 22 33", "m.savchenko@example.com", "31.02.1990", "f", "", "no"],  # 14 no such day
    ["Яна", "Кушнір", "098 111 22 33", "yana.kushnir@example.com", "1996-06-06", "ж", "manager2", "так"],  # 15 ok
]

# --- 20,000 clients ---------------------------------------------------------------------------
FIRST_F = ["Олена", "Ірина", "Оксана", "Наталія", "Тетяна", "Юлія", "Катерина", "Марія", "Анна",
           "Світлана", "Вікторія", "Галина", "Софія", "Наталья", "Екатерина", "Ольга", "Елена",
           "Татьяна", "Дарина", "Ярослава"]
FIRST_M = ["Олександр", "Андрій", "Дмитро", "Сергій", "Володимир", "Ігор", "Тарас", "Юрій",
           "Микола", "Богдан", "Алексей", "Дмитрий", "Сергей", "Николай", "Максим", "Роман",
           "Артем", "Олег", "Денис", "Павло"]
# (for a man, for a woman)
LAST = [(name, name) for name in (
    "Коваленко", "Бондаренко", "Ткаченко", "Шевченко", "Кравченко", "Мельник", "Бойко", "Коваль",
    "Олійник", "Шевчук", "Поліщук", "Лисенко", "Марченко", "Савченко", "Руденко", "Мороз",
    "Павленко", "Петренко", "Кравець", "Гончар", "Захарченко",
)] + [(name, name + "а") for name in (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Новиков", "Морозов", "Волков",
)]
PATRONYMIC = [("Олександрович", "Олександрівна"), ("Іванович", "Іванівна"),
              ("Петрович", "Петрівна"), ("Сергеевич", "Сергеевна"), ("Андреевич", "Андреевна"),
              ("Миколайович", "Миколаївна"), ("", "")]
MOBILE_CODES = ["50", "66", "95", "99", "67", "68", "96", "97", "98", "63", "73", "93"]
SOURCES = ["walk_in", "social", "website", "advertising", "corporate", "referral", "other"]
LATIN = dict(zip(
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяэыъё",
    ["a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m", "n",
     "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "iu", "ia", "e", "y",
     "", "e"],
))


def latin(text: str) -> str:
    return "".join(LATIN.get(char, char) for char in text.lower() if char not in "'ʼ")


def typed_phone(code: str, number: int, style: int) -> str:
    """The same mobile number the ways people type it."""
    digits = f"{number:07d}"
    a, b, c = digits[:3], digits[3:5], digits[5:]
    return [
        f"0{code} {a} {b} {c}",
        f"+38 (0{code}) {a}-{b}-{c}",
        f"+380{code}{digits}",
        f"0{code}{digits}",
        f"+380 {code} {a} {b} {c}",
        f"38(0{code}){a}{b}{c}",
    ][style % 6]


def many_clients(count: int = 20_000) -> list[list[str]]:
    rng = random.Random(20_000)
    rows = []
    for index in range(count):
        female = rng.random() < 0.62
        first = rng.choice(FIRST_F if female else FIRST_M)
        last = rng.choice(LAST)[1 if female else 0]
        patronymic = rng.choice(PATRONYMIC)[1 if female else 0]
        code = MOBILE_CODES[index % len(MOBILE_CODES)]
        # A permutation of 0..9,999,999: a distinct number for each client of an operator code.
        number = (index // len(MOBILE_CODES) * 7_919 + 3_141_592) % 10_000_000
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 55))
        rows.append([
            first, last, patronymic, typed_phone(code, number, index),
            f"{latin(first)}.{latin(last)}.{index}@example.com" if rng.random() < 0.8 else "",
            born.isoformat() if index % 2 else born.strftime("%d.%m.%Y"),
            "f" if female else "m",
            rng.choice(SOURCES),
            "yes" if rng.random() < 0.7 else "no",
            "yes" if rng.random() < 0.4 else "no",
        ])
    return rows


MANY_HEADER = ["first_name", "last_name", "middle_name", "phone", "email", "birth_date", "gender",
               "source", "consent_sms", "consent_email"]


def write_csv(name: str, header: list[str], rows: list[list]) -> None:
    with open(HERE / name, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(name: str, header: list[str], rows: list[list]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Clients"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cell in sheet["F"][1:]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = "DD.MM.YYYY"
    fixed = datetime.datetime(2025, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    workbook.save(HERE / name)


def phone_key(phone) -> str:
    """The last nine digits: the operator code and the subscriber's number."""
    return "".join(char for char in str(phone) if char.isdigit())[-9:]


def main() -> None:
    many = many_clients()
    others = {phone_key(row[3]) for rows in (CLIENTS, CLIENTS_XLSX, ERRORS) for row in rows}
    others |= {phone_key(row[6]) for row in STAFF}
    assert not others & {phone_key(row[3]) for row in many}, "a sample phone is among the 20,000"
    write_csv("clients.csv", CLIENT_HEADER, CLIENTS)
    write_xlsx("clients.xlsx", CLIENT_HEADER, CLIENTS_XLSX)
    write_csv("memberships.csv", MEMBERSHIP_HEADER, MEMBERSHIPS)
    write_csv("services.csv", SERVICE_HEADER, SERVICES)
    write_csv("staff.csv", STAFF_HEADER, STAFF)
    write_csv("clients-with-errors.csv", ERRORS_HEADER, ERRORS)
    write_csv("clients-20000.csv", MANY_HEADER, many)


if __name__ == "__main__":
    main()
