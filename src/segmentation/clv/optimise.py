"""Maximum likelihood over positive parameters: L-BFGS-B on their logarithms
with the analytic gradient, from a fixed start, so the same inputs always
give the same parameters. The search is bounded; a parameter that ends on a
bound, or a search that stops short of the maximum, is an error, never a
silent result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from segmentation.clv.errors import FitNotConvergedError, ParameterAtBoundError

# Bounds of every parameter in the scaled units the fits work in (times in
# mean observation periods, values in mean order values), where sound
# parameters sit between about 0.01 and 100.
LOWER_BOUND = 1e-6
UPPER_BOUND = 1e6
# A parameter this close to a bound (relative) counts as on it.
BOUND_TOLERANCE = 1e-3
# The search stops when the gradient of the mean log-likelihood per customer,
# with respect to the log-parameters, is this small ...
GRADIENT_TOLERANCE = 1e-8
# ... or a step improves the mean log-likelihood by less than this share.
FUNCTION_TOLERANCE = 1e-14
# A search that stopped for another reason (e.g. a line search that cannot
# improve on a flat top) is accepted when its gradient is this small.
ACCEPTED_GRADIENT = 1e-5

# The step along a ridge (two parameters multiplied together) that tells
# whether the likelihood still rises towards the ridge's end.
RIDGE_STEP = 10.0
# A fit is on a ridge when a step back along it (a wider spread across
# customers) costs less log-likelihood than this: half the 95% quantile of
# chi-square with one degree of freedom, the likelihood-ratio test's limit
# for one parameter. The build then warns (segmentation.clv.warehouse).
RIDGE_LOG_LIKELIHOOD = 1.92

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def maximise(
    model: str,
    names: Sequence[str],
    log_likelihood: Objective,
    start: Sequence[float],
    max_iterations: int,
    scales: Sequence[float] | None = None,
    hints: dict[str, str] | None = None,
) -> tuple[np.ndarray, int]:
    """The parameters that maximise `log_likelihood`, and the iterations used.

    `log_likelihood(theta)` returns the mean log-likelihood per customer and
    its gradient with respect to theta (the positive parameters, in order of
    `names`). Raises FitNotConvergedError or ParameterAtBoundError, which
    states the parameter and its bound times its entry of `scales` (the
    caller's units); `hints` says, per parameter, what a bound means for
    that model.
    """

    def negative(log_theta: np.ndarray) -> tuple[float, np.ndarray]:
        theta = np.exp(log_theta)
        value, gradient = log_likelihood(theta)
        return -value, -gradient * theta

    log_bounds = (np.log(LOWER_BOUND), np.log(UPPER_BOUND))
    result = minimize(
        negative,
        np.log(np.asarray(start, dtype=np.float64)),
        jac=True,
        method="L-BFGS-B",
        bounds=[log_bounds] * len(names),
        options={
            "maxiter": max_iterations,
            "gtol": GRADIENT_TOLERANCE,
            "ftol": FUNCTION_TOLERANCE,
        },
    )
    iterations = int(result.nit)
    gradient = np.max(np.abs(result.jac)) if result.jac is not None else np.inf
    theta = np.exp(result.x)
    if not np.all(np.isfinite(theta)) or not np.isfinite(result.fun):
        raise FitNotConvergedError(model, iterations, "the likelihood is not finite")
    scales = np.ones(len(names)) if scales is None else np.asarray(scales, float)
    for name, value, scale in zip(names, theta, scales, strict=True):
        for bound in (LOWER_BOUND, UPPER_BOUND):
            if abs(np.log(value / bound)) < BOUND_TOLERANCE:
                raise ParameterAtBoundError(
                    model,
                    name,
                    float(value * scale),
                    bound * scale,
                    (hints or {}).get(name, "the data do not identify it"),
                    upper=bound == UPPER_BOUND,
                )
    if not result.success and not gradient <= ACCEPTED_GRADIENT:
        limit_reached = iterations >= max_iterations
        reason = (
            f"iteration limit {max_iterations} reached"
            if limit_reached
            # scipy's own words (e.g. "ABNORMAL: ") say little more.
            else "no step along the search direction raised the likelihood"
        )
        raise FitNotConvergedError(
            model,
            iterations,
            f"{reason}; largest gradient {gradient:.3g}",
            limit_reached=limit_reached,
        )
    return theta, iterations


@dataclass(frozen=True)
class Ridge:
    """A direction along which a likelihood can rise without end: the
    parameters `up` multiplied by RIDGE_STEP and `down` divided by it (for
    BG/NBD, a and b up together: the same mean dropout probability, a
    narrower spread of it across customers). At its end, `hold_all` holds
    every one of them at its bound; otherwise one is held (the largest it
    grows) and the others are fitted."""

    up: tuple[str, ...] = ()
    down: tuple[str, ...] = ()
    hold_all: bool = False

    def further(self, theta: np.ndarray, names: list[str]) -> np.ndarray:
        """`theta` one RIDGE_STEP along the ridge."""
        moved = theta.copy()
        for name in self.up:
            moved[names.index(name)] *= RIDGE_STEP
        for name in self.down:
            moved[names.index(name)] /= RIDGE_STEP
        return moved

    def end(
        self,
        names: list[str],
        theta: np.ndarray | None = None,
        ran_out: int | None = None,
    ) -> dict[int, float]:
        """The parameters held at the ridge's end, each with its bound: all
        of them, or the one whose bound the search ran into (`ran_out`), or
        the largest one it grows."""
        bounds = {names.index(n): UPPER_BOUND for n in self.up}
        bounds.update({names.index(n): LOWER_BOUND for n in self.down})
        if self.hold_all:
            return bounds
        if ran_out is None:
            ran_out = max(bounds, key=lambda i: theta[i])  # type: ignore[index]
        return {ran_out: bounds[ran_out]}

    def adds_to(self, end: dict[int, float], held: dict[int, float]) -> bool:
        """Whether holding `end` holds a parameter more, and none of those
        already held at another bound (so the fits cannot go round)."""
        clash = any(held.get(i, bound) != bound for i, bound in end.items())
        return not clash and any(i not in held for i in end)

    def runs_into(self, err: ParameterAtBoundError) -> bool:
        """Whether the search's bound error is this ridge running out."""
        return err.parameter in (self.up if err.upper else self.down)


def maximise_to_ridge_end(
    model: str,
    names: Sequence[str],
    log_likelihood: Objective,
    start: Sequence[float],
    max_iterations: int,
    ridges: Sequence[Ridge],
    scales: Sequence[float] | None = None,
    hints: dict[str, str] | None = None,
) -> tuple[np.ndarray, int]:
    """`maximise`, for a likelihood that can rise without end along
    `ridges`. When it still rises one RIDGE_STEP along a ridge, or the
    search ran into a bound the ridge runs to, the maximum is the ridge's
    end, and a search along the flat ridge stops wherever its path tired: a
    little earlier or later on another machine. The fit then takes that
    end: parameters of the ridge held at their bounds (Ridge.end) and the
    others fitted again from the same start (and so on for another ridge),
    so the same data give the same parameters everywhere. A parameter on a
    bound otherwise is the error it was."""
    names = list(names)
    scales = [1.0] * len(names) if scales is None else list(scales)
    held: dict[int, float] = {}
    while True:
        free = [i for i in range(len(names)) if i not in held]
        fixed = dict(held)

        def on_free(t: np.ndarray, free=free, fixed=fixed) -> tuple:
            value, gradient = log_likelihood(_with_held(t, free, fixed))
            return value, gradient[free]

        try:
            fitted, iterations = maximise(
                model,
                [names[i] for i in free],
                on_free,
                [start[i] for i in free],
                max_iterations,
                [scales[i] for i in free],
                hints,
            )
        except ParameterAtBoundError as err:
            index = names.index(err.parameter)
            ends = [
                end
                for r in ridges
                if r.runs_into(err)
                and r.adds_to(end := r.end(names, ran_out=index), held)
            ]
            if not ends:
                raise
            held.update(ends[0])
            continue
        theta = _with_held(fitted, free, fixed)
        here = log_likelihood(theta)[0]
        for ridge in ridges:
            end = ridge.end(names, theta)
            if not ridge.adds_to(end, held):
                continue
            if log_likelihood(ridge.further(theta, names))[0] >= here:
                held.update(end)
                break
        else:
            return theta, iterations


def _with_held(t: np.ndarray, free: list[int], held: dict[int, float]) -> np.ndarray:
    """The whole parameter vector: `t` at `free`, each held one at its bound."""
    theta = np.empty(len(free) + len(held))
    theta[free] = t
    for index, bound in held.items():
        theta[index] = bound
    return theta
