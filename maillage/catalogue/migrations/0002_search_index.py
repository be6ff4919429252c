from django.db import migrations

from maillage.catalogue.search import create_search_index, drop_search_index


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
