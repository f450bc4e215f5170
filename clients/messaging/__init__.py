"""Messages to clients and staff: channel backends, the outbox's delivery, unsubscribe links."""
