from django.db import models


class Everything(models.Model):
    flag = models.BooleanField(null=True)
    number = models.BigIntegerField(null=True)
    ratio = models.FloatField(null=True)
    price = models.DecimalField(max_digits=12, decimal_places=3, null=True)
    text = models.TextField(null=True)
    name = models.CharField(max_length=40, null=True, db_index=True)
    data = models.BinaryField(null=True)
    day = models.DateField(null=True)
    clock = models.TimeField(null=True)
    moment = models.DateTimeField(null=True)
    ident = models.UUIDField(null=True)
    payload = models.JSONField(null=True)
    span = models.DurationField(null=True)


class Author(models.Model):
    name = models.CharField(max_length=50, unique=True)


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, models.CASCADE, related_name="books")
    pages = models.IntegerField(default=0)
