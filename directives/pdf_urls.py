from django.urls import path

from . import letter_views, pdf_views

urlpatterns = [
    path("meetings/<int:pk>/summary.pdf", pdf_views.meeting_summary_pdf, name="meeting_summary_pdf"),
    path("meetings/<int:pk>/summary.docx", pdf_views.meeting_summary_docx, name="meeting_summary_docx"),
    path("meetings/<int:pk>/followup.pdf", pdf_views.meeting_followup_pdf, name="meeting_followup_pdf"),
    path("meetings/<int:pk>/followup/issue/", pdf_views.meeting_followup_issue, name="meeting_followup_issue"),
    path("followups/<int:pk>.pdf", pdf_views.followup_issued_pdf, name="followup_issued_pdf"),
    path("letters/<int:pk>/summary.pdf", letter_views.letter_summary_pdf, name="letter_summary_pdf"),
    path("letters/<int:pk>/summary.docx", letter_views.letter_summary_docx, name="letter_summary_docx"),
    path("letters/<int:pk>/followup.pdf", letter_views.letter_followup_pdf, name="letter_followup_pdf"),
    path("agencies/<int:pk>/report.pdf", pdf_views.agency_report_pdf, name="agency_report_pdf"),
]
