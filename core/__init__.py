"""The program's plain-Python heart, one package per idea (each says what lives in it): never Qt, never ui/ or cli/."""
