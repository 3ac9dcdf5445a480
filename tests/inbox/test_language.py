"""Language detection on short inbox messages: function words first, lingua's fast mode after,
no full models (issue #19 part 4), and the classify path imports only what it uses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from socialdesk.inbox.language import detect_language, detect_languages

# Short messages that lingua's fast mode alone reads wrongly and sure (e.g. "This album is a
# masterpiece." as Polish, 0.99): from the project's own benchmarks/data/english_messages and
# benchmarks/data/dutch_customer_service (written and labelled by the project).
MISREAD_BY_TRIGRAMS = [
    ("This album is a masterpiece.", "en"),
    ("How do I reset my password?", "en"),
    ("Is the app available on Android?", "en"),
    ("The concert starts at 7, doors open at 6.", "en"),
    ("Wat is het retouradres?", "nl"),
    ("De steward was erg kortaf.", "nl"),
]

# Customer-service messages the inbox of a Dutch organisation meets in its other languages,
# written for this test: the words must not pull them to English or Dutch.
OTHER_LANGUAGES = [
    ("Mein Paket ist immer noch nicht angekommen.", "de"),
    ("Wann öffnet das Geschäft am Samstag?", "de"),
    ("Ich warte seit zwei Wochen auf eine Antwort!", "de"),
    ("Die Rechnung ist falsch, bitte korrigieren.", "de"),
    ("Ma commande n'est toujours pas arrivée.", "fr"),
    ("Merci beaucoup pour votre aide rapide", "fr"),
    ("Le service client ne répond jamais.", "fr"),
    ("Mi pedido todavía no ha llegado.", "es"),
    ("¿Puedo cambiar la dirección de entrega?", "es"),
    ("La comida estaba fría y era muy cara.", "es"),
    ("Il mio ordine non è ancora arrivato.", "it"),
    ("Posso cambiare l'indirizzo di consegna?", "it"),
    ("A minha encomenda ainda não chegou.", "pt"),
    ("Vocês entregam também na Bélgica?", "pt"),
    ("Moja paczka nadal nie dotarła.", "pl"),
    ("Czy mogę zmienić adres dostawy?", "pl"),
    ("Siparişim hâlâ gelmedi.", "tr"),
    ("Teslimat adresini değiştirebilir miyim?", "tr"),
    ("طلبي لم يصل حتى الآن.", "ar"),
]


def test_short_messages_lingua_misreads_and_other_languages() -> None:
    texts = [t for t, _ in MISREAD_BY_TRIGRAMS + OTHER_LANGUAGES]
    expected = [lang for _, lang in MISREAD_BY_TRIGRAMS + OTHER_LANGUAGES]
    readings = detect_languages(texts)
    assert [r.language for r in readings] == expected
    assert all(0.0 < r.confidence <= 1.0 for r in readings)
    assert [detect_language(t) for t in texts] == readings  # one by one = in a batch


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How do you do", "en"),  # two English-only words that no other language writes
        ("Waarom duurt het zo lang", "nl"),
    ],
)
def test_two_strong_function_words_decide_without_lingua(text: str, language: str) -> None:
    from socialdesk.inbox.language import _clear_case

    reading = _clear_case(text)
    assert reading is not None and reading.language == language
    assert reading.confidence == pytest.approx(0.83)
    # "no" and "me" are English-only among Dutch and English, not among the other languages:
    # two of them leave the Spanish to lingua
    assert _clear_case("No me gusta nada") is None
    assert detect_language("No me gusta nada").language == "es"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_no_full_models_are_loaded() -> None:
    """Texts lingua's fast mode is unsure of used to load its full models for ten languages
    (about 300 MB more): now only English and Dutch's (about 90 MB) next to the fast models'
    25 MB."""
    code = (  # VmHWM: this process's peak resident memory (ru_maxrss keeps the parent's)
        "from pathlib import Path\n"
        "from socialdesk.inbox.language import detect_languages\n"
        "def peak_kb():\n"
        "    status = Path('/proc/self/status').read_text()\n"
        "    return int(status.split('VmHWM:')[1].split()[0])\n"
        "texts = ['Do you ship to Canada?', 'Super Service, gerne wieder',\n"
        "         'Bizar: twee ministers.', 'Meeting in de trein!', 'Lunch at 12:30']\n"
        "before = peak_kb()\n"
        "print([r.language for r in detect_languages(texts)])\n"
        "print((peak_kb() - before) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    languages, grown_mb = done.stdout.splitlines()
    assert "None" not in languages  # every text has a reading
    assert int(grown_mb) < 200, done.stdout


def test_classify_path_imports_no_pandas_and_the_package_names_still_import() -> None:
    """`socialdesk.inbox` imports its submodules when a name is first asked for: triage needs
    no pandas, scikit-learn or alerts; every name in __all__ still imports from the package.
    The import commands' module imports no importer, store or pandas until a command runs."""
    code = (
        "import sys\n"
        "import socialdesk.inbox.triage\n"
        "heavy = ('pandas', 'numpy', 'sklearn', 'sqlalchemy', 'lingua',\n"
        "         'socialdesk.inbox.alerts', 'socialdesk.inbox.learning')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "import socialdesk.cli.imports\n"
        "print(sorted(m for m in ('pandas', 'sqlalchemy', 'socialdesk.importers.run')\n"
        "             if m in sys.modules))\n"
        "import socialdesk.inbox as inbox\n"
        "print(sorted(n for n in inbox.__all__ if getattr(inbox, n, None) is None))\n"
        "from socialdesk.inbox import crisis_alerts, run, triage_text\n"
        "print(crisis_alerts.__module__, run.__name__, triage_text.__module__)\n"
        "print(set(inbox.__all__) <= set(dir(inbox)), hasattr(inbox, 'no_such_name'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.splitlines() == [
        "[]",
        "[]",
        "[]",
        "socialdesk.inbox.alerts socialdesk.inbox.run socialdesk.inbox.triage",
        "True False",
    ]
