from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clients import public_views as client_public_views
from core.capabilities import public
from staff import views as staff_views

from . import views
from .client_side import answer_views as client_answer_views
from .client_side import page_views as client_page_views
from .client_side import views as client_side_views
from .desk import views as desk_views
from .security import LoginForm


urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("desk/", desk_views.desk, name="desk"),
    path("desk/clients/<int:client_pk>/check-in/", desk_views.desk_check_in, name="desk-check-in"),
    path("desk/clients/<int:client_pk>/sell-plan/", desk_views.desk_sell_plan, name="desk-sell-plan"),
    path("desk/clients/<int:client_pk>/sell-service/", desk_views.desk_sell_service, name="desk-sell-service"),
    path("desk/clients/<int:client_pk>/freeze-request/", desk_views.desk_freeze_request, name="desk-freeze-request"),
    path("clients/<int:pk>/", views.client_card, name="client-card"),
    path("clients/<int:pk>/history/", views.client_history, name="client-history"),
    path("clients/<int:pk>/export/", views.client_export, name="client-export"),
    path("clients/<int:pk>/erase/", views.client_erase, name="client-erase"),
    path("clients/", include("clients.urls")),
    path("programs/", include("programs.urls")),
    path("staff/members/<int:pk>/", views.staff_member_page, name="staff-member"),
    path("staff/", include("staff.urls")),
    path("sales/", include("sales.urls")),
    path(
        "login/",
        public(auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm)),
        name="login",
    ),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("health/", views.health, name="health"),
    path("u/<str:token>/", client_public_views.unsubscribe, name="unsubscribe"),
    path("s/<str:token>/", staff_views.survey, name="survey"),
    path("me/<str:token>/", client_page_views.personal_page, name="personal-page"),
    path("r/<str:token>/", client_answer_views.session_answer, name="session-answer"),
    path("r/class/<str:token>/", client_answer_views.class_place_answer, name="class-place-answer"),
    path("telegram/webhook/", client_side_views.telegram_webhook, name="telegram-webhook"),
    path("admin/", admin.site.urls),
]

if settings.DEV_TOOLS:  # the bench's minimal page (accompaniment.devtools)
    urlpatterns.append(path("dev/", include("accompaniment.devtools.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
