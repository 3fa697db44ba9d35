"""Page types: one module each (see base.py), collected by registry.py."""
