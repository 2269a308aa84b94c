-- PostgreSQL twin of sqlite/0010_languages.sql (which explains each column).
ALTER TABLE jobs ADD COLUMN member_locale TEXT;
ALTER TABLE jobs ADD COLUMN public_locale TEXT;
ALTER TABLE guild_settings ADD COLUMN language TEXT;
