from maillage.directory.search.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    {"recyclerie": 40, "ressourcerie": 25, "association": 900, "associative": 12, "jardin": 80}
)


def test_known_words_and_prefixes_are_not_corrected():
    assert VOCABULARY.corrections("recyclerie") == []
    assert VOCABULARY.corrections("jardin recyc") == []  # the last word may be a prefix
    assert VOCABULARY.corrections("un jardin") == []  # short words are left alone


def test_a_transposition_or_a_missing_letter_finds_the_word():
    assert VOCABULARY.closest("recylcerie") == ["recyclerie"]
    assert VOCABULARY.closest("ressourcrie") == ["ressourcerie"]
    assert VOCABULARY.closest("associaton")[0] == "association"


def test_each_unknown_word_is_replaced_and_the_others_kept():
    assert VOCABULARY.corrections("jardn recylcerie")[0] == "jardin recyclerie"


def test_nothing_close_gives_no_correction():
    assert VOCABULARY.corrections("zzzzqqq") == []
    assert VOCABULARY.corrections("jardin zzzzqqq") == []
