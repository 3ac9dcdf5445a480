"""The reports page: the monthly report previewed and downloaded, for viewers too, in Dutch
and English; a month without data says so."""

from __future__ import annotations

from tests.web.conftest import make_client


def test_the_reports_page_previews_the_month_and_offers_the_downloads(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    page = client.get("/reports?month=2026-10&lang=nl")
    assert page.status_code == 200
    assert 'src="/reports/monthly.html?month=2026-10&amp;lang=nl"' in page.text
    assert 'href="/reports/monthly.pdf?month=2026-10&amp;lang=nl"' in page.text
    html = client.get("/reports/monthly.html?month=2026-10&lang=nl")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert html.headers["x-frame-options"] == "SAMEORIGIN"
    csp = html.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "script-src" not in csp  # no script at all
    assert "inline" in html.headers["content-disposition"]
    pdf = client.get("/reports/monthly.pdf?month=2026-10&lang=en")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("attachment;")
    assert "2026-10-en.pdf" in pdf.headers["content-disposition"]


def test_a_month_without_data_says_so(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    answer = client.get("/reports/monthly.html?month=2019-01&lang=en")
    assert answer.status_code == 404


def test_a_bad_month_or_format_is_refused(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    assert client.get("/reports/monthly.html?month=oct").status_code == 422
    assert client.get("/reports/monthly.docx?month=2026-10").status_code == 404


def test_without_a_month_the_page_shows_the_last_whole_month_with_data(sqlite_seeded):
    """The seeded data ends on 2026-11-20: the last whole month is October 2026."""
    page = make_client(sqlite_seeded.ws).get("/reports")
    assert 'src="/reports/monthly.html?month=2026-10&amp;lang=nl"' in page.text


def test_the_care_and_audit_reports_are_chosen_on_the_page(sqlite_seeded):
    from tests.reports.test_care import seed_inbox

    seed_inbox(sqlite_seeded.ws.engine, sqlite_seeded.ws.workspace_id)
    client = make_client(sqlite_seeded.ws)
    page = client.get("/reports?kind=care&month=2026-10&lang=en")
    assert 'src="/reports/care.html?month=2026-10&amp;lang=en"' in page.text
    assert '<option value="care" selected>' in page.text
    care = client.get("/reports/care.html?month=2026-10&lang=en")
    assert care.status_code == 200 and "21 messages came in this month" in care.text
    missing = client.get("/reports/care.html?month=2019-01&lang=en").text
    assert "No conversation in the inbox began in 2019-01" in missing
    audit = client.get("/reports/audit.pdf?month=2026-10&lang=nl")
    assert audit.status_code == 200 and audit.content.startswith(b"%PDF")
    assert "socialdesk-audit-" in audit.headers["content-disposition"]
    assert client.get("/reports?kind=nonsense").status_code == 200  # the monthly report


def test_a_campaigns_report_is_chosen_by_its_name(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    page = client.get("/reports?kind=campaign&lang=en")
    assert page.status_code == 200
    assert '<option value="Campaign eur"' in page.text
    assert 'src="/reports/campaign.html?name=Campaign%20eur&amp;lang=en"' in page.text
    html = client.get("/reports/campaign.html?name=campaign%20EUR&lang=en")
    assert html.status_code == 200 and "Campaign eur" in html.text
    assert html.headers["content-security-policy"].startswith("default-src 'none'")
    pdf = client.get("/reports/campaign.pdf?name=Campaign%20usd&lang=nl")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "socialdesk-campaign-campaign-usd-nl.pdf" in pdf.headers["content-disposition"]
    missing = client.get("/reports/campaign.html?name=Campagne")
    assert missing.status_code == 404 and "Campaign eur" in missing.text
    assert client.get("/reports/campaign.html").status_code == 422
