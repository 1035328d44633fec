"""Structured logs: one JSON object per line, for journald, Loki, Elasticsearch and friends.

``JsonFormatter`` is used by the production profile's ``LOGGING`` and by the gunicorn
configuration (``deploy/gunicorn.conf.py``); ``GunicornJsonLogger`` writes gunicorn's access log
as the same kind of record, with the request's fields as keys. Query strings are left out of
access records: they may carry tokens.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
_HOST = socket.gethostname()


class JsonFormatter(logging.Formatter):
    def __init__(self, *args, service: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service or os.environ.get("HUB_SERVICE_NAME", "")

    def format(self, record: logging.LogRecord) -> str:
        data: dict = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "host": _HOST,
            "pid": record.process,
        }
        if self.service:
            data["service"] = self.service
        for key, value in record.__dict__.items():
            if key in _STANDARD or key.startswith("_") or key in data:
                continue
            if key == "request":
                data.update(_request_fields(value))
                continue
            data[key] = value
        if record.exc_info:
            data["exception_type"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def _request_fields(request) -> dict:
    """Django passes the HttpRequest to ``django.request`` records; runserver passes a socket."""
    method = getattr(request, "method", None)
    path = getattr(request, "path", None)
    if not isinstance(method, str) or not isinstance(path, str):
        return {}
    return {"http_method": method, "http_path": path}


def json_logging_config(level: str = "INFO", service: str = "") -> dict:
    """``LOGGING`` for the production profile: everything as JSON on standard error."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "hub.ops.logs.JsonFormatter", "service": service}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # RQ's worker sets up its own plain handler on "rq.worker"; ours replaces it.
            "rq": {"handlers": ["console"], "level": level, "propagate": False},
        },
    }


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed on web nodes
    _GunicornLogger = None


if _GunicornLogger is not None:

    class GunicornJsonLogger(_GunicornLogger):
        """Gunicorn's logger with JSON lines, and access records with one key per field."""

        def setup(self, cfg):
            super().setup(cfg)
            formatter = JsonFormatter(service=os.environ.get("HUB_SERVICE_NAME", "web"))
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(formatter)

        def access(self, resp, req, environ, request_time):
            if not self.access_log_enabled:
                return
            status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
            fields = {
                "http_method": environ.get("REQUEST_METHOD", ""),
                "http_path": environ.get("PATH_INFO", ""),
                "http_status": int(status),
                "http_bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 2),
                "remote_addr": environ.get("REMOTE_ADDR", ""),
                "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
                "user_agent": environ.get("HTTP_USER_AGENT", "")[:300],
                "http_range": environ.get("HTTP_RANGE", ""),
            }
            try:
                self.access_log.info("%s %s %s", fields["http_method"], fields["http_path"], status, extra=fields)
            except Exception:
                self.exception("Failed to write an access record")
