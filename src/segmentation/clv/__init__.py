"""Customer lifetime value: BG/NBD for the purchases, Gamma-Gamma for the
value per order, fitted by maximum likelihood with scipy.

The numerics (`bgnbd`, `gamma_gamma`, `lifetime_value`, `histories`,
`optimise`) know nothing of dbt and raise the typed errors of `errors`;
`settings` and `warehouse` are the glue the dbt Python models call, which
words those errors in terms of vars."""

from segmentation.clv.bgnbd import BgNbdFit, BgNbdParameters
from segmentation.clv.errors import ClvError
from segmentation.clv.gamma_gamma import GammaGammaFit, GammaGammaParameters
from segmentation.clv.histories import PurchaseHistories, purchase_histories
from segmentation.clv.lifetime_value import CustomerValues, customer_values

__all__ = [
    "BgNbdFit",
    "BgNbdParameters",
    "ClvError",
    "CustomerValues",
    "GammaGammaFit",
    "GammaGammaParameters",
    "PurchaseHistories",
    "customer_values",
    "purchase_histories",
]
