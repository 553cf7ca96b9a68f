"""Scenario schema: the inputs of a personalization business case (schema version 2).

The inputs follow the field's three measurement areas (audience, content, process) plus the
initiatives — the components the case is broken into. Units are stated on every field:
rates and shares are fractions 0–1, money is in the scenario's currency, periods are years
unless a name says months.

Every field is written once, here: its label (``title``), help text (``description``), unit
and whether it is a share shown as a percentage live on the pydantic field, and the pages,
validation messages, tables and exports read them through :mod:`roi.fields`.

Every model carries ``sources``: a mapping from field name to where its value came from.
A field with no entry is an assumption and is labelled as such wherever it is shown.

Version 1 files (and share links and workbooks made before version 2) are migrated on load by
:mod:`roi.migrate`, keeping their meaning.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator

from .bounded import XML_ILLEGAL

SCHEMA_VERSION = 2
UPLIFT_MIN, UPLIFT_MAX = -1.0, 10.0
MAX_RELATIVE = 1e6  # a measured relative lift or its interval: +100,000,000% is no test's result

# Far above any real business (money, customers, visits), far below float overflow in the model.
MAX_AMOUNT = 1e13
MAX_TEXT_CHARS = 5_000  # descriptions, notes, reasons
MAX_SOURCE_CHARS = 1_000  # one source line
MAX_SEGMENTS = 100
MAX_INITIATIVES = 100
MAX_CHANGES = 1_000
MAX_DATA_SOURCES = 50  # imports recorded on a scenario
MAX_EFFORT_FTE_MONTHS = 10_000  # 833 FTE-years: far above any one initiative
CAPACITY_FTE = (0.5, 1_000)  # delivery capacity, FTEs per quarter: the schema, the plan and the CLI's --capacity
MAX_DECAY = 0.9  # an effect that fades faster than 90% a year is not an initiative, it is a promotion


def bound(value: float) -> str:
    """A limit as a message shows it: whole numbers in full with separators, never ``1e+13``.

    >>> bound(1e13), bound(0.5), bound(120), bound(-0.25)
    ('10,000,000,000,000', '0.5', '120', '-0.25')
    """
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _between(lo: float, hi: float) -> AfterValidator:
    """Validator factory giving the message users see: ``must be between lo and hi``."""

    def check(value: float) -> float:
        if not (lo <= value <= hi):
            raise ValueError(f"must be between {bound(lo)} and {bound(hi)}")
        return value

    check.bounds = (lo, hi)  # type: ignore[attr-defined]  # read by roi.fields for widgets and workbooks
    return AfterValidator(check)


def _non_negative(value: float) -> float:
    if not (0 <= value <= MAX_AMOUNT):  # also refuses NaN
        raise ValueError("must be zero or more" if value < 0 else f"must be at most {bound(MAX_AMOUNT)}")
    return value


_non_negative.bounds = (0.0, MAX_AMOUNT)  # type: ignore[attr-defined]


def _whole_number(value: Any) -> Any:
    # JSON ``true`` and ``"3"`` are not numbers: refuse them rather than read them as 1 and 3.
    if isinstance(value, (bool, str)):
        raise ValueError("must be a whole number")
    return value


def _char(c: str) -> str:
    return f"U+{ord(c):04X}"


def _text(value: str) -> str:
    bad = XML_ILLEGAL.search(value)  # refused before any renderer sees them
    if bad:
        raise ValueError(f"must not contain control characters ({_char(bad[0])} at character {bad.start() + 1})")
    return value


# Numbers are strict: a boolean or a numeric string is refused, naming the field (pydantic's lax
# mode would read ``"discount_rate": true`` as a 100% rate).
Number = Annotated[float, Strict()]
Int = Annotated[int, BeforeValidator(_whole_number)]
# Booleans are strict too: pydantic's lax mode reads "yes", "off", 1 and 0 as booleans, so a typo'd
# or mistyped switch would pass unnoticed; JSON has true and false.
Bool = Annotated[bool, Strict()]
# Tab, LF and CR stay allowed: they are legal XML, and user text is kept byte for byte (the
# exports store a name that starts with a tab as text, never as a formula).
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS), AfterValidator(_text)]  # free text
SourceLine = Annotated[str, Field(max_length=MAX_SOURCE_CHARS), AfterValidator(_text)]


def Name(max_length: int = 100) -> Any:  # noqa: N802 - a type factory, used like a type
    """A required name of at most ``max_length`` characters."""
    return Annotated[str, Field(min_length=1, max_length=max_length), AfterValidator(_text)]


Fraction = Annotated[Number, _between(0, 1)]
Money = Annotated[Number, AfterValidator(_non_negative)]
NonNegative = Annotated[Number, AfterValidator(_non_negative)]
Uplift = Annotated[Number, _between(UPLIFT_MIN, UPLIFT_MAX)]
Score = Annotated[Number, _between(1, 5)]
Sources = dict[Annotated[str, Field(max_length=100), AfterValidator(_text)], SourceLine]


def field(default: Any = ..., *, title: str, unit: str = "", help: str = "", percent: bool = False,
          step: float | None = None, money: bool = False, short: str = "", **kwargs: Any) -> Any:
    """A field with its label, unit and help written once (read through :mod:`roi.fields`).

    ``percent``: stored as a fraction 0–1, typed and shown as a percentage. ``step``: the
    natural increment of an input box (in the displayed unit). ``money``: an amount in the
    scenario's currency (the unit is then said after the currency: "EUR per year"). ``short``: the
    header of the field's column in a table, when the title is too long for one.
    """
    extra: dict[str, Any] = {"unit": unit, "percent": percent, "money": money}
    if short:
        extra["short"] = short
    if step is not None:
        extra["step"] = step
    return Field(default, title=title, description=help, json_schema_extra=extra, **kwargs)


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


REVENUE_LEVERS = (Lever.conversion_rate, Lever.order_value, Lever.purchase_frequency)


class Depth(str, Enum):
    generic = "generic"
    segment = "segment"
    one_to_one = "one_to_one"


class EvidenceKind(str, Enum):
    assumed = "assumed"
    benchmark = "benchmark"
    measured = "measured"


class RetentionTiming(str, Enum):
    mid_year = "mid_year"  # a year's revenue of extra customers = average of the stock at start and end
    start_of_year = "start_of_year"  # customers kept in year t earn a full year in year t (version 1)


class LeverCombination(str, Enum):
    multiplicative = "multiplicative"  # (1 + a)(1 + b) − 1, as revenue = visits × conversion × order value
    additive = "additive"  # a + b (version 1)


# Benefit risk by evidence kind (TEI-style: the less the uplift is known, the larger the haircut).
# The tool's own defaults, stated as assumptions in data/benchmarks.csv.
DEFAULT_BENEFIT_RISK = {EvidenceKind.assumed: 0.25, EvidenceKind.benchmark: 0.15, EvidenceKind.measured: 0.05}


class Settings(_Model):
    """Scenario-wide finance settings and model rules (Forrester TEI conventions)."""

    name: Name(200) = field(title="Scenario name")  # type: ignore[valid-type]
    currency: str = field("EUR", title="Currency", unit="ISO 4217 code",
                          help="Three-letter code such as EUR, USD or GBP; every amount is in it.")
    horizon_years: Annotated[Int, _between(1, 10)] = field(
        3, title="Horizon", unit="years", help="Years of benefits and running costs after the year-0 investment.")
    discount_rate: Annotated[Number, _between(0, 1)] = field(
        0.10, title="Discount rate", unit="per year", percent=True, step=0.5,
        help="Rate at which future cash flows are discounted (10% is a common default).")
    benefit_risk_assumed: Fraction = field(
        DEFAULT_BENEFIT_RISK[EvidenceKind.assumed], title="Benefit risk, assumed uplifts", unit="benefits reduced by",
        percent=True, step=1.0,
        help="TEI risk adjustment of a benefit whose uplift is an assumption (no source, no test).")
    benefit_risk_benchmark: Fraction = field(
        DEFAULT_BENEFIT_RISK[EvidenceKind.benchmark], title="Benefit risk, benchmark uplifts",
        unit="benefits reduced by", percent=True, step=1.0,
        help="TEI risk adjustment of a benefit whose uplift comes from a published benchmark.")
    benefit_risk_measured: Fraction = field(
        DEFAULT_BENEFIT_RISK[EvidenceKind.measured], title="Benefit risk, measured uplifts",
        unit="benefits reduced by", percent=True, step=1.0,
        help="TEI risk adjustment of a benefit whose uplift was measured in our own A/B test.")
    cost_risk: Fraction = field(0.0, title="Cost risk", unit="costs raised by", percent=True, step=1.0,
                                help="TEI risk adjustment: every cost is raised by this share.")
    retention_timing: RetentionTiming = field(
        RetentionTiming.mid_year, title="Retention timing",
        help="mid_year: extra retained customers earn the average of the stock at the start and end of a "
             "year; start_of_year: customers kept in year t earn a full year in year t.")
    include_beyond_horizon: Bool = field(
        False, title="Count value beyond the horizon",
        help="Add to NPV the PV of the gross profit that extra retained customers still on the books at the "
             "end of the horizon bring later (off by default, as in TEI).")
    uplift_correlation: Fraction = field(
        0.5, title="Uplift correlation", unit="ρ, 0–1", step=0.05,
        help="Uplifts share causes (the same team, data and platform): the Monte Carlo draws them with this "
             "correlation through a common factor (Gaussian copula).")
    lever_combination: LeverCombination = field(
        LeverCombination.multiplicative, title="Levers on one segment combine",
        help="multiplicative: (1 + a)(1 + b) − 1, since revenue = visits × conversion × order value; "
             "additive: a + b.")
    realise_measured_uplift: Bool = field(
        False, title="Scale measured uplifts by maturity",
        help="Off: a measured uplift was measured in this organisation as it runs, so maturity realisation "
             "does not cut it again.")
    description: Text = field("", title="Description")
    sources: Sources = {}

    @model_validator(mode="after")
    def _currency_is_iso(self) -> "Settings":
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError("currency: must be a three-letter ISO 4217 code such as EUR or USD")
        return self

    def benefit_risk(self, kind: EvidenceKind | str) -> float:
        """Benefit risk adjustment (fraction) for an uplift of evidence ``kind``."""
        return getattr(self, f"benefit_risk_{EvidenceKind(kind).value}")


class Segment(_Model):
    """An audience segment and what it is worth today, per year."""

    name: Name() = field(title="Segment")  # type: ignore[valid-type]
    customers: NonNegative = field(title="Customers", unit="active customers", step=1000,
                                   help="Active customers in the segment.")
    visits_per_customer: NonNegative = field(title="Visits per customer", short="Visits/yr",
                                             unit="per customer per year",
                                             help="Visits, sessions or contacts per customer per year.")
    baseline_conversion_rate: Fraction = field(title="Conversion", unit="orders per visit", percent=True, step=0.1,
                                               help="Orders per visit today.")
    average_order_value: Money = field(title="Order value", unit="per order", money=True, help="Revenue per order.")
    gross_margin: Fraction = field(title="Gross margin", unit="share of revenue", percent=True,
                                   help="Gross profit per unit of revenue.")
    retention_rate: Fraction = field(title="Retention", short="Retention/yr", unit="still active a year later",
                                     percent=True,
                                     help="Share of customers still active a year later.")
    identifiable_share: Fraction = field(title="Identifiable", unit="share of customers", percent=True,
                                         help="Share of customers we can recognise (logged in, known).")
    consent_share: Fraction = field(title="Consented", unit="share of identifiable", percent=True,
                                    help="Share of identifiable customers who consented to personalization; data "
                                         "collected without consent must not be used.")
    sources: Sources = {}

    @property
    def personalizable_share(self) -> float:
        """Identifiable × consented: the only customers identity-based personalization may use."""
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

    cost_per_asset_generic: Money = field(500.0, title="Generic asset", unit="per asset", money=True, step=50.0,
                                          help="Cost of one asset shown to everyone.")
    cost_per_asset_segment: Money = field(
        1_500.0, title="Segment-level asset", unit="per asset per segment", money=True, step=50.0,
        help="Cost of one asset made for one segment; multiplied by the segments an initiative targets.")
    cost_per_asset_one_to_one: Money = field(
        4_000.0, title="1:1 template", unit="per modular template", money=True, step=100.0,
        help="Cost of one modular template that feeds 1:1 assembly from the product database.")
    variants_per_asset: Annotated[Number, _between(1, 1000)] = field(
        2, title="Variants per asset", unit="versions, 1–1000", step=1.0,
        help="Versions of each asset (A/B variants, sizes, languages).")
    refreshes_per_year: Annotated[Number, _between(0, 365)] = field(
        4, title="Refreshes per year", unit="times per year, 0–365", step=1.0,
        help="How often the content is renewed.")
    reuse_rate: Fraction = field(0.2, title="Reuse rate", unit="of assets from the library", percent=True, step=5.0,
                                 help="Share of assets taken from the content library instead of made new.")
    sources: Sources = {}

    def cost_per_asset(self, depth: Depth) -> float:
        return {
            Depth.generic: self.cost_per_asset_generic,
            Depth.segment: self.cost_per_asset_segment,
            Depth.one_to_one: self.cost_per_asset_one_to_one,
        }[Depth(depth)]


class Process(_Model):
    """How the organisation runs personalization; maturity scores are 1 (ad hoc) to 5 (leading)."""

    alignment: Score = field(3, title="Cross-team alignment", unit="score 1–5",
                             help="E-commerce, CRM, data and engineering working to one plan.")
    test_and_learn: Score = field(3, title="Test-and-learn culture", unit="score 1–5",
                                  help="Hypotheses are tested before they are believed.")
    feedback_loop: Score = field(3, title="Feedback loop", unit="score 1–5",
                                 help="Test results are turned into changes.")
    governance: Score = field(3, title="Governance", unit="score 1–5", help="Decisions at the right speed.")
    team_annual_cost: Money = field(0.0, title="Programme team", unit="per year", money=True, step=10_000.0,
                                    help="Shared personalization team (not attributed to any initiative).")
    platform_annual_cost: Money = field(0.0, title="Platform licences and hosting", unit="per year", money=True,
                                        step=10_000.0, help="Shared personalization platform, per year.")
    platform_one_time_cost: Money = field(0.0, title="Platform implementation", unit="at year 0", money=True,
                                          step=10_000.0, help="One-time implementation of the platform.")
    fte_month_cost: Money = field(
        0.0, title="Cost of an FTE-month", unit="per FTE-month", money=True, step=1_000.0,
        help="When set, each initiative's effort (FTE-months × this) becomes a one-time cost of that "
             "initiative; 0 means effort is paid from the programme team's cost.")
    tests_per_month: Annotated[Number, _between(0, 1_000)] = field(
        2, title="Test capacity", unit="experiments per month", step=1.0,
        help="Experiments the team can run per month.")
    realisation_floor: Fraction = field(
        0.5, title="Realised at maturity 1", unit="of theoretical benefit", percent=True, step=5.0,
        help="Share of the theoretical uplift an ad-hoc organisation realises; 100% at maturity 5.")
    ramp_months_slowest: Annotated[Number, _between(0, 60)] = field(
        12, title="Ramp at maturity 1", unit="months to full effect", step=1.0,
        help="Months from launch to full effect for an ad-hoc organisation.")
    ramp_months_fastest: Annotated[Number, _between(0, 60)] = field(
        3, title="Ramp at maturity 5", unit="months to full effect", step=1.0,
        help="Months from launch to full effect for a leading organisation.")
    sources: Sources = {}


class UpliftRange(_Model):
    """Expected relative uplift of the lever (0.05 = +5%) as low / base / high."""

    low: Uplift = field(title="Uplift, low", short="Uplift low", unit="relative", percent=True, step=0.5,
                        help="Pessimistic relative uplift of the lever.")
    base: Uplift = field(title="Uplift, base", short="Uplift base", unit="relative", percent=True, step=0.5,
                         help="Expected relative uplift used in the headline case.")
    high: Uplift = field(title="Uplift, high", short="Uplift high", unit="relative", percent=True, step=0.5,
                         help="Optimistic relative uplift of the lever.")

    @model_validator(mode="after")
    def _ordered(self) -> "UpliftRange":
        if not (self.low <= self.base <= self.high):
            raise ValueError("must satisfy low <= base <= high")
        return self


class MeasuredResult(_Model):
    """The figures of an A/B test whose result replaced an assumed uplift (A control, B treatment)."""

    test_name: Name(200)  # type: ignore[valid-type]
    date: SourceLine = ""  # ISO date the result was applied, YYYY-MM-DD
    # a million visitors a day for 2,700 years: no test is larger (roi.experiments.planner.MAX_UNITS)
    visitors_a: Annotated[Int, Field(ge=1, le=10**15)]
    conversions_a: Annotated[Int, Field(ge=0, le=10**15)]
    visitors_b: Annotated[Int, Field(ge=1, le=10**15)]
    conversions_b: Annotated[Int, Field(ge=0, le=10**15)]
    p_value: Fraction
    alpha: Fraction  # significance threshold used
    significant: Bool
    rel_lift: Annotated[Number, _between(-1.0, MAX_RELATIVE)]  # observed rate_b / rate_a − 1
    # interval of the observed relative lift (a delta-method bound may fall below −1)
    ci_rel_lift: tuple[Annotated[Number, _between(-MAX_RELATIVE, MAX_RELATIVE)],
                       Annotated[Number, _between(-MAX_RELATIVE, MAX_RELATIVE)]]
    confidence: Fraction  # level of that interval
    shrinkage_factor: Fraction | None = None  # share of the lift kept after winner's-curse shrinkage

    @model_validator(mode="after")
    def _counts(self) -> "MeasuredResult":
        if self.conversions_a > self.visitors_a:
            raise ValueError("conversions_a: cannot exceed visitors_a")
        if self.conversions_b > self.visitors_b:
            raise ValueError("conversions_b: cannot exceed visitors_b")
        if self.ci_rel_lift[0] > self.ci_rel_lift[1]:
            raise ValueError("ci_rel_lift: the interval's low end must not exceed its high end")
        return self


class Evidence(_Model):
    """Why we believe the uplift: an assumption, a published benchmark, or our own test."""

    kind: EvidenceKind = field(EvidenceKind.assumed, title="Evidence",
                               help="assumed: nobody has shown it; benchmark: published elsewhere; measured: our own "
                                    "test. It sets the benefit's risk adjustment.")
    source: SourceLine = field("", title="Evidence source", help="Publication or test name.")
    year: Annotated[Int, _between(1900, 2200)] | None = field(None, title="Evidence year")
    note: Text = ""
    measured: MeasuredResult | None = None  # the figures of the test behind a ``measured`` uplift


class Initiative(_Model):
    """One component of the business case."""

    name: Name() = field(title="Initiative")  # type: ignore[valid-type]
    outcome: Outcome = field(title="Outcome", help="growth, retention, efficiency or lifetime_value.")
    lever: Lever = field(title="Lever", help="What the initiative moves: conversion_rate, order_value, "
                                             "purchase_frequency, retention or cost_saving.")
    segments: list[str] = field([], title="Target segments", max_length=MAX_SEGMENTS,
                                help="Segments the initiative personalizes for (none for cost saving).")
    channel_reach: Fraction = field(
        1.0, title="Channel reach", short="Reach", unit="of eligible customers", percent=True, step=5.0,
        help="Share of the eligible customers the channel reaches: identified and consented ones for "
             "personalization by profile, everyone for personalization by context.")
    requires_identity: Bool = field(
        True, title="Needs identity",
        help="On: personalization by profile, for identified and consented customers only. Off: by context "
             "(device, location, journey stage, the page) — reaches everyone, identified or not.")
    uplift: UpliftRange
    effect_decay: Annotated[Number, _between(0, MAX_DECAY)] = field(
        0.0, title="Effect decay", short="Decay/yr", unit="per year after full ramp", percent=True,
        help="Share of the effect that fades each year once at full effect (novelty wearing off).")
    benefit_risk: Fraction | None = field(
        None, title="Benefit risk override", unit="benefits reduced by", percent=True,
        help="This initiative's own risk adjustment; empty uses the rate for its evidence kind.")
    depth: Depth = field(Depth.segment, title="Content depth", short="Depth", help="generic, segment or one_to_one.")
    content_assets: NonNegative = field(0, title="Content assets", short="Assets", unit="assets per refresh", step=1.0,
                                        help="Distinct assets needed per refresh (priced on the Content page).")
    one_time_cost: Money = field(0.0, title="One-time cost", short="One-time", unit="at year 0", money=True,
                                 step=10_000.0,
                                 help="Implementation cost of the initiative.")
    annual_running_cost: Money = field(0.0, title="Running cost", short="Running/yr", unit="per year once launched",
                                       money=True,
                                       step=10_000.0, help="Licences, operations once launched.")
    variable_campaign_cost: Money = field(
        0.0, title="Variable campaign cost", short="Campaign/yr", unit="per year at full run-rate", money=True,
        step=10_000.0,
        help="Sends, media and incentives at full run-rate (the denominator of revenue per campaign dollar).")
    cost_base: Money = field(0.0, title="Cost base addressed", short="Cost base/yr", unit="per year", money=True,
                             step=10_000.0,
                             help="Annual cost this efficiency initiative saves on.")
    effort_fte_months: Annotated[Number, _between(0, MAX_EFFORT_FTE_MONTHS)] = field(
        0.0, title="Effort", short="Effort (FTE-mo)", unit="FTE-months", step=1.0,
        help="Delivery effort: people × months to build and launch.")
    months_to_launch: Annotated[Number, _between(0, 120)] = field(
        0.0, title="Months to launch", short="Launch (months)", unit="months, 0–120", step=1.0,
        help="Months from programme start until the initiative goes live.")
    evidence: Evidence = Evidence()
    description: Text = field("", title="Description")
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


class PlanSettings(_Model):
    """What the recommended plan is planned under, and how the Prioritization page looks at it.

    Part of the scenario, so a colleague opening the same file or link sees the same plan.
    """

    capacity_fte: Annotated[Number, _between(*CAPACITY_FTE)] = field(
        6.0, title="Delivery capacity", unit="FTEs per quarter", step=0.5,
        help="People who build and launch initiatives; the plan queues initiatives through them in order.")
    budget_one_time: Money | None = field(
        None, title="Budget for one-time cost", unit="at year 0",
        help="Cap on the plan's one-time cost (initiatives' one-time and effort cost, platform implementation); "
             "empty: no cap.")
    budget_year1: Money | None = field(
        None, title="Budget for year-1 cost", unit="in year 1",
        help="Cap on the plan's running, content, campaign and programme cost in year 1 (each initiative counted "
             "as if it launched at its earliest); empty: no cap.")
    pinned_in: list[Annotated[str, Field(max_length=100)]] = field(
        [], title="Always do", max_length=MAX_INITIATIVES, help="Initiatives the plan must include.")
    pinned_out: list[Annotated[str, Field(max_length=100)]] = field(
        [], title="Never do", max_length=MAX_INITIATIVES, help="Initiatives the plan must leave out.")
    lens: Literal["value_per_effort", "rice", "ice", "wsjf"] = field(
        "value_per_effort", title="Ranking lens", help="The scoring shown beside the plan to explain it.")
    impact: Literal["npv", "profit"] = field("npv", title="Impact axis")
    cost_axis: Literal["effort", "cost"] = field("effort", title="Resource cost axis")


class ProgrammeCalibration(_Model):
    """A measured programme-level correction from a global holdout.

    ``factor`` = measured ÷ claimed incremental revenue per customer; every revenue benefit of
    the case (not cost savings) is multiplied by it.
    """

    factor: Annotated[Number, _between(0, 10)] = field(title="Calibration factor", unit="× revenue benefits")
    test_name: Name(200)  # type: ignore[valid-type]
    date: SourceLine = ""  # ISO date the calibration was applied
    exposed_customers: Annotated[Int, Field(ge=1)]
    holdout_customers: Annotated[Int, Field(ge=1)]
    incremental_revenue_per_customer: Number  # measured, currency per customer over the test period
    ci: tuple[Number, Number]  # interval of the measured incremental revenue per customer
    confidence: Fraction
    p_value: Fraction
    claimed_revenue_per_customer: Number  # what the case claims over the same period
    note: Text = ""


class ChangeRecord(_Model):
    """One change and the reason for it (the feedback loop's audit trail).

    ``scope="initiative"``: an initiative's uplift changed (``before``/``after``); ``scope=
    "programme"``: the programme calibration factor changed (``factor_before``/``factor_after``).
    """

    date: SourceLine = ""  # ISO date, YYYY-MM-DD
    scope: Literal["initiative", "programme"] = "initiative"
    initiative: Annotated[str, Field(max_length=100), AfterValidator(_text)] = ""
    before: UpliftRange | None = None  # uplift before the change
    after: UpliftRange | None = None  # uplift after the change
    evidence_before: EvidenceKind | None = None
    evidence_after: EvidenceKind | None = None
    factor_before: Annotated[Number, _between(0, 10)] | None = None
    factor_after: Annotated[Number, _between(0, 10)] | None = None
    reason: Text = ""  # plain-sentence conclusion of the test
    result: MeasuredResult | None = None  # the test's figures
    note: Text = ""

    @model_validator(mode="after")
    def _complete(self) -> "ChangeRecord":
        if self.scope == "initiative":
            missing = [f for f in ("before", "after", "evidence_before", "evidence_after")
                       if getattr(self, f) is None] + (["initiative"] if not self.initiative else [])
            if missing:
                raise ValueError(f"{missing[0]}: is required for an initiative's change")
        elif self.factor_after is None:
            raise ValueError("factor_after: is required for a programme change")
        return self


class Scenario(_Model):
    """A whole business case: settings, audience, content, process and initiatives."""

    schema_version: Int = SCHEMA_VERSION
    settings: Settings
    segments: list[Segment] = Field(min_length=1, max_length=MAX_SEGMENTS)
    content: Content = Content()
    process: Process = Process()
    initiatives: list[Initiative] = Field(min_length=1, max_length=MAX_INITIATIVES)
    calibration: ProgrammeCalibration | None = None  # measured programme-level correction (global holdout)
    plan: PlanSettings = PlanSettings()  # capacity, budgets, pins and view of the recommended plan
    changes: list[ChangeRecord] = Field([], max_length=MAX_CHANGES)  # why numbers moved, oldest first
    data_sources: list[DataSource] = Field([], max_length=MAX_DATA_SOURCES)  # imports behind the audience, oldest first

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(f"schema_version: must be {SCHEMA_VERSION}")
        _unique([s.name for s in self.segments], "segments")
        _unique([i.name for i in self.initiatives], "initiatives")
        names = {i.name for i in self.initiatives}
        for pin in ("pinned_in", "pinned_out"):
            unknown = [n for n in getattr(self.plan, pin) if n not in names]
            if unknown:
                raise ValueError(f"plan.{pin}: unknown initiative {unknown[0]!r}")
        both = set(self.plan.pinned_in) & set(self.plan.pinned_out)
        if both:
            raise ValueError(f"plan.pinned_out: {sorted(both)[0]!r} is also pinned in")
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

    def benefit_risk(self, initiative: Initiative) -> float:
        """The initiative's benefit risk adjustment: its override, else its evidence kind's rate."""
        if initiative.benefit_risk is not None:
            return initiative.benefit_risk
        return self.settings.benefit_risk(initiative.evidence.kind)

    def realised_by_maturity(self, initiative: Initiative) -> bool:
        """Whether maturity realisation scales the initiative's uplift (not for a measured uplift,
        unless the settings say so)."""
        return initiative.evidence.kind != EvidenceKind.measured or self.settings.realise_measured_uplift


def _unique(names: list[str], field: str) -> None:
    seen: set[str] = set()
    for k, n in enumerate(names):
        if n in seen:
            raise ValueError(f"{field}[{k}].name: duplicate name {n!r}")
        seen.add(n)


Count = Annotated[Int, Field(ge=0, le=10**15)]  # Int: true and "5" are not counts


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
