"""Writes to duty rosters, by concern: setup (points, templates, periods, one-off changes),
pledges, duty (sign-up, assignment, check-in/out, no-shows), availability, leave and swap
requests, auto-fill and reminders. Import from the submodule."""
