"""The front desk's screen (``/desk/``): find a client by card number, name or phone, check them
in, sell a plan or a service, take a freeze request; today's bookings and arrivals beside it.
It composes the apps' services and selectors (check-in: ``clients``, selling: ``sales``)."""
