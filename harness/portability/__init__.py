"""Portability: getting a force's data out of one product and into another, in the standard's bulk
format (docs/portability.md).

`client` speaks the standard's bulk export and import API; `entities` knows each role's entity
types (their keys, read operations and derived fields); `diff` compares two copies of a record
field by field; `plant` puts a small known set of data into a product; `checks` judges an export
(the portability suite, harness/suites/portability.py); `migration` and `rehearsal` run and
report `interop migrate`.
"""
