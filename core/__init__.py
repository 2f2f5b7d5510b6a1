"""The program's plain-Python heart, one package per idea (each says what lives in it): never Qt, never ui/ or cli/."""

from core.common import method_cache

method_cache.install()  # before any of core's dataclasses is made
