from ninja import Schema


class CommuneOut(Schema):
    insee_code: str
    name: str
    departement: str
    postal_codes: list[str]
    population: int | None
    latitude: float | None
    longitude: float | None
    kind: str
    label: str

    @staticmethod
    def resolve_departement(commune) -> str:
        return commune.departement_id

    @staticmethod
    def resolve_postal_codes(commune) -> list[str]:
        return commune.postal_code_list


class CommuneList(Schema):
    count: int
    results: list[CommuneOut]


class EPCIOut(Schema):
    code: str
    name: str
    kind: str
    population: int | None


class EPCIList(Schema):
    count: int
    results: list[EPCIOut]
