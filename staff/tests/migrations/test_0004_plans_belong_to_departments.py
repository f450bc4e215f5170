"""The data migration that gives every existing plan the department the old settings map gave
its sales (``staff/migrations/0004_plans_belong_to_departments.py``)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("clients", "0009_membershipplan_department_code"), ("staff", "0003_history")]
AFTER = [("staff", "0004_plans_belong_to_departments")]
CATEGORIES = ["gym", "group", "all", "spa", "cosmetology"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def plans_after_migrating(department_codes: list[str]) -> dict[str, str]:
    """category → department code of one plan per category, after the migration, in a database
    that had these departments (in this order of creation)."""
    old = migrate(BEFORE)
    for code in department_codes:
        old.get_model("staff", "Department").objects.create(code=code, name=code.title())
    for category in CATEGORIES:
        old.get_model("clients", "MembershipPlan").objects.create(
            name=f"A {category} plan", category=category, duration_days=30, price=Decimal("100"),
        )
    new = migrate(AFTER)
    return dict(new.get_model("clients", "MembershipPlan").objects.values_list("category", "department_code"))


@pytest.fixture
def at_the_latest_migrations(transactional_db):
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("at_the_latest_migrations")
def test_plans_get_the_department_the_settings_map_gave_their_sales():
    assert plans_after_migrating(["fitness", "spa", "cosmetology"]) == {
        "gym": "fitness", "group": "fitness", "all": "fitness", "spa": "spa", "cosmetology": "cosmetology",
    }


@pytest.mark.usefixtures("at_the_latest_migrations")
def test_a_code_the_club_had_no_department_for_goes_to_its_first_department_as_the_ledger_did():
    assert plans_after_migrating(["wellness", "spa"]) == {
        "gym": "wellness", "group": "wellness", "all": "wellness", "spa": "spa", "cosmetology": "wellness",
    }


@pytest.mark.usefixtures("at_the_latest_migrations")
def test_without_any_department_the_plans_stay_without_one():
    assert set(plans_after_migrating([]).values()) == {""}
