"""Base classes of descend's estimators: scikit-learn's when it is installed, else our own.

With scikit-learn installed the estimators derive from ``sklearn.base.BaseEstimator`` and its
mixins, so ``clone``, ``Pipeline``, ``GridSearchCV`` and the estimator checks see ordinary
scikit-learn estimators. Without it they derive from the small classes below, which give the
same ``get_params`` / ``set_params`` behaviour: descend needs NumPy only.
"""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["BaseEstimator", "ClassifierMixin", "RegressorMixin", "HAVE_SKLEARN"]

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

    HAVE_SKLEARN = True
except ImportError:  # pragma: no cover - exercised by the no-scikit-learn test in a subprocess
    HAVE_SKLEARN = False

    class BaseEstimator:  # type: ignore[no-redef]
        """get_params / set_params over the keyword arguments of ``__init__``."""

        @classmethod
        def _get_param_names(cls) -> list[str]:
            signature = inspect.signature(cls.__init__)
            return sorted(
                name
                for name, p in signature.parameters.items()
                if name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD
            )

        def get_params(self, deep: bool = True) -> dict[str, Any]:
            """The estimator's hyperparameters, by name."""
            return {name: getattr(self, name) for name in self._get_param_names()}

        def set_params(self, **params: Any) -> BaseEstimator:
            """Set hyperparameters by name; unknown names raise ValueError."""
            valid = self._get_param_names()
            for name, value in params.items():
                if name not in valid:
                    raise ValueError(
                        f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                        f"Valid parameters are: {valid}."
                    )
                setattr(self, name, value)
            return self

        def __repr__(self) -> str:
            defaults = inspect.signature(type(self).__init__).parameters
            changed = [
                f"{name}={value!r}"
                for name, value in self.get_params().items()
                if defaults[name].default is not value and defaults[name].default != value
            ]
            return f"{type(self).__name__}({', '.join(changed)})"

    class RegressorMixin:  # type: ignore[no-redef]
        """Marks a regressor."""

        _estimator_type = "regressor"

    class ClassifierMixin:  # type: ignore[no-redef]
        """Marks a classifier."""

        _estimator_type = "classifier"
