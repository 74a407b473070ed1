"""The organisation tree, people, party membership, volunteer profiles and scoped roles.

This app is the tenancy root: every other app scopes its rows through an OrgUnit and asks
`mulin.organizations.scoping` who may see them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mulin.core.crypto import EncryptedTextField
from mulin.core.models import BaseModel

DEFAULT_LANGUAGE = "zh-hans"  # the product's language; not settings.LANGUAGE_CODE, which tests change
PATH_SEGMENT = 7  # digits per tree level; a unit's path is its ancestors' ids, zero-padded
PATH_LEVELS = 12  # how deep the tree may grow (the path column holds this many segments)


class OrgUnit(BaseModel):
    """One node of the organisation tree: a district, street, community, party organisation,
    partner unit, residential compound, building, team or compound governance body."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")
        PARTY_COMMITTEE = "party_committee", _("Party committee")
        GENERAL_BRANCH = "general_branch", _("General party branch")
        BRANCH = "branch", _("Party branch")
        PARTY_GROUP = "party_group", _("Party group")
        PARTNER_UNIT = "partner_unit", _("Partner unit")
        COMPOUND = "compound", _("Residential compound")
        BUILDING = "building", _("Building")
        TEAM = "team", _("Team")
        RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
        OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
        PROPERTY_MANAGEMENT = "property_management", _("Property management")

    class TeamCategory(models.TextChoices):
        NONE = "", _("Not a team")
        CULTURAL = "cultural", _("Cultural team")
        VOLUNTEER = "volunteer", _("Volunteer team")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of zero-padded ids ("0000001" + "0000004" + …). A subtree is one
    # indexed range scan (see scoping.subtree_q); digits only, so every collation sorts it alike.
    path = models.CharField(max_length=PATH_SEGMENT * PATH_LEVELS, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    # The community or partner unit at or above this unit (itself for those; empty above them).
    # Residents', members' and volunteers' read scope widens to it; kept here so that building
    # an actor's grants is one query.
    local_root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    team_category = models.CharField(_("team category"), max_length=16, choices=TeamCategory, blank=True, default="")
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_per_parent"),
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True), name="orgunit_unique_root_name"),
            models.CheckConstraint(
                condition=Q(team_category="") | Q(kind="team"), name="orgunit_team_category_only_on_teams"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_paths(self) -> list[str]:
        return [self.path[: i + PATH_SEGMENT] for i in range(0, len(self.path) - PATH_SEGMENT, PATH_SEGMENT)]

    def is_within(self, other_path: str) -> bool:
        return self.path.startswith(other_path)


class PartnerLink(BaseModel):
    """A partner unit (共建单位) co-building with a community."""

    partner = models.ForeignKey(
        OrgUnit, verbose_name=_("partner unit"), on_delete=models.CASCADE, related_name="community_links"
    )
    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.CASCADE, related_name="partner_links"
    )
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner link")
        verbose_name_plural = _("partner links")
        constraints = [models.UniqueConstraint(fields=["partner", "community"], name="partnerlink_unique_pair")]

    def __str__(self) -> str:
        return f"{self.partner} ↔ {self.community}"


class Person(BaseModel):
    """A person the street knows about: a resident, member, volunteer or staff member.

    A person may never log in (then `user` is empty). Phone, ID number and address are stored
    encrypted; the *_index columns are keyed blind indexes used for lookup and to stop the
    same person being registered twice.
    """

    class Gender(models.TextChoices):
        UNKNOWN = "", _("Not given")
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    full_name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender, blank=True, default="")
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    phone = EncryptedTextField(_("mobile number"))
    phone_index = models.CharField(max_length=32, null=True, blank=True, unique=True, editable=False)
    id_number = EncryptedTextField(_("ID number"))
    id_number_index = models.CharField(max_length=32, null=True, blank=True, unique=True, editable=False)
    address = EncryptedTextField(_("address"))
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=DEFAULT_LANGUAGE
    )
    home_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("lives in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        help_text=_("The building, compound or community where the person lives."),
    )
    # Whether other residents see this person's name in full (e.g. as a wish's author).
    shows_full_name = models.BooleanField(_("show my full name to neighbours"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["full_name"], name="person_name_idx")]

    def __str__(self) -> str:
        return self.full_name


