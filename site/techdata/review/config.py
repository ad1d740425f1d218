"""Settings of data centres, deposit review and confidentiality review."""

from invenio_app_rdm.config import CELERY_BEAT_SCHEDULE as _RDM_BEAT
from invenio_i18n import lazy_gettext as _
from celery.schedules import crontab

from .centres import CENTRE_CUSTOM_FIELDS, CENTRE_NAMESPACES

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

TECHDATA_CURATOR_ROLE = "data-centre-curator"
"""Role whose holders curate the city centre's deposit reviews (CD-TD Art. 11)."""

TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE = "confidentiality-reviewer"
"""Role that receives confidentiality reviews (CD-TD Art. 24)."""

TECHDATA_CENTRE_ADMIN_ROLE = "bureau-admin"
"""Role escalated to when a review is overdue, besides the centre's owners."""

COMMUNITIES_NAMESPACES = CENTRE_NAMESPACES
"""Namespace of our community custom fields (the records one)."""

COMMUNITIES_CUSTOM_FIELDS = CENTRE_CUSTOM_FIELDS
"""Community custom fields: the data-centre level (CD-TD Art. 10)."""

COMMUNITIES_CUSTOM_FIELDS_UI = [
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
"""The centre level in the community settings form."""

RDM_RECORDS_REVIEWS = ["community-submission", "deposit-review"]
"""Reviews a draft can be submitted with; a community submission to a data
centre is turned into a deposit review when it is submitted (CD-TD Art. 11)."""

CELERY_BEAT_SCHEDULE = {
    **_RDM_BEAT,
    "techdata-review-deadlines": {
        "task": "techdata.review.tasks.check_review_deadlines",
        "schedule": crontab(minute=0, hour="1,9"),
    },
    "techdata-overdue-projects": {
        "task": "techdata.projects.tasks.send_overdue_digest",
        "schedule": crontab(minute=30, hour=1),
    },
    "techdata-access-deadlines": {
        "task": "techdata.access.tasks.check_access_deadlines",
        "schedule": crontab(minute=15, hour="1,9"),
    },
    "techdata-access-expire-grants": {
        "task": "techdata.access.tasks.expire_access_grants",
        "schedule": crontab(minute=5, hour=0),
    },
}
"""InvenioRDM's schedule plus review reminders/escalations, the overdue-project digest,
reminders/escalations of requests from outside and the daily expiry of access grants."""
