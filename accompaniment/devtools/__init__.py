"""Development tools, not part of the product: the demo club (``manage.py seed_demo``) and the
speed bench (``manage.py bench``).

A Django app of its own (label ``devtools``), installed only when the environment asks for it:
``DEV_TOOLS`` (on by default when ``DEBUG`` is on; ``make run`` and the test settings turn it on).
A production install (``DEBUG`` off, nothing else set) does not have it, so neither command
exists there. Both write made-up people through the product's own services and bulk paths, so
that what they seed keeps every rule a page would keep.
"""
