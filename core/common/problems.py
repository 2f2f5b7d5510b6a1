"""Problems found in user input, returned as values so one run reports all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.common.messages import Msg, render


@dataclass(frozen=True)
class Problem:
    """One problem with the input: its source, where in it, the field, and what is wrong."""
    source: str  # file name or other origin
    location: str  # JSON path, or "sheet!row"
    field: str  # the key or column concerned ("" when the whole record is meant)
    message: Msg

    def text(self) -> str:
        if not self.field:
            where = self.location or ""
        elif self.field.isidentifier():
            where = f"{self.location}.{self.field}"
        else:  # clause ids such as 2.1 contain dots
            where = f'{self.location}["{self.field}"]'

        return f"{self.source}: {where}: {render(self.message)}" if where else f"{self.source}: {render(self.message)}"

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "location": self.location, "field": self.field,
                "message": self.message.as_json()}
