"""Data-quality defects: the nominal as recorded differs from the truth, and the ground truth says how.

Each defect is decided per person before their true facts are drawn (a transposed date of birth
needs a day that can be a month), applied to the nominal as recorded, and logged with the true
and the recorded value (docs/domain.md 6).
"""

from __future__ import annotations

from datetime import date

from simulators.population.dates import date_iso, iso
from simulators.population.identity import Identity
from simulators.population.occurrences import Occurrences
from simulators.population.people import Person
from simulators.population.records import Record
from simulators.population.variants import forename_variant, postcode_slip, surname_variant


class Defects(Occurrences, Identity):
    """Injects the chosen defects into a nominal, and makes duplicate nominals."""

    def _apply_defects(
        self, p: Person, nominal: Record, chosen: dict[str, bool], defects: list[Record]
    ) -> None:
        """Mutate the nominal as recorded and log each defect with its true value."""
        rng = self.rng
        r = rng.random
        nid = p.nid
        true_dob = nominal["date_of_birth"]

        def log(kind: str, field: str, detail: str, original: object, recorded: object) -> None:
            defects.append(
                {
                    "defect_id": self._uuid(),
                    "kind": kind,
                    "nominal_id": nid,
                    "original_nominal_id": None,
                    "field": field,
                    "detail": detail,
                    "original_value": original,
                    "recorded_value": recorded,
                }
            )

        if chosen["alias_as_primary"]:
            surname, forenames = self._name(p.sex, p.eth)
            if r() < 0.5:
                surname = p.surname
            if forenames[0] == p.forenames[0] and surname == p.surname:
                surname = surname + "s" if not surname.endswith("s") else surname[:-1]
            true_name = {"surname": p.surname, "forenames": list(p.forenames)}
            nominal["surname"], nominal["forenames"] = surname, forenames
            nominal["aliases"].insert(0, true_name)
            log(
                "alias_as_primary",
                "name",
                f"recorded under an alias ({' '.join(forenames)} {surname}); true name "
                f"{' '.join(p.forenames)} {p.surname} is held as an alias",
                f"{' '.join(p.forenames)} {p.surname}",
                f"{' '.join(forenames)} {surname}",
            )

        if chosen["transposed_dob"]:
            d = date.fromordinal(p.dob_ord)
            swapped = date(d.year, d.day, d.month)
            if swapped.toordinal() < self.ref_ord:
                nominal["date_of_birth"] = swapped.isoformat()
                log(
                    "transposed_dob",
                    "date_of_birth",
                    "day and month transposed (dd/mm read as mm/dd)",
                    true_dob,
                    nominal["date_of_birth"],
                )

        if chosen["partial_dob"]:
            recorded = nominal["date_of_birth"]
            partial = recorded[:4] if r() < 0.5 else recorded[:7]
            nominal["date_of_birth"] = partial
            log(
                "partial_dob",
                "date_of_birth",
                "only the year of birth is known"
                if len(partial) == 4
                else "only the year and month are known",
                true_dob,
                partial,
            )

        if chosen["postcode_format"]:
            clean = nominal["address"]["postcode"]
            slipped = postcode_slip(clean, rng)
            nominal["address"]["postcode"] = slipped
            log(
                "postcode_format",
                "address.postcode",
                "postcode not in canonical upper-case spaced form",
                clean,
                slipped,
            )

        if chosen["missing_optional"]:
            options = ["address.county", "ethnicity"]
            if "line2" in nominal["address"]:
                options.append("address.line2")
            field = options[int(r() * len(options))]
            if field == "ethnicity":
                original = nominal["ethnicity"]
                nominal["ethnicity"] = nominal["self_defined_ethnicity"] = None
            else:
                original = nominal["address"].pop(field.split(".")[1])
            log("missing_optional", field, f"optional field {field} not recorded", original, None)

    def _duplicate(self, p: Person) -> tuple[Record, Record, Record]:
        """A second nominal for the same person, created later under a spelling variant."""
        rng = self.rng
        r = rng.random
        dup_id = self._uuid()
        forenames = list(p.forenames)
        surname = p.surname
        variant = forename_variant(forenames[0], rng) if r() < 0.7 else None
        original: str | list[str]
        recorded: str | list[str]
        if variant is not None:
            forenames[0] = variant[0]
            field, detail = "forenames", f"{p.forenames[0]} recorded as {variant[0]} ({variant[1]})"
            original, recorded = list(p.forenames), list(forenames)
        elif len(forenames) > 1 and forenames[1] != forenames[0] and r() < 0.25:
            forenames[0], forenames[1] = forenames[1], forenames[0]
            field, detail = "forenames", f"known by middle name: recorded as {' '.join(forenames)}"
            original, recorded = list(p.forenames), list(forenames)
        else:
            new, why = surname_variant(surname, rng)
            surname = new
            field, detail = "surname", f"{p.surname} recorded as {new} ({why})"
            original, recorded = p.surname, new
        if len(forenames) > 1 and r() < 0.3:
            forenames = forenames[:1]
            if field == "forenames":
                recorded = list(forenames)
                detail += "; middle names not recorded"
        if r() < 0.6:
            address, location = dict(p.address), dict(p.location)
        else:
            address, location, _ = self._address(True)
        occ = self._incident(p, dup_id, location, not_before=p.created)
        created = occ["_created"]
        identity = self._duplicate_identity(p)
        ethnicity = p.eth if r() < 0.7 else "NS"
        nominal = {
            "nominal_id": dup_id,
            "pnc_id": None,
            "cro_number": None,
            "ni_number": identity["ni_number"],
            "surname": surname,
            "forenames": forenames,
            "sex": p.sex,
            "date_of_birth": date_iso(p.dob_ord),
            "place_of_birth": identity["place_of_birth"],
            "nationality": identity["nationality"],
            "ethnicity": ethnicity,
            "self_defined_ethnicity": ethnicity,
            "officer_observed_ethnicity": identity["officer_observed_ethnicity"],
            "address": address,
            "aliases": [],
            "warning_markers": [],
            "created_at": iso(created),
        }
        defect = {
            "defect_id": self._uuid(),
            "kind": "duplicate_nominal",
            "nominal_id": dup_id,
            "original_nominal_id": p.nid,
            "field": field,
            "detail": f"duplicate of an existing nominal: {detail}",
            "original_value": original,
            "recorded_value": recorded,
        }
        self._remember((dup_id, p.dob_ts, created, location, address))
        return nominal, occ, defect
