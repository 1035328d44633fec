from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from hub.access import views as access_views
from hub.core import embeds as core_embeds
from hub.core import partner_views, site_files
from hub.core import sitemap as core_sitemap
from hub.core import views as core_views
from hub.core.account import HubAccountView
from hub.core.account import admin_view as decorate_admin_view
from hub.core.page_create import HubPageCreateView
from hub.feeds.urls import i18n_urlpatterns as feed_i18n_urlpatterns
from hub.ops import views as ops_views
from hub.search import views as search_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # The account page with optional names (hub.core.account), ahead of Wagtail's own.
    path("admin/account/", decorate_admin_view(HubAccountView.as_view())),
    # Wagtail's page create view, safe against the same form sent twice (hub.core.page_create).
    path(
        "admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/",
        decorate_admin_view(HubPageCreateView.as_view()),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("hub.feeds.urls")),
    path("", include("hub.consent.urls")),
    path("media/<path:path>", core_views.serve_media, name="media"),
    path("audio/<int:asset_id>/<slug:preset>.<str:ext>", access_views.audio_file, name="audio-file"),
    path("sitemap.xml", core_sitemap.sitemap, name="sitemap"),
    path("robots.txt", core_sitemap.robots_txt, name="robots-txt"),
    path("embed/episode/<int:episode_id>/", core_embeds.embed_episode, name="embed-episode"),
    path("oembed/", core_embeds.oembed, name="oembed"),
    path("healthz", ops_views.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page links; the file is a static one.
    path("favicon.ico", site_files.favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("partners/", partner_views.partner_list, name="partner-list"),
    path("partners/<str:slug>/", partner_views.partner_detail, name="partner-detail"),
    *feed_i18n_urlpatterns,
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
