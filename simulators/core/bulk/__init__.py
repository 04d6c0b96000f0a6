"""Bulk export and import (the standard's portability operations, modelled on FHIR Bulk Data).

A system declares its entity types (`model.EntityType`: how to read them in batches, how to
import a batch of lines); this package does the rest the same way for every system: the job
files (`jobs.py`), the export writer (`exporter.py`), the importer (`importer.py`) and the
routes (`routes.py`). The API is described in docs/portability.md.
"""

from simulators.core.bulk.model import BulkSystem, EntityType, ExportOptions, Record
from simulators.core.bulk.routes import bulk_blueprint

__all__ = ["BulkSystem", "EntityType", "ExportOptions", "Record", "bulk_blueprint"]
