from django.urls import path

from maillage.catalogue.views import alerts, contacts, listings, reports

app_name = "catalogue"

urlpatterns = [
    path("catalogue/", listings.listing_list, name="listing_list"),
    path("catalogue/<int:pk>/", listings.listing_detail, name="listing"),
    path("catalogue/<int:pk>/modifier/", listings.listing_edit, name="listing_edit"),
    path("catalogue/<int:pk>/fermer/", listings.listing_close, name="listing_close"),
    path("catalogue/<int:pk>/prolonger/", listings.listing_renew, name="listing_renew"),
    path("catalogue/<int:pk>/contacter/", contacts.contact_form, name="listing_contact"),
    path(
        "organisations/<slug:slug>/catalogue/publier/",
        listings.listing_create,
        name="listing_create",
    ),
    path(
        "organisations/<slug:slug>/contacter/",
        contacts.contact_form,
        name="organisation_contact",
    ),
    path("contacts/", contacts.my_contacts, name="contacts"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact"),
    path("contacts/<int:pk>/cooperation/", contacts.deal_record, name="deal_record"),
    path("contacts/<int:pk>/cooperation/reponse/", contacts.deal_answer, name="deal_answer"),
    path("contacts/<int:pk>/cooperation/retrait/", contacts.deal_withdraw, name="deal_withdraw"),
    path("besoins-du-territoire/signaler/", reports.report_create, name="report_create"),
    path("besoins-du-territoire/suivi/<str:token>/", reports.report_follow, name="report_follow"),
    path("animation/besoins-signales/", reports.report_queue, name="report_queue"),
    path("animation/besoins-signales/<int:pk>/", reports.report_qualify, name="report_qualify"),
    path(
        "animation/besoins-signales/<int:pk>/transmettre/",
        reports.report_route,
        name="report_route",
    ),
    path("alertes/", alerts.alert_list, name="alerts"),
    path("alertes/<int:pk>/supprimer/", alerts.alert_delete, name="alert_delete"),
    path("alertes/desabonnement/<str:token>/", alerts.alert_unsubscribe, name="alert_unsubscribe"),
    path("alertes/<str:token>/atom.xml", alerts.AlertFeed(), name="alert_feed"),
]
