"""The verification engine: suites emit a stream of events; writers consume it.

One engine, many writers: the console, report.json, junit.xml and report.html each subscribe to
the same stream, so adding a format touches one file.
"""

from harness.engine.events import CheckResult, Event, Finding, SuiteFinished, SuiteStarted
from harness.engine.run import RunContext, Suite, VerificationRun

__all__ = [
    "CheckResult",
    "Event",
    "Finding",
    "RunContext",
    "Suite",
    "SuiteFinished",
    "SuiteStarted",
    "VerificationRun",
]
