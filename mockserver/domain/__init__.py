"""The world's vocabulary and rules: models, ids, the clock, what each action does."""
