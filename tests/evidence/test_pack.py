"""The evidence pack: sealed, verified, tampering named, diffed; the board summary's content."""

from __future__ import annotations

import json
import os
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from harness.evidence import accept as accept_module
from harness.evidence import signing
from harness.evidence.pack import pack_files, read_pack, verify_pack
from tests.evidence.packkit import cli, custody_summary, make_pack


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch, request):
    """Printing the PDF is the browser test's business; the others stay fast."""
    if "pdf" not in request.node.name:
        monkeypatch.setattr(accept_module, "print_pdf", lambda html, pdf: "chromium not used in this test")


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def pack(tmp_path, key):
    return make_pack(tmp_path / "pack", custody_summary(), key)


def test_an_untouched_pack_verifies_as_folder_and_as_zip(pack):
    assert pack.archive == pack.folder.with_name("pack.zip")
    for where in (pack.folder, pack.archive):
        code, out = cli("evidence", "verify", str(where))
        assert code == 0, out
        assert "verified" in out and signing.fingerprint((pack.folder / "public-key.pem").read_bytes()) in out


def test_the_manifest_lists_every_file_with_its_hash_and_the_standard(pack):
    manifest = json.loads((pack.folder / "manifest.json").read_text())
    files = set(pack_files(pack.folder)) - {"manifest.json", "manifest.sig"}
    assert set(manifest["files"]) == files
    assert {
        "summary.html",
        "results.json",
        "profile.yaml",
        "public-key.pem",
        "roles/custody/report.json",
    } <= files
    assert manifest["standard"]["version"] == "1.0.0"
    assert "contracts/openapi/custody.yaml" in manifest["standard"]["openapi"]
    assert manifest["standard"]["pacts"] and "scenarios" not in manifest["standard"]  # scenarios not run
    assert manifest["seed"] == 7 and manifest["harness"]["name"] == "interop"
    assert manifest["summary_pdf"] == "chromium not used in this test"
    assert manifest["identity"][0]["reported_version"] == "2.1"


