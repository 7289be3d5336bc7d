"""SQLAlchemy persistence: SQLite (embedded default) and PostgreSQL, migrated with Alembic."""

from adapters.outbound.persistence.engine import create_database_engine, database_ready
from adapters.outbound.persistence.media import SqlAlchemyMediaStore
from adapters.outbound.persistence.migration import upgrade_database
from adapters.outbound.persistence.unit_of_work import SqlAlchemyUnitOfWork

__all__ = [
    "SqlAlchemyMediaStore",
    "SqlAlchemyUnitOfWork",
    "create_database_engine",
    "database_ready",
    "upgrade_database",
]
