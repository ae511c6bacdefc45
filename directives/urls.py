from django.urls import path

from . import letter_views, review_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/<int:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/edit/", views.directive_edit, name="directive_edit"),
    path("directives/<int:pk>/close/", views.directive_close, name="directive_close"),
    path("directives/<int:pk>/reopen/", views.directive_reopen, name="directive_reopen"),
    path("meetings/<int:meeting_pk>/directives/new/", views.directive_create, name="directive_create"),
    path("letters/", letter_views.letter_list, name="letter_list"),
    path("letters/new/", letter_views.letter_create_view, name="letter_create"),
    path("letters/<int:pk>/", letter_views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/edit/", letter_views.letter_edit, name="letter_edit"),
    path("letters/<int:letter_pk>/directives/new/", views.letter_directive_create, name="letter_directive_create"),
    path("meetings/<int:meeting_pk>/directives/bulk/", views.directive_bulk, name="directive_bulk"),
    path("directives/suggest-agencies/", views.directive_suggest_agencies, name="directive_suggest_agencies"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/acknowledge/", views.assignment_acknowledge, name="assignment_acknowledge"),
    path("assignments/<int:pk>/extension/", views.assignment_extension, name="assignment_extension"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reviews/", review_views.review_queue, name="review_queue"),
    path(
        "directives/<int:pk>/parties/<int:party_pk>/narrow/",
        views.directive_narrow_group,
        name="directive_narrow_group",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
