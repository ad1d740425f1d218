"""Settings of the working-day calendar."""

TECHDATA_WORKDAYS_TIMEZONE = "Asia/Shanghai"
"""Timezone in which a request's submission day and due day are counted."""
