from tests.backend.models import Author, Book


def test_create_and_query(django_db):
    a = Author.objects.create(name="Zoë")
    assert a.pk == 1
    Book.objects.create(title="One", author=a, pages=10)
    Book.objects.create(title="Two", author=a, pages=20)
    assert list(Book.objects.filter(author__name="Zoë").order_by("title").values_list("title", flat=True)) == ["One", "Two"]
