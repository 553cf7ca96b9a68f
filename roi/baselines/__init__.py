"""Audience baselines from a client's own order data: DuckDB on files, or SQL inside a warehouse.

Typical use::

    from roi.baselines import OrdersMapping, baselines_from_files
    result = baselines_from_files("orders.csv", OrdersMapping("customer_id", "order_id", "order_date",
                                                               "order_value", segment="customer_type"))
    result.segments[0].average_order_value, result.exclusions

The modules: :mod:`.mapping` (which column is which), :mod:`.files` (accepted files),
:mod:`.sql` (the one SQL text), :mod:`.run` (running it on any engine), :mod:`.duck` (DuckDB),
:mod:`.warehouse` (SQLAlchemy), :mod:`.result` (the figures and their formulas), :mod:`.apply`
(into a scenario, with provenance).
"""

from .duck import baselines_from_files, file_columns
from .errors import BaselineError
from .mapping import CustomersMapping, OrdersMapping, VisitsMapping, check_mapping, suggest
from .result import BaselineResult, Exclusion, Period, SegmentBaseline, lifetime_value, merge

__all__ = [
    "BaselineError",
    "BaselineResult",
    "CustomersMapping",
    "Exclusion",
    "OrdersMapping",
    "Period",
    "SegmentBaseline",
    "VisitsMapping",
    "baselines_from_files",
    "check_mapping",
    "file_columns",
    "lifetime_value",
    "merge",
    "suggest",
]
