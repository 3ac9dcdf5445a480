from socialdesk.marketing.terms import hashtags, split_compound, stem, stems, term_sets, tokens


def test_inflected_dutch_forms_meet():
    assert stem("daken") == stem("dak")
    assert stem("groene") == stem("groen")
    assert stem("subsidies") == stem("subsidie")


def test_tokens_drop_links_handles_digits_and_stop_words():
    assert tokens("Kijk op groendak.nl/subsidie @gemeente 2026 voor de regeling") == [
        "kijk",
        "regeling",
    ]


def test_compounds_count_as_their_halves_when_both_are_words():
    vocab = {stem("groen"), stem("dak"), stem("sedum")}
    assert split_compound("groendak", vocab) == ("groen", "dak")
    assert split_compound("sedumdak", vocab) == ("sedum", "dak")
    assert split_compound("waterberging", vocab) == ()
    sets = term_sets(["subsidie groendak", "groen dak"])
    assert {"groen", "dak"} <= sets[0]


def test_hashtags_and_english_stemming():
    assert hashtags("Meedoen? #Vrijwilligers #groendak!") == ["vrijwilligers", "groendak"]
    assert stems("volunteers volunteering", "en") == ["volunt", "volunt"]