class PartyMembership(BaseModel):
    """A person's membership of a party branch. Status and join date are encrypted: party
    data is sensitive (SECURITY.md)."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        PROBATIONARY = "probationary", _("Probationary member")
        FULL = "full", _("Full member")

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="party_membership")
    branch = models.ForeignKey(
        OrgUnit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="party_members"
    )
    status = EncryptedTextField(_("status"))
    joined_on = EncryptedTextField(_("joined on"))

    class Meta:
        verbose_name = _("party membership")

    def __str__(self) -> str:
        return f"{self.person} @ {self.branch}"

    @property
    def status_label(self) -> str:
        """The status in the reader's language (the column is encrypted, so it has no choices)."""
        return str(dict(self.Status.choices).get(self.status, self.status))


class Skill(models.TextChoices):
    """What volunteers offer; used to match helpers to wishes and shifts."""

    REPAIR = "repair", _("Household repairs")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    MEDICAL = "medical", _("Medical and health")
    TUTORING = "tutoring", _("Tutoring")
    LEGAL = "legal", _("Legal advice")
    IT = "it", _("Phones and computers")
    ARTS = "arts", _("Arts and culture")
    DRIVING = "driving", _("Driving")
    COUNSELLING = "counselling", _("Listening and counselling")
    CLEANING = "cleaning", _("Cleaning and environment")


class TimeSlot(models.TextChoices):
    """Coarse weekly availability: weekday or weekend, by part of day."""

    WEEKDAY_MORNING = "weekday_morning", _("Weekday mornings")
    WEEKDAY_AFTERNOON = "weekday_afternoon", _("Weekday afternoons")
    WEEKDAY_EVENING = "weekday_evening", _("Weekday evenings")
    WEEKEND_MORNING = "weekend_morning", _("Weekend mornings")
    WEEKEND_AFTERNOON = "weekend_afternoon", _("Weekend afternoons")
    WEEKEND_EVENING = "weekend_evening", _("Weekend evenings")


class VolunteerProfile(BaseModel):
    """What a volunteer (party member or not) can offer, and when."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="volunteer_profile")
    skills = models.JSONField(_("skills"), default=list, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    teams = models.ManyToManyField(OrgUnit, verbose_name=_("teams"), blank=True, related_name="volunteers")

    class Meta:
        verbose_name = _("volunteer profile")

    def __str__(self) -> str:
        return str(self.person)

    @property
    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels.get(skill, skill)) for skill in self.skills]

    @property
    def availability_labels(self) -> list[str]:
        labels = dict(TimeSlot.choices)
        return [str(labels.get(slot, slot)) for slot in self.availability]


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    PARTY_MEMBER = "party_member", _("Party member")
    VOLUNTEER = "volunteer", _("Volunteer")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    COMMUNITY_SECRETARY = "community_secretary", _("Community secretary")
    PARTNER_CONTACT = "partner_contact", _("Partner-unit contact")
    # An officer of one of a compound's three governing parties (居民小组, 业委会, 物业).
    GOVERNANCE_OFFICER = "governance_officer", _("Compound governance officer")
    STREET_ADMIN = "street_admin", _("Street administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


class RoleAssignment(BaseModel):
    """A person holds a role at a node of the tree; what it allows is in `roles.py`."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="role_assignments")
    granted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "unit"], name="roleassignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} @ {self.unit}"


class PersonDuplicate(BaseModel):
    """A mobile or ID number registered again by someone whose scope does not include the person
    who already has it. The new record keeps the number without its lookup index (so the caller
    learns nothing about people outside their scope) until the street merges the two."""

    class Field(models.TextChoices):
        PHONE = "phone", _("mobile number")
        ID_NUMBER = "id_number", _("ID number")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="duplicate_reports")
    existing = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(_("number"), max_length=16, choices=Field)
    # The blind index of the held number (never the number): re-imports find the held record by it.
    value_index = models.CharField(max_length=32, editable=False)
    reported_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The street's path: the street's people managers merge (scoped lists need no join).
    scope_path = models.CharField(max_length=84, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        indexes = [models.Index(fields=["reported_by", "created_at"], name="personduplicate_rate_idx")]
