"""Warnings and errors raised by descend."""

__all__ = ["ConcurrentStepError", "ConvergenceWarning"]


class ConvergenceWarning(UserWarning):
    """A fit stopped without converging: it diverged, or ran out of iterations."""


class ConcurrentStepError(RuntimeError):
    """``step()`` of a ``descend.optim`` optimizer was called while another thread was inside
    ``step()`` of the same optimizer. An optimizer's state (its arrays and step counts) is
    updated by one step at a time; two overlapping steps would lose updates, so the second is
    refused (nothing changes) instead. Give each thread its own optimizer, or hold a lock."""
