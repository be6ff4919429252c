import pytest

from maillage.directory.families import ess_family_of_legal_form
from maillage.directory.models import EssFamily


@pytest.mark.parametrize(
    ("code", "family"),
    [
        ("9220", EssFamily.ASSOCIATION),
        ("9230", EssFamily.ASSOCIATION),
        ("9300", EssFamily.FONDATION),
        ("5458", EssFamily.COOPERATIVE),  # SCOP (SARL)
        ("6317", EssFamily.COOPERATIVE),  # société coopérative agricole
        ("8210", EssFamily.MUTUELLE),
        ("6411", EssFamily.MUTUELLE),
        ("5710", EssFamily.COMPANY),  # SAS (an ESUS company, a SCIC SAS)
        ("7210", ""),  # commune
        ("1000", ""),  # entrepreneur individuel
        ("", ""),
    ],
)
def test_the_ess_family_follows_the_legal_form(code, family):
    assert ess_family_of_legal_form(code) == family
