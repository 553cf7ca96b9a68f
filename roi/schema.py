"""Scenario schema: the inputs of a personalization business case.

The inputs follow the field's three measurement areas (audience, content, process) plus the
initiatives — the components the case is broken into. Units are stated on every field:
rates and shares are fractions 0–1, money is in the scenario's currency, periods are years
unless a name says months.

Every model carries ``sources``: a mapping from field name to where its value came from.
A field with no entry is an assumption and is labelled as such wherever it is shown.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from .bounded import XML_ILLEGAL

SCHEMA_VERSION = 1
UPLIFT_MIN, UPLIFT_MAX = -1.0, 10.0


def _between(lo: float, hi: float):
    """Validator factory giving the message users see: ``must be between lo and hi``."""

    def check(value: float) -> float:
        if not (lo <= value <= hi):
            raise ValueError(f"must be between {lo:g} and {hi:g}")
        return value

    return AfterValidator(check)


# Far above any real business (money, customers, visits), far below float overflow in the model.
MAX_AMOUNT = 1e13


def _non_negative(value: float) -> float:
    if not (0 <= value <= MAX_AMOUNT):  # also refuses NaN
        raise ValueError("must be zero or more" if value < 0 else f"must be at most {MAX_AMOUNT:g}")
    return value


MAX_TEXT_CHARS = 5_000  # descriptions, notes, reasons
MAX_SOURCE_CHARS = 1_000  # one source line
MAX_SEGMENTS = 100
MAX_INITIATIVES = 100
MAX_CHANGES = 1_000
MAX_DATA_SOURCES = 50  # imports recorded on a scenario
MAX_EFFORT_FTE_MONTHS = 10_000  # 833 FTE-years: far above any one initiative


def _char(c: str) -> str:
    return f"U+{ord(c):04X}"


def _text(value: str) -> str:
    bad = XML_ILLEGAL.search(value)  # refused before any renderer sees them
    if bad:
        raise ValueError(f"must not contain control characters ({_char(bad[0])} at character {bad.start() + 1})")
    return value


# Tab, LF and CR stay allowed: they are legal XML, and user text is kept byte for byte (the
# exports store a name that starts with a tab as text, never as a formula).
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS), AfterValidator(_text)]  # free text
SourceLine = Annotated[str, Field(max_length=MAX_SOURCE_CHARS), AfterValidator(_text)]


def Name(max_length: int = 100) -> Any:  # noqa: N802 - a type factory, used like a type
    """A required name of at most ``max_length`` characters."""
    return Annotated[str, Field(min_length=1, max_length=max_length), AfterValidator(_text)]


Fraction = Annotated[float, _between(0, 1)]
Money = Annotated[float, AfterValidator(_non_negative)]
NonNegative = Annotated[float, AfterValidator(_non_negative)]
Uplift = Annotated[float, _between(UPLIFT_MIN, UPLIFT_MAX)]
Score = Annotated[float, _between(1, 5)]
Sources = dict[Annotated[str, Field(max_length=100), AfterValidator(_text)], SourceLine]


class _Model(BaseModel):
    # Unknown keys are refused so a typo in a hand-edited JSON file is reported, not ignored.
    # NaN and infinities are refused: they would flow through the model as silent nulls.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    def source_of(self, field: str) -> str:
        """Where the value of ``field`` came from, or ``"assumption"`` when nobody said."""
        return getattr(self, "sources", {}).get(field, "") or "assumption"


class Outcome(str, Enum):
    growth = "growth"
    retention = "retention"
    efficiency = "efficiency"
    lifetime_value = "lifetime_value"


class Lever(str, Enum):
    conversion_rate = "conversion_rate"
    order_value = "order_value"
    purchase_frequency = "purchase_frequency"
    retention = "retention"
    cost_saving = "cost_saving"


class Depth(str, Enum):
    generic = "generic"
    segment = "segment"
    one_to_one = "one_to_one"


class EvidenceKind(str, Enum):
    assumed = "assumed"
    benchmark = "benchmark"
    measured = "measured"


class Settings(_Model):
    """Scenario-wide finance settings (Forrester TEI conventions)."""

    name: Name(200)  # type: ignore[valid-type]
    currency: str = "EUR"  # ISO 4217 code
    horizon_years: Annotated[int, _between(1, 10)] = 3
    discount_rate: Annotated[float, _between(0, 1)] = 0.10  # fraction per year
    benefit_risk: Fraction = 0.0  # benefits reduced by this fraction
    cost_risk: Fraction = 0.0  # costs raised by this fraction
    description: Text = ""
    sources: Sources = {}

    @model_validator(mode="after")
    def _currency_is_iso(self) -> "Settings":
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError("currency: must be a three-letter ISO 4217 code such as EUR or USD")
        return self


class Segment(_Model):
    """An audience segment and what it is worth today, per year."""

    name: Name()  # type: ignore[valid-type]
    customers: NonNegative  # active customers
    visits_per_customer: NonNegative  # visits (sessions, contacts) per customer per year
    baseline_conversion_rate: Fraction  # orders per visit
    average_order_value: Money  # revenue per order
    gross_margin: Fraction  # gross profit per unit of revenue
    retention_rate: Fraction  # share of customers still active a year later
    identifiable_share: Fraction  # share of customers we can recognise
    consent_share: Fraction  # share of identifiable customers who consented to personalization
    sources: Sources = {}

    @property
    def personalizable_share(self) -> float:
        """Identifiable × consented: the only customers personalization may use."""
        return self.identifiable_share * self.consent_share

    @property
    def baseline_revenue(self) -> float:
        """Revenue per year today = customers × visits × conversion × order value."""
        return (
            self.customers
            * self.visits_per_customer
            * self.baseline_conversion_rate
            * self.average_order_value
        )


class Content(_Model):
    """What must be produced to personalize, and what it costs per asset."""

    cost_per_asset_generic: Money = 500.0
    cost_per_asset_segment: Money = 1_500.0
    cost_per_asset_one_to_one: Money = 4_000.0  # per modular template feeding 1:1 assembly
    variants_per_asset: Annotated[float, _between(1, 1000)] = 2  # versions per asset (A/B, sizes)
    refreshes_per_year: Annotated[float, _between(0, 365)] = 4
    reuse_rate: Fraction = 0.2  # share of assets taken from the content library instead of made
    sources: Sources = {}

    def cost_per_asset(self, depth: Depth) -> float:
        return {
            Depth.generic: self.cost_per_asset_generic,
            Depth.segment: self.cost_per_asset_segment,
            Depth.one_to_one: self.cost_per_asset_one_to_one,
        }[Depth(depth)]


class Process(_Model):
    """How the organisation runs personalization; maturity scores are 1 (ad hoc) to 5 (leading)."""

    alignment: Score = 3  # cross-team alignment (e-commerce, CRM, data, engineering)
    test_and_learn: Score = 3  # culture of testing hypotheses
    feedback_loop: Score = 3  # test results turned into changes
    governance: Score = 3  # decisions at the right speed
    team_annual_cost: Money = 0.0  # programme team, per year
    platform_annual_cost: Money = 0.0  # licences and hosting, per year
    platform_one_time_cost: Money = 0.0  # implementation, at year 0
    tests_per_month: Annotated[float, _between(0, 1_000)] = 2  # experiments the team can run per month
    realisation_floor: Fraction = 0.5  # share of benefit realised at maturity 1 (100% at 5)
    ramp_months_slowest: Annotated[float, _between(0, 60)] = 12  # ramp to full effect at maturity 1
    ramp_months_fastest: Annotated[float, _between(0, 60)] = 3  # ramp to full effect at maturity 5
    sources: Sources = {}


class UpliftRange(_Model):
    """Expected relative uplift of the lever (0.05 = +5%) as low / base / high."""

    low: Uplift
    base: Uplift
    high: Uplift

    @model_validator(mode="after")
    def _ordered(self) -> "UpliftRange":
        if not (self.low <= self.base <= self.high):
            raise ValueError("must satisfy low <= base <= high")
        return self


class MeasuredResult(_Model):
    """The figures of an A/B test whose result replaced an assumed uplift (A control, B treatment)."""

    test_name: Name(200)  # type: ignore[valid-type]
    date: SourceLine = ""  # ISO date the result was applied, YYYY-MM-DD
    visitors_a: Annotated[int, Field(ge=1)]
    conversions_a: Annotated[int, Field(ge=0)]
    visitors_b: Annotated[int, Field(ge=1)]
    conversions_b: Annotated[int, Field(ge=0)]
    p_value: Fraction
    alpha: Fraction  # significance threshold used
    significant: bool
    rel_lift: float  # observed rate_b / rate_a − 1
    ci_rel_lift: tuple[float, float]  # interval of the observed relative lift
    confidence: Fraction  # level of that interval
    shrinkage_factor: Fraction | None = None  # share of the lift kept after winner's-curse shrinkage

    @model_validator(mode="after")
    def _counts(self) -> "MeasuredResult":
        if self.conversions_a > self.visitors_a:
            raise ValueError("conversions_a: cannot exceed visitors_a")
        if self.conversions_b > self.visitors_b:
            raise ValueError("conversions_b: cannot exceed visitors_b")
        return self


class Evidence(_Model):
    """Why we believe the uplift: an assumption, a published benchmark, or our own test."""

    kind: EvidenceKind = EvidenceKind.assumed
    source: SourceLine = ""  # publication or test name
    year: int | None = None
    note: Text = ""
    measured: MeasuredResult | None = None  # the figures of the test behind a ``measured`` uplift


class Initiative(_Model):
    """One component of the business case."""

    name: Name()  # type: ignore[valid-type]
    outcome: Outcome
    lever: Lever
    segments: list[str] = Field([], max_length=MAX_SEGMENTS)  # target segment names; empty only for cost_saving
    channel_reach: Fraction = 1.0  # share of personalizable customers the channel reaches
    uplift: UpliftRange
    depth: Depth = Depth.segment
    content_assets: NonNegative = 0  # distinct assets needed per refresh
    one_time_cost: Money = 0.0  # at year 0
    annual_running_cost: Money = 0.0  # per year once launched
    variable_campaign_cost: Money = 0.0  # per year at full run-rate (sends, media, incentives)
    cost_base: Money = 0.0  # annual cost addressed by a cost_saving initiative
    effort_fte_months: Annotated[float, _between(0, MAX_EFFORT_FTE_MONTHS)] = 0.0
    months_to_launch: Annotated[float, _between(0, 120)] = 0.0
    evidence: Evidence = Evidence()
    description: Text = ""
    sources: Sources = {}

    @model_validator(mode="after")
    def _lever_needs(self) -> "Initiative":
        if self.lever == Lever.cost_saving:
            if self.cost_base <= 0 and self.uplift.high > 0:
                raise ValueError("cost_base: a cost_saving initiative needs the annual cost it saves on")
        elif not self.segments:
            raise ValueError("segments: must name at least one target segment")
        repeated = [s for k, s in enumerate(self.segments) if s in self.segments[:k]]
        if repeated:  # content cost counts listed segments: a repeat would double it
            raise ValueError(f"segments: {repeated[0]!r} is listed twice")
        return self


class ChangeRecord(_Model):
    """One change to an initiative's uplift and the reason for it (the feedback loop's audit trail)."""

    date: SourceLine = ""  # ISO date, YYYY-MM-DD
    initiative: Name()  # type: ignore[valid-type]
    before: UpliftRange  # uplift before the change
    after: UpliftRange  # uplift after the change
    evidence_before: EvidenceKind
    evidence_after: EvidenceKind
    reason: Text = ""  # plain-sentence conclusion of the test
    result: MeasuredResult | None = None  # the test's figures
    note: Text = ""


class Scenario(_Model):
    """A whole business case: settings, audience, content, process and initiatives."""

    schema_version: int = SCHEMA_VERSION
    settings: Settings
    segments: list[Segment] = Field(min_length=1, max_length=MAX_SEGMENTS)
    content: Content = Content()
    process: Process = Process()
    initiatives: list[Initiative] = Field(min_length=1, max_length=MAX_INITIATIVES)
    changes: list[ChangeRecord] = Field([], max_length=MAX_CHANGES)  # why numbers moved: applied test results, oldest first
    data_sources: list[DataSource] = Field([], max_length=MAX_DATA_SOURCES)  # imports behind the audience, oldest first

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(f"schema_version: must be {SCHEMA_VERSION}")
        _unique([s.name for s in self.segments], "segments")
        _unique([i.name for i in self.initiatives], "initiatives")
        known = {s.name for s in self.segments}
        for k, ini in enumerate(self.initiatives):
            unknown = [s for s in ini.segments if s not in known]
            if unknown:
                raise ValueError(
                    f"initiatives[{k}].segments: unknown segment {unknown[0]!r} "
                    f"(known: {', '.join(sorted(known))})"
                )
        return self

    def segment(self, name: str) -> Segment:
        return next(s for s in self.segments if s.name == name)


def _unique(names: list[str], field: str) -> None:
    seen: set[str] = set()
    for k, n in enumerate(names):
        if n in seen:
            raise ValueError(f"{field}[{k}].name: duplicate name {n!r}")
        seen.add(n)


Count = Annotated[int, Field(ge=0, le=10**15)]


class DataSource(_Model):
    """One import of the client's data into the audience: what was read, used and left out, and when.

    Written by :func:`roi.baselines.apply.apply_baselines`; each field it filled also names the
    import in its segment's ``sources``. Counts are rows of the orders input.
    """

    name: Name(300)  # type: ignore[valid-type]  # orders file name, or warehouse table
    engine: SourceLine = ""  # "duckdb" or the warehouse dialect ("postgresql")
    rows_read: Count = 0
    rows_used: Count = 0  # valid orders in the period
    rows_excluded: Count = 0  # rows with a data problem
    excluded: dict[Annotated[str, Field(max_length=100), AfterValidator(_text)], Count] = {}  # reason → rows
    period_start: SourceLine = ""  # ISO date, first day of the 12-month period
    period_end: SourceLine = ""  # ISO date, last day
    derived_on: SourceLine = ""  # ISO date the baselines were applied
    mapping: Sources = {}  # field → column
    segmentation: SourceLine = ""  # "column …", "rfm" or "one segment"
    segments: list[Annotated[str, Field(max_length=100), AfterValidator(_text)]] = Field([], max_length=MAX_SEGMENTS)
    visits: SourceLine = ""  # visits file or table, if any
    customers_file: SourceLine = ""  # customers file or table, if any
    note: Text = ""
