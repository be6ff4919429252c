"""python manage.py import_organisations FILE --format csv|xlsx|sirene|gogocarto|lemarche"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from maillage.opendata.models import ImportFormat, ImportProblem, ImportRun
from maillage.opendata.services.imports import (
    counts_per_reason,
    import_organisations,
    start_run,
    write_report,
)
from maillage.opendata.services.mapping import read_mapping_file
from maillage.opendata.services.text import plural


class Command(BaseCommand):
    help = "Importe des organisations (CSV, XLSX, stock SIRENE, GoGoCarto, Marché de l'inclusion)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier à importer (dossier du stock pour sirene)")
        parser.add_argument("--format", required=True, choices=ImportFormat.values)
        parser.add_argument(
            "--source", default="", help="Nom de la source (par défaut : le format)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Tout vérifier sans rien écrire")
        parser.add_argument(
            "--report", help="Écrire les lignes rejetées et avertissements dans ce CSV"
        )
        parser.add_argument("--mapping", help="Fichier CSV « colonne;champ » de correspondance")
        parser.add_argument(
            "--resume", type=int, help="Reprendre l'import numéro N après son dernier lot"
        )
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path} : fichier introuvable.")
        if options["resume"]:
            run = ImportRun.objects.filter(pk=options["resume"]).first()
            if run is None:
                raise CommandError(f"Aucun import numéro {options['resume']}.")
        else:
            mapping = read_mapping_file(Path(options["mapping"])) if options["mapping"] else None
            run = start_run(
                file_name=path.name,
                format=options["format"],
                source=options["source"],
                dry_run=options["dry_run"],
                mapping=mapping,
            )
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[speed]} lignes/s"),
            TimeElapsedColumn(),
            console=None,
            transient=False,
            disable=not self.stdout.isatty(),
        ) as progress:
            task = progress.add_task(path.name, total=None, speed="–")

            def show(current: ImportRun) -> None:
                elapsed = progress.tasks[task].elapsed or 1
                progress.update(
                    task,
                    total=current.total_rows,
                    completed=current.rows_read,
                    speed=f"{current.rows_read / elapsed:,.0f}".replace(",", " "),
                )

            run = import_organisations(
                run=run, path=path, batch_size=options["batch_size"], progress=show
            )
        self.stdout.write(f"Import n° {run.pk} ({run.get_status_display()}) : {run.message}")
        for kind, reason, count in counts_per_reason(run)[:30]:
            self.stdout.write(f"  {count:>7}  [{ImportProblem.Kind(kind).label}] {reason}")
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8-sig", newline="") as handle:
                written = write_report(run, handle)
            lines = plural("%(count)s ligne", "%(count)s lignes", written) % {"count": written}
            self.stdout.write(f"Rapport : {options['report']} ({lines})")
        if run.status == ImportRun.Status.REFUSED:
            raise CommandError(run.message)
