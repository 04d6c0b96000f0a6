"""Judging a vendor product as a consumer: its own client, its traffic, the consumer duties."""
