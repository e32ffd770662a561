from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot.storage.database import create_database_engine, current_revision, head_revision, open_database
from bot.storage.metadata import metadata


def test_migrations_match_the_table_definitions(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
    assert current_revision(engine) == head_revision()


def test_first_use_of_an_empty_sqlite_file_creates_the_schema(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    engine = open_database(url)
    assert {"workspaces", "runs"} <= set(inspect(engine).get_table_names())
    assert current_revision(create_database_engine(url)) == head_revision()
