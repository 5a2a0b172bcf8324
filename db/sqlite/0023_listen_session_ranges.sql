-- Listen sessions keep the union of the ranges played (ADR 0022), so the analytics consumer merges a batch's new
-- events into it instead of reading every stored event of the session again. JSON: [[start, end], ...], sorted and
-- disjoint, not clipped to the duration (a longer duration reported later still counts what was played past the old
-- end). NULL on rows written before this migration: the consumer rebuilds those once from their stored events.
ALTER TABLE listen_sessions ADD COLUMN played_ranges TEXT NULL;
