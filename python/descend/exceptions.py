"""Warnings and errors raised by descend."""

__all__ = ["ConvergenceWarning"]


class ConvergenceWarning(UserWarning):
    """A fit stopped without converging: it diverged, or ran out of iterations."""
