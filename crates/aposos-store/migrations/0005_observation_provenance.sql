-- Where each observation came from: the upload (one id per file or request), the file
-- or upload name, the 1-based line of the record, and that line as it came (at most 200
-- bytes). The format is `upload_format`. NULL for observations stored before this.
ALTER TABLE observations ADD COLUMN upload_id BIGINT;
ALTER TABLE observations ADD COLUMN source_name TEXT;
ALTER TABLE observations ADD COLUMN source_line BIGINT;
ALTER TABLE observations ADD COLUMN source_text TEXT;
