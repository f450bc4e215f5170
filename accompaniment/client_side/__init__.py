"""The client's side: what a client does from the bot's chat or their personal page.

- ``actions``: what both doors offer (the card, sessions, confirm/cancel, the survey, requests),
  composed from the apps' selectors and services;
- ``bot``: the Telegram updates — each stored once by the webhook (or polling) and worked on by
  a Celery task — dispatched to the linking, the conversation and the actions;
- ``views``: the webhook; ``page_views``: the personal page behind a signed link.
"""
