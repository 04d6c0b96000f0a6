"""`interop observe --run CMD`: a small python driver is given the range, then judged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

INTEROP = str(Path(sys.executable).with_name("interop"))

DRIVER = """
import os, requests
form = {"grant_type": "client_credentials", "client_id": os.environ["INTEROP_CLIENT_ID"],
        "client_secret": os.environ["INTEROP_CLIENT_SECRET"], "scope": "records:read records:write"}
token = requests.post(os.environ["INTEROP_TOKEN_URL"], data=form, timeout=10).json()["access_token"]
headers = {"Authorization": "Bearer " + token}
records = os.environ["INTEROP_RECORDS_URL"]
answer = requests.get(records + "/nominals", params={"limit": 5}, headers=headers, timeout=10)
assert answer.status_code == 200
BAD
"""


def observe(tmp_path: Path, driver: str) -> tuple[int, dict, str]:
    script = tmp_path / "driver.py"
    script.write_text(driver)
    report = tmp_path / "report"
    proc = subprocess.run(
        [
            INTEROP,
            "observe",
            "--run",
            f"{sys.executable} {script}",
            "--home",
            str(tmp_path / "home"),
            "--report-dir",
            str(report),
            "--population",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
    )
    data = json.loads((report / "report.json").read_text()) if (report / "report.json").exists() else {}
    return proc.returncode, data, proc.stderr


def test_a_driver_that_meets_the_duties_conforms(tmp_path: Path) -> None:
    code, report, err = observe(tmp_path, DRIVER.replace("BAD", ""))
    assert code == 0, err
    assert report["role"] == "consumer" and report["verdict"] == "pass"
    assert report["suites"][0]["stats"]["exchanges"] == 2  # the token request and the read
    assert set(report["roles"]) == {"records", "custody", "intelligence"}
    assert (tmp_path / "report" / "junit.xml").exists() and (tmp_path / "report" / "report.html").exists()


def test_an_invalid_call_does_not_conform_and_names_the_exchange(tmp_path: Path) -> None:
    bad = 'requests.post(records + "/nominals", json={"last_name": "<b>x</b>"}, headers=headers, timeout=10)'
    code, report, err = observe(tmp_path, DRIVER.replace("BAD", bad))
    assert code == 1, err
    (finding,) = [f for f in report["findings"] if f["requirement"] == "CON-VALID-REQUEST"]
    assert finding["extra"]["exchange"]["method"] == "POST" and finding["extra"]["exchange"]["status"] == 400
    assert finding["reproduce"].startswith("curl ")
    html = (tmp_path / "report" / "report.html").read_text()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_a_driver_that_calls_nothing_is_inconclusive(tmp_path: Path) -> None:
    code, report, err = observe(tmp_path, "print('idle')\n")
    assert code == 3, err
    assert report["verdict"] == "inconclusive" and report["inconclusive"]


STORM = """
import os, requests
form = {"grant_type": "client_credentials", "client_id": os.environ["INTEROP_CLIENT_ID"],
        "client_secret": os.environ["INTEROP_CLIENT_SECRET"], "scope": "records:read"}
token = requests.post(os.environ["INTEROP_TOKEN_URL"], data=form, timeout=10).json()["access_token"]
headers = {"Authorization": "Bearer " + token}
records = os.environ["INTEROP_RECORDS_URL"]
for _ in range(8):  # no back-off at all
    requests.get(records + "/nominals", params={"limit": 5}, headers=headers, timeout=10)
"""


def test_a_fault_plan_applies_while_the_driver_runs_and_a_retry_storm_is_reported(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("faults:\n  - {at: 0, system: records, set: {down: true}}\n")
    script = tmp_path / "driver.py"
    script.write_text(STORM)
    report = tmp_path / "report"
    proc = subprocess.run(
        [INTEROP, "observe", "--run", f"{sys.executable} {script}", "--faults", str(plan),
         "--home", str(tmp_path / "home"), "--report-dir", str(report), "--population", "20"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
    )  # fmt: skip
    data = json.loads((report / "report.json").read_text())
    assert proc.returncode == 0, proc.stderr  # warnings only: the calls themselves were valid
    (storm,) = [f for f in data["findings"] if f["requirement"] == "CON-RETRY-STORM"]
    assert storm["extra"]["exchange"]["status"] == 503 and storm["extra"]["count"] == 1
    assert storm["severity"] == "warning"


def test_a_bad_fault_plan_is_one_line_and_exit_2(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("faults:\n  - {at: 0, system: nowhere, set: {}}\n")
    proc = subprocess.run(
        [INTEROP, "observe", "--duration", "1", "--faults", str(plan), "--report-dir", str(tmp_path / "r")],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "system" in proc.stderr


PACT_DRIVER = DRIVER.replace(
    "BAD",
    """nid = answer.json()["items"][0]["nominal_id"]
requests.get(records + "/nominals/" + nid, headers=headers, timeout=10)
person = {"surname": "Pact", "forenames": ["Ann"], "sex": "female", "date_of_birth": "1994-11-02",
          "address": {"line1": "14 Rue Street", "town": "Leeds", "postcode": "LS6 2AB"}}
made = requests.post(records + "/nominals", json=person, headers=headers, timeout=10).json()
patch = {**headers, "If-Match": "*", "Content-Type": "application/merge-patch+json"}
requests.patch(records + "/nominals/" + made["nominal_id"], json={"sex": "male"}, headers=patch, timeout=10)
""",
)


def test_the_pact_the_traffic_implies_verifies_against_the_reference(tmp_path: Path) -> None:
    script, pacts = tmp_path / "driver.py", tmp_path / "pacts"
    script.write_text(PACT_DRIVER)
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "INTEROP_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [INTEROP, "observe", "--run", f"{sys.executable} {script}", "--write-pact", str(pacts),
         "--product", "Acme App", "--report-dir", str(tmp_path / "observed")],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    pact = json.loads((pacts / "Acme-App-records.json").read_text())
    assert [i["description"].split(" as ")[0] for i in pact["interactions"]] == [
        "GET /nominals",
        "GET /nominals/{nominal_id}",
        "POST /nominals",
    ]
    assert pact["metadata"]["interop"]["left_out_exchanges"] == 1  # the update of its own record
    read = pact["interactions"][1]  # a record of the seeded world: a state makes it on any provider
    assert read["providerStates"][0]["name"].startswith("a nominal")
    assert read["request"]["generators"]["path"] == {
        "type": "ProviderState",
        "expression": "/nominals/${nominal_id}",
    }
    assert read["response"]["generators"]["body"]["$.nominal_id"]["expression"] == "${nominal_id}"
    assert "regex" in str(read["response"]["matchingRules"]["body"].get("$.date_of_birth"))
    proc = subprocess.run(
        [INTEROP, "verify", "--role", "records", "--pact", str(pacts / "Acme-App-records.json"),
         "--report-dir", str(tmp_path / "verified")],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    checks = json.loads((tmp_path / "verified" / "report.json").read_text())["checks"]
    interactions = [c for c in checks if c["name"].startswith("Acme App -> records")]
    assert len(interactions) == 3 and all(c["status"] == "passed" for c in checks)
