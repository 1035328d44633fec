from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Locale, Page

PAGE_SIZE = 10


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = Page.objects.none()
    if query:
        results = Page.objects.live().public().filter(locale=Locale.get_active()).specific().search(query)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pages/search_page.html", {"search_query": query, "search_results": page})
