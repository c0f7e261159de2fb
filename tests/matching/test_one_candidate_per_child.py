"""One child found by several groups of records in one match run is one candidate (issue 11 point 3); twins, whom
one source holds as two children, stay two."""

from datetime import date

from cme.matching import engine
from cme.matching.run import Person, SourceRecord, one_person_per_child


def record(source: int, ref: str, given: str, family: str = "Chen", born=date(2016, 5, 14), **extra) -> SourceRecord:
    values = {"address_line1": "12 Example Road", "postcode": "ZY1 2AB", **extra}
    return SourceRecord(id=f"s{source}{ref}", key=f"{source}:{ref}", given_name=given, family_name=family, born=born,
                        **values)  # fmt: skip


def person(cluster: str, *records: SourceRecord) -> Person:
    return Person(cluster_id=cluster, records=list(records))


def test_a_child_known_by_two_names_in_two_sources_is_one_person_with_every_record():
    bowen = person("a", record(1, "CT-1", "Bowen"), record(2, "GP-1", "Bowen"))
    jason = person("b", record(3, "BEN-7", "Jason", postcode="zy12ab"))
    closest = engine.Pair("s3BEN-7", "roll-1", 0.2, -3.0)

    people = one_person_per_child([bowen, jason], {"b": closest})

    assert len(people) == 1
    assert people[0].keys == ["1:CT-1", "2:GP-1", "3:BEN-7"] and people[0].joined == 2


def test_twins_one_source_holds_as_two_children_stay_two():
    ana = person("a", record(1, "CT-1", "Ana"), record(2, "GP-1", "Ana"))
    eva = person("b", record(2, "GP-2", "Eva"))

    assert len(one_person_per_child([ana, eva], {})) == 2


def test_children_at_other_addresses_or_born_apart_or_of_another_family_stay_apart():
    first = person("a", record(1, "CT-1", "Bowen"))
    elsewhere = person("b", record(2, "GP-1", "Jason", address_line1="14 Example Road"))
    younger = person("c", record(3, "BEN-1", "Mei", born=date(2019, 1, 2)))
    neighbour = person("d", record(4, "ADM-1", "Tom", family="Okafor"))
    moved_out = person("e", record(5, "H-1", "Jay", valid_to=date(2025, 1, 1)))

    assert len(one_person_per_child([first, elsewhere, younger, neighbour, moved_out], {})) == 5


def test_twins_with_full_names_in_common_with_nothing_stay_two_even_in_separate_sources():
    jade = person("a", record(4, "GP-1", "Jade", middle_names="Amy"))
    ella = person("b", record(5, "AD-1", "Ella", middle_names="Freya Megan"))
    brother = person("c", record(3, "BEN-1", "Leo", sex="M"))
    sister = person("d", record(6, "H-1", "Mia", sex="F"))

    assert len(one_person_per_child([jade, ella], {})) == 2
    assert len(one_person_per_child([brother, sister], {})) == 2


def test_a_child_whose_old_record_in_one_source_is_at_another_flat_is_still_one_and_abbreviations_agree():
    mason = person("a", record(1, "CT-1", "Mason", middle_names="Thomas Henry", address_line1="Flat 7, Hazel Lodge"))
    moved = record(1, "CT-2", "Thomas", address_line1="Flat 8, Hazel Lodge", valid_to=date(2024, 1, 1))
    thomas = person("b", moved, record(3, "BEN-1", "Thomas", middle_names="Thomas Henry",
                                       address_line1="Flat 7, Hazel Ldg"))  # fmt: skip

    assert len(one_person_per_child([mason, thomas], {})) == 1
