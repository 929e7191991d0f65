"""Alembic environment: runs on the connection handed over by :func:`api.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from api.models import Base

target_metadata = Base.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # the alembic command line: sqlalchemy.url from alembic.ini
        url = context.config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("set sqlalchemy.url in alembic.ini, or migrate with api.db.migrate")
        engine = create_engine(url)
        with engine.begin() as connection:
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
