"""Share-link tokens: the JSON corpus packed as links, and broken tokens (cut, corrupted, bombs)."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterator

import roi
from roi.bounded import MAX_JSON_BYTES
from roi.share import _DICTIONARY_V2, encode_scenario

from . import Case, json_cases

EVERY = 10  # one per-field JSON case in this many is also sent as a link (the loaders behind are the same)


def pack(payload: bytes, *, v1: bool = False) -> str:
    """A ``v2.`` token (raw deflate with the schema dictionary) or a ``v1.`` token (zlib) of ``payload``."""
    if v1:
        return "v1." + base64.urlsafe_b64encode(zlib.compress(payload, 9)).decode("ascii").rstrip("=")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY_V2)
    packed = deflate.compress(payload) + deflate.flush()
    return "v2." + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def _as_link(case: Case) -> Case:
    """A JSON case sent as a link: whole-file problems are then the link's (``file:`` → ``link:``)."""
    field = "link" if case.expected_field == "file" else case.expected_field
    if case.case_id.endswith(("/too_large", "/huge_list_of_segments")):
        field = "link"  # inflates past the size limit: refused before it is read as JSON
    return Case("link/" + case.case_id, "link", pack(bytes(case.payload)), field, case.expect)


def token_cases() -> Iterator[Case]:
    """Tokens broken as links get broken: cut short, retyped, pasted whole, padded, bombs."""
    sample = roi.load_sample("european_retailer")
    good = encode_scenario(sample)
    for name in roi.sample_paths():
        s = roi.load_sample(name)
        yield Case(f"link/token/{name}/v2", "link", encode_scenario(s), "", "load")
        yield Case(f"link/token/{name}/v1", "link", pack(s.model_dump_json().encode(), v1=True), "", "load")
    yield Case("link/token/surrounding_whitespace", "link", f"  {good}\n", "", "load")
    broken: dict[str, str] = {
        "empty": "",
        "blank": "   ",
        "prefix_only_v2": "v2.",
        "prefix_only_v1": "v1.",
        "unknown_version": "v3." + good[3:],
        "no_prefix": good[3:],
        "whole_url_pasted": f"https://roi.example/?s={good}",
        "query_pasted": f"s={good}",
        "not_base64": "v2.!!!!****",
        "non_ascii": "v2.é" + good[3:40],
        "space_inside": good[:50] + " " + good[50:],
        "newline_inside": good[:50] + "\n" + good[50:],
        "percent_encoded": good[:40] + "%3D" + good[40:],
        "padding_in_the_middle": good[:41] + "==" + good[41:],
        "v1_label_on_v2_data": "v1." + good[3:],
        "v2_label_on_v1_data": "v2." + pack(sample.model_dump_json().encode(), v1=True)[3:],
        "not_compressed": "v2." + base64.urlsafe_b64encode(b'{"settings": {}}').decode().rstrip("="),
        "longer_than_any_link": "v2." + "A" * (MAX_JSON_BYTES + 1),
        "bomb_of_spaces": pack(b" " * (MAX_JSON_BYTES + 1)),
        "bomb_v1": pack(b"[" + b"0," * MAX_JSON_BYTES + b"0]", v1=True),
        "not_utf8_inside": pack(b'{"settings": {"name": "Caf\xe9"}}'),
        "nul_inside": pack(b"\x00" * 100),
    }
    for cut in (4, 10, len(good) // 4, len(good) // 2, len(good) - 5, len(good) - 1):
        broken[f"cut_at_{cut}"] = good[:cut]
    for at in (3, 20, len(good) // 2, len(good) - 3):  # one character retyped
        broken[f"retyped_at_{at}"] = good[:at] + ("A" if good[at] != "A" else "B") + good[at + 1:]
    for name, token in broken.items():
        yield Case(f"link/token/{name}", "link", token, "link")


def cases() -> Iterator[Case]:
    """Link-specific tokens, every whole-file JSON case as a link, and one in :data:`EVERY` field cases."""
    yield from token_cases()
    k = 0
    for case in json_cases.cases():
        if "@" not in case.case_id:
            yield _as_link(case)
        else:
            k += 1
            if k % EVERY == 0:
                yield _as_link(case)
