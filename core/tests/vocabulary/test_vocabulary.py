import pytest
from django.core.exceptions import ImproperlyConfigured

from core.vocabulary import ProvidedVocabulary, Vocabulary


def test_words_keep_their_order_and_labels():
    words = Vocabulary("test word", max_length=10)
    assert words.register("b", "Bee") == "b"
    words.register("a", "Ay")
    words.register("b", "Bee")  # the same word again: harmless
    assert words.choices() == [("b", "Bee"), ("a", "Ay")]
    assert "a" in words and "c" not in words


@pytest.mark.parametrize("code, label", [("b", "Another bee"), ("", "Empty"), ("x" * 11, "Too long")])
def test_a_clashing_or_unstorable_word_stops_the_start(code, label):
    words = Vocabulary("test word", max_length=10)
    words.register("b", "Bee")
    with pytest.raises(ImproperlyConfigured):
        words.register(code, label)


def test_provided_words_are_read_from_their_source_each_time():
    rows = [("fitness", "Fitness")]
    departments = ProvidedVocabulary("department")
    departments.provide(lambda: list(rows))
    assert departments.choices() == [("fitness", "Fitness")]
    assert "fitness" in departments and "spa" not in departments and "" not in departments
    rows.append(("spa", "SPA"))  # a department added since
    assert "spa" in departments


def test_provided_words_need_one_source():
    departments = ProvidedVocabulary("department")
    with pytest.raises(ImproperlyConfigured, match="no installed app provides"):
        departments.choices()

    def source():
        return []

    departments.provide(source)
    departments.provide(source)  # the same source again: harmless
    with pytest.raises(ImproperlyConfigured, match="provided already"):
        departments.provide(lambda: [])
