"""Writes a small SIRENE stock sample in the INSEE column layout (run once; files committed).

Layout: « Description des fichiers du stock SIRENE » (StockUniteLegale, StockEtablissement,
comma-separated UTF-8) and the geolocation file (GeolocalisationEtablissement_Sirene_pour_etudes
_statistiques, `;`-separated, x_longitude / y_latitude in WGS 84).
"""

import csv
from pathlib import Path

HERE = Path(__file__).parent
UNIT_COLUMNS = ["siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale", "sigleUniteLegale", "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale", "prenom3UniteLegale", "prenom4UniteLegale", "prenomUsuelUniteLegale", "pseudonymeUniteLegale", "identifiantAssociationUniteLegale", "trancheEffectifsUniteLegale", "anneeEffectifsUniteLegale", "dateDernierTraitementUniteLegale", "nombrePeriodesUniteLegale", "categorieEntreprise", "anneeCategorieEntreprise", "dateDebut", "etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale", "denominationUniteLegale", "denominationUsuelle1UniteLegale", "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale", "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale", "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale", "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale", "caractereEmployeurUniteLegale"]
ESTABLISHMENT_COLUMNS = ["siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement", "trancheEffectifsEtablissement", "anneeEffectifsEtablissement", "activitePrincipaleRegistreMetiersEtablissement", "dateDernierTraitementEtablissement", "etablissementSiege", "nombrePeriodesEtablissement", "complementAdresseEtablissement", "numeroVoieEtablissement", "indiceRepetitionEtablissement", "dernierNumeroVoieEtablissement", "indiceRepetitionDernierNumeroVoieEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement", "codePostalEtablissement", "libelleCommuneEtablissement", "libelleCommuneEtrangerEtablissement", "distributionSpecialeEtablissement", "codeCommuneEtablissement", "codeCedexEtablissement", "libelleCedexEtablissement", "codePaysEtrangerEtablissement", "libellePaysEtrangerEtablissement", "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement", "coordonneeLambertOrdonneeEtablissement", "complementAdresse2Etablissement", "numeroVoie2Etablissement", "indiceRepetition2Etablissement", "typeVoie2Etablissement", "libelleVoie2Etablissement", "codePostal2Etablissement", "libelleCommune2Etablissement", "libelleCommuneEtranger2Etablissement", "distributionSpeciale2Etablissement", "codeCommune2Etablissement", "codeCedex2Etablissement", "libelleCedex2Etablissement", "codePaysEtranger2Etablissement", "libellePaysEtranger2Etablissement", "dateDebut", "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement", "enseigne3Etablissement", "denominationUsuelleEtablissement", "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement", "caractereEmployeurEtablissement"]
GEO_COLUMNS = ["siret", "x", "y", "qualite_xy", "epsg", "plg_qp", "plg_iris", "plg_zus", "plg_qva", "plg_code_commune", "distance_precision", "qualite_qp", "qualite_iris", "qualite_zus", "qualite_qva", "y_latitude", "x_longitude"]

