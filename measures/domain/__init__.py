"""Pure rules of the response measures: no ORM, no request (tested without a database)."""
