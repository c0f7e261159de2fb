"""The server error page renders even when nothing but the template is available."""

from cme.web.pages.errors import server_error


def test_the_500_page_renders_without_a_request_context(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