UNITS = [
    # kept: ESS, active, diffusible; two active establishments and a closed one
    dict(
        siren="332358308",
        statutDiffusionUniteLegale="O",
        sigleUniteLegale="EVEIL",
        identifiantAssociationUniteLegale="W863000123",
        etatAdministratifUniteLegale="A",
        denominationUniteLegale="ASSOCIATION L'EVEIL",
        categorieJuridiqueUniteLegale="9220",
        activitePrincipaleUniteLegale="88.99B",
        nicSiegeUniteLegale="00028",
        economieSocialeSolidaireUniteLegale="O",
    ),
    # not ESS: left out
    dict(
        siren="325158855",
        statutDiffusionUniteLegale="O",
        etatAdministratifUniteLegale="A",
        denominationUniteLegale="LE TOIT DU MONDE",
        categorieJuridiqueUniteLegale="9220",
        activitePrincipaleUniteLegale="87.90B",
        nicSiegeUniteLegale="00016",
        economieSocialeSolidaireUniteLegale="N",
    ),
    # ESS but not diffusible: never published
    dict(
        siren="391777596",
        statutDiffusionUniteLegale="P",
        etatAdministratifUniteLegale="A",
        denominationUniteLegale="[ND]",
        categorieJuridiqueUniteLegale="9220",
        activitePrincipaleUniteLegale="88.10A",
        nicSiegeUniteLegale="00027",
        economieSocialeSolidaireUniteLegale="O",
    ),
    # ESS, diffusible, with hidden ([ND]) values that must read as absent
    dict(
        siren="302937420",
        statutDiffusionUniteLegale="O",
        sigleUniteLegale="[ND]",
        etatAdministratifUniteLegale="A",
        denominationUniteLegale="ASSOCIATION HOTEL SOCIAL",
        categorieJuridiqueUniteLegale="9220",
        activitePrincipaleUniteLegale="87.90B",
        nicSiegeUniteLegale="00198",
        economieSocialeSolidaireUniteLegale="O",
    ),
    # ESS but closed: left out
    dict(
        siren="341613024",
        statutDiffusionUniteLegale="O",
        etatAdministratifUniteLegale="C",
        denominationUniteLegale="ASSOC POURQUOI PAS LA RUCHE",
        categorieJuridiqueUniteLegale="9220",
        activitePrincipaleUniteLegale="88.99B",
        nicSiegeUniteLegale="00049",
        economieSocialeSolidaireUniteLegale="O",
    ),
]
ESTABLISHMENTS = [
    dict(
        siren="302937420",
        nic="00198",
        siret="30293742000198",
        statutDiffusionEtablissement="O",
        etablissementSiege="true",
        numeroVoieEtablissement="[ND]",
        typeVoieEtablissement="[ND]",
        libelleVoieEtablissement="[ND]",
        codePostalEtablissement="69003",
        libelleCommuneEtablissement="LYON 3EME",
        codeCommuneEtablissement="69383",
        etatAdministratifEtablissement="A",
    ),
    dict(
        siren="325158855",
        nic="00016",
        siret="32515885500016",
        statutDiffusionEtablissement="O",
        etablissementSiege="true",
        numeroVoieEtablissement="31",
        typeVoieEtablissement="RUE",
        libelleVoieEtablissement="DES TROIS ROIS",
        codePostalEtablissement="86000",
        libelleCommuneEtablissement="POITIERS",
        codeCommuneEtablissement="86194",
        etatAdministratifEtablissement="A",
    ),
    dict(
        siren="332358308",
        nic="00010",
        siret="33235830800010",
        statutDiffusionEtablissement="O",
        etablissementSiege="false",
        numeroVoieEtablissement="4",
        typeVoieEtablissement="AV",
        libelleVoieEtablissement="DE LA LIBERATION",
        codePostalEtablissement="86000",
        libelleCommuneEtablissement="POITIERS",
        codeCommuneEtablissement="86194",
        etatAdministratifEtablissement="A",
    ),
    dict(
        siren="332358308",
        nic="00028",
        siret="33235830800028",
        statutDiffusionEtablissement="O",
        etablissementSiege="true",
        numeroVoieEtablissement="12",
        typeVoieEtablissement="RUE",
        libelleVoieEtablissement="DE LA CATHEDRALE",
        codePostalEtablissement="86000",
        libelleCommuneEtablissement="POITIERS",
        codeCommuneEtablissement="86194",
        etatAdministratifEtablissement="A",
    ),
    dict(
        siren="332358308",
        nic="00036",
        siret="33235830800036",
        statutDiffusionEtablissement="O",
        etablissementSiege="false",
        libelleVoieEtablissement="RUE FERMEE",
        codePostalEtablissement="86000",
        libelleCommuneEtablissement="POITIERS",
        codeCommuneEtablissement="86194",
        etatAdministratifEtablissement="F",
    ),
    dict(
        siren="391777596",
        nic="00027",
        siret="39177759600027",
        statutDiffusionEtablissement="P",
        etablissementSiege="true",
        codePostalEtablissement="05000",
        libelleCommuneEtablissement="GAP",
        codeCommuneEtablissement="05061",
        etatAdministratifEtablissement="A",
    ),
]
POINTS = [
    dict(
        siret="33235830800028",
        y_latitude="46.592354",
        x_longitude="0.358808",
        epsg="2154",
        qualite_xy="11",
    ),
    dict(
        siret="33235830800010",
        y_latitude="46.5801",
        x_longitude="0.3401",
        epsg="2154",
        qualite_xy="11",
    ),
    dict(
        siret="32515885500016",
        y_latitude="46.587547",
        x_longitude="0.342105",
        epsg="2154",
        qualite_xy="11",
    ),
]


def write(name: str, columns: list[str], rows: list[dict], delimiter: str = ",") -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=delimiter, restval="")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    write("StockUniteLegale_utf8.csv", UNIT_COLUMNS, UNITS)
    write("StockEtablissement_utf8.csv", ESTABLISHMENT_COLUMNS, ESTABLISHMENTS)
    write(
        "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv",
        GEO_COLUMNS,
        POINTS,
        ";",
    )
