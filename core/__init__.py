"""The layer below every app: roles and capabilities, the club's dates, money and formatting,
form and admin base classes, template tags. No business model of its own."""
