import pytest
pytestmark = [pytest.mark.xdist_group("g")]
def test_a(): pass
def test_b(): pass
