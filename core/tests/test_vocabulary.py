import pytest
from django.core.exceptions import ImproperlyConfigured

from core.vocabulary import Vocabulary


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
