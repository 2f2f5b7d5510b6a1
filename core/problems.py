"""Problems found in user input, returned as values so one run reports all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.messages import Msg, render


@dataclass(frozen=True)
class Problem:
    source: str  # file name or other origin
    location: str  # JSON path, or "sheet!row"
    field: str  # the key or column concerned ("" when the whole record is meant)
    message: Msg

    def text(self) -> str:
        where = f"{self.location}.{self.field}" if self.field else self.location
        return f"{self.source}: {where}: {render(self.message)}"

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "location": self.location, "field": self.field,
                "message": self.message.as_json()}
