"""Stored audio names reveal nothing and cannot be guessed: the storage may be publicly readable."""

import re

from hub.audio.models import source_upload_to


def test_source_names_are_random_and_keep_only_the_type():
    first = source_upload_to(None, "Interview with Amina Haddad.MP3")
    second = source_upload_to(None, "Interview with Amina Haddad.MP3")
    pattern = r"audio/sources/\d{4}/\d{2}/[0-9a-f]{32}\.mp3"
    assert re.fullmatch(pattern, first) and re.fullmatch(pattern, second)
    assert first != second
    assert "amina" not in first.lower()
