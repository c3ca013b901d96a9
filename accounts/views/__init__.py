"""Views of the accounts app, by topic: the password reset and the second factor."""
