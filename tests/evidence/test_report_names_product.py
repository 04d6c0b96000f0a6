"""Every report names the product: report.html shows --product / --product-version, as text."""

from __future__ import annotations

from harness.engine import RunContext, VerificationRun
from harness.reports.html import render_report


def test_report_html_names_the_product_and_escapes_it(tmp_path):
    ctx = RunContext(
        role="custody",
        target="http://127.0.0.1:9",
        base_url="http://127.0.0.1:9",
        tokens=None,
        report_dir=tmp_path,
        product={"name": "<b>Acme</b> Custody", "version": "2.1"},
    )
    run = VerificationRun(ctx, [])
    run.finish()
    html = render_report(run.summary())
    assert '<strong id="product">&lt;b&gt;Acme&lt;/b&gt; Custody version 2.1</strong>' in html
    assert "<b>Acme</b>" not in html


def test_report_html_without_a_product_shows_the_target_only(tmp_path):
    ctx = RunContext(
        role="custody", target="http://t:1", base_url="http://t:1", tokens=None, report_dir=tmp_path
    )
    run = VerificationRun(ctx, [])
    run.finish()
    html = render_report(run.summary())
    assert 'id="product"' not in html and "<code>http://t:1</code>" in html
