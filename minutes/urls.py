from django.urls import path

from . import pdf_views, views

urlpatterns = [
    path("meetings/<int:pk>/minutes/", views.minutes_detail, name="minutes_detail"),
    path("meetings/<int:pk>/minutes/start/", views.minutes_start, name="minutes_start"),
    path("meetings/<int:pk>/minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/minutes/letter/", views.minutes_letter, name="minutes_letter"),
    path("meetings/<int:pk>/minutes/attendees/", views.minutes_attendees, name="minutes_attendees"),
    path("meetings/<int:pk>/minutes/attendees/add/", views.minutes_attendees_add, name="minutes_attendees_add"),
    path("meetings/<int:pk>/minutes/sections/<int:number>/", views.minutes_section_edit, name="minutes_section_edit"),
    path(
        "meetings/<int:pk>/minutes/sections/<int:number>/items/new/",
        views.minutes_item_create,
        name="minutes_item_create",
    ),
    path("meetings/<int:pk>/minutes/circulate/", views.minutes_circulate, name="minutes_circulate"),
    path(
        "meetings/<int:pk>/minutes/certify-previous/", views.minutes_certify_previous, name="minutes_certify_previous"
    ),
    path("meetings/<int:pk>/minutes/corrections/", views.minutes_correction_create, name="minutes_correction_create"),
    path("meetings/<int:pk>/minutes.pdf", pdf_views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/minutes.docx", pdf_views.minutes_docx, name="minutes_docx"),
    path("minutes/items/<int:pk>/edit/", views.minutes_item_edit, name="minutes_item_edit"),
    path("minutes/items/<int:pk>/delete/", views.minutes_item_delete, name="minutes_item_delete"),
    path("minutes/items/<int:pk>/directive/", views.minutes_item_directive, name="minutes_item_directive"),
    path("minutes/corrections/<int:pk>/decide/", views.minutes_correction_decide, name="minutes_correction_decide"),
]
