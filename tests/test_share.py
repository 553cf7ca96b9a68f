"""Shareable links: round trip, compactness, and clear errors for broken links."""

from __future__ import annotations

import base64
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi.share import MAX_TOKEN_CHARS, LinkTooLongError, decode_scenario, encode_scenario
from roi.synthetic import generate_scenario


@pytest.mark.parametrize("key", list(roi.sample_paths()))
def test_round_trip_of_every_sample(key):
    s = roi.load_sample(key)
    token = encode_scenario(s)
    assert decode_scenario(token) == s
    assert len(token) < 3000  # compact: a sample fits comfortably in a URL
    assert all(c.isalnum() or c in "-_." for c in token)  # URL-safe without escaping


def _pack(text: bytes) -> str:
    return "v1." + base64.urlsafe_b64encode(zlib.compress(text)).decode().rstrip("=")


@pytest.mark.parametrize(
    "token, expected",
    [
        ("", "not a scenario link"),
        ("https://example.com", "not a scenario link"),
        ("v1.%%%%", "not valid base64url"),
        ("v1.AAAAAAAA", "cannot be decompressed"),
        (_pack(b"{oops"), "link: not valid JSON"),
        (_pack(b"[]"), "scenario: must be a JSON object"),
    ],
)
def test_corrupted_links_give_a_clear_reason(token, expected):
    with pytest.raises(roi.ScenarioError) as exc:
        decode_scenario(token)
    assert any(expected in p for p in exc.value.problems), exc.value.problems


def test_truncated_link_is_reported():
    token = encode_scenario(roi.load_sample("retail_bank"))
    with pytest.raises(roi.ScenarioError) as exc:
        decode_scenario(token[: len(token) // 2])
    assert exc.value.problems[0].startswith("link:")


def test_link_with_invalid_field_names_the_field():
    data = roi.load_sample("retail_bank").model_dump(mode="json")
    data["settings"]["discount_rate"] = 3
    import json

    with pytest.raises(roi.ScenarioError) as exc:
        decode_scenario(_pack(json.dumps(data).encode()))
    assert exc.value.problems == ["settings.discount_rate: must be between 0 and 1"]


def test_too_large_scenario_is_refused_with_advice():
    big = generate_scenario(initiatives=100, segments=40, seed=1)
    with pytest.raises(LinkTooLongError) as exc:
        encode_scenario(big)
    assert exc.value.chars > MAX_TOKEN_CHARS and "download the scenario as JSON" in str(exc.value)
    assert decode_scenario(encode_scenario(big, limit=None)) == big


def test_zip_bomb_is_refused():
    with pytest.raises(roi.ScenarioError, match="too large"):
        decode_scenario(_pack(b" " * 5_000_000))


@settings(max_examples=60, deadline=None)
@given(position=st.integers(0, 10_000), char=st.sampled_from("AbZ09-_"))
def test_any_single_character_change_never_crashes(position, char):
    token = encode_scenario(roi.load_sample("consumer_goods_brand"))
    i = 3 + position % (len(token) - 3)
    broken = token[:i] + char + token[i + 1:]
    try:
        decode_scenario(broken)
    except roi.ScenarioError as exc:
        assert exc.problems  # a reason, never a traceback


def test_v2_links_are_shorter_and_v1_links_still_open():
    import base64 as b64
    import json as js

    s = roi.load_sample("european_retailer")
    token = encode_scenario(s)
    assert token.startswith("v2.")
    data = {"schema_version": 2, **s.model_dump(mode="json", exclude_defaults=True)}
    v1 = "v1." + b64.urlsafe_b64encode(zlib.compress(js.dumps(data, separators=(",", ":")).encode(), 9)).decode().rstrip("=")
    assert len(token) < 0.9 * len(v1)  # the preset dictionary of field names saves at least a tenth
    assert decode_scenario(v1) == s


def test_the_v2_dictionary_is_frozen():
    """Links in the wild are compressed against this dictionary: it must never change."""
    import hashlib

    from roi.share import _DICTIONARY_V2

    assert hashlib.sha256(_DICTIONARY_V2).hexdigest() == "776f2ff5bce4ddf81b827f779a30eabcb98a7b7a49ca63ca867cf5c4e5fc49d8"
