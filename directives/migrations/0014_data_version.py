import secrets

from django.db import migrations, models


def first_token(apps, schema_editor):
    DataVersion = apps.get_model("directives", "DataVersion")
    DataVersion.objects.using(schema_editor.connection.alias).update_or_create(
        pk=1, defaults={"token": secrets.randbits(62)}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0013_archived_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "รุ่นของข้อมูล",
                "verbose_name_plural": "รุ่นของข้อมูล",
            },
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
