"""A trigram index on the lowered names and e-mail, for the search box's ``LIKE '%word%'``
(``clients.selectors.client_search_q``). PostgreSQL only (pg_trgm); nothing on SQLite."""

from django.db import migrations

INDEX = "client_search_trgm_idx"
COLUMNS = ("first_name", "last_name", "middle_name", "email")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("clients", "Client")._meta.db_table
    expressions = ", ".join(f"LOWER({schema_editor.quote_name(column)}) gin_trgm_ops" for column in COLUMNS)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {schema_editor.quote_name(table)} USING gin ({expressions})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0013_membership_card_upper_idx")]

    operations = [migrations.RunPython(create, drop)]
