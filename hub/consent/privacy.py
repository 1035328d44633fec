"""Uploaded images lose their EXIF data (camera, time, GPS position) before they are stored."""

import io
from pathlib import PurePosixPath

from django.core.files.uploadedfile import InMemoryUploadedFile
from PIL import Image as PILImage
from PIL import ImageOps

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def strip_metadata(file) -> InMemoryUploadedFile | None:
    """A copy of the image without EXIF/XMP, upright; None when the file is no image we rewrite."""
    file.seek(0)
    try:
        with PILImage.open(file) as original:
            fmt = original.format
            if fmt not in FORMATS:
                return None
            has_metadata = bool(original.getexif()) or "xmp" in original.info or "exif" in original.info
            if not has_metadata:
                return None
            upright = ImageOps.exif_transpose(original)
            clean = PILImage.new(upright.mode, upright.size)
            clean.paste(upright)  # pixels only: nothing of the original's metadata comes along
            if upright.mode == "P":
                clean.putpalette(upright.getpalette())
            if "icc_profile" in original.info:
                clean.info["icc_profile"] = original.info["icc_profile"]
    finally:
        file.seek(0)
    buffer = io.BytesIO()
    options = {"quality": 92} if fmt == "JPEG" else {}
    clean.save(buffer, fmt, icc_profile=clean.info.get("icc_profile"), **options)
    name = PurePosixPath(file.name).name
    return InMemoryUploadedFile(buffer, "file", name, FORMATS[fmt], buffer.tell(), None)


def strip_image_metadata_on_save(sender, instance, raw=False, **kwargs):
    if raw or not instance.file or instance.file._committed:
        return
    cleaned = strip_metadata(instance.file.file)
    if cleaned is not None:
        instance.file = cleaned
        instance.file_size = cleaned.size
        instance.file_hash = ""
