"""Maximum likelihood over positive parameters: L-BFGS-B on their logarithms
with the analytic gradient, from a fixed start, so the same inputs always
give the same parameters. The search is bounded; a parameter that ends on a
bound, or a search that stops short of the maximum, is an error, never a
silent result, unless the bound is the end of a ridge the model declares
(maximise_to_ridge_end), where the likelihood rises without end."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize

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

# The step along a ridge (its parameters multiplied or divided by it) that
# tells whether the likelihood still rises towards the ridge's end.
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

    scales = np.ones(len(names)) if scales is None else np.asarray(scales, float)
    if len(names) == 1:
        return _maximise_one(
            model, names[0], log_likelihood, max_iterations, scales[0], hints
        )

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
    for index, (value, scale) in enumerate(zip(theta, scales, strict=True)):
        for bound in (LOWER_BOUND, UPPER_BOUND):
            if abs(np.log(value / bound)) < BOUND_TOLERANCE:
                raise _at_bound(
                    model, names[index], value, bound, scale, hints, theta, iterations
                )
    if not result.success and not gradient <= ACCEPTED_GRADIENT:
        # scipy's status 1: its limit of iterations or of evaluations.
        limit_reached = iterations >= max_iterations or result.status == 1
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


def _maximise_one(
    model: str,
    name: str,
    log_likelihood: Objective,
    max_iterations: int,
    scale: float,
    hints: dict[str, str] | None,
) -> tuple[np.ndarray, int]:
    """`maximise` of one parameter (the others held at a ridge's end): the
    root of the slope in its logarithm, bracketed by the bounds. There the
    likelihood can be so sharply peaked (every customer's mean the same)
    that L-BFGS-B's first step overshoots and no step back finds a rise."""

    def slope(log_value: float) -> float:
        value = np.exp(np.array([log_value]))
        return float(log_likelihood(value)[1][0] * value[0])

    low, high = np.log(LOWER_BOUND), np.log(UPPER_BOUND)
    for end, bound, rising in ((low, LOWER_BOUND, False), (high, UPPER_BOUND, True)):
        # Still rising at the upper bound, or falling at the lower one.
        if (slope(end) >= 0) == rising:
            at = np.array([bound])
            raise _at_bound(model, name, bound, bound, scale, hints, at, 0)
    root, found = brentq(
        slope, low, high, xtol=1e-14, maxiter=max_iterations, full_output=True
    )
    if not found.converged:
        raise FitNotConvergedError(
            model,
            found.iterations,
            f"iteration limit {max_iterations} reached",
            limit_reached=True,
        )
    return np.exp(np.array([root])), found.iterations


def _at_bound(
    model: str,
    name: str,
    value: float,
    bound: float,
    scale: float,
    hints: dict[str, str] | None,
    theta: np.ndarray,
    iterations: int,
) -> ParameterAtBoundError:
    error = ParameterAtBoundError(
        model,
        name,
        float(value * scale),
        bound * scale,
        (hints or {}).get(name, "the data do not identify it"),
        upper=bound == UPPER_BOUND,
    )
    # Where the search stopped and how long it took, for a refit.
    error.at, error.iterations = theta, iterations
    return error


@dataclass(frozen=True)
class Ridge:
    """A direction along which a likelihood can rise without end: the
    parameters `up` multiplied by RIDGE_STEP and `down` divided by it (for
    BG/NBD, a and b up together: the same mean dropout probability, a
    narrower spread of it across customers). At its end, `hold_all` holds
    every one of them at its bound; otherwise one is held (the largest it
    grows) and the others are fitted."""

    name: str
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
        the one furthest along the ridge (the largest it grows, the
        smallest it shrinks)."""
        bounds = {names.index(n): UPPER_BOUND for n in self.up}
        bounds.update({names.index(n): LOWER_BOUND for n in self.down})
        if self.hold_all:
            return bounds
        if ran_out is None:
            ran_out = max(
                bounds,
                key=lambda i: theta[i] if bounds[i] == UPPER_BOUND else 1 / theta[i],  # type: ignore[index]
            )
        return {ran_out: bounds[ran_out]}

    def slide(
        self, theta: np.ndarray, names: list[str], held: int, bound: float
    ) -> np.ndarray:
        """`theta` moved along the ridge until parameter `held` is at
        `bound`, the others of the ridge moved by the same factor: where the
        refit with `held` fixed starts, near its answer, not at the first
        search's start, from which it could run another of the ridge's
        parameters into a bound."""
        factor = bound / theta[held]
        if held in [names.index(n) for n in self.down]:
            factor = 1 / factor
        moved = theta.copy()
        for name in self.up:
            moved[names.index(name)] *= factor
        for name in self.down:
            moved[names.index(name)] /= factor
        moved[held] = bound
        return np.clip(moved, LOWER_BOUND, UPPER_BOUND)

    def holds_any(self, held: dict[int, float], names: list[str]) -> bool:
        return any(names.index(n) in held for n in self.up + self.down)

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
) -> tuple[np.ndarray, int, tuple[str, ...]]:
    """`maximise`, for a likelihood that can rise without end along
    `ridges`; returns the parameters, the iterations of all its searches
    and the names of the ridges whose ends it took.

    When the likelihood still rises one RIDGE_STEP along a ridge, or the
    search ran into a bound the ridge runs to, a search along the flat ridge
    stops wherever its path tired: a little earlier or later on another
    machine. The fit then takes the ridge's end: the ridge's parameter
    furthest along it held at its bound (or all of them, `hold_all`), and
    the others fitted again from the point slid along the ridge to there.
    The same data then give the same parameters everywhere. A ridge holds
    one parameter at most, so a quantity it keeps (the mean rate r / alpha,
    say) stays fitted; and when the end fits worse than where the search
    had stopped (the peak was finite after all), that stop is the answer.
    A parameter on a bound otherwise is the error it was."""
    names = list(names)
    scales = [1.0] * len(names) if scales is None else list(scales)
    held: dict[int, float] = {}
    ended: list[str] = []
    begin = np.asarray(start, dtype=np.float64)
    total = 0
    best: tuple[np.ndarray, float, tuple[str, ...]] | None = None
    while True:
        free = [i for i in range(len(names)) if i not in held]
        if not free:
            raise FitNotConvergedError(model, total, "every parameter ran to a bound")
        fixed = dict(held)

        def on_free(t: np.ndarray, free=free, fixed=fixed) -> tuple:
            value, gradient = log_likelihood(_with_held(t, free, fixed))
            return value, gradient[free]

        try:
            fitted, iterations = maximise(
                model,
                [names[i] for i in free],
                on_free,
                begin[free],
                max_iterations,
                [scales[i] for i in free],
                hints,
            )
        except FitNotConvergedError as err:
            # Counted over all the searches, as a fit that succeeds is.
            raise FitNotConvergedError(
                model, total + err.iterations, err.reason, err.limit_reached
            ) from None
        except ParameterAtBoundError as err:
            index = names.index(err.parameter)
            stopped = _with_held(err.at, free, fixed)
            moves = [
                (ridge, end)
                for ridge in ridges
                if ridge.runs_into(err)
                and _may_hold(
                    ridge, end := ridge.end(names, ran_out=index), held, names
                )
            ]
            if not moves:
                raise
            total += err.iterations
            begin = _held_start(moves[0], stopped, names, held)
            ended.append(moves[0][0].name)
            continue
        total += iterations
        theta = _with_held(fitted, free, fixed)
        here = log_likelihood(theta)[0]
        if best is not None and here < best[1]:
            return best[0], total, best[2]
        best = (theta, here, tuple(ended))
        moves = [
            (ridge, end)
            for ridge in ridges
            if _may_hold(ridge, end := ridge.end(names, theta), held, names)
            and log_likelihood(ridge.further(theta, names))[0] >= here
        ]
        if not moves:
            return theta, total, best[2]
        begin = _held_start(moves[0], theta, names, held)
        ended.append(moves[0][0].name)


def _may_hold(
    ridge: Ridge, end: dict[int, float], held: dict[int, float], names: list[str]
) -> bool:
    """Whether `end` may be held: it holds a parameter more, none of those
    already held at another bound, and a ridge that holds one parameter
    holds no other (what it keeps, such as r / alpha, stays fitted)."""
    clash = any(held.get(i, bound) != bound for i, bound in end.items())
    more = any(i not in held for i in end)
    return more and not clash and (ridge.hold_all or not ridge.holds_any(held, names))


def _held_start(
    move: tuple[Ridge, dict[int, float]],
    theta: np.ndarray,
    names: list[str],
    held: dict[int, float],
) -> np.ndarray:
    """Holds the move's parameters (updating `held`) and returns where the
    next search starts: `theta` slid along the ridge to its end."""
    ridge, end = move
    held.update(end)
    begin = theta.copy()
    for index, bound in end.items():
        begin = ridge.slide(begin, names, index, bound)
    for index, bound in held.items():
        begin[index] = bound
    return begin


def _with_held(t: np.ndarray, free: list[int], held: dict[int, float]) -> np.ndarray:
    """The whole parameter vector: `t` at `free`, each held one at its bound."""
    theta = np.empty(len(free) + len(held))
    theta[free] = t
    for index, bound in held.items():
        theta[index] = bound
    return theta
