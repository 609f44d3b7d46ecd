"""The corpus and its January and July flights, for insights on a real comparison."""

from tests.corpus.conftest import corpus
from tests.corpus.test_compare import months

__all__ = ["corpus", "months"]
