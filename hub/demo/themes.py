"""Volunteering themes used by the demo stories, named in every content language."""

THEMES = {
    "food-aid": {
        "en": "Food aid",
        "de": "Lebensmittelhilfe",
        "el": "Επισιτιστική βοήθεια",
        "it": "Aiuto alimentare",
        "ar": "المساعدات الغذائية",
    },
    "language-cafe": {
        "en": "Language café",
        "de": "Sprachcafé",
        "el": "Γλωσσικό καφέ",
        "it": "Caffè linguistico",
        "ar": "مقهى اللغات",
    },
    "sports": {"en": "Sports", "de": "Sport", "el": "Αθλητισμός", "it": "Sport", "ar": "الرياضة"},
    "environment": {"en": "Environment", "de": "Umwelt", "el": "Περιβάλλον", "it": "Ambiente", "ar": "البيئة"},
    "first-aid": {
        "en": "First aid",
        "de": "Erste Hilfe",
        "el": "Πρώτες βοήθειες",
        "it": "Primo soccorso",
        "ar": "الإسعافات الأولية",
    },
    "culture": {"en": "Culture", "de": "Kultur", "el": "Πολιτισμός", "it": "Cultura", "ar": "الثقافة"},
    "youth": {"en": "Youth", "de": "Jugend", "el": "Νεολαία", "it": "Giovani", "ar": "الشباب"},
    "health": {"en": "Health", "de": "Gesundheit", "el": "Υγεία", "it": "Salute", "ar": "الصحة"},
    "radio": {
        "en": "Community radio",
        "de": "Freies Radio",
        "el": "Κοινοτικό ραδιόφωνο",
        "it": "Radio comunitaria",
        "ar": "الإذاعة المجتمعية",
    },
    "interpreting": {
        "en": "Interpreting",
        "de": "Dolmetschen",
        "el": "Διερμηνεία",
        "it": "Interpretariato",
        "ar": "الترجمة الشفوية",
    },
    "elderly-care": {
        "en": "Care for older people",
        "de": "Seniorenbetreuung",
        "el": "Φροντίδα ηλικιωμένων",
        "it": "Assistenza agli anziani",
        "ar": "رعاية كبار السن",
    },
    "education": {"en": "Education", "de": "Bildung", "el": "Εκπαίδευση", "it": "Istruzione", "ar": "التعليم"},
}
