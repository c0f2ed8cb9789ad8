"""What the calls app announces to apps built on it (search keeps its tallies with this).

calls never imports those apps: they connect here (in their AppConfig.ready) and calls sends.
"""

from django.dispatch import Signal

# Sent by calls.services.utterances_refresh, inside its transaction, once the copies and terms of
# these calls' utterances are right: `call_ids`, the calls whose utterances may have changed (a call
# among them may have been deleted since). A receiver's error rolls the whole change back.
utterances_refreshed = Signal()
