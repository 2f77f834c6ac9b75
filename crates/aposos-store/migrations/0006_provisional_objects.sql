-- Objects found by the network (uncorrelated tracks linked into a candidate by initial
-- orbit determination) carry a provisional catalog number until identified: 1 marks them.
ALTER TABLE objects ADD COLUMN provisional BIGINT NOT NULL DEFAULT 0;
