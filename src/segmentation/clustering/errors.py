"""Typed errors of the clustering numerics.

An error names the settings that can fix it by key (``fixed_k``,
``min_stability``...), never by where the caller keeps them: its text is a
template with ``$key`` (and ``$key1``, ``$key2``... for more keys) where a
setting is named. ``str(err)`` names them as config keys; a caller that keeps
the settings elsewhere renders the same error with
:meth:`ClusteringError.render` and its own wording.
"""

from __future__ import annotations

from collections.abc import Callable
from string import Template


def config_key_name(key: str) -> str:
    """How the library names a setting: ``config key 'fixed_k'``."""
    return f"config key '{key}'"


class ClusteringError(ValueError):
    """A clustering problem that a setting or the input data can fix.

    Attributes:
        template: The message, ``$key``/``$key1``... where settings are named.
        keys: The settings named, in placeholder order.
    """

    def __init__(self, template: str, *keys: str) -> None:
        self.template = template
        self.keys = keys
        super().__init__(self.render(config_key_name))

    def render(self, name_of: Callable[[str], str]) -> str:
        """The message with every setting named by ``name_of(key)``."""
        names = {
            ("key" if i == 0 else f"key{i}"): name_of(key)
            for i, key in enumerate(self.keys)
        }
        return Template(self.template).safe_substitute(names)


class SettingError(ClusteringError):
    """A setting is unknown, missing or out of its range."""


class InputDataError(ClusteringError):
    """The customer table cannot be clustered as it is (ids, columns, values)."""


class TooFewDistinctPointsError(ClusteringError):
    """``k`` exceeds the number of distinct feature vectors.

    Attributes:
        k: The number of clusters asked for.
        n_distinct: Distinct customers (feature vectors) in the data.
    """

    def __init__(self, k: int, n_distinct: int, key: str | None = None) -> None:
        self.k = k
        self.n_distinct = n_distinct
        text = (
            f"asked for k={k} clusters but the data has only {n_distinct} distinct "
            "customers; lower k"
        )
        if key is None:
            super().__init__(text)
        else:
            super().__init__(f"{text} ($key)", key)

    def for_setting(self, key: str) -> TooFewDistinctPointsError:
        """The same error, naming the setting ``k`` came from."""
        return TooFewDistinctPointsError(self.k, self.n_distinct, key)
