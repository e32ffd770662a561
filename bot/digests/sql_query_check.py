"""Is a SQL source query one plain read? Parsed with sqlglot in the database's own dialect, never string-matched.

This is the first of two locks: the query then runs in a read-only transaction (`sql_source`), which stops any
write the parser might not know about. The parser is what stops reads of the server's own files and programs
(`pg_read_file`, `LOAD_FILE`, ...), which a read-only transaction allows to a privileged role.
"""

from __future__ import annotations

import logging

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from bot.digests.source_errors import SourceError

DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql"}

# Functions that reach outside the query's tables: the server's files, other connections, locks, settings,
# other sessions, dynamic SQL. Matched on the function's name whatever schema or quoting it is written with.
_FORBIDDEN_FUNCTIONS = frozenset(
    {
        "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_file_write", "pg_file_rename",
        "pg_file_unlink", "pg_logdir_ls", "pg_file_sync", "lo_import", "lo_export", "lo_get", "lo_put", "lo_open",
        "lo_create", "lo_creat", "lo_unlink", "lo_from_bytea", "loread", "lowrite", "dblink", "dblink_exec",
        "dblink_connect", "dblink_connect_u", "dblink_open", "dblink_send_query", "query_to_xml",
        "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", "set_config",
        "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_promote",
        "pg_switch_wal", "pg_notify", "pg_sleep", "pg_sleep_for", "pg_sleep_until", "txid_current",
        "load_file", "sys_exec", "sys_eval", "get_lock", "release_lock", "release_all_locks", "benchmark", "sleep",
        "master_pos_wait", "source_pos_wait", "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer",
    }
)  # fmt: skip
_FORBIDDEN_PREFIXES = ("pg_ls_", "pg_advisory", "pg_try_advisory", "pg_replication_", "pg_logical_", "pg_create_",
                       "pg_drop_", "pg_backup_", "pg_start_backup", "pg_stop_backup", "pg_import_", "lo_")  # fmt: skip
_WRITES = (exp.DML, exp.DDL, exp.Command, exp.Into, exp.Lock, exp.Transaction, exp.Commit, exp.Rollback)
_QUERIES = (exp.Select, exp.SetOperation, exp.Values)

logging.getLogger("sqlglot").setLevel(logging.ERROR)  # "falling back to a Command" warnings: refused anyway


def check_read_query(query: str, backend: str) -> str:
    """`query` without its trailing semicolon when it is one read-only query; else a `SourceError`."""
    try:
        parsed = [e for e in sqlglot.parse(query, read=DIALECTS.get(backend)) if e is not None]
    except (ParseError, TokenError) as error:
        detail = str(error).splitlines()[0]
        raise SourceError(f"The source query could not be read as SQL ({detail}); check its syntax.") from error
    statements = [e for e in parsed if not isinstance(e, exp.Semicolon)]
    if len(statements) != 1:
        raise SourceError(
            f"The source query holds {len(statements)} statements; give exactly one SELECT (no ';' between statements)."
        )
    statement = statements[0]
    _refuse_executable_comments(query, backend)
    if not isinstance(statement, _QUERIES):
        raise SourceError(f"The source query runs {_kind(statement)}; a dataset source may only run one SELECT.")
    for node in statement.walk():
        if isinstance(node, _WRITES):
            raise SourceError(
                f"The source query contains {_kind(node)} ({node.sql(dialect=DIALECTS.get(backend))[:60]!r}); "
                "a dataset source may only read."
            )
        if isinstance(node, exp.Func) and forbidden_function(_function_name(node)):
            raise SourceError(
                f"The source query calls {_function_name(node)}(), which reaches outside the database's tables; "
                "a dataset source may only read tables and views."
            )
    return query.strip().rstrip(";").strip()


def _refuse_executable_comments(query: str, backend: str) -> None:
    """MySQL and MariaDB run the inside of `/*! ... */` and `/*M! ... */`; a parser sees only a comment."""
    if DIALECTS.get(backend) != "mysql":
        return
    comments = [c for token in sqlglot.tokenize(query, read="mysql") for c in token.comments]
    if any(c.lstrip().startswith(("!", "M!")) for c in comments):
        raise SourceError("The source query holds a /*! ... */ comment, which MySQL and MariaDB would run; remove it.")


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def forbidden_function(name: str) -> bool:
    return name in _FORBIDDEN_FUNCTIONS or name.startswith(_FORBIDDEN_PREFIXES)


def _kind(node: exp.Expr) -> str:
    if isinstance(node, exp.Into):
        return "SELECT ... INTO"
    if isinstance(node, exp.Lock):
        return "a row lock (FOR UPDATE / FOR SHARE)"
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return type(node).__name__.upper()
