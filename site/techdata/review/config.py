"""Settings of data centres, deposit review and confidentiality review.

``TECHDATA_*`` defaults, and the building blocks ``techdata.config`` assigns
InvenioRDM's keys from (the centre form sections, the reviews, this
package's scheduled tasks); this module assigns no InvenioRDM key.
"""

from celery.schedules import crontab

from ..kernel import roles
from ..kernel.i18n import _
from .notify import BUILDERS

TECHDATA_REVIEW_DEADLINES = {"deposit-review": 15, "confidentiality-review": 10}
"""Working days to answer each review (no seed fixes them: CD-PD Art. 14's 15 days as the model)."""

TECHDATA_REVIEW_REMINDER_DAYS = 2
"""Working days before the due date at which the receivers get a reminder."""

TECHDATA_CITY_CENTRE = {
    "slug": "chengdu-city-data-centre",
    "title": "成都市科技数据中心 Chengdu City Tech-Data Centre",
    "level": "city",
}
"""The city data centre every deposit can be submitted to (CD-TD Art. 10)."""

TECHDATA_CURATOR_ROLE = roles.CURATOR
"""Role whose holders curate the city centre's deposit reviews (CD-TD Art. 11)."""

TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE = roles.CONFIDENTIALITY_REVIEWER
"""Role that receives confidentiality reviews (CD-TD Art. 24)."""

TECHDATA_CENTRE_ADMIN_ROLE = roles.BUREAU
"""Role escalated to when a review is overdue, besides the centre's owners."""

CENTRE_FORM_SECTIONS = [
    {
        "section": _("Data centre"),
        "fields": [
            {
                "field": "cdtd:centre_level",
                "ui_widget": "Dropdown",
                "props": {
                    "label": _("Centre level"),
                    "placeholder": _("city / industry / district / unit"),
                    "options": [
                        {"id": "city", "title_l10n": _("City centre")},
                        {"id": "industry", "title_l10n": _("Industry centre")},
                        {"id": "district", "title_l10n": _("District centre")},
                        {"id": "unit", "title_l10n": _("Unit centre")},
                    ],
                    "description": _("Level of the data centre (CD-TD Art. 10)."),
                },
            }
        ],
    }
]
"""The centre level in the community settings form (``COMMUNITIES_CUSTOM_FIELDS_UI``)."""

REVIEWS = ["community-submission", "deposit-review"]
"""Reviews a draft can be submitted with; a community submission to a data
centre is turned into a deposit review when it is submitted (CD-TD Art. 11; ``RDM_RECORDS_REVIEWS``)."""

BEAT_SCHEDULE = {
    "techdata-review-deadlines": {
        "task": "techdata.review.tasks.check_review_deadlines",
        "schedule": crontab(minute=0, hour="1,9"),
    },
}
"""Scheduled tasks of the reviews: reminders and escalations (merged into ``CELERY_BEAT_SCHEDULE``)."""

NOTIFICATION_BUILDERS = dict(BUILDERS)
"""Notification builders of the reviews: reminder, overdue notice, escalation
(merged into ``NOTIFICATIONS_BUILDERS``; templates ``invenio_notifications/review-*.jinja``)."""
