"""Streamlit-side helpers for the dashboard: session state, formatting, input widgets.

Only pages and ``app.py`` import this package; the ``roi`` package never does.
"""
