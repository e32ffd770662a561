"""Storage: SQLAlchemy Core tables, Alembic migrations and repositories that return plain dataclasses."""
