"""The glossary engine: normalisation, resolving, question parsing, context and answers."""
