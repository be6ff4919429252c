"""Seed the fixed lists every instance starts with; animators can edit them afterwards."""

from django.db import migrations

STRUCTURE_KINDS = [
    ("EI", "Entreprise d'insertion", True),
    ("ETTI", "Entreprise de travail temporaire d'insertion", True),
    ("ACI", "Atelier et chantier d'insertion", True),
    ("AI", "Association intermédiaire", True),
    ("EITI", "Entreprise d'insertion par le travail indépendant", True),
    ("EA", "Entreprise adaptée", False),
    ("ESAT", "Établissement et service d'aide par le travail", False),
    ("GEIQ", "Groupement d'employeurs pour l'insertion et la qualification", False),
]

DAILY_NEEDS = [
    ("se-nourrir", "Se nourrir"),
    ("se-loger", "Se loger"),
    ("se-deplacer", "Se déplacer"),
    ("se-soigner", "Se soigner"),
    ("se-former", "Se former"),
    ("s-equiper", "S'équiper"),
    ("se-divertir", "Se divertir"),
]


def seed(apps, schema_editor):
    StructureKind = apps.get_model("directory", "StructureKind")
    DailyNeed = apps.get_model("directory", "DailyNeed")
    for position, (code, name, is_siae) in enumerate(STRUCTURE_KINDS):
        StructureKind.objects.update_or_create(
            code=code, defaults={"name": name, "is_siae": is_siae, "position": position}
        )
    for position, (slug, name) in enumerate(DAILY_NEEDS):
        DailyNeed.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
