-- PostgreSQL twin of sqlite/0011_session_language.sql (which explains the column).
ALTER TABLE sessions ADD COLUMN public_locale TEXT;
