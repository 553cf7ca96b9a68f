"""Scenarios and their immutable versions.

Revision ID: 0001
Revises:
Create Date: 2025-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "roi_scenarios",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.String(100), nullable=True),
        sa.Column("branched_from_id", sa.String(16), nullable=True),
        sa.Column("branched_from_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_roi_scenarios"),
        sa.ForeignKeyConstraint(["branched_from_id"], ["roi_scenarios.id"],
                                name="fk_roi_scenarios_branched_from_id_roi_scenarios"),
    )
    op.create_index("uq_roi_scenarios_live_name", "roi_scenarios", ["name_key"], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_roi_scenarios_updated_at", "roi_scenarios", ["updated_at"])
    op.create_table(
        "roi_scenario_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scenario_id", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("parent_version", sa.Integer(), nullable=True),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("change_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_roi_scenario_versions"),
        sa.ForeignKeyConstraint(["scenario_id"], ["roi_scenarios.id"],
                                name="fk_roi_scenario_versions_scenario_id_roi_scenarios"),
        sa.UniqueConstraint("scenario_id", "version", name="uq_roi_scenario_versions_scenario_id_version"),
    )


def downgrade() -> None:
    op.drop_table("roi_scenario_versions")
    op.drop_index("ix_roi_scenarios_updated_at", table_name="roi_scenarios")
    op.drop_index("uq_roi_scenarios_live_name", table_name="roi_scenarios")
    op.drop_table("roi_scenarios")
