"""Shareable links: a whole scenario encoded in one URL query parameter.

The token is ``v2.`` followed by the scenario's compact JSON (defaults omitted), compressed with
raw deflate against a preset dictionary of the schema's field names (:data:`_DICTIONARY_V2`,
frozen: tokens in the wild depend on it) and encoded as unpadded base64url, so it is safe in a URL
without escaping. A typical sample case encodes to about 1,500–2,000 characters (about a fifth
shorter than the ``v1.`` tokens, plain zlib, which still open). A link can also name a saved
version of the scenario library, ``?s=<id>&v=<n>`` (see :mod:`ui.state`).

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

PREFIX = "v2."  # the token format (dictionary-compressed); "v1." tokens (plain zlib) still decode
V1_PREFIX = "v1."
# Field names of the scenario schema, the preset dictionary of "v2." tokens. Frozen: changing a
# single character would make every link made with it undecodable — add a "v3." instead.
_DICTIONARY_V2 = ",".join(f'"{k}":' for k in (
    'low', 'base', 'high', 'kind', 'lens', 'name', 'note', 'plan', 'year', 'depth', 'lever', 'impact',
    'source', 'uplift', 'changes', 'content', 'outcome', 'process', 'sources', 'currency', 'evidence',
    'measured', 'segments', 'settings', 'alignment', 'cost_axis', 'cost_base', 'cost_risk',
    'customers', 'pinned_in', 'governance', 'pinned_out', 'reuse_rate', 'calibration', 'description',
    'initiatives', 'benefit_risk', 'budget_year1', 'capacity_fte', 'data_sources', 'effect_decay',
    'gross_margin', 'channel_reach', 'consent_share', 'discount_rate', 'feedback_loop',
    'horizon_years', 'one_time_cost', 'content_assets', 'fte_month_cost', 'retention_rate',
    'schema_version', 'test_and_learn', 'budget_one_time', 'tests_per_month', 'months_to_launch',
    'retention_timing', 'team_annual_cost', 'effort_fte_months', 'lever_combination',
    'realisation_floor', 'requires_identity', 'identifiable_share', 'refreshes_per_year',
    'uplift_correlation', 'variants_per_asset', 'annual_running_cost', 'average_order_value',
    'ramp_months_fastest', 'ramp_months_slowest', 'visits_per_customer', 'benefit_risk_assumed',
    'platform_annual_cost', 'benefit_risk_measured', 'benefit_risk_benchmark',
    'cost_per_asset_generic', 'cost_per_asset_segment', 'include_beyond_horizon',
    'platform_one_time_cost', 'variable_campaign_cost', 'realise_measured_uplift',
    'baseline_conversion_rate', 'cost_per_asset_one_to_one',
)).encode()
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
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY_V2)
    packed = deflate.compress(text.encode("utf-8")) + deflate.flush()
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
    if not token.startswith((PREFIX, V1_PREFIX)):
        raise ScenarioError(["link: not a scenario link (it should start with 'v2.' or 'v1.'); was it cut short?"])
    v2 = token.startswith(PREFIX)
    body = token[len(PREFIX):]
    try:
        packed = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ScenarioError(["link: the scenario link is corrupted (not valid base64url)"]) from None
    try:
        inflater = zlib.decompressobj(-15, zdict=_DICTIONARY_V2) if v2 else zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise ScenarioError(["link: the scenario in the link is too large to open"])
        if not inflater.eof:
            raise ScenarioError(["link: the scenario link is incomplete; was it cut short?"])
        if inflater.unused_data:  # e.g. two links pasted together: which one was meant is a guess
            raise ScenarioError(["link: the scenario link has extra characters after its end; copy the link again"])
    except zlib.error:
        raise ScenarioError(["link: the scenario link is corrupted (cannot be decompressed)"]) from None
    try:
        return loads_scenario(raw)
    except ScenarioError as exc:
        raise ScenarioError([f"link:{p[len('file:'):]}" if p.startswith("file:") else p for p in exc.problems]) from None


def pasted_address_problem(token: str) -> str | None:
    """The problem with a ``?s=`` value that is itself a whole address (a link pasted into a
    link), or ``None``. Such a value is neither a scenario nor a saved version's id, and saying
    "no saved scenario with id 'https://…'" would send the user looking in the library.

    >>> pasted_address_problem("https://roi.example.com/?s=v2.abc")
    'link: the link holds a whole address (https://roi.example.com/?s=v2.abc…); open that address itself'
    >>> pasted_address_problem("Ab3dE6gH9jK2mN5p") is None
    True
    """
    text = (token or "").strip()
    if "://" in text or text.lower().startswith("www.") or "?s=" in text or "&s=" in text:
        return f"link: the link holds a whole address ({text[:40]}…); open that address itself"
    return None
