"""Historical worlds, case prediction, evaluation and validation against the COW record."""
