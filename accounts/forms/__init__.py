"""Forms of the accounts app, by topic: people (the Beheerder's user admin) and the second
factor."""
