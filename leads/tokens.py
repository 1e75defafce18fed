"""Moved to leads/capture/tokens.py. This old path stays importable, as the very same module
(so that a test patching a name here patches the one the code uses)."""

import sys

from .capture import tokens

sys.modules[__name__] = tokens
