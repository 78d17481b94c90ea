"""The page in a real headless browser (Debian's chromium through selenium), with a screenshot."""

import json
import os
import shutil

import pytest

from tests.api.conftest import get, post


def _browser():
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver must be installed (.ci/setup.d/40-chromium.sh)")
        pytest.skip("no chromium/chromedriver here (.ci/setup.d/40-chromium.sh installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1200,1600"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)


@pytest.fixture(scope="module")
def diagnosed(running):
    base, snapshot, _ = running
    ask = {"specversion": "1.0", "type": "io.kubetriage.diagnosis.requested", "source": "/test", "id": "ask-page-1",
           "datacontenttype": "application/json",
           "data": {"namespace": "payments", "workload": "deployment/checkout", "question": "why is checkout down?"}}
    status, headers, _ = post(base + "/", json.dumps(ask).encode(), {"Content-Type": "application/cloudevents+json"})
    assert status == 202
    answer = json.loads(get(base + headers["Location"] + "?wait=45")[2])
    assert answer["status"] == "completed"
    return base, answer


def test_the_page_shows_each_diagnosis_with_its_evidence_and_commands_and_filters(diagnosed, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, answer = diagnosed
    diagnosis = answer["diagnosis"]
    browser = _browser()
    try:
        browser.get(base + "/")
        card = browser.find_element(By.ID, answer["investigation_id"])
        text = card.text
        assert diagnosis["summary"] in text
        assert diagnosis["category"] in text
        assert diagnosis["evidence"][0]["excerpt"].splitlines()[0].strip() in text
        assert card.find_element(By.CSS_SELECTOR, "pre.commands").text.startswith(diagnosis["commands"][0][:20])
        shot = tmp_path / "page.png"
        browser.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000

        Select(browser.find_element(By.NAME, "status")).select_by_value("failed")
        browser.find_element(By.CSS_SELECTOR, "form button").click()
        # the click starts a navigation; wait for it rather than reading the old URL
        WebDriverWait(browser, 20).until(lambda b: "status=failed" in b.current_url)
        assert not browser.find_elements(By.ID, answer["investigation_id"])

        browser.get(base + "/?namespace=payments&status=completed")
        statuses = {a.get_attribute("data-status") for a in browser.find_elements(By.TAG_NAME, "article")}
        assert statuses == {"completed"}
        assert not browser.find_elements(By.TAG_NAME, "script")  # no script on the page at all
    finally:
        browser.quit()


def test_a_client_that_does_not_ask_for_html_gets_the_list_as_json(diagnosed):
    base, answer = diagnosed
    status, headers, raw = get(base + "/", {"Accept": "application/json"})
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert answer["investigation_id"] in [i["investigation_id"] for i in json.loads(raw)["investigations"]]
