"""Maximum likelihood over positive parameters: L-BFGS-B on their logarithms
with the analytic gradient, from a fixed start, so the same inputs always
give the same parameters. The search is bounded; a parameter that ends on a
bound, or a search that stops short of the maximum, is an error, never a
silent result."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
                )
    if not result.success and not gradient <= ACCEPTED_GRADIENT:
        reason = str(result.message)
        if iterations >= max_iterations:
            reason = f"iteration limit {max_iterations} reached"
        raise FitNotConvergedError(
            model, iterations, f"{reason}; largest gradient {gradient:.3g}"
        )
    return theta, iterations
