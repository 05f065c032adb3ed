"""The process's lifetime, as far as memory goes: whether it ends right after the run.

Kept free of imports: the CLI entry point calls `exit_follows()` before anything is loaded.
"""

from __future__ import annotations

from typing import Any

_LEFT_FOR_EXIT: list[Any] = []
_exit_follows = False


def exit_follows() -> None:
    """Declare that the process ends right after the run (the CLI, which ends with os._exit):
    see `let_go`."""
    global _exit_follows
    _exit_follows = True


def let_go(*done: Any) -> None:
    """Hand over structures a run no longer needs (the documents kept for the set rules). In a
    library call they are freed when the caller drops its references, as usual; in a process
    about to exit they are kept, since freeing half a gigabyte of small objects one by one takes
    longer (≈ 0.25 s for 50,000 documents) than the OS takes to reclaim the whole process."""
    if _exit_follows:
        _LEFT_FOR_EXIT.append(done)
