"""Structured logs: one JSON object per line, with the request and the extra fields as keys."""

import json
import logging

from django.test import RequestFactory

from hub.ops.logs import JsonFormatter

from .env import BASE_ENV, manage


def _record(message="Rendered %s", args=("podcast-mp3",), **extra):
    logger = logging.getLogger("hub.audio.tasks")
    record = logger.makeRecord(logger.name, logging.WARNING, __file__, 10, message, args, None, extra=extra)
    return json.loads(JsonFormatter(service="worker-audio").format(record))


def test_a_record_is_one_json_object_with_the_message_rendered():
    data = _record(asset_id=42)
    assert data["message"] == "Rendered podcast-mp3"
    assert data["level"] == "WARNING"
    assert data["logger"] == "hub.audio.tasks"
    assert data["service"] == "worker-audio"
    assert data["asset_id"] == 42
    assert data["time"].endswith("+00:00")
    assert isinstance(data["pid"], int)


def test_a_request_contributes_method_and_path_but_not_the_query():
    request = RequestFactory().get("/feeds/partner/7.xml?token=secret")
    data = _record("Not Found: %s", (request.path,), request=request, status_code=404)
    assert (data["http_method"], data["http_path"], data["status_code"]) == ("GET", "/feeds/partner/7.xml", 404)
    assert "secret" not in json.dumps(data)


def test_an_exception_is_kept_with_its_traceback():
    logger = logging.getLogger("hub.ops")
    try:
        {}["missing"]
    except KeyError:
        import sys as _sys

        record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "Failed", (), _sys.exc_info())
    data = json.loads(JsonFormatter().format(record))
    assert data["exception_type"] == "KeyError"
    assert "Traceback" in data["exception"]
    assert "\n" not in JsonFormatter().format(record), "one line per record"


def test_the_production_profile_logs_json_lines():
    code = "import logging; logging.getLogger('hub.audio').warning('queued %s', 7, extra={'asset_id': 7})"
    result = manage("shell", "-v", "0", "-c", code, env={**BASE_ENV, "HUB_SERVICE_NAME": "web"})
    assert result.returncode == 0, result.stderr
    line = [line for line in result.stderr.splitlines() if "queued" in line][-1]
    data = json.loads(line)
    assert (data["message"], data["asset_id"], data["service"], data["logger"]) == ("queued 7", 7, "web", "hub.audio")


def test_plain_logs_on_request():
    code = "import logging; logging.getLogger('hub.audio').warning('queued')"
    result = manage("shell", "-v", "0", "-c", code, env={**BASE_ENV, "HUB_LOG_FORMAT": "plain"})
    assert result.returncode == 0, result.stderr
    assert "WARNING hub.audio queued" in result.stderr
