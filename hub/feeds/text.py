"""Text that is safe to put into XML.

Editors paste text from everywhere: control characters and lone surrogates are not allowed in
XML 1.0 at all, and lxml refuses them (``ValueError: All strings must be XML compatible``). The
C1 controls (U+007F to U+009F) are legal but discouraged in XML and feed readers "repair" them
into Windows-1252 characters. All of these are removed here; everything else (emoji, bidi marks,
``]]>``, markup) is kept and left to the serializer to escape.
"""

import re

_NOT_XML = re.compile("[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value) -> str:
    """The value as text with every character XML 1.0 cannot carry removed."""
    if value is None:
        return ""
    return _NOT_XML.sub("", str(value))


def one_line(value) -> str:
    """XML-safe text on one line, for titles and names (apps show them on one line)."""
    return " ".join(xml_text(value).split())