def test_changing_one_byte_of_any_file_fails_and_names_it(pack, tmp_path):
    for name in pack_files(pack.folder):
        path = pack.folder / name
        original = path.read_bytes()
        changed = bytearray(original)
        changed[len(changed) // 2] ^= 0x01
        path.write_bytes(bytes(changed))
        try:
            code, out = cli("evidence", "verify", str(pack.folder))
        finally:
            path.write_bytes(original)
        assert code == 1, (name, out)
        assert "NOT VERIFIED" in out and name in out, (name, out)
    assert cli("evidence", "verify", str(pack.folder))[0] == 0  # all put back: verifies again


def test_a_changed_file_inside_the_zip_is_named(pack, tmp_path):
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(pack.archive) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("results.json"):
                data = data.replace(b'"pass"', b'"fail"', 1)
            dst.writestr(info, data)
    code, out = cli("evidence", "verify", str(tampered))
    assert code == 1 and "results.json (changed)" in out


def test_added_and_removed_files_are_named(pack):
    (pack.folder / "roles" / "custody" / "extra.txt").write_text("x")
    (pack.folder / "summary.html").unlink()
    result = verify_pack(read_pack(pack.folder))
    assert not result.ok
    assert result.missing == ["summary.html"] and result.extra == ["roles/custody/extra.txt"]


def test_a_pack_resigned_with_another_key_fails_against_the_expected_key(tmp_path, key):
    other = make_pack(tmp_path / "other", custody_summary(), Ed25519PrivateKey.generate())
    expected = tmp_path / "expected.pem"
    expected.write_bytes(signing.public_pem(key))
    code, out = cli("evidence", "verify", str(other.folder), "--public-key", str(expected))
    assert code == 1 and "another key" in out and "public-key.pem" in out


def test_not_a_pack_is_one_line_exit_2(tmp_path):
    (tmp_path / "junk.zip").write_text("not a zip")
    code, out = cli("evidence", "verify", str(tmp_path / "junk.zip"))
    assert code == 2 and len(out.strip().splitlines()) == 1 and "neither a folder nor a zip" in out


def test_the_key_is_created_on_first_use_in_interop_home(tmp_path, monkeypatch):
    monkeypatch.setenv("INTEROP_HOME", str(tmp_path / "home"))
    first = signing.load_or_create_key()
    path = tmp_path / "home" / "evidence-key.pem"
    assert path.is_file() and (path.stat().st_mode & 0o777) == 0o600
    assert signing.public_pem(signing.load_or_create_key()) == signing.public_pem(first)


def test_a_key_that_is_not_ed25519_is_refused_in_one_line(tmp_path):
    ec_key = tmp_path / "ec.pem"
    ec_key.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    profile = tmp_path / "force.yaml"
    profile.write_text(
        "product: {name: X}\nseed: 1\nroles: {custody: {target: 'http://127.0.0.1:9'}}\n", encoding="utf-8"
    )
    code, out = cli("accept", "--profile", str(profile), "--out", str(tmp_path / "out"), "--key", str(ec_key))
    assert code == 2 and "not an Ed25519 key" in out and len(out.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_diff_lists_exactly_the_requirements_that_changed(tmp_path, key):
    before = make_pack(tmp_path / "a", custody_summary({"STD-NO-5XX": 2}), key)
    after = make_pack(tmp_path / "b", custody_summary({"PACE-s40-review": 1, "PACT-records-custody": 1}), key)
    code, out = cli(
        "evidence", "diff", str(before.folder), str(after.archive), "--out", str(tmp_path / "d.html")
    )
    assert code == 0, out
    assert "Requirements whose result changed: 3" in out
    assert "STD-NO-5XX: not met -> met" in out
    assert "PACE-s40-review: met -> not met" in out and "PACT-records-custody: met -> not met" in out
    page = (tmp_path / "d.html").read_text()
    assert page.count('<tr><td><span class="lvl">') == 3
    assert "New problems: 2" in out and "Problems gone: 1" in out


def test_findings_with_one_root_cause_are_one_problem(tmp_path, key):
    done = make_pack(tmp_path / "p", custody_summary({"STD-NO-5XX": 13}), key)
    problems = [p for p in done.results["problems"] if p["requirement"] == "STD-NO-5XX"]
    assert len(problems) == 1 and problems[0]["findings"] == 13 and len(problems[0]["operations"]) == 13
    html = (done.folder / "summary.html").read_text()
    assert "13 findings on 13 operations (custody): one problem" in html


def test_the_summary_puts_must_first_and_says_what_was_not_judged(tmp_path, key):
    summary = custody_summary({"SCN-review-overdue": 1})  # a SHOULD
    summary["checks"] = [c for c in summary["checks"] if c["requirement"] != "PACE-s47ZB-bail-period"]
    summary["checks"].append(
        {
            **custody_summary()["checks"][0],
            "requirement": "PACE-s47ZB-bail-period",
            "status": "skipped",
            "message": "not run: no token with the scopes",
        }
    )
    done = make_pack(tmp_path / "p", summary, key)
    r = done.results
    assert r["verdict"] == "inconclusive"  # a MUST requirement was not judged
    levels = [e["level"] for e in r["requirements"]]
    assert levels == sorted(levels)  # MUST before SHOULD
    entry = next(e for e in r["requirements"] if e["id"] == "PACE-s47ZB-bail-period")
    assert entry["status"] == "not judged" and "no token with the scopes" in entry["why"][0]
    html = (done.folder / "summary.html").read_text()
    assert "The first period of pre-charge bail is at most 3 months." in html
    assert html.index("What was not judged") < html.index("Requirements met")
    assert "not testable by the harness" in html  # STD-TRANSPORT-TLS


def test_the_summary_renders_in_chromium_with_the_product_as_text_and_prints_to_pdf(
    tmp_path, key, browser_page, chromium_binary
):
    hostile = "<script>document.title='owned'</script><img src=x onerror=alert(1)>"
    profile = (
        'buyer: "<b>Force</b>"\nproduct: {name: "' + hostile.replace('"', '\\"') + "\", version: '2.1'}\n"
        "seed: 7\nsuites: [rules]\nroles:\n  custody: {target: 'http://127.0.0.1:9'}\n"
    )
    done = make_pack(tmp_path / "p", custody_summary({"STD-AUTH": 1}), key, profile)
    assert done.pdf_note is None
    pdf = done.folder / "summary.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert json.loads((done.folder / "manifest.json").read_text())["summary_pdf"] == "summary.pdf"
    browser_page.goto((done.folder / "summary.html").as_uri())
    assert browser_page.title() != "owned"
    assert browser_page.inner_text("#product").startswith(hostile)
    assert browser_page.inner_text("#buyer") == "<b>Force</b>"
    assert browser_page.inner_text("#verdict") == "DOES NOT CONFORM"
    not_met = browser_page.inner_text("#not-met")
    assert "Every request without a valid access token is refused" in not_met
    assert browser_page.locator("img").count() == 0
    assert cli("evidence", "verify", str(done.archive))[0] == 0


def test_pack_paths_in_a_zip_cannot_escape(tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../evil.txt", "x")
    code, out = cli("evidence", "verify", str(bad))
    assert code == 2 and "outside its folder" in out
    assert not os.path.exists(tmp_path.parent / "evil.txt")
