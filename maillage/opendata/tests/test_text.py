from hypothesis import given
from hypothesis import strategies as st

from maillage.core.text import fold
from maillage.opendata.services.text import fast_fold

FRENCH = st.text(
    alphabet=st.sampled_from(
        list("aàâäbcçdeéèêëfghiîïjklmnoôöœpqrstuùûüvwxyÿzæAÀÉÈÇŒ ’'-.,0123456789\u034f\u0301")
    )
)


@given(FRENCH)
def test_fast_fold_equals_fold_on_french_text(text):
    assert fast_fold(text) == fold(text)


@given(st.text())
def test_fast_fold_equals_fold_on_any_text(text):
    assert fast_fold(text) == fold(text)
