"""The S3-compatible storage of the production profile (django-storages), with stable media types.

django-storages takes an object's ``Content-Type`` from the uploading browser, else from the
``mimetypes`` table of the machine that stores it, which differs between machines (Debian's
``/etc/mime.types`` says ``audio/x-wav``; Python without that file says ``audio/opus`` for Ogg
Opus, and nothing at all for ``.m4a`` or ``.flac``). The bucket serves that type to podcast apps
and browsers for ever, so the hub's own media types are fixed here, whoever uploads.
"""

from pathlib import PurePosixPath

from storages.backends.s3 import S3Storage

MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".json": "application/json",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
}


class MediaS3Storage(S3Storage):
    """``S3Storage`` whose audio, peaks and subtitle objects get the same type from every machine."""

    def get_object_parameters(self, name):
        parameters = dict(super().get_object_parameters(name))
        media_type = MEDIA_TYPES.get(PurePosixPath(name).suffix.lower())
        if media_type and "ContentType" not in parameters:
            parameters["ContentType"] = media_type
        return parameters
