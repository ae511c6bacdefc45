from django.urls import path

from . import account_views, views

urlpatterns = [
    # the secretariat's people pages (executives read)
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/import/", views.people_import, name="people_import"),
    path("people/import/confirm/", views.people_import_confirm, name="people_import_confirm"),
    path("people/import/template.xlsx", views.people_import_template, name="people_import_template"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/activate/", views.person_activate, name="person_activate"),
    path("people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    # every user's own account
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.account_password, name="account_password"),
    path("account/sessions/end/", account_views.account_sessions_end, name="account_sessions_end"),
    path("account/export.json", account_views.account_export, name="account_export"),
    path("account/2fa/", account_views.two_factor_setup, name="two_factor_setup"),
    path("account/2fa/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("account/2fa/disable/", account_views.two_factor_disable, name="two_factor_disable"),
    path("account/2fa/codes/", account_views.two_factor_codes, name="two_factor_codes"),
    # reached without a session
    path("privacy/", account_views.privacy, name="privacy"),
    path("welcome/<uidb64>/<token>/", account_views.invitation_accept, name="invitation_accept"),
    path("accounts/password-reset/", account_views.password_reset, name="password_reset"),
    path("accounts/password-reset/sent/", account_views.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        account_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
]
