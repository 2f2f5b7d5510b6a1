"""The facts editors of a clause page, one widget class per editor kind a page names
(core.scoring.assessment's BASES, TRIPS, …): EDITORS says which class edits which kind."""

from __future__ import annotations

from core.scoring.assessment import BASES, DELIVERIES, INSURED_WORKERS, MANAGEMENT, NEGATIVE, PLATFORM_RATING, TRIPS
from ui.editors.base import FactsEditor
from ui.editors.insured_workers import InsuredWorkersEditor
from ui.editors.management import ManagementEditor
from ui.editors.negative import NegativeEditor
from ui.editors.platform_rating import PlatformRatingEditor
from ui.editors.records import BasesEditor, DeliveriesEditor, TripsEditor

EDITORS: dict[str, type[FactsEditor]] = {
    BASES: BasesEditor,
    TRIPS: TripsEditor,
    DELIVERIES: DeliveriesEditor,
    INSURED_WORKERS: InsuredWorkersEditor,
    PLATFORM_RATING: PlatformRatingEditor,
    MANAGEMENT: ManagementEditor,
    NEGATIVE: NegativeEditor,
}
