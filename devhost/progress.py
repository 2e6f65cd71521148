"""Progress output for seeders, on ``rich`` so long loops show a bar on a terminal and
plain lines when the output is piped (``make run`` logs)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import track

T = TypeVar("T")


class Progress:
    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(highlight=False)
        self._step = ""

    def begin(self, step: str) -> None:
        """Name the seeder that is running; later notes are prefixed with it."""
        self._step = step
        self._console.print(f"[bold]seed {step}[/bold]")

    def note(self, message: str) -> None:
        prefix = f"  {self._step}: " if self._step else "  "
        self._console.print(prefix + message)

    def track(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        """Iterate ``items`` with a progress bar labelled ``description``."""
        label = f"  {self._step}: {description}" if self._step else description
        yield from track(
            items,
            description=label,
            total=total,
            console=self._console,
            disable=not self._console.is_terminal,
        )
        self.note(f"{description}: done")
