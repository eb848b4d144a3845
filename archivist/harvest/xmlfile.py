"""Write a harvesting file's XML tree as every one is written: indented, UTF-8, with a declaration."""

from __future__ import annotations

import xml.etree.ElementTree as ET

# Elements are built with literal prefixes ('oai:record') and xmlns attributes on the root, so
# the output's prefixes are exactly the conventional ones whatever else registered namespaces.

XSI = "http://www.w3.org/2001/XMLSchema-instance"


def xml_file(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
