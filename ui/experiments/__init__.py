"""The Experiments page's tabs, one module each; ``pages/experiments.py`` builds them."""
