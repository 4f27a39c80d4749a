"""Decoding text/plain; format=flowed (RFC 3676), which the standard library leaves as it is."""

_SIGNATURE_SEPARATOR = "-- "


def _split_quote(line: str) -> tuple[int, str]:
    """Quote depth and the content after the '>' marks and the stuffed space."""
    depth = len(line) - len(line.lstrip(">"))
    content = line[depth:]
    if content.startswith(" "):
        content = content[1:]
    return depth, content


def decode_flowed(text: str, delsp: bool = False) -> str:
    """Join soft-broken lines into the paragraphs the sender wrote, keeping quote depth as '> '."""
    out: list[str] = []
    paragraph: str | None = None
    paragraph_depth = 0
    for raw in text.replace("\r\n", "\n").split("\n"):
        depth, content = _split_quote(raw)
        if paragraph is not None and depth != paragraph_depth:
            # A quote depth change ends a paragraph even when the sender forgot the hard break.
            out.append(_render(paragraph_depth, paragraph))
            paragraph = None
        flowed = content.endswith(" ") and content != _SIGNATURE_SEPARATOR
        if flowed and delsp:
            content = content[:-1]
        paragraph = content if paragraph is None else paragraph + content
        paragraph_depth = depth
        if not flowed:
            out.append(_render(depth, paragraph))
            paragraph = None
    if paragraph is not None:
        out.append(_render(paragraph_depth, paragraph))
    return "\n".join(out)


def _render(depth: int, content: str) -> str:
    if depth == 0:
        return content
    return ">" * depth + (" " + content if content else "")
