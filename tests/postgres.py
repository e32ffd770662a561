"""The PostgreSQL server the tests use unless SEGBOT_TEST_POSTGRES_URL names another (fixtures: tests/conftest.py)."""

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
