"""Property-based tests of the search query parser: nothing typed reaches the engines' syntax."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.core.text import fold, search_terms
from maillage.directory.search.params import SearchParameterError, parse_bbox, parse_near
from maillage.directory.search.query import DirectoryFilters, search_directory
from maillage.directory.search.text import _fts5_query, _tsquery
from maillage.directory.tests.factories import located_organisation

PROPERTIES = settings(max_examples=300, derandomize=True, deadline=None, database=None)
# Text with the engines' operators, quotes, markup, emoji and right-to-left characters in it.
hostile = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\"'*()-:^&|!<>{}[]\\%_~ NEARORANDNOT")),
        st.characters(codec="utf-8"),
    ),
    max_size=120,
)
WORD = re.compile(r"^[0-9a-z]+$")


@PROPERTIES
@given(hostile)
def test_search_terms_are_plain_words(query):
    for term in search_terms(query):
        assert WORD.match(term)


@PROPERTIES
@given(hostile)
def test_folding_is_idempotent(query):
    terms = search_terms(query)
    assert search_terms(" ".join(terms)) == terms
    assert fold(fold(query)) == fold(query)


@PROPERTIES
@given(hostile)
def test_engine_queries_only_quote_words_and_mark_the_last_as_a_prefix(query):
    terms = search_terms(query)
    if not terms:
        return
    assert re.fullmatch(r'("[0-9a-z]+" )*"[0-9a-z]+"\*', _fts5_query(terms))
    assert re.fullmatch(r"([0-9a-z]+ & )*[0-9a-z]+:\*", _tsquery(terms))


@PROPERTIES
@given(st.text(max_size=60))
def test_points_and_boxes_parse_or_name_their_field(text):
    for parse, field in ((parse_near, "near"), (parse_bbox, "bbox")):
        try:
            parse(text)
        except SearchParameterError as error:
            assert error.field == field


NAMES = ["Recyclerie du Clain", "Épicerie solidaire"]


@pytest.fixture
def directory(db):
    for name in NAMES:
        located_organisation(name=name)


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=hostile)
def test_any_query_counts_exactly_the_directory_organisations_it_lists(directory, query):
    result = search_directory(DirectoryFilters(q=query), page=1, page_size=20, with_facets=False)
    names = [organisation.name for organisation in result.results]
    assert result.count == len(names)  # one page holds the whole directory
    assert len(set(names)) == len(names) and set(names) <= set(NAMES)
    if not search_terms(query):  # nothing to search for: no text filter
        assert sorted(names) == sorted(NAMES)
