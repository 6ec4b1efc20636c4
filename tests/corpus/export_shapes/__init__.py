"""Writers of the corpus's export shapes: one module per case, the orders
they all start from in truth.py."""
