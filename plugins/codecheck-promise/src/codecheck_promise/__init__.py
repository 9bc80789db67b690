"""codecheck-promise: an example third-party codecheck plugin.

It adds one record rule, PR001: the landlord's own published promise to
acknowledge a complaint within 3 working days, stricter than the Code's 5.
"""

__version__ = "0.1.0"
