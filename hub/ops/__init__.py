"""Operations: health check, background jobs on RQ, structured logs, backup and restore, storage helpers.

Nothing here is domain logic; it is what the hub needs to run on several machines (see the
production profile in ``hub/settings/production.py`` and docs/production.md).
"""
