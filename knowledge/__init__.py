"""The built-in best-practice guides (Markdown), shipped as package data so an installed wheel
finds them; read through ``assistant.resources.builtin_knowledge()``."""
