"""The ESS family of a legal form (INSEE catégorie juridique, level 3), for sources that give
the form but not the family, such as the SIRENE stock (loi n° 2014-856, art. 1: associations,
cooperatives, mutuals, foundations, and commercial companies of the ESS)."""

from maillage.directory.models import EssFamily

# Forms that are cooperatives by their INSEE label (« coopérative », cooperative banks and
# agricultural cooperatives), including the SCOP and unions of cooperatives.
COOPERATIVE_FORMS = frozenset(
    {
        "5192", "5193", "5194", "5195", "5196", "5203", "5307", "5309",
        "5443", "5451", "5453", "5454", "5455", "5458", "5459", "5460",
        "5543", "5547", "5551", "5552", "5553", "5554", "5555", "5558", "5559", "5560",
        "5643", "5647", "5651", "5652", "5653", "5654", "5655", "5658", "5659", "5660",
        "6316", "6317", "6318", "6543", "6551", "6554", "6558", "6560", "6595", "6596",
    }
)  # fmt: skip
MUTUAL_FORMS = frozenset({"5191", "6411", "8210", "8250", "8290"})


def ess_family_of_legal_form(code: str) -> str:
    """An EssFamily value, or "" when the form does not tell (public bodies, sole traders…).

    Commercial companies (5xxx) that are not cooperatives are « sociétés commerciales de l'ESS »:
    meant for units the source already marks as ESS, as SIRENE does."""
    code = (code or "").strip()
    if code.startswith("92"):
        return EssFamily.ASSOCIATION
    if code.startswith("93"):
        return EssFamily.FONDATION
    if code in COOPERATIVE_FORMS:
        return EssFamily.COOPERATIVE
    if code in MUTUAL_FORMS:
        return EssFamily.MUTUELLE
    if len(code) == 4 and code.startswith("5"):
        return EssFamily.COMPANY
    return ""
