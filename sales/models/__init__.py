"""The sales app's models, a module each by what they record (wger's style), re-exported
here: ``from sales.models import Sale`` keeps working.

- ``catalog.py``: the retail products;
- ``upsell.py``: specialists' recommendations, the upsell offers and the policy that paces them;
- ``promotions.py``: promotions and the segments they aim at;
- ``ledger.py``: the money: the sales ledger and the departments' expenses;
- ``rollups.py``: the ledger's daily totals, kept by triggers.
"""

from .catalog import Product
from .ledger import DepartmentExpense, Sale
from .promotions import Promotion
from .rollups import DailyRevenue
from .upsell import Offer, Recommendation, UpsellPolicy

__all__ = [
    "DailyRevenue",
    "DepartmentExpense",
    "Offer",
    "Product",
    "Promotion",
    "Recommendation",
    "Sale",
    "UpsellPolicy",
]
