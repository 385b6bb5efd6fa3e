"""The cocoons: where they are, what they inject, the grammage they hold, their size and lifetime."""
