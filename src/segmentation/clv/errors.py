"""Typed errors of the CLV numerics. Each carries the figures that made it,
so that a caller can word it in its own terms (the dbt glue names the vars
that change them)."""

from __future__ import annotations


class ClvError(ValueError):
    """Base class: the CLV models cannot be fitted or used on these inputs."""


class InvalidHistoryError(ClvError):
    """Purchase histories that break the model's assumptions (negative counts,
    a last purchase after the end of observation, non-finite values)."""

    def __init__(self, problem: str, rows: int, example: str) -> None:
        self.problem, self.rows, self.example = problem, rows, example
        super().__init__(f"{rows:,} purchase histories {problem} (first: {example})")


class TooFewCustomersError(ClvError):
    """Fewer customers than a fit needs to identify its parameters."""

    def __init__(self, model: str, what: str, found: int, needed: int) -> None:
        self.model, self.what, self.found, self.needed = model, what, found, needed
        super().__init__(
            f"{model}: {found:,} {what}, fewer than the {needed:,} the fit needs"
        )


class FitNotConvergedError(ClvError):
    """The optimiser stopped before it found the maximum of the likelihood."""

    def __init__(
        self, model: str, iterations: int, reason: str, limit_reached: bool = False
    ) -> None:
        self.model, self.iterations, self.reason = model, iterations, reason
        self.limit_reached = limit_reached
        super().__init__(
            f"{model}: the likelihood's maximum was not found after {iterations} "
            f"iterations ({reason})"
        )


class ParameterAtBoundError(ClvError):
    """A parameter ran to the edge of the search: the data do not identify
    it (e.g. no customer ever seems to drop out, so b grows without end)."""

    def __init__(
        self,
        model: str,
        parameter: str,
        value: float,
        bound: float,
        hint: str,
        upper: bool = False,
    ) -> None:
        self.model, self.parameter, self.value = model, parameter, value
        self.bound, self.hint, self.upper = bound, hint, upper
        super().__init__(
            f"{model}: parameter {parameter} = {value:.6g} is at the bound "
            f"{bound:.6g} of the search; {hint}"
        )


class ImplausibleParametersError(ClvError):
    """Parameters that are a maximum of the likelihood but cannot be used
    (e.g. Gamma-Gamma q <= 1: the mean order value would be infinite)."""

    def __init__(self, model: str, parameter: str, value: float, reason: str) -> None:
        self.model, self.parameter, self.value, self.reason = (
            model,
            parameter,
            value,
            reason,
        )
        super().__init__(f"{model}: {parameter} = {value:.6g}: {reason}")


class NonFinitePredictionError(ClvError):
    """A prediction came out NaN or infinite; never published."""

    def __init__(self, quantity: str, rows: int, example: str) -> None:
        self.quantity, self.rows, self.example = quantity, rows, example
        super().__init__(
            f"{quantity} is not a finite number for {rows:,} customers "
            f"(first: {example})"
        )
