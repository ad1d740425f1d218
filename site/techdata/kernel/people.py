"""People's names as readers here write them (issue 13).

- A Chinese personal name is family name then given name, without comma or
  space: 李明, never "李, 明" (InvenioRDM's stored ``name`` is "family, given").
  Latin-script names keep InvenioRDM's "Family, Given".
- In citations a Chinese name is one literal CSL name, so no style turns it
  into initials ("刘, . 磊 ."); GB/T 7714 writes Chinese names in full.
- Users are shown by their name and organisation, not by their e-mail
  address; the address is the last resort when a profile has no name.
"""

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def has_cjk(text):
    """True when ``text`` contains Chinese characters."""
    return bool(text) and bool(_CJK.search(text))


def personal_name(family, given):
    """The display name of a person: 李明 for a Chinese name, else "Family, Given"."""
    family, given = (family or "").strip(), (given or "").strip()
    if has_cjk(family) or has_cjk(given):
        return f"{family}{given}"
    return ", ".join(p for p in (family, given) if p)


def creator_name(person_or_org):
    """The display name of a creator/contributor ``person_or_org`` dict."""
    p = person_or_org or {}
    if p.get("type") == "personal" and (p.get("family_name") or p.get("given_name")):
        return personal_name(p.get("family_name"), p.get("given_name"))
    name = p.get("name") or ""
    if has_cjk(name) and "," in name:  # a stored "李, 明"
        return "".join(part.strip() for part in name.split(",", 1))
    return name


def csl_name(entry):
    """A CSL-JSON name ``{"family", "given"}``, as a literal for a Chinese name."""
    if not isinstance(entry, dict) or "literal" in entry:
        return entry
    family, given = entry.get("family"), entry.get("given")
    if has_cjk(family) or has_cjk(given):
        return {"literal": personal_name(family, given)}
    return entry


CSL_NAME_VARIABLES = ("author", "editor", "contributor", "translator", "container-author",
                      "collection-editor", "composer", "director", "interviewer", "recipient")
"""The CSL-JSON variables that hold names."""


def with_csl_names(csl):
    """A CSL-JSON item with Chinese personal names as literals (other names unchanged)."""
    out = dict(csl)
    for var in CSL_NAME_VARIABLES:
        if isinstance(out.get(var), list):
            out[var] = [csl_name(n) for n in out[var]]
    return out


def user_display_name(user):
    """A user's name (and organisation) for pages, lists and certificates.

    ``user`` is an ``invenio_accounts`` User (or None). The profile's full name
    with its affiliation in brackets, else the username, else the e-mail
    address; an unknown user is an empty string.
    """
    if user is None:
        return ""
    profile = getattr(user, "user_profile", None) or {}
    name = (profile.get("full_name") or "").strip() or (getattr(user, "username", None) or "")
    if not name:
        return getattr(user, "email", "") or ""
    org = (profile.get("affiliations") or "").strip()
    if org and org not in name:
        return f"{name}（{org}）" if has_cjk(name + org) else f"{name} ({org})"
    return name
