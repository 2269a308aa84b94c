-- Who holds a session's follow-up lease (a random id per scheduler process). A scheduler gives back
-- or extends only its own lease: without it, one whose follow-up for the old phase ended cleared the
-- lease another took with the next phase change, and a third pass posted the results or closed the
-- thread a second time.
ALTER TABLE sessions ADD COLUMN lease_holder TEXT;
