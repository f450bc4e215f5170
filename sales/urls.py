from django.urls import path

from . import views

app_name = "sales"

urlpatterns = [
    path("memberships/sell/<int:client_pk>/", views.membership_sell, name="membership-sell"),
    path("offers/new/<int:client_pk>/", views.offer_create, name="offer-create"),
    path("offers/<int:pk>/outcome/", views.offer_outcome, name="offer-outcome"),
    path("recommendations/new/<int:session_pk>/", views.recommendation_create, name="recommend"),
    path("recommendations/<int:pk>/decide/", views.recommendation_decide, name="decide"),
    path("my-recommendations/", views.my_recommendations, name="my-recommendations"),
    path("promotions/", views.promotion_list, name="promotions"),
    path("promotions/<int:pk>/", views.promotion_detail, name="promotion"),
    path("ambassadors/", views.ambassador_list, name="ambassadors"),
    path("pay/", views.pay_report, name="pay"),
]
