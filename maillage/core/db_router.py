"""Read-only queries to the replica, everything else to the primary (DATABASE_REPLICA_URL)."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

REPLICA_DB_ALIAS = "replica"


class ReplicaRouter:
    """Reads outside a transaction go to the replica; writes, and reads inside a transaction
    (which must see the transaction's own writes and take its locks), go to the primary."""

    def db_for_read(self, model: type[Model], **hints) -> str:
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints) -> bool:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
