"""Fixtures for the web shell's tests. (Static-file lookups per request are set for every test
in config/settings/test.py: WHITENOISE_AUTOREFRESH.)"""
