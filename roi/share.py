"""Shareable links: a whole scenario encoded in one URL query parameter.

The token is ``v1.`` followed by the scenario's compact JSON (defaults omitted), compressed
with zlib and encoded as unpadded base64url, so it is safe in a URL without escaping.
A typical sample case encodes to about 2,000 characters.

>>> from roi.io import load_sample
>>> s = load_sample("european_retailer")
>>> decode_scenario(encode_scenario(s)) == s
True
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from .bounded import MAX_JSON_BYTES
from .io import ScenarioError, loads_scenario
from .schema import Scenario

PREFIX = "v1."
# Links longer than this are refused: many proxies, chat tools and e-mail clients cut URLs
# around 8 KB. Larger scenarios are shared as a downloaded JSON file instead.
MAX_TOKEN_CHARS = 7_500


class LinkTooLongError(ValueError):
    """The scenario is too large to share as a link (``chars`` is the token length)."""

    def __init__(self, chars: int):
        self.chars = chars
        super().__init__(
            f"link: the scenario needs {chars:,} characters, more than the {MAX_TOKEN_CHARS:,} a "
            "link can safely carry; download the scenario as JSON and share the file instead"
        )


def encode_scenario(scenario: Scenario, *, limit: int | None = MAX_TOKEN_CHARS) -> str:
    """Encode a scenario as a URL-safe token; raises :class:`LinkTooLongError` above ``limit``."""
    # Defaults are left out to keep links short, but never the schema version: a link without it
    # is read as version 1 (every link made before version 2 omitted it).
    data = {"schema_version": scenario.schema_version, **scenario.model_dump(mode="json", exclude_defaults=True)}
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    packed = zlib.compress(text.encode("utf-8"), level=9)
    token = PREFIX + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")
    if limit is not None and len(token) > limit:
        raise LinkTooLongError(len(token))
    return token


def decode_scenario(token: str) -> Scenario:
    """Decode a token made by :func:`encode_scenario`.

    Raises :class:`~roi.io.ScenarioError` with a ``link: …`` problem when the token is
    truncated or corrupted, and with one line per field when it decodes to an invalid scenario.
    """
    token = (token or "").strip()
    if len(token) > MAX_JSON_BYTES:  # compressed can't be larger than what it may decompress to
        raise ScenarioError([f"link: {len(token):,} characters is longer than any scenario link"])
    if not token.startswith(PREFIX):
        raise ScenarioError(["link: not a scenario link (it should start with 'v1.'); was it cut short?"])
    body = token[len(PREFIX):]
    try:
        packed = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ScenarioError(["link: the scenario link is corrupted (not valid base64url)"]) from None
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise ScenarioError(["link: the scenario in the link is too large to open"])
        if not inflater.eof:
            raise ScenarioError(["link: the scenario link is incomplete; was it cut short?"])
    except zlib.error:
        raise ScenarioError(["link: the scenario link is corrupted (cannot be decompressed)"]) from None
    try:
        return loads_scenario(raw)
    except ScenarioError as exc:
        raise ScenarioError([f"link:{p[len('file:'):]}" if p.startswith("file:") else p for p in exc.problems]) from None
